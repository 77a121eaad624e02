"""File > Publish: choose a target, sign in, upload every episode and register the
collection, with per-episode progress, speed and time left; pause, resume, cancel.

The work runs on a worker (studio.sync); its events come back through the task
manager's queued signal. Pausing keeps what was sent: publishing again resumes.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.domain.errors import UserError
from studio.domain.sizes import format_speed
from studio.editor.cut_plan import RenderSettings
from studio.store.library import Library
from studio.store.sync_state import SyncStore, TargetRecord
from studio.sync.status import SyncEvent
from studio.sync.targets import FOLDER, SERIES_API, check_target, check_target_name, same_folder
from studio.ui import file_dialogs
from studio.ui.job_table import job_table, put_bar, set_fraction, show_error
from studio.ui.operations import Op, Task


def _speed(bps: float) -> str:
    return format_speed(bps) if bps else ""


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return ""
    m, s = divmod(int(seconds), 60)
    return f"{m}:{s:02d}"


class PublishDialog(QDialog):
    def __init__(self, window, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.controller = window.controller
        self.collection = self.controller.collection
        self.setWindowTitle(self.tr("Publish '{0}'").format(self.collection.title))
        self.resize(860, 560)
        self.target = QComboBox()
        self.target.setAccessibleName(self.tr("Publishing target"))
        self.add_folder = QPushButton(self.tr("Add a folder target…"))
        self.sign_in = QPushButton(self.tr("Sign in…"))
        self.sign_in.setToolTip(self.tr("Opens your browser to sign in to the platform"))
        self.table = job_table([self.tr("Item"), self.tr("State"), self.tr("Progress"),
                                self.tr("Speed"), self.tr("Time left")],
                               self.tr("Upload progress"), stretch=0)  # fmt: skip
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.publish_button = QPushButton(self.tr("Publish"))
        self.publish_button.setDefault(True)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.cancel_button = QPushButton(self.tr("Cancel upload"))
        self.close_button = QPushButton(self.tr("Close"))
        for b in (self.pause_button, self.cancel_button):
            b.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Target")))
        top.addWidget(self.target, 1)
        top.addWidget(self.sign_in)
        top.addWidget(self.add_folder)
        buttons = QHBoxLayout()
        buttons.addStretch()
        for b in (self.pause_button, self.cancel_button, self.publish_button, self.close_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.rows: dict[str, int] = {}
        self.task: Task | None = None
        self.publisher = None
        self.result = None
        self._before_wait: str | None = None  # the status a "waiting" note stands in for
        self.add_folder.clicked.connect(self.choose_folder_target)
        self.sign_in.clicked.connect(self.do_sign_in)
        self.publish_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.pause)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.target.currentIndexChanged.connect(self._target_changed)
        self.reload_targets()

    # ------------------------------------------------------------------ targets
    def _store(self) -> SyncStore:
        return SyncStore(self.controller.ctx.library)

    def reload_targets(self, select: str | None = None) -> None:
        self.target.blockSignals(True)
        self.target.clear()
        for t in self._store().targets():
            label = f"{t.name} — {t.location}" + (f" ({t.account})" if t.account else "")
            self.target.addItem(label, t.name)
        if select:
            self.target.setCurrentIndex(max(0, self.target.findData(select)))
        self.target.blockSignals(False)
        self._target_changed()

    def _target_changed(self, *_args) -> None:
        name = self.target.currentData()
        kind = next((t.kind for t in self._store().targets() if t.name == name), None)
        self.sign_in.setEnabled(kind == SERIES_API)
        self.publish_button.setEnabled(name is not None and self.task is None)
        if self.task is not None:
            return  # the status says how the publish goes
        if name is None:
            self._say(self.tr("Add a target: a folder, or a platform's address."))
        else:
            self._say(self.tr("Publish sends the collection to {0}.").format(
                self.target.currentText()))

    def add_target(self, name: str, kind: str, location: str) -> bool:
        """Add the target and select it, after the checks ``studio targets add`` makes;
        a refusal is said in red on the status line and nothing is added."""
        store = self._store()
        try:
            check_target_name(name)
            location = check_target(kind, location)
            other = same_folder(kind, location, store.targets())
            if other is None:
                store.add_target(TargetRecord(name, kind, location))
        except UserError as exc:
            show_error(self.status, exc)
            return False
        if other is not None:
            self.reload_targets(select=other.name)
            show_error(self.status, self.tr(
                "Target '{0}' already publishes to {1}; publish with '{0}' (now selected), or "
                "choose another folder.").format(other.name, location))  # fmt: skip
            return False
        self.reload_targets(select=name)
        return True

    def choose_folder_target(self) -> None:
        folder = file_dialogs.existing_directory(self, self.tr("Publish into this folder"),
                                                 str(Path.home()))  # fmt: skip
        if folder:
            self.add_target(self.free_name(Path(folder).name or "folder"), FOLDER, folder)

    def free_name(self, name: str) -> str:
        """``name``, or ``name 2``, ``name 3``… when a target is called so already (the
        window names a folder target after its folder; two folders may share a name)."""
        taken = {t.name for t in self._store().targets()}
        n = 1
        while (candidate := name if n == 1 else f"{name} {n}") in taken:
            n += 1
        return candidate

    def do_sign_in(self) -> None:
        from studio.sync.actions import login

        name, path = self.target.currentData(), self.controller.ctx.library_path
        self._say(self.tr("Waiting for the sign-in in your browser…"))
        Op(lambda job: login(path, name, cancel=job.token), self.tr("Signing in")).success(
            lambda account: (self._say(self.tr("Signed in as {0}.").format(account)),
                             self.reload_targets(select=name))).failure(
            self._failed).run(self.controller.tasks)  # fmt: skip

    # ------------------------------------------------------------------ publish
    def start(self) -> None:
        from studio.sync.actions import default_kit_folder, make_kit
        from studio.sync.engine import Publisher

        name = self.target.currentData()
        if name is None:
            return
        path, collection = self.controller.ctx.library_path, self.collection
        kit = default_kit_folder(path, collection.id)

        def work(job):
            with Library.open(path, check=False) as lib:
                make_kit(lib, lib.collection(collection.id), RenderSettings(), kit,
                         progress=job.progress, cancel=job.token)  # fmt: skip
            publisher = Publisher(path, name, kit, on_event=job.send)
            job.send(publisher)
            job.token.raise_if_cancelled()
            return publisher.run()

        self.table.setRowCount(0)
        self.rows.clear()
        self._before_wait = None
        self._say(self.tr("Preparing the files…"))
        self.publish_button.setEnabled(False)
        self.pause_button.setEnabled(True)
        self.cancel_button.setEnabled(True)
        self.task = (Op(work, self.tr("Publishing '{0}'").format(collection.title),
                        kind="publish")
                     .partial(self._event).success(self._done).failure(self._failed)
                     .cancelled(self._stopped).run(self.controller.tasks))  # fmt: skip

    def _row(self, key: str, label: str) -> int:
        if key not in self.rows:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.table.setItem(row, 0, QTableWidgetItem(label or key))
            for col in (1, 3, 4):
                self.table.setItem(row, col, QTableWidgetItem(""))
            put_bar(self.table, row, 2)
            self.rows[key] = row
        return self.rows[key]

    def _event(self, value) -> None:
        if not isinstance(value, SyncEvent):
            self.publisher = value  # the worker's Publisher, for pause and cancel
            return
        e = value
        states = self._states()
        if e.kind != "note" and self._before_wait is not None:
            # The wait is over: the retry moves (or the collection's state is said below).
            before, self._before_wait = self._before_wait, None
            if e.kind in ("progress", "item"):
                self._say(before)
        if e.kind == "collection":
            self._say(self.tr("Collection: {0}").format(states.get(e.state, e.state)))
        elif e.kind == "note":
            if e.state == "waiting" and self._before_wait is None:
                self._before_wait = self.status.text()
            self._say(e.message)
        elif e.item:
            row = self._row(e.item, e.label)
            if e.kind == "item":
                self.table.item(row, 1).setText(states.get(e.state, e.state))
                if e.state in ("uploaded", "registered"):
                    set_fraction(self.table.cellWidget(row, 2), 1.0)
            elif e.kind == "progress":
                set_fraction(self.table.cellWidget(row, 2), e.fraction)
                self.table.item(row, 3).setText(_speed(e.speed))
                self.table.item(row, 4).setText(_eta(e.eta_s))

    def _states(self) -> dict[str, str]:
        """The sync engine's states, as said to the creator."""
        return {"pending": self.tr("waiting"), "uploading": self.tr("uploading"),
                "uploaded": self.tr("uploaded"), "registered": self.tr("registered"),
                "preparing": self.tr("preparing"), "registering": self.tr("registering"),
                "processing": self.tr("processing"), "ready": self.tr("ready"),
                "rejected": self.tr("rejected"), "damaged": self.tr("damaged"),
                "missing": self.tr("missing")}  # fmt: skip

    def pause(self) -> None:
        if self.publisher is not None:
            self.publisher.pause()
        elif self.task is not None:
            self.task.cancel()
        self.pause_button.setEnabled(False)

    def cancel(self) -> None:
        if self.publisher is not None:
            self.publisher.cancel()
        elif self.task is not None:
            self.task.cancel()
        self.cancel_button.setEnabled(False)

    def _finish(self) -> None:
        self.task = None
        self.publisher = None
        self.pause_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.publish_button.setEnabled(True)
        self.window_.refresh_sync_badges()

    def _done(self, result) -> None:
        self.result = result
        self._finish()
        self._say(self.tr("Published: remote id {0}, status {1}.").format(
            result.remote_id, self._states().get(result.status, result.status)))

    def _stopped(self) -> None:
        self._finish()
        self._say(self.tr("Stopped. What was sent is kept: Publish again to resume."))

    def _say(self, text: str) -> None:
        """A plain line on the status (after a red one, which is rich text)."""
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setText(text)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        show_error(self.status, exc)

    def reject(self) -> None:
        if self.task is not None:
            self.pause()
        super().reject()
