"""Where the app's own files are: the same answer from a checkout, a pip install and the bundle.

Data files are read through ``importlib.resources`` from the package
``studio.resources`` (``resources/`` in the source tree). In the PyInstaller
bundle they sit in ``studio/resources/`` inside the bundle folder, where
``importlib.resources`` finds them too, so the profiles and catalogues are
loaded by the same code either way. Only the ffmpeg binary needs telling apart:
see :func:`ffmpeg_exe`. No Qt here.
"""

from __future__ import annotations

import os
import sys
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from studio.domain.errors import UserError

FFMPEG_ENV = "STUDIO_FFMPEG"
RESOURCES_PACKAGE = "studio.resources"


def frozen() -> bool:
    """True in the PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))


def bundle_dir() -> Path | None:
    """The folder holding the bundle's libraries and data (``_internal``), or None."""
    base = getattr(sys, "_MEIPASS", None) if frozen() else None
    return Path(base) if base else None


def resource(*parts: str) -> Traversable:
    """A file or folder of ``studio.resources``, e.g. ``resource("icons", "x.png")``."""
    return files(RESOURCES_PACKAGE).joinpath(*parts)


def _bundled_ffmpeg(base: Path) -> Path | None:
    folder = base / "imageio_ffmpeg" / "binaries"  # where the spec puts it
    if not folder.is_dir():
        return None
    found = sorted(p for p in folder.iterdir()  # ffmpeg-linux-x86_64-v9.0.2, ffmpeg-win-...exe
                   if p.name.startswith("ffmpeg-") and not p.name.endswith((".md", ".py"))
                   and p.is_file())
    return found[-1] if found else None


def ffmpeg_exe() -> str:
    """The ffmpeg binary the app runs; never one found on PATH.

    ``STUDIO_FFMPEG`` names another binary (for a distribution that ships its
    own build); in the bundle, the one collected from imageio-ffmpeg; else
    imageio-ffmpeg's own.
    """
    chosen = os.environ.get(FFMPEG_ENV, "").strip()
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise UserError(f"{FFMPEG_ENV}={chosen} is not a file: set it to an ffmpeg binary "
                            "or unset it to use the bundled one.")
        return str(path)
    base = bundle_dir()
    if base is not None:
        path = _bundled_ffmpeg(base)
        if path is None:
            raise UserError(f"The ffmpeg binary is missing from this installation ({base}): "
                            "reinstall Series Studio.")
        return str(path)
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()
