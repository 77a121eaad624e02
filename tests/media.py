"""Small real media files for tests, made with the bundled ffmpeg and cached on disk.

Every file is described by a recipe (the ffmpeg argv lists that make it); the
cache key is a hash of the recipe, so changing a recipe makes a new file and an
unchanged one is built once per machine. The cache lives in
``platformdirs.user_cache_dir("series-studio-tests")`` or ``$STUDIO_TEST_MEDIA_CACHE``.
Callers always get a private copy at the path they ask for.

Video is ``testsrc2`` (every frame differs), audio a sine encoded as AAC, video
libx264 ultrafast with a keyframe every ``gop`` frames (2 s when not given).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import imageio_ffmpeg
import platformdirs

RECIPE_VERSION = 1
OUT = "{out}"  # placeholder for the output file in a recipe's argv
TMP = "{tmp}"  # placeholder for an intermediate file


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def cache_dir() -> Path:
    folder = os.environ.get("STUDIO_TEST_MEDIA_CACHE") or platformdirs.user_cache_dir(
        "series-studio-tests"
    )
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _run(argv: Sequence[str]) -> None:
    proc = subprocess.run(list(argv), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({proc.returncode}): {argv}\n{proc.stderr[-2000:]}")


def _ffmpeg(*args: str) -> list[str]:
    return [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]


def _cached(
    recipe: list[list[str]],
    suffix: str,
    path: str | Path | None,
    post: Callable[[Path], None] | None = None,
    post_name: str = "",
) -> Path:
    """Run the argv lists of ``recipe`` once per machine; copy the result to ``path``.

    ``{out}`` in an argv is the final file, ``{tmp}`` an intermediate one. ``post``
    (named by ``post_name`` in the key) rewrites the output in place afterwards.
    """
    key_src = json.dumps(
        {
            "v": RECIPE_VERSION,
            "ffmpeg": Path(ffmpeg_exe()).name,
            "recipe": [argv[1:] for argv in recipe],  # argv[0] is the exe's full path
            "post": post_name,
        },
        sort_keys=True,
    )
    key = hashlib.sha256(key_src.encode()).hexdigest()[:20]
    cached = cache_dir() / f"{key}{suffix}"
    if not cached.exists():
        with tempfile.TemporaryDirectory(dir=cache_dir()) as work:
            out = Path(work) / f"out{suffix}"
            tmp = Path(work) / f"tmp{suffix}"
            for argv in recipe:
                _run([a.replace(OUT, str(out)).replace(TMP, str(tmp)) for a in argv])
            if post is not None:
                post(out)
            os.replace(out, cached)  # atomic: parallel builders never see half a file
    if path is None:
        return cached
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, target)
    return target


def clip_recipe(
    *,
    seconds: float,
    width: int,
    height: int,
    fps: int,
    audio: bool = True,
    gop: int | None = None,
    rotation: int | None = None,
    vfr: bool = False,
    sample_rate: int = 48000,
    channels: int = 2,
    crf: int = 28,
    faststart: bool = False,
) -> list[list[str]]:
    """The ffmpeg argv lists that make a clip (see :func:`make_clip`)."""
    target = TMP if rotation else OUT
    args = ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={sample_rate}"]
    args += ["-t", f"{seconds:g}", "-map", "0:v"]
    if audio:
        args += ["-map", "1:a"]
    if vfr:
        # First half at fps, second half at fps/2: frame durations really differ.
        args += ["-vf", f"select='lt(t\\,{seconds / 2:g})+not(mod(n\\,2))'"]
        args += ["-fps_mode", "passthrough"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-crf", str(crf), "-pix_fmt", "yuv420p"]
    args += ["-g", str(gop or 2 * fps)]
    if audio:
        args += ["-c:a", "aac", "-b:a", "64k" if sample_rate > 16000 else "16k"]
        args += ["-ac", str(channels)]
    moov_first = ["-movflags", "+faststart"] if faststart else []
    recipe = [_ffmpeg(*args, *([] if rotation else moov_first), target)]
    if rotation:
        # -display_rotation is counter-clockwise; `rotation` is clockwise like MediaInfo's.
        recipe.append(
            _ffmpeg("-display_rotation", f"{-rotation:g}", "-i", TMP, "-c", "copy", *moov_first,
                    OUT)
        )
    return recipe


def make_clip(
    path: str | Path | None = None,
    *,
    seconds: float,
    width: int,
    height: int,
    fps: int,
    audio: bool = True,
    gop: int | None = None,
    rotation: int | None = None,
    vfr: bool = False,
    sample_rate: int = 48000,
    channels: int = 2,
    crf: int = 28,
    faststart: bool = False,
) -> Path:
    """An H.264 (+ AAC) MP4 clip at ``path`` (the cached file itself when ``path`` is None).

    ``rotation`` is the clockwise display rotation stored in the container (the
    pixels stay as they are, like a phone's portrait clip). ``vfr`` halves the
    frame rate for the second half of the clip, with the timestamps kept as-is.
    ``faststart`` puts the moov box before the media data (ffmpeg writes it last).
    """
    recipe = clip_recipe(
        seconds=seconds, width=width, height=height, fps=fps, audio=audio, gop=gop,
        rotation=rotation, vfr=vfr, sample_rate=sample_rate, channels=channels, crf=crf,
        faststart=faststart,
    )
    return _cached(recipe, ".mp4", path)


def make_audio_only(
    path: str | Path | None = None, *, seconds: float = 3, sample_rate: int = 44100
) -> Path:
    """An MP4 with one AAC stereo stream and no video."""
    recipe = [
        _ffmpeg(
            "-f", "lavfi", "-i", f"sine=frequency=330:sample_rate={sample_rate}",
            "-t", f"{seconds:g}", "-c:a", "aac", "-b:a", "64k", "-ac", "2", OUT,
        )
    ]
    return _cached(recipe, ".mp4", path)


def make_empty(path: str | Path) -> Path:
    target = Path(path)
    target.write_bytes(b"")
    return target


def make_text(path: str | Path) -> Path:
    """A text file with a video's name, as saved by a browser that got an error page."""
    target = Path(path)
    target.write_text(
        "Episode notes\n\nThis is not a video. It is a plain text file renamed to .mp4.\n" * 4,
        encoding="utf-8",
    )
    return target


def make_truncated(path: str | Path, *, keep: float = 0.5) -> Path:
    """A real MP4 (moov at the end, as ffmpeg writes it) cut to ``keep`` of its size."""
    source = make_clip(seconds=2, width=160, height=90, fps=24)
    data = source.read_bytes()
    target = Path(path)
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def _patch_sample_entry(path: Path, old: bytes = b"avc1", new: bytes = b"qqv9") -> None:
    """Replace the fourcc of the video sample entry in ``stsd`` (not the ftyp brand)."""
    data = bytearray(path.read_bytes())
    stsd = data.find(b"stsd", max(0, data.rfind(b"moov")))  # ffmpeg writes moov last
    if stsd < 0:
        raise RuntimeError(f"no stsd box in {path}")
    # stsd: size type version/flags(4) entry_count(4), then the entry: size(4) fourcc(4)
    (count,) = struct.unpack(">I", data[stsd + 8 : stsd + 12])
    fourcc_at = stsd + 16
    if count < 1 or data[fourcc_at : fourcc_at + 4] != old:
        raise RuntimeError(f"unexpected stsd layout in {path}")
    data[fourcc_at : fourcc_at + 4] = new
    path.write_bytes(bytes(data))


def make_unsupported_codec(path: str | Path | None = None, *, fourcc: bytes = b"qqv9") -> Path:
    """A valid MP4 whose video sample entry says ``fourcc``, a codec nobody decodes."""
    recipe = clip_recipe(seconds=2, width=160, height=90, fps=24, audio=False)
    return _cached(
        recipe,
        ".mp4",
        path,
        post=lambda out: _patch_sample_entry(out, new=fourcc),
        post_name=f"patch-avc1-{fourcc.decode('ascii')}",
    )


def make_late_vfr_clip(
    path: str | Path | None = None,
    *,
    seconds: float = 8,
    steady: float = 5,
    width: int = 640,
    height: int = 360,
    fps: int = 30,
    suffix: str = ".mp4",
) -> Path:
    """A phone clip whose rate drops late: ``fps`` for ``steady`` s, then ``fps``/2.

    More than probe's first packets (``VFR_PACKETS``) come before the drop.
    H.264 (keyframe every 2 s) + AAC; ``suffix`` ".mkv" makes a Matroska file.
    """
    recipe = [
        _ffmpeg(
            "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", f"{seconds:g}",
            "-map", "0:v", "-map", "1:a",
            "-vf", f"select='lt(t\\,{steady:g})+not(mod(n\\,2))'", "-fps_mode", "passthrough",
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-pix_fmt", "yuv420p",
            "-g", str(2 * fps), "-c:a", "aac", "-b:a", "64k", "-ac", "2", OUT,
        )
    ]  # fmt: skip
    return _cached(recipe, suffix, path)


def make_matroska_clip(
    path: str | Path | None = None,
    *,
    seconds: float = 6,
    width: int = 160,
    height: int = 90,
    fps: int = 30,
    webm: bool = False,
) -> Path:
    """A whole Matroska clip as ffmpeg writes it (Cues last): H.264 + AAC in .mkv, or
    VP9 + Opus in .webm when ``webm``."""
    video = (["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k"]
             if webm else ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "28"])
    audio = ["-c:a", "libopus", "-b:a", "32k"] if webm else ["-c:a", "aac", "-b:a", "64k"]
    recipe = [
        _ffmpeg(
            "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", f"{seconds:g}",
            "-map", "0:v", "-map", "1:a", *video, "-pix_fmt", "yuv420p", "-g", str(2 * fps),
            *audio, "-ac", "2", OUT,
        )
    ]  # fmt: skip
    return _cached(recipe, ".webm" if webm else ".mkv", path)


def make_cut_short(source: str | Path, path: str | Path, *, keep: float = 0.5) -> Path:
    """The first ``keep`` of ``source``'s bytes, as an interrupted download leaves it."""
    data = Path(source).read_bytes()
    target = Path(path)
    target.write_bytes(data[: int(len(data) * keep)])
    return target
