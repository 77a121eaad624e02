"""Turn a landscape (or square) picture into 9:16 for the render, chosen per episode.

Modes (:data:`ReframeMode`):

- ``none``: no reframing; the picture is scaled to fit inside the target and
  the rest is black (letterbox).
- ``pad_blur``: the picture scaled to fit the width, centred over a blurred,
  darkened copy of itself scaled to fill (the TikTok/CapCut look). The blur
  runs on a tiny copy (about 1/20 of the target width) and is scaled up, so it
  costs almost nothing next to the encode.
- ``center_crop``: the largest 9:16 window in the middle, scaled to the target.
- ``follow_faces``: the same window, its x following the main face over time
  (:func:`track_faces` makes the :class:`FaceTrack`).

When the source already has the target's aspect ratio (within 1%), every mode
is a plain scale.

:func:`reframe_filter` returns a fragment for ``-filter_complex``: it reads the
(already upright: ffmpeg applies the display rotation before the graph) video
at label ``[inp]`` and writes label ``[out]``; intermediate labels are
``[out_...]``, so two fragments in one graph need different ``out`` labels.
``src_w``/``src_h`` are the display size (``MediaInfo.display_size``); the
chain starts by scaling to it with square pixels, a no-op for most files.

follow_faces uses a ``crop`` whose ``x`` is an expression of ``t`` (seconds
since the start of the rendered range: the caller cuts with ``-ss`` before
``-i``), piecewise linear through the track's keypoints and written as a flat
sum ``x0 + s1*clip(t-t1,0,d1) + ...`` (no nesting depth, evaluated per frame).
An expression was chosen over ``sendcmd``: the argv stays self-contained (no
commands file to write, escape in the graph on Windows and clean up), and crop
re-evaluates it on every frame, so the pan is smooth, whereas sendcmd would
jump at each command unless one command per frame were written. Its length is
bounded by merging near-collinear keypoints (at most ``max_keypoints``, about
40 characters each).

Face tracking decodes with PyAV, detects faces with OpenCV's Haar cascades on
~360-pixel-wide grayscale frames sampled at ``sample_fps``, picks the main face,
fills gaps and smooths (:func:`smooth_track`). OpenCV 5 moved the Haar
cascades out of the main wheels: :func:`face_detection_available` tells whether
this installation has them. Runs on a worker; never touches widgets.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import av
import av.error
import cv2
import numpy as np

from studio.domain.errors import UserError
from studio.domain.timecode import US
from studio.i18n import tr
from studio.tasks import CancelToken, Progress, ProgressCallback

__all__ = [
    "MODES", "Box", "Detector", "FaceTrack", "ReframeMode", "Smoothing", "crop_window",
    "detect_faces", "face_detection_available", "follow_keypoints", "main_face",
    "piecewise_linear_expr", "reframe_filter", "smooth_track", "track_faces",
]

ReframeMode = Literal["none", "pad_blur", "center_crop", "follow_faces"]
MODES: tuple[ReframeMode, ...] = ("none", "pad_blur", "center_crop", "follow_faces")

Box = tuple[int, int, int, int]  # x, y, w, h in the pixels of the image searched
Detector = Callable[[np.ndarray], Sequence[Box]]  # grayscale uint8 image -> face boxes

DETECT_WIDTH = 360  # frames are shrunk to this width (never enlarged) for detection
_FRONTAL = "haarcascade_frontalface_default.xml"
_PROFILE = "haarcascade_profileface.xml"


# -- filters ---------------------------------------------------------------------------


def _even(v: float) -> int:
    return max(2, int(round(v / 2)) * 2)


def _label(name: str) -> str:
    return name.strip().removeprefix("[").removesuffix("]")


def crop_window(src_w: int, src_h: int, dst_w: int, dst_h: int) -> tuple[int, int]:
    """Width and height (even) of the largest window of the target's aspect in the source."""
    if src_w * dst_h > src_h * dst_w:  # source wider than the target
        return min(src_w, _even(src_h * dst_w / dst_h)), src_h - src_h % 2
    return src_w - src_w % 2, min(src_h, _even(src_w * dst_h / dst_w))


