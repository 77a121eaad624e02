"""Render one episode to a platform-ready MP4 (H.264 + AAC, faststart) by its plan.

COPY and SMART never decode what they can copy: the copied part starts at the
exact keyframe from the packet index, each part is cut by frame count, and the
parts are joined with ffmpeg's concat demuxer using exact durations. Every
render goes to a hidden temporary file that is renamed into place only after
the output's frame count and durations are verified against the plan; a
failed or cancelled render leaves nothing behind.

Runs on a worker thread; reports progress through a callback; never touches
widgets.
"""

from __future__ import annotations

import errno
import math
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import ffmpeg

from studio.domain.errors import UserError
from studio.domain.models import MediaInfo
from studio.domain.timecode import TimeRange
from studio.editor import keyframes
from studio.editor.cut_plan import CutPlan, CutPoints, Segment, Strategy
from studio.editor.ffmpeg_progress import FFmpegProgress
from studio.editor.ffmpeg_run import GLOBAL_ARGS, FFmpegError, compile_args, run_ffmpeg
from studio.editor.loudness import Loudness, measure, normalize_filter
from studio.editor.synth import ffmpeg_exe
from studio.i18n import decimal, tr
from studio.tasks import Cancelled, CancelToken, Progress, ProgressCallback, no_progress

US = 1_000_000


CUT_PRESET = "superfast"  # x264 preset of the re-encoded frames of a smart cut (at a low CRF)


class RenderError(UserError):
    """A render failed or its output did not match the plan."""


def _s(us: float) -> str:
    return f"{float(us) / US:.6f}"


def _say_s(us: float) -> str:
    """Seconds with milliseconds, for a message (``1.250``, ``1,250`` in French)."""
    return decimal(f"{us / US:.3f}")


def cut_points(path: str | Path, info: MediaInfo, trim: TimeRange, *,
               decode_order: bool = True) -> CutPoints:  # fmt: skip
    """Read, from the packet index, where the trim falls relative to frames and keyframes.

    ``decode_order`` also reads, for a B-frame source, how far the copy can run
    into the last keyframe interval (``CutPoints.copyable_to``): one GOP demuxed.
    """
    rate = info.frame_rate or Fraction(30)
    fd = Fraction(US) / rate
    index = keyframes.default_index()
    around_in = index.frame_times_between(path, max(0, trim.start - 2 * US), trim.start + 1)
    in_frame = max((t for t in around_in if t <= trim.start), default=0)
    after_out = index.frame_times_between(path, trim.end, trim.end + 2 * US)
    if after_out:
        out_end = after_out[0]
    else:  # the trim runs to the end: the last frame lasts one frame duration
        before = index.frame_times_between(path, max(0, trim.end - 2 * US), trim.end)
        out_end = (before[-1] + round(fd)) if before else trim.end
        if before and info.duration > before[-1]:
            out_end = min(out_end, info.duration)  # µs rounding must not pass the end
    media_end = out_end if not after_out else max(info.duration, out_end)
    k_before_in = index.keyframe_at_or_before(path, in_frame).time_us
    k_after_in = index.keyframe_at_or_after(path, in_frame)
    k_before_out = index.keyframe_at_or_before(path, out_end - 1).time_us
    k_at_out = index.keyframe_at_or_after(path, out_end)
    out_on_keyframe = k_at_out is not None and k_at_out.time_us == out_end
    reordering = index.has_reordering(path)
    copyable_to = None
    if decode_order and reordering and after_out and not out_on_keyframe:
        copyable_to = _copyable_to(path, k_before_out, out_end)
    timeline = index.timeline(path)
    # A copy starts at the first keyframe at or after the in point.
    open_gop = bool(decode_order and info.video_codec == "h264" and k_after_in
                    and k_after_in.time_us < out_end and not _is_idr(path, k_after_in.time_us))
    return CutPoints(
        in_frame=in_frame, out_end=out_end, key_before_in=k_before_in,
        key_after_in=k_after_in.time_us if k_after_in and k_after_in.time_us < out_end else None,
        key_before_out=k_before_out, reordering=reordering,
        media_end=media_end, frame_duration=fd, out_on_keyframe=out_on_keyframe,
        copyable_to=copyable_to, open_gop=open_gop,
        pre_roll=timeline.first_pts < timeline.start_pts,
    )  # fmt: skip


