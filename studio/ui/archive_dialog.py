"""File > Import archive: preview a YouTube Takeout or an Instagram export, choose, import.

Nothing is added before the creator clicks Import: the preview reads the
archive on a worker and lists every video with its matched title, date and
length, or why it needs attention; photos skipped and archive problems show too.
A file that fits several videos gets a choice of those videos in its row;
choosing one gives the file that video's title and date and checks it.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.domain.errors import UserError
from studio.domain.timecode import format_duration
from studio.ingest import (
    ArchivePreview,
    Candidate,
    import_archive,
    playlist_items,
    preview_archive,
    resolve,
)
from studio.ingest.model import ArchiveItem, ImportReport, ItemStatus, Outcome
from studio.store.library import Library
from studio.ui.operations import Op, Task

KEY_ROLE = Qt.ItemDataRole.UserRole + 7
NOTE = 4  # the column that holds the note, or the choice of video for an ambiguous file


class ArchiveImportDialog(QDialog):
    def __init__(self, window, paths: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.window_ = window
        self.controller = window.controller
        self.paths = [Path(p) for p in paths]
        self.setWindowTitle(self.tr("Import an archive"))
        self.resize(1000, 620)
        self.summary = QLabel(self.tr("Reading the archive…"))
        self.summary.setWordWrap(True)
        self.playlist = QComboBox()
        self.playlist.setAccessibleName(self.tr("Playlist"))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Title"), self.tr("Kind"), self.tr("Date"),
                                   self.tr("Length"), self.tr("Note")])  # fmt: skip
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName(self.tr("Videos in the archive"))
        self.tree.setColumnWidth(0, 300)
        self.tree.setColumnWidth(1, 140)
        self.tree.setColumnWidth(2, 100)
        self.tree.setColumnWidth(3, 70)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #c62828")
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setEnabled(False)
        self.import_button.setDefault(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Playlist")))
        top.addWidget(self.playlist, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.bar, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        self.preview: ArchivePreview | None = None
        self.choices: dict[str, Candidate] = {}  # item key -> the video the creator chose
        self.ticks: dict[str, bool] = {}  # item key -> ticked or not, as the creator left it
        self.report = None
        self.task: Task | None = None
        self.cancel_button.clicked.connect(self.reject)
        self.import_button.clicked.connect(self.start_import)
        self.playlist.currentIndexChanged.connect(self._fill)
        self.tree.itemChanged.connect(self._remember_tick)
        self.task = Op(lambda job: preview_archive(self.paths, progress=job.progress,
                                                   cancel=job.token),
                       self.tr("Reading the archive")).success(self._previewed).failure(
            self._failed).run(window.tasks)  # fmt: skip

    def _failed(self, exc: BaseException) -> None:
        self.task = None
        self.bar.hide()
        self.summary.setText(f"<span style='color:#c62828'>{exc}</span>")

    def _previewed(self, preview: ArchivePreview) -> None:
        self.task = None
        self.preview = preview
        self.bar.hide()
        self.playlist.blockSignals(True)
        self.playlist.clear()
        self.playlist.addItem(self.tr("Every video"), None)
        for p in preview.playlists:
            self.playlist.addItem(p.title, p.id)
        self.playlist.blockSignals(False)
        ready = len(preview.default_selection)
        attention = len(preview.needs_attention)
        text = (self.tr("1 video ready to import") if ready == 1 else
                self.tr("{0} videos ready to import").format(ready))
        if attention:
            text += ", " + (self.tr("1 needs attention.") if attention == 1 else
                            self.tr("{0} need attention.").format(attention))
        else:
            text += "."  # fmt: skip
        if any(it.pickable for it in preview.items):
            text += " " + self.tr("Where a file fits several videos, choose which one it is in "
                                  "its row.")
        if preview.skipped_photos:
            text += " " + self.tr("{0} photos are skipped.").format(preview.skipped_photos)
        self.summary.setText(text)
        self.problems.setText("\n".join(p.message for p in preview.problems))
        self._fill()

    def _fill(self) -> None:
        if self.preview is None:
            return
        pid = self.playlist.currentData()
        items = list(self.preview.items)
        if pid is not None:
            playlist = next(p for p in self.preview.playlists if p.id == pid)
            items = playlist_items(self.preview, playlist)
        self.tree.clear()
        kinds = {"video": self.tr("Video"), "post": self.tr("Post"), "reel": self.tr("Reel"),
                 "story": self.tr("Story"), "igtv": self.tr("IGTV"),
                 "archived": self.tr("Archived post")}  # fmt: skip
        for it in items:
            length = it.duration_us or it.duration_hint_us
            row = QTreeWidgetItem([
                it.title, kinds.get(it.kind, it.kind),
                it.created_at.strftime("%Y-%m-%d") if it.created_at else "",
                format_duration(length) if length else "", it.problem or "",
            ])  # fmt: skip
            row.setData(0, KEY_ROLE, it.key)
            row.setToolTip(0, it.description or it.title)
            row.setToolTip(4, it.problem or "")
            ok = it.status is ItemStatus.READY
            flags = row.flags() | Qt.ItemFlag.ItemIsUserCheckable
            if not it.importable:
                flags &= ~Qt.ItemFlag.ItemIsEnabled
            row.setFlags(flags)
            ticked = self.ticks.get(it.key, ok and it.checked_by_default)
            row.setCheckState(0, Qt.CheckState.Checked if ticked and it.importable
                              else Qt.CheckState.Unchecked)  # fmt: skip
            self.tree.addTopLevelItem(row)
            if it.pickable:
                self.tree.setItemWidget(row, NOTE, self._chooser(row, it))
        self._offer_import()

    def _remember_tick(self, row: QTreeWidgetItem, column: int) -> None:
        """Keep each row's tick, so that a playlist shown and left again does not reset it."""
        key = row.data(0, KEY_ROLE)
        if column == 0 and key is not None:
            self.ticks[key] = row.checkState(0) == Qt.CheckState.Checked
            self._offer_import()

    def _offer_import(self) -> None:
        """Import is offered while the archive is read and nothing runs, with a row ticked
        (an HTML export, or every row unticked, has nothing to import)."""
        if self.preview is None or self.task is not None:
            return
        rows = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        self.import_button.setEnabled(any(r.checkState(0) == Qt.CheckState.Checked
                                          for r in rows))  # fmt: skip

    def _chooser(self, row: QTreeWidgetItem, it: ArchiveItem) -> QComboBox:
        """The videos a file may be; choosing one sets the row's title and date and checks it."""
        box = QComboBox()
        box.addItem(self.tr("Which video is it?"), None)
        for c in it.candidates:
            box.addItem(c.label(), c.video_id)
        name = (it.source_ref or "").rsplit("/", 1)[-1]
        box.setAccessibleName(self.tr("Which video {0} is").format(name))
        box.setToolTip(it.problem or "")
        chosen = self.choices.get(it.key)
        if chosen is not None:
            box.setCurrentIndex(box.findData(chosen.video_id))
            self._show_choice(row, it, chosen)

        def picked(index: int) -> None:
            vid = box.itemData(index)
            cand = next((c for c in it.candidates if c.video_id == vid), None)
            if cand is None:
                self.choices.pop(it.key, None)
            else:
                self.choices[it.key] = cand
            self._show_choice(row, it, cand)
            row.setCheckState(0, Qt.CheckState.Unchecked if cand is None
                              else Qt.CheckState.Checked)  # fmt: skip

        box.currentIndexChanged.connect(picked)
        return box

    def _show_choice(self, row: QTreeWidgetItem, it: ArchiveItem, cand: Candidate | None) -> None:
        title = cand.title if cand else it.title
        date = cand.created_at if cand else it.created_at
        row.setText(0, title)
        row.setText(2, date.strftime("%Y-%m-%d") if date else "")
        row.setToolTip(0, (cand.description if cand else it.description) or title)

    def checked_items(self) -> list[ArchiveItem]:
        """The checked items, with the video chosen for each ambiguous one.

        Raises UserError when one video is chosen for two checked files."""
        assert self.preview is not None
        rows = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        keys = [r.data(0, KEY_ROLE) for r in rows if r.checkState(0) == Qt.CheckState.Checked]
        preview = resolve(self.preview, {k: c for k, c in self.choices.items() if k in keys})
        return [preview.item(k) for k in keys]

    def start_import(self) -> None:
        if self.preview is None or self.controller.collection is None:
            return
        try:
            chosen = self.checked_items()
        except UserError as exc:
            others = [p.message for p in self.preview.problems]
            self.problems.setText("\n".join([str(exc), *others]))
            return
        preview, collection = self.preview, self.controller.collection
        path, media_dir = self.controller.ctx.library_path, self.controller.ctx.media_dir
        pid = self.playlist.currentData()
        playlist = next((p for p in preview.playlists if p.id == pid), None)
        self.import_button.setEnabled(False)
        self.bar.show()
        self.bar.setRange(0, max(1, len(chosen)))

        def work(job):
            with Library.open(path, check=False) as lib:
                return import_archive(lib, media_dir, preview, collection, chosen,
                                      playlist=playlist, progress=job.progress,
                                      cancel=job.token)  # fmt: skip

        def progress(p) -> None:
            self.bar.setValue(int(p.done))

        self.task = (Op(work, self.tr("Importing the archive"), lane="db").progress(progress)
                     .success(self._imported).failure(self._failed)
                     .cancelled(self.reject).run(self.controller.tasks))  # fmt: skip

    def _imported(self, report: ImportReport) -> None:
        self.task = None
        self.report = report
        self.controller.episodes_edited()
        self.window_.statusBar().showMessage(self.tr(
            "Archive imported: {0} added, {1} skipped, {2} failed.").format(
            len(report.added), len(report.skipped), len(report.failed)), 10000)  # fmt: skip
        if report.failed:
            self._show_results(report)
        else:
            self.accept()

    def _show_results(self, report: ImportReport) -> None:
        """Stay open when videos were not added: each row says what became of its video."""
        self.bar.hide()
        self.import_button.hide()
        self.playlist.setEnabled(False)
        self.cancel_button.setText(self.tr("Close"))
        self.cancel_button.clicked.disconnect(self.reject)
        self.cancel_button.clicked.connect(self.accept)  # the import is done: closing is fine
        results = {r.item.key: r for r in report.results}
        red = QBrush(QColor("#c62828"))
        first_failed = None
        for i in range(self.tree.topLevelItemCount()):
            row = self.tree.topLevelItem(i)
            row.setFlags(row.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
            r = results.get(row.data(0, KEY_ROLE))
            if r is None:
                continue
            if r.outcome is Outcome.ADDED:
                note = (self.tr("Added as episode {0}.").format(r.episode.position)
                        if r.episode is not None else self.tr("Added."))  # fmt: skip
            else:
                note = r.reason or ""
            self.tree.removeItemWidget(row, NOTE)
            row.setText(NOTE, note)
            row.setToolTip(NOTE, note)
            if r.outcome is Outcome.FAILED:
                row.setForeground(NOTE, red)
                first_failed = first_failed or row
        n = len(report.failed)
        text = self.tr("{0} added, {1} already in the library.").format(
            len(report.added), len(report.skipped))
        reasons = {r.reason for r in report.failed}
        if len(reasons) == 1 and None not in reasons:  # one reason for all: said above the list
            reason = reasons.pop()
            text += " " + (self.tr("1 video was not added: {0}").format(reason) if n == 1 else
                           self.tr("{0} videos were not added: {1}").format(n, reason))
        else:
            text += " " + (self.tr("1 video was not added; its row says why.") if n == 1 else
                           self.tr("{0} videos were not added; their rows say why.").format(n))
        self.summary.setText(f"<span style='color:#c62828'>{html.escape(text)}</span>")
        if first_failed is not None:
            self.tree.setCurrentItem(first_failed)
            # once the longer summary has taken its room: scrolled now, the row could end up cut
            QTimer.singleShot(0, lambda: self.tree.scrollToItem(
                first_failed, QAbstractItemView.ScrollHint.PositionAtTop))

    def reject(self) -> None:
        if self.task is not None:
            self.task.cancel()
        super().reject()
