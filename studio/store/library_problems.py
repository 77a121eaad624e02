"""What can stop the library file from being used, said so that a creator can act.

Damage (SQLite's CORRUPT, NOTADB) is told apart from a file that is not a library at
all, and from a place that cannot be written (a read-only disk, folder or file) or a
disk that is full: only real damage gets a copy kept beside the file, once.
"""

from __future__ import annotations

import filecmp
import glob
import os
import shutil
import sqlite3
import time
from pathlib import Path

from studio.domain.errors import UserError
from studio.i18n import tr


class LibraryError(UserError):
    """The library file cannot be used as it is."""


class LibraryDamaged(LibraryError):
    """The integrity check failed; ``backup`` is the copy of the damaged file that was
    kept (None when none could be made, on a read-only disk)."""

    def __init__(self, message: str, backup: Path | None) -> None:
        super().__init__(message)
        self.backup = backup


class NotALibrary(LibraryError):
    """The file is not a Series Studio library (a video, another app's database); it was
    not changed."""


class LibraryReadOnly(LibraryError):
    """The library can be read but not changed (read-only disk, folder or file)."""


class LibraryDiskFull(LibraryError):
    """The disk holding the library has no room for what SQLite must write."""


SQLITE_HEADER = b"SQLite format 3\x00"
# Below this much free space, an I/O error of SQLite's is taken for a full disk.
FULL_DISK_BYTES = 1024 * 1024


def _error_name(exc: sqlite3.Error) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def _is_damage(exc: sqlite3.Error) -> bool:
    """Whether SQLite says the file itself is bad (not that it cannot be reached)."""
    return _error_name(exc).startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def _why_read_only(path: Path) -> str | None:
    """Why this user cannot change the library at ``path``, or None when they can."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return tr("is on a read-only disk")
    except (OSError, AttributeError):  # no statvfs on Windows
        pass
    if not os.access(folder, os.W_OK):
        return tr("is in a folder you cannot write ({folder})").format(folder=folder)
    if path.exists() and not os.access(path, os.W_OK):
        return tr("is a read-only file")
    return None


def read_only_message(path: Path, why: str) -> str:
    return tr("The library {path} {why}: it can be read but not changed. Make it writable "
              "or copy it to a folder you can write, or open another one with "
              "--library.").format(path=path, why=why)


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < FULL_DISK_BYTES
    except OSError:
        return False


def explain(path: Path, exc: sqlite3.Error) -> LibraryError:
    """What a creator can act on, for an error SQLite raised while using the library at
    ``path``: a read-only place, a full disk, a busy library, or else SQLite's words."""
    name = _error_name(exc)
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_IOERR",
                        "SQLITE_AUTH")):
        why = _why_read_only(path)
        if why is not None:
            return LibraryReadOnly(read_only_message(path, why))
    if name == "SQLITE_FULL" or (name.startswith("SQLITE_IOERR") and _disk_full(path)):
        return LibraryDiskFull(tr("The disk holding the library {path} is full: free some "
                                  "space, then try again.").format(path=path))
    if name.startswith("SQLITE_READONLY"):
        return LibraryReadOnly(tr("The library {path} cannot be changed ({error}): make it "
                                  "writable, or open another one with --library.").format(
            path=path, error=exc))
    if name.startswith("SQLITE_BUSY"):
        return LibraryError(tr("The library {path} is kept busy by another program (another "
                               "Series Studio?); try again when it is done.").format(path=path))
    return LibraryError(tr("The library {path} cannot be used: {error}.").format(
        path=path, error=exc))


def _starts_like_sqlite(path: Path) -> bool:
    """Whether the file begins as an SQLite database does. Read only once SQLite has
    refused the file, with no connection of this process left on it (see ``owns_file``)."""
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return True  # unreadable: SQLite's own message says more


def _timestamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def _keep_copy(path: Path, suffix: str) -> Path:
    """A copy of ``path`` (and its -wal and -shm) beside it. A copy already there with the
    same content is used again: opening a damaged library again and again must not fill
    the disk. A copy that cannot be finished is removed, then OSError."""
    for earlier in sorted(path.parent.glob(f"{glob.escape(path.name)}.{suffix}-*")):
        if earlier.name.endswith(("-wal", "-shm")):
            continue
        try:
            if filecmp.cmp(path, earlier, shallow=False):
                return earlier
        except OSError:
            continue
    backup = path.with_name(f"{path.name}.{suffix}-{_timestamp()}")
    made: list[Path] = []
    try:
        for extra in ("", "-wal", "-shm"):
            side = Path(str(path) + extra)
            if extra and not side.exists():
                continue
            made.append(Path(str(backup) + extra))
            shutil.copy2(side, made[-1])
    except OSError:
        for partial in made:
            try:
                partial.unlink(missing_ok=True)
            except OSError:
                pass
        raise
    return backup