def _is_idr(path: str | Path, time_us: int) -> bool:
    """Whether the H.264 keyframe shown at ``time_us`` is an IDR picture, after which
    no frame refers to an earlier one (an open-GOP I frame is not). True when unsure."""
    try:
        container, stream = keyframes.open_video(path)
    except UserError:
        return True
    timeline = keyframes.default_index().timeline(path)
    target = timeline.to_pts(time_us)
    with container:
        extra = stream.codec_context.extradata or b""
        length = (extra[4] & 3) + 1 if len(extra) > 4 and extra[0] == 1 else None  # avcC
        try:
            container.seek(target, stream=stream, backward=True, any_frame=False)
            for packet in container.demux(stream):
                if packet.pts == target and packet.size:
                    return 5 in _nal_types(bytes(packet), length)
                if packet.pts is not None and packet.pts > target + round(10 / timeline.time_base):
                    break  # 10 s past it: not found
        except av.error.FFmpegError:
            pass
    return True


def _nal_types(data: bytes, length: int | None) -> set[int]:
    """The NAL unit types in an H.264 packet: length-prefixed (MP4, Matroska: ``length``
    bytes per size) or with start codes (``length`` None, MPEG-TS)."""
    types = set()
    if length is None:
        i = data.find(b"\x00\x00\x01")
        while i != -1 and i + 3 < len(data):
            types.add(data[i + 3] & 0x1F)
            i = data.find(b"\x00\x00\x01", i + 3)
        return types
    i = 0
    while i + length < len(data):
        size = int.from_bytes(data[i:i + length], "big")
        types.add(data[i + length] & 0x1F)
        i += length + size
    return types


def _copyable_to(path: str | Path, key_us: int, out_end: int) -> int | None:
    """The end of the longest run of frames from the keyframe at ``key_us`` that are
    also the first packets in decode order (so they decode without any later frame),
    within ``[key_us, out_end)``; None when the packets cannot be read.

    With B-frames, a P frame is decoded before the B frames shown ahead of it: a
    run may end only where every frame decoded so far is shown before every
    frame still to come.
    """
    index = keyframes.default_index()
    shown = index.frame_times_between(path, key_us, out_end)
    timeline = index.timeline(path)
    try:
        container, stream = keyframes.open_video(path)
    except UserError:
        return None
    with container:
        try:
            return _longest_prefix(container, stream, timeline, key_us, out_end, shown)
        except av.error.FFmpegError:
            return None  # damaged: the render itself will say so; copy no further


def _longest_prefix(container, stream, timeline, key_us, out_end, shown) -> int | None:
    best = None
    container.seek(timeline.to_pts(key_us), stream=stream, backward=True, any_frame=False)
    started, count, latest = False, 0, -1
    for packet in container.demux(stream):
        if packet.pts is None or not packet.size or packet.is_discard:
            continue
        t = timeline.to_us(packet.pts)
        if not started:
            started = packet.is_keyframe and t == key_us
            if not started:
                if t > key_us + 10 * US:
                    return None
                continue
        if t < key_us or t >= out_end:
            break  # a leading frame of an open GOP, or one shown after the cut
        count, latest = count + 1, max(latest, t)
        if count > len(shown):
            break
        if latest == shown[count - 1]:  # the first `count` decoded = the first shown
            best = shown[count] if count < len(shown) else out_end
            if count == len(shown):
                break
    return best


def snap_trim(path: str | Path, info: MediaInfo, trim: TimeRange) -> TimeRange:
    """The trim moved onto frame boundaries, as the render will cut it.

    The in point becomes the start of the frame on screen at it; the out point
    the end of the frame on screen just before it. Storing snapped trims makes
    an episode's duration exactly that of its rendered file.
    """
    c = cut_points(path, info, trim, decode_order=False)
    return TimeRange(c.in_frame, c.out_end)


@dataclass(frozen=True)
class RenderResult:
    path: Path
    frames: int
    duration_us: int
    audio_duration_us: int | None
    size: int


