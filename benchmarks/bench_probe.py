"""probe: our PyAV ``probe()`` against one ``ffmpeg -hide_banner -i FILE`` per file.

Running ``ffmpeg -i`` without an output and parsing its stderr is the classic
way to learn a file's duration, codec, size and frame rate when no ffprobe is
at hand (our ffmpeg wheel has none). Both read the same 80 distinct H.264+AAC
clips (mostly 1080x1920, some 720p, 2-4 s), warm in the page cache, in the
same run; each round times ours then the baseline, and the median round counts.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from benchmarks.registry import (
    Result,
    Row,
    ffmpeg_exe,
    media_folder,
    median,
    percentile,
    register,
)
from studio.editor.probe import probe

FILES = 80
ROUNDS = 3


@dataclass(frozen=True)
class Facts:
    """What both methods must agree on."""

    duration_s: float
    codec: str
    width: int
    height: int
    fps: float


def _clip_argv(i: int, out: Path) -> list[str]:
    if i % 4 == 3:
        size, rate = "1280x720", "25"
    else:
        size, rate = "1080x1920", "30000/1001" if i % 8 == 5 else "30"
    seconds = 2 + (i % 5) * 0.5
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}",
        "-f", "lavfi", "-i", f"sine=frequency={200 + 10 * i}:sample_rate=48000",
        "-t", f"{seconds:g}", "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-g", "60", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "96k", "-ac", "2", "-metadata", f"title=bench clip {i}",
        str(out),
    ]  # fmt: skip


def prepare_media() -> list[Path]:
    """The 80 clips, made once (about a minute on 2 cores) and cached outside the repo."""
    recipe = [_clip_argv(i, Path("OUT"))[1:] for i in range(FILES)]
    folder = media_folder("probe", recipe)
    paths = [folder / f"clip_{i:02d}.mp4" for i in range(FILES)]

    def build(i: int) -> None:
        if paths[i].exists():
            return
        tmp = paths[i].with_suffix(".part.mp4")
        subprocess.run(_clip_argv(i, tmp), check=True, capture_output=True)
        os.replace(tmp, paths[i])

    missing = [i for i in range(FILES) if not paths[i].exists()]
    if missing:
        print(f"  making {len(missing)} clips in {folder} ...", flush=True)
        with ThreadPoolExecutor(max_workers=max(1, (os.cpu_count() or 2) // 2 + 1)) as pool:
            list(pool.map(build, missing))
    return paths


_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\d+:\d+.*?: Video: (\w+).*?, (\d{2,5})x(\d{2,5})")
_FPS = re.compile(r"([\d.]+) fps")


def ffmpeg_i(path: Path) -> Facts:
    """The classic way: run ``ffmpeg -i`` and parse what it prints."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True, text=True,
    )  # exits 1 ("At least one output file must be specified"): expected
    err = proc.stderr
    dur, video, fps = _DURATION.search(err), _VIDEO.search(err), _FPS.search(err)
    if not (dur and video and fps):
        raise RuntimeError(f"could not parse ffmpeg -i output for {path}:\n{err}")
    h, m, s = dur.groups()
    return Facts(
        duration_s=int(h) * 3600 + int(m) * 60 + float(s),
        codec=video.group(1),
        width=int(video.group(2)),
        height=int(video.group(3)),
        fps=float(fps.group(1)),
    )


def ours(path: Path) -> Facts:
    info = probe(path)
    return Facts(
        duration_s=info.duration / 1e6,
        codec=info.video_codec or "",
        width=info.width or 0,
        height=info.height or 0,
        fps=float(info.frame_rate or Fraction(0)),
    )


def _agree(a: Facts, b: Facts) -> bool:
    return (
        abs(a.duration_s - b.duration_s) <= 0.011  # ffmpeg prints centiseconds
        and (a.codec, a.width, a.height) == (b.codec, b.width, b.height)
        and abs(a.fps - b.fps) <= 0.01
    )


def _timed(
    func: Callable[[Path], Facts], paths: list[Path]
) -> tuple[float, list[float], list[Facts]]:
    per_file: list[float] = []
    facts: list[Facts] = []
    start = time.perf_counter()
    for path in paths:
        t0 = time.perf_counter()
        facts.append(func(path))
        per_file.append(time.perf_counter() - t0)
    return time.perf_counter() - start, per_file, facts


@register("probe", f"probe {FILES} files: studio probe() (PyAV) vs `ffmpeg -i FILE` + parse")
def run() -> Result:
    paths = prepare_media()
    ours(paths[0]), ffmpeg_i(paths[0])  # warm both: imports, page cache, first exec
    totals_ours, totals_base = [], []
    files_ours: list[float] = []
    files_base: list[float] = []
    agree = 0
    for _ in range(ROUNDS):
        total, per_file, facts_ours = _timed(ours, paths)
        totals_ours.append(total)
        files_ours += per_file
        total, per_file, facts_base = _timed(ffmpeg_i, paths)
        totals_base.append(total)
        files_base += per_file
        agree = sum(_agree(a, b) for a, b in zip(facts_ours, facts_base, strict=True))
    ms = [t * 1000 for t in files_ours]
    base_ms = [t * 1000 for t in files_base]
    rows = [
        Row(f"{FILES} files, total (median of {ROUNDS} rounds)", median(totals_ours),
            median(totals_base), "s"),
        Row("per file, p50", percentile(ms, 50), percentile(base_ms, 50), "ms"),
        Row("per file, p95", percentile(ms, 95), percentile(base_ms, 95), "ms"),
        Row("per file, max", max(ms), max(base_ms), "ms"),
        Row("files probed per second", FILES / median(totals_ours),
            FILES / median(totals_base), "files/s", better="higher"),
    ]
    notes = [
        f"duration/codec/size/fps agree on {agree}/{FILES} files "
        f"(ours also reads rotation, SAR, VFR, profile, audio, which `ffmpeg -i` parsing skips)",
        f"media: {paths[0].parent}",
    ]
    return Result(rows, notes)
