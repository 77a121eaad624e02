"""Generate sample clips with the bundled ffmpeg (demo collection, self-test).

argv lists only, never a shell string; ffmpeg's last stderr lines are kept in
the error when it fails.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from studio import resources_path
from studio.domain.errors import UserError

PATTERNS = ("testsrc2", "smptehdbars", "testsrc", "rgbtestsrc", "yuvtestsrc")


def ffmpeg_exe() -> str:
    """The ffmpeg binary the app runs (never the one on PATH): see studio.resources_path."""
    return resources_path.ffmpeg_exe()


def make_sample_clip(
    path: Path,
    *,
    seconds: float,
    width: int = 540,
    height: int = 960,
    fps: int = 24,
    pattern: str = "testsrc2",
    tone_hz: int = 440,
    gop: int | None = None,
) -> Path:
    """Write an H.264/AAC MP4 of a moving test pattern with a tone; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part.mp4")
    video = f"{pattern}=size={width}x{height}:rate={fps}"
    if pattern == "cellauto":
        video = f"cellauto=size={width}x{height}:rate={fps}:rule=110"
    argv = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", video,
        "-f", "lavfi", "-i", f"sine=frequency={tone_hz}:sample_rate=48000",
        "-t", f"{seconds}", "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt", "yuv420p",
        "-g", str(gop or fps * 2),
        "-c:a", "aac", "-b:a", "96k", "-ac", "2",
        "-movflags", "+faststart", str(tmp),
    ]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise UserError(f"ffmpeg could not make {path.name}: {tail}")
    tmp.replace(path)
    return path
