"""The episode list: poster, number, title, trimmed length and badges; drag to reorder."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from studio import relink
from studio.domain.models import CollectionView, Episode
from studio.domain.rules import Problem
from studio.domain.timecode import format_duration

MIME = "application/x-series-studio-episodes"
ID_ROLE = Qt.ItemDataRole.UserRole + 1
POSTER_H = 64
ROW_H = POSTER_H + 12
MIN_WIDTH = 190  # titles are elided below this; a 900 px window fits (see main_window)


class EpisodeModel(QAbstractListModel):
    """Rows are the open collection's episodes, in order."""

    reorderRequested = Signal(list, int)  # episode ids, drop row

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.episodes: list[Episode] = []
        self.missing: set[str] = set()
        self.replaced: set[str] = set()  # missing content, but a new version is at its path
        self.posters: dict[str, QPixmap] = {}  # key: episode id + trim start
        self.problems: dict[str, list[Problem]] = {}
        self.states: dict[str, str] = {}  # episode id -> render/sync state text
        self.sync_notes: dict[str, tuple[str, ...]] = {}  # episode id -> why that state

    def set_view(self, view: CollectionView | None) -> None:
        """Show ``view`` from scratch (a reset: the selection is cleared)."""
        self.beginResetModel()
        self._take(view)
        self.endResetModel()

    def update_view(self, view: CollectionView | None) -> bool:
        """Show ``view``; when it holds the same episodes in the same order (an edit of their
        fields), the rows change in place and the selection stays. Returns whether it did."""
        same = view is not None and [e.id for e in view.episodes] == \
            [e.id for e in self.episodes]  # fmt: skip
        if not same:
            self.set_view(view)
            return False
        self._take(view)
        if self.episodes:
            self.dataChanged.emit(self.index(0), self.index(len(self.episodes) - 1))
        return True

    def _take(self, view: CollectionView | None) -> None:
        self.episodes = list(view.episodes) if view else []
        self.missing = {fp for fp, m in (view.media.items() if view else []) if m.missing}
        self.replaced = {fp for fp, m in (view.media.items() if view else [])
                         if relink.replaced_in_place(m)}  # fmt: skip

    def set_problems(self, problems: list[Problem]) -> None:
        self.problems = {}
        for p in problems:
            if p.episode_id:
                self.problems.setdefault(p.episode_id, []).append(p)
        if self.episodes:
            self.dataChanged.emit(self.index(0), self.index(len(self.episodes) - 1))

    def set_poster(self, key: str, pixmap: QPixmap) -> None:
        self.posters[key] = pixmap
        for row, e in enumerate(self.episodes):
            if poster_key(e) == key:
                self.dataChanged.emit(self.index(row), self.index(row))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.episodes)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        e = self.episodes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return e.title or self.tr("(untitled)")
        if role == ID_ROLE:
            return e.id
        if role == Qt.ItemDataRole.DecorationRole:
            return self.posters.get(poster_key(e))
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{e.position}. {e.title}", format_duration(e.duration)]
            if e.media_fingerprint in self.replaced:
                lines.append(self.tr("The media file was replaced by a new version: select the "
                                     "episode and choose Use the new version in the inspector."))
            elif e.media_fingerprint in self.missing:
                lines.append(self.tr("The media file is missing: relink it."))
            lines += [p.message for p in self.problems.get(e.id, [])]
            if e.id in self.states:
                notes = self.sync_notes.get(e.id, ())
                lines.append(self.tr("{0}: {1}").format(self.states[e.id], "; ".join(notes))
                             if notes else self.states[e.id])  # fmt: skip
            return "\n".join(lines)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.tr("Episode {0}: {1}, {2}").format(
                e.position, e.title, format_duration(e.duration))
        return None

    def flags(self, index):
        base = super().flags(index) | Qt.ItemFlag.ItemIsDropEnabled
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsSelectable
        return base

    def supportedDropActions(self):
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes) -> QMimeData:
        ids = [self.episodes[i.row()].id for i in sorted(indexes, key=lambda i: i.row())]
        mime = QMimeData()
        mime.setData(MIME, QByteArray("\n".join(ids).encode()))
        return mime

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if not data.hasFormat(MIME):
            return False
        ids = bytes(data.data(MIME)).decode().split("\n")
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.episodes)
        self.reorderRequested.emit(ids, row)
        return False  # the controller reorders; the model is reset from the library


def poster_key(e: Episode) -> str:
    return f"{e.media_fingerprint}@{e.trim.start}"


