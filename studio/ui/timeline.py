"""The trim timeline: ruler, filmstrip, waveform, IN/OUT handles and playhead on one widget.

Times are integer microseconds in the engine's convention (:mod:`studio.editor.keyframes`:
media time 0 is the first frame; frame ``k`` of a constant-rate clip starts at
``ceil(k * frame_duration)``). The trim is half-open ``[in, out)``: ``out`` is the start
of the first frame left out, or the media's end. Handles snap to frame boundaries.
The waveform is drawn on a dB scale (-60 dB to 0 dB), one column per device pixel.

Threading: the widget lives on the GUI thread and never calls the engine; callers feed it
data through the setters (pictures as QImage, e.g. from :func:`studio.ui.images.to_qimage`
on a worker; the widget makes the QPixmaps it paints itself).
"""

from __future__ import annotations

import bisect
import math
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from studio.domain.timecode import format_timecode

US = 1_000_000
WAVE = QColor("#3ba7c9")  # accents chosen to read on light and dark palettes
ON_KEY = QColor("#2fb35a")  # keyframe marks, and a handle sitting on a keyframe
OFF_KEY = QColor("#f0a030")  # a handle between keyframes: a smart cut re-encodes a few frames
PLAYHEAD = QColor("#e5484d")
SECOND_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
DECIMAL_STEPS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
K = Qt.Key
_KEYS = {  # (key, shift) -> method; the same methods serve the main window's shortcuts
    (K.Key_Left, False): lambda w: w.step_frames(-1),
    (K.Key_Right, False): lambda w: w.step_frames(1),
    (K.Key_Left, True): lambda w: w.step_seconds(-1),
    (K.Key_Right, True): lambda w: w.step_seconds(1),
    (K.Key_Home, False): lambda w: w.go_to_start(), (K.Key_End, False): lambda w: w.go_to_end(),
    (K.Key_I, False): lambda w: w.set_in_at_playhead(), (K.Key_I, True): lambda w: w.go_to_in(),
    (K.Key_O, False): lambda w: w.set_out_at_playhead(), (K.Key_O, True): lambda w: w.go_to_out(),
    **{(k, s): lambda w: w.zoom_in() for k in (K.Key_Plus, K.Key_Equal) for s in (False, True)},
    **{(K.Key_Minus, s): lambda w: w.zoom_out() for s in (False, True)},
}


class Rows(NamedTuple):
    ruler: QRect
    film: QRect
    wave: QRect


