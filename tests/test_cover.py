"""Covers: export at the exact size from frames and image files, scoring, suggestions.

Images are made in the tests (drawn scenes, frames decoded from a generated
clip); face tests use a drawn schematic face, which OpenCV's Haar cascade
detects, and run where the installed OpenCV has the cascades.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from studio.domain.errors import UserError
from studio.editor.cover import (
    export_cover,
    fill_picture,
    score_frame,
    suggest_covers,
    thumb_distance,
)


def scene(seed: int, w: int = 320, h: int = 180) -> np.ndarray:
    """A sharp, well-exposed RGB picture of random shapes on a mid-tone background."""
    rng = random.Random(seed)
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = [rng.randint(70, 170) for _ in range(3)]
    for _ in range(25):
        color = [rng.randint(20, 235) for _ in range(3)]
        x, y = rng.randrange(w), rng.randrange(h)
        kind = rng.randrange(3)
        if kind == 0:
            cv2.rectangle(img, (x, y), (x + rng.randint(8, 80), y + rng.randint(8, 60)), color, -1)
        elif kind == 1:
            cv2.circle(img, (x, y), rng.randint(5, 40), color, -1)
        else:
            cv2.line(img, (x, y), (rng.randrange(w), rng.randrange(h)), color, rng.randint(1, 4))
    return img


def read_jpeg(path: Path) -> np.ndarray:
    data = path.read_bytes()
    assert data[:3] == b"\xff\xd8\xff"
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def hf_energy(rgb: np.ndarray) -> float:
    return float(cv2.Laplacian(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var())


@pytest.fixture
def frame(make_clip: Callable[..., Path]) -> np.ndarray:
    """A decoded frame of a generated 320x180 clip, RGB."""
    clip = make_clip("cover.mp4", seconds=1, width=320, height=180, fps=10, audio=False)
    with av.open(str(clip)) as c:
        return next(itertools.islice(c.decode(video=0), 5, None)).to_ndarray(format="rgb24")


# -- export ---------------------------------------------------------------------------------


def test_export_from_a_frame_has_exactly_the_size(frame, tmp_path):
    dest = export_cover(frame, tmp_path / "covers" / "cover.jpg")
    assert dest == tmp_path / "covers" / "cover.jpg"
    assert read_jpeg(dest).shape == (1920, 1080, 3)
    assert read_jpeg(export_cover(frame, tmp_path / "sq.jpg", size=(300, 300))).shape == (
        300, 300, 3)


def test_export_from_png_and_webp_files(tmp_path):
    pic = scene(1, 400, 600)
    for name in ("pic.png", "pic.webp", "bild ü.png"):
        path = tmp_path / name
        ok, data = cv2.imencode(Path(name).suffix, cv2.cvtColor(pic, cv2.COLOR_RGB2BGR))
        assert ok
        path.write_bytes(data.tobytes())
        out = read_jpeg(export_cover(path, tmp_path / f"{name}.jpg", size=(180, 320)))
        assert out.shape == (320, 180, 3)
    assert read_jpeg(export_cover(str(tmp_path / "pic.png"), tmp_path / "s.jpg")).shape == (
        1920, 1080, 3)


def test_colours_stay_rgb(tmp_path):
    red = np.zeros((160, 90, 3), np.uint8)
    red[..., 0] = 220
    out = read_jpeg(export_cover(red, tmp_path / "red.jpg", size=(90, 160)))
    assert out[..., 0].mean() > 200 and out[..., 2].mean() < 30


def test_close_aspect_is_centre_cropped_without_distortion(tmp_path):
    pic = scene(2, 400, 600)  # 2:3 -> 9:16 keeps 84% of the width: crop
    out = read_jpeg(export_cover(pic, tmp_path / "c.jpg", size=(180, 320)))
    cw = round(600 * 180 / 320)
    x = (400 - cw) // 2
    expected = cv2.resize(pic[:, x:x + cw], (180, 320), interpolation=cv2.INTER_AREA)
    assert np.abs(out.astype(int) - expected.astype(int)).mean() < 6


def test_landscape_is_fitted_over_a_blurred_fill(frame, tmp_path):
    # 16:9 -> 9:16 would keep 32% of the width: the whole frame goes over a blurred pad
    out = read_jpeg(export_cover(frame, tmp_path / "p.jpg", size=(180, 320)))
    fh = round(180 * 180 / 320)
    y = (320 - fh) // 2
    expected = cv2.resize(frame, (180, fh), interpolation=cv2.INTER_AREA)
    assert np.abs(out[y:y + fh].astype(int) - expected.astype(int)).mean() < 8
    band = out[: y - 4]
    assert hf_energy(band) < 0.05 * hf_energy(out[y:y + fh])
    assert 0 < band.mean() < frame.mean()
    assert fill_picture(frame[..., ::-1].copy(), 50, 70).shape == (70, 50, 3)


def test_export_replaces_atomically_and_leaves_no_temporary_file(frame, tmp_path):
    dest = tmp_path / "out" / "cover.jpg"
    dest.parent.mkdir()
    dest.write_bytes(b"old")
    export_cover(frame, dest, size=(90, 160))
    assert read_jpeg(dest).shape == (160, 90, 3)
    assert [p.name for p in dest.parent.iterdir()] == ["cover.jpg"]


def test_missing_and_non_image_files_are_named_in_a_user_error(tmp_path, file_text):
    with pytest.raises(UserError, match="missing.png") as err:
        export_cover(tmp_path / "missing.png", tmp_path / "out.jpg")
    assert "does not exist" in str(err.value)
    with pytest.raises(UserError, match="notes.mp4") as err:
        export_cover(file_text, tmp_path / "out.jpg")
    assert "not an image" in str(err.value)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(UserError, match="empty.jpg"):
        export_cover(empty, tmp_path / "out.jpg")
    with pytest.raises(UserError, match="folder"):
        export_cover(tmp_path, tmp_path / "out.jpg")  # a folder is not an image either
    assert not (tmp_path / "out.jpg").exists()


def test_a_wrong_array_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError):
        export_cover(np.zeros((10, 10, 4), np.uint8), tmp_path / "x.jpg")
    with pytest.raises(ValueError):
        score_frame(np.zeros((10, 10, 3), np.float32))


# -- scoring --------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["frame", "scene"])
def test_sharp_well_exposed_beats_blurred_and_dark_copies(source, frame):
    rgb = frame if source == "frame" else scene(5, 640, 360)
    good = score_frame(rgb)
    blurred = score_frame(cv2.GaussianBlur(rgb, (0, 0), 4))
    dark = score_frame((rgb.astype(np.float32) * 0.06).astype(np.uint8))
    for s in (good, blurred, dark):
        assert 0 <= s.total <= 1 and 0 <= s.sharpness <= 1 and 0 <= s.exposure <= 1
    assert good.sharpness > blurred.sharpness + 0.2
    assert good.exposure > dark.exposure + 0.5
    assert good.total > blurred.total + 0.1 and good.total > dark.total + 0.3
    assert good.faces == 0


def test_burnt_highlights_lower_the_exposure():
    rgb = scene(5, 640, 360)  # mid-tones (the test pattern is saturated colour by design)
    burnt = np.clip(rgb.astype(np.int32) * 3, 0, 255).astype(np.uint8)
    assert score_frame(rgb).exposure > score_frame(burnt).exposure + 0.3
    assert score_frame(rgb).total > score_frame(burnt).total


def test_flat_grey_is_a_poor_cover():
    flat = score_frame(np.full((180, 320, 3), 128, np.uint8))
    assert flat.sharpness == 0 and flat.total < score_frame(scene(3)).total


def test_a_close_face_makes_a_better_cover():
    from test_reframe import draw_face  # the schematic face that the cascade fires on

    base = np.full((360, 640, 3), 110, np.uint8)
    far = score_frame(draw_face(base.copy(), 320, 180, 50))
    close = score_frame(draw_face(base.copy(), 320, 180, 150))
    none = score_frame(base)
    assert none.faces == 0 < far.faces < close.faces
    assert close.total > far.total > none.total


# -- suggestions ----------------------------------------------------------------------------


def test_suggestions_are_the_best_and_varied():
    rng = np.random.default_rng(0)
    candidates: list[tuple[object, np.ndarray]] = []
    for i in range(10):
        candidates.append((("scene", i), scene(100 + i)))
    best = max(range(10), key=lambda i: score_frame(scene(100 + i)).total)
    for k in range(4):  # near-identical copies of the best: noise and the same frame again
        noise = rng.integers(-3, 4, size=(180, 320, 3))
        copy = np.clip(scene(100 + best).astype(int) + noise, 0, 255).astype(np.uint8)
        candidates.append((("copy", k), copy))
    candidates.append((("blurred", 0), cv2.GaussianBlur(scene(100), (0, 0), 5)))
    candidates.append((("dark", 0), scene(101) // 12))

    picks = suggest_covers(iter(candidates), count=6)
    assert len(picks) == 6
    assert len({p.key for p in picks}) == 6
    totals = [p.score.total for p in picks]
    assert totals == sorted(totals, reverse=True)
    frames = dict(candidates)
    for a, b in itertools.combinations(picks, 2):
        assert thumb_distance(frames[a.key], frames[b.key]) >= 0.08
    copies_and_original = [p for p in picks if p.key[0] == "copy" or p.key == ("scene", best)]
    assert len(copies_and_original) == 1  # the best picture once, whichever copy
    assert all(p.key[0] in ("scene", "copy") for p in picks)  # not the blurred nor the dark


def test_fewer_suggestions_when_the_candidates_are_alike(frame):
    alike = [(i, np.clip(frame.astype(int) + i, 0, 255).astype(np.uint8)) for i in range(8)]
    picks = suggest_covers(alike, count=6)
    assert len(picks) == 1
    assert suggest_covers([], count=6) == []


# -- a cover image too small for the platform -------------------------------------------------


def _exif_turned(jpeg: bytes) -> bytes:
    """``jpeg`` with an EXIF block saying: show it turned a quarter (orientation 6), as phones
    write their portrait photos."""
    import struct

    tiff = (b"MM\x00\x2a" + struct.pack(">IH", 8, 1) + struct.pack(">HHIHH", 0x0112, 3, 1, 6, 0)
            + struct.pack(">I", 0))  # fmt: skip
    app1 = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]


def test_picture_size_reads_the_size_export_will_decode(tmp_path: Path) -> None:
    from studio.domain.picture_size import picture_size

    files = {}
    for ext, params in [(".png", []), (".jpg", []), (".webp", [cv2.IMWRITE_WEBP_QUALITY, 80]),
                        (".webp", [cv2.IMWRITE_WEBP_QUALITY, 101])]:  # lossy, lossless
        ok, data = cv2.imencode(ext, cv2.cvtColor(scene(3, 203, 97), cv2.COLOR_RGB2BGR), params)
        files[f"p{len(files)}{ext}"] = data.tobytes()
    files["turned.jpg"] = _exif_turned(files["p1.jpg"])
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        shown = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR).shape
        assert picture_size(tmp_path / name) == (shown[1], shown[0]), name
    assert picture_size(tmp_path / "turned.jpg") == (97, 203)
    (tmp_path / "notes.png").write_text("not a picture")
    assert picture_size(tmp_path / "notes.png") is None
    assert picture_size(tmp_path / "gone.png") is None


def test_a_tiny_cover_image_is_kept_and_check_says_it_will_look_blurry(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        clip_vertical: Path) -> None:  # fmt: skip
    from studio import i18n
    from studio.cli import main

    library = tmp_path / "library.sqlite"

    def flat(text: str) -> str:  # the table's columns and lines, not French's no-break spaces
        return re.sub(r"[ \n]+", " ", text)

    def studio(*args: object) -> tuple[int, str]:
        code = main(["--library", str(library), *map(str, args)])
        return code, capsys.readouterr().out

    def picture(name: str, w: int, h: int, turned: bool = False) -> Path:
        ok, data = cv2.imencode(Path(name).suffix, cv2.cvtColor(scene(7, w, h),
                                                                cv2.COLOR_RGB2BGR))
        (tmp_path / name).write_bytes(_exif_turned(data.tobytes()) if turned else data.tobytes())
        return tmp_path / name

    assert studio("new", "Bread", "--price", "2.99", "--description", "Ten loaves.")[0] == 0
    assert studio("add", "Bread", clip_vertical)[0] == 0
    code, out = studio("cover", "Bread", "--image", picture("logo.png", 200, 356))
    assert code == 0  # not refused: it may be the only picture the creator has
    assert "Warning: The cover image is only 200x356" in flat(out)  # said when chosen, too
    code, out = studio("check", "Bread")
    assert code == 0 and "Bread: Ready to publish; 1 warning" in out
    assert ("The cover image is only 200x356; the TikTok Series cover is 1080x1920, so it will "
            "be enlarged 5.4 times and look blurry.") in flat(out)
    assert "Use a picture of at least 540x960 if you have one" in flat(out)
    i18n.set_language("fr")
    try:
        code, out = studio("check", "Bread")
    finally:
        i18n.set_language("en")
    assert ("L’image de couverture ne fait que 200x356\u00a0; la couverture TikTok Series fait "
            "1080x1920, elle sera donc agrandie 5,4 fois et paraîtra floue.") \
        in flat(out)  # fmt: skip

    # A square picture is cut to 9:16 first: 600x600 keeps 338x600, enlarged 3.2 times.
    studio("cover", "Bread", "--image", picture("square.jpg", 600, 600))
    assert "enlarged 3.2 times" in flat(studio("check", "Bread")[1])
    # Up to twice on each side is mild: no warning (720x1280 is enlarged 1.5 times).
    for name, w, h, turned in [("fine.jpg", 720, 1280, False), ("half.webp", 540, 960, False),
                               ("phone.jpg", 1280, 720, True)]:  # shown upright: 720x1280
        assert "Warning" not in studio("cover", "Bread", "--image", picture(name, w, h, turned))[1]
        code, out = studio("check", "Bread")
        assert code == 0 and "Bread: Ready to publish\n" in out, (name, out)
    # A landscape picture is shown whole over a blurred copy of itself: only that counts.
    studio("cover", "Bread", "--image", picture("wide.png", 640, 360))
    assert "Ready to publish\n" in studio("check", "Bread")[1]
    studio("cover", "Bread", "--image", picture("stamp.png", 320, 180))
    assert "enlarged 3.4 times" in flat(studio("check", "Bread")[1])
