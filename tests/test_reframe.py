"""9:16 reframing: each mode through the real bundled ffmpeg, and face tracking.

Detection is factored out (``detect=``): the tracker's gap filling, smoothing and
the follow render are tested with an injected detector on a clip whose moving
object is found by thresholding. OpenCV's Haar cascade does fire on a simple
drawn schematic face (oval, brows, dark eyes, nose, mouth); those tests run
where the installed OpenCV has the cascades (OpenCV 4 wheels; OpenCV 5 moved
them to opencv-contrib and ships no cascade files).
"""

from __future__ import annotations

import random
import subprocess
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import av
import cv2
import numpy as np
import pytest
from media import ffmpeg_exe

from studio.domain.errors import UserError
from studio.editor.reframe import (
    MODES,
    Box,
    FaceTrack,
    Smoothing,
    crop_window,
    detect_faces,
    face_detection_available,
    follow_keypoints,
    main_face,
    piecewise_linear_expr,
    reframe_filter,
    smooth_track,
    track_faces,
)
from studio.tasks import Cancelled, CancelToken, Progress

W, H = 320, 180  # source clips
DW, DH = 180, 320  # rendered 9:16
# The project pins OpenCV 4 for its Haar cascades (OpenCV 5 dropped them): their
# absence is a failure, never a skip.


def test_face_detection_is_available():
    assert face_detection_available(), "OpenCV without Haar cascades: pin opencv < 5"


# -- helpers ---------------------------------------------------------------------------


