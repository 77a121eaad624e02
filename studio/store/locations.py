"""Every place the library has seen a media's content, and which of them still holds it.

One content (one fingerprint) can sit in several files: a clip saved twice by the
browser, or copied into another project's folder and imported from there. The
media row names one of them (the file its episodes use); the library also keeps
every other path where it saw that content, so that when the file in use is
deleted, moved away or overwritten, the episodes quietly carry on with a copy
that still holds the same content (see ``studio.actions.refresh_media_status``).

A remembered path is only ever used after checking that it still holds the same
content (size, then the fingerprint when its time changed): a copy overwritten
with another clip is never taken for the episodes' clip, nor for a new version of it.

Threading: these functions read files and the library; they write nothing.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from studio.store.fingerprint import fingerprint, size_of


@dataclass(frozen=True)
class Location:
    """A path where the library saw a media's content, and the file's time then."""

    path: str
    mtime: float


def holds(path: str | os.PathLike, fp: str, mtime: float | None = None) -> float | None:
    """The file's modification time if ``path`` holds the content ``fp``, else None.

    A file of the right size whose time is ``mtime`` is taken as unchanged (as the
    library does for the file in use); any other time costs a fingerprint. A file
    that cannot be read does not hold it.
    """
    p = Path(path)
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size != size_of(fp):
            return None
        if mtime is not None and st.st_mtime == mtime:
            return st.st_mtime
        return st.st_mtime if fingerprint(p) == fp else None
    except OSError:
        return None


def content_elsewhere(places: Iterable[Location], fp: str, *, besides: str) -> Location | None:
    """The first of ``places`` (other than ``besides``) that still holds the content ``fp``,
    with the file's time now; None when none does."""
    for place in places:
        if place.path == besides:
            continue
        mtime = holds(place.path, fp, place.mtime)
        if mtime is not None:
            return Location(place.path, mtime)
    return None