class _Steps:
    """Turns the progress of ffmpeg steps, some running at the same time, into one.

    Each step has a weight; its share is its weight times how far it is.
    """

    def __init__(self, progress: ProgressCallback, weights: list[float], label: str) -> None:
        self.progress, self.weights, self.label = progress, weights, label
        self.total = sum(weights) or 1.0
        self.done = [0.0] * len(weights)
        self._lock = threading.Lock()

    def callback(self, step: int, length_us: int) -> Callable[[FFmpegProgress], None]:
        def on(p: FFmpegProgress) -> None:
            self._set(step, 1.0 if p.done else min(1.0, p.out_time_us / max(1, length_us)))

        return on

    def finish(self, step: int) -> None:
        self._set(step, 1.0)

    def finish_all(self) -> None:
        with self._lock:
            self.done = [1.0] * len(self.weights)
        self._set(0, 1.0)

    def restart(self) -> None:
        with self._lock:
            self.done = [0.0] * len(self.weights)
        self._set(0, 0.0)

    def _set(self, step: int, fraction: float) -> None:
        with self._lock:
            self.done[step] = max(self.done[step], fraction)
            value = sum(w * f for w, f in zip(self.weights, self.done, strict=True))
        self.progress(Progress(value, self.total, self.label))


def render(
    source: str | Path,
    info: MediaInfo,
    plan: CutPlan,
    dest: str | Path,
    *,
    loudness: Loudness | None = None,
    settings=None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    label: str | None = None,
) -> RenderResult:
    """Render ``plan`` of ``source`` to ``dest``; verify it; return what was written."""
    from studio.editor.cut_plan import RenderSettings

    settings = settings or RenderSettings()
    src, dest = Path(source), Path(dest)
    label = tr("{what} (from {source})").format(what=label or dest.name, source=src.name)
    if not src.is_file():
        raise RenderError(tr("Cannot render {what}: the source {path} is missing.").format(
            what=label, path=src))
    dest.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]
    part = dest.with_name(f".{dest.stem}.{token}.part.mp4")
    work = dest.with_name(f".{dest.stem}.{token}.work")
    try:
        offset = keyframes.default_index().timeline(src).start_us_in_container
    except UserError as exc:
        raise RenderError(tr("Cannot render {what}: {error}").format(what=label, error=exc)) \
            from exc
    try:
        audio_filter = None
        if plan.audio == "encode" and settings.normalize_loudness:
            loudness = loudness or measure(src, plan.start + offset, plan.duration, cancel=cancel)
            audio_filter = normalize_filter(loudness, settings.target_lufs, settings.true_peak_db)
        if plan.strategy is Strategy.REENCODE:
            _reencode(src, info, plan, part, offset, audio_filter, settings, progress, cancel,
                      label)  # fmt: skip
            result = verify(part, plan, label)
        else:
            work.mkdir()
            if not info.container_names & MP4_FAMILY:
                # Matroska, MPEG-TS...: seeks land on earlier keyframes and decode
                # times are guessed, so cut a stream-copied MP4 of the same frames.
                src = _as_mp4(src, work / "source.mp4", cancel, label)
                offset = keyframes.default_index().timeline(src).start_us_in_container
            result = _copy_or_smart(src, plan, part, work, offset, audio_filter, settings,
                                    progress, cancel, label)  # fmt: skip
        part.replace(dest)
        return RenderResult(dest, result.frames, result.duration_us, result.audio_duration_us,
                            dest.stat().st_size)  # fmt: skip
    finally:
        part.unlink(missing_ok=True)
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


MP4_FAMILY = {"mov", "mp4"}  # the containers stream copy cuts straight from


def _as_mp4(src: Path, dest: Path, cancel, label: str) -> Path:
    """The video and first sound of ``src`` stream-copied into an MP4 (same frames and
    times: media time 0 is still the first video frame)."""
    inp = ffmpeg.input(str(src))
    streams = [inp["v:0"], inp["a:0?"]]
    out = ffmpeg.output(*streams, str(dest), c="copy", f="mp4")
    run_ffmpeg(compile_args(out), what=tr("Preparing {what}").format(what=label), cancel=cancel)
    return dest


def _audio_args(plan: CutPlan, settings, audio_filter) -> tuple[dict, object | None]:
    if plan.audio == "none":
        return {}, None
    if plan.audio == "copy":
        return {"acodec": "copy"}, None
    return {"acodec": "aac", "audio_bitrate": settings.audio_bitrate, "ar": 48000, "ac": 2}, \
        audio_filter  # fmt: skip


