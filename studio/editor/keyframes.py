"""Keyframe and packet index of a video stream, read by demuxing only (never decoding).

Time convention (shared by :mod:`studio.editor.frames` and :mod:`studio.editor.thumbnails`):
**media time 0 is the presentation time of the video stream's first frame**
(the stream's ``start_time``; the first demuxed packet when the container has
none), so a file whose first pts is not 0 still reads 0 for its first frame.
A time in microseconds is ``ceil((pts - start_pts) * time_base * 1e6)``: the
exact time rounded UP. Hence, for any integer ``t_us``, ``time_us <= t_us``
exactly when the frame really starts at or before ``t_us``, a frame's own
``time_us`` names that frame (never the one before), and seeking ffmpeg to
``time_us / 1e6`` s lands on the keyframe itself, not the previous one. Ranges
are half-open: ``start_us <= time_us < end_us``. These times are relative to
the *video stream*; a tool that seeks relative to the container start (``ffmpeg
-ss``) must add :attr:`Timeline.start_us_in_container` first.

Only a window around the asked time is read: the stream is split into windows
of ``window_us`` that are loaded on demand (one seek, then demux until the
decode timestamp passes the window end) and widened, doubling, while they hold
no keyframe. Results are cached in memory per media fingerprint, bounded by
``max_media`` files (least recently used dropped first).

Threading: a :class:`PacketIndex` is safe to share between threads; an internal
lock serialises its calls (each holds the lock while it demuxes). The
module-level functions use one shared instance.
"""

from __future__ import annotations

import bisect
import math
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import av.error

from studio.editor.probe import ProbeError, probe
from studio.store.fingerprint import fingerprint

__all__ = [
    "Keyframe", "PacketIndex", "Timeline", "default_index", "frame_times_between",
    "has_reordering", "keyframe_after", "keyframe_at_or_after", "keyframe_at_or_before",
    "keyframes_between", "media_key", "open_video", "pts_to_us", "us_to_pts",
]

US = 1_000_000
REORDER_PACKETS = 64  # decode-order packets inspected by has_reordering
MAX_RUN = 64  # windows loaded by one seek at most


@dataclass(frozen=True)
class Keyframe:
    """A keyframe: its exact ``pts`` in ``time_base`` units, and ``time_us`` rounded up."""

    pts: int
    time_base: Fraction
    time_us: int
    start_pts: int = 0  # the pts of media time 0 in this stream

    @property
    def seconds(self) -> Fraction:
        """The exact media time in seconds (media time 0 = the first frame)."""
        return (self.pts - self.start_pts) * self.time_base


@dataclass(frozen=True)
class Timeline:
    """How a video stream's pts map to media time (see the module docstring)."""

    time_base: Fraction
    start_pts: int
    start_us_in_container: int  # media time 0 measured from the container's start time
    first_pts: int  # pts of the first packet in decode order (the first keyframe)

    def to_us(self, pts: int) -> int:
        return pts_to_us(pts, self.start_pts, self.time_base)

    def to_pts(self, t_us: int) -> int:
        return us_to_pts(t_us, self.start_pts, self.time_base)


def pts_to_us(pts: int, start_pts: int, time_base: Fraction) -> int:
    """Media time of ``pts`` in microseconds, rounded up (ceil)."""
    return math.ceil((pts - start_pts) * time_base * US)


def us_to_pts(t_us: int, start_pts: int, time_base: Fraction) -> int:
    """The largest pts whose media time (rounded up) is at or before ``t_us``."""
    return start_pts + math.floor(Fraction(t_us, US) / time_base)


# opening -------------------------------------------------------------------------------

_keys_lock = threading.Lock()
_keys: OrderedDict[tuple[str, int, int], str] = OrderedDict()


def media_key(path: str | os.PathLike) -> str:
    """The content fingerprint of ``path``, memoised by (path, size, mtime).

    Raises :class:`ProbeError` when the file is missing or unreadable.
    """
    p = Path(path)
    try:
        st = p.stat()
        memo = (str(p), st.st_size, st.st_mtime_ns)
        with _keys_lock:
            if memo in _keys:
                _keys.move_to_end(memo)
                return _keys[memo]
        key = fingerprint(p)
    except OSError as exc:
        raise unusable(p, exc) from exc
    with _keys_lock:
        _keys[memo] = key
        while len(_keys) > 1024:
            _keys.popitem(last=False)
    return key


