"""Export: choose the folder and settings, see the plan per episode, preview a cut, render.

Planning and rendering run on workers; the dialog shows progress per episode
and overall, can cancel, and offers to open the folder at the end. While an export
runs its folder and settings are locked: a change re-plans only once it has ended.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio import export
from studio.covers import write_cover
from studio.domain.models import Collection
from studio.editor.cut_plan import RenderSettings
from studio.store.library import Library
from studio.tasks import Progress
from studio.ui import file_dialogs
from studio.ui.controller import StudioController
from studio.ui.job_table import BAR_STEPS, job_table, put_bar, set_fraction, show_error
from studio.ui.operations import Op, Task
from studio.ui.settings import reframe_combo


class ExportDialog(QDialog):
    def __init__(self, controller: StudioController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.collection: Collection = controller.collection
        self.setWindowTitle(self.tr("Export '{0}'").format(self.collection.title))
        self.resize(980, 640)
        settings = QSettings()
        self.folder = QLineEdit(settings.value("export/folder", str(Path.home() / "Series")))
        self.folder.setAccessibleName(self.tr("Export folder"))
        self.browse_button = browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.reframe = reframe_combo(settings.value("export/reframe", "none"))
        self.reframe.setAccessibleName(self.tr("Reframe landscape clips"))
        self.normalize = QCheckBox(self.tr("Normalise loudness to"))
        self.normalize.setChecked(settings.value("export/normalize", "true") == "true")
        self.lufs = QDoubleSpinBox()
        self.lufs.setRange(-40.0, -5.0)
        self.lufs.setSingleStep(0.5)
        self.lufs.setSuffix(" LUFS")
        self.lufs.setValue(float(settings.value("export/lufs", -14.0)))
        self.lufs.setAccessibleName(self.tr("Loudness target"))
        self.reencode = QCheckBox(self.tr("Re-encode everything (slow; for picky players)"))
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        loud_row = QHBoxLayout()
        loud_row.addWidget(self.normalize)
        loud_row.addWidget(self.lufs)
        loud_row.addStretch()
        form = QFormLayout()
        form.addRow(self.tr("Folder"), folder_row)
        form.addRow(self.tr("Landscape clips"), self.reframe)
        form.addRow(self.tr("Sound"), loud_row)
        form.addRow("", self.reencode)

        self.table = job_table([self.tr("#"), self.tr("Episode"), self.tr("Plan"), self.tr("Why"),
                                self.tr("Progress")], self.tr("Export plan"), stretch=3)
        self.table.setColumnWidth(0, 36)
        self.table.setColumnWidth(1, 220)
        width = self.table.fontMetrics().horizontalAdvance  # the plan column fits its words:
        strategies = (self.tr("Copy"), self.tr("Smart cut"), self.tr("Re-encode"))
        self.table.setColumnWidth(2, max(90, 16 + max(map(width, strategies))))
        self.table.setColumnWidth(4, 140)
        self.estimate = QLabel()
        self.overall = QProgressBar()
        self.overall.setAccessibleName(self.tr("Overall progress"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.preview_button = QPushButton(self.tr("Preview the cut"))
        self.preview_button.setToolTip(self.tr(
            "Render the first and last two seconds of the selected episode exactly as the "
            "export will, and play them"))
        self.export_button = QPushButton(self.tr("Export"))
        self.export_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.show_button = QPushButton(self.tr("Show in folder"))
        self.show_button.hide()
        self.close_button = QPushButton(self.tr("Close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addStretch()
        for b in (self.show_button, self.cancel_button, self.export_button, self.close_button):
            buttons.addWidget(b)
        self.cancel_button.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.estimate)
        layout.addWidget(self.overall)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        self.plan: export.ExportPlan | None = None
        self.task: Task | None = None  # the running export, if any
        self._plan_serial = 0  # only the latest planning's result is shown
        self._replan_after_export = False
        self.preview_player = None
        browse.setAccessibleName(self.tr("Choose the export folder"))
        self.reframe.currentIndexChanged.connect(self.replan)
        self.normalize.toggled.connect(self.replan)
        self.reencode.toggled.connect(self.replan)
        self.lufs.editingFinished.connect(self.replan)
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)
        self.show_button.clicked.connect(self._show_folder)
        self.preview_button.clicked.connect(self.preview)
        self.replan()

    # ------------------------------------------------------------ settings and plan
    def settings(self) -> RenderSettings:
        return RenderSettings(
            reframe=self.reframe.currentData(), normalize_loudness=self.normalize.isChecked(),
            target_lufs=self.lufs.value(), reencode=self.reencode.isChecked(),
        )  # fmt: skip

    def _browse(self) -> None:
        folder = file_dialogs.existing_directory(self, self.tr("Export to"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def replan(self) -> None:
        if self.task is not None:  # never under a running export: once it has ended
            self._replan_after_export = True
            return
        settings = self.settings()
        path = self.controller.ctx.library_path
        collection = self.collection
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Planning…"))

        def work(job):
            with Library.open(path, check=False) as lib:
                return export.plan_export(lib, collection, settings)

        self._plan_serial += 1
        serial = self._plan_serial
        Op(work, self.tr("Planning the export"), lane="media").success(
            lambda plan: self._planned(plan, serial)).failure(
            lambda exc: self._plan_failed(exc, serial)).run(self.controller.tasks)

    def _planned(self, plan: export.ExportPlan, serial: int | None = None) -> None:
        if serial not in (None, self._plan_serial):
            return  # a later change is being planned
        if self.task is not None:
            self._replan_after_export = True
            return
        self.plan = plan
        names = {"copy": self.tr("Copy"), "smart": self.tr("Smart cut"),
                 "reencode": self.tr("Re-encode")}  # fmt: skip
        self.table.setRowCount(len(plan.jobs))
        for row, job in enumerate(plan.jobs):
            cells = [str(job.episode.position), job.episode.title,
                     names[job.plan.strategy.value], job.plan.reason, ""]  # fmt: skip
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(job.plan.summary() if col == 3 else text)
                self.table.setItem(row, col, item)
            put_bar(self.table, row, 4,
                    self.tr("about {0} s").format(max(1, round(job.plan.estimate_s))))
        if plan.jobs:
            self.table.selectRow(0)
        minutes = plan.estimate_s / 60
        self.estimate.setText(self.tr("Estimated time: {0}").format(
            self.tr("{0:.0f} min").format(minutes) if minutes >= 1 else
            self.tr("{0:.0f} s").format(max(1, plan.estimate_s))))  # fmt: skip
        self.status.setText("")
        self.export_button.setEnabled(True)

    def _plan_failed(self, exc: BaseException, serial: int) -> None:
        if serial != self._plan_serial or self.task is not None:
            return
        show_error(self.status, exc)
        self.export_button.setEnabled(self.plan is not None)

    def _lock_settings(self, locked: bool) -> None:
        for widget in (self.folder, self.browse_button, self.reframe, self.normalize,
                       self.lufs, self.reencode):  # fmt: skip
            widget.setEnabled(not locked)

    # ------------------------------------------------------------ export
    def start(self) -> None:
        if self.plan is None:
            return
        folder = Path(self.folder.text()).expanduser()
        settings = QSettings()
        settings.setValue("export/folder", str(folder))
        settings.setValue("export/reframe", self.reframe.currentData())
        settings.setValue("export/normalize", "true" if self.normalize.isChecked() else "false")
        settings.setValue("export/lufs", self.lufs.value())
        plan, path = self.plan, self.controller.ctx.library_path
        rows = {job.key: row for row, job in enumerate(plan.jobs)}
        weights = {j.key: max(0.5, j.plan.estimate_s) for j in plan.jobs}

        def work(job):
            with Library.open(path, check=False) as lib:
                c = lib.collection(plan.collection.id)
                return export.export_collection(
                    lib, plan, folder, progress=job.progress, cancel=job.token,
                    on_episode=lambda ep_job, state: job.send((ep_job.key, state)),
                    write_cover=lambda f: write_cover(lib, c, f),
                )  # fmt: skip

        starts = {}
        acc = 0.0
        for j in plan.jobs:
            starts[j.key] = acc
            acc += weights[j.key]

        def progress(p: Progress) -> None:
            set_fraction(self.overall, p.fraction)
            done = p.done
            for key, row in rows.items():
                bar = self.table.cellWidget(row, 4)
                frac = (done - starts[key]) / weights[key]
                if 0 < frac < 1:
                    set_fraction(bar, frac)
                    bar.setFormat("%p%")

        def episode_done(value) -> None:
            key, state = value
            bar = self.table.cellWidget(rows[key], 4)
            set_fraction(bar, 0.0 if state == "failed" else 1.0)
            if state == "failed":
                bar.setFormat(self.tr("Failed"))
                bar.setToolTip(self.tr("This episode could not be rendered: see below why."))
            else:
                bar.setFormat(self.tr("Done") if state == "rendered" else self.tr("Unchanged"))

        self.overall.setRange(0, BAR_STEPS)
        set_fraction(self.overall, 0.0)
        self._lock_settings(True)
        self.export_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.show_button.hide()
        self.close_button.hide()
        self.status.setText(self.tr("Exporting to {0}…").format(folder))
        self.result_folder = folder
        #: Must begin with the translation of MainWindow's "Exporting" (checked on quitting).
        self.task = (Op(work, self.tr("Exporting '{0}'").format(plan.collection.title),
                        kind="export")
                     .progress(progress).partial(episode_done).success(self._done)
                     .failure(self._export_failed).cancelled(self._cancelled)
                     .run(self.controller.tasks))  # fmt: skip

    def _export_ended(self) -> None:
        """Back to choosing: settings unlocked, and a change made meanwhile planned now."""
        self.task = None
        self.cancel_button.hide()
        self.close_button.show()
        self.export_button.setEnabled(self.plan is not None)
        self._lock_settings(False)
        if self._replan_after_export:
            self._replan_after_export = False
            self.replan()

    def _done(self, result: export.ExportResult) -> None:
        set_fraction(self.overall, 1.0)
        self.status.setText(self.tr(
            "Exported: {0} rendered, {1} unchanged, {2} removed.").format(
            len(result.rendered), len(result.reused), len(result.removed)))  # fmt: skip
        self.show_button.show()
        self._export_ended()

    def _export_failed(self, exc: BaseException) -> None:
        show_error(self.status, exc)
        if isinstance(exc, export.ExportIncomplete) and (exc.result.rendered
                                                         or exc.result.reused):
            self.show_button.show()  # the message says the others are in the folder
        self._export_ended()

    def _cancelled(self) -> None:
        self.status.setText(self.tr("Export cancelled. Finished episodes were kept."))
        self._export_ended()

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)

    def _show_folder(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result_folder))):
            show_error(self.status, self.tr(
                "No file manager could be opened here. The kit is in {0}").format(
                self.result_folder))  # fmt: skip

    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()
        super().reject()

    # ------------------------------------------------------------ preview
    def preview(self) -> None:
        row = self.table.currentRow()
        if self.plan is None or row < 0:
            return
        job = self.plan.jobs[row]
        folder = self.controller.ctx.library_path.parent / "previews"
        settings, path = self.settings(), self.controller.ctx.library_path
        self.preview_button.setEnabled(False)
        self.status.setText(self.tr("Rendering the preview of episode {0}…").format(
            job.episode.position))

        def work(j):
            with Library.open(path, check=False) as lib:
                return export.render_preview(lib, lib.episode(job.episode.id), folder, settings,
                                             cancel=j.token)  # fmt: skip

        Op(work, self.tr("Previewing a cut")).success(self._play_preview).failure(
            self._preview_failed).run(self.controller.tasks)

    def _preview_failed(self, exc: BaseException) -> None:
        self.preview_button.setEnabled(True)
        show_error(self.status, exc)

    def _play_preview(self, paths: list[Path]) -> None:
        from studio.ui.preview_window import PreviewWindow

        self.preview_button.setEnabled(True)
        self.status.setText("")
        self.preview_player = PreviewWindow(paths, self)
        self.preview_player.show()