class EpisodeDelegate(QStyledItemDelegate):
    def sizeHint(self, option, index) -> QSize:
        return QSize(MIN_WIDTH - 20, ROW_H)  # rows span the list; never wider than it

    @staticmethod
    def detail(model: EpisodeModel, e: Episode) -> str:
        """The line under the title: length, publishing state, free preview, file state."""
        state = model.states.get(e.id, "")
        detail = format_duration(e.duration) + (f"  ·  {state}" if state else "")
        if e.free_preview:
            detail += "  ·  " + QCoreApplication.translate("EpisodeModel", "free preview")
        if e.media_fingerprint in model.replaced:
            detail += "  ·  " + QCoreApplication.translate("EpisodeModel", "new version on disk")
        elif e.media_fingerprint in model.missing:
            detail += "  ·  " + QCoreApplication.translate("EpisodeModel", "file missing")
        return detail

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        model: EpisodeModel = index.model()
        e = model.episodes[index.row()]
        painter.save()
        style = option.widget.style() if option.widget else None
        if style:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter,
                                option.widget)  # fmt: skip
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        text = pal.color(QPalette.ColorRole.HighlightedText if selected
                         else QPalette.ColorRole.Text)  # fmt: skip
        dim = QColor(text)
        dim.setAlphaF(0.65)
        r = option.rect.adjusted(6, 6, -6, -6)
        # number
        painter.setPen(dim)
        num = QRect(r.left(), r.top(), 28, r.height())
        painter.drawText(num, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         str(e.position))  # fmt: skip
        # poster (9:16 box)
        box = QRect(num.right() + 8, r.top(), int(POSTER_H * 9 / 16), POSTER_H)
        pix = model.posters.get(poster_key(e))
        painter.fillRect(box, pal.color(QPalette.ColorRole.Mid))
        if pix is not None and not pix.isNull():
            scaled = pix.scaled(box.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                Qt.TransformationMode.SmoothTransformation)  # fmt: skip
            x = box.left() + (box.width() - scaled.width()) // 2
            y = box.top() + (box.height() - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled)
        # badges (missing media, errors, warnings) at the right; the texts get the rest
        badges = []
        if e.media_fingerprint in model.missing:
            badges.append((QColor("#d32f2f"), "!"))
        probs = model.problems.get(e.id, [])
        errors = sum(1 for p in probs if p.severity == "error")
        warnings = len(probs) - errors
        if errors:
            badges.append((QColor("#d32f2f"), str(errors)))
        if warnings:
            badges.append((QColor("#f9a825"), str(warnings)))
        font = QFont(option.font)
        font.setBold(True)
        d = 20
        badges_left = r.right() - 4 - len(badges) * (d + 4)
        # title and length, elided to the room left: a narrow list cuts no text mid-glyph
        left = box.right() + 10
        title_rect = QRect(left, r.top() + 4, max(0, badges_left - 6 - left), 22)
        painter.setFont(font)
        painter.setPen(text)
        title = painter.fontMetrics().elidedText(model.data(index), Qt.TextElideMode.ElideRight,
                                                 title_rect.width())  # fmt: skip
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         title)  # fmt: skip
        painter.setFont(option.font)
        painter.setPen(dim)
        sub = QRect(left, title_rect.bottom() + 2, title_rect.width(), 20)
        painter.drawText(sub, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(
                             self.detail(model, e), Qt.TextElideMode.ElideRight, sub.width()))
        x = r.right() - 4
        painter.setFont(font)
        for color, label in badges:
            x -= d
            badge = QRect(x, r.top() + (r.height() - d) // 2, d, d)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.drawEllipse(badge)
            painter.setPen(QColor("white") if color.lightness() < 140 else QColor("black"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
            x -= 4
        painter.restore()


class EpisodeList(QListView):
    """The list view; multi-select, drag and drop to reorder, Delete removes."""

    removeRequested = Signal(list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setItemDelegate(EpisodeDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setUniformItemSizes(True)
        self.setAccessibleName(self.tr("Episodes"))
        self.setMinimumWidth(MIN_WIDTH)
        self._read_only = False

    def selected_ids(self) -> list[str]:
        rows = sorted(i.row() for i in self.selectionModel().selectedRows())
        model = self.model()
        return [model.episodes[r].id for r in rows]

    def select_id(self, episode_id: str) -> None:
        model = self.model()
        for row, e in enumerate(model.episodes):
            if e.id == episode_id:
                idx = model.index(row)
                self.setCurrentIndex(idx)
                self.scrollTo(idx)
                return

    def select_ids(self, episode_ids: list[str]) -> None:
        """Select these episodes (those still in the list), the last one current."""
        model = self.model()
        rows = [r for r, e in enumerate(model.episodes) if e.id in set(episode_ids)]
        if not rows:
            return
        sel = self.selectionModel()
        flags = sel.SelectionFlag.Select | sel.SelectionFlag.Rows
        sel.setCurrentIndex(model.index(rows[-1]), sel.SelectionFlag.ClearAndSelect |
                            sel.SelectionFlag.Rows)  # fmt: skip
        for r in rows[:-1]:
            sel.select(model.index(r), flags)

    def set_read_only(self, on: bool) -> None:
        """A read-only library: no reordering by drag, no Delete."""
        self._read_only = on
        self.setDragDropMode(QAbstractItemView.DragDropMode.NoDragDrop if on else
                             QAbstractItemView.DragDropMode.InternalMove)  # fmt: skip
        self.setDragEnabled(not on)
        self.setAcceptDrops(not on)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selected_ids():
            if not self._read_only:
                self.removeRequested.emit(self.selected_ids())
            return
        super().keyPressEvent(event)

