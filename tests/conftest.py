"""Shared fixtures: real media files made once per machine (see tests/media.py)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import tempfile  # noqa: E402

# Keep the app's settings and caches of a test run away from the user's own.
_sandbox = tempfile.mkdtemp(prefix="studio-tests-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_sandbox, "config")
os.environ["STUDIO_CACHE_DIR"] = os.path.join(_sandbox, "cache")
os.environ.pop("STUDIO_LIBRARY", None)

import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

# tests/ is not a package: make `import media` work whatever pytest's import mode
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))

import media  # noqa: E402


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session folder holding private copies of the cached test media."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def clip_landscape(media_dir: Path) -> Path:
    """640x360, 24 fps, 31 s, H.264 + AAC stereo 48 kHz, keyframe every 2 s."""
    return media.make_clip(media_dir / "landscape.mp4", seconds=31, width=640, height=360, fps=24)


@pytest.fixture(scope="session")
def clip_vertical(media_dir: Path) -> Path:
    """360x640, 30 fps, 31 s, H.264 + AAC stereo 48 kHz."""
    return media.make_clip(media_dir / "vertical.mp4", seconds=31, width=360, height=640, fps=30)


@pytest.fixture(scope="session")
def clip_no_audio(media_dir: Path) -> Path:
    """320x180, 25 fps, 5 s, video only."""
    return media.make_clip(
        media_dir / "no_audio.mp4", seconds=5, width=320, height=180, fps=25, audio=False
    )


@pytest.fixture(scope="session")
def clip_vfr(media_dir: Path) -> Path:
    """320x180, 4 s: 30 fps for 2 s then 15 fps (frame durations 1/30 s then 1/15 s)."""
    return media.make_clip(
        media_dir / "vfr.mp4", seconds=4, width=320, height=180, fps=30, vfr=True
    )


@pytest.fixture(scope="session")
def clip_rotated(media_dir: Path) -> Path:
    """320x180 pixels with a display matrix saying: turn 90 degrees clockwise (phone portrait)."""
    return media.make_clip(
        media_dir / "rotated.mp4", seconds=3, width=320, height=180, fps=30, rotation=90
    )


@pytest.fixture(scope="session")
def clip_long(media_dir: Path) -> Path:
    """20:30 (longer than the 20-minute episode limit), 64x36 at 2 fps, mono 8 kHz AAC."""
    return media.make_clip(
        media_dir / "long.mp4", seconds=20 * 60 + 30, width=64, height=36, fps=2,
        sample_rate=8000, channels=1,
    )


@pytest.fixture(scope="session")
def clip_audio_only(media_dir: Path) -> Path:
    """An .mp4 with 3 s of AAC stereo audio and no video stream."""
    return media.make_audio_only(media_dir / "audio_only.mp4")


@pytest.fixture(scope="session")
def file_empty(media_dir: Path) -> Path:
    return media.make_empty(media_dir / "empty.mp4")


@pytest.fixture(scope="session")
def file_text(media_dir: Path) -> Path:
    """A plain text file named .mp4."""
    return media.make_text(media_dir / "notes.mp4")


@pytest.fixture(scope="session")
def file_truncated(media_dir: Path) -> Path:
    """A real MP4 (moov at the end) cut in half, like an interrupted download."""
    return media.make_truncated(media_dir / "truncated.mp4")


@pytest.fixture(scope="session")
def file_unsupported_codec(media_dir: Path) -> Path:
    """A valid MP4 whose video sample entry fourcc is 'qqv9': no decoder exists for it."""
    return media.make_unsupported_codec(media_dir / "unsupported.mp4")


@pytest.fixture
def make_clip(tmp_path: Path) -> Callable[..., Path]:
    """Make an extra clip: ``make_clip("name.mp4", seconds=2, width=160, height=90, fps=24)``.

    Relative names land in the test's ``tmp_path``; keywords are those of
    :func:`media.make_clip`.
    """

    def _make(name: str | Path, **recipe: object) -> Path:
        target = Path(name)
        if not target.is_absolute():
            target = tmp_path / target
        return media.make_clip(target, **recipe)  # type: ignore[arg-type]

    return _make