def unusable(path: str | os.PathLike, exc: BaseException) -> ProbeError:
    """The specific :class:`ProbeError` for a file that failed to open or read."""
    try:
        probe(path)  # raises the precise error (missing, empty, truncated, ...)
    except ProbeError as err:
        return err
    name = Path(path).name
    why = getattr(exc, "strerror", None) or str(exc)
    return ProbeError("damaged", f"'{name}' could not be read as a video ({why}).",
                      path=str(path), hint="Export, download or copy it again.")


def open_video(path: str | os.PathLike) -> tuple[av.container.InputContainer, av.VideoStream]:
    """Open ``path`` and return it with its first real video stream; ProbeError if unusable."""
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, OSError) as exc:
        raise unusable(path, exc) from exc
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic and stream.codec_context:
            return container, stream
    container.close()
    raise unusable(path, ValueError("no decodable video stream"))


def read_timeline(container: av.container.InputContainer, stream: av.VideoStream) -> Timeline:
    """The timeline of ``stream`` in a container just opened (reads one packet)."""
    first = None
    try:
        for packet in container.demux(stream):
            if packet.size and (packet.pts is not None or packet.dts is not None):
                first = packet.pts if packet.pts is not None else packet.dts
                break
    except av.error.FFmpegError:
        pass
    tb = Fraction(stream.time_base) if stream.time_base else Fraction(1, US)
    start = stream.start_time if stream.start_time is not None else (first or 0)
    in_container = 0
    if container.start_time is not None:
        in_container = math.ceil(start * tb * US) - int(container.start_time)
    return Timeline(tb, start, in_container, first if first is not None else start)


# the index -----------------------------------------------------------------------------


@dataclass
class _Media:
    path: str  # the last path this content was asked for
    key: str
    timeline: Timeline
    window: int  # pts per window
    packets: dict[int, list[tuple[int, bool, bool]]] = field(default_factory=dict)
    last_window: int | None = None  # the window where the stream ends, once seen
    reordering: bool = False

    def window_of(self, pts: int) -> int:
        return (pts - self.timeline.start_pts) // self.window

    def window_start(self, w: int) -> int:
        return self.timeline.start_pts + w * self.window

    @property
    def first_window(self) -> int:
        return self.window_of(self.timeline.first_pts)


@dataclass
class _Open:
    container: av.container.InputContainer
    stream: av.VideoStream