def reframe_filter(
    mode: ReframeMode, src_w: int, src_h: int, dst_w: int = 1080, dst_h: int = 1920, *,
    track: FaceTrack | None = None, start_us: int | None = None, inp: str = "vin",
    out: str = "vout", max_keypoints: int = 100,
) -> str:
    """A ``-filter_complex`` fragment ``[inp]...[out]`` making a ``dst_w`` x ``dst_h`` picture.

    ``track`` is needed for follow_faces; ``start_us`` is the source time where
    the rendered range begins (default: the track's start).
    """
    if mode not in MODES:
        raise ValueError(f"unknown reframe mode {mode!r}")
    if min(src_w, src_h, dst_w, dst_h) <= 0:
        raise ValueError("sizes must be positive")
    i, o = _label(inp), _label(out)
    head = f"[{i}]scale={src_w}:{src_h},setsar=1"
    tail = f"setsar=1[{o}]"
    if abs(src_w * dst_h / (src_h * dst_w) - 1) < 0.01:
        return f"{head},scale={dst_w}:{dst_h},{tail}"
    fit = min(dst_w / src_w, dst_h / src_h)
    fw, fh = min(dst_w, _even(src_w * fit)), min(dst_h, _even(src_h * fit))
    px, py = (dst_w - fw) // 4 * 2, (dst_h - fh) // 4 * 2
    if mode == "none":
        return f"{head},scale={fw}:{fh},pad={dst_w}:{dst_h}:{px}:{py}:black,{tail}"
    if mode == "pad_blur":
        bw = max(16, _even(dst_w / 20))
        bh = max(16, _even(bw * dst_h / dst_w))
        cover = max(bw / src_w, bh / src_h)
        cw, ch = max(bw, _even(src_w * cover)), max(bh, _even(src_h * cover))
        sigma = max(1.5, bw / 16)
        return (
            f"{head},split=2[{o}_fg][{o}_bg];"
            f"[{o}_bg]scale={cw}:{ch}:flags=area,crop={bw}:{bh},gblur=sigma={sigma:g},"
            f"lutyuv=y=val*0.55,scale={dst_w}:{dst_h}:flags=bilinear[{o}_bgs];"
            f"[{o}_fg]scale={fw}:{fh}[{o}_fgs];"
            f"[{o}_bgs][{o}_fgs]overlay={px}:{py},{tail}"
        )
    cw, ch = crop_window(src_w, src_h, dst_w, dst_h)
    x0, y0 = (src_w - cw) // 4 * 2, (src_h - ch) // 4 * 2
    x: str = str(x0)
    if mode == "follow_faces":
        if track is None:
            raise ValueError("follow_faces needs a FaceTrack")
        points = follow_keypoints(track, src_w, cw, start_us=start_us,
                                  max_keypoints=max_keypoints)
        x = f"'{piecewise_linear_expr(points)}'"
    return f"{head},crop={cw}:{ch}:{x}:{y0},scale={dst_w}:{dst_h},{tail}"


def follow_keypoints(
    track: FaceTrack, src_w: int, crop_w: int, *, start_us: int | None = None,
    max_keypoints: int = 100,
) -> list[tuple[float, float]]:
    """``(t, left x)`` points of the crop: t in seconds from ``start_us``, x clamped in frame.

    Near-collinear points are merged (Ramer-Douglas-Peucker) with a tolerance
    that starts at half a percent of the width and doubles until at most
    ``max_keypoints`` remain. Slopes between kept points are averages of the
    track's, so the pan speed limit still holds.
    """
    origin = track.start_us if start_us is None else start_us
    scale = src_w / track.src_w
    hi = max(0.0, src_w - crop_w)
    pts = [((t - origin) / US, min(hi, max(0.0, c * scale - crop_w / 2)))
           for t, c in zip(track.times_us, track.centers, strict=True)]
    if not pts:
        return [(0.0, hi / 2)]
    tolerance = max(1.0, src_w * 0.005)
    kept = _simplify(pts, tolerance)
    while len(kept) > max(2, max_keypoints):
        tolerance *= 2
        kept = _simplify(pts, tolerance)
    return kept