class TrimTimeline(QWidget):
    """Trim one clip: drag IN/OUT, scrub the playhead, zoom and scroll (see module doc)."""

    playheadMoved = Signal(int)  # the playhead changed (also by set_playhead): follow, never seek
    seekRequested = Signal(int)  # the user moved the playhead: seek the player there
    trimPreview = Signal(int, int)  # in, out while a handle is dragged
    trimEdited = Signal(int, int)  # in, out once per drag (at release) or per I/O key

    MARGIN = 12  # px each side, so that handles at 0 and at the end can be grabbed
    GRAB = 7  # px around a handle that grab it
    MAX_FRAME_PX = 48  # zoom limit: one frame this wide

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAccessibleName(self.tr("Trim timeline"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._dur, self._fd, self._rate_known = 0, 1e6 / 30, False
        self._times: list[int] = []
        self._keys: list[int] = []
        self._thumb_t: list[int] = []
        self._thumb_img: list[QImage] = []
        self._pix: dict[int, QPixmap] = {}
        self._pix_h = 0
        self._peaks, self._bps = np.zeros(0, np.float32), 100.0
        self._env: tuple[tuple[float, int], int, np.ndarray] | None = None
        self._in = self._out = self._ph = 0
        self._reordering = True
        self._zoom, self._off = 1.0, 0.0
        self._drag: str | None = None  # "in", "out", "either", "seek"
        self.editable = True  # False: a read-only library; the handles do not move
        self._drag_from, self._grab_dx, self._press_x = (0, 0), 0.0, 0.0
        self._hover: str | None = None

    # data -------------------------------------------------------------------------------

    def set_media(self, duration_us: int, frame_duration_us: float | None) -> None:
        """A new clip: clears keyframes, pictures and waveform; full trim, playhead at 0."""
        self._dur = max(0, int(duration_us))
        self._rate_known = bool(frame_duration_us and frame_duration_us > 0)
        self._fd = float(frame_duration_us) if self._rate_known else 1e6 / 30  # type: ignore
        self._times, self._keys, self._peaks, self._env = [], [], np.zeros(0, np.float32), None
        self.set_filmstrip([])
        self._in, self._out, self._ph, self._drag = 0, self._dur, 0, None
        self.zoom_to_fit()
        self._describe()

    def set_frame_times(self, times_us: list[int]) -> None:
        """Exact frame start times (variable frame rate): they win over the frame duration."""
        self._times = sorted(int(t) for t in times_us if 0 <= t < self._dur)
        self.update()

    def set_keyframes(self, times_us: list[int]) -> None:
        self._keys = sorted(int(t) for t in times_us)
        self.update()

    def set_reordering(self, reordering: bool) -> None:
        """Whether the source has B-frames: only then can the out point need a smart cut."""
        self._reordering = reordering
        self.update()

    def set_filmstrip(self, thumbs: list[tuple[int, QImage]]) -> None:
        self._thumb_t, self._thumb_img, self._pix = [], [], {}
        for t, img in thumbs:
            self.add_thumb(t, img)
        self.update()

    def add_thumb(self, time_us: int, image: QImage) -> None:
        """One more picture (filmstrips may arrive progressively); replaces one at that time."""
        i = bisect.bisect_left(self._thumb_t, time_us)
        if i < len(self._thumb_t) and self._thumb_t[i] == time_us:
            self._thumb_img[i] = image
        else:
            self._thumb_t.insert(i, time_us)
            self._thumb_img.insert(i, image)
        self._pix.pop(time_us, None)
        self.update()

    def set_waveform(self, peaks: np.ndarray, buckets_per_second: float) -> None:
        self._peaks = np.asarray(peaks, np.float32).ravel()
        self._bps, self._env = float(buckets_per_second), None
        self.update()

    def set_trim(self, in_us: int, out_us: int) -> None:
        """Show a trim (from the model); emits nothing."""
        o = min(max(1, int(out_us)), self._dur) if self._dur else 0
        self._in, self._out = min(max(0, int(in_us)), max(0, o - 1)), o
        self._describe()
        self.update()

    def set_playhead(self, t_us: int) -> None:
        """The player's position; ignored while the user scrubs, followed when zoomed."""
        if self._drag == "seek" or not self._dur:
            return
        t = min(max(0, int(t_us)), self._dur)
        if t != self._ph:
            self._ph = t
            self._follow(t)
            self.playheadMoved.emit(t)
            self.update()

    def trim(self) -> tuple[int, int]:
        return self._in, self._out

    def playhead(self) -> int:
        return self._ph

    # frames -----------------------------------------------------------------------------

    def frame_count(self) -> int:
        if self._times:
            return len(self._times)
        return max(1, math.ceil(self._dur / self._fd - 1e-3)) if self._dur else 0

    def frame_time(self, k: int) -> int:
        """Start of frame ``k`` (clamped to the clip's frames)."""
        k = min(max(0, k), self.frame_count() - 1)
        return self._times[k] if self._times else math.ceil(k * self._fd - 1e-3)

    def frame_index(self, t_us: int) -> int:
        """The frame on screen at ``t_us`` (the last one starting at or before it)."""
        n = self.frame_count()
        if self._times:
            return max(0, bisect.bisect_right(self._times, t_us) - 1)
        k = min(max(0, int(t_us / self._fd)), n - 1)
        while k + 1 < n and self.frame_time(k + 1) <= t_us:
            k += 1
        while k > 0 and self.frame_time(k) > t_us:
            k -= 1
        return k

    def _bidx(self, t: int) -> int:  # boundaries are the frame starts, then the media's end
        return self.frame_count() if t >= self._dur else self.frame_index(t)

    def _bound(self, k: int) -> int:
        return self._dur if k >= self.frame_count() else self.frame_time(k)

    def _snap(self, t: float) -> int:
        k = self._bidx(int(t))
        a, b = self._bound(k), self._bound(k + 1)
        return b if abs(b - t) < abs(t - a) else a

    # geometry and zoom ------------------------------------------------------------------

    def _fit_pps(self) -> float:
        return max(1, self.width() - 2 * self.MARGIN) * US / max(1, self._dur)

    def _pps(self) -> float:  # pixels per second
        return self._fit_pps() * self._zoom

    def _span(self) -> float:
        return max(1, self.width() - 2 * self.MARGIN) * US / self._pps()

    def x_for_time(self, t_us: float) -> float:
        return self.MARGIN + (t_us - self._off) * self._pps() / US

    def _t_at(self, x: float) -> float:
        return self._off + (x - self.MARGIN) * US / self._pps()

    def time_at_x(self, x: float) -> int:
        return min(max(0, round(self._t_at(x))), self._dur)

    def zoom_factor(self) -> float:
        return self._zoom

    def scroll_offset_us(self) -> int:
        return round(self._off)

    def set_scroll_offset(self, t_us: float) -> None:
        self._off = min(max(0.0, float(t_us)), max(0.0, self._dur - self._span()))
        self.update()

    def set_zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom (1 = the whole clip fits) keeping the time under ``anchor_x`` in place."""
        top = max(1.0, self.MAX_FRAME_PX * US / self._fd / self._fit_pps())
        if anchor_x is None:
            px = self.x_for_time(self._ph)
            anchor_x = px if 0 <= px <= self.width() else self.width() / 2
        t = self._t_at(anchor_x)
        self._zoom = min(max(1.0, factor), top)
        self.set_scroll_offset(t - (anchor_x - self.MARGIN) * US / self._pps())

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * 1.5)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / 1.5)

    def zoom_to_fit(self) -> None:
        self._zoom, self._off = 1.0, 0.0
        self.update()

    def _follow(self, t: int) -> None:
        if self._zoom > 1 and not self._off <= t <= self._off + self._span():
            self.set_scroll_offset(t - self._span() * 0.1)

    def rows(self) -> Rows:
        rh = QFontMetrics(self._small_font()).height() + 14
        fh = round(max(20, self.height() - rh) * 0.58)
        w = self.width()
        return Rows(QRect(0, 0, w, rh), QRect(0, rh, w, fh),
                    QRect(0, rh + fh, w, max(8, self.height() - rh - fh)))

    def sizeHint(self) -> QSize:
        return QSize(720, 168)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 120)

    def resizeEvent(self, event: object) -> None:
        self.set_scroll_offset(self._off)

    # actions ----------------------------------------------------------------------------

    def _seek(self, t: float, *, force: bool = False) -> None:
        if not self._dur:
            return
        t = self.frame_time(self.frame_index(min(max(0, int(t)), self._dur - 1)))
        changed = t != self._ph
        self._ph = t
        if changed:
            self._follow(t)
            self.playheadMoved.emit(t)
            self.update()
        if changed or force:
            self.seekRequested.emit(t)

    def step_frames(self, n: int) -> None:
        self._seek(self.frame_time(self.frame_index(self._ph) + n), force=True)

    def step_seconds(self, n: int) -> None:
        self._seek(self._ph + n * US, force=True)

    def go_to_start(self) -> None:
        self._seek(0, force=True)

    def go_to_end(self) -> None:
        self._seek(self._dur, force=True)

    def go_to_in(self) -> None:
        self._seek(self._in, force=True)

    def go_to_out(self) -> None:
        """To the last frame kept (the out point itself is the first frame left out)."""
        self._seek(self._bound(self._bidx(self._out) - 1), force=True)

    def set_in_at_playhead(self) -> None:
        """In at the frame under the playhead; an out point before it is cleared (end)."""
        t = self.frame_time(self.frame_index(self._ph))
        self._edit(t, self._out if t < self._out else self._dur)

    def set_out_at_playhead(self) -> None:
        """Out after the frame under the playhead (kept); an in point after it is cleared."""
        out = self._bound(self._bidx(self._ph) + 1)
        self._edit(self._in if self._in < out else 0, out)

    def _edit(self, in_us: int, out_us: int) -> None:
        if not self.editable:
            return
        if self._dur and (in_us, out_us) != (self._in, self._out):
            self._in, self._out = in_us, out_us
            self._describe()
            self.update()
            self.trimEdited.emit(in_us, out_us)

    def _move_handle(self, which: str, t: float) -> None:
        t = self._snap(t)
        if which == "in":
            t = min(max(0, t), self._bound(self._bidx(self._out) - 1))
            changed, self._in = t != self._in, t
        else:
            t = max(min(self._dur, t), self._bound(self._bidx(self._in) + 1))
            changed, self._out = t != self._out, t
        if changed:
            self.trimPreview.emit(self._in, self._out)
            self.update()

    def _describe(self) -> None:
        self.setAccessibleDescription(self.tr("In {0}, out {1}").format(
            format_timecode(self._in), format_timecode(self._out)))

    # text -------------------------------------------------------------------------------

    def _on_key(self, which: str) -> bool:
        """Whether a cut there needs no re-encoding (see studio.editor.cut_plan)."""
        t = self._in if which == "in" else self._out
        i = bisect.bisect_left(self._keys, t)
        on = i < len(self._keys) and self._keys[i] == t
        return on or (which == "out" and (t >= self._dur or not self._reordering))

    def _when(self, t: int) -> str:
        return self.tr("{0} (frame {1})").format(format_timecode(t), self._bidx(t))

    def _handle_tip(self, which: str) -> str:
        if which == "in":
            head = self.tr("In point: {0}").format(self._when(self._in))
            why = (self.tr("On a keyframe: the start is copied without re-encoding.")
                   if self._on_key("in") else
                   self.tr("Between keyframes: a smart cut re-encodes the frames up to the "
                           "next keyframe."))
            keys = self.tr("Drag to trim. I: set at the playhead, Shift+I: go to the in point.")
        else:
            head = self.tr("Out point: {0}, the first frame left out").format(self._when(self._out))
            why = (self.tr("On a keyframe: the end needs no re-encoding.")
                   if self._on_key("out") else
                   self.tr("Between keyframes: a smart cut re-encodes the frames from the "
                           "previous keyframe."))
            keys = self.tr("Drag to trim. O: set after the frame under the playhead, "
                           "Shift+O: go to the last frame kept.")
        return f"{head}\n{why}\n{keys}"

    def _tip(self, pos: QPoint) -> str:
        which = self._handle_at(pos.x(), pos.y())
        if which:
            both = ("in", "out") if which == "either" else (which,)
            return "\n\n".join(self._handle_tip(h) for h in both)
        t = self.frame_time(self.frame_index(self.time_at_x(pos.x())))
        return self.tr("{0}\nClick or drag to move the playhead. Left/Right: one frame, "
                       "Shift+Left/Right: one second, Home/End: start/end.\n"
                       "Ctrl+wheel or +/-: zoom; wheel: scroll when zoomed.").format(self._when(t))

    # input ------------------------------------------------------------------------------

    def _handle_at(self, x: float, y: float) -> str | None:
        if not self.editable or not self._dur or y < self.rows().film.top():
            return None
        xi, xo = self.x_for_time(self._in), self.x_for_time(self._out)
        hit_in = xi - self.GRAB <= x <= xi + self.GRAB + 4
        hit_out = xo - self.GRAB - 4 <= x <= xo + self.GRAB
        if hit_in and hit_out:
            return "either"  # both under the mouse: the drag's direction decides
        return "in" if hit_in else "out" if hit_out else None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._dur:
            QToolTip.showText(event.globalPos(), self._tip(event.pos()), self)  # type: ignore
            return True
        if event.type() == QEvent.Type.ShortcutOverride and self._action(event):  # type: ignore
            event.accept()  # while focused, our keys are ours, not the window's shortcuts
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self._dur:
            return super().mousePressEvent(event)
        x, y = event.position().x(), event.position().y()
        self._drag, self._press_x = self._handle_at(x, y) or "seek", x
        self._drag_from = (self._in, self._out)
        if self._drag == "seek":
            self._seek(self._t_at(x), force=True)
        else:
            at = self._in if self._drag == "in" else self._out if self._drag == "out" else None
            self._grab_dx = 0.0 if at is None else x - self.x_for_time(at)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x, y = event.position().x(), event.position().y()
        if self._drag == "seek":
            self._seek(self._t_at(x))
        elif self._drag == "either" and x != self._press_x:
            self._drag = "in" if x < self._press_x else "out"
        if self._drag in ("in", "out"):
            self._move_handle(self._drag, self._t_at(x - self._grab_dx))
            QToolTip.showText(event.globalPosition().toPoint(), self._handle_tip(self._drag), self)
        elif self._drag is None:
            hover = self._handle_at(x, y)
            if hover != self._hover:
                self._hover = hover
                self.setCursor(Qt.CursorShape.SplitHCursor if hover else Qt.CursorShape.ArrowCursor)
                self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        drag, self._drag = self._drag, None
        if drag in ("in", "out", "either") and (self._in, self._out) != self._drag_from:
            self._describe()
            self.trimEdited.emit(self._in, self._out)

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        d = event.angleDelta().y() or event.angleDelta().x()
        if not self._dur or not d:
            return event.ignore()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.set_zoom(self._zoom * 1.25 ** (d / 120), event.position().x())
        elif self._zoom > 1:
            self.set_scroll_offset(self._off - d / 120 * self._span() * 0.1)
        else:
            return event.ignore()
        event.accept()

    def _action(self, event: QKeyEvent):  # noqa: ANN202
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        shift = mods == Qt.KeyboardModifier.ShiftModifier
        if mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return _KEYS.get((event.key(), shift))
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self._action(event) if self._dur else None
        if action is None:
            return super().keyPressEvent(event)
        action(self)

    # painting ---------------------------------------------------------------------------

    def _small_font(self) -> QFont:
        f = QFont(self.font())
        f.setPointSizeF(max(7.0, f.pointSizeF() * 0.85))
        return f

    def paintEvent(self, event: object) -> None:
        p = QPainter(self)
        pal, r = self.palette(), self.rows()
        p.fillRect(self.rect(), pal.window())
        if not self._dur:
            p.setPen(pal.placeholderText().color())
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No clip to trim"))
            return
        x0 = max(0.0, self.x_for_time(0))
        x1 = min(float(self.width()), self.x_for_time(self._dur))
        tracks = r.film.united(r.wave)
        p.fillRect(QRectF(x0, tracks.top(), x1 - x0, tracks.height()), pal.base())
        self._paint_film(p, r.film, x0, x1)
        self._paint_wave(p, r.wave, x0, x1)
        dim = QColor(pal.window().color())
        dim.setAlpha(190)
        xi, xo = self.x_for_time(self._in), self.x_for_time(self._out)
        p.fillRect(QRectF(x0, tracks.top(), max(0.0, min(xi, x1) - x0), tracks.height()), dim)
        p.fillRect(QRectF(max(xo, x0), tracks.top(), max(0.0, x1 - max(xo, x0)),
                          tracks.height()), dim)
        p.setPen(pal.mid().color())
        p.drawLine(0, r.film.top(), self.width(), r.film.top())
        p.drawLine(0, r.wave.top(), self.width(), r.wave.top())
        self._paint_ruler(p, r.ruler)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for which, x in (("in", xi), ("out", xo)):
            if -20 <= x <= self.width() + 20:
                self._paint_handle(p, which, x, tracks)
        xp = self.x_for_time(self._ph)
        if 0 <= xp <= self.width():
            p.fillRect(QRectF(xp - 1, r.ruler.top() + 2, 2, self.height()), PLAYHEAD)
            b = r.ruler.bottom() - 2
            head = [(xp - 6, 2), (xp + 6, 2), (xp + 6, b - 7), (xp, b), (xp - 6, b - 7)]
            p.setPen(QPen(PLAYHEAD.darker(150), 1))
            p.setBrush(PLAYHEAD)
            p.drawPolygon(QPolygonF([QPointF(a, c) for a, c in head]))
        if self._zoom > 1:  # where the view is inside the clip
            w = self.width() - 2 * self.MARGIN
            bar = QColor(pal.text().color())
            bar.setAlpha(40)
            p.fillRect(QRectF(self.MARGIN, self.height() - 4, w, 3), bar)
            bar.setAlpha(140)
            p.fillRect(QRectF(self.MARGIN + w * self._off / self._dur, self.height() - 4,
                              max(6.0, w * self._span() / self._dur), 3), bar)
        if self.hasFocus():
            p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            p.setPen(pal.highlight().color())
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(self.rect().adjusted(0, 0, -1, -1))

    def _paint_ruler(self, p: QPainter, ruler: QRect) -> None:
        p.setFont(self._small_font())
        fm, pal = p.fontMetrics(), self.palette()
        pps, t0, t1 = self._pps(), max(0.0, self._off), min(self._dur, self._off + self._span())
        need = fm.horizontalAdvance("00:00.00") + 14
        nf = round(US / self._fd)
        frames = [d for d in range(1, nf) if nf % d == 0] if self._rate_known else []
        major: list[tuple[float, str]] = []
        minor: list[float] = []
        step = next((d for d in frames if d * self._fd * pps / US >= need), None)
        if step is not None:  # frame labels inside each second
            every = self._fd * pps / US >= 5
            for s in range(int(t0 // US), int(t1 // US) + 1):
                k0 = self.frame_index(s * US - 1) + 1 if s else 0
                for j in range(nf + 1):
                    t = self.frame_time(k0 + j)
                    if t >= (s + 1) * US or k0 + j >= self.frame_count():
                        break
                    if j % step == 0:
                        text = self._label(t, 0) if j == 0 else self.tr("{0}f").format(j)
                        major.append((t, text))
                    elif every:
                        minor.append(t)
        else:
            steps = (() if frames else DECIMAL_STEPS) + SECOND_STEPS
            sec = next((s for s in steps if s * pps >= need), SECOND_STEPS[-1])
            decimals = 0 if sec >= 1 else (1 if sec >= 0.1 else 2)
            sub = next((n for n in (5, 4, 2) if sec * pps / n >= 7), 1)
            unit = sec * US / sub
            for i in range(int(t0 // unit), int(t1 // unit) + 1):
                if i % sub == 0:
                    major.append((i * unit, self._label(i * unit, decimals)))
                else:
                    minor.append(i * unit)
        ink = QColor(pal.windowText().color())
        bottom = ruler.bottom()
        for t, text in major:
            x = self.x_for_time(t)
            p.setPen(ink)
            p.drawLine(QPointF(x, bottom - 9), QPointF(x, bottom))
            if 0 <= x and x + 3 + fm.horizontalAdvance(text) < self.width() - 2:
                p.drawText(QPointF(x + 3, ruler.top() + 3 + fm.ascent()), text)
        faint = QColor(ink)
        faint.setAlpha(110)
        p.setPen(faint)
        p.drawLines([QPointF(c, v) for t in minor
                     for c in (self.x_for_time(t),) for v in (bottom - 4, bottom)])
        a, b = bisect.bisect_left(self._keys, t0), bisect.bisect_right(self._keys, t1)
        if (b - a) * 6 > self.width():  # dense: thin marks (~600 on a 20-min clip at fit)
            p.setPen(QPen(ON_KEY, 1))
            p.drawLines([QPointF(c, v) for t in self._keys[a:b]
                         for c in (self.x_for_time(t),) for v in (bottom - 5, bottom)])
            return
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(ON_KEY)
        for t in self._keys[a:b]:
            x = self.x_for_time(t)
            p.drawPolygon(QPolygonF([QPointF(x - 3.5, bottom + 1), QPointF(x + 3.5, bottom + 1),
                                     QPointF(x, bottom - 5)]))

    def _label(self, t: float, decimals: int) -> str:
        s = t / US
        h, rest = divmod(s, 3600)
        m, sec = divmod(rest, 60)
        tail = f"{sec:0{3 + decimals}.{decimals}f}" if decimals else f"{int(sec):02d}"
        return f"{int(h)}:{int(m):02d}:{tail}" if h else f"{int(m)}:{tail}"

    def _paint_film(self, p: QPainter, film: QRect, x0: float, x1: float) -> None:
        if not self._thumb_img:
            return
        h = film.height() - 2
        if h != self._pix_h:
            self._pix, self._pix_h = {}, h
        first = self._thumb_img[0]
        tw = max(8, round(h * first.width() / max(1, first.height())))
        pps = self._pps()
        off_px = self._off * pps / US
        p.save()
        p.setClipRect(QRectF(x0, film.top(), x1 - x0, film.height()))
        for k in range(int(off_px // tw), int((off_px + self.width()) // tw) + 1):
            t = k * tw * US / pps  # tile k shows the picture at or before its start
            if t >= self._dur:
                break
            i = max(0, bisect.bisect_right(self._thumb_t, t) - 1)
            key = self._thumb_t[i]
            pix = self._pix.get(key)
            if pix is None:  # scaled once per height, only when first seen
                pix = QPixmap.fromImage(self._thumb_img[i].scaled(
                    tw, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                    Qt.TransformationMode.SmoothTransformation))
                self._pix[key] = pix
            p.drawPixmap(QPointF(self.MARGIN + k * tw - off_px, film.top() + 1), pix)
        p.restore()

    def _envelope(self, ppus: float, j0: int, n: int) -> np.ndarray:
        """Peaks (0..1 on a dB scale) of device columns ``j0 .. j0 + n`` at ``ppus`` px/µs."""
        peaks, total = self._peaks, math.ceil(self._dur * ppus)
        if not len(peaks) or n <= 0:
            return np.zeros(max(0, n), np.float32)
        key = (ppus, len(peaks))
        env = self._env
        if env is None or env[0] != key or not (env[1] <= j0 and j0 + n <= env[1] + len(env[2])):
            a, b = (0, total) if total <= 1 << 17 else (j0, j0 + n)  # per zoom, or visible only
            edges = np.floor(np.arange(a, b + 1) / ppus * self._bps / US).astype(np.int64)
            starts = np.clip(edges[:-1], 0, len(peaks))
            out = np.zeros(b - a, np.float32)
            ok = starts < len(peaks)
            if ok.any():
                end = max(int(min(edges[-1], len(peaks))), int(starts[ok][-1]) + 1)
                out[ok] = np.maximum.reduceat(peaks[:end], starts[ok])
            db = 1 + 20 * np.log10(np.maximum(out, 1e-6)) / 60
            env = self._env = (key, a, np.clip(db, 0, 1).astype(np.float32))
        got = np.zeros(n, np.float32)
        lo, hi = max(j0, env[1]), min(j0 + n, env[1] + len(env[2]))
        if hi > lo:
            got[lo - j0:hi - j0] = env[2][lo - env[1]:hi - env[1]]
        return got

    def _paint_wave(self, p: QPainter, wave: QRect, x0: float, x1: float) -> None:
        dpr = self.devicePixelRatioF()
        w, h = int((x1 - x0) * dpr), int((wave.height() - 1) * dpr)
        if w <= 0 or h <= 2:
            return
        ppus = self._pps() * dpr / US
        env = self._envelope(ppus, math.floor(self._t_at(x0) * ppus), w)
        y = np.abs(np.arange(h, dtype=np.float32) - (h - 1) / 2)[:, None]
        mask = y <= np.maximum(env * (h / 2 - 1), 0.5)[None, :]
        buf = np.zeros((h, w, 4), np.uint8)
        buf[mask] = WAVE.red(), WAVE.green(), WAVE.blue(), 255
        img = QImage(buf.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
        img.setDevicePixelRatio(dpr)
        p.drawImage(QPointF(x0, wave.top() + 1), img)

    def _paint_handle(self, p: QPainter, which: str, x: float, tracks: QRect) -> None:
        color = QColor(ON_KEY if self._on_key(which) else OFF_KEY)
        if which in (self._hover, self._drag) or self._drag == "either":
            color = color.lighter(130)
        edge = color.darker(170)
        s = 1 if which == "in" else -1  # the side the kept range lies on
        top, h = tracks.top(), tracks.height()
        p.setPen(QPen(edge, 1))
        p.setBrush(color)
        bracket = [(x - s * 2, top), (x + s * 9, top), (x + s * 9, top + 3), (x + s * 2, top + 3),
                   (x + s * 2, top + h - 4), (x + s * 9, top + h - 4), (x + s * 9, top + h - 1),
                   (x - s * 2, top + h - 1)]
        p.drawPolygon(QPolygonF([QPointF(a, b) for a, b in bracket]))
        th = min(34.0, h * 0.45)
        tab = QRectF(min(x, x + s * 11), top + (h - th) / 2, 11, th)
        p.drawRoundedRect(tab, 3, 3)
        p.setPen(QPen(edge, 1))
        for dx in (4.0, 7.0):
            gx = tab.left() + dx
            p.drawLine(QPointF(gx, tab.top() + 6), QPointF(gx, tab.bottom() - 6))
