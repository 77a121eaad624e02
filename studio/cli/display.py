"""Tell, before Qt starts, whether a window can be shown at all."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def display_problem() -> str | None:
    """A one-line reason why no window can open here, or None when one can."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform in ("win32", "darwin"):
        return None
    wayland = os.environ.get("WAYLAND_DISPLAY")
    if wayland:
        runtime = os.environ.get("XDG_RUNTIME_DIR", "")
        if Path(wayland).is_absolute() or not runtime or (Path(runtime) / wayland).exists():
            return None
    display = os.environ.get("DISPLAY")
    if not display:
        return "no display is available (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    host, _, number = display.rpartition(":")
    if host in ("", "unix"):
        socket = Path("/tmp/.X11-unix") / f"X{number.split('.')[0]}"
        if not socket.exists():
            return f"no X server answers on DISPLAY={display}"
    return None
