"""frames: exact frame grabs, frame stepping and filmstrips against one ffmpeg process each.

The classic way to get the picture at time T without a decoding library is
``ffmpeg -ss T -i FILE -frames:v 1`` (VidCutter, LosslessCut's thumbnails).
Both sides read the same 20-minute 1080p30 H.264 file (libx264 veryfast, so
CABAC and B-frames like real footage; a keyframe every 2 s), warm in the page
cache. Ours keeps the file open between grabs, as the preview does; every
baseline call pays a process start, a container open and a seek.

The file is one minute of ``testsrc2`` encoded once and stream-copied 20 times
(concat demuxer): a minute to make instead of ~7 on 2 cores; decoding costs
the same as for 20 distinct minutes.
"""

from __future__ import annotations

import os
import random
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

from benchmarks.registry import (
    Result,
    Row,
    ffmpeg_exe,
    media_folder,
    median,
    percentile,
    register,
)
from studio.editor.frames import FrameGrabber
from studio.editor.keyframes import PacketIndex
from studio.editor.thumbnails import DiskCache, Thumbnailer
from studio.editor.waveform import waveform

MINUTES = 20
W, H, FPS = 1920, 1080, 30
GRABS = 50
STEPS = 100
T = TypeVar("T")
BASELINE_STEPS = 20  # each baseline step is a whole ffmpeg run: fewer suffice for a median
THUMBS = 20
THUMB_H = 90


def _segment_argv(out: Path) -> list[str]:
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={W}x{H}:rate={FPS}",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "60", "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt", "yuv420p",
        "-g", str(2 * FPS), "-keyint_min", str(2 * FPS), "-sc_threshold", "0",
        "-c:a", "aac", "-b:a", "96k", "-ac", "2", str(out),
    ]  # fmt: skip


def prepare_media() -> Path:
    """The 20-minute file, made once (about a minute) and cached outside the repo."""
    recipe = {"segment": _segment_argv(Path("OUT"))[1:], "copies": MINUTES}
    folder = media_folder("frames", recipe)
    target = folder / f"testsrc2_1080p30_{MINUTES}min.mp4"
    if target.exists():
        return target
    print(f"  generating {target} ({MINUTES} min 1080p30 H.264, about a minute) ...", flush=True)
    with tempfile.TemporaryDirectory(dir=folder) as work:
        segment = Path(work) / "minute.mp4"
        subprocess.run(_segment_argv(segment), check=True, capture_output=True)
        listing = Path(work) / "list.txt"
        listing.write_text(f"file '{segment}'\n" * MINUTES)
        tmp = Path(work) / "out.mp4"
        subprocess.run(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
             "-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(tmp)],
            check=True, capture_output=True,
        )  # fmt: skip
        os.replace(tmp, target)
    return target


def _ffmpeg_frame(path: Path, t_s: float, vf: str | None = None) -> np.ndarray:
    """The classic way: one process, ``-ss`` before ``-i`` (fast seek), one frame out as RGB."""
    argv = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
            "-ss", f"{t_s:.6f}", "-i", str(path), "-frames:v", "1"]
    if vf:
        argv += ["-vf", vf]
    argv += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    proc = subprocess.run(argv, capture_output=True, check=True)
    return np.frombuffer(proc.stdout, np.uint8)


def _ffmpeg_thumb(path: Path, t_s: float, out: Path) -> None:
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
         "-ss", f"{t_s:.6f}", "-i", str(path), "-frames:v", "1",
         "-vf", f"scale=-2:{THUMB_H}", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip


def _timed(func: Callable[..., T], *args: object, **kwargs: object) -> tuple[float, T]:
    t0 = time.perf_counter()
    value = func(*args, **kwargs)
    return time.perf_counter() - t0, value


