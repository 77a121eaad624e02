"""YouTube Takeout: ``videos.csv`` and the playlists, matched to the files of ``videos/``.

Takeout gives no column that links a file to its row: a file is named after
the video's title, sanitised, cut to about 43 UTF-16 units, with ``(n)`` added
for duplicates. A file is matched to a row when their normalised titles agree
(:func:`title_key`; a prefix is enough when the name looks cut) *and* the
probed length agrees with the row's approximate duration (:func:`close`).
Only a match that is unique both ways is taken; every other file is listed as
ambiguous (with its candidate rows) or unmatched, for the creator to resolve.
A row whose duration is blank is matched by title alone.

File and column names follow the account's language: they are listed, with
where each was found, in :mod:`studio.ingest.takeout_names`. A Takeout whose
parts were unpacked side by side (``Takeout``, ``Takeout 2``…) is read as one.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from studio.actions import VIDEO_EXTENSIONS
from studio.domain.profiles import text_length
from studio.domain.timecode import format_duration
from studio.i18n import tr
from studio.ingest.archive import ArchiveReadError, ArchiveSet, Entry
from studio.ingest.csv_table import (
    Columns,
    Table,
    decode,
    map_header,
    parse_ms,
    parse_timestamp,
    preamble_values,
    read_table,
)
from studio.ingest.model import ArchiveItem, ArchiveProblem, Candidate, ItemStatus, Playlist
from studio.ingest.takeout_names import (
    PLAYLIST_FOLDERS,
    PLAYLIST_INDEX_COLUMNS,
    PLAYLIST_INDEX_NAMES,
    PLAYLIST_VIDEO_COLUMNS,
    VIDEO_COLUMNS,
    VIDEO_CSV_NAMES,
    folded,
    playlist_title_from_file,
)
from studio.tasks import CancelToken, Progress, ProgressCallback, no_progress

TRUNCATED_AT = 43  # UTF-16 units Takeout keeps of a title in a file name
TRUNCATION_SLACK = 5  # a name this close to the cut may have lost trailing characters
TOLERANCE_US = 1_500_000  # the duration in videos.csv is approximate
TOLERANCE_FRACTION = 0.02
NAMED = 8  # candidates a note names at most
_DUPLICATE = re.compile(r"\s*\((\d+)\)\s*$")
_SELECTOR = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")  # emoji/text presentation
_TAKEOUT_REPLACED = re.compile(r'[\\/:*?"<>|]')  # written "_" in Takeout's file names


def title_key(text: str) -> str:
    """NFC, case-folded, without the ``(n)`` duplicate suffix, letters and digits only.

    A title with no letter or digit (only emoji, say) keeps its other characters
    but spaces and emoji variation selectors, with the characters Takeout
    replaces in file names (``/?:*`` …) written ``_`` as Takeout writes them.
    """
    return _key(text)[0]


def exact_key(text: str) -> str:
    """:func:`title_key` keeping a final ``(n)``: "Paris walk (2)" is not "Paris walk (3)"."""
    key, number = _key(text)
    return key + number


def _key(text: str) -> tuple[str, str]:
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold()).strip()
    number = ""
    found = _DUPLICATE.search(text)
    if found is not None and found.start() > 0:
        text, number = text[:found.start()], "(" + found.group(1) + ")"
    kept = "".join(ch for ch in text
                   if unicodedata.category(ch)[0] in "LNM" and not _SELECTOR.match(ch))
    if kept:
        return kept, number
    return _TAKEOUT_REPLACED.sub("_", _SELECTOR.sub("", "".join(text.split()))), number


def looks_cut(stem: str) -> bool:
    """A file name long enough to be a title cut short by Takeout."""
    return text_length(_DUPLICATE.sub("", stem)) >= TRUNCATED_AT - TRUNCATION_SLACK


def name_fits(stem: str, title: str) -> bool:
    """Can a file named ``stem`` (no extension) be the video called ``title``? (No durations.)"""
    key, other = title_key(stem), title_key(title)
    if key and exact_key(stem) == exact_key(title):
        return True
    return bool(key) and (other == key or (looks_cut(stem) and other.startswith(key)))


def close(duration_us: int, hint_us: int) -> bool:
    """A probed duration agrees with the approximate one of the metadata."""
    return abs(duration_us - hint_us) <= max(TOLERANCE_US, hint_us * TOLERANCE_FRACTION)


@dataclass
class VideoRow:
    video_id: str
    title: str
    description: str
    created_at: datetime | None
    duration_us: int | None

    key: str = field(init=False)
    exact: str = field(init=False)

    def __post_init__(self) -> None:
        self.key, self.exact = title_key(self.title), exact_key(self.title)

    def candidate(self) -> Candidate:
        return Candidate(self.video_id, self.title, self.description, self.created_at,
                         self.duration_us)  # fmt: skip


@dataclass
class MediaFile:
    entry: Entry
    key: str
    cut: bool  # the name is long enough to have been truncated
    exact: str = ""  # exact_key of the name: a title ending in "(n)" matches it first
    duration_us: int | None = None
    error: str | None = None

    def fits(self, row: VideoRow) -> bool:
        """The rule of :func:`name_fits`, with the keys computed once."""
        if not self.key:
            return False
        return row.key == self.key or (self.cut and row.key.startswith(self.key))


@dataclass
class TakeoutResult:
    items: list[ArchiveItem]
    playlists: list[Playlist]
    problems: list[ArchiveProblem]


def find_video_csvs(arch: ArchiveSet) -> list[Entry]:
    names = {folded(n) for n in VIDEO_CSV_NAMES}
    return [arch.entries[p] for p in arch.paths() if folded(p.rsplit("/", 1)[-1]) in names]


def read_takeout(
    arch: ArchiveSet,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> TakeoutResult | None:
    """The videos and playlists of a Takeout, or None when the archive holds no videos.csv."""
    csvs = find_video_csvs(arch)
    if not csvs:
        return None
    problems: list[ArchiveProblem] = []
    rows: dict[str, VideoRow] = {}
    for entry in csvs:
        for values in _read(arch, entry, VIDEO_COLUMNS, ("video_id", "title"), problems).rows:
            vid = values["video_id"].strip()
            if vid and vid not in rows:
                rows[vid] = VideoRow(
                    vid, values["title"].strip(), values.get("description", ""),
                    parse_timestamp(values.get("created", ""))
                    or parse_timestamp(values.get("published", "")),
                    parse_ms(values.get("duration_ms", "")),
                )  # fmt: skip
    roots = {_root_of(e.path) for e in csvs}
    files = [arch.entries[p] for p in arch.paths() if _under(p, roots) and _is_video(p)]
    media = _probe(arch, files, progress, cancel)
    items, key_of = _match(list(rows.values()), media)
    playlists = _playlists(arch, roots, rows, key_of, problems)
    return TakeoutResult(items, playlists, problems)


def _root_of(path: str) -> str:
    """``Takeout/YouTube and YouTube Music/`` for ``.../video metadata/videos.csv``."""
    parts = path.split("/")
    return "/".join(parts[:-2]) + "/" if len(parts) > 2 else ""


_PART_NUMBER = re.compile(r"(?:[ _-]\(?\d{1,3}\)?)$")


def _part_folder(name: str) -> str:
    """``Takeout`` for ``Takeout 2`` or ``Takeout (2)``, ``takeout-…`` for ``takeout-…-002``.

    The parts of a Takeout unpacked side by side (macOS, Windows) land in
    folders named so: they are one archive.
    """
    return _PART_NUMBER.sub("", name).casefold()


def _under(path: str, roots: set[str]) -> bool:
    parts = path.split("/")
    for root in roots:
        if path.startswith(root):
            return True
        want = root.split("/")[:-1]
        n = len(want) - 1
        if len(parts) > len(want) and parts[n] == want[n] and all(
                _part_folder(a) == _part_folder(b)
                for a, b in zip(parts[:n], want[:n], strict=True)):  # fmt: skip
            return True
    return False


def _is_video(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return "." in name and "." + name.rsplit(".", 1)[-1].lower() in VIDEO_EXTENSIONS \
        and not name.startswith(".")  # fmt: skip


def _read(arch: ArchiveSet, entry: Entry, columns: Columns, required: tuple[str, ...],
          problems: list[ArchiveProblem]) -> Table:  # fmt: skip
    where = arch.describe(entry)
    try:
        text, warning = decode(arch.read_bytes(entry), where)
    except ArchiveReadError as exc:
        problems.append(ArchiveProblem(where, str(exc)))
        return Table()
    if warning is not None:
        problems.append(warning)
    table = read_table(text, where, columns, required)
    if table.problem is not None:
        problems.append(table.problem)
    return table


def _probe(arch: ArchiveSet, files: list[Entry], progress: ProgressCallback,
           cancel: CancelToken | None) -> list[MediaFile]:  # fmt: skip
    out = []
    for i, entry in enumerate(files):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(Progress(i, len(files), entry.name))
        stem = _stem(entry)
        mf = MediaFile(entry, title_key(stem), looks_cut(stem), exact_key(stem))
        try:
            mf.duration_us = arch.duration_us(entry)
        except ArchiveReadError as exc:
            mf.error = str(exc)
        out.append(mf)
    progress(Progress(len(files), len(files), ""))
    return out


def _stem(entry: Entry) -> str:
    return entry.name.rsplit(".", 1)[0]


def _match(rows: list[VideoRow], files: list[MediaFile]
           ) -> tuple[list[ArchiveItem], dict[str, list[str]]]:  # fmt: skip
    """Items for matched rows, missing rows and the files left; video id -> item keys."""
    by_key: dict[str, list[VideoRow]] = {}
    by_exact: dict[str, list[VideoRow]] = {}
    for r in rows:
        by_key.setdefault(r.key, []).append(r)
        by_exact.setdefault(r.exact, []).append(r)

    def lasts(f: MediaFile, r: VideoRow) -> bool:
        return f.duration_us is not None and (
            r.duration_us is None or close(f.duration_us, r.duration_us))

    by_name: dict[int, list[VideoRow]] = {}
    fitting: dict[int, list[VideoRow]] = {}
    for f in files:
        named = ([r for r in rows if f.fits(r)] if f.cut else list(by_key.get(f.key, []))) \
            if f.key else []  # fmt: skip
        exact = by_exact.get(f.exact, []) if f.key else []
        if any(lasts(f, r) for r in exact):  # the name is exactly one title: "Walk (2)"
            named = exact
        by_name[id(f)] = named
        fitting[id(f)] = [r for r in named if lasts(f, r)]
    claims: dict[str, list[MediaFile]] = {}
    for f in files:
        for r in fitting[id(f)]:
            claims.setdefault(r.video_id, []).append(f)
    items: list[ArchiveItem] = []
    key_of: dict[str, list[str]] = {}
    matched: set[int] = set()
    for f in files:
        fit = fitting[id(f)]
        if len(fit) == 1 and claims[fit[0].video_id] == [f]:
            r = fit[0]
            key = f"youtube:{r.video_id}"
            items.append(ArchiveItem(
                key, "youtube", "video", f.entry.path, r.title, r.description, r.created_at,
                r.duration_us, f.duration_us, video_id=r.video_id, size=f.entry.size))
            key_of[r.video_id] = [key]
            matched.add(id(f))
    for f in files:
        if id(f) in matched:
            continue
        key = f"file:{f.entry.path}"
        status, problem, cands = _why_not(f, by_name[id(f)], fitting[id(f)], claims)
        items.append(ArchiveItem(
            key, "youtube", "video", f.entry.path, _stem(f.entry), "", None, None, f.duration_us,
            status=status, problem=problem, candidates=tuple(r.candidate() for r in cands),
            size=f.entry.size))  # fmt: skip
        for r in cands:
            key_of.setdefault(r.video_id, []).append(key)
    for r in rows:
        if r.video_id not in key_of:
            key = f"youtube:{r.video_id}"
            items.append(ArchiveItem(
                key, "youtube", "video", None, r.title, r.description, r.created_at,
                r.duration_us, status=ItemStatus.MISSING, video_id=r.video_id,
                problem=tr("Its file is not in this archive: add the missing ZIP parts, or "
                           "download the video again.")))  # fmt: skip
            key_of[r.video_id] = [key]
    items.sort(key=lambda it: (it.created_at is None, it.created_at or datetime.min,
                               it.title.casefold()))  # fmt: skip
    return items, key_of


def _why_not(f: MediaFile, by_name: list[VideoRow], fitting: list[VideoRow],
             claims: dict[str, list[MediaFile]]
             ) -> tuple[ItemStatus, str, list[VideoRow]]:  # fmt: skip
    if f.error is not None:
        return ItemStatus.UNMATCHED, f.error, by_name
    if not by_name:
        return ItemStatus.UNMATCHED, tr("No video of videos.csv has this title."), []
    if not fitting:
        lengths = ", ".join(format_duration(r.duration_us or 0) for r in by_name[:3])
        return ItemStatus.UNMATCHED, tr(
            "Its title fits {titles}, but it lasts {length} and the video {expected}.").format(
            titles=_titles(by_name), length=format_duration(f.duration_us or 0),
            expected=lengths), by_name  # fmt: skip
    if len(fitting) > 1:
        return ItemStatus.AMBIGUOUS, tr(
            "Its title and length fit several videos: {titles}. Choose the right one.").format(
            titles=_titles(fitting)), fitting  # fmt: skip
    others = [o for o in claims[fitting[0].video_id] if o is not f]
    return ItemStatus.AMBIGUOUS, tr(
        "{others} fit the same video {titles} just as well. Choose which file it is.").format(
        others=", ".join(o.entry.name for o in others), titles=_titles(fitting)), fitting


def _titles(rows: list[VideoRow]) -> str:
    """The videos named so that each can be told apart and chosen: title, date and id."""
    shown = ", ".join(r.candidate().label() for r in rows[:NAMED])
    return shown + (" …" if len(rows) > NAMED else "")


def _playlists(arch: ArchiveSet, roots: set[str], rows: dict[str, VideoRow],
               key_of: dict[str, list[str]], problems: list[ArchiveProblem]
               ) -> list[Playlist]:  # fmt: skip
    """The playlists: the CSV files of the ``playlists`` folder, or, in a language whose
    folder name is not known, the CSV files whose columns are those of a playlist."""
    folders = {folded(f) for f in PLAYLIST_FOLDERS}
    video_csvs = {folded(n) for n in VIDEO_CSV_NAMES}
    index_names = {folded(n) for n in PLAYLIST_INDEX_NAMES}
    csvs = [arch.entries[p] for p in arch.paths()
            if _under(p, roots) and p.lower().endswith(".csv") and len(p.split("/")) > 1
            and folded(p.rsplit("/", 1)[-1]) not in video_csvs]  # fmt: skip

    def in_folder(e: Entry) -> bool:
        return folded(e.path.split("/")[-2]) in folders

    index: dict[str, dict[str, str]] = {}
    lists: list[tuple[Entry, Table]] = []
    for e in csvs:
        if folded(e.name) in index_names or (not in_folder(e) and _has_columns(
                arch, e, PLAYLIST_INDEX_COLUMNS, ("playlist_id", "title"))):
            for values in _read(arch, e, PLAYLIST_INDEX_COLUMNS, ("title",), problems).rows:
                index[title_key(values["title"])] = values
        elif in_folder(e):
            lists.append((e, _read(arch, e, PLAYLIST_VIDEO_COLUMNS, ("video_id",), problems)))
        elif _has_columns(arch, e, PLAYLIST_VIDEO_COLUMNS, ("video_id", "added")):
            lists.append((e, _read(arch, e, PLAYLIST_VIDEO_COLUMNS, ("video_id",), problems)))
    out = []
    for e, table in lists:
        meta = preamble_values(table, PLAYLIST_INDEX_COLUMNS)
        stem = playlist_title_from_file(e.name[:-4])
        meta = meta or _lookup(index, stem)
        keys: list[str] = []
        not_uploaded = 0
        for values in table.rows:
            vid = values["video_id"].strip()
            if vid not in rows:
                not_uploaded += 1
            for k in key_of.get(vid, []):
                if k not in keys:
                    keys.append(k)
        title = (meta.get("title") or stem).strip()
        out.append(Playlist(meta.get("playlist_id") or f"file:{e.path}", title,
                            meta.get("description", ""), tuple(keys), not_uploaded))
    return sorted(out, key=lambda p: p.title.casefold())


def _has_columns(arch: ArchiveSet, entry: Entry, columns: Columns,
                 required: tuple[str, ...]) -> bool:  # fmt: skip
    """Does one of the first lines of ``entry`` name every ``required`` field? (Reads 8 kB.)"""
    try:
        head = arch.read_head(entry, 8192)
    except ArchiveReadError:
        return False
    lines = head.decode("utf-8-sig", errors="replace").splitlines()[:8]
    try:
        return any(all(f in map_header(row, columns) for f in required)
                   for row in csv.reader(lines))  # fmt: skip
    except csv.Error:
        return False


def _lookup(index: dict[str, dict[str, str]], stem: str) -> dict[str, str]:
    key = title_key(stem)
    if key in index:
        return index[key]
    found = [v for k, v in index.items() if key and k.startswith(key)]
    return found[0] if len(found) == 1 else {}
