"""The collection cover: export a frame or an image file at the platform's size, and
suggest good frames.

:func:`export_cover` fills the target size without distortion: it crops the
middle to the target's aspect ratio when that keeps at least half of the
picture's width (or height); otherwise (a landscape frame for a 9:16 cover
keeps only 32%) the whole picture is scaled to fit and centred over a blurred,
darkened copy of itself scaled to fill, as the 9:16 render does. The JPEG
(quality 92) is written to a temporary file beside the target and renamed.

:func:`score_frame` rates a frame as a cover from 0 to 1 (heuristics, documented
on :class:`CoverScore`); :func:`suggest_covers` keeps the best frames that do
not look alike. Both are pure CPU work on a worker; they never touch widgets.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from studio.domain.errors import UserError
from studio.domain.rules import COVER_MIN_KEPT
from studio.editor.reframe import detect_faces
from studio.i18n import tr
from studio.tasks import CancelToken

__all__ = [
    "CoverScore", "Suggestion", "export_cover", "fill_picture", "score_frame", "suggest_covers",
    "thumb_distance",
]

JPEG_QUALITY = 92
MIN_KEPT = COVER_MIN_KEPT  # crop when it keeps this share of the picture, else blurred pad
SCORE_WIDTH = 360  # frames are scored on a copy this wide
THUMB = (16, 16)  # grayscale thumbnail compared to tell near-duplicates apart


# -- export ---------------------------------------------------------------------------------


def export_cover(
    source: np.ndarray | str | Path, dest_path: str | Path, size: tuple[int, int] = (1080, 1920)
) -> Path:
    """Write ``source`` (an RGB HxWx3 uint8 frame, or a JPEG/PNG/WebP file) as a
    ``size`` (width, height) JPEG at ``dest_path``; returns ``dest_path``.

    Raises UserError naming the file when it is missing or not an image, or
    when the cover cannot be written.
    """
    w, h = size
    if w <= 0 or h <= 0:
        raise ValueError(f"bad cover size {size}")
    bgr = _read_image(Path(source)) if isinstance(source, str | Path) else _rgb_to_bgr(source)
    picture = fill_picture(bgr, w, h)
    ok, data = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise UserError(tr("The cover could not be encoded as JPEG."))
    dest = Path(dest_path)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data.tobytes())
                f.flush()
                os.fsync(f.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a cover is not
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UserError(tr("The cover could not be saved as '{path}': {error}.").format(
            path=dest, error=exc.strerror or exc), hint=tr("Choose another folder.")) from None
    return dest


def _rgb_to_bgr(rgb: np.ndarray) -> np.ndarray:
    if rgb.dtype != np.uint8 or rgb.ndim not in (2, 3) or (rgb.ndim == 3 and rgb.shape[2] != 3):
        raise ValueError(f"expected an HxWx3 uint8 RGB array, not {rgb.dtype} {rgb.shape}")
    if rgb.ndim == 2:
        return cv2.cvtColor(rgb, cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def _read_image(path: Path) -> np.ndarray:
    """BGR pixels of an image file (read as bytes: cv2.imread fails on non-ASCII paths)."""
    if path.is_dir():
        raise UserError(tr("'{path}' is a folder, not an image.").format(path=path),
                        hint=tr("Choose a picture file."))
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except FileNotFoundError:
        raise UserError(tr("The cover image '{path}' does not exist.").format(path=path)) \
            from None
    except OSError as exc:
        raise UserError(tr("The cover image '{path}' cannot be read: {error}.").format(
            path=path, error=exc.strerror or exc)) from None
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None or image.size == 0:
        raise UserError(tr("'{path}' is not an image that can be used as a cover.").format(
            path=path), hint=tr("Use a JPEG, PNG or WebP picture."))
    return image


def fill_picture(image: np.ndarray, w: int, h: int) -> np.ndarray:
    """``image`` at exactly ``w`` x ``h``: centre crop, or fit over a blurred fill."""
    ih, iw = image.shape[:2]
    target, aspect = w / h, iw / ih
    kept = min(target / aspect, aspect / target)
    if kept >= MIN_KEPT:
        cw, ch = (round(ih * target), ih) if aspect > target else (iw, round(iw / target))
        x, y = (iw - cw) // 2, (ih - ch) // 2
        return _resize(image[y:y + ch, x:x + cw], w, h)
    # blurred fill: blur a small copy (cheap), then scale it up
    small_w = max(16, w // 20)
    small_h = max(16, round(small_w * h / w))
    back = _resize(middle_crop(image, small_w, small_h), small_w, small_h)
    back = cv2.GaussianBlur(back, (0, 0), max(1.5, small_w / 16))
    back = cv2.resize(back, (w, h), interpolation=cv2.INTER_LINEAR)
    back = (back.astype(np.float32) * 0.55).astype(np.uint8)
    scale = min(w / iw, h / ih)
    fw, fh = min(w, max(1, round(iw * scale))), min(h, max(1, round(ih * scale)))
    x, y = (w - fw) // 2, (h - fh) // 2
    back[y:y + fh, x:x + fw] = _resize(image, fw, fh)
    return back


def middle_crop(image: np.ndarray, w: int, h: int) -> np.ndarray:
    """The middle of ``image`` cut to the aspect ratio of ``w`` x ``h`` (not resized)."""
    ih, iw = image.shape[:2]
    if iw * h > ih * w:
        cw = max(1, round(ih * w / h))
        return image[:, (iw - cw) // 2:(iw - cw) // 2 + cw]
    ch = max(1, round(iw * h / w))
    return image[(ih - ch) // 2:(ih - ch) // 2 + ch]


def _resize(image: np.ndarray, w: int, h: int) -> np.ndarray:
    if image.shape[1] == w and image.shape[0] == h:
        return image.copy()
    shrink = w < image.shape[1]
    return cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)


# -- scoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverScore:
    """How good a frame is as a cover; every part in [0, 1].

    - sharpness: variance of the Laplacian on a 360-pixel-wide grey copy,
      ``v / (v + 150)`` (about 0.5 for a slightly soft frame, near 1 for crisp detail);
    - exposure: a mid-grey mean is best (falls off towards black and white),
      times a penalty for shadows and highlights clipped at 0 or 255, times a
      contrast factor (a flat frame is a poor cover);
    - faces: 0 without a face (or without a detector); else grows with the
      largest face's height (a face filling a third of the frame scores 1),
      with a small bonus for up to three faces;
    - total: ``0.4 * sharpness + 0.35 * exposure + 0.25 * faces``.
    """

    sharpness: float
    exposure: float
    faces: float
    total: float


def _small_gray(rgb: np.ndarray) -> np.ndarray:
    g = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY) if rgb.ndim == 3 else rgb
    h, w = g.shape
    if w > SCORE_WIDTH:
        g = cv2.resize(g, (SCORE_WIDTH, max(1, round(h * SCORE_WIDTH / w))),
                       interpolation=cv2.INTER_AREA)
    return g


def score_frame(rgb: np.ndarray) -> CoverScore:
    """Rate an RGB frame (HxWx3 uint8) as a cover (see :class:`CoverScore`)."""
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"expected an HxWx3 uint8 RGB array, not {rgb.dtype} {rgb.shape}")
    return _score(_small_gray(rgb))


def _score(g: np.ndarray) -> CoverScore:
    lap = float(cv2.Laplacian(g, cv2.CV_64F).var())
    sharpness = lap / (lap + 150.0)

    hist = np.bincount(g.ravel(), minlength=256).astype(np.float64) / g.size
    mean = float(np.dot(hist, np.arange(256))) / 255.0
    clipped = float(hist[:6].sum() + hist[250:].sum())
    mean_term = max(0.0, 1.0 - ((mean - 0.5) / 0.5) ** 2)
    clip_term = max(0.0, 1.0 - 2.0 * clipped)
    contrast = min(1.0, float(g.std()) / 40.0)
    exposure = mean_term * clip_term * (0.5 + 0.5 * contrast)

    boxes = detect_faces(g)
    faces = 0.0
    if boxes:
        tallest = max(b[3] for b in boxes) / g.shape[0]
        faces = min(1.0, tallest / 0.33) * (0.85 + 0.05 * min(3, len(boxes)))
    total = 0.4 * sharpness + 0.35 * exposure + 0.25 * faces
    return CoverScore(round(sharpness, 4), round(exposure, 4), round(faces, 4),
                      round(min(1.0, max(0.0, total)), 4))


# -- suggestions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    key: Hashable  # what the caller passed with the frame, e.g. a time in microseconds
    score: CoverScore


def suggest_covers(
    candidates: Iterable[tuple[Hashable, np.ndarray]], count: int = 6, min_gap: float = 0.08,
    *, cancel: CancelToken | None = None,
) -> list[Suggestion]:
    """The best ``count`` frames as covers, best first, no two alike.

    Two frames are alike when their 16x16 grey thumbnails differ by less than
    ``min_gap`` on average (0..1 scale): a frame is skipped when it is alike to
    one already picked, so fewer than ``count`` come back when the candidates
    are not varied enough. Frames are scored as they come and not kept.
    """
    scored: list[tuple[float, int, Hashable, CoverScore, np.ndarray]] = []
    for order, (key, rgb) in enumerate(candidates):
        if cancel is not None:
            cancel.raise_if_cancelled()
        score = score_frame(rgb)
        thumb = cv2.resize(_small_gray(rgb), THUMB, interpolation=cv2.INTER_AREA)
        scored.append((score.total, order, key, score, thumb.astype(np.float32) / 255.0))
    scored.sort(key=lambda s: (-s[0], s[1]))
    picked: list[tuple[Hashable, CoverScore, np.ndarray]] = []
    for _, _, key, score, thumb in scored:
        if len(picked) >= count:
            break
        if all(float(np.abs(thumb - other).mean()) >= min_gap for _, _, other in picked):
            picked.append((key, score, thumb))
    return [Suggestion(key, score) for key, score, _ in picked]


def thumb_distance(a: np.ndarray, b: np.ndarray) -> float:
    """The difference :func:`suggest_covers` uses between two RGB frames (0..1)."""
    ta, tb = (cv2.resize(_small_gray(x), THUMB, interpolation=cv2.INTER_AREA) for x in (a, b))
    return float(np.abs(ta.astype(np.float32) - tb.astype(np.float32)).mean() / 255.0)

