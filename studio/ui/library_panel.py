"""The library of collections: search, new, duplicate, delete (with confirmation)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.domain.timecode import format_duration
from studio.ui.controller import StudioController
from studio.ui.flow_layout import flow_of

TITLE_ROLE = Qt.ItemDataRole.UserRole + 1


class LibraryPanel(QWidget):
    collectionChosen = Signal(object)  # collection id or None

    def __init__(self, controller: StudioController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search collections"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search collections"))
        self.list = QListWidget()
        # A narrow dock wraps a long title instead of scrolling sideways.
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setAccessibleName(self.tr("Collections"))
        self.new_button = self._button(self.tr("New"), self.tr("New collection (Ctrl+N)"),
                                       self.new_collection)  # fmt: skip
        self.dup_button = self._button(self.tr("Duplicate"),
                                       self.tr("Duplicate the selected collection"),
                                       self.duplicate)  # fmt: skip
        self.del_button = self._button(self.tr("Delete"),
                                       self.tr("Delete the selected collection"),
                                       self.delete)  # fmt: skip
        # On as many rows as the dock's width needs: a narrow dock cuts no button off.
        buttons = flow_of(self.new_button, self.dup_button, self.del_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.search.textChanged.connect(self._filter)
        self.list.currentItemChanged.connect(self._chosen)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        controller.collectionsChanged.connect(self.reload)
        self._reloading = False
        self._read_only = False
        self.reload()

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.setAccessibleName(tip)
        b.clicked.connect(slot)
        return b

    def reload(self) -> None:
        current = self.controller.collection.id if self.controller.collection else None
        self._reloading = True
        self.list.clear()
        lib = self.controller.ctx.library
        for c in self.controller.collections():
            eps = lib.episodes(c.id)
            total = format_duration(sum(e.duration for e in eps))
            counts = (self.tr("1 episode · {0}").format(total) if len(eps) == 1 else
                      self.tr("{0} episodes · {1}").format(len(eps), total))
            item = QListWidgetItem(f"{c.title}\n{counts}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setData(TITLE_ROLE, c.title)
            item.setToolTip(c.title)
            self.list.addItem(item)
            if c.id == current:
                self.list.setCurrentItem(item)
        self._reloading = False
        self._filter(self.search.text())

    def _filter(self, text: str) -> None:
        """Show the collections whose title holds ``text`` (not the episode-count line)."""
        needle = text.casefold().strip()
        for i in range(self.list.count()):
            item = self.list.item(i)
            title = str(item.data(TITLE_ROLE)).casefold()
            item.setHidden(bool(needle) and needle not in title)
        self._update_buttons()

    def target(self) -> QListWidgetItem | None:
        """The collection Duplicate and Delete act on: the one selected, if it is shown.
        (The search may hide the open collection: nothing is then selected on screen.)"""
        item = self.list.currentItem()
        if item is None or item.isHidden() or not item.isSelected():
            return None
        return item

    def set_read_only(self, tip: str) -> None:
        """The library cannot be written: New, Duplicate and Delete stay off, saying why."""
        self._read_only = True
        for b in (self.new_button, self.dup_button, self.del_button):
            b.setToolTip(tip)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.target() is not None and not self._read_only
        self.new_button.setEnabled(not self._read_only)
        self.dup_button.setEnabled(has)
        self.del_button.setEnabled(has)

    def _chosen(self, item: QListWidgetItem | None) -> None:
        self._update_buttons()
        if self._reloading:
            return
        self.collectionChosen.emit(item.data(Qt.ItemDataRole.UserRole) if item else None)

    def select(self, collection_id: str | None) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == collection_id:
                self.list.setCurrentRow(i)
                return

    def new_collection(self) -> None:
        title, ok = QInputDialog.getText(self, self.tr("New collection"), self.tr("Title:"))
        if ok and title.strip():
            c = self.controller.new_collection(title)
            self.select(c.id)

    def duplicate(self) -> None:
        item = self.target()
        if item:
            c = self.controller.duplicate_collection(item.data(Qt.ItemDataRole.UserRole))
            self.select(c.id)

    def delete(self) -> None:
        item = self.target()
        if not item:
            return
        cid = item.data(Qt.ItemDataRole.UserRole)
        c = self.controller.ctx.library.collection(cid)
        n = self.controller.ctx.library.episode_count(cid)
        answer = QMessageBox.question(
            self, self.tr("Delete collection"),
            (self.tr("Delete '{0}' and its episode? The video file stays on disk. "
                     "This cannot be undone.").format(c.title) if n == 1 else
             self.tr("Delete '{0}' and its {1} episodes? The video files stay on disk. "
                     "This cannot be undone.").format(c.title, n)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.delete_collection(cid)
