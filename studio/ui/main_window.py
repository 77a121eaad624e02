"""The main window: collections on the left, the open collection's episodes on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio import __version__
from studio.app import AppContext
from studio.domain.timecode import format_duration


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"Series Studio {__version__}")
        self.resize(1280, 800)

        self.collections = QListWidget()
        self.collections.setAccessibleName(self.tr("Collections"))
        self.episodes = QTreeWidget()
        self.episodes.setHeaderLabels([self.tr("#"), self.tr("Title"), self.tr("Length")])
        self.episodes.setAccessibleName(self.tr("Episodes"))
        self.episodes.setRootIsDecorated(False)
        self.episodes.setAlternatingRowColors(True)
        header = self.episodes.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, header.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, header.ResizeMode.Stretch)
        header.setSectionResizeMode(2, header.ResizeMode.ResizeToContents)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)

        right = QWidget()
        layout = QVBoxLayout(right)
        layout.addWidget(self.heading)
        layout.addWidget(self.episodes)
        split = QSplitter()
        split.addWidget(self.collections)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([280, 1000])
        self.setCentralWidget(split)

        self.collections.currentItemChanged.connect(self._show_collection)
        self.reload()
        self.statusBar().showMessage(self.tr("Library: {0}").format(ctx.library_path))

    def reload(self) -> None:
        self.collections.clear()
        for c in self.ctx.library.collections():
            item = QListWidgetItem(c.title)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.collections.addItem(item)
        if self.collections.count():
            self.collections.setCurrentRow(0)
        else:
            self.heading.setText(self.tr("No collections yet: try 'studio demo'."))

    def _show_collection(self, item: QListWidgetItem | None) -> None:
        self.episodes.clear()
        if item is None:
            return
        cid = item.data(Qt.ItemDataRole.UserRole)
        c = self.ctx.library.collection(cid)
        eps = self.ctx.library.episodes(cid)
        price = c.price.format() if c.price else self.tr("no price")
        self.heading.setText(f"{c.title} — {len(eps)} episodes — {price}")
        for e in eps:
            QTreeWidgetItem(self.episodes, [str(e.position), e.title, format_duration(e.duration)])
