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
from collections.abc import Sequence
from pathlib import Path

from studio.i18n import N_, tr

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


# Code pages Windows' "Compressed folder" writes names in (the system's OEM code page), in the
# order they are preferred when several read a part's names equally well.
LEGACY_ENCODINGS = ("cp437", "cp850", "cp852", "cp866", "cp932", "cp936", "cp949", "cp950")


def member_name(info: zipfile.ZipInfo, encoding: str = "cp437") -> str:
    """The entry's name: UTF-8 names stored without the UTF-8 flag are repaired, other
    names without the flag are read in ``encoding`` (see :func:`legacy_encoding`)."""
    name = info.filename
    if not info.flag_bits & 0x800:
        raw = name.encode("cp437")  # zipfile read the bytes as cp437: get them back
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            return name
    return name


def legacy_encoding(infos: Sequence[zipfile.ZipInfo]) -> str:
    """The code page a ZIP part's names were written in, when they are not UTF-8.

    ZIP files made on Windows store names in the system's OEM code page with
    nothing saying which. Each candidate that reads every such name is scored by
    the characters it gives that no file name holds (box drawing, symbols,
    controls); the lowest wins, ties going to the earlier (cp437 is the ZIP default).
    """
    raws = []
    for info in infos:
        if info.flag_bits & 0x800 or info.filename.isascii():
            continue
        raw = info.filename.encode("cp437")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raws.append(raw)
    if not raws:
        return "cp437"
    best, best_score = "cp437", None
    for enc in LEGACY_ENCODINGS:
        try:
            names = [r.decode(enc) for r in raws]
        except UnicodeDecodeError:
            continue
        score = sum(_unlikely(ch) for n in names for ch in n)
        if best_score is None or score < best_score:
            best, best_score = enc, score
    return best


def _unlikely(ch: str) -> bool:
    """A character no one puts in a file name: a box-drawing or block, a symbol, a control."""
    cat = unicodedata.category(ch)
    return cat in ("So", "Sm", "Sk", "Cc", "Co", "Cn") or "\u2500" <= ch <= "\u259f"


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
