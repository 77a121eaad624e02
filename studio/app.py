"""Composition root: where the library lives and the services a client needs.

The CLI and the GUI each build one :class:`AppContext` and pass it explicitly;
there is no global application object.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from studio.store.library import Library

APP_NAME = "Series Studio"
APP_AUTHOR = "Series Studio"
LIBRARY_ENV = "STUDIO_LIBRARY"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def cache_dir() -> Path:
    """Thumbnails, waveforms and previews; ``STUDIO_CACHE_DIR`` moves it."""
    env = os.environ.get("STUDIO_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


class Busy(Exception):
    """Another process (the window, a terminal) holds what :func:`one_at_a_time` guards."""


@contextmanager
def one_at_a_time(what: str) -> Iterator[None]:
    """Hold ``what`` (any text naming a job, such as a kit folder) for this process while
    the block runs; Busy at once when another process holds it. The lock file lives in
    the cache folder; the lock goes with the process, even a killed one."""
    locks = cache_dir() / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    key = hashlib.sha1(what.encode("utf-8")).hexdigest()[:16]
    handle = open(locks / f"{key}.lock", "a+b")  # noqa: SIM115 - held for the block
    try:
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise Busy(what) from exc
        yield
    finally:
        handle.close()


def default_library_path() -> Path:
    """``STUDIO_LIBRARY`` if set, else ``library.sqlite`` in the user data folder."""
    env = os.environ.get(LIBRARY_ENV)
    if env:
        return Path(env).expanduser()
    return data_dir() / "library.sqlite"


@dataclass
class AppContext:
    """What every client of the services holds: the open library and its folders."""

    library: Library

    @classmethod
    def open(cls, library_path: str | os.PathLike | None = None) -> AppContext:
        path = Path(library_path).expanduser() if library_path else default_library_path()
        return cls(Library.open(path))

    @property
    def library_path(self) -> Path:
        return self.library.path

    @property
    def media_dir(self) -> Path:
        """Where the app keeps media it creates (demo clips, extracted archives)."""
        return self.library.path.parent / "media"

    def close(self) -> None:
        self.library.close()

    def __enter__(self) -> AppContext:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
