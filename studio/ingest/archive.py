"""Archives as they arrive: one or several ZIP parts, or unpacked folders, read safely.

An :class:`ArchiveSet` joins its sources into one tree of entries (paths
relative to each source's root, ``/``-separated, NFC). Nothing is unpacked to
read it: CSV and JSON files are read into memory (within the budget), media
are probed from the ZIP stream, and :meth:`ArchiveSet.extract` streams one
entry to a file inside a given folder.

Safety: an entry with an absolute path, a ``..`` component, a NUL in its name,
or that is a link or a device file (ZIP external attributes) is refused and
reported; a part with too many entries, or that would pass the total size
budget, is refused; an entry that would expand more than ``Budget.max_ratio``
times is refused (a zip bomb). Reads never go past an entry's declared size
(and its CRC is checked), extraction writes only below the folder it is given,
and a damaged part is reported while the other parts are still used.

Not thread-safe: use one ArchiveSet from one thread at a time.
"""

from __future__ import annotations

import os
import tarfile
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import av.error

from studio.domain.errors import UserError
from studio.domain.sizes import format_size
from studio.i18n import tr
from studio.ingest.entry_names import (
    archive_name,
    clean_path,
    extraction_target,
    legacy_encoding,
    member_name,
    unsafe_reason,
)
from studio.ingest.model import ArchiveProblem
from studio.tasks import CancelToken

CHUNK = 1 << 20
_METADATA_BYTES = 32 << 20  # CSV text read at most to choose the code page of ZIP names
# What reading a ZIP entry raises when the part is damaged (bad CRC, cut short, unknown method).
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
                OSError, tarfile.TarError)  # fmt: skip


@dataclass(frozen=True)
class Budget:
    """Limits that keep a hostile or broken archive from filling the disk or the memory."""

    max_entries: int = 500_000  # per ZIP part (or folder)
    max_total_bytes: int = 4 << 40  # declared uncompressed size of all the sources together
    max_ratio: float = 100.0  # uncompressed / compressed size of one entry...
    ratio_floor: int = 1 << 20  # ...checked for entries of at least this size
    max_text_bytes: int = 256 << 20  # one CSV or JSON file, read into memory
    max_extract_bytes: int | None = None  # one import; None: free space minus a margin
    max_extract_count: int = 20_000  # files extracted by one import
    free_space_margin: int = 256 << 20


DEFAULT_BUDGET = Budget()


