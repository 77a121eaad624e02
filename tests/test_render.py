"""Rendering on real media: exact first/last frames, no dropped or doubled frames, A/V in step.

Every output frame is compared with the source frame the player shows at the
same place (FrameGrabber.frame_at, the one convention of the app). A frame
that was copied must be pixel-identical; a re-encoded one close; and each
must be nearer to its own source frame than to the frames either side, which
is what catches a duplicated or dropped frame at a join.
"""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from studio.domain.errors import UserError
from studio.domain.profiles import load_profile
from studio.domain.timecode import TimeRange
from studio.editor.cut_plan import RenderSettings, Strategy, plan_cut
from studio.editor.cut_points import cut_points, snap_trim
from studio.editor.ffmpeg_run import FFmpegError
from studio.editor.frames import FrameGrabber
from studio.editor.probe import probe
from studio.editor.render import render
from studio.editor.synth import make_sample_clip
from studio.tasks import Cancelled, CancelToken

PROFILE = load_profile("tiktok-series")
US = 1_000_000


def ffmpeg(*args: str) -> None:
    from studio.editor.synth import ffmpeg_exe

    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", *args], check=True)


def remux(src: Path, dest: Path, *, before: tuple = (), after: tuple = ()) -> Path:
    """``src``'s streams copied into ``dest``; ``before``/``after`` are input/output options."""
    ffmpeg(*before, "-i", str(src), "-c", "copy", *after, str(dest))
    return dest


def lavfi_clip(dest: Path, *, rate: str = "30", seconds: float = 4, video: tuple = (),
              sound: tuple = ()) -> Path:  # fmt: skip
    """A 360x640 testsrc2 clip with a 440 Hz tone, H.264 veryfast + AAC; ``video`` adds
    x264 options, ``sound`` options of the tone's input (such as ``-itsoffset``)."""
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=360x640:rate={rate}", *sound, "-f", "lavfi",
           "-i", "sine=frequency=440:sample_rate=48000", "-t", str(seconds), "-map", "0:v",
           "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt",
           "yuv420p", *video, "-c:a", "aac", "-ac", "2", str(dest))
    return dest


@pytest.fixture(scope="module")
def grabber():
    with FrameGrabber() as g:
        yield g


@pytest.fixture(scope="session")
def clip_bframes(tmp_path_factory) -> Path:
    """An x264 'veryfast' clip: B-frames, so a copy cannot end inside a GOP."""
    return make_sample_clip(tmp_path_factory.mktemp("bf") / "bframes.mp4", seconds=8,
                            width=360, height=640, fps=30, pattern="testsrc2")  # fmt: skip


@pytest.fixture(scope="session")
def clip_bframes_mkv(clip_bframes, tmp_path_factory) -> Path:
    """The B-frame clip stream-copied into Matroska (as yt-dlp often saves downloads):
    times rounded to the millisecond, decode times left for the demuxer to guess."""
    return remux(clip_bframes, tmp_path_factory.mktemp("mkv") / "bframes.mkv")


@pytest.fixture(scope="session")
def clip_ntsc(tmp_path_factory) -> Path:
    """29.97 frames per second (30000/1001), B-frames, a keyframe every 2 s."""
    return lavfi_clip(tmp_path_factory.mktemp("ntsc") / "ntsc.mp4", rate="30000/1001",
                     seconds=8, video=("-g", "60"))