class PacketIndex:
    """Keyframes and frame times of video files, read in windows and cached per fingerprint."""

    def __init__(self, *, window_us: int = 10 * US, max_media: int = 32, max_open: int = 2):
        self.window_us = window_us
        self.max_media = max_media
        self.max_open = max_open
        self._lock = threading.RLock()
        self._media: OrderedDict[str, _Media] = OrderedDict()
        self._open: OrderedDict[tuple[str, str], _Open] = OrderedDict()

    # public API ---------------------------------------------------------------------

    def timeline(self, path: str | os.PathLike, *, key: str | None = None) -> Timeline:
        with self._lock:
            return self._get(path, key).timeline

    def keyframes_between(
        self, path: str | os.PathLike, start_us: int, end_us: int, *, key: str | None = None
    ) -> list[Keyframe]:
        """Keyframes with ``start_us <= time_us < end_us``, in presentation order."""
        with self._lock:
            m = self._get(path, key)
            tl = m.timeline
            lo, hi = tl.to_pts(start_us - 1) + 1, tl.to_pts(end_us - 1) + 1  # pts range [lo, hi)
            return [self._kf(m, pts) for pts, key_, _ in self._packets(m, lo, hi) if key_]

    def frame_times_between(
        self, path: str | os.PathLike, start_us: int, end_us: int, *, key: str | None = None
    ) -> list[int]:
        """Start times (µs) of the shown frames with ``start_us <= time < end_us``, in order.

        Packets the demuxer marks as discarded (edit-list pre-roll) are not shown
        and are left out.
        """
        with self._lock:
            m = self._get(path, key)
            tl = m.timeline
            lo, hi = tl.to_pts(start_us - 1) + 1, tl.to_pts(end_us - 1) + 1
            return [tl.to_us(pts) for pts, _, discard in self._packets(m, lo, hi)
                    if not discard]

    def keyframe_at_or_before(
        self, path: str | os.PathLike, t_us: int, *, key: str | None = None
    ) -> Keyframe:
        """The last keyframe with ``time_us <= t_us`` (the first keyframe when none is)."""
        with self._lock:
            m = self._get(path, key)
            target = m.timeline.to_pts(t_us)
            w = m.window_of(target)
            span = 1
            while True:
                lo = m.window_start(w - span + 1)
                found = [p for p, k, _ in self._packets(m, lo, target + 1) if k]
                if found:
                    return self._kf(m, found[-1])
                if w - span + 1 <= m.first_window:
                    first = self._first_keyframe(m)
                    return self._kf(m, first)
                if m.last_window is not None and w > m.last_window:
                    w, span = m.last_window, 1  # asked past the end: start from the end
                else:
                    span *= 2

    def keyframe_at_or_after(
        self, path: str | os.PathLike, t_us: int, *, key: str | None = None
    ) -> Keyframe | None:
        """The first keyframe with ``time_us >= t_us``; None when the stream has none left."""
        with self._lock:
            m = self._get(path, key)
            return self._next_key(m, m.timeline.to_pts(t_us - 1) + 1)

    def keyframe_after(
        self, path: str | os.PathLike, t_us: int, *, key: str | None = None
    ) -> Keyframe | None:
        """The first keyframe with ``time_us > t_us`` (strictly after); None when none is."""
        with self._lock:
            m = self._get(path, key)
            return self._next_key(m, m.timeline.to_pts(t_us) + 1)

    def has_reordering(self, path: str | os.PathLike, *, key: str | None = None) -> bool:
        """True when decode order differs from presentation order (B-frames).

        Judged on the first windows of the stream (at least ``REORDER_PACKETS`` packets).
        """
        with self._lock:
            m = self._get(path, key)
            w = m.first_window
            seen = 0
            while not m.reordering and seen < REORDER_PACKETS:
                if m.last_window is not None and w > m.last_window:
                    break
                self._ensure(m, w, w)
                seen += len(m.packets.get(w, ()))
                w += 1
            return m.reordering

    def forget(self, key: str) -> None:
        with self._lock:
            self._media.pop(key, None)

    def close(self) -> None:
        """Close the containers kept open for demuxing (the cache stays)."""
        with self._lock:
            while self._open:
                _, entry = self._open.popitem()
                entry.container.close()

    def __enter__(self) -> PacketIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # internals ----------------------------------------------------------------------

    def _kf(self, m: _Media, pts: int) -> Keyframe:
        tl = m.timeline
        return Keyframe(pts, tl.time_base, tl.to_us(pts), tl.start_pts)

    def _get(self, path: str | os.PathLike, key: str | None) -> _Media:
        key = key or media_key(path)
        m = self._media.get(key)
        if m is None:
            entry = self._container(os.fspath(path), key)
            entry.container.seek(0)
            tl = read_timeline(entry.container, entry.stream)
            window = max(1, math.ceil(Fraction(self.window_us, US) / tl.time_base))
            m = _Media(os.fspath(path), key, tl, window)
            self._media[key] = m
            while len(self._media) > self.max_media:
                self._media.popitem(last=False)
        m.path = os.fspath(path)
        self._media.move_to_end(key)
        return m

    def _container(self, path: str, key: str) -> _Open:
        name = (path, key)  # a file changed in place gets a new key, so a new container
        entry = self._open.get(name)
        if entry is None:
            container, stream = open_video(path)
            entry = _Open(container, stream)
            self._open[name] = entry
            while len(self._open) > self.max_open:
                _, old = self._open.popitem(last=False)
                old.container.close()
        self._open.move_to_end(name)
        return entry

    def _first_keyframe(self, m: _Media) -> int:
        kf = self._next_key(m, m.timeline.first_pts)
        return kf.pts if kf is not None else m.timeline.first_pts

    def _next_key(self, m: _Media, lo: int) -> Keyframe | None:
        w, span = m.window_of(lo), 1
        while m.last_window is None or w <= m.last_window:
            hi = m.window_start(w + span)
            for pts, k, _ in self._packets(m, lo, hi):
                if k:
                    return self._kf(m, pts)
            lo, w, span = hi, w + span, span * 2
        return None

    def _packets(self, m: _Media, lo: int, hi: int) -> list[tuple[int, bool, bool]]:
        """(pts, keyframe, discard) of the packets with ``lo <= pts < hi``, sorted by pts."""
        if hi <= lo:
            return []
        first = max(m.window_of(lo), m.first_window)
        last = m.window_of(hi - 1)
        self._ensure(m, first, last)
        if m.last_window is not None:
            last = min(last, m.last_window)
        out: list[tuple[int, bool, bool]] = []
        for w in range(first, last + 1):
            rows = m.packets.get(w, [])
            a = bisect.bisect_left(rows, (lo, False, False))
            b = bisect.bisect_left(rows, (hi, False, False))
            out.extend(rows[a:b])
        return out

    def _ensure(self, m: _Media, first: int, last: int) -> None:
        """Load the missing windows of ``first..last``, one seek per contiguous run."""
        w = first
        while w <= last and (m.last_window is None or w <= m.last_window):
            if w in m.packets:
                w += 1
                continue
            run_end = w
            while run_end < last and run_end - w < MAX_RUN and run_end + 1 not in m.packets:
                run_end += 1
            self._load(m, w, run_end)
            w = run_end + 1

    def _load(self, m: _Media, first: int, last: int) -> None:
        lo, hi = m.window_start(first), m.window_start(last + 1)
        entry = self._container(m.path, m.key)
        container, stream = entry.container, entry.stream
        rows: dict[int, list[tuple[int, bool, bool]]] = {}
        target, step = lo, m.window
        try:
            while True:
                packets = self._demux_from(container, stream, target)
                head = next(packets, None)
                head_pts = None if head is None else _ts(head)
                # Landed after lo (B-frame keyframes are indexed by dts, or an
                # imprecise seek: MPEG-TS has no index and lands late, even at its
                # very start, or past its end): packets shown in [lo, head) came
                # earlier. Seek earlier, down to before the stream's first packet.
                landed_late = head is None or (head_pts is not None and head_pts > lo)
                if landed_late and target >= m.timeline.first_pts:
                    target, step = target - step, step * 2
                    continue
                break
            reached_end = True
            max_pts = None
            for packet in _chain(head, packets):
                dts = packet.dts if packet.dts is not None else packet.pts
                if dts is not None and dts >= hi:
                    reached_end = False
                    break
                pts = packet.pts
                if pts is None or not packet.size:
                    continue
                if max_pts is not None and pts < max_pts:
                    m.reordering = True
                max_pts = pts if max_pts is None else max(max_pts, pts)
                if lo <= pts < hi:
                    row = (pts, packet.is_keyframe, packet.is_discard)
                    rows.setdefault(m.window_of(pts), []).append(row)
        except av.error.FFmpegError as exc:
            raise ProbeError(
                "damaged", f"'{Path(m.path).name}' is damaged near "
                f"{_clock(m.timeline.to_us(lo))}: its packets cannot be read ({exc.strerror}).",
                path=m.path, hint="Export, download or copy it again.",
            ) from exc
        end = last
        if reached_end:  # the stream ends in this run: later windows are empty
            end = m.window_of(max_pts) if max_pts is not None else first - 1
            m.last_window = end if m.last_window is None else min(m.last_window, end)
        for w in range(first, min(end, last) + 1):
            m.packets[w] = sorted(rows.get(w, []))

    @staticmethod
    def _demux_from(container: av.container.InputContainer, stream: av.VideoStream, target: int):
        container.seek(target, backward=True, any_frame=False, stream=stream)
        return iter(container.demux(stream))


