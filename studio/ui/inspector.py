"""The inspector: the collection's fields, or the selected episode's.

Fields commit when editing finishes (Enter or focus out), each as one undoable
edit; invalid values are refused with the reason shown under the field.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSignalBlocker, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from studio import relink
from studio.domain.errors import NotFound, UserError
from studio.domain.models import Collection, Episode, MediaRecord
from studio.domain.profiles import load_profile, said_money, text_length
from studio.domain.sizes import format_size
from studio.domain.timecode import format_duration, format_timecode, parse_timecode
from studio.i18n import decimal
from studio.ui.controller import StudioController


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #c62828")
    label.hide()
    return label


class _Counter(QLabel):
    """'12 / 60' under a text field, red past the limit."""

    def show_count(self, n: int, limit: int) -> None:
        self.setText(f"{n} / {limit}")
        self.setStyleSheet("color: #c62828; font-weight: bold" if n > limit else "color: gray")


class CommitPlainTextEdit(QPlainTextEdit):
    editingFinished = Signal()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.editingFinished.emit()


class CollectionInspector(QWidget):
    coverFromImage = Signal()
    coverSuggest = Signal()

    def __init__(self, controller: StudioController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.heading = QLabel(self.tr("Collection"))
        self.heading.setStyleSheet("font-weight: bold; font-size: 14px")
        self.title = QLineEdit()
        self.title.setAccessibleName(self.tr("Collection title"))
        self.title_count = _Counter()
        self.description = CommitPlainTextEdit()
        self.description.setAccessibleName(self.tr("Description"))
        self.description.setPlaceholderText(self.tr("What buyers get, in a few lines"))
        self.description.setMaximumHeight(120)
        self.description_count = _Counter()
        self.price = QLineEdit()
        self.price.setAccessibleName(self.tr("Price"))
        self.price.setPlaceholderText(self.tr("e.g. 4.99"))
        self.currency = QComboBox()
        self.currency.setAccessibleName(self.tr("Currency"))
        self.price_hint = QLabel()
        self.price_hint.setStyleSheet("color: gray")
        self.error = _error_label()
        self.cover_label = QLabel()
        self.cover_label.setWordWrap(True)
        # A frame is chosen where the frames are: on an episode's page (the player is
        # empty while this page shows).
        self.cover_frame_hint = QLabel(self.tr(
            "For a frame of an episode: select the episode, put the playhead on the frame "
            "and click “Use this frame as the cover”."))
        self.cover_frame_hint.setWordWrap(True)
        self.cover_frame_hint.setStyleSheet("color: gray")
        self.cover_image = QPushButton(self.tr("Choose an image…"))
        self.cover_suggest = QPushButton(self.tr("Suggest covers…"))
        price_row = QHBoxLayout()
        price_row.addWidget(self.price, 1)
        price_row.addWidget(self.currency)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Title"), self.title)
        form.addRow("", self.title_count)
        form.addRow(self.tr("Description"), self.description)
        form.addRow("", self.description_count)
        form.addRow(self.tr("Price"), price_row)
        form.addRow("", self.price_hint)
        cover = QVBoxLayout()
        cover.addWidget(self.cover_label)
        for b in (self.cover_image, self.cover_suggest, self.cover_frame_hint):
            cover.addWidget(b)
        form.addRow(self.tr("Cover"), cover)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch()
        self.title.editingFinished.connect(lambda: self._commit(title=self.title.text()))
        self.title.textChanged.connect(self._counts)
        self.description.textChanged.connect(self._counts)
        self.description.editingFinished.connect(
            lambda: self._commit(description=self.description.toPlainText()))
        self.price.editingFinished.connect(self._commit_price)
        self.currency.activated.connect(lambda _i: self._commit_price())
        self.cover_image.clicked.connect(self.coverFromImage)
        self.cover_suggest.clicked.connect(self.coverSuggest)
        self.collection: Collection | None = None

    def show_collection(self, c: Collection) -> None:
        self.collection = c
        profile = load_profile(c.profile)
        self.profile = profile
        for w in (self.title, self.description, self.price):
            w.blockSignals(True)
        # A refresh (an edit made elsewhere, an undo) never replaces what is being typed
        # (changed and not saved yet); a field that has the focus but no new text follows.
        if not (self.title.hasFocus() and self.title.isModified()):
            self.title.setText(c.title)
        if self.description.toPlainText() != c.description and not (
                self.description.hasFocus() and self.description.document().isModified()):
            self.description.setPlainText(c.description)
        if not (self.price.hasFocus() and self.price.isModified()):
            self._show_price(c)
        for w in (self.title, self.description, self.price):
            w.blockSignals(False)
        self.currency.clear()
        self.currency.addItems(list(profile.currencies))
        if c.price:
            self.currency.setCurrentText(c.price.currency)
        self.price_hint.setText(self.tr("From {0} to {1}").format(
            said_money(profile.min_price), said_money(profile.max_price)))
        if c.cover is None:
            self.cover_label.setText(self.tr("No cover chosen yet."))
        elif c.cover.image_path:
            self.cover_label.setText(self.tr("Image: {0}").format(Path(c.cover.image_path).name))
        else:
            self.cover_label.setText(self.tr("A frame at {0}").format(
                format_timecode(c.cover.time or 0)))
        self._counts()
        self.error.hide()

    def _counts(self) -> None:
        if self.collection is None:
            return
        self.title_count.show_count(text_length(self.title.text()), self.profile.max_title_length)
        self.description_count.show_count(text_length(self.description.toPlainText()),
                                          self.profile.max_description_length)  # fmt: skip

    def _commit(self, **fields: str) -> bool:
        """Save the fields; an invalid value is refused with the reason under the fields."""
        if self.collection is None:
            return False
        try:
            self.controller.set_collection_fields(**fields)
            self.error.hide()
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return False
        if "title" in fields:  # saved: no longer being typed
            self.title.setModified(False)
        if "description" in fields:
            self.description.document().setModified(False)
        now = self.controller.collection
        if now is not None and now.id == self.collection.id:
            self.show_collection(now)  # what was saved; a refused edit goes back
        return True

    def set_read_only(self, tip: str) -> None:
        """A library that cannot be written: the fields can be read and copied, not edited."""
        for w in (self.title, self.description, self.price):
            w.setReadOnly(True)
            w.setToolTip(tip)
        for w in (self.currency, self.cover_image, self.cover_suggest):
            w.setEnabled(False)
            w.setToolTip(tip)

    def _show_price(self, c: Collection) -> None:
        self.price.setText(decimal(c.price.format().split(" ")[0]) if c.price else "")

    def _commit_price(self) -> None:
        """An empty field clears the price (the checks then say it is missing); a currency
        chosen with no price waits for one. The field then shows what was saved."""
        if self.collection is None:
            return
        empty = not self.price.text().strip()
        if empty and self.collection.price is None:
            ok = True  # nothing to clear
            self.error.hide()
        elif empty:
            ok = self._commit(price="")
        else:
            ok = self._commit(price=self.price.text(),
                              currency=self.currency.currentText() or None)  # fmt: skip
        now = self.controller.collection
        if ok and now is not None:
            with QSignalBlocker(self.price):
                self._show_price(now)


class EpisodeInspector(QWidget):
    relinkRequested = Signal()
    coverFromPlayhead = Signal()

    def __init__(self, controller: StudioController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: bold; font-size: 14px")
        self.title = QLineEdit()
        self.title.setAccessibleName(self.tr("Episode title"))
        self.title_count = _Counter()
        self.in_point = QLineEdit()
        self.in_point.setAccessibleName(self.tr("In point"))
        self.in_point.setToolTip(self.tr("In point (I sets it at the playhead)"))
        self.out_point = QLineEdit()
        self.out_point.setAccessibleName(self.tr("Out point"))
        self.out_point.setToolTip(self.tr("Out point (O sets it at the playhead)"))
        self.length = QLabel()
        self.free = QCheckBox(self.tr("Free preview"))
        self.free.setToolTip(self.tr("Buyers-to-be can watch this episode for free"))
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts.setAccessibleName(self.tr("Source file"))
        self.replaced = QLabel(self.tr(
            "The file at this path holds a new version (exported again?). Use it to keep this "
            "episode's title, place and trim; a trim past its new end is cut to fit."))
        self.replaced.setWordWrap(True)
        self.accept_version = QPushButton(self.tr("Use the new version"))
        self.accept_version.setToolTip(self.tr(
            "Every episode cut from this file switches to the new version"))
        self.relink = QPushButton(self.tr("Find the missing file…"))
        self.cover_here = QPushButton(self.tr("Use this frame as the cover"))
        self.cover_here.setToolTip(self.tr(
            "The frame at the playhead becomes the collection's cover"))
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()
        self._notice_for: tuple[str, str] | None = None  # (episode id, media fingerprint)
        self.error = _error_label()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Title"), self.title)
        form.addRow("", self.title_count)
        form.addRow(self.tr("In"), self.in_point)
        form.addRow(self.tr("Out"), self.out_point)
        form.addRow(self.tr("Length"), self.length)
        form.addRow("", self.free)
        form.addRow(self.tr("Source"), self.facts)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.replaced)
        layout.addWidget(self.accept_version)
        layout.addWidget(self.relink)
        layout.addWidget(self.cover_here)
        layout.addWidget(self.notice)
        layout.addWidget(self.error)
        layout.addStretch()
        self.episode: Episode | None = None
        self._read_only = False
        self.media: MediaRecord | None = None
        self._shown_trim = ("", "")  # the in and out points as last shown
        self.title.editingFinished.connect(self._commit_title)
        self.title.textChanged.connect(self._count)
        self.in_point.editingFinished.connect(self._commit_trim)
        self.out_point.editingFinished.connect(self._commit_trim)
        self.free.toggled.connect(self._commit_free)
        self.relink.clicked.connect(self.relinkRequested)
        self.cover_here.clicked.connect(self.coverFromPlayhead)
        self.accept_version.clicked.connect(self._accept_version)
        controller.newVersionAccepted.connect(self._version_accepted)
        controller.newVersionFailed.connect(self._version_failed)

    def show_episode(self, e: Episode, media: MediaRecord | None, profile_name: str) -> None:
        # The same episode again (a refresh: an edit made elsewhere): what is being
        # typed stays.
        typing = {w for w in (self.title, self.in_point, self.out_point) if w.hasFocus()} \
            if self.episode is not None and self.episode.id == e.id else set()  # fmt: skip
        self.episode, self.media = e, media
        self.profile = load_profile(profile_name)
        self.heading.setText(self.tr("Episode {0}").format(e.position))
        for w in (self.title, self.in_point, self.out_point, self.free):
            w.blockSignals(True)
        self._shown_trim = (format_timecode(e.trim.start, up=True), format_timecode(e.trim.end))
        for w, text in ((self.title, e.title), (self.in_point, self._shown_trim[0]),
                        (self.out_point, self._shown_trim[1])):  # fmt: skip
            if w not in typing:
                w.setText(text)
        self.free.setChecked(e.free_preview)
        for w in (self.title, self.in_point, self.out_point, self.free):
            w.blockSignals(False)
        self.length.setText(format_duration(e.duration))
        self._count()
        self.error.hide()
        replaced = relink.replaced_in_place(media)
        self.replaced.setVisible(replaced)
        self.accept_version.setVisible(replaced)
        self.accept_version.setEnabled(not self._read_only)
        self.relink.setVisible(bool(media and media.missing))
        self.relink.setText(self.tr("Find the old version elsewhere…") if replaced else
                            self.tr("Find the missing file…"))  # fmt: skip
        if self._notice_for != (e.id, e.media_fingerprint):
            self._notice_for = None
            self.notice.hide()
        self.facts.setText(self._facts(media))

    def _accept_version(self) -> None:
        if self.episode is None:
            return
        self.accept_version.setEnabled(False)
        self.error.hide()
        self.controller.accept_new_version(self.episode.id)

    def _version_accepted(self, plan: relink.NewVersion) -> None:
        """Say what the new version changed; in amber when a trim or a cover had to move."""
        mine = next((c for c in plan.episodes if self.episode and c.after.id == self.episode.id),
                    None)  # fmt: skip
        if mine is None:
            return
        lines = plan.lines()
        if len(lines) > 6:
            lines = plan.warnings() or lines[:1]
        self.notice.setText("\n".join([plan.summary(), *lines]))
        color = "#a15c00" if plan.warnings() else "#2e7d32"
        self.notice.setStyleSheet(f"color: {color}")
        self.notice.show()
        self._notice_for = (mine.after.id, plan.new.fingerprint)

    def _version_failed(self, episode_id: str, message: str) -> None:
        if self.episode is None or self.episode.id != episode_id:
            return
        self.accept_version.setEnabled(not self._read_only)
        if message:
            self.error.setText(message)
            self.error.show()

    def _facts(self, m: MediaRecord | None) -> str:
        if m is None:
            return self.tr("Unknown media")
        i = m.info
        lines = [Path(m.path).name]
        if relink.replaced_in_place(m):
            lines.append(self.tr("CHANGED: {0} is not the version this episode was cut "
                                 "from").format(m.path))  # fmt: skip
        elif m.missing:
            lines.append(self.tr("MISSING: {0}").format(m.path))
        size = i.display_size
        if size:
            rate = self.tr("{0} fps").format(decimal(f"{float(i.frame_rate):.3g}")) \
                if i.frame_rate else "?"
            vfr = self.tr(" (variable)") if i.variable_frame_rate else ""
            lines.append(f"{(i.video_codec or '?').upper()} {size[0]}×{size[1]}, {rate}{vfr}")
        if i.rotation:
            lines.append(self.tr("Rotated {0}°").format(i.rotation))
        if i.audio_codec:
            lines.append(self.tr("Sound: {0}, {1} Hz, {2} ch").format(
                i.audio_codec.upper(), i.audio_sample_rate, i.audio_channels))
        else:
            lines.append(self.tr("No sound"))
        lines.append(f"{format_duration(i.duration)}, {format_size(i.size)}")
        return "\n".join(lines)

    def _count(self) -> None:
        if self.episode is not None:
            self.title_count.show_count(text_length(self.title.text()),
                                        self.profile.max_episode_title_length)  # fmt: skip

    def set_read_only(self, tip: str) -> None:
        """A library that cannot be written: the fields can be read and copied, not edited."""
        self._read_only = True
        for w in (self.title, self.in_point, self.out_point):
            w.setReadOnly(True)
            w.setToolTip(tip)
        for w in (self.free, self.accept_version, self.relink, self.cover_here):
            w.setEnabled(False)
            w.setToolTip(tip)

    def _saved(self) -> Episode | None:
        """The episode as the library has it now (None when it is gone)."""
        try:
            return self.controller.episode(self.episode.id) if self.episode else None
        except NotFound:
            return None

    def _commit_title(self) -> None:
        if self.episode is not None:
            typed = self.title.text().strip()
            self.controller.set_episode_title(self.episode.id, typed)
            now = self._saved()
            if now is not None and now.title != typed:  # refused: the field says so
                with QSignalBlocker(self.title):
                    self.title.setText(now.title)
                self._count()

    def _commit_free(self, checked: bool) -> None:
        if self.episode is not None:
            self.controller.set_free_preview(self.episode.id, checked)
            now = self._saved()
            if now is not None and now.free_preview != checked:
                with QSignalBlocker(self.free):
                    self.free.setChecked(now.free_preview)

    def _commit_trim(self) -> None:
        if self.episode is None:
            return
        rate = self.media.info.frame_rate if self.media else None
        texts = (self.in_point.text().strip(), self.out_point.text().strip())
        try:
            # A point whose text was not changed keeps its exact time: the text is
            # rounded to the millisecond, the trim is not.
            start = self.episode.trim.start if texts[0] == self._shown_trim[0] else \
                parse_timecode(texts[0], rate)  # fmt: skip
            end = self.episode.trim.end if texts[1] == self._shown_trim[1] else \
                parse_timecode(texts[1], rate)  # fmt: skip
            if (start, end) == (self.episode.trim.start, self.episode.trim.end):
                self.error.hide()
                return  # Enter, or a click away, with nothing changed: no edit, no undo step
            self.controller.set_trim(self.episode.id, start, end)
            self.error.hide()
            now = self._saved()
            if now is not None and (now.trim.start, now.trim.end) != (start, end):
                self._shown_trim = (format_timecode(now.trim.start, up=True),
                                    format_timecode(now.trim.end))  # refused: shown back
                for w, text in zip((self.in_point, self.out_point), self._shown_trim,
                                   strict=True):  # fmt: skip
                    with QSignalBlocker(w):
                        w.setText(text)
        except UserError as exc:
            self.error.setText(str(exc))
            self.error.show()


class InspectorScroll(QScrollArea):
    """The inspector in its dock: as wide as the page needs, scrolled when the window is
    too short for it (a 600 px high window), never cut off at the bottom."""

    def __init__(self, inspector: Inspector, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidget(inspector)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self) -> QSize:
        inner = self.widget().minimumSizeHint()
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(inner.width() + bar, min(inner.height(), 120))

    def sizeHint(self) -> QSize:
        inner = self.widget().sizeHint()
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(),
                     inner.height())


class Inspector(QStackedWidget):
    def __init__(self, controller: StudioController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.collection_page = CollectionInspector(controller)
        self.episode_page = EpisodeInspector(controller)
        self.empty = QLabel(self.tr("Open or create a collection to start."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.addWidget(self.empty)
        self.addWidget(self.collection_page)
        self.addWidget(self.episode_page)

    def set_read_only(self, tip: str) -> None:
        """The library cannot be written: both pages show their fields for reading only."""
        self.collection_page.set_read_only(tip)
        self.episode_page.set_read_only(tip)
