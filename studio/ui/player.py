"""The preview player: the picture at the playhead, playback, frame steps and J/K/L shuttle.

Two ways to show the picture, one API:

- **Qt Multimedia** (QMediaPlayer + QVideoWidget + QAudioOutput, FFmpeg backend):
  real playback with sound. Paused seeks aim at the *middle* of the frame on
  screen at ``t`` (found in the engine's packet index) because QMediaPlayer,
  given a frame's exact start rounded to milliseconds, may land one frame early.
  Playing backwards is emulated by paused seeks on a timer (no sound).
- **Frame preview** (fallback, when Qt Multimedia cannot load or is turned off):
  the engine's exact frames (:class:`~studio.editor.frames.FrameGrabber`),
  decoded on a worker thread. Play advances the picture on a timer at the
  clip's rate, dropping frames when decoding is slower (best effort, no sound).

Times are integer microseconds of media time (0 = the first video frame; see
:mod:`studio.editor.keyframes`). The position is "the frame on screen at t":
after ``seek(t)`` the frame shown is the last one starting at or before ``t``.

Threading: one worker thread per player resolves seeks and frame steps, latest
request wins (a newer seek replaces a queued one; queued steps add up). It never
touches widgets: it builds QImage (never QPixmap) and hands replies back to the
GUI thread through a queued signal. Replies from an earlier ``load``/``unload``
are dropped, so a late frame never shows on another clip.
"""

from __future__ import annotations