def _ts(packet: av.Packet) -> int | None:
    return packet.pts if packet.pts is not None else packet.dts


def _chain(head: av.Packet | None, rest):
    if head is not None:
        yield head
    yield from rest


def _clock(t_us: int) -> str:
    s = max(0, t_us) // US
    return f"{s // 60}:{s % 60:02d}"


# module-level functions on one shared index ------------------------------------------

_default: PacketIndex | None = None
_default_lock = threading.Lock()


def default_index() -> PacketIndex:
    """The process-wide index the module-level functions use (thread-safe)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = PacketIndex()
        return _default


def keyframes_between(path: str | os.PathLike, start_us: int, end_us: int) -> list[Keyframe]:
    return default_index().keyframes_between(path, start_us, end_us)


def keyframe_at_or_before(path: str | os.PathLike, t_us: int) -> Keyframe:
    return default_index().keyframe_at_or_before(path, t_us)


def keyframe_at_or_after(path: str | os.PathLike, t_us: int) -> Keyframe | None:
    return default_index().keyframe_at_or_after(path, t_us)


def keyframe_after(path: str | os.PathLike, t_us: int) -> Keyframe | None:
    return default_index().keyframe_after(path, t_us)


def frame_times_between(path: str | os.PathLike, start_us: int, end_us: int) -> list[int]:
    return default_index().frame_times_between(path, start_us, end_us)


def has_reordering(path: str | os.PathLike) -> bool:
    return default_index().has_reordering(path)