def _copy_or_smart(src, plan, part, work, offset, audio_filter, settings, progress, cancel,
                   label) -> _Verified:  # fmt: skip
    fd = Fraction(US) / plan.output.frame_rate
    half = fd / 2
    # Steps: one per segment (parts made), then the join (the last).
    weights = [max(0.05, (s.end - s.start) / US / (6.0 if s.mode == "encode" else 200.0))
               for s in plan.segments] + [plan.duration / US / 150.0]  # fmt: skip
    single_copy = len(plan.segments) == 1 and plan.segments[0].mode == "copy"
    steps = _Steps(progress, [1.0] if single_copy else weights, label)
    audio_kwargs, _ = _audio_args(plan, settings, audio_filter)

    def audio_of(stream):
        if plan.audio == "none":
            return []
        aud = stream["a:0"]
        if plan.audio == "encode" and audio_filter:
            aud = aud.filter("loudnorm", **audio_filter).filter("aresample", 48000)
        return [aud]

    if single_copy:
        # One pass over one input: picture and sound are read together.
        seg = plan.segments[0]
        inp = _keyframe_input(src, seg.start + offset, half)
        out = ffmpeg.output(inp["v:0"], *audio_of(inp), str(part), vcodec="copy", f="mp4",
                            movflags="+faststart", t=_s(plan.duration),
                            **{"frames:v": seg.frames}, **audio_kwargs)  # fmt: skip
        run_ffmpeg(compile_args(out), what=tr("Copying {what}").format(what=label), cancel=cancel,
                   on_progress=steps.callback(0, plan.duration))  # fmt: skip
        steps.finish(0)
        return verify(part, plan, label)
    # Fast path: only the partial GOPs are made (at the same time); the concat
    # demuxer reads the copied part straight from the source, between its exact
    # keyframes, so the long middle is read once. If the result does not match
    # the plan (a source whose timestamps defeat the out point), the safe path
    # copies the middle to a file of its own first.
    try:
        _smart_join(src, plan, part, work, offset, half, settings, cancel, label, steps,
                    audio_of, audio_kwargs, direct=True)  # fmt: skip
        return verify(part, plan, label, timestamps=True)
    except (RenderError, FFmpegError, _DirectJoinUnfit):
        part.unlink(missing_ok=True)
        steps.restart()
    _smart_join(src, plan, part, work, offset, half, settings, cancel, label, steps, audio_of,
                audio_kwargs, direct=False)  # fmt: skip
    return verify(part, plan, label, timestamps=True)


class _DirectJoinUnfit(Exception):
    """The direct join cannot express this plan; the safe path will make it."""