import bisect
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np
from PySide6.QtCore import (
    QCoreApplication,
    QElapsedTimer,
    QEvent,
    QObject,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QIcon,
    QImage,
    QPainter,
    QPen,
    QPixmap,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.domain.errors import UserError
from studio.domain.timecode import format_timecode
from studio.editor.frames import FrameGrabber, FrameImage
from studio.editor.keyframes import PacketIndex, default_index

__all__ = ["Player"]

log = logging.getLogger(__name__)

US = 1_000_000
MAX_SPEED = 8.0
POSITION_INTERVAL_MS = 33  # positionChanged while playing: ~30 Hz
ICON = 16  # px, the note's icon in the transport bar
MAX_SIDE = 1920  # fallback frames are decoded at most this large (4K sources are shrunk)
_UNCHECKED = object()
_backend_problem: object = _UNCHECKED


def _check_backend() -> str | None:
    try:
        from PySide6.QtMultimedia import QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget
    except ImportError as exc:  # e.g. libpulse.so.0 missing on a bare Linux
        return QCoreApplication.translate(
            "Player", "No playback: Qt Multimedia could not be loaded ({0}). "
                      "On Linux, install libpulse0.").format(exc)
    if not QMediaPlayer().isAvailable():
        return QCoreApplication.translate(
            "Player", "No playback: Qt Multimedia has no media backend on this system.")
    if QVideoWidget().videoSink() is None:
        return QCoreApplication.translate(
            "Player", "No playback: Qt Multimedia has no video output on this system.")
    return None


# the worker ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Request:
    """Show the frame at ``t_us`` (None: the worker's current frame), then ``steps`` away."""

    gen: int
    seq: int
    path: str | None  # None: unloaded, close the files
    t_us: int | None
    steps: int
    duration_us: int
    frame_us: float


@dataclass(frozen=True)
class _Reply:
    gen: int
    seq: int
    steps: int = 0
    start_us: int = 0
    duration_us: int = 0
    image: QImage | None = None  # fallback only; built on the worker, shown by the GUI
    offset_us: int = 0  # media time 0 measured on QMediaPlayer's clock
    error: str | None = None


class _Bridge(QObject):
    replied = Signal(object)


class _FrameWorker:
    """A thread that resolves seeks and steps; ``decode`` also grabs the picture.

    Threading: ``submit`` and ``stop`` are called from the GUI thread; the rest runs
    on the worker thread and never touches widgets.
    """

    def __init__(self, *, decode: bool, index: PacketIndex | None = None) -> None:
        self.decode = decode
        self.index = index or default_index()
        self.bridge = _Bridge()  # no parent: lives as long as this object
        self._cond = threading.Condition()
        self._pending: _Request | None = None
        self._stopping = False
        self._gen: int | None = None
        self._cur: FrameImage | None = None
        self._cur_start = 0
        self._grabber = FrameGrabber(self.index) if decode else None
        self._thread = threading.Thread(target=self._run, name="player-frames", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and not self._stopping

    def submit(self, req: _Request) -> None:
        """Queue ``req``, replacing a queued request; queued relative steps add up."""
        with self._cond:
            old = self._pending
            if old is not None and req.t_us is None and old.gen == req.gen:
                req = replace(req, t_us=old.t_us, steps=old.steps + req.steps)
            self._pending = req
            self._cond.notify()

    def stop(self, wait_s: float = 5.0) -> None:
        """Stop the thread (from any thread); waits for it unless called on it."""
        with self._cond:
            self._stopping = True
            self._pending = None
            self._cond.notify()
        if threading.current_thread() is not self._thread:
            self._thread.join(wait_s)

    def stop_soon(self, *_: object) -> None:
        self.stop(wait_s=0)

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    while self._pending is None and not self._stopping:
                        self._cond.wait()
                    if self._stopping:
                        return
                    req, self._pending = self._pending, None
                reply = self._serve(req)
                if reply is not None and not self._stopping:
                    self.bridge.replied.emit(reply)
        finally:
            if self._grabber is not None:
                self._grabber.close()

    def _superseded(self, req: _Request) -> bool:
        p = self._pending
        return self._stopping or (p is not None and (p.gen != req.gen or p.t_us is not None))

    def _serve(self, req: _Request) -> _Reply | None:
        if req.gen != self._gen or req.path is None:
            self._gen, self._cur, self._cur_start = req.gen, None, 0
            if self._grabber is not None:
                self._grabber.close()
        if req.path is None:
            return None
        try:
            if self._grabber is None:
                base = req.t_us if req.t_us is not None else self._cur_start
                start, dur = _frame_n_away(self.index, req.path, base, req.steps,
                                           req.duration_us, req.frame_us)
                self._cur_start = start
                offset = self.index.timeline(req.path).start_us_in_container
                return _Reply(req.gen, req.seq, req.steps, start, dur, offset_us=offset)
            return self._grab(req, self._grabber)
        except UserError as exc:
            return _Reply(req.gen, req.seq, req.steps, error=str(exc))
        except Exception as exc:  # a bug: say so instead of freezing the preview
            log.exception("preview worker failed on %s", req.path)
            return _Reply(req.gen, req.seq, req.steps,
                          error=QCoreApplication.translate(
                              "Player", "The preview failed: {0}").format(exc))

    def _grab(self, req: _Request, g: FrameGrabber) -> _Reply | None:
        path = req.path
        assert path is not None
        if req.t_us is not None or self._cur is None:
            self._cur = g.frame_at(path, req.t_us or 0, max_size=MAX_SIDE)
        for _ in range(abs(req.steps)):
            if self._superseded(req):
                return None
            move = g.next_frame if req.steps > 0 else g.prev_frame
            nxt = move(path, self._cur, max_size=MAX_SIDE)
            if nxt is None:
                break
            self._cur = nxt
        f = self._cur
        return _Reply(req.gen, req.seq, req.steps, f.start_us, f.duration_us, _qimage(f.rgb))


def _qimage(rgb: np.ndarray) -> QImage:
    """An RGB888 QImage that owns a copy of ``rgb`` (safe off the GUI thread)."""
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def _frame_n_away(
    index: PacketIndex, path: str, t_us: int, n: int, duration_us: int, frame_us: float
) -> tuple[int, int]:
    """(start, duration) of the frame ``n`` frames from the one on screen at ``t_us``.

    Reads frame times from the packet index in a window around ``t_us`` that
    widens until it holds the answer (or reaches both ends of the clip).
    """
    t = max(0, t_us)
    span = int(US + abs(n) * frame_us * 2)
    while True:
        lo, hi = max(0, t - span), t + span
        at_start, at_end = lo == 0, hi >= duration_us + US
        times = index.frame_times_between(path, lo, hi)
        i = bisect.bisect_right(times, t) - 1
        j = max(i, 0) + n
        complete = at_start and at_end
        if times and (at_start or i >= 0) and (at_start or j >= 0) and (
            at_end or j < len(times) - 1
        ):
            break
        if complete:
            if not times:
                raise UserError(QCoreApplication.translate(
                    "Player", "This clip has no picture to show."))
            break
        span *= 2
    j = min(max(j, 0), len(times) - 1)
    start = times[j]
    if j + 1 < len(times):
        return start, times[j + 1] - start
    rest = duration_us - start
    return start, max(1, round(min(rest, frame_us) if rest > 0 else frame_us))


# the picture -----------------------------------------------------------------------------


class _FrameView(QWidget):
    """Shows one QImage scaled to fit with its aspect ratio, or a line of text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._pixmap: QPixmap | None = None
        self._text = ""
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)

    def image(self) -> QImage | None:
        return self._image

    def show_image(self, image: QImage) -> None:
        self._image, self._pixmap, self._text = image, QPixmap.fromImage(image), ""
        self.update()

    def show_text(self, text: str) -> None:
        self._image, self._pixmap, self._text = None, None, text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, 400)

    def paintEvent(self, event: object) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(0, 0, 0))
        if self._pixmap is not None and not self._pixmap.isNull():
            size = self._pixmap.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(self.rect().center())
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawPixmap(target, self._pixmap)
        elif self._text:
            p.setPen(QColor(210, 210, 210))
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            p.drawText(self.rect().adjusted(16, 16, -16, -16), flags, self._text)
        p.end()


class _Note(QLabel):
    """A one-line note with an icon that gives way to its neighbours: it shows the longest
    of its wordings that fits (``text()`` first, then ``shorter``), at worst the icon alone."""

    def __init__(self, icon: QIcon, text: str, *shorter: str) -> None:
        super().__init__(text)
        self._icon = icon
        self._shorter = shorter

    def minimumSizeHint(self) -> QSize:
        return QSize(ICON + 2, super().minimumSizeHint().height())

    def paintEvent(self, event: object) -> None:
        r = self.rect()
        if r.width() < ICON:
            return  # squeezed out by its neighbours: a clipped icon would be a smudge
        p = QPainter(self)
        self._icon.paint(p, QRect(r.right() - ICON + 1, r.center().y() - ICON // 2 + 1,
                                  ICON, ICON))
        room = r.width() - ICON - 4
        fm = self.fontMetrics()
        text = next((w for w in (self.text(), *self._shorter) if fm.horizontalAdvance(w) <= room),
                    "")
        p.setPen(self.palette().windowText().color())
        p.drawText(r.adjusted(0, 0, -ICON - 4, 0),
                   int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), text)
        p.end()


class _Shrinking(QLabel):
    """A one-line label that shows ``text()`` when it fits, else its ``short`` wording (the
    playhead without the length), so that a narrow player cuts off no digit."""

    def __init__(self) -> None:
        super().__init__()
        self.short = ""

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        if not self.short:
            return hint
        return QSize(self.fontMetrics().horizontalAdvance(self.short) + 2, hint.height())

    def shown_text(self) -> str:
        """What is on screen at the label's present width."""
        fits = self.fontMetrics().horizontalAdvance(self.text()) <= self.width()
        return self.text() if fits or not self.short else self.short

    def paintEvent(self, event: object) -> None:
        p = QPainter(self)
        p.setPen(self.palette().windowText().color())
        p.drawText(self.rect(), int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                   self.shown_text())
        p.end()


def _icon(kind: str, color: QColor, size: int = 32) -> QIcon:
    """Transport icons drawn here (sharp at any scale, no theme needed)."""
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(color)
    s = size / 32

    def tri(x0: float, x1: float) -> None:  # pointing from x0 to x1
        p.drawPolygon(QPolygonF([QPointF(x0 * s, 7 * s), QPointF(x1 * s, 16 * s),
                                 QPointF(x0 * s, 25 * s)]))

    if kind == "play":
        tri(9, 25)
    elif kind == "pause":
        p.drawRect(9 * s, 7 * s, 5 * s, 18 * s)
        p.drawRect(18 * s, 7 * s, 5 * s, 18 * s)
    elif kind == "next":
        tri(8, 21)
        p.drawRect(21 * s, 7 * s, 3.5 * s, 18 * s)
    elif kind == "prev":
        tri(24, 11)
        p.drawRect(7.5 * s, 7 * s, 3.5 * s, 18 * s)
    elif kind == "muted":  # a speaker with a cross
        p.drawRect(4 * s, 12 * s, 5 * s, 8 * s)
        p.drawPolygon(QPolygonF([QPointF(8 * s, 12 * s), QPointF(15 * s, 6 * s),
                                 QPointF(15 * s, 26 * s), QPointF(8 * s, 20 * s)]))
        pen = QPen(color, 2.6 * s)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.drawLine(QPointF(19 * s, 11 * s), QPointF(28 * s, 21 * s))
        p.drawLine(QPointF(28 * s, 11 * s), QPointF(19 * s, 21 * s))
    p.end()
    return QIcon(pm)


# the player ------------------------------------------------------------------------------


class Player(QWidget):
    """The preview player (see the module docstring).

    Shortcuts are bound by the main window to :meth:`toggle_play` (Space),
    :meth:`shuttle` (J = -1, K = 0, L = +1) and :meth:`step` (Left = -1, Right = +1).
    """

    positionChanged = Signal(int)  # µs; throttled to ~30 Hz while playing
    playingChanged = Signal(bool)
    speedChanged = Signal(float)  # signed: -2.0 plays backwards at twice the speed
    statusMessage = Signal(str)  # e.g. why there is no playback
    frameShown = Signal(int)  # start (µs) of the frame now on screen, when a seek lands

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        use_multimedia: bool | None = None,
        index: PacketIndex | None = None,
    ) -> None:
        super().__init__(parent)
        self._why_fallback: str | None = None
        if use_multimedia is False:
            self._why_fallback = self.tr(
                "Frame preview without sound: playback with Qt Multimedia is turned off.")
        else:
            self._why_fallback = Player.backend_problem()
        self._multimedia = self._why_fallback is None
        self._index = index
        self._path: str | None = None
        self._message = ""  # why nothing is loaded
        self._duration_us = 0
        self._frame_us = US / 30
        self._rate: Fraction | None = None
        self._gen = self._seq = self._replied_seq = 0
        self._pos_us = self._emitted_us = 0
        self._playing = False
        self._speed = 1.0
        self._range: tuple[int, int] | None = None
        self._stop_at: int | None = None  # out point of play_range while it plays
        self._offset_us = 0  # media time 0 on QMediaPlayer's clock
        self._frame_start_us = -1  # the last frame the worker resolved (multimedia)
        self._shown_us = 0  # start of the frame on screen (multimedia)
        self._primed = False  # QMediaPlayer loaded and paused once
        self._pending_ms: int | None = None
        self._play_when_ready = False
        self._anchor_us = 0  # where the clock started (fallback play, reverse shuttle)
        self._awaiting_frame = False  # a backwards-shuttle seek has not shown its frame yet
        self._step_seq = -1  # the last frame step asked of the worker
        self._settled: list[Callable[[int], None]] = []  # waiting for the steps to land
        self._sent_ms = 0
        self._clock = QElapsedTimer()
        self._clock_timer = QTimer(self)
        self._clock_timer.timeout.connect(self._on_clock)
        self._pos_timer = QTimer(self)
        self._pos_timer.setInterval(POSITION_INTERVAL_MS)
        self._pos_timer.timeout.connect(self._emit_position)
        self._worker = self._new_worker()
        self._build()

    # status --------------------------------------------------------------------------

    @staticmethod
    def backend_problem() -> str | None:
        """Why real playback is impossible here (one translated line), or None.

        Checked once per process; needs the QApplication to exist.
        """
        global _backend_problem
        if _backend_problem is _UNCHECKED:
            if QCoreApplication.instance() is None:
                return QCoreApplication.translate(
                    "Player", "No playback: the application has not started yet.")
            _backend_problem = _check_backend()
        return _backend_problem  # type: ignore[return-value]

    def uses_multimedia(self) -> bool:
        return self._multimedia

    def fallback_reason(self) -> str | None:
        return self._why_fallback

    def video_sink(self) -> QObject | None:
        """The QVideoSink that receives the frames on screen (None in frame preview)."""
        return self._video.videoSink() if self._multimedia else None

    def displayed_image(self) -> QImage | None:
        """The frame on screen in frame preview (None with Qt Multimedia)."""
        return None if self._multimedia else self._view.image()

    def is_playing(self) -> bool:
        return self._playing

    def speed(self) -> float:
        return self._speed

    # loading -------------------------------------------------------------------------

    def load(self, path: str | os.PathLike, duration_us: int, frame_duration_us: float) -> None:
        """Show ``path`` from its first frame (paused)."""
        self._reset()
        self._path = os.fspath(path)
        self._message = ""
        if self._multimedia:
            self._stack.setCurrentWidget(self._video)
        self._duration_us = max(1, int(duration_us))
        self._frame_us = float(frame_duration_us) if frame_duration_us > 0 else US / 30
        self._rate = Fraction(US / self._frame_us).limit_denominator(1001)
        if self._multimedia:
            self._mp.setSource(QUrl.fromLocalFile(self._path))
            if self._mp.audioOutput() is None:
                self.statusMessage.emit(self.tr("No sound device found: the preview is silent."))
        else:
            self._view.show_text(self.tr("Loading…"))
            self.statusMessage.emit(self._why_fallback or "")
        self._request(0, 0)
        self._update_labels()

    def unload(self, reason: str = "") -> None:
        """Show nothing, or ``reason`` (why there is no picture, e.g. the file is missing);
        frames still on their way are dropped."""
        self._reset()
        self._worker.submit(_Request(self._gen, self._seq, None, None, 0, 0, 0.0))
        self._message = reason
        if self._multimedia:
            self._note.setText(reason)
            self._stack.setCurrentWidget(self._note if reason else self._video)
        else:
            self._view.show_text(reason or self.tr("No clip loaded"))
        self._update_labels()
        self.positionChanged.emit(0)

    def path(self) -> str | None:
        """The clip loaded, or None."""
        return self._path

    def message(self) -> str:
        """Why nothing is loaded, as given to :meth:`unload` ("" when a clip is loaded)."""
        return self._message

    def _reset(self) -> None:
        self._halt()
        self._gen += 1
        self._seq = self._replied_seq = 0
        self._step_seq, self._settled = -1, []
        self._path, self._duration_us, self._range = None, 0, None
        self._pos_us = self._emitted_us = self._shown_us = self._offset_us = 0
        self._frame_start_us = -1
        self._primed, self._pending_ms, self._play_when_ready = False, None, False
        if self._multimedia:
            self._mp.stop()
            self._mp.setSource(QUrl())
        if not self._worker.alive:
            self._worker = self._new_worker()
        if self._speed != 1.0:
            self._set_speed(1.0)

    # position ------------------------------------------------------------------------

    def position_us(self) -> int:
        """The playhead: the frame on screen is the one shown at this time."""
        if self._playing and self._multimedia and self._speed > 0:
            return self._shown_us
        return self._pos_us

    def duration_us(self) -> int:
        return self._duration_us

    def seek(self, t_us: int) -> None:
        """Show the frame on screen at ``t_us`` (exact); playback goes on from there."""
        if self._path is None:
            return
        t = min(max(0, int(t_us)), self._duration_us - 1)
        self._pos_us = t
        if self._playing:
            if self._multimedia and self._speed > 0:
                self._shown_us = t
                self._media_seek(t + self._frame_us / 2)
            else:
                self._anchor_us = t
                self._clock.restart()
            return
        self._request(t, 0)
        self._emit_position()

    def step(self, n_frames: int) -> None:
        """Pause, then show the frame ``n_frames`` away (negative: back) from the current one."""
        if self._path is None or n_frames == 0:
            return
        if self._settled:  # an I or O waits for the steps before: this one comes after it
            self._settled.append(lambda _t: self.step(n_frames))
            return
        self.pause()
        in_flight = self._replied_seq < self._seq
        self._request(None if in_flight else self._pos_us, int(n_frames))
        self._step_seq = self._seq

    def when_settled(self, fn: Callable[[int], None]) -> None:
        """Call ``fn`` with the playhead once the frame steps asked so far have landed (they
        are resolved on a worker): at once when none is on its way. I and O pressed right
        after arrow keys use the frame the steps lead to, not the one still on screen.
        ``fn`` is dropped when another clip is loaded first; steps asked after it wait."""
        if self._stepping():
            self._settled.append(fn)
        else:
            fn(self.position_us())

    def _stepping(self) -> bool:
        return self._step_seq == self._seq and self._replied_seq < self._seq

    def _settle(self) -> None:
        """The steps landed: run what waited for them, in order, until one steps again."""
        waiting, self._settled = self._settled, []
        while waiting:
            if self._stepping():
                self._settled = waiting + self._settled
                return
            waiting.pop(0)(self.position_us())

    def _request(self, t_us: int | None, steps: int) -> None:
        self._seq += 1
        self._worker.submit(_Request(self._gen, self._seq, self._path, t_us, steps,
                                     self._duration_us, self._frame_us))

    def _on_reply(self, reply: _Reply) -> None:
        if reply.gen != self._gen or self._path is None:
            return  # from a clip no longer loaded
        self._replied_seq = max(self._replied_seq, reply.seq)
        latest = reply.seq == self._seq
        if reply.error is not None:
            if latest:
                self._settle()
                self.statusMessage.emit(reply.error)
                if not self._multimedia:
                    self._view.show_text(reply.error)
            return
        if self._multimedia:
            self._offset_us = reply.offset_us
            if not latest:
                return
            self._frame_start_us = reply.start_us
            self._media_seek(reply.start_us + reply.duration_us / 2)
        elif reply.image is not None:
            self._view.show_image(reply.image)  # earlier replies too: feedback while scrubbing
            if not latest:
                return
            self.frameShown.emit(reply.start_us)
        if latest and reply.steps:
            self._pos_us = reply.start_us
            self._emit_position()
        if latest:
            self._settle()

    # playing -------------------------------------------------------------------------

    def play(self) -> None:
        """Play forwards at normal speed (from the start when at the end)."""
        if self._path is None:
            return
        self._stop_at = None
        at_end = self.position_us() >= self._duration_us - self._frame_us
        self._start(1.0, 0 if at_end else None)

    def pause(self) -> None:
        """Stop playing where the picture is; the speed is kept (K resets it)."""
        self._stop_at = None
        if self._playing:
            self._halt()

    def toggle_play(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    def shuttle(self, direction: int) -> None:
        """J/K/L: ``direction`` < 0 plays backwards, 0 pauses and resets the speed, > 0 forwards.

        Pressing the same direction again doubles the speed (1x, 2x, 4x, 8x).
        """
        if direction == 0:
            self.pause()
            self._set_speed(1.0)
            return
        if self._path is None:
            return
        sign = 1.0 if direction > 0 else -1.0
        if self._playing and self._speed * sign > 0:
            speed = sign * min(MAX_SPEED, abs(self._speed) * 2)
        else:
            speed = sign
        at_edge = (self.position_us() >= self._duration_us - self._frame_us if sign > 0
                   else self.position_us() <= 0)
        if at_edge and not self._playing:
            return  # nothing left to play that way
        self._stop_at = None
        self._start(speed)

    def set_range(self, in_us: int, out_us: int) -> None:
        """The trimmed range [in, out) that :meth:`play_range` plays (load() clears it)."""
        lo = max(0, int(in_us))
        hi = int(out_us) if self._duration_us <= 0 else min(int(out_us), self._duration_us)
        self._range = (lo, hi) if hi > lo else None

    def play_range(self) -> None:
        """Play from the in point and stop on the last frame before the out point."""
        if self._path is None:
            return
        lo, hi = self._range or (0, self._duration_us)
        self._start(1.0, lo)
        self._stop_at = hi

    def _start(self, speed: float, from_us: int | None = None) -> None:
        """Play at ``speed`` from ``from_us`` (default: the playhead)."""
        self._halt()
        if from_us is not None:
            self._pos_us = min(max(0, from_us), self._duration_us - 1)
            self._seq += 1  # replies to earlier seeks are no longer the latest word
            self._replied_seq = self._seq
            self._settle()
        self._set_speed(speed)
        self._set_playing(True)
        if self._multimedia and speed > 0:
            self._shown_us = self._pos_us
            if from_us is not None:
                self._media_seek(self._pos_us + self._frame_us / 2)
            self._mp.setPlaybackRate(speed)
            if self._primed:
                self._mp.play()
            else:
                self._play_when_ready = True
        else:
            if self._multimedia:
                self._mp.pause()
            self._anchor_us = self._pos_us
            self._clock.restart()
            interval = self._frame_us / abs(speed) / 1000
            self._clock_timer.start(max(16, min(int(interval), 40 if self._multimedia else 100)))
        self._pos_timer.start()

    def _halt(self) -> None:
        """Stop playing (the picture stays); the playhead is the frame on screen."""
        if not self._playing:
            return
        self._clock_timer.stop()
        self._pos_timer.stop()
        self._play_when_ready = False
        if self._multimedia and self._speed > 0:
            self._mp.pause()
            self._pos_us = self._shown_us
        self._set_playing(False)
        if self._multimedia and self._speed < 0:
            self._request(self._pos_us, 0)  # backwards seeks were approximate: land exactly
        self._emit_position()

    def _on_clock(self) -> None:
        """Fallback play and backwards shuttle: move the picture to where the clock says."""
        t = self._anchor_us + int(self._clock.elapsed() * 1000 * self._speed)
        hi = self._stop_at if self._stop_at is not None else self._duration_us
        if t >= hi or (t <= 0 and self._speed < 0):
            self._stop_at = None
            self._halt()
            self.seek(max(0, hi - 1) if t > 0 else 0)
            return
        if self._multimedia:
            # Backwards by paused seeks: send the next one only when the last one has shown
            # its frame (a 1080p seek takes 150-300 ms; piling them up would show nothing).
            if self._awaiting_frame and self._clock.elapsed() - self._sent_ms < 500:
                return
            self._awaiting_frame, self._sent_ms = True, self._clock.elapsed()
            self._pos_us = t
            self._media_seek(t)
        else:
            self._pos_us = t
            self._request(t, 0)

    def _set_playing(self, playing: bool) -> None:
        if playing != self._playing:
            self._playing = playing
            self._update_labels()
            self.playingChanged.emit(playing)

    def _set_speed(self, speed: float) -> None:
        if speed != self._speed:
            self._speed = speed
            self._update_labels()
            self.speedChanged.emit(speed)

    def _emit_position(self) -> None:
        pos = self.position_us()
        if pos != self._emitted_us:
            self._emitted_us = pos
            self._update_labels()
            self.positionChanged.emit(pos)

    # QMediaPlayer --------------------------------------------------------------------

    def _media_seek(self, media_us: float) -> None:
        ms = round((media_us + self._offset_us) / 1000)
        if not self._primed:
            self._pending_ms = ms
            return
        self._mp.setPosition(ms)

    def _on_media_status(self, status: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        S = QMediaPlayer.MediaStatus
        if status == S.LoadedMedia and not self._primed and self._path is not None:
            self._primed = True
            if self._pending_ms is not None:
                self._mp.setPosition(self._pending_ms)
                self._pending_ms = None
            if self._play_when_ready:
                self._play_when_ready = False
                self._mp.play()
            else:
                self._mp.pause()
        elif status == S.EndOfMedia and self._path is not None:
            # Stopped at the end shows nothing: park on the last frame instead.
            self._stop_at = None
            self._halt()
            self._pos_us = self._duration_us - 1
            self._mp.pause()
            self._request(self._pos_us, 0)
            self._emit_position()

    def _sync_audio(self) -> None:
        """Attach an audio output only while a sound device exists.

        Without one, the FFmpeg backend warns from its audio thread at every start; with a
        Python Qt message handler installed (pytest-qt, or an app that routes Qt logs to
        ``logging``) that warning needs the GIL while the GUI thread holds it inside a
        blocking QMediaPlayer call (stop, setSource): a deadlock seen in tests here.
        """
        from PySide6.QtMultimedia import QAudioOutput, QMediaDevices

        if QMediaDevices.audioOutputs():
            if self._mp.audioOutput() is None:
                self._mp.setAudioOutput(QAudioOutput(self))
        elif self._mp.audioOutput() is not None:
            self._mp.setAudioOutput(None)

    def _on_media_error(self, error: object, text: str) -> None:
        if self._path is not None:
            self.statusMessage.emit(self.tr("The preview cannot play this file: {0}").format(text))

    def _on_video_frame(self, frame: object) -> None:
        start = frame.startTime()  # type: ignore[attr-defined]
        if self._path is None or not frame.isValid() or start < 0:  # type: ignore[attr-defined]
            return
        media = start - self._offset_us
        self._awaiting_frame = False
        if self._frame_start_us >= 0 and abs(media - self._frame_start_us) <= 2:
            media = self._frame_start_us  # Qt floors to the µs, the engine rounds up
        self._shown_us = media
        if not self._playing:
            self.frameShown.emit(media)
        elif self._stop_at is not None and self._speed > 0:
            end = frame.endTime() - self._offset_us  # type: ignore[attr-defined]
            stale = media > self._stop_at + 3 * self._frame_us  # from before the seek
            if not stale and end >= self._stop_at - 2:
                out = self._stop_at
                self._stop_at = None
                self._halt()
                self.seek(out - 1)

    # building ------------------------------------------------------------------------

    def _new_worker(self) -> _FrameWorker:
        worker = _FrameWorker(decode=not self._multimedia, index=self._index)
        worker.bridge.replied.connect(self._on_reply)
        self.destroyed.connect(worker.stop_soon)
        return worker

    def _build(self) -> None:
        if self._multimedia:
            from PySide6.QtMultimedia import QMediaDevices, QMediaPlayer
            from PySide6.QtMultimediaWidgets import QVideoWidget

            self._mp = QMediaPlayer(self)
            self._devices = QMediaDevices(self)
            self._devices.audioOutputsChanged.connect(self._sync_audio)
            self._sync_audio()
            self._video = QVideoWidget(self)
            self._video.setMinimumSize(160, 90)
            self._video.setAccessibleName(self.tr("Preview"))
            self._mp.setVideoOutput(self._video)
            self._video.videoSink().videoFrameChanged.connect(self._on_video_frame)
            self._mp.mediaStatusChanged.connect(self._on_media_status)
            self._mp.errorOccurred.connect(self._on_media_error)
            # Why there is no picture (a missing file) shows in place of the video.
            self._note = QLabel()
            self._note.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._note.setWordWrap(True)
            self._note.setMargin(16)
            self._note.setStyleSheet("background: black; color: rgb(210, 210, 210)")
            self._stack = QStackedWidget(self)
            self._stack.addWidget(self._video)
            self._stack.addWidget(self._note)
            picture: QWidget = self._stack
        else:
            self._view = _FrameView(self)
            self._view.setAccessibleName(self.tr("Preview"))
            self._view.show_text(self.tr("No clip loaded"))
            picture = self._view

        color = self.palette().buttonText().color()
        self._icons = {k: _icon(k, color) for k in ("play", "pause", "prev", "next")}
        self._play_btn = self._button(self.tr("Play"), self.tr("Play or pause (Space)"))
        self._play_btn.clicked.connect(self.toggle_play)
        self._back_btn = self._button(self.tr("Previous frame"), self.tr("Previous frame (Left)"))
        self._back_btn.setIcon(self._icons["prev"])
        self._back_btn.setAutoRepeat(True)
        self._back_btn.clicked.connect(lambda: self.step(-1))
        self._next_btn = self._button(self.tr("Next frame"), self.tr("Next frame (Right)"))
        self._next_btn.setIcon(self._icons["next"])
        self._next_btn.setAutoRepeat(True)
        self._next_btn.clicked.connect(lambda: self.step(1))

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._time = _Shrinking()
        self._time.setFont(mono)
        self._time.setAccessibleName(self.tr("Playhead time and clip length"))
        self._time.setToolTip(self.tr("Playhead / clip length (hours:minutes:seconds:frames)"))
        self._speed_label = QLabel()
        self._speed_label.setFont(mono)
        self._speed_label.setAccessibleName(self.tr("Playback speed"))
        self._speed_label.setToolTip(self.tr(
            "Playback speed. J plays backwards, K pauses, L plays forwards; "
            "press J or L again to go faster (up to 8×)."))
        muted = _icon("muted", self.palette().windowText().color())
        self._mode = _Note(muted, self.tr("Frame preview, no sound"), self.tr("No sound"))
        self._mode.setAccessibleName(self.tr("Preview mode"))
        self._mode.setAccessibleDescription(self._why_fallback or "")
        self._mode.setToolTip(self._why_fallback or "")
        self._mode.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._mode.setVisible(not self._multimedia)

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.setSpacing(2)
        for w in (self._back_btn, self._play_btn, self._next_btn):
            bar.addWidget(w)
        # Tight gaps: the player's default width at 1280x800 must still show the
        # playhead and the clip's length (the short form drops the length).
        bar.addSpacing(4)
        bar.addWidget(self._time)
        bar.addSpacing(4)
        bar.addWidget(self._mode, 1)
        if self._multimedia:
            bar.addStretch(1)
        bar.addSpacing(4)
        bar.addWidget(self._speed_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(picture, 1)
        layout.addLayout(bar)
        self._update_labels()

    def _button(self, name: str, tip: str) -> QToolButton:
        b = QToolButton(self)
        b.setAccessibleName(name)
        b.setToolTip(tip)
        b.setIconSize(QSize(20, 20))
        b.setAutoRaise(True)
        return b

    def _update_labels(self) -> None:
        if not hasattr(self, "_time"):
            return
        loaded = self._path is not None
        for b in (self._play_btn, self._back_btn, self._next_btn):
            b.setEnabled(loaded)
        self._play_btn.setIcon(self._icons["pause" if self._playing else "play"])
        self._play_btn.setAccessibleName(self.tr("Pause") if self._playing else self.tr("Play"))
        if loaded:
            now = format_timecode(self.position_us(), self._rate)
            self._time.short = now
            self._time.setText(self.tr("{0} / {1}").format(
                now, format_timecode(self._duration_us, self._rate)))
        else:
            self._time.short = "--:--:--:--"
            self._time.setText(self.tr("--:--:--:-- / --:--:--:--"))
        speed = f"{abs(self._speed):g}"
        self._speed_label.setText(
            self.tr("◀ {0}×").format(speed) if self._speed < 0 else self.tr("{0}×").format(speed))

    # closing -------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop playback and the worker thread (waits for it); load() starts a new one."""
        self._halt()
        self._gen += 1
        self._path = None
        if self._multimedia:
            self._mp.stop()
            self._mp.setSource(QUrl())
        self._worker.stop()

    def changeEvent(self, event: QEvent) -> None:
        """A theme chosen at run time: the transport icons are drawn again in its colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_icons"):
            color = self.palette().buttonText().color()
            self._icons = {k: _icon(k, color) for k in self._icons}
            self._back_btn.setIcon(self._icons["prev"])
            self._next_btn.setIcon(self._icons["next"])
            self._mode._icon = _icon("muted", self.palette().windowText().color())
            self._mode.update()
            self._update_labels()

    def closeEvent(self, event: object) -> None:
        self.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]


if __name__ == "__main__":  # pragma: no cover - manual check: python -m studio.ui.player FILE
    import sys

    from studio.editor.probe import probe

    app = QApplication.instance() or QApplication(sys.argv)
    info = probe(sys.argv[1])
    w = Player()
    w.statusMessage.connect(print)
    w.load(sys.argv[1], info.duration, US / float(info.frame_rate or 30))
    w.resize(480, 720)
    w.show()
    app.exec()
