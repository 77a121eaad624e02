"""PacketIndex: keyframes and frame times by windowed demuxing, checked against a full scan."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import pytest

from studio.editor.keyframes import (
    Keyframe,
    PacketIndex,
    frame_times_between,
    has_reordering,
    keyframe_at_or_before,
    media_key,
)
from studio.editor.probe import ProbeError
from studio.editor.synth import make_sample_clip

US = 1_000_000
FOREVER = 10**12


def full_scan(path: Path) -> tuple[list[int], list[int], Fraction, int]:
    """(all pts, keyframe pts) in presentation order by demuxing the whole file, tb, start."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        rows = sorted((p.pts, p.is_keyframe) for p in c.demux(s) if p.size)
        return [p for p, _ in rows], [p for p, k in rows if k], Fraction(s.time_base), s.start_time


def to_us(pts: int, tb: Fraction, start: int) -> int:
    return math.ceil((pts - start) * tb * US)


@pytest.fixture
def gop_clip(make_clip: Callable[..., Path]) -> Path:
    """3 s at 24 fps, a keyframe every 5 frames."""
    return make_clip("gop5.mp4", seconds=3, width=160, height=90, fps=24, gop=5, audio=False)


@pytest.fixture
def bframe_clip(tmp_path: Path) -> Path:
    """libx264 veryfast: B-frames, so decode order differs from presentation order."""
    return make_sample_clip(tmp_path / "bframes.mp4", seconds=2, width=160, height=96, fps=24,
                            gop=12)


def test_keyframes_every_gop_frames(gop_clip: Path) -> None:
    idx = PacketIndex()
    frames = idx.frame_times_between(gop_clip, 0, FOREVER)
    keys = idx.keyframes_between(gop_clip, 0, FOREVER)
    assert len(frames) == 72
    assert [k.time_us for k in keys] == frames[::5]
    steps = {b.pts - a.pts for a, b in zip(keys, keys[1:], strict=False)}
    assert len(steps) == 1 and Fraction(steps.pop()) * keys[0].time_base == Fraction(5, 24)


def test_time_us_is_the_exact_time_rounded_up(gop_clip: Path) -> None:
    keys = PacketIndex().keyframes_between(gop_clip, 0, FOREVER)
    assert any(Fraction(k.time_us, US) != k.seconds for k in keys)  # some really round
    for k in keys:
        assert isinstance(k.pts, int) and isinstance(k.time_base, Fraction)
        assert k.seconds <= Fraction(k.time_us, US) < k.seconds + Fraction(1, US)


@pytest.mark.parametrize("which", ["gop", "vfr", "bframes"])
def test_windowed_reads_match_a_full_scan(
    which: str, gop_clip: Path, clip_vfr: Path, bframe_clip: Path
) -> None:
    path = {"gop": gop_clip, "vfr": clip_vfr, "bframes": bframe_clip}[which]
    all_pts, key_pts, tb, start = full_scan(path)
    times = [to_us(p, tb, start) for p in all_pts]
    key_times = [to_us(p, tb, start) for p in key_pts]
    small = PacketIndex(window_us=150_000)  # many windows, loaded out of order below
    whole = PacketIndex(window_us=3600 * US)  # one window: a full scan
    probes = sorted({0, 1, times[-1], times[-1] + 1, FOREVER, -5}
                    | {t + d for t in key_times for d in (-1, 0, 1)}
                    | set(times[len(times) // 3 :: 7]))
    for t in reversed(probes):  # backwards: every answer needs a fresh window
        expect_before = max((k for k in key_times if k <= t), default=key_times[0])
        assert small.keyframe_at_or_before(path, t).time_us == expect_before, t
        assert whole.keyframe_at_or_before(path, t).time_us == expect_before, t
        after = next((k for k in key_times if k > t), None)
        at_or_after = next((k for k in key_times if k >= t), None)
        got_after = small.keyframe_after(path, t)
        got_at = small.keyframe_at_or_after(path, t)
        assert (got_after.time_us if got_after else None) == after, t
        assert (got_at.time_us if got_at else None) == at_or_after, t
    for a, b in [(0, FOREVER), (400_000, 1_300_000), (times[5], times[9]), (0, 1)]:
        assert small.frame_times_between(path, a, b) == [t for t in times if a <= t < b]
        assert whole.frame_times_between(path, a, b) == [t for t in times if a <= t < b]
        assert [k.time_us for k in small.keyframes_between(path, a, b)] == [
            t for t in key_times if a <= t < b
        ]
    kf = small.keyframe_at_or_before(path, times[-1])
    assert kf == Keyframe(kf.pts, tb, to_us(kf.pts, tb, start), start)


def test_reordering_only_with_b_frames(clip_landscape: Path, bframe_clip: Path) -> None:
    assert has_reordering(clip_landscape) is False
    assert has_reordering(bframe_clip) is True
    assert PacketIndex(window_us=100_000).has_reordering(bframe_clip) is True


def test_b_frame_keyframes_are_exact(bframe_clip: Path) -> None:
    """With B-frames the demuxer's index is by dts: a naive seek lands a GOP late."""
    _, key_pts, tb, start = full_scan(bframe_clip)
    idx = PacketIndex(window_us=200_000)
    for p in key_pts:
        t = to_us(p, tb, start)
        assert idx.keyframe_at_or_before(bframe_clip, t).pts == p
        assert idx.keyframe_at_or_before(bframe_clip, t + 300_000).pts == p  # inside its GOP


def test_module_functions_and_precomputed_key(gop_clip: Path) -> None:
    assert frame_times_between(gop_clip, 0, 200_000) == [0, 41667, 83334, 125000, 166667]
    assert keyframe_at_or_before(gop_clip, 250_000).time_us == 208334
    key = media_key(gop_clip)
    idx = PacketIndex()
    assert idx.keyframes_between(gop_clip, 0, FOREVER, key=key)
    assert idx.timeline(gop_clip, key=key).start_pts == 0


def test_long_clip_reads_only_a_window(clip_long: Path) -> None:
    idx = PacketIndex(window_us=10 * US)
    kf = idx.keyframe_at_or_before(clip_long, 600 * US + 1)
    assert kf.time_us == 600 * US  # keyframe every 2 s (4 frames at 2 fps)
    media = next(iter(idx._media.values()))
    assert len(media.packets) <= 2  # a couple of 10 s windows out of 123


def test_missing_and_broken_files(tmp_path: Path, file_text: Path) -> None:
    idx = PacketIndex()
    with pytest.raises(ProbeError) as err:
        idx.keyframes_between(tmp_path / "gone.mp4", 0, US)
    assert err.value.kind == "missing" and "gone.mp4" in str(err.value)
    with pytest.raises(ProbeError) as err:
        idx.keyframe_at_or_before(file_text, 0)
    assert err.value.kind == "not_media"