def _ffmpeg(*args: str) -> None:
    argv = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    proc = subprocess.run(argv, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


def write_clip(path: Path, frames: Iterable[np.ndarray], fps: int = 10) -> Path:
    """Encode RGB frames (all the same size) as H.264 with the bundled ffmpeg."""
    frames = list(frames)
    h, w = frames[0].shape[:2]
    argv = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps), "-i", "-",
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "16", "-pix_fmt", "yuv420p",
            "-g", str(2 * fps), str(path)]  # fmt: skip
    proc = subprocess.run(argv, input=b"".join(f.tobytes() for f in frames), capture_output=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return path


def render(src: Path, graph: str, dest: Path, *, ss: float | None = None,
           seconds: float | None = None) -> Path:
    cut = ["-ss", f"{ss:g}"] if ss is not None else []
    dur = ["-t", f"{seconds:g}"] if seconds is not None else []
    _ffmpeg(*cut, "-i", str(src), *dur, "-filter_complex", graph, "-map", "[vout]",
            "-c:v", "libx264", "-preset", "ultrafast", "-crf", "12", str(dest))
    return dest


def frames_of(path: Path) -> list[tuple[float, np.ndarray]]:
    with av.open(str(path)) as c:
        return [(f.time, f.to_ndarray(format="rgb24")) for f in c.decode(video=0)]


def gray(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def hf_energy(rgb: np.ndarray) -> float:
    return float(cv2.Laplacian(gray(rgb), cv2.CV_64F).var())


def moving_square(n: int, x0: int = 10, x1: int = 286, side: int = 24) -> list[np.ndarray]:
    """Dark frames with a white square moving left to right (centre x0+side/2 .. x1+side/2)."""
    out = []
    for i in range(n):
        f = np.full((H, W, 3), 40, np.uint8)
        x = round(x0 + (x1 - x0) * i / (n - 1))
        f[78:78 + side, x:x + side] = 255
        out.append(f)
    return out


def bright_blob(img: np.ndarray) -> list[Box]:
    """An injected detector: the bounding box of the bright pixels."""
    ys, xs = np.nonzero(img > 200)
    if len(xs) == 0:
        return []
    return [(int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
             int(ys.max() - ys.min() + 1))]


def draw_face(img: np.ndarray, cx: int, cy: int, s: int) -> np.ndarray:
    """A schematic face of height ``s``: light oval, dark brows and eyes, nose, mouth."""
    w = int(s * 0.78)
    cv2.ellipse(img, (cx, cy), (w // 2, s // 2), 0, 0, 360, (200, 200, 200), -1)
    ey, ex = cy - int(0.1 * s), int(0.2 * w)
    for side in (-1, 1):
        cv2.ellipse(img, (cx + side * ex, ey - int(0.09 * s)), (int(0.16 * w), int(0.03 * s)),
                    0, 180, 360, (60, 60, 60), -1)
        cv2.ellipse(img, (cx + side * ex, ey), (int(0.13 * w), int(0.06 * s)), 0, 0, 360,
                    (40, 40, 40), -1)
    cv2.line(img, (cx, ey + int(0.02 * s)), (cx, cy + int(0.12 * s)), (170, 170, 170),
             max(1, s // 40))
    cv2.ellipse(img, (cx, cy + int(0.14 * s)), (int(0.09 * w), int(0.03 * s)), 0, 0, 360,
                (120, 120, 120), -1)
    cv2.ellipse(img, (cx, cy + int(0.28 * s)), (int(0.2 * w), int(0.04 * s)), 0, 0, 360,
                (70, 70, 70), -1)
    return img


def a_track(times_s: Sequence[float], centers: Sequence[float]) -> FaceTrack:
    us = tuple(round(t * 1e6) for t in times_s)
    return FaceTrack(W, H, us[0], us[-1] + 1, us, tuple(centers), (None,) * len(us))


@pytest.fixture
def landscape(make_clip: Callable[..., Path]) -> Path:
    return make_clip("land.mp4", seconds=2, width=W, height=H, fps=10, audio=False)


# -- filters through ffmpeg ---------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_every_mode_renders_exactly_the_asked_size(mode, landscape, tmp_path):
    track = a_track([0, 1, 2], [60, 160, 260])
    graph = reframe_filter(mode, W, H, DW, DH, track=track)
    assert graph.startswith("[vin]") and graph.endswith("[vout]")
    out = render(landscape, graph.replace("[vin]", "[0:v]", 1), tmp_path / f"{mode}.mp4")
    frames = frames_of(out)
    assert len(frames) == 20
    assert {f.shape for _, f in frames} == {(DH, DW, 3)}


def test_labels_are_the_callers_and_intermediates_are_prefixed(landscape, tmp_path):
    graph = reframe_filter("pad_blur", W, H, DW, DH, inp="[0:v]", out="ep3")
    assert graph.startswith("[0:v]") and graph.endswith("[ep3]")
    assert "[ep3_fg]" in graph and "[ep3_bg]" in graph
    # two fragments in one graph, one input split: labels do not clash
    both = (f"[0:v]split=2[a][b];{reframe_filter('pad_blur', W, H, DW, DH, inp='a', out='x')};"
            f"{reframe_filter('center_crop', W, H, DW, DH, inp='b', out='y')};"
            "[x][y]hstack[vout]")
    frames = frames_of(render(landscape, both, tmp_path / "both.mp4"))
    assert frames[0][1].shape == (DH, 2 * DW, 3)


def test_pad_blur_centre_is_the_sharp_source_over_a_blurred_band(landscape, tmp_path):
    out = render(landscape, reframe_filter("pad_blur", W, H, DW, DH, inp="0:v"),
                 tmp_path / "pad.mp4")
    source, result = frames_of(landscape), frames_of(out)
    fh = 102  # 180 * 180 / 320, even
    top = (DH - fh) // 4 * 2
    for i in (0, 10, 19):
        expected = cv2.resize(source[i][1], (DW, fh), interpolation=cv2.INTER_AREA)
        centre = result[i][1][top:top + fh]
        diff = np.abs(centre.astype(int) - expected.astype(int)).mean()
        assert diff < 10, f"frame {i}: centre differs from the scaled source by {diff:.1f}"
        band = result[i][1][: top - 4]
        assert hf_energy(band) < 0.05 * hf_energy(centre)  # blurred
        assert 0 < band.mean() < source[i][1].mean()  # the picture, darkened; not black
    assert hf_energy(expected) > 200  # the test pattern itself is sharp


def test_center_crop_is_the_middle_of_the_source(landscape, tmp_path):
    out = render(landscape, reframe_filter("center_crop", W, H, DW, DH, inp="0:v"),
                 tmp_path / "cc.mp4")
    cw, ch = crop_window(W, H, DW, DH)
    assert (cw, ch) == (102, 180)
    x = (W - cw) // 2
    for (_, src), (_, got) in list(zip(frames_of(landscape), frames_of(out), strict=True))[::6]:
        expected = cv2.resize(src[:, x:x + cw], (DW, DH), interpolation=cv2.INTER_CUBIC)
        assert np.abs(got.astype(int) - expected.astype(int)).mean() < 10
        left = cv2.resize(src[:, :cw], (DW, DH), interpolation=cv2.INTER_CUBIC)
        assert np.abs(got.astype(int) - left.astype(int)).mean() > 25  # it is not any crop


def test_none_letterboxes_in_black(landscape, tmp_path):
    out = render(landscape, reframe_filter("none", W, H, DW, DH, inp="0:v"), tmp_path / "n.mp4")
    _, frame = frames_of(out)[5]
    assert frame[:100].max() < 20 and frame[-100:].max() < 20
    assert frame[120:200].mean() > 60


def test_a_source_already_9_16_is_only_scaled():
    for mode in MODES:
        graph = reframe_filter(mode, 1080, 1920, DW, DH, track=a_track([0, 1], [500, 600]))
        assert "crop" not in graph and "pad" not in graph and "overlay" not in graph


def test_portrait_source_taller_than_9_16_crops_rows_in_the_middle():
    assert crop_window(180, 400, DW, DH) == (180, 320)
    assert "crop=180:320:0:40" in reframe_filter("center_crop", 180, 400, DW, DH)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        reframe_filter("zoom", W, H)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        reframe_filter("follow_faces", W, H)  # no track


# -- follow_faces: the crop x expression ---------------------------------------------------


def test_crop_x_follows_the_track_in_time_from_the_cut_point(tmp_path):
    """A horizontal ramp (pixel value = x) tells where the crop is in each rendered frame."""
    ramp = np.tile(np.linspace(0, 255, W).astype(np.uint8)[None, :, None], (H, 1, 3))
    src = write_clip(tmp_path / "ramp.mp4", [ramp] * 40)  # 4 s
    # track in source times 0.5..3.5 s; the render starts at 1.0 s (-ss before -i)
    track = a_track([0.5, 1.5, 2.5, 3.5], [70, 70, 250, 250])
    cw, _ = crop_window(W, H, DW, DH)
    points = follow_keypoints(track, W, cw, start_us=1_000_000)
    assert points[0][0] == pytest.approx(-0.5)
    graph = reframe_filter("follow_faces", W, H, DW, DH, track=track, start_us=1_000_000,
                           inp="0:v")
    frames = frames_of(render(src, graph, tmp_path / "follow.mp4", ss=1.0))
    assert len(frames) == 30
    for t, frame in frames:
        seen_centre = frame.mean() / 255 * (W - 1)
        expected_left = np.interp(t + 1.0, [0.5, 1.5, 2.5, 3.5], [19, 19, 199, 199])
        assert seen_centre == pytest.approx(expected_left + cw / 2, abs=3), f"t={t}"


def test_crop_x_is_clamped_inside_the_frame():
    track = a_track([0, 1, 2, 3], [-50, 160, 170, 900])
    points = follow_keypoints(track, W, 102)
    assert [x for _, x in points] == [0, 109, 119, 218]


def test_long_tracks_are_capped_in_keypoints_and_ffmpeg_accepts_them(landscape, tmp_path):
    rng = random.Random(7)
    n = 20 * 60 * 2  # 20 minutes at 2 samples a second
    faces: list[float | None] = []
    x = 160.0
    for _ in range(n):
        x = min(300.0, max(20.0, x + rng.gauss(0, 12)))
        faces.append(x if rng.random() > 0.2 else None)
    times = [i / 2 for i in range(n)]
    smoothing = Smoothing()
    centers = smooth_track(faces, times, W, smoothing)
    track = FaceTrack(W, H, 0, n * 500_000, tuple(i * 500_000 for i in range(n)),
                      tuple(centers), tuple(faces))
    points = follow_keypoints(track, W, 102, max_keypoints=100)
    assert 2 < len(points) <= 100
    for (ta, xa), (tb, xb) in zip(points, points[1:], strict=False):
        assert abs(xb - xa) / (tb - ta) <= smoothing.max_speed * W + 1e-6
    graph = reframe_filter("follow_faces", W, H, DW, DH, track=track, inp="0:v")
    assert len(graph) < 6000  # far from any command-line limit (Windows: 32,767)
    frames = frames_of(render(landscape, graph, tmp_path / "long.mp4"))
    assert len(frames) == 20


def test_expression_holds_before_and_after_the_points():
    expr = piecewise_linear_expr([(1.0, 10.0), (2.0, 30.0), (3.0, 30.0)])
    assert expr == "10.00+20.0000*clip(t-1.000,0,1.000)"
    assert piecewise_linear_expr([(-0.5, 8.0), (0.5, 4.0)]) == "8.00-4.0000*clip(t+0.500,0,1.000)"


# -- tracking: smoothing, gaps, choice of face ---------------------------------------------


def test_a_jump_is_followed_no_faster_than_the_max_pan_speed():
    times = [i / 2 for i in range(40)]
    faces: list[float | None] = [40.0] * 10 + [280.0] * 30
    s = Smoothing(max_speed=0.25)
    xs = smooth_track(faces, times, W, s)
    steps = [abs(b - a) / 0.5 for a, b in zip(xs, xs[1:], strict=False)]
    assert max(steps) <= 0.25 * W + 1e-9
    assert xs[0] == pytest.approx(40, abs=1)
    assert xs[-1] == pytest.approx(280, abs=s.dead_zone * W + 1)  # it gets there


def test_noisy_detections_do_not_make_the_crop_jitter():
    rng = random.Random(3)
    times = [i / 2 for i in range(60)]
    faces: list[float | None] = [160 + rng.uniform(-10, 10) for _ in times]
    faces[20] = 300.0  # a one-off false detection
    faces[41] = 10.0
    xs = smooth_track(faces, times, W)
    assert max(xs) - min(xs) < 6
    raw_motion = sum(abs(b - a) for a, b in zip(faces, faces[1:], strict=False))  # type: ignore
    motion = sum(abs(b - a) for a, b in zip(xs, xs[1:], strict=False))
    assert motion < raw_motion / 50


def test_gaps_hold_the_last_position_and_no_face_means_centre():
    times = [i / 2 for i in range(12)]
    s = Smoothing(time_constant=0.01, dead_zone=0, max_speed=10, median=1)
    gap: list[float | None] = [None, None, 100, 100, None, None, None, 220, 220, None, None, None]
    xs = smooth_track(gap, times, W, s)
    assert xs[:2] == pytest.approx([100, 100], abs=0.5)  # before the first face: that face
    assert xs[4:7] == pytest.approx([100] * 3, abs=0.5)  # held
    assert xs[9:] == pytest.approx([220] * 3, abs=0.5)
    assert smooth_track([None] * 5, times[:5], W) == [W / 2] * 5
    assert smooth_track([], [], W) == []


def test_main_face_is_the_largest_then_the_one_it_follows():
    big, small = (200, 20, 80, 80), (20, 20, 40, 40)
    assert main_face([small, big], None, W) == big
    assert main_face([small, big], 40, W) == small  # stays on the face it follows
    assert main_face([(20, 20, 10, 10), big], 40, W) == big  # unless that one is tiny
    assert main_face([], 40, W) is None


def test_tracker_follows_an_injected_detection_and_the_render_keeps_it_in_frame(tmp_path):
    src = write_clip(tmp_path / "square.mp4", moving_square(40))  # 4 s, 10 fps
    seen: list[tuple[int, int]] = []

    def detect(img: np.ndarray) -> list[Box]:
        seen.append(img.shape)
        return bright_blob(img)

    updates: list[Progress] = []
    track = track_faces(src, 0, 4_000_000, sample_fps=4, detect=detect, progress=updates.append)
    assert set(seen) == {(H, W)}  # never enlarged
    assert len(track.times_us) >= 14 and track.found
    assert all(f is not None for f in track.faces)
    assert list(track.centers) == sorted(track.centers)  # left to right, never back
    assert updates and updates[-1].fraction is not None and updates[-1].fraction > 0.8

    follow = render(src, reframe_filter("follow_faces", W, H, DW, DH, track=track, inp="0:v"),
                    tmp_path / "follow.mp4")
    centre = render(src, reframe_filter("center_crop", W, H, DW, DH, inp="0:v"),
                    tmp_path / "centre.mp4")
    lost = 0
    for (_, f), (_, c) in zip(frames_of(follow), frames_of(centre), strict=True):
        ys, xs = np.nonzero(gray(f) > 200)
        assert len(xs) > 500, "the square left the picture"
        assert xs.min() > 0 and xs.max() < DW - 1  # wholly inside
        lost += np.count_nonzero(gray(c) > 200) < 500
    assert lost > 10  # a centre crop loses it: the follow is doing the work


def test_tracker_sees_rotated_clips_upright(clip_rotated):
    shapes: list[tuple[int, int]] = []
    track = track_faces(clip_rotated, 0, 1_000_000, detect=lambda g: shapes.append(g.shape) or [])
    assert (track.src_w, track.src_h) == (180, 320)
    assert set(shapes) == {(320, 180)}
    assert track.centers == (90.0,) * len(track.centers)  # nothing found: centre


def test_tracker_starts_at_start_us_and_can_be_cancelled(tmp_path):
    src = write_clip(tmp_path / "square.mp4", moving_square(40))
    track = track_faces(src, 2_000_000, 3_000_000, sample_fps=2, detect=bright_blob)
    assert track.times_us == (2_000_000, 2_500_000)
    assert track.faces[0] == pytest.approx(10 + 276 * 20 / 39 + 12, abs=2)  # frame 20
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        track_faces(src, 0, 4_000_000, detect=bright_blob, cancel=token)


def test_tracker_names_a_file_it_cannot_read(tmp_path, file_text):
    with pytest.raises(UserError, match="missing.mp4"):
        track_faces(tmp_path / "missing.mp4", 0, 1_000_000, detect=bright_blob)
    with pytest.raises(UserError, match="notes.mp4"):
        track_faces(file_text, 0, 1_000_000, detect=bright_blob)


# -- real detection (Haar cascades) ---------------------------------------------------------


def test_without_a_detector_following_faces_says_so(landscape):
    if face_detection_available():
        assert track_faces(landscape, 0, 1_000_000).src_w == W
    else:
        with pytest.raises(UserError, match="not available"):
            track_faces(landscape, 0, 1_000_000)
        assert detect_faces(np.zeros((90, 160), np.uint8)) == []


@pytest.mark.parametrize("size", [40, 70, 140])
def test_haar_cascade_finds_a_drawn_schematic_face(size):
    img = draw_face(np.full((360, 640, 3), 90, np.uint8), 400, 180, size)
    faces = detect_faces(gray(img))
    assert len(faces) == 1
    x, y, w, h = faces[0]
    assert abs(x + w / 2 - 400) < size / 4 and abs(y + h / 2 - 180) < size / 4
    assert detect_faces(np.full((360, 640), 90, np.uint8)) == []


def test_no_faces_in_the_test_pattern(landscape):
    for _, frame in frames_of(landscape)[::5]:
        assert detect_faces(gray(frame)) == []


def test_following_a_moving_drawn_face_with_the_real_detector(tmp_path):
    frames = []
    for i in range(30):
        f = np.full((H, W, 3), 90, np.uint8)
        frames.append(draw_face(f, round(50 + 220 * i / 29), 90, 70))
    src = write_clip(tmp_path / "face.mp4", frames)
    track = track_faces(src, 0, 3_000_000, sample_fps=4)
    found = [f for f in track.faces if f is not None]
    assert len(found) >= 0.8 * len(track.faces)
    assert found == sorted(found) and found[0] < 90 and found[-1] > 230
    out = render(src, reframe_filter("follow_faces", W, H, DW, DH, track=track, inp="0:v"),
                 tmp_path / "follow.mp4")
    hits = sum(bool(detect_faces(gray(f))) for _, f in frames_of(out)[::3])
    assert hits >= 8  # of 10: the face stays in the 9:16 picture


def test_tracker_stays_on_the_face_it_follows_across_a_gap(tmp_path):
    src = write_clip(tmp_path / "plain.mp4", moving_square(20))  # 2 s; pictures unused
    calls = iter(range(100))

    def detect(img: np.ndarray) -> list[Box]:
        n = next(calls)
        if n == 0:
            return [(40, 60, 40, 40)]  # the only face at first
        if n == 1:
            return []  # a sample without faces
        return [(40, 60, 40, 40), (230, 50, 56, 56)]  # then a larger one appears far away

    track = track_faces(src, 0, 2_000_000, sample_fps=2, detect=detect)
    assert track.faces == (60.0, None, 60.0, 60.0)