class ArchiveReadError(UserError):
    """One file of the archive cannot be read; ``file`` names it (as the creator sees it)."""

    def __init__(self, message: str, file: str, line: int | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line


@dataclass(frozen=True)
class Entry:
    path: str  # relative to its source's root, "/"-separated, NFC
    size: int  # declared uncompressed size
    part: int  # index of its source in ArchiveSet.sources
    mtime: float
    member: zipfile.ZipInfo | None = None  # in a ZIP part
    tar_member: tarfile.TarInfo | None = None  # in a .tgz / .tar part
    file: Path | None = None  # in a folder

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


class ArchiveSet:
    """The entries of several sources (ZIP parts and folders) as one tree. Use :meth:`open`."""

    def __init__(self, sources: Sequence[Path], budget: Budget) -> None:
        self.sources = tuple(sources)
        self.budget = budget
        self.name = archive_name(self.sources)
        self.problems: list[ArchiveProblem] = []
        self.entries: dict[str, Entry] = {}
        self._zips: dict[int, zipfile.ZipFile] = {}
        self._tars: dict[int, tarfile.TarFile] = {}
        self._total = 0
        self._by_name: dict[str, list[Entry]] | None = None
        self._metadata: str | None = None

    @classmethod
    def open(cls, paths: Sequence[str | os.PathLike], budget: Budget = DEFAULT_BUDGET
             ) -> ArchiveSet:  # fmt: skip
        """Read the table of contents of every source. Raises UserError if none can be used."""
        sources = [Path(p).expanduser().absolute() for p in paths]
        if not sources:
            raise UserError(tr("Give the archive: its ZIP files or the folder it was unpacked to."))
        for p in sources:
            if not p.exists():
                raise UserError(tr("{path} does not exist.").format(path=p))
            if not p.is_dir() and not zipfile.is_zipfile(p) and p.suffix.lower() != ".zip" \
                    and not _is_tar(p):  # fmt: skip
                raise UserError(tr("{path} is neither a ZIP or .tgz archive nor a folder.")
                                .format(path=p))  # fmt: skip
        arch = cls(sources, budget)
        try:
            zipped = {i: p for i, p in enumerate(sources)
                      if not p.is_dir() and not (_is_tar(p) and not zipfile.is_zipfile(p))}
            # Every ZIP part is opened first: the code page of one part's names is chosen
            # with the titles of the videos CSV, which may be in another part.
            infos = {i: arch._open_zip(i, p) for i, p in zipped.items()}
            for i, p in enumerate(sources):
                if i in zipped:
                    if infos[i] is not None:
                        arch._add_zip(i, p, infos[i])
                elif p.is_dir():
                    arch._add_folder(i, p)
                else:
                    arch._add_tar(i, p)
        except BaseException:
            arch.close()
            raise
        if not arch.entries:
            arch.close()
            reasons = " ".join(pr.message for pr in arch.problems[:3])
            raise UserError(tr("Nothing can be read in {path}. {reasons}").format(
                path=", ".join(str(p) for p in sources), reasons=reasons).strip())
        return arch

    def _over_budget(self, path: Path, entries: int, declared: int) -> str | None:
        """Why a part (ZIP or tar) is refused for its number of entries or for what the
        archive would expand to with it; None when it is within the budget."""
        b = self.budget
        if entries > b.max_entries:
            return tr("{file} was refused: it holds {count} entries, more than the {limit} "
                      "allowed.").format(file=path.name, count=entries, limit=b.max_entries)
        if self._total + declared > b.max_total_bytes:
            return tr("{file} was refused: with it, the archive would expand to {size}, more "
                      "than the {limit} allowed.").format(
                file=path.name, size=format_size(self._total + declared),
                limit=format_size(b.max_total_bytes))
        return None

    def _problem(self, file: str, message: str, severity: str = "error") -> None:
        self.problems.append(ArchiveProblem(file, message, severity=severity))

    def _refuse(self, part: Path, entry: str, reason: str) -> None:
        self._problem(part.name, tr("{entry} in {file} was refused: {reason}.").format(
            entry=entry, file=part.name, reason=reason))

    def _add(self, entry: Entry) -> None:
        if entry.path in self.entries:
            return  # the same file in two parts or folders: the first one wins
        self.entries[entry.path] = entry

    def _open_zip(self, i: int, path: Path) -> list[zipfile.ZipInfo] | None:
        """Open a ZIP part and check it against the budget: its entries, or None (refused)."""
        try:
            zf = zipfile.ZipFile(path)
            infos = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            self._problem(path.name, tr(
                "{file} cannot be read as a ZIP archive: its table of contents is damaged or "
                "missing ({error}). Download this part again.").format(file=path.name, error=exc))
            return None
        declared = sum(info.file_size for info in infos)
        refusal = self._over_budget(path, len(infos), declared)
        if refusal is not None:
            zf.close()
            self._problem(path.name, refusal)
            return None
        self._total += declared
        self._zips[i] = zf
        return infos

    def _add_zip(self, i: int, path: Path, infos: list[zipfile.ZipInfo]) -> None:
        locked = 0
        encoding = legacy_encoding(infos, self._metadata_text)
        for info in infos:
            if info.flag_bits & 0x1:  # encrypted: cannot be read without its password
                locked += 1
                continue
            name = member_name(info, encoding)
            reason = unsafe_reason(name, info.external_attr >> 16)
            if reason is None and self._too_packed(info):
                reason = tr("it would expand {ratio} times, more than any real video or "
                            "metadata file (a zip bomb)").format(
                    ratio=info.file_size // max(info.compress_size, 1))
            if reason is not None:
                self._refuse(path, name, reason)
                continue
            if info.is_dir() or not clean_path(name):
                continue
            mtime = _zip_time(info)
            self._add(Entry(clean_path(name), info.file_size, i, mtime, member=info))
        if locked:
            self._problem(path.name, tr(
                "{file} is protected by a password ({count} of its files). Takeout never "
                "protects its ZIP files: unzip it with its password and give the folder it was "
                "unpacked to, or zip it again without a password.").format(
                file=path.name, count=locked))

    def _metadata_text(self) -> str:
        """The text of the CSV files of every ZIP part (Takeout's video titles), read once,
        within the budget: it tells which code page a part's file names are in."""
        if self._metadata is None:
            texts, left = [], min(self.budget.max_text_bytes, _METADATA_BYTES)
            for zf in self._zips.values():
                for info in zf.infolist():
                    if not info.orig_filename.lower().endswith(".csv") or info.flag_bits & 0x1 \
                            or info.file_size > left or self._too_packed(info):  # fmt: skip
                        continue
                    try:
                        with zf.open(info) as f:
                            data = f.read(info.file_size)
                    except _READ_ERRORS:
                        continue  # reported when the file itself is read
                    left -= len(data)
                    texts.append(data.decode("utf-8", errors="replace"))
            self._metadata = "\n".join(texts)
        return self._metadata

    def _too_packed(self, info: zipfile.ZipInfo) -> bool:
        """Whether the entry would expand more than any real file does (a zip bomb)."""
        b = self.budget
        return info.file_size >= b.ratio_floor \
            and info.file_size > b.max_ratio * max(info.compress_size, 1)  # fmt: skip

    def _add_tar(self, i: int, path: Path) -> None:
        """A .tgz / .tar.gz / .tar part (a format Takeout offers), with the checks of a ZIP.

        Its compressed entries cannot be sized one by one: the ratio of the whole
        part is checked instead. Reading an entry out of the part's order re-reads
        the part from its start (gzip has no index).
        """
        try:
            tf = tarfile.open(path, "r:*")
            members = tf.getmembers()
        except (*_READ_ERRORS, tarfile.TarError) as exc:
            self._problem(path.name, tr(
                "{file} cannot be read as a .tgz archive: it is damaged or cut short ({error}). "
                "Download this part again.").format(file=path.name, error=exc))
            return
        b = self.budget
        declared = sum(m.size for m in members if m.isreg())
        refusal = self._over_budget(path, len(members), declared)
        packed = max(path.stat().st_size, 1)
        if refusal is None and declared >= b.ratio_floor and declared > b.max_ratio * packed:
            refusal = tr("{file} was refused: it would expand {ratio} times, more than any real "
                         "video or metadata file (a zip bomb).").format(
                file=path.name, ratio=declared // packed)
        if refusal is not None:
            tf.close()
            self._problem(path.name, refusal)
            return
        self._total += declared
        self._tars[i] = tf
        for m in members:
            reason = unsafe_reason(m.name)
            if reason is None and (m.issym() or m.islnk()):
                reason = tr("it is a symbolic link")
            elif reason is None and not (m.isreg() or m.isdir()):
                reason = tr("it is a device or special file, not a regular file")
            if reason is not None:
                self._refuse(path, m.name, reason)
                continue
            if m.isdir() or not clean_path(m.name):
                continue
            self._add(Entry(clean_path(m.name), m.size, i, float(m.mtime), tar_member=m))

    def _add_folder(self, i: int, root: Path) -> None:
        count = 0
        for dirpath, dirs, files in os.walk(root, followlinks=False):
            here = Path(dirpath)
            for name in sorted(dirs + files):
                p = here / name
                rel = p.relative_to(root).as_posix()
                try:
                    st = p.lstat()
                except OSError as exc:
                    self._problem(root.name, tr("{entry} cannot be read ({error}).").format(
                        entry=rel, error=exc.strerror or exc))
                    continue
                reason = unsafe_reason(rel, st.st_mode)
                if reason is not None:
                    self._refuse(root, rel, reason)
                    if name in dirs:
                        dirs.remove(name)
                    continue
                if name in dirs:
                    continue
                count += 1
                if count > self.budget.max_entries:
                    self._problem(root.name, tr(
                        "{file} holds more than {max_count} files; only the first were read."
                    ).format(file=root.name, max_count=self.budget.max_entries))
                    return
                self._add(Entry(clean_path(rel), st.st_size, i, st.st_mtime, file=p))

    # ------------------------------------------------------------------ reading
    def find(self, path: str) -> Entry | None:
        return self.entries.get(clean_path(path))

    def paths(self) -> Iterator[str]:
        return iter(self.entries)

    def named(self, name: str) -> list[Entry]:
        """The entries whose file name (last component) is ``name``."""
        if self._by_name is None:
            self._by_name = {}
            for e in self.entries.values():
                self._by_name.setdefault(e.name, []).append(e)
        return self._by_name.get(name, [])

    def describe(self, entry: Entry) -> str:
        """``path`` (in ``part.zip``): how the creator finds the file."""
        src = self.sources[entry.part]
        return entry.path if entry.file is not None else f"{entry.path} ({src.name})"

    def local_file(self, entry: Entry) -> Path | None:
        """The file itself when the entry comes from a folder (nothing to extract)."""
        return entry.file

    @contextmanager
    def stream(self, entry: Entry) -> Iterator[BinaryIO]:
        """A binary, seekable stream of the entry (opening errors become ArchiveReadError)."""
        try:
            if entry.file is not None:
                f: BinaryIO = entry.file.open("rb")
            elif entry.tar_member is not None:
                f = self._tars[entry.part].extractfile(entry.tar_member)  # type: ignore[assignment]
                if f is None:
                    raise OSError(entry.path)
            else:
                assert entry.member is not None
                f = self._zips[entry.part].open(entry.member)  # type: ignore[assignment]
        except _READ_ERRORS as exc:
            raise self._read_error(entry, exc) from exc
        with f:
            yield f

    def _read_error(self, entry: Entry, exc: BaseException) -> ArchiveReadError:
        where = self.describe(entry)
        if entry.file is not None:
            msg = tr("{entry} cannot be read ({error}).").format(entry=where, error=exc)
        else:
            msg = tr("{entry} cannot be read: the archive is damaged ({error}). Download "
                     "this part again.").format(entry=where, error=exc)
        return ArchiveReadError(msg, entry.path)

    def read_bytes(self, entry: Entry) -> bytes:
        if entry.size > self.budget.max_text_bytes:
            raise ArchiveReadError(tr(
                "{entry} is too large to read ({size}; at most {max_size}).").format(
                entry=self.describe(entry), size=format_size(entry.size),
                max_size=format_size(self.budget.max_text_bytes)), entry.path)
        with self.stream(entry) as f:
            try:
                return f.read(self.budget.max_text_bytes + 1)
            except _READ_ERRORS as exc:
                raise self._read_error(entry, exc) from exc

    def read_head(self, entry: Entry, size: int) -> bytes:
        """The first ``size`` bytes of the entry (to recognise a file by its first lines)."""
        with self.stream(entry) as f:
            try:
                return f.read(size)
            except _READ_ERRORS as exc:
                raise self._read_error(entry, exc) from exc

    def duration_us(self, entry: Entry) -> int:
        """The media's duration by probing the stream (headers only). Raises ArchiveReadError."""
        try:
            with self.stream(entry) as f, av.open(f) as container:  # type: ignore[arg-type]
                if container.duration is not None:
                    return int(container.duration)  # AV_TIME_BASE is microseconds
                video = container.streams.video[0] if container.streams.video else None
                if video is not None and video.duration and video.time_base:
                    return int(video.duration * video.time_base * 1_000_000)
        except (av.error.FFmpegError, ValueError, IndexError, *_READ_ERRORS) as exc:
            raise ArchiveReadError(tr("{entry} is not a video that can be read ({error}).")
                                   .format(entry=self.describe(entry), error=exc),
                                   entry.path) from exc  # fmt: skip
        raise ArchiveReadError(tr("{entry} does not say how long it is.").format(
            entry=self.describe(entry)), entry.path)

    # --------------------------------------------------------------- extraction
    def planned_target(self, entry: Entry, folder: Path) -> tuple[Path, bool]:
        """Where :meth:`extract` puts ``entry``, and whether the file there already is it.

        An existing file is never replaced: one that differs (another entry whose
        name became the same once made safe) gets the entry a ``name~2.ext``.
        """
        first = extraction_target(folder, entry.path)
        for n in range(1, 100):
            target = first if n == 1 else first.with_name(f"{first.stem}~{n}{first.suffix}")
            if not os.path.lexists(target):
                return target, False
            if target.is_file() and not target.is_symlink():
                st = target.stat()
                if st.st_size == entry.size and int(st.st_mtime) == int(entry.mtime):
                    return target, True
        raise ArchiveReadError(tr("{entry} cannot be extracted: {folder} already holds too many "
                                  "files of that name.").format(entry=entry.path, folder=folder),
                               entry.path)  # fmt: skip

    def extract(
        self,
        entry: Entry,
        folder: Path,
        *,
        cancel: CancelToken | None = None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> Path:
        """Stream ``entry`` to its path below ``folder``; a file already there is reused.

        Writes to a hidden temporary file next to the target and renames it once
        complete, so a cancelled or failed extraction leaves nothing behind.
        Raises ArchiveReadError (damaged entry), OSError (cannot write) or Cancelled.
        """
        target, done = self.planned_target(entry, folder)
        if done:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(folder.resolve()):
            raise ArchiveReadError(tr("{entry} would be written outside {folder}; refused.")
                                   .format(entry=entry.path, folder=folder), entry.path)
        fd, tmp_name = tempfile.mkstemp(prefix=".", suffix=".part", dir=target.parent)
        tmp = Path(tmp_name)
        try:
            written = 0
            with os.fdopen(fd, "wb") as out, self.stream(entry) as src:
                while True:
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    try:
                        chunk = src.read(CHUNK)
                    except _READ_ERRORS as exc:
                        raise self._read_error(entry, exc) from exc
                    if not chunk:
                        break
                    written += len(chunk)
                    if written > entry.size:  # never more than the declared size
                        raise ArchiveReadError(tr("{entry} holds more than it declares; "
                                                  "refused.").format(entry=self.describe(entry)),
                                               entry.path)  # fmt: skip
                    out.write(chunk)
                    if on_bytes is not None:
                        on_bytes(written)
            os.utime(tmp, (entry.mtime, entry.mtime))
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return target

    def close(self) -> None:
        for zf in self._zips.values():
            zf.close()
        self._zips.clear()
        for tf in self._tars.values():
            tf.close()
        self._tars.clear()

    def __enter__(self) -> ArchiveSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _zip_time(info: zipfile.ZipInfo) -> float:
    try:
        return time.mktime((*info.date_time, 0, 0, -1))
    except (OverflowError, ValueError):
        return 0.0


def _is_tar(path: Path) -> bool:
    """A .tgz, .tar.gz or .tar file (checked by its content when it exists)."""
    name = path.name.lower()
    named = name.endswith((".tgz", ".tar.gz", ".tar"))
    try:
        return named or (path.is_file() and tarfile.is_tarfile(path))
    except OSError:
        return named