def _simplify(pts: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Ramer-Douglas-Peucker on x (vertical distance to the chord), iterative."""
    if len(pts) <= 2:
        return list(pts)
    keep = {0, len(pts) - 1}
    stack = [(0, len(pts) - 1)]
    while stack:
        a, b = stack.pop()
        (ta, xa), (tb, xb) = pts[a], pts[b]
        worst, at = 0.0, -1
        for k in range(a + 1, b):
            tk, xk = pts[k]
            chord = xa if tb == ta else xa + (xb - xa) * (tk - ta) / (tb - ta)
            if abs(xk - chord) > worst:
                worst, at = abs(xk - chord), k
        if worst > tolerance:
            keep.add(at)
            stack += [(a, at), (at, b)]
    return [pts[k] for k in sorted(keep)]


def piecewise_linear_expr(points: Sequence[tuple[float, float]], var: str = "t") -> str:
    """An ffmpeg expression through ``(t, x)`` points, held flat before and after them."""
    if not points:
        raise ValueError("no points")
    expr = [f"{points[0][1]:.2f}"]
    for (ta, xa), (tb, xb) in zip(points, points[1:], strict=False):
        d = tb - ta
        if d <= 0 or abs(xb - xa) < 0.005:
            continue
        slope = (xb - xa) / d
        sign = "-" if slope < 0 else "+"
        shift = f"{var}-{ta:.3f}" if ta >= 0 else f"{var}+{-ta:.3f}"
        expr.append(f"{sign}{abs(slope):.4f}*clip({shift},0,{d:.3f})")
    return "".join(expr)


# -- face detection -------------------------------------------------------------------

_local = threading.local()  # CascadeClassifier is not safe to share between threads


def _cascade_path(name: str) -> Path | None:
    folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
    if not folder:
        return None
    path = Path(folder) / name
    return path if path.is_file() else None


def _cascade(name: str) -> Any:
    cache: dict[str, object] = _local.__dict__.setdefault("cascades", {})
    if name not in cache:
        cls = getattr(cv2, "CascadeClassifier", None)  # OpenCV 5: only in opencv-contrib
        if cls is None:
            cls = getattr(getattr(cv2, "xobjdetect", None), "CascadeClassifier", None)
        path = _cascade_path(name)
        found = cls(os.fspath(path)) if cls is not None and path is not None else None
        cache[name] = None if found is None or found.empty() else found
    return cache[name]  # type: ignore[return-value]


def face_detection_available() -> bool:
    """Whether this OpenCV has the Haar face detector (OpenCV 4 wheels do, 5 do not)."""
    return _cascade(_FRONTAL) is not None


def detect_faces(gray: np.ndarray, *, profile: bool = True) -> list[Box]:
    """Faces in a grayscale uint8 image: frontal, else (``profile``) side views; [] without
    a detector."""
    frontal = _cascade(_FRONTAL)
    if frontal is None:
        return []
    # No equalizeHist: the cascade normalises each window's contrast itself, and
    # equalising an image of few grey levels (graphics, drawn faces) destroys it.
    side = max(20, min(gray.shape[:2]) // 12)
    found = [tuple(int(v) for v in b) for b in frontal.detectMultiScale(
        gray, scaleFactor=1.1, minNeighbors=5, minSize=(side, side))]
    side_view = _cascade(_PROFILE) if profile and not found else None
    if side_view is not None:
        w = gray.shape[1]
        # the profile cascade knows faces turned one way: look at the mirror image too
        for img, mirrored in ((gray, False), (cv2.flip(gray, 1), True)):
            for x, y, bw, bh in side_view.detectMultiScale(
                    img, scaleFactor=1.1, minNeighbors=6, minSize=(side, side)):
                found.append((w - int(x) - int(bw) if mirrored else int(x), int(y), int(bw),
                              int(bh)))
    return found  # type: ignore[return-value]


def main_face(boxes: Sequence[Box], prev_x: float | None, width: float) -> Box | None:
    """The largest face, or near ``prev_x`` the one whose size and closeness weigh most."""
    if not boxes:
        return None
    if prev_x is None:
        return max(boxes, key=lambda b: b[2] * b[3])

    def weight(b: Box) -> float:
        d = (b[0] + b[2] / 2 - prev_x) / (0.25 * width)
        return b[2] * b[3] / (1 + d * d)

    return max(boxes, key=weight)


# -- tracking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Smoothing:
    """How the crop follows. Widths are fractions of the source width."""

    time_constant: float = 0.5  # seconds; zero-phase exponential smoothing (no lag)
    dead_zone: float = 0.04  # the face may wander this far before the crop moves
    max_speed: float = 0.25  # the crop never pans faster (per second)
    median: int = 3  # samples in the running median that drops one-off false detections


@dataclass(frozen=True)
class FaceTrack:
    """Where the crop centre goes: ``centers[i]`` (x, source display pixels) at ``times_us[i]``.

    Times are source times in microseconds from the start of the file (as
    ffmpeg's ``-ss`` counts). ``faces`` holds the main face's centre x found at
    each sample, None where none was found.
    """

    src_w: int
    src_h: int
    start_us: int
    end_us: int
    times_us: tuple[int, ...]
    centers: tuple[float, ...]
    faces: tuple[float | None, ...]

    @property
    def found(self) -> bool:
        return any(f is not None for f in self.faces)


def smooth_track(
    faces: Sequence[float | None], times_s: Sequence[float], width: float,
    smoothing: Smoothing = Smoothing(),
) -> list[float]:
    """Crop-centre x per sample from the main face's x per sample (None: no face).

    Gaps hold the last position (the first found before it; the centre when no
    face is ever found); a running median drops one-off detections; a forward
    and backward exponential average smooths without lag; then the crop is
    dragged by the edge of a dead zone (noise inside it never moves it) and its
    speed capped.
    """
    n = len(faces)
    if n != len(times_s):
        raise ValueError("faces and times differ in length")
    if n == 0:
        return []
    first = next((f for f in faces if f is not None), width / 2)
    filled: list[float] = []
    for f in faces:
        filled.append(f if f is not None else (filled[-1] if filled else first))
    half = max(0, smoothing.median // 2)
    med = [float(np.median(filled[i - k: i + k + 1]))
           for i in range(n) for k in [min(half, i, n - 1 - i)]]
    y = _zero_phase(med, list(times_s), smoothing.time_constant)
    dead, speed = smoothing.dead_zone * width, smoothing.max_speed * width
    pos = y[0]
    out = [pos]
    for i in range(1, n):
        err = y[i] - pos
        want = 0.0 if abs(err) <= dead else err - math.copysign(dead, err)
        limit = speed * max(0.0, times_s[i] - times_s[i - 1])
        pos += min(limit, max(-limit, want))
        out.append(pos)
    return out


def _zero_phase(y: list[float], t: list[float], tau: float) -> list[float]:
    """Exponential smoothing run forward then backward (no lag), after extending both ends
    by point reflection (like scipy's filtfilt), so that a steady pan is kept to the ends."""
    n = len(y)
    if n < 2 or tau <= 0:
        return list(y)
    dt = max(1e-6, (t[-1] - t[0]) / (n - 1))
    pad = min(n - 1, math.ceil(3 * tau / dt))
    ys = ([2 * y[0] - y[k] for k in range(pad, 0, -1)] + y
          + [2 * y[-1] - y[-1 - k] for k in range(1, pad + 1)])
    ts = ([2 * t[0] - t[k] for k in range(pad, 0, -1)] + t
          + [2 * t[-1] - t[-1 - k] for k in range(1, pad + 1)])
    for order in (range(1, len(ys)), range(len(ys) - 2, -1, -1)):
        for i in order:
            j = i - order.step
            a = 1 - math.exp(-abs(ts[i] - ts[j]) / tau)
            ys[i] = ys[j] + a * (ys[i] - ys[j])
    return ys[pad: pad + n]


def track_faces(
    path: str | Path, start_us: int, end_us: int, *, sample_fps: float = 2,
    progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
    detect: Detector | None = None, smoothing: Smoothing = Smoothing(),
) -> FaceTrack:
    """Follow the main face in ``[start_us, end_us)`` of the video at ``path``.

    Decodes with PyAV (non-reference frames skipped), looks at ``sample_fps``
    frames a second shrunk to ~360 pixels wide, upright. ``detect`` replaces the
    Haar detector (it gets a grayscale image, returns boxes in its pixels).
    Raises UserError when the file cannot be read or no detector exists.
    Runs on a worker; polls ``cancel`` at every sample.
    """
    if end_us <= start_us or sample_fps <= 0:
        raise ValueError("need end_us > start_us and sample_fps > 0")
    p = Path(path)
    if detect is None:
        if not face_detection_available():
            raise UserError(
                tr("Following faces is not available: this installation's OpenCV has no face "
                   "detector."),
                hint=tr("Choose centre crop or blurred background for this episode."))
        detect = detect_faces
    step = round(US / sample_fps)
    total = (end_us - start_us) / US
    times: list[int] = []
    faces: list[float | None] = []
    try:
        with av.open(os.fspath(p)) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            stream.codec_context.skip_frame = "NONREF"
            sar = Fraction(stream.sample_aspect_ratio or 1)
            disp = (round(stream.codec_context.width * sar), stream.codec_context.height)
            origin = container.start_time or 0  # times count from here, as ffmpeg's -ss does
            if start_us > 0:
                container.seek(start_us + origin, backward=True)
            due = start_us
            last: float | None = None  # the main face's x when last seen
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                t = round(frame.time * US) - origin
                if t >= end_us:
                    break
                if t < due - 1000:  # 1 ms: timestamps rounded to microseconds
                    continue
                if cancel is not None:
                    cancel.raise_if_cancelled()
                gray, disp = _detect_image(frame, sar)
                scale = disp[0] / gray.shape[1]
                box = main_face(detect(gray), None if last is None else last / scale,
                                gray.shape[1])
                face = None if box is None else (box[0] + box[2] / 2) * scale
                last = last if face is None else face
                times.append(t)
                faces.append(face)
                while due <= t:
                    due += step
                if progress is not None:
                    progress(Progress((t - start_us) / US, total, "Finding faces"))
    except (OSError, av.error.FFmpegError, IndexError) as exc:
        why = tr("it has no video") if isinstance(exc, IndexError) else (
            getattr(exc, "strerror", None) or str(exc))
        raise UserError(tr("Cannot read '{name}' to find faces: {reason}.").format(
            name=p.name, reason=why)) from None
    if not times:
        times, faces = [start_us], [None]
    centers = smooth_track(faces, [t / US for t in times], disp[0], smoothing)
    return FaceTrack(disp[0], disp[1], start_us, end_us, tuple(times), tuple(centers),
                     tuple(faces))


def _detect_image(frame: av.VideoFrame, sar: Fraction) -> tuple[np.ndarray, tuple[int, int]]:
    """The frame upright, grayscale, at most DETECT_WIDTH wide; and its display size."""
    turn = round(-frame.rotation / 90) % 4  # quarter turns clockwise
    w, h = round(frame.width * sar), frame.height
    disp = (h, w) if turn % 2 else (w, h)
    dw = min(DETECT_WIDTH, disp[0])
    dh = max(2, round(dw * disp[1] / disp[0]))
    size = (dh, dw) if turn % 2 else (dw, dh)
    gray = frame.reformat(width=size[0], height=size[1], format="gray").to_ndarray()
    return np.ascontiguousarray(np.rot90(gray, k=-turn)), disp
