"""Six suggested covers, scored by the engine; a click makes one the cover."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from studio import covers
from studio.domain.models import Collection
from studio.domain.timecode import format_timecode
from studio.editor.frames import FrameGrabber
from studio.i18n import decimal
from studio.store.library import Library
from studio.ui import commands
from studio.ui.images import to_qimage
from studio.ui.operations import Op


class CoverSuggestions(QDialog):
    def __init__(self, window, collection: Collection) -> None:
        super().__init__(window)
        self.window_ = window
        self.collection = collection
        self.setWindowTitle(self.tr("Suggested covers"))
        self.resize(760, 520)
        self.info = QLabel(self.tr("Looking for sharp, well-lit frames with faces…"))
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(QSize(180, 320))
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setAccessibleName(self.tr("Suggested covers"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.list)
        self.list.itemActivated.connect(self._choose)
        self.list.itemClicked.connect(self._choose)
        path = window.ctx.library_path

        def work(job):
            with Library.open(path, check=False) as lib:
                found = covers.suggest(lib, lib.collection(collection.id),
                                       progress=job.progress, cancel=job.token)  # fmt: skip
                out = []
                with FrameGrabber() as g:
                    for f in found:
                        media = lib.media(f.episode.media_fingerprint)
                        rgb = g.frame_at(media.path, f.time_us, max_size=(360, 640)).rgb
                        out.append((f, to_qimage(rgb)))
                return out

        self.task = Op(work, self.tr("Suggesting covers")).success(self._show).failure(
            lambda e: self.info.setText(str(e))).run(window.tasks)

    def _show(self, found) -> None:
        self.info.setText(self.tr("Click the one you like."))
        for f, image in found:
            item = QListWidgetItem(QIcon(QPixmap.fromImage(image)), self.tr(
                "Episode {0} at {1}").format(f.episode.position,
                                             format_timecode(f.time_us - f.episode.trim.start)))
            item.setData(Qt.ItemDataRole.UserRole, f)
            item.setToolTip(self.tr("Score {0}").format(decimal(f"{f.score:.2f}")))
            self.list.addItem(item)

    def _choose(self, item: QListWidgetItem) -> None:
        f = item.data(Qt.ItemDataRole.UserRole)
        c = self.window_.controller
        old = c.collection
        new = covers.set_cover_frame(c.ctx.library, old, f.episode, f.time_us)
        c.undo.push(commands.SetCollection(c, old, new, self.tr("Change the cover")))
        self.accept()

    def reject(self) -> None:
        self.task.cancel()
        super().reject()