@register("frames", "exact frame at t, next-frame step, 20-thumb filmstrip: PyAV vs ffmpeg -ss")
def run() -> Result:
    path = prepare_media()
    with open(path, "rb") as f:  # warm the page cache for both sides
        while f.read(1 << 24):
            pass
    rnd = random.Random(2024)
    duration_us = MINUTES * 60 * 1_000_000
    times = [rnd.randrange(0, duration_us - 1_000_000) for _ in range(GRABS)]
    _ffmpeg_frame(path, 1.0)  # warm the executable

    # exact frame grabs at random times --------------------------------------------
    index = PacketIndex()
    grab = FrameGrabber(index)
    grab.frame_at(path, 0)  # open the file (the preview has it open already)
    # our times start at the first video frame; ffmpeg -ss counts from the container start
    shift_us = index.timeline(path).start_us_in_container
    ours_ms, base_ms, diffs = [], [], []
    frames = []
    for t in times:
        dt, frame = _timed(grab.frame_at, path, t)
        ours_ms.append(dt * 1000)
        frames.append(frame)
    for frame in frames:
        # ask ffmpeg for the same frame: -ss lands on the first frame starting at or after
        dt, raw = _timed(_ffmpeg_frame, path, (frame.start_us + shift_us) / 1e6)
        base_ms.append(dt * 1000)
        if len(diffs) < 10 and raw.size == frame.rgb.size:
            diffs.append(float(np.abs(raw.reshape(frame.rgb.shape).astype(int) - frame.rgb).mean()))

    # next-frame steps --------------------------------------------------------------
    frame = grab.frame_at(path, times[0])
    step_ms = []
    for _ in range(STEPS):
        dt, nxt = _timed(grab.next_frame, path, frame)
        step_ms.append(dt * 1000)
        assert nxt is not None and nxt.start_us > frame.start_us
        frame = nxt
    base_step_ms = []
    for _ in range(BASELINE_STEPS):
        t_next = frame.end_us
        dt, _ = _timed(_ffmpeg_frame, path, (t_next + shift_us) / 1e6)
        base_step_ms.append(dt * 1000)
        frame = grab.frame_at(path, t_next)
    grab.close()

    # filmstrip, cold cache ----------------------------------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        cache = DiskCache(Path(tmp) / "thumbs")
        maker = Thumbnailer(cache, index=PacketIndex())
        strip_s, strip = _timed(maker.filmstrip, path, THUMBS, THUMB_H)
        warm_s, _ = _timed(maker.filmstrip, path, THUMBS, THUMB_H)
        base_strip_s, _ = _timed(
            lambda: [_ffmpeg_thumb(path, duration_us * i / THUMBS / 1e6, Path(tmp) / f"{i}.jpg")
                     for i in range(THUMBS)]
        )
        wave_s, peaks = _timed(waveform, path, 100, cache=cache)
    index_s, _ = _timed(PacketIndex(window_us=3600 * 1_000_000).keyframes_between, path, 0,
                        duration_us + 1)

    rows = [
        Row(f"exact frame at t, p50 ({GRABS} random t)", percentile(ours_ms, 50),
            percentile(base_ms, 50), "ms"),
        Row("exact frame at t, p95 (target < 300 ms)", percentile(ours_ms, 95),
            percentile(base_ms, 95), "ms"),
        Row("exact frame at t, max", max(ours_ms), max(base_ms), "ms"),
        Row(f"next-frame step, median of {STEPS} (target < 40 ms)", median(step_ms),
            median(base_step_ms), "ms"),
        Row(f"{THUMBS}-thumb filmstrip, cold cache (target >= 5x faster)", strip_s,
            base_strip_s, "s"),
        Row(f"{THUMBS}-thumb filmstrip, from the disk cache", warm_s, base_strip_s, "s"),
        Row("keyframe index of the whole file (demux only)", index_s, None, "s"),
        Row(f"waveform of {MINUTES} min of AAC (100 buckets/s)", wave_s, None, "s"),
    ]
    notes = [
        f"ours returns the frame on screen at t (floor); ffmpeg was asked for the same frame "
        f"(its start time): mean |RGB difference| {np.mean(diffs):.2f} over {len(diffs)} "
        f"frames (0 = the very same pixels)",
        f"baseline next-frame step: {BASELINE_STEPS} ffmpeg runs; filmstrip thumbs "
        f"{strip[0].rgb.shape[1]}x{strip[0].rgb.shape[0]}, {maker.frames_decoded} keyframes "
        f"decoded; waveform {len(peaks)} buckets",
        f"media: {path} ({path.stat().st_size / 1e6:.0f} MB)",
    ]
    return Result(rows, notes)