def _concat_path(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"


def _smart_join(src, plan, part, work, offset, half, settings, cancel, label, steps, audio_of,
                audio_kwargs, *, direct: bool) -> None:  # fmt: skip
    """Make the parts (in parallel), and join them with the concat demuxer.

    The parts are MP4 files in the source's own time base: the concat demuxer
    does not convert timestamps between files, so a part in another time base
    (MPEG-TS's 90 kHz) would garble the times of everything after it.

    On the direct path (POSIX), the join starts with the parts: it reads each
    part through a named pipe, poured in once that part is made, so the join
    starts up while the parts are made and copies the middle while the tail is.
    """
    jobs = [(i, seg) for i, seg in enumerate(plan.segments)
            if seg.mode == "encode" or not direct]  # fmt: skip
    pieces = {i: work / f"part{i:02d}.mp4" for i, _seg in jobs}
    pipes = _make_pipes(work, pieces) if direct else {}
    piped = bool(pipes)
    listing = _join_listing(src, plan, work, offset, half, pipes or pieces, direct)
    timing = _part_timing(src, plan)
    stop = _LinkedCancel(cancel)  # a failed part stops the others, not the caller's work
    with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
        futures = {
            i: pool.submit(_render_segment, src, seg, pieces[i], offset, half, settings, stop,
                           label, steps.callback(i, seg.end - seg.start), timing)
            for i, seg in jobs
        }  # fmt: skip
        if not piped:
            try:
                for i, f in futures.items():
                    f.result()
                    steps.finish(i)
            except BaseException:
                stop.cancel()  # stop the other parts too
                raise
            _run_join(src, plan, part, listing, offset, audio_of, audio_kwargs, stop, label,
                      steps)  # fmt: skip
            return
        joined = threading.Event()
        feeders = [threading.Thread(target=_feed_pipe, daemon=True,
                                    args=(futures[i], pieces[i], pipes[i], stop, joined))
                   for i in futures]  # fmt: skip
        for feeder in feeders:
            feeder.start()
        try:
            _run_join(src, plan, part, listing, offset, audio_of, audio_kwargs, stop, label,
                      steps)  # fmt: skip
        except BaseException:
            stop.cancel()  # the parts are not needed any more (or one of them failed)
            joined.set()
            for feeder in feeders:
                feeder.join()
            for f in futures.values():  # a part's own failure says more than "cancelled"
                failed = f.exception()
                if failed is not None and not isinstance(failed, Cancelled):
                    raise failed from None
            raise
        joined.set()
        for feeder in feeders:
            feeder.join()
        for i, f in futures.items():
            f.result()
            steps.finish(i)


def _make_pipes(work: Path, pieces: dict[int, Path]) -> dict[int, Path]:
    """A named pipe per part, beside it; none where the OS or the file system has no
    named pipes (Windows; exFAT drives, network shares), and the join then waits."""
    if not pieces or not hasattr(os, "mkfifo"):
        return {}
    pipes = {}
    try:
        for i in pieces:
            pipes[i] = work / f"part{i:02d}.pipe"
            os.mkfifo(pipes[i])
    except OSError:
        for pipe in pipes.values():
            pipe.unlink(missing_ok=True)
        return {}
    return pipes


def _join_listing(src, plan, work, offset, half, made, direct) -> Path:
    """The concat demuxer's list: the parts made (``made``: segment -> path), and the
    copied parts straight from the source, between exact in and out points."""
    fd = half * 2
    lines = []
    for i, seg in enumerate(plan.segments):
        seconds = float(Fraction(seg.frames) * fd / US)
        if i in made:
            lines.append(f"file {_concat_path(made[i])}\nduration {seconds:.6f}\n")
            continue
        entry = f"file {_concat_path(src.resolve())}\ninpoint {_s(seg.start + offset)}\n"
        # The demuxer stops at the first packet whose DECODE time reaches the out
        # point: aim half a frame before the decode time of the first packet shown
        # at or after the part's end (a keyframe, or the P frame that ends a run
        # of B-frames). At the media's end there is none and nothing to stop.
        dts = _first_dts_at_or_after(src, seg.end)
        if dts is not None:
            if dts - half <= seg.start:
                # A copy shorter than the B-frame delay: the frame after it is
                # decoded before the part's first is shown, so no out point
                # separates them. The safe path counts frames instead.
                raise _DirectJoinUnfit()
            entry += f"outpoint {_s(dts + offset - half)}\n"
        lines.append(entry + f"duration {seconds:.6f}\n")
    listing = work / ("direct.txt" if direct else "parts.txt")
    listing.write_text("ffconcat version 1.0\n" + "".join(lines))
    return listing


def _run_join(src, plan, part, listing, offset, audio_of, audio_kwargs, cancel, label,
              steps) -> None:  # fmt: skip
    vid = ffmpeg.input(str(listing), f="concat", safe=0)["v:0"]
    src_audio = ffmpeg.input(str(src), ss=_s(plan.start + offset), t=_s(plan.duration))
    # -t also ends the sound with the picture (a filter such as loudnorm may pad it).
    out = ffmpeg.output(vid, *audio_of(src_audio), str(part), vcodec="copy", f="mp4",
                        movflags="+faststart", t=_s(plan.duration), **audio_kwargs)  # fmt: skip
    join = len(plan.segments)  # the join is the last step
    run_ffmpeg(compile_args(out), what=tr("Joining {what}").format(what=label), cancel=cancel,
               on_progress=steps.callback(join, plan.duration))  # fmt: skip
    steps.finish_all()  # the join also copied the parts it read from the source


def _feed_pipe(made, piece: Path, pipe: Path, stop: CancelToken, joined: threading.Event) -> None:
    """Once the part ``made`` is done, pour ``piece`` into ``pipe`` when the join opens it."""
    try:
        made.result()
    except BaseException:
        stop.cancel()  # the join would wait for this pipe for ever
        return
    while True:
        if stop.cancelled or joined.is_set():
            return  # the join ended (or failed) before it needed the part
        try:
            fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: nobody reads it yet
                stop.cancel()
                return
            time.sleep(0.002)
    try:
        os.set_blocking(fd, True)
        with os.fdopen(fd, "wb") as out, piece.open("rb") as data:
            shutil.copyfileobj(data, out, 1 << 20)
    except OSError:
        pass  # the join went away (it failed or was cancelled): it says why


class _LinkedCancel(CancelToken):
    """Cancelled when the caller cancels, or when another part of the same render fails."""

    def __init__(self, parent: CancelToken | None) -> None:
        super().__init__()
        self._parent = parent

    @property
    def cancelled(self) -> bool:
        return self._event.is_set() or (self._parent is not None and self._parent.cancelled)

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()


@dataclass(frozen=True)
class _PartTiming:
    """What the parts of a smart cut share with the source so that they join cleanly."""

    timescale: int  # ticks per second of the source's video time base
    decode_delay_us: int  # see _decode_delay_us


def _part_timing(src: Path, plan: CutPlan) -> _PartTiming:
    timeline = keyframes.default_index().timeline(src)
    tb = timeline.time_base
    timescale = tb.denominator if tb.numerator == 1 else 90_000
    return _PartTiming(timescale, _decode_delay_us(src, plan))


def _first_dts_at_or_after(src: Path, time_us: int) -> int | None:
    """The decode time (media µs, may be below its pts) of the first packet, in decode
    order from the keyframe at or before ``time_us``, shown at or after ``time_us``;
    None when the stream ends before."""
    times = _first_packet_at_or_after(src, time_us)
    return None if times is None else times[1]


def _decode_delay_us(src: Path, plan: CutPlan) -> int:
    """How far, in µs, the source's decode times run behind its presentation times
    (B-frames: usually one or two frames; 0 without reordering), read at the first
    copied keyframe.

    The re-encoded parts (no B-frames) get their decode times moved back by as
    much, so that decode times run evenly through the joined file: the copied
    frames keep theirs, and the MP4's duration then comes out right wherever
    the copy stops (a file whose decode times start at 0 but end two frames
    behind would be two frames short).
    """
    copied = next((s for s in plan.segments if s.mode == "copy"), None)
    if copied is None:
        return 0
    times = _first_packet_at_or_after(src, copied.start)
    return 0 if times is None else max(0, times[0] - times[1])


def _first_packet_at_or_after(src: Path, time_us: int) -> tuple[int, int] | None:
    """(pts, dts) in media µs of the first packet, in decode order from the keyframe at
    or before ``time_us``, shown at or after ``time_us``."""
    timeline = keyframes.default_index().timeline(src)
    target = timeline.to_pts(time_us)

    def us(ts: int) -> int:
        return math.floor((ts - timeline.start_pts) * timeline.time_base * US)

    with av.open(str(src)) as c:
        stream = c.streams.video[0]
        c.seek(target, stream=stream, backward=True, any_frame=False)
        for packet in c.demux(stream):
            if packet.pts is None or packet.dts is None or not packet.size:
                continue
            if packet.pts >= target:
                return us(packet.pts), us(packet.dts)
    return None


def _keyframe_input(src: Path, keyframe_us: int, half):
    """The source opened for stream copy from the keyframe at ``keyframe_us``.

    The seek aims half a frame past the keyframe, so the demuxer lands on that
    keyframe and never on the one before (a rounded time would); ``itsoffset``
    gives the half frame back, so the keyframe's timestamp is exactly 0 rather
    than slightly negative (which an MP4 edit list would hide, dropping it).
    """
    return ffmpeg.input(str(src), ss=_s(keyframe_us + half), itsoffset=_s(half))


def _render_segment(src, seg: Segment, piece: Path, offset, half, settings, cancel, label,
                    on_progress, timing: _PartTiming) -> None:  # fmt: skip
    # faststart: the join may read the part through a pipe, where the index must come first.
    part_args = {"f": "mp4", "video_track_timescale": timing.timescale, "movflags": "+faststart"}
    if seg.mode == "copy":
        inp = _keyframe_input(src, seg.start + offset, half)
        out = ffmpeg.output(inp["v:0"], str(piece), vcodec="copy", **part_args,
                            **{"frames:v": seg.frames})  # fmt: skip
        what = tr("Copying part of {what}").format(what=label)
    elif seg.start_on_keyframe:
        # Starts on a keyframe (the tail of a smart cut): seek to it and keep
        # everything decoded from there, rather than decode a GOP to discard it.
        inp = ffmpeg.input(str(src), ss=_s(seg.start + offset + half), noaccurate_seek=None)
    else:
        # Accurate seek: decode from the keyframe before, keep frames from seg.start on.
        inp = ffmpeg.input(str(src), ss=_s(seg.start + offset - half))
    if seg.mode == "encode":
        if timing.decode_delay_us > 0:  # decode times behind, as in the copied frames
            part_args["bsf:v"] = f"setts=dts=DTS-round({timing.decode_delay_us / US:.6f}/TB)"
        out = ffmpeg.output(
            # A few dozen frames at most: a faster preset at a lower CRF keeps the
            # quality of the copied frames around them at a fraction of the time.
            # Parameter sets in every keyframe: the joined file switches between
            # the source's and these.
            inp["v:0"], str(piece), vcodec="libx264", preset=CUT_PRESET,
            crf=max(12, settings.crf - 4), pix_fmt="yuv420p", bf=0, **part_args,
            **{"frames:v": seg.frames, "x264-params": "repeat-headers=1"},
        )  # fmt: skip
        what = tr("Re-encoding a cut of {what}").format(what=label)
    run_ffmpeg(compile_args(out), what=what, cancel=cancel, on_progress=on_progress)


def _reencode(src, info, plan, part, offset, audio_filter, settings, progress, cancel,
              label) -> None:  # fmt: skip
    from studio.editor import reframe as reframe_mod

    out = plan.output
    steps = _Steps(progress, [1.0], label)
    rate = out.frame_rate
    rate_s = f"{rate.numerator}/{rate.denominator}"
    # Nearest rounding: output frame k shows the source frame on screen in the
    # middle of its interval (the least temporal error when the rate changes).
    chain = f"[0:v:0]fps=fps={rate_s}:round=near[vfps];"
    if out.reframe != "none":
        w, h = info.display_size or (info.width, info.height)
        track = None
        if out.reframe == "follow_faces":
            track = reframe_mod.track_faces(src, plan.start, plan.end, cancel=cancel)
        chain += reframe_mod.reframe_filter(out.reframe, w, h, out.width, out.height,
                                            track=track, inp="vfps", out="vsized")  # fmt: skip
    else:
        chain += (f"[vfps]scale={out.width}:{out.height}:flags=lanczos,setsar=1[vsized]")
    chain += ";[vsized]format=yuv420p[vout]"
    argv = [ffmpeg_exe(), *GLOBAL_ARGS, "-y", "-ss", _s(plan.start + offset - 500), "-i", str(src),
            "-filter_complex", chain, "-map", "[vout]"]  # fmt: skip
    if plan.audio != "none":
        argv += ["-map", "0:a:0"]
        if audio_filter:
            af = ",".join([
                "loudnorm=" + ":".join(f"{k}={v}" for k, v in audio_filter.items()),
                "aresample=48000",
            ])  # fmt: skip
            argv += ["-af", af]
        argv += ["-c:a", "aac", "-b:a", settings.audio_bitrate, "-ar", "48000", "-ac", "2"]
    argv += [
        "-frames:v", str(plan.frames), "-t", _s(plan.duration),
        "-c:v", "libx264", "-preset", settings.preset, "-crf", str(settings.crf),
        "-profile:v", "high", "-r", rate_s, "-movflags", "+faststart", "-f", "mp4", str(part),
    ]  # fmt: skip
    run_ffmpeg(argv, what=tr("Re-encoding {what}").format(what=label), cancel=cancel,
               on_progress=steps.callback(0, plan.duration))  # fmt: skip
    steps.finish(0)


@dataclass(frozen=True)
class _Verified:
    frames: int
    duration_us: int
    audio_duration_us: int | None


def verify(path: Path, plan: CutPlan, label: str, *, timestamps: bool = False) -> _Verified:
    """Check a rendered file against its plan: frame count, duration, A/V agreement.

    ``timestamps`` also checks, around each join, that the frames follow each
    other one frame duration apart.
    """
    fd = Fraction(US) / plan.output.frame_rate
    gap = None
    try:
        with av.open(str(path)) as c:
            v = c.streams.video[0]
            frames = v.frames or sum(1 for p in c.demux(v) if p.size)
            if timestamps:
                joins = [sum(s.frames for s in plan.segments[:i]) for i in
                         range(1, len(plan.segments))] + [plan.frames - 1]  # fmt: skip
                gap = _uneven_frame(c, v, fd, [round(n * fd) for n in joins])
            # A file whose edit list shows nothing has frames but no duration.
            vdur = round(v.duration * v.time_base * US) if v.duration else 0
            vstart = round(v.start_time * v.time_base * US) if v.start_time else 0
            adur = astart = None
            if c.streams.audio:
                a = c.streams.audio[0]
                adur = round(a.duration * a.time_base * US) if a.duration else None
                astart = round(a.start_time * a.time_base * US) if a.start_time else 0
    except (av.error.FFmpegError, IndexError) as exc:
        raise RenderError(tr("The render of {what} is unreadable: {error}.").format(
            what=label, error=exc)) from exc
    if frames != plan.frames:
        raise RenderError(
            tr("The render of {what} has {frames} frames; the plan asked for {planned}.").format(
                what=label, frames=frames, planned=plan.frames)
        )
    if gap is not None:
        raise RenderError(
            tr("The render of {what} has a frame {seconds} s after the one before it, "
               "instead of one frame duration.").format(what=label, seconds=_say_s(gap))
        )  # fmt: skip
    if abs(vdur - plan.duration) > fd:
        raise RenderError(
            tr("The render of {what} lasts {seconds} s instead of {planned} s.").format(
                what=label, seconds=_say_s(vdur), planned=_say_s(plan.duration))
        )
    if plan.audio != "none":
        if adur is None:
            raise RenderError(tr("The render of {what} lost its sound.").format(what=label))
        # Sound that starts later than the picture (as in the source) must end with it.
        ends_apart = abs((astart or 0) + adur - (vstart + vdur))
        if abs(adur - vdur) > fd and ends_apart > fd:
            raise RenderError(
                tr("In the render of {what}, sound ({sound} s) and picture ({picture} s) differ "
                   "by more than a frame.").format(what=label, sound=_say_s(adur),
                                                   picture=_say_s(vdur))
            )
    return _Verified(frames, vdur, adur)


def _uneven_frame(container, stream, fd: Fraction, joins: list[int]) -> int | None:
    """The first step between consecutive frame times (µs) near a join (or the end)
    that is not one frame duration (within a tick of the time base or 1 ms); None
    when every step there is one.

    Joins are where frame times go wrong (a part in another time base, a
    decode delay that differs): the second or so around each is read from
    the packets; the rest of a copied part keeps the source's own times.
    """
    tb = stream.time_base
    tick = float(tb * US)
    step = float(fd) / tick
    first = None
    for join in joins:
        target = round(Fraction(join, US) / tb)
        container.seek(max(0, target - round(Fraction(US, 2) / tb / US)), stream=stream,
                       backward=True, any_frame=False)  # fmt: skip
        pts: list[int] = []
        for packet in container.demux(stream):
            if packet.pts is None or not packet.size:
                continue
            if first is None:
                first = packet.pts  # the seek to 0 lands on the first frame
            if packet.dts is not None and packet.dts > target + round(Fraction(1) / tb):
                break
            pts.append(packet.pts)
        pts.sort()
        # Frames at the edges of what was read may still be missing (B-frames).
        lo, hi = target - round(Fraction(1, 2) / tb), target + round(Fraction(1, 2) / tb)
        near = [t for t in pts if lo <= t <= hi]
        for a, b in zip(near, near[1:], strict=False):
            # Within a tick, or a millisecond (Matroska rounds times to it).
            if abs((b - a) - step) * tick > max(tick, 1000.0) + float(fd) / 100:
                return round((b - a) * tick)
    return None
