"""Composition root: where the library lives and the services a client needs.

The CLI and the GUI each build one :class:`AppContext` and pass it explicitly;
there is no global application object.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from studio.domain.errors import UserError
from studio.i18n import tr
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
    the cache folder (opened for reading when another user made it there: a ``sudo
    studio`` and the user then still hold each other off), or, when this user can neither
    write nor read there, in a folder of theirs in the temporary folder; the lock goes
    with the process, even a killed one."""
    key = hashlib.sha1(what.encode("utf-8")).hexdigest()[:16]
    handle = _open_lock_file(f"{key}.lock")
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


def fallback_lock_dir() -> Path:
    """Where locks go when the cache folder cannot be written: this user's own folder in
    the temporary folder (one per user, so two users never share or block it)."""
    user = str(os.getuid()) if hasattr(os, "getuid") else getpass.getuser()
    return Path(tempfile.gettempdir()) / f"series-studio-locks-{user}"


def _open_lock_file(name: str):
    locks = cache_dir() / "locks"
    try:
        locks.mkdir(parents=True, exist_ok=True)
        return open(locks / name, "a+b")  # noqa: SIM115 - held by the caller
    except OSError as exc:
        first = exc
    if os.name == "posix":
        # A lock file another user made there (after a `sudo studio ...`): flock works
        # on a file opened for reading, so both still take the same lock.
        try:
            return open(locks / name, "rb")  # noqa: SIM115 - held by the caller
        except OSError:
            pass
    fallback = fallback_lock_dir()
    try:
        fallback.mkdir(mode=0o700, exist_ok=True)
        if hasattr(os, "getuid") and fallback.stat().st_uid != os.getuid():
            raise PermissionError(f"{fallback} belongs to another user")
        return open(fallback / name, "a+b")  # noqa: SIM115 - held by the caller
    except OSError:
        pass
    raise UserError(tr("The cache folder {folder} cannot be written ({reason}; owned by another "
                       "user?): fix its permissions, or set STUDIO_CACHE_DIR to a folder you "
                       "can write.").format(folder=cache_dir(),
                                            reason=first.strerror or first))  # fmt: skip


def cache_problem(folder: Path | None = None) -> str | None:
    """Why this user cannot write the cache folder (thumbnails are then made again each
    time, and locks go to :func:`fallback_lock_dir`), or None when they can."""
    folder = cache_dir() if folder is None else folder
    targets = [d for d in (folder / "locks", folder) if d.is_dir()]
    if not targets:  # not made yet: it will be made in the first folder that exists
        targets = [next((d for d in folder.parents if d.exists()), folder.anchor)]
    for target in targets:
        try:
            with tempfile.NamedTemporaryFile(dir=target, prefix=".write-test-"):
                pass
        except OSError as exc:
            return tr("{folder} cannot be written: {reason}").format(
                folder=target, reason=exc.strerror or exc)
    return None


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
