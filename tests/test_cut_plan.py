"""Cut planning: which strategy, which segments, and properties that must always hold."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.domain.models import MediaInfo
from studio.domain.profiles import load_profile
from studio.editor.cut_plan import CutPoints, RenderSettings, Strategy, plan_cut

PROFILE = load_profile("tiktok-series")
FD = Fraction(1_000_000, 30)  # µs per frame at 30 fps
GOP = 60  # frames


def info(**changes) -> MediaInfo:
    base = MediaInfo(
        path="/v/a.mp4", container="mov,mp4,m4a,3gp,3g2,mj2", duration=600_000_000,
        size=600_000_000, mtime=0.0, video_codec="h264", pixel_format="yuv420p",
        width=1080, height=1920, frame_rate=Fraction(30), audio_codec="aac",
        audio_channels=2, audio_sample_rate=48000,
    )  # fmt: skip
    return replace(base, **changes)


def t(frame: int) -> int:
    return round(frame * FD)


def cuts(in_frame: int, out_frame: int, *, reordering: bool = True, total: int = 18000,
         gop: int = GOP, run: int | None = None) -> CutPoints:  # fmt: skip
    """``run``: with B-frames, the copy may stop ``run`` frames after the last keyframe
    before the out point (where a run of B-frames ends, as read from decode order)."""
    k_before_in = in_frame // gop * gop
    k_after_in = -(-in_frame // gop) * gop
    k_before_out = (out_frame - 1) // gop * gop
    copyable = None
    if run is not None and reordering and out_frame < total and out_frame % gop:
        copyable = t(min(out_frame, k_before_out + run))
    return CutPoints(copyable_to=copyable,
        in_frame=t(in_frame), out_end=t(out_frame), key_before_in=t(k_before_in),
        key_after_in=t(k_after_in) if k_after_in < out_frame else None,
        key_before_out=t(k_before_out), reordering=reordering, media_end=t(total),
        frame_duration=FD, out_on_keyframe=out_frame % gop == 0,
    )  # fmt: skip


def test_in_on_a_keyframe_and_out_at_a_keyframe_is_a_copy():
    plan = plan_cut(info(), cuts(120, 9120), PROFILE)
    assert plan.strategy is Strategy.COPY
    assert [(s.mode, s.frames) for s in plan.segments] == [("copy", 9000)]
    assert plan.audio == "copy"
    assert plan.estimate_s < 10


def test_cut_inside_a_gop_encodes_only_the_partial_gops():
    plan = plan_cut(info(), cuts(130, 9100), PROFILE)
    assert plan.strategy is Strategy.SMART
    # Frames 130-179 encoded, 180-9059 copied (whole GOPs), 9060-9099 encoded.
    assert [(s.mode, s.frames) for s in plan.segments] == [
        ("encode", 50), ("copy", 8880), ("encode", 40),
    ]  # fmt: skip
    assert "90 frames re-encoded at both ends" in plan.reason


def test_without_b_frames_the_out_point_needs_no_tail_encode():
    plan = plan_cut(info(), cuts(130, 9100, reordering=False), PROFILE)
    assert [(s.mode, s.frames) for s in plan.segments] == [("encode", 50), ("copy", 8920)]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"video_codec": "hevc"}, "HEVC"),
        ({"variable_frame_rate": True, "frame_rate": Fraction(2700, 119)}, "variable frame rate"),
        ({"rotation": 90, "width": 1920, "height": 1080}, "rotated"),
        ({"frame_rate": Fraction(120)}, "frame rate"),
        ({"width": 64, "height": 36}, "resized"),
        ({"sample_aspect_ratio": Fraction(4, 3)}, "not square"),
    ],
)  # fmt: skip
def test_non_compliant_sources_are_reencoded_with_the_reason(changes, words):
    plan = plan_cut(info(**changes), cuts(120, 9120), PROFILE)
    assert plan.strategy is Strategy.REENCODE
    assert words in plan.reason
    assert plan.segments[0].mode == "encode" and len(plan.segments) == 1


def test_reframe_of_a_landscape_source_reencodes_to_the_profile_size():
    wide = info(width=1920, height=1080)
    plan = plan_cut(wide, cuts(0, 300), PROFILE, RenderSettings(reframe="pad_blur"))
    assert plan.strategy is Strategy.REENCODE
    assert (plan.output.width, plan.output.height) == (1080, 1920)
    # A vertical source ignores the reframe setting and can still be copied.
    plan = plan_cut(info(), cuts(0, 300), PROFILE, RenderSettings(reframe="pad_blur"))
    assert plan.strategy is Strategy.COPY


def test_a_20_minute_reencode_says_it_takes_minutes():
    long_vp9 = info(video_codec="vp9", duration=1_200_000_000)
    plan = plan_cut(long_vp9, cuts(0, 36000, total=36000), PROFILE)
    assert plan.estimate_s > 300
    assert "min" in plan.summary()


def test_loudness_normalisation_encodes_only_the_audio():
    plan = plan_cut(info(), cuts(120, 9120), PROFILE, RenderSettings(normalize_loudness=True))
    assert plan.strategy is Strategy.COPY and plan.audio == "encode"


@settings(max_examples=300, deadline=None)
@given(
    in_frame=st.integers(0, 3000),
    length=st.integers(1, 3000),
    gop=st.sampled_from([1, 12, 30, 60, 250]),
    reordering=st.booleans(),
    to_end=st.booleans(),
    run=st.one_of(st.none(), st.integers(1, 300)),
)
def test_segments_always_tile_the_range_and_copies_start_on_keyframes(
    in_frame, length, gop, reordering, to_end, run
):
    out_frame = in_frame + length
    total = out_frame if to_end else out_frame + 500
    c = cuts(in_frame, out_frame, reordering=reordering, total=total, gop=gop, run=run)
    plan = plan_cut(info(duration=t(total)), c, PROFILE)
    segs = plan.segments
    assert segs[0].start == c.in_frame and segs[-1].end == c.out_end
    assert all(a.end == b.start for a, b in zip(segs, segs[1:], strict=False))
    assert sum(s.frames for s in segs) == plan.frames == length
    for s in segs:
        assert s.frames > 0
        if s.mode == "copy":
            assert (round(s.start / FD)) % gop == 0, "a copy must start on a keyframe"
            ends_ok = s.end == c.out_end and (not reordering or to_end) or \
                round(s.end / FD) % gop == 0 or s.end == c.copyable_to  # fmt: skip
            assert ends_ok or not reordering
        else:  # an encode said to start on a keyframe really does
            assert not s.start_on_keyframe or round(s.start / FD) % gop == 0
    encoded = sum(s.frames for s in segs if s.mode == "encode")
    if plan.strategy is Strategy.SMART and len(segs) > 1:
        assert encoded < 2 * gop, "smart cut encodes at most the two partial GOPs"
    if c.copyable_to is not None and len(segs) > 1:
        # the copy reaches the end of the B-frame run: only what follows is re-encoded
        tail = segs[-1]
        assert tail.mode == "copy" or tail.start >= c.copyable_to or tail.start == c.in_frame
    copy_to_out = not reordering or to_end or out_frame % gop == 0 or c.copyable_to == c.out_end
    assert (plan.strategy is Strategy.COPY) == (in_frame % gop == 0 and copy_to_out)


@settings(max_examples=100, deadline=None)
@given(in_frame=st.integers(0, 3000), length=st.integers(30, 3000))
def test_copy_is_never_estimated_slower_than_smart_or_reencode(in_frame, length):
    c = cuts(in_frame, in_frame + length)
    smart = plan_cut(info(), c, PROFILE)
    full = plan_cut(info(video_codec="hevc"), c, PROFILE)
    assert smart.estimate_s <= full.estimate_s


def test_a_clip_whose_rate_turns_variable_late_is_reencoded_and_renders_its_frames(tmp_path):
    """A phone clip at 30 fps for 5 s, then 15 fps: copying it would keep 195 frames
    where the plan, read from its duration, counts 240."""
    import av
    import media

    from studio.domain.timecode import TimeRange
    from studio.editor.cut_points import cut_points
    from studio.editor.probe import probe
    from studio.editor.render import render

    src = media.make_late_vfr_clip(tmp_path / "phone.mp4", seconds=8, steady=5)
    source = probe(src)
    plan = plan_cut(source, cut_points(src, source, TimeRange(0, source.duration)), PROFILE)
    assert plan.strategy is Strategy.REENCODE
    assert plan.reason == "It has a variable frame rate; its frame rate becomes 24 fps"
    dest = tmp_path / "out.mp4"
    render(src, source, plan, dest)  # verifies the frame count against the plan
    with av.open(str(dest)) as c:
        v = c.streams.video[0]
        pts = sorted(p.pts for p in c.demux(v) if p.size)
        step = round(1 / (v.time_base * plan.output.frame_rate))
    assert len(pts) == plan.frames and abs(plan.frames - 192) <= 1  # 8 s at 24 fps
    assert {b - a for a, b in zip(pts, pts[1:], strict=False)} == {step}


@pytest.mark.parametrize("seconds, steady", [(6, 1), (8, 2), (7, 3)])
def test_a_variable_rate_clip_trimmed_to_its_end_plans_the_frames_it_has(tmp_path, seconds,
                                                                         steady):  # fmt: skip
    """The last frame of a clip that drops to 15 fps lasts 1/30 or 1/15 s, not the
    average frame duration: a trim to the very end counted a frame the render cannot
    make ("has 959 frames; the plan asked for 960") and the export failed."""
    import media

    from studio.domain.timecode import TimeRange
    from studio.editor.cut_points import cut_points
    from studio.editor.probe import probe
    from studio.editor.render import render

    src = media.make_late_vfr_clip(tmp_path / "phone.mp4", seconds=seconds, steady=steady)
    source = probe(src)
    plan = plan_cut(source, cut_points(src, source, TimeRange(0, source.duration)), PROFILE)
    assert plan.strategy is Strategy.REENCODE
    render(src, source, plan, tmp_path / "out.mp4")  # verifies the frame count