def decoded(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as c:
        return [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]


def frame_times(path: Path) -> list[float]:
    """When each frame of ``path`` is shown (seconds from its first frame), in order."""
    with av.open(str(path)) as c:
        times = [f.time for f in c.decode(video=0)]
    return [t - times[0] for t in times]


def fit(want: np.ndarray, like: np.ndarray) -> np.ndarray:
    """The source frame at the output's size (a re-encode may have scaled it)."""
    if want.shape == like.shape:
        return want
    assert want.shape[1] * like.shape[0] == want.shape[0] * like.shape[1], "aspect changed"
    return cv2.resize(want, (like.shape[1], like.shape[0]), interpolation=cv2.INTER_LANCZOS4)


def diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def render_and_check(src: Path, trim: TimeRange, dest: Path, grabber: FrameGrabber,
                     settings: RenderSettings | None = None):  # fmt: skip
    settings = settings or RenderSettings()
    info = probe(src)
    snapped = snap_trim(src, info, trim)  # what the app stores when a trim is set
    assert abs(snapped.start - trim.start) < 50_000 and abs(snapped.end - trim.end) < 50_000
    trim = snapped
    plan = plan_cut(info, cut_points(src, info, trim), PROFILE, settings)
    result = render(src, info, plan, dest, settings=settings)
    out = decoded(dest)
    rate = plan.output.frame_rate
    fd = Fraction(US) / rate
    # Each frame is shown one frame duration after the one before: a player
    # shows the copied and the re-encoded frames at their own times.
    for i, t in enumerate(frame_times(dest)):
        assert abs(t - i * float(fd) / US) < 0.002, f"frame {i} is shown at {t:.4f} s"
    # Duration: the trimmed range, within one frame.
    assert abs(result.duration_us - (trim.end - trim.start)) <= fd + 1
    assert len(out) == plan.frames
    # Sound and picture agree within one frame.
    if result.audio_duration_us is not None:
        with av.open(str(dest)) as c:
            a, v = c.streams.audio[0], c.streams.video[0]
            a_end = float((a.start_time or 0) * a.time_base) + float(a.duration * a.time_base)
            v_end = float((v.start_time or 0) * v.time_base) + float(v.duration * v.time_base)
        assert abs(a_end - v_end) <= float(fd) / US
    # Every frame against the source frame on screen at its time.
    copied = {i for i, _ in enumerate(out)} if plan.strategy is Strategy.COPY else set()
    if plan.strategy is Strategy.SMART:
        n = 0
        for s in plan.segments:
            if s.mode == "copy":
                copied |= set(range(n, n + s.frames))
            n += s.frames
    for i, frame in enumerate(out):
        t = plan.start + round((i + Fraction(1, 2)) * fd)  # the middle of output frame i
        raw = grabber.frame_at(src, t).rgb
        want = fit(raw, frame)
        tol = 6 if raw.shape == frame.shape else 9  # scaling adds its own differences
        d = diff(frame, want)
        if i in copied:
            assert d == 0, f"copied frame {i} differs from the source ({d:.2f})"
        else:
            assert d < tol, f"re-encoded frame {i} is far from the source ({d:.2f})"
        for j in (i - 1, i + 1):
            tj = plan.start + round((j + Fraction(1, 2)) * fd)
            if 0 <= tj < info.duration and j >= 0:
                other = fit(grabber.frame_at(src, tj).rgb, frame)
                if diff(other, want) > 4:  # neighbours that really differ
                    assert d < diff(frame, other), f"frame {i} looks like frame {j}"
    # First and last frames are the frames at the in and out points.
    assert diff(out[0], fit(grabber.frame_at(src, trim.start).rgb, out[0])) < tol
    assert diff(out[-1], fit(grabber.frame_at(src, trim.end - 1).rgb, out[-1])) < tol
    return plan, result


def test_copy_when_the_in_point_is_a_keyframe(clip_vertical, grabber, tmp_path):
    plan, _ = render_and_check(clip_vertical, TimeRange(4 * US, 9_500_000),
                               tmp_path / "copy.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.COPY


def test_smart_cut_between_keyframes_landscape(clip_landscape, grabber, tmp_path):
    plan, _ = render_and_check(clip_landscape, TimeRange(3_300_000, 9_700_000),
                               tmp_path / "smart.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.SMART
    assert [s.mode for s in plan.segments] == ["encode", "copy"]


def test_smart_cut_with_b_frames_encodes_both_ends(clip_bframes, grabber, tmp_path):
    plan, _ = render_and_check(clip_bframes, TimeRange(1_230_000, 6_370_000),
                               tmp_path / "smart-bf.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.SMART
    assert [s.mode for s in plan.segments] == ["encode", "copy", "encode"]
    # The copy runs into the last keyframe interval, to where a run of B-frames
    # ends: only the frames after it are re-encoded, not the whole interval.
    copy, tail = plan.segments[1], plan.segments[2]
    assert copy.end > 6 * US and 1 <= tail.frames <= 4


def b_frame_run_ends(path: Path, key_s: float) -> list[float]:
    """Times (s) where a run of frames from the keyframe at ``key_s`` ends, read from
    decode order: after such a frame, every frame decoded is shown before any to come."""
    with av.open(str(path)) as c:
        v = c.streams.video[0]
        c.seek(round(key_s / v.time_base), stream=v, backward=True)
        packets = [p for p in c.demux(v) if p.pts is not None and p.size]
    start = next(i for i, p in enumerate(packets) if p.is_keyframe
                 and abs(float(p.pts * v.time_base) - key_s) < 0.001)  # fmt: skip
    gop = packets[start:]
    gop = gop[:next((i for i, p in enumerate(gop) if i and p.is_keyframe), len(gop))]
    ends, shown = [], sorted(p.pts for p in gop)
    for n in range(1, len(gop)):
        if max(p.pts for p in gop[:n]) == shown[n - 1]:
            ends.append(float(shown[n] * v.time_base))
    return ends


def test_a_b_frame_cut_where_a_run_of_b_frames_ends_is_copied_whole(clip_bframes, grabber,
                                                                    tmp_path):  # fmt: skip
    ends = [t for t in b_frame_run_ends(clip_bframes, 6.0) if t > 6.05]
    assert ends, "the clip should have B-frame runs after its keyframe at 6 s"
    plan, _ = render_and_check(clip_bframes, TimeRange(2 * US, round(ends[0] * US)),
                               tmp_path / "copy-run.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.COPY
    # From inside a GOP: the in point is re-encoded, the copy runs to the out point.
    plan, _ = render_and_check(clip_bframes, TimeRange(1_230_000, round(ends[0] * US)),
                               tmp_path / "smart-run.mp4", grabber)  # fmt: skip
    assert [s.mode for s in plan.segments] == ["encode", "copy"]


def test_a_part_that_fails_stops_the_join_and_says_why(clip_bframes, tmp_path, monkeypatch):
    """The join starts with the parts and waits for them through pipes: when a part
    fails, the join must not wait for ever, the part's own error is what the user
    reads, and nothing is left behind."""
    import time

    import studio.editor.smart_cut as smart_cut

    real = smart_cut.render_segment

    def failing(src, seg, piece, *args, **kwargs):
        if seg.start_on_keyframe or seg is plan.segments[-1]:
            time.sleep(0.3)  # the join is already waiting for this part
            raise FFmpegError("Re-encoding a cut failed: the disk is full")
        return real(src, seg, piece, *args, **kwargs)

    monkeypatch.setattr(smart_cut, "render_segment", failing)
    info = probe(clip_bframes)
    trim = snap_trim(clip_bframes, info, TimeRange(1_230_000, 6_370_000))
    plan = plan_cut(info, cut_points(clip_bframes, info, trim), PROFILE, RenderSettings())
    assert plan.segments[-1].mode == "encode"
    out = tmp_path / "out"
    started = time.monotonic()
    with pytest.raises(UserError, match="the disk is full"):
        render(clip_bframes, info, plan, out / "x.mp4")
    assert time.monotonic() - started < 20
    assert list(out.iterdir()) == []


def test_a_smart_cut_to_a_relative_folder(clip_bframes, grabber, tmp_path, monkeypatch):
    """`studio export COLLECTION --to kit`: ffmpeg reads the paths of a concat list from
    the list's own folder, so relative ones were looked for in kit/.work/kit/... and
    every smart cut failed."""
    monkeypatch.chdir(tmp_path)
    plan, _ = render_and_check(clip_bframes, TimeRange(1_230_000, 6_370_000),
                               Path("kit") / "relative.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.SMART and (tmp_path / "kit" / "relative.mp4").is_file()


def test_a_smart_cut_where_named_pipes_cannot_be_made(clip_bframes, grabber, tmp_path,
                                                      monkeypatch):  # fmt: skip
    """On an exFAT drive or a network share (or on Windows) there are no named pipes:
    the join then waits for the parts, and the render is the same."""
    import errno

    import studio.editor.smart_cut as smart_cut

    def no_fifo(path, *args):
        raise OSError(errno.EPERM, "Operation not permitted", str(path))

    monkeypatch.setattr(smart_cut.os, "mkfifo", no_fifo)
    plan, _ = render_and_check(clip_bframes, TimeRange(1_230_000, 6_370_000),
                               tmp_path / "no-pipes.mp4", grabber)  # fmt: skip
    assert [s.mode for s in plan.segments] == ["encode", "copy", "encode"]


def test_progress_of_a_smart_cut_only_grows_and_ends_full(clip_bframes, tmp_path):
    info = probe(clip_bframes)
    trim = snap_trim(clip_bframes, info, TimeRange(1_230_000, 6_370_000))
    plan = plan_cut(info, cut_points(clip_bframes, info, trim), PROFILE, RenderSettings())
    seen = []
    render(clip_bframes, info, plan, tmp_path / "p.mp4", progress=seen.append)
    values = [p.done / p.total for p in seen]
    assert values and values[-1] == pytest.approx(1.0)
    assert all(b >= a for a, b in zip(values, values[1:], strict=False))


def test_a_smart_cut_whose_copy_is_one_keyframe(clip_bframes, grabber, tmp_path):
    """The copied part is just the keyframe: with B-frames, the frame after it is
    decoded before it is shown, so the join cannot stop between them by decode time;
    the safe path copies the one frame by count."""
    plan, _ = render_and_check(clip_bframes, TimeRange(1_230_000, 2_033_334),
                               tmp_path / "one-key.mp4", grabber)  # fmt: skip
    assert [(s.mode, s.frames) for s in plan.segments][-1] == ("copy", 1)


def test_a_smart_cut_of_b_frames_can_end_on_a_keyframe(clip_bframes, grabber, tmp_path):
    """The in point is re-encoded and the copy runs to a keyframe: the joined file's
    decode times must still run evenly (it used to come out two frames short)."""
    plan, _ = render_and_check(clip_bframes, TimeRange(1_230_000, 6 * US),
                               tmp_path / "smart-to-key.mp4", grabber)  # fmt: skip
    assert [s.mode for s in plan.segments] == ["encode", "copy"]


def test_copy_with_b_frames_ending_on_a_keyframe(clip_bframes, grabber, tmp_path):
    plan, _ = render_and_check(clip_bframes, TimeRange(2 * US, 6 * US),
                               tmp_path / "copy-bf.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.COPY


def test_copy_and_smart_cut_of_a_matroska_source(clip_bframes_mkv, grabber, tmp_path):
    """Matroska seeks land on earlier keyframes and its decode times are guessed: the
    render cuts a stream-copied MP4 of the same frames instead (it used to come out
    half as long)."""
    plan, _ = render_and_check(clip_bframes_mkv, TimeRange(2 * US, 6 * US),
                               tmp_path / "mkv-copy.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.COPY
    plan, _ = render_and_check(clip_bframes_mkv, TimeRange(1_230_000, 6_370_000),
                               tmp_path / "mkv-smart.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.SMART


@pytest.fixture(scope="session")
def clip_open_gop(tmp_path_factory) -> Path:
    """x264 with open GOPs: after each keyframe (not an IDR), B-frames refer back."""
    return lavfi_clip(tmp_path_factory.mktemp("opengop") / "opengop.mp4", video=(
        "-x264-params", "keyint=30:min-keyint=30:scenecut=0:bframes=3:open-gop=1"))


def test_an_open_gop_source_is_reencoded_and_says_why(clip_open_gop, grabber, tmp_path):
    """Copying from an open-GOP keyframe made a file whose copied frames did not
    decode (and that render() accepted)."""
    plan, _ = render_and_check(clip_open_gop, TimeRange(966_667, 2_966_667),
                               tmp_path / "open.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.REENCODE and "keyframes are open" in plan.reason


@pytest.fixture(scope="module")
def clip_intra_refresh(tmp_path_factory) -> Path:
    """x264's periodic intra refresh (low-latency recorders, some drones): only the
    first frame is an IDR; every second, a refresh start is flagged as a keyframe."""
    return lavfi_clip(tmp_path_factory.mktemp("ir") / "intra-refresh.mp4",
                      video=("-x264-params", "keyint=30:intra-refresh=1:bframes=3"))


@pytest.mark.parametrize("start, end", [
    (2_200_000, 2_500_000),  # just after a refresh start: re-encoded
    (3_300_000, 3_600_000),  # after the last one: the range is one keyframe interval
    (3_966_667, 4_000_000),  # the last frame alone
    (1_100_000, 3_900_000),  # most of the clip
])  # fmt: skip
def test_an_intra_refresh_source_renders_the_frames_of_its_trim(clip_intra_refresh, grabber,
                                                                tmp_path, start, end):
    """Decoding from a refresh start shows nothing until the picture has recovered
    (here about 1.5 s): the encode began with one frozen frame repeated in place of
    the first ones, and a trim after the last refresh start failed outright."""
    plan, _ = render_and_check(clip_intra_refresh, TimeRange(start, end),
                               tmp_path / "ir.mp4", grabber)  # fmt: skip
    assert plan.strategy is not Strategy.COPY
    if start > 1_500_000:  # the keyframe before the in point does not show it in time
        assert plan.decode_from is not None and plan.decode_from < start - 1_000_000


def test_a_file_cut_between_keyframes_is_reencoded_and_says_why(clip_bframes, grabber,
                                                                tmp_path):  # fmt: skip
    """A file cut by stream copy at a non-keyframe (as other tools do) keeps hidden
    frames before its start (an edit list); copies from it came out empty or short."""
    src = remux(clip_bframes, tmp_path / "cut-by-copy.mp4", before=("-ss", "0.5"))
    plan, _ = render_and_check(src, TimeRange(1_500_000, 2_500_000), tmp_path / "pre.mp4",
                               grabber)  # fmt: skip
    assert plan.strategy is Strategy.REENCODE and "starts between keyframes" in plan.reason


def test_sound_that_starts_after_the_picture_is_kept_as_it_is(tmp_path, grabber):
    """A source whose sound starts 0.3 s late: the render keeps that (sound and picture
    end together), rather than refusing every trim that includes the start."""
    src = lavfi_clip(tmp_path / "late-sound.mp4", video=("-g", "30"), sound=("-itsoffset", "0.3"))
    plan, result = render_and_check(src, TimeRange(0, 2 * US), tmp_path / "late.mp4", grabber)
    assert plan.strategy is Strategy.COPY and result.audio_duration_us < 1_800_000


def test_a_camcorder_mpeg_ts_from_its_first_frame_is_copied(clip_bframes, grabber, tmp_path):
    """An .mts trimmed from its very first frame: the plan copies from the keyframe at 0
    (the index used to miss it, so the first second was re-encoded)."""
    src = remux(clip_bframes, tmp_path / "camcorder.mts", after=("-f", "mpegts"))
    plan, _ = render_and_check(src, TimeRange(0, 4 * US), tmp_path / "mts.mp4", grabber)
    assert plan.strategy is Strategy.COPY
    # Inside a GOP: the copy still runs to the end of a B-frame run (decode order
    # read from a seek that lands early enough in a stream without an index).
    plan, _ = render_and_check(src, TimeRange(1_230_000, 3_370_000), tmp_path / "mts2.mp4",
                               grabber)  # fmt: skip
    assert [s.mode for s in plan.segments][:2] == ["encode", "copy"]
    assert plan.segments[-1].mode == "copy" or plan.segments[-1].frames <= 4


def test_smart_cut_at_29_97_frames_per_second(clip_ntsc, grabber, tmp_path):
    plan, _ = render_and_check(clip_ntsc, TimeRange(1_230_000, 6_370_000),
                               tmp_path / "ntsc.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.SMART and plan.output.frame_rate == Fraction(30000, 1001)


def test_reencode_of_a_vertical_clip_when_asked(clip_vertical, grabber, tmp_path):
    plan, _ = render_and_check(clip_vertical, TimeRange(1_100_000, 3_900_000),
                               tmp_path / "re.mp4", grabber, RenderSettings(reencode=True))
    assert plan.strategy is Strategy.REENCODE


def test_reencode_of_a_rotated_clip_comes_out_upright(clip_rotated, grabber, tmp_path):
    plan, _ = render_and_check(clip_rotated, TimeRange(700_000, 2_600_000),
                               tmp_path / "rot.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.REENCODE and "rotated" in plan.reason
    info = probe(tmp_path / "rot.mp4")
    assert info.rotation == 0 and info.width < info.height  # 360x640 source, shown upright


def test_reencode_of_a_variable_frame_rate_clip(clip_vfr, grabber, tmp_path):
    plan, _ = render_and_check(clip_vfr, TimeRange(500_000, 3_500_000),
                               tmp_path / "vfr.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.REENCODE and "variable frame rate" in plan.reason
    assert not probe(tmp_path / "vfr.mp4").variable_frame_rate


def test_cancelled_render_leaves_nothing(clip_landscape, tmp_path):
    info = probe(clip_landscape)
    trim = TimeRange(0, info.duration)
    settings = RenderSettings(reencode=True)
    plan = plan_cut(info, cut_points(clip_landscape, info, trim), PROFILE, settings)
    token = CancelToken()
    seen = []

    def progress(p):
        seen.append(p)
        if len(seen) == 2:
            token.cancel()

    with pytest.raises(Cancelled):
        render(clip_landscape, info, plan, tmp_path / "out" / "x.mp4", settings=settings,
               progress=progress, cancel=token)  # fmt: skip
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("reencode", [False, True])
def test_a_damaged_source_fails_with_a_message_naming_the_file(clip_vertical, tmp_path,
                                                                 reencode):
    info = probe(clip_vertical)
    bad = tmp_path / "take-3.mp4"
    data = clip_vertical.read_bytes()
    bad.write_bytes(data[: int(len(data) * 0.4)])  # cut off, like an interrupted copy
    settings = RenderSettings(reencode=reencode)
    plan = plan_cut(info, cut_points(clip_vertical, info, TimeRange(0, info.duration)), PROFILE,
                    settings)  # fmt: skip
    with pytest.raises(UserError) as err:
        render(bad, info, plan, tmp_path / "o" / "x.mp4", settings=settings,
               label="episode 1 'Intro'")  # fmt: skip
    assert "episode 1 'Intro'" in str(err.value) and "take-3.mp4" in str(err.value)
    assert list((tmp_path / "o").iterdir()) == []


def test_smart_cut_falls_back_when_the_direct_join_misses_a_frame(clip_bframes, grabber,
                                                                  tmp_path, monkeypatch):
    """If the out point read from the source lets an extra frame through, the render
    notices (frame count) and makes the copied part separately instead."""
    import studio.editor.smart_cut as smart_cut

    real = smart_cut.first_dts_at_or_after
    monkeypatch.setattr(smart_cut, "first_dts_at_or_after",
                        lambda src, t: real(src, t) + 100_000)  # 3 frames too late
    paths = []
    real_join = smart_cut.smart_join

    def spy(*args, direct, **kw):
        paths.append(direct)
        return real_join(*args, direct=direct, **kw)

    monkeypatch.setattr(smart_cut, "smart_join", spy)
    plan, _ = render_and_check(clip_bframes, TimeRange(1_230_000, 6_370_000),
                               tmp_path / "fallback.mp4", grabber)  # fmt: skip
    assert paths == [True, False]
    assert plan.strategy is Strategy.SMART


def test_copy_of_a_landscape_clip(clip_landscape, grabber, tmp_path):
    plan, _ = render_and_check(clip_landscape, TimeRange(2 * US, 7_300_000),
                               tmp_path / "copy-wide.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.COPY


def test_smart_cut_of_a_vertical_clip(clip_vertical, grabber, tmp_path):
    plan, _ = render_and_check(clip_vertical, TimeRange(2_450_000, 8_900_000),
                               tmp_path / "smart-tall.mp4", grabber)  # fmt: skip
    assert plan.strategy is Strategy.SMART


def test_reencode_of_a_landscape_clip_reframed_to_9_16(clip_landscape, tmp_path):
    settings = RenderSettings(reframe="pad_blur")
    info = probe(clip_landscape)
    trim = snap_trim(clip_landscape, info, TimeRange(US, 3 * US))
    plan = plan_cut(info, cut_points(clip_landscape, info, trim), PROFILE, settings)
    assert plan.strategy is Strategy.REENCODE and "9:16" in plan.reason
    result = render(clip_landscape, info, plan, tmp_path / "tall.mp4", settings=settings)
    out = probe(tmp_path / "tall.mp4")
    assert (out.width, out.height) == (1080, 1920)
    assert result.frames == plan.frames


def test_verify_rejects_frames_that_do_not_follow_each_other_evenly(clip_vertical, tmp_path):
    """A join that garbles timestamps keeps the frame count and the length; only the
    times between frames show it, and the render must then fail, not be kept."""
    from studio.editor.render import RenderError, verify
    from studio.editor.synth import ffmpeg_exe

    info = probe(clip_vertical)
    trim = snap_trim(clip_vertical, info, TimeRange(2_450_000, 4_450_000))
    plan = plan_cut(info, cut_points(clip_vertical, info, trim), PROFILE, RenderSettings())
    assert plan.strategy is Strategy.SMART
    join = plan.segments[0].frames  # the first copied frame
    bad = tmp_path / "uneven.mp4"
    # The planned frames at 30 fps, but the first frame after the join is shown
    # half a frame late.
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc2=size=360x640:rate=30:duration={plan.frames / 30}", "-f", "lavfi",
                    "-i", f"sine=frequency=440:duration={plan.frames / 30}", "-vf",
                    f"settb=1/60,setpts=if(eq(N\\,{join})\\,PTS+1\\,PTS)", "-fps_mode",
                    "passthrough", "-c:v", "libx264", "-bf", "0", "-c:a", "aac", "-shortest",
                    str(bad)], check=True)  # fmt: skip
    verify(bad, plan, "uneven.mp4")  # count and length are right
    with pytest.raises(RenderError, match="after the one before it"):
        verify(bad, plan, "uneven.mp4", timestamps=True)
    good = tmp_path / "even.mp4"
    render(clip_vertical, info, plan, good)
    verify(good, plan, "even.mp4", timestamps=True)


def test_a_smart_cut_on_a_full_disk_stops_rather_than_take_the_longer_path(
        clip_bframes, tmp_path, monkeypatch):  # fmt: skip
    """The smart cut's fast path failing on a full disk fell back to the safe path, which
    writes every part to a file of its own: more of what there is no room for."""
    from disks import fill, small_disk

    from studio.editor import smart_cut
    from studio.editor.ffmpeg_run import DiskFull

    joins = []
    real = smart_cut.run_ffmpeg

    def counted(argv, **kwargs):
        joins.extend(a for a in argv if a.endswith(".txt"))
        return real(argv, **kwargs)

    monkeypatch.setattr(smart_cut, "run_ffmpeg", counted)
    info = probe(clip_bframes)
    plan = plan_cut(info, cut_points(clip_bframes, info, TimeRange(1_230_000, 6_370_000)),
                    PROFILE, RenderSettings())  # fmt: skip
    assert plan.strategy is Strategy.SMART
    with small_disk(tmp_path / "small", "1m") as disk:
        fill(disk, leave=40_000)
        with pytest.raises(DiskFull):
            render(clip_bframes, info, plan, disk / "out.mp4")
        assert not [j for j in joins if j.endswith("parts.txt")], joins  # no safe path
        assert sorted(p.name for p in disk.iterdir()) == ["junk"]  # nothing left behind
