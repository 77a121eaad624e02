"""Names of archive entries: which are refused, and where one may be written.

Pure functions, no I/O. An entry is refused for an absolute path, a ``..``
component, a NUL in its name, or a Unix mode that is a link or a device file.
The path an entry is extracted to is made of its own components, each made
safe on every system, below the folder given, never above it.
"""

from __future__ import annotations

import re
import stat
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from studio.i18n import N_, tr
from studio.ingest.code_pages import choose_code_page, legacy_names, raw_name

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                     *(f"lpt{i}" for i in range(1, 10))}  # fmt: skip
_PART_SUFFIX = re.compile(r"(?:[-_ .]?(?:part)?\d{1,3})$", re.I)

_LINK = N_("it is a symbolic link")
_SPECIAL = N_("it is a device or special file, not a regular file")
_ABSOLUTE = N_("its path is absolute")
_CLIMBS = N_("its path climbs out of the archive (..)")
_NUL = N_("its name holds a NUL character")


def unsafe_reason(name: str, mode: int = 0) -> str | None:
    """Why an entry called ``name`` with the Unix ``mode`` must not be read, or None."""
    if "\x00" in name:
        return tr(_NUL)
    slashed = name.replace("\\", "/")
    if slashed.startswith("/") or re.match(r"^[A-Za-z]:", slashed):
        return tr(_ABSOLUTE)
    if ".." in slashed.split("/"):
        return tr(_CLIMBS)
    kind = stat.S_IFMT(mode)
    if stat.S_ISLNK(mode):
        return tr(_LINK)
    if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
        return tr(_SPECIAL)
    return None


def clean_path(name: str) -> str:
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".")]
    return unicodedata.normalize("NFC", "/".join(parts))


def member_name(info: zipfile.ZipInfo, encoding: str = "cp437") -> str:
    """The entry's name: UTF-8 names stored without the UTF-8 flag are repaired, other
    names without the flag are read whole in ``encoding`` (see :func:`legacy_encoding`)."""
    raw = raw_name(info)
    if raw is None:
        return info.filename
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return info.filename


def legacy_encoding(infos: Sequence[zipfile.ZipInfo],
                    titles: Callable[[], str] | None = None) -> str:  # fmt: skip
    """The code page a ZIP part's names were written in, when they are not UTF-8: one for
    the whole part, chosen from all its names (see :mod:`studio.ingest.code_pages`).
    ``titles`` gives the archive's metadata text, to prefer the code page whose names
    match its titles."""
    raws = legacy_names(infos)
    return choose_code_page(raws, titles) if raws else "cp437"


def archive_name(paths: Sequence[Path]) -> str:
    """A folder name for what is extracted: the first source's name without its part number."""
    name = paths[0].name
    packed = re.search(r"\.(?:zip|tgz|tar\.gz|tar)$", name, re.I)
    stem = name[:packed.start()] if packed else name
    if len(paths) > 1 or packed:
        stem = _PART_SUFFIX.sub("", stem) or stem
    return safe_component(stem)[:80] or "archive"


def safe_component(part: str) -> str:
    """One path component safe on every system (no separators, reserved names or characters)."""
    part = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", part).rstrip(" .")
    if part in ("", ".", ".."):
        part = "_"
    if part.split(".")[0].lower() in _WINDOWS_RESERVED:
        part = "_" + part
    return part[:150]


def extraction_target(folder: Path, path: str) -> Path:
    """Where an entry goes below ``folder``: every component made safe, never above it."""
    parts = [safe_component(p) for p in clean_path(path).split("/")]
    return folder.joinpath(*parts)
