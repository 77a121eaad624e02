"""FrameGrabber: the frame on screen at t, pixel-equal to a full sequential decode."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from studio.domain.errors import UserError
from studio.editor.frames import (
    FrameGrabber,
    FrameImage,
    decode_image,
    encode_jpeg,
    encode_png,
)
from studio.editor.keyframes import PacketIndex
from studio.editor.probe import ProbeError
from studio.editor.synth import make_sample_clip

US = 1_000_000


def sequential(path: Path) -> list[tuple[int, np.ndarray]]:
    """Ground truth: (start µs, RGB as stored, rotation not applied) of every frame, in order."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        tb, start = Fraction(s.time_base), s.start_time or 0
        return [(math.ceil((f.pts - start) * tb * US), f.to_ndarray(format="rgb24"))
                for f in c.decode(s)]


def check_every_frame(grab: FrameGrabber, path: Path, truth: list[tuple[int, np.ndarray]]) -> None:
    order = list(range(len(truth)))
    random.Random(7).shuffle(order)  # jump around: forward, backward, across GOPs
    for i in order:
        start = truth[i][0]
        for t, j in ((start, i), (start - 1, max(0, i - 1)), (start + 1, i)):
            got = grab.frame_at(path, t)
            assert got.start_us == truth[j][0], (i, t)
            assert np.array_equal(got.rgb, truth[j][1]), (i, t)


@pytest.fixture
def gop_clip(make_clip: Callable[..., Path]) -> Path:
    return make_clip("frames.mp4", seconds=2, width=160, height=90, fps=24, gop=12, audio=False)


@pytest.fixture
def bframe_clip(tmp_path: Path) -> Path:
    return make_sample_clip(tmp_path / "bframes.mp4", seconds=2, width=160, height=96, fps=24,
                            gop=12)


def test_frame_at_on_just_before_and_after_each_start(gop_clip: Path, bframe_clip: Path) -> None:
    with FrameGrabber(PacketIndex(window_us=300_000)) as grab:
        for path in (gop_clip, bframe_clip):
            check_every_frame(grab, path, sequential(path))


def test_variable_frame_rate(clip_vfr: Path) -> None:
    truth = sequential(clip_vfr)
    durations = {b[0] - a[0] for a, b in zip(truth, truth[1:], strict=False)}
    assert durations <= {33333, 33334, 66666, 66667}  # 1/30 s, then 1/15 s
    assert durations & {33333, 33334} and durations & {66666, 66667}
    with FrameGrabber() as grab:
        check_every_frame(grab, clip_vfr, truth)
        early, late = grab.frame_at(clip_vfr, 500_000), grab.frame_at(clip_vfr, 3_000_000)
        assert early.duration_us in (33333, 33334) and late.duration_us in (66666, 66667)


@pytest.mark.parametrize("which", ["gop", "vfr"])
def test_stepping_walks_the_sequential_decode(which: str, gop_clip: Path, clip_vfr: Path) -> None:
    path = gop_clip if which == "gop" else clip_vfr
    truth = sequential(path)
    with FrameGrabber(history=4) as grab:
        frame: FrameImage | None = grab.frame_at(path, 0)
        for n, (start, rgb) in enumerate(truth):
            assert frame is not None and frame.start_us == start and frame.index_hint == n
            assert np.array_equal(frame.rgb, rgb)
            before = grab.frames_decoded
            nxt = grab.next_frame(path, frame)
            assert grab.frames_decoded - before <= 1  # no re-seek: one decode per step
            if nxt is not None:
                assert frame.end_us == nxt.start_us
            last, frame = frame, nxt
        assert frame is None  # past the last frame
        frame = last
        for start, rgb in reversed(truth):  # history of 4, then re-seeks: still exact
            assert frame is not None and frame.start_us == start
            assert np.array_equal(frame.rgb, rgb)
            frame = grab.prev_frame(path, frame)
        assert frame is None  # before the first frame


def test_step_from_a_frame_of_another_grabber(gop_clip: Path) -> None:
    truth = sequential(gop_clip)
    with FrameGrabber() as a, FrameGrabber() as b:
        f = a.frame_at(gop_clip, truth[30][0])
        nxt, prev = b.next_frame(gop_clip, f), b.prev_frame(gop_clip, f)
        assert nxt is not None and prev is not None
        assert (prev.start_us, nxt.start_us) == (truth[29][0], truth[31][0])


def test_beyond_the_end_and_before_the_start(gop_clip: Path) -> None:
    truth = sequential(gop_clip)
    with FrameGrabber() as grab:
        assert np.array_equal(grab.frame_at(gop_clip, 3600 * US).rgb, truth[-1][1])
        assert np.array_equal(grab.frame_at(gop_clip, 10 * US).rgb, truth[-1][1])
        assert grab.frame_at(gop_clip, -5).start_us == 0


