"""Sound and picture stay in step through every render path, and sound that ends
before the picture does not stop an export.

The clips flash white and beep at the same instants; a render must keep, to
the millisecond, the offset between flash and beep that the source has.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import av
import numpy as np
import pytest

from studio.domain.profiles import load_profile
from studio.domain.timecode import TimeRange
from studio.editor.cut_plan import RenderSettings, Strategy, plan_cut
from studio.editor.cut_points import cut_points
from studio.editor.probe import probe
from studio.editor.render import render
from studio.editor.synth import ffmpeg_exe

PROFILE = load_profile("tiktok-series")
US = 1_000_000
FLASH_EVERY = 2.0  # seconds; the first flash and beep at 0.5 s


def ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", *args], check=True)


def flash_and_beep(dest: Path, *, seconds: float = 8, sound_seconds: float | None = None) -> Path:
    """A 640x360 30 fps clip (B-frames, a keyframe every 2 s) that flashes white while it
    beeps, for one frame every 2 s; ``sound_seconds`` makes the sound end early."""
    on = f"lt(mod(t-0.5\\,{FLASH_EVERY:g})\\,0.0333)"
    video = f"color=black:s=640x360:r=30:d={seconds:g},drawbox=c=white:t=fill:enable='{on}'"
    sound = (f"aevalsrc='if({on.replace(chr(92), '')},sin(2*PI*1000*t),0)':s=48000"
             f":d={sound_seconds or seconds:g}")  # fmt: skip
    ffmpeg("-f", "lavfi", "-i", video, "-f", "lavfi", "-i", sound, "-c:v", "libx264",
           "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "60", "-bf", "2", "-c:a", "aac",
           str(dest))  # fmt: skip
    return dest


def sound_first(src: Path, dest: Path, lead: float = 0.5) -> Path:
    """``src`` with its picture starting ``lead`` s after its sound in the container, as
    many recorders write files (the first picture at 0.5 s, the first sound at 0)."""
    ffmpeg("-i", str(src), "-itsoffset", str(lead), "-i", str(src), "-map", "1:v", "-map",
           "0:a", "-c", "copy", str(dest))  # fmt: skip
    return dest


def flashes(path: Path) -> tuple[float, list[float]]:
    """(time of the first frame, times at which a flash begins), in seconds."""
    with av.open(str(path)) as c:
        times, first, lit = [], None, False
        for f in c.decode(video=0):
            t = float(f.pts * f.time_base)
            first = t if first is None else first
            now = f.reformat(width=16, height=16, format="gray").to_ndarray().mean() > 128
            if now and not lit:
                times.append(t)
            lit = now
    return first, times


def beeps(path: Path) -> list[float]:
    """Times at which a beep begins (1 ms resolution), in seconds."""
    with av.open(str(path)) as c:
        times, loud = [], False
        for f in c.decode(audio=0):
            peak = np.abs(f.to_ndarray()).max(axis=0)
            t0 = float(f.pts * f.time_base)
            for i in range(0, len(peak), 48):
                now = bool((peak[i:i + 48] > 0.1).any())
                if now and not loud:
                    times.append(t0 + i / f.sample_rate)
                loud = now
    return times


def offset_ms(path: Path) -> float:
    """How far (ms) each beep comes after its flash, on average."""
    _, shown = flashes(path)
    heard = beeps(path)
    n = min(len(shown), len(heard))
    assert n >= 2, f"{path.name}: {len(shown)} flashes, {len(heard)} beeps"
    return 1000 * float(np.mean(np.array(heard[:n]) - np.array(shown[:n])))


def render_trim(src: Path, trim: TimeRange, dest: Path, **settings):
    info = probe(src)
    plan = plan_cut(info, cut_points(src, info, trim), PROFILE, RenderSettings(**settings))
    return plan, render(src, info, plan, dest, settings=RenderSettings(**settings))


@pytest.fixture(scope="module")
def in_step(tmp_path_factory) -> Path:
    return flash_and_beep(tmp_path_factory.mktemp("sync") / "in-step.mp4")


@pytest.fixture(scope="module")
def sound_leads(in_step, tmp_path_factory) -> Path:
    return sound_first(in_step, tmp_path_factory.mktemp("lead") / "sound-first.mp4")


@pytest.mark.parametrize("source", ["in_step", "sound_leads"])
@pytest.mark.parametrize("out_s, strategy, modes", [
    (6.0, Strategy.COPY, None),  # out point on a keyframe
    (5.3, Strategy.SMART, ["copy", "encode"]),  # only the out point re-encoded
])  # fmt: skip
def test_a_render_from_the_first_keyframe_keeps_sound_and_picture_in_step(
        source, out_s, strategy, modes, request, tmp_path):  # fmt: skip
    """A smart cut whose in point is on a keyframe joins the copied frames straight from
    the source; its picture used to start one AAC priming (21 ms) late, or 73 ms late
    when the source's sound starts first, while its sound did not move."""
    src = request.getfixturevalue(source)
    plan, _ = render_trim(src, TimeRange(0, int(out_s * US)), tmp_path / "out.mp4")
    assert plan.strategy is strategy
    assert modes is None or [s.mode for s in plan.segments] == modes
    first, _ = flashes(tmp_path / "out.mp4")
    assert first == 0, f"the first frame is shown at {first * 1000:.1f} ms"
    assert offset_ms(tmp_path / "out.mp4") == pytest.approx(offset_ms(src), abs=2)


@pytest.mark.parametrize("settings", [
    {"normalize_loudness": False},  # the sound would be copied
    {"normalize_loudness": True},
    {"reencode": True, "normalize_loudness": False},
])  # fmt: skip
@pytest.mark.parametrize("out_s", [6.0, 5.3])  # a copy, and a smart cut
def test_sound_that_ends_before_the_picture_is_ended_with_silence(settings, out_s, tmp_path):
    """A clip whose sound stops 1.1 s before its picture (screen recordings, camera files)
    renders whole: the sound is lengthened with silence to the picture's end. The
    render used to fail ("sound and picture differ by more than a frame")."""
    src = flash_and_beep(tmp_path / "short-sound.mp4", seconds=6, sound_seconds=4.9)
    dest = tmp_path / "out.mp4"
    _, result = render_trim(src, TimeRange(0, int(out_s * US)), dest, **settings)
    assert result.audio_duration_us == pytest.approx(result.duration_us, abs=US / 30)
    with av.open(str(dest)) as c:
        samples = np.concatenate([f.to_ndarray() for f in c.decode(audio=0)], axis=1)
    tail = samples[:, -int(0.2 * 48000):]
    assert np.abs(tail).max() < 1e-3, "the added end is silence"
    assert offset_ms(dest) == pytest.approx(offset_ms(src), abs=2)
