"""The smart cut: re-encode the partial GOPs at the cut points, copy the rest.

The parts are made at the same time, as MP4 in the source's own time base
(the concat demuxer does not convert time bases between files), their decode
times set back by the source's B-frame delay; the join reads them, and the
copied middle straight from the source between exact in and out points, with
ffmpeg's concat demuxer. On POSIX the join starts with the parts and reads
them through named pipes. render.py verifies the result and falls back to
the safe path (every part a file of its own) when the direct join cannot
express a plan or does not match it.
"""

from __future__ import annotations

import errno
import math
import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import ffmpeg

from studio.editor import keyframes
from studio.editor.cut_plan import CutPlan, Segment
from studio.editor.ffmpeg_run import compile_args, fftime, run_ffmpeg
from studio.i18n import tr
from studio.tasks import Cancelled, CancelToken

US = 1_000_000

CUT_PRESET = "superfast"  # x264 preset of the re-encoded frames of a smart cut (at a low CRF)


class DirectJoinUnfit(Exception):
    """The direct join cannot express this plan; the safe path will make it."""


def _concat_path(path: Path) -> str:
    """A path for a concat list, absolute (ffmpeg reads a relative one from the list's
    folder) and quoted."""
    return "'" + str(Path(path).absolute()).replace("'", "'\\''") + "'"


def smart_join(src, plan, part, work, offset, half, settings, cancel, label, steps, audio_of,
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
            i: pool.submit(render_segment, src, seg, pieces[i], offset, half, settings, stop,
                           label, steps.callback(i, seg.end - seg.start), timing,
                           plan.decode_from if seg.start == plan.start else None)
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
        entry = f"file {_concat_path(src.resolve())}\ninpoint {fftime(seg.start + offset)}\n"
        # The demuxer stops at the first packet whose DECODE time reaches the out
        # point: aim half a frame before the decode time of the first packet shown
        # at or after the part's end (a keyframe, or the P frame that ends a run
        # of B-frames). At the media's end there is none and nothing to stop.
        dts = first_dts_at_or_after(src, seg.end)
        if dts is not None:
            if dts - half <= seg.start:
                # A copy shorter than the B-frame delay: the frame after it is
                # decoded before the part's first is shown, so no out point
                # separates them. The safe path counts frames instead.
                raise DirectJoinUnfit()
            entry += f"outpoint {fftime(dts + offset - half)}\n"
        lines.append(entry + f"duration {seconds:.6f}\n")
    listing = work / ("direct.txt" if direct else "parts.txt")
    listing.write_text("ffconcat version 1.0\n" + "".join(lines))
    return listing


def _run_join(src, plan, part, listing, offset, audio_of, audio_kwargs, cancel, label,
              steps) -> None:  # fmt: skip
    concat_opts = {}
    if plan.segments[0].mode == "copy":
        # The list starts with the source itself, and the concat demuxer's start
        # time is the earliest of ALL its streams (AAC priming, or sound that
        # starts before the picture), which ffmpeg would subtract from the
        # picture only. Seeking to 0 as a timestamp keeps its times as listed.
        concat_opts = {"seek_timestamp": 1, "ss": 0}
    vid = ffmpeg.input(str(listing), f="concat", safe=0, **concat_opts)["v:0"]
    src_audio = ffmpeg.input(str(src), ss=fftime(plan.start + offset), t=fftime(plan.duration))
    # -t also ends the sound with the picture (a filter such as loudnorm may pad it).
    out = ffmpeg.output(vid, *audio_of(src_audio), str(part), vcodec="copy", f="mp4",
                        movflags="+faststart", t=fftime(plan.duration), **audio_kwargs)  # fmt: skip
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


def first_dts_at_or_after(src: Path, time_us: int) -> int | None:
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


def keyframe_input(src: Path, keyframe_us: int, half):
    """The source opened for stream copy from the keyframe at ``keyframe_us``.

    The seek aims half a frame past the keyframe, so the demuxer lands on that
    keyframe and never on the one before (a rounded time would); ``itsoffset``
    gives the half frame back, so the keyframe's timestamp is exactly 0 rather
    than slightly negative (which an MP4 edit list would hide, dropping it).
    """
    return ffmpeg.input(str(src), ss=fftime(keyframe_us + half), itsoffset=fftime(half))


def render_segment(src, seg: Segment, piece: Path, offset, half, settings, cancel, label,
                    on_progress, timing: _PartTiming,
                    decode_from: int | None = None) -> None:  # fmt: skip
    # faststart: the join may read the part through a pipe, where the index must come first.
    part_args = {"f": "mp4", "video_track_timescale": timing.timescale, "movflags": "+faststart"}
    if seg.mode == "copy":
        inp = keyframe_input(src, seg.start + offset, half)
        out = ffmpeg.output(inp["v:0"], str(piece), vcodec="copy", **part_args,
                            **{"frames:v": seg.frames})  # fmt: skip
        what = tr("Copying part of {what}").format(what=label)
    elif seg.start_on_keyframe:
        # Starts on a keyframe (the tail of a smart cut): seek to it and keep
        # everything decoded from there, rather than decode a GOP to discard it.
        inp = ffmpeg.input(str(src), ss=fftime(seg.start + offset + half), noaccurate_seek=None)
    elif decode_from is not None:
        # Decode from an earlier keyframe (see CutPoints.decode_from); the output
        # seek keeps frames from seg.start on.
        seek = decode_from + offset + half
        inp = ffmpeg.input(str(src), ss=fftime(seek))
        part_args["ss"] = fftime(seg.start + offset - half - seek)
    else:
        # Accurate seek: decode from the keyframe before, keep frames from seg.start on.
        inp = ffmpeg.input(str(src), ss=fftime(seg.start + offset - half))
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