def test_rotated_clip_comes_out_turned(clip_rotated: Path) -> None:
    truth = sequential(clip_rotated)
    with FrameGrabber() as grab:
        got = grab.frame_at(clip_rotated, truth[10][0])
        assert got.rgb.shape == (320, 180, 3)  # 320x180 pixels, shown 180 wide, 320 tall
        assert np.array_equal(got.rgb, np.rot90(truth[10][1], k=-1))  # 90° clockwise
        small = grab.frame_at(clip_rotated, truth[10][0], max_size=(90, 90))
        assert small.rgb.shape == (90, 51, 3)


def test_max_size_scales_down_with_inter_area(gop_clip: Path) -> None:
    truth = sequential(gop_clip)
    with FrameGrabber() as grab:
        got = grab.frame_at(gop_clip, truth[3][0], max_size=80)
        assert got.rgb.shape == (45, 80, 3)
        expected = cv2.resize(truth[3][1], (80, 45), interpolation=cv2.INTER_AREA)
        assert np.array_equal(got.rgb, expected)
        assert grab.frame_at(gop_clip, 0, max_size=(1000, 1000)).rgb.shape == (90, 160, 3)


def _remux_with_offset(src: Path, dst: Path, seconds: float) -> Path:
    """The same packets in another container, every timestamp moved ``seconds`` later."""
    with av.open(str(src)) as i, av.open(str(dst), "w") as o:
        ins = i.streams.video[0]
        out = o.add_stream_from_template(ins)
        shift = int(seconds / ins.time_base)
        for packet in i.demux(ins):
            if packet.dts is None:
                continue
            packet.pts += shift
            packet.dts += shift
            packet.stream = out
            o.mux(packet)
    return dst


@pytest.mark.parametrize("suffix", [".mkv", ".ts"])
def test_media_time_zero_is_the_first_frame(gop_clip: Path, tmp_path: Path, suffix: str) -> None:
    shifted = _remux_with_offset(gop_clip, tmp_path / f"shifted{suffix}", 1.5)
    with av.open(str(shifted)) as c:
        assert c.streams.video[0].start_time > 0
    truth = sequential(shifted)  # (pts - start_time): starts at 0
    assert truth[0][0] == 0
    index = PacketIndex(window_us=250_000)
    assert index.frame_times_between(shifted, 0, 10 * US) == [t for t, _ in truth]
    assert index.keyframe_at_or_before(shifted, 600_000).time_us == 500_000
    with FrameGrabber(index) as grab:
        assert grab.frame_at(shifted, 0).start_us == 0
        for i in (40, 5, 47, 12, 11, 0):
            got = grab.frame_at(shifted, truth[i][0])
            assert np.array_equal(got.rgb, truth[i][1]) and got.start_us == truth[i][0]


def test_an_mpeg_ts_with_b_frames_and_sound_from_first_to_last_frame(bframe_clip: Path,
                                                                     tmp_path: Path) -> None:
    """MPEG-TS (AVCHD .mts) has no index: its seeks land late, even at the very start or
    past the end. The index and the grabber still find every frame, the first and the
    last included (the first two frames and the keyframe at 0 were missing before)."""
    import subprocess

    from studio.editor.synth import ffmpeg_exe

    ts = tmp_path / "camcorder.mts"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(bframe_clip), "-c", "copy",
                    "-f", "mpegts", str(ts)], check=True)  # fmt: skip
    truth = sequential(ts)
    index = PacketIndex(window_us=300_000)
    assert index.frame_times_between(ts, 0, 10 * US) == [t for t, _ in truth]
    assert index.keyframe_at_or_before(ts, 100_000).time_us == 0
    with FrameGrabber(index) as grab:
        check_every_frame(grab, ts, truth)


def test_missing_and_corrupt_files_raise_clear_errors(
    tmp_path: Path, file_text: Path, file_truncated: Path
) -> None:
    with FrameGrabber() as grab:
        with pytest.raises(ProbeError) as err:
            grab.frame_at(tmp_path / "nowhere.mp4", 0)
        assert err.value.kind == "missing" and "nowhere.mp4" in str(err.value)
        with pytest.raises(ProbeError) as err:
            grab.frame_at(file_text, 0)
        assert err.value.kind == "not_media"
        with pytest.raises(UserError) as uerr:
            grab.frame_at(file_truncated, 0)
        assert "incomplete" in str(uerr.value)


def test_encoders_round_trip(gop_clip: Path) -> None:
    rgb = sequential(gop_clip)[0][1]
    assert np.array_equal(decode_image(encode_png(rgb)), rgb)
    jpeg = encode_jpeg(rgb, 90)
    assert jpeg[:2] == b"\xff\xd8"
    back = decode_image(jpeg)
    assert back.shape == rgb.shape and np.abs(back.astype(int) - rgb).mean() < 8
