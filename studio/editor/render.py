"""Render one episode to a platform-ready MP4 (H.264 + AAC, faststart) by its plan.

COPY and SMART never decode what they can copy: the copied part starts at the
exact keyframe from the packet index. COPY is one stream copy; SMART is in
smart_cut.py; REENCODE scales, reframes, fixes rotation and frame rate.
Sources in containers other than MP4/MOV are first stream-copied into an MP4.
Every render goes to a hidden temporary file that is renamed into place only
after the output's frame count, frame times and durations are verified
against the plan; a failed or cancelled render leaves nothing behind. Where a
trim falls in the frames is cut_points.py.

Runs on a worker thread; reports progress through a callback; never touches
widgets.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

import av
import ffmpeg

from studio.domain.errors import UserError
from studio.domain.models import MediaInfo
from studio.editor import keyframes, smart_cut
from studio.editor.cut_plan import CutPlan, Strategy
from studio.editor.ffmpeg_progress import FFmpegProgress
from studio.editor.ffmpeg_run import (
    GLOBAL_ARGS,
    DiskFull,
    FFmpegError,
    compile_args,
    fftime,
    run_ffmpeg,
)
from studio.editor.loudness import Loudness, measure, normalize_filter
from studio.editor.synth import ffmpeg_exe
from studio.i18n import decimal, tr
from studio.tasks import CancelToken, Progress, ProgressCallback, no_progress

US = 1_000_000


class RenderError(UserError):
    """A render failed or its output did not match the plan."""


def _say_s(us: float) -> str:
    """Seconds with milliseconds, for a message (``1.250``, ``1,250`` in French)."""
    return decimal(f"{us / US:.3f}")


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
    # Absolute: ffmpeg reads the paths in a concat list relative to the list's folder.
    src, dest = Path(source).absolute(), Path(dest).absolute()
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
            if plan.audio == "copy" and _sound_ends_early(src, plan, offset):
                # Copied sound cannot be lengthened: encode it, and silence ends it.
                plan = replace(plan, audio="encode")
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


def _sound_ends_early(src: Path, plan: CutPlan, offset: int) -> bool:
    """Whether the first sound of ``src`` (an MP4: its tracks state their length) ends
    more than half a frame before the plan's out point, as in screen recordings and
    camera files whose sound stops a little before the picture."""
    half = Fraction(US) / plan.output.frame_rate / 2
    with av.open(str(src)) as c:
        if not c.streams.audio or not c.streams.audio[0].duration:
            return False
        a = c.streams.audio[0]
        end = ((a.start_time or 0) + a.duration) * a.time_base * US
    return end < plan.end + offset - half


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
        if plan.audio == "encode":
            if audio_filter:
                aud = aud.filter("loudnorm", **audio_filter).filter("aresample", 48000)
            # Sound that ends before the picture is ended with silence (-t stops it).
            aud = aud.filter("apad")
        return [aud]

    if single_copy:
        # One pass over one input: picture and sound are read together.
        seg = plan.segments[0]
        inp = smart_cut.keyframe_input(src, seg.start + offset, half)
        out = ffmpeg.output(inp["v:0"], *audio_of(inp), str(part), vcodec="copy", f="mp4",
                            movflags="+faststart", t=fftime(plan.duration),
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
        smart_cut.smart_join(src, plan, part, work, offset, half, settings, cancel, label, steps,
                    audio_of, audio_kwargs, direct=True)  # fmt: skip
        return verify(part, plan, label, timestamps=True)
    except DiskFull:
        raise  # the safe path would write even more
    except (RenderError, FFmpegError, smart_cut.DirectJoinUnfit):
        part.unlink(missing_ok=True)
        steps.restart()
    smart_cut.smart_join(src, plan, part, work, offset, half, settings, cancel, label, steps,
                         audio_of, audio_kwargs, direct=False)  # fmt: skip
    return verify(part, plan, label, timestamps=True)


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
    if plan.decode_from is None:
        argv = [ffmpeg_exe(), *GLOBAL_ARGS, "-y", "-ss", fftime(plan.start + offset - 500),
                "-i", str(src)]  # fmt: skip
    else:  # decode from an earlier keyframe (see CutPoints.decode_from), keep from the in point
        seek = plan.decode_from + offset + 500
        argv = [ffmpeg_exe(), *GLOBAL_ARGS, "-y", "-ss", fftime(seek), "-i", str(src),
                "-ss", fftime(plan.start + offset - 500 - seek)]  # fmt: skip
    argv += ["-filter_complex", chain, "-map", "[vout]"]
    if plan.audio != "none":
        argv += ["-map", "0:a:0"]
        af = []
        if audio_filter:
            af = ["loudnorm=" + ":".join(f"{k}={v}" for k, v in audio_filter.items()),
                  "aresample=48000"]  # fmt: skip
        # Sound that ends before the picture is ended with silence (-t stops it).
        argv += ["-af", ",".join([*af, "apad"])]
        argv += ["-c:a", "aac", "-b:a", settings.audio_bitrate, "-ar", "48000", "-ac", "2"]
    argv += [
        "-frames:v", str(plan.frames), "-t", fftime(plan.duration),
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
    if vstart > fd / 2:
        raise RenderError(
            tr("The render of {what} shows its first frame {seconds} s late: sound and picture "
               "would be out of step.").format(what=label, seconds=_say_s(vstart))
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
