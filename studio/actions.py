"""The creator's actions on the library, shared by the CLI and the GUI.

Each action validates its input against the publish profile, then commits in
one transaction. Functions here may run on a worker thread; they never touch
widgets and report progress through a callback.
"""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from studio.domain.errors import InvalidValue, LimitReached, UserError
from studio.domain.models import Collection, Episode, MediaRecord
from studio.domain.money import Money
from studio.domain.profiles import load_profile
from studio.domain.rules import Problem, check
from studio.domain.timecode import TimeRange, format_duration, format_timecode, parse_timecode
from studio.editor.cut_points import snap_trim
from studio.editor.probe import PROBE_VERSION, ProbeError, probe
from studio.i18n import tr
from studio.store.fingerprint import fingerprint, size_of
from studio.store.library import Library, LibraryDiskFull, LibraryReadOnly, explain
from studio.store.locations import content_elsewhere, holds
from studio.tasks import CancelToken, Progress, ProgressCallback, no_progress

VIDEO_EXTENSIONS = {
    ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mts", ".m2ts", ".ts",
    ".3gp", ".mpg", ".mpeg", ".wmv", ".flv",
}  # fmt: skip


def natural_key(text: str) -> list:
    """Sort key that puts 'ep2' before 'ep10'."""
    return [int(t) if t.isdigit() else t.casefold() for t in re.split(r"(\d+)", text)]


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files as given, and the video files inside given folders, in natural order."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser().absolute()  # the library is used from anywhere
        if p.is_dir():
            # Nothing hidden (.Trash-1000/, .thumbnails/...); folders sorted name by
            # name, so that 'sub/' comes before 'sub2/'.
            found = [
                f
                for f in p.rglob("*")
                if f.is_file() and f.suffix.lower() in VIDEO_EXTENSIONS
                and not any(part.startswith(".") for part in f.relative_to(p).parts)
            ]
            out.extend(sorted(found, key=lambda f: [natural_key(part)
                                                    for part in f.relative_to(p).parts]))
        else:
            out.append(p)
    return out


def title_from_filename(path: Path) -> str:
    stem = re.sub(r"[_]+", " ", path.stem).strip()
    return re.sub(r"\s+", " ", stem) or path.name


@dataclass(frozen=True)
class AddResult:
    path: Path
    episode: Episode | None = None
    error: str | None = None
    reused_media: bool = False
    limit_reached: bool = False  # not added: the collection holds all it may (``error`` says)
    stopped: bool = False  # not added: the library cannot take more (full disk, read-only)

    @property
    def ok(self) -> bool:
        return self.episode is not None


def media_for_file(lib: Library, path: Path) -> tuple[MediaRecord, bool]:
    """Fingerprint and probe ``path``; reuse what the library knows. Commits the media row.

    A copy of content the library already uses elsewhere (``clip (1).mp4`` beside
    ``clip.mp4``) is only remembered: the episodes keep the file they use while it still
    holds that content, and carry on with the copy if it ever does not.
    """
    fp = fingerprint(path)
    known = lib.media(fp)
    st = path.stat()
    if known is not None:
        here = str(path)
        elsewhere = known.path != here and not known.missing
        if elsewhere and holds(known.path, fp, known.mtime) is not None:
            lib.remember_location(fp, here, st.st_mtime)  # a copy: kept in reserve
        elif known.path != here or known.missing:
            lib.set_media_location(fp, here, st.st_mtime)
            known = lib.media(fp)
        assert known is not None
        return known, True
    info = probe(path)
    record = MediaRecord(fp, str(path), st.st_size, st.st_mtime, info,
                         probe_version=PROBE_VERSION)  # fmt: skip
    return record, False


def add_files(
    lib: Library,
    collection: Collection,
    paths: Iterable[str | os.PathLike],
    *,
    on_result: Callable[[AddResult], None] | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> list[AddResult]:
    """Add each file as a new episode at the end of ``collection``.

    Each file is one transaction: a file reported added is in the library even
    if the process dies right after. A bad file is reported and skipped; the
    others still go in. Stops at the profile's episode limit: the files after it are
    not tried, and each gets the same result (``limit_reached``) as the first one refused.
    Stops the same way (``stopped``) when the library's disk is full or the library
    cannot be written: every file not added is reported, with what to do.
    """
    profile = load_profile(collection.profile)
    files = expand_paths(paths)
    results: list[AddResult] = []
    full: AddResult | None = None
    for i, path in enumerate(files):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(Progress(i, len(files), path.name))
        if full is None:
            result = _add_one(lib, collection, profile, path)
            full = result if result.limit_reached or result.stopped else None
        else:
            result = replace(full, path=path)
        results.append(result)
        if on_result is not None:
            on_result(result)
    progress(Progress(len(files), len(files), tr("done")))
    return results


def _add_one(lib: Library, collection: Collection, profile, path: Path) -> AddResult:
    try:
        if not path.exists():
            raise UserError(tr("{name}: the file does not exist ({path}).").format(
                name=path.name, path=path))
        if path.is_dir():
            raise UserError(tr("{name}: is a folder with no video files.").format(name=path.name))
        if not path.is_file():  # a named pipe or a device would block the reading for ever
            raise UserError(tr("{name}: is not a file (a pipe or a device?).").format(
                name=path.name))
        if lib.owns_file(path):  # never opened: closing it would drop SQLite's locks
            raise UserError(tr("{name}: is Series Studio's library, not a video.").format(
                name=path.name))
        profile.check_episode_count(lib.episode_count(collection.id) + 1)
        record, reused = media_for_file(lib, path)
        episode = Episode(
            id=str(uuid.uuid4()),
            collection_id=collection.id,
            media_fingerprint=record.fingerprint,
            title=title_from_filename(path),
            trim=_full_range(path, record),
            position=0,
        )
        with lib.transaction():
            # Checked again under the write lock: another process may have added.
            profile.check_episode_count(lib.episode_count(collection.id) + 1)
            if not reused:
                lib.put_media(record)
            episode = lib.add_episode(episode)
        return AddResult(path, episode, reused_media=reused)
    except LimitReached as exc:
        return AddResult(path, error=str(exc), limit_reached=True)
    except (LibraryDiskFull, LibraryReadOnly) as exc:
        return _stopped(lib, path, exc)
    except sqlite3.Error as exc:  # a read outside a transaction: as the library says it
        problem = explain(lib.path, exc)
        if isinstance(problem, (LibraryDiskFull, LibraryReadOnly)):
            return _stopped(lib, path, problem)
        raise
    except UserError as exc:
        return AddResult(path, error=str(exc))
    except OSError as exc:
        return AddResult(path, error=tr("{name}: cannot read the file ({error}).").format(
            name=path.name, error=exc.strerror))


def _stopped(lib: Library, path: Path, problem: Exception) -> AddResult:
    """The result of a file the library could not take, nor any after it."""
    if isinstance(problem, LibraryDiskFull):
        return AddResult(path, error=tr("The library's disk is full ({path}): free some space, "
                                        "then import again.").format(path=lib.path.parent),
                         stopped=True)  # fmt: skip
    return AddResult(path, error=str(problem), stopped=True)


def _full_range(path: Path, record: MediaRecord) -> TimeRange:
    """The whole clip, from its first frame to the end of its last one."""
    return snap_trim(path, record.info, TimeRange(0, record.info.duration))


def trim_episode(
    lib: Library, episode: Episode, in_text: str | None, out_text: str | None
) -> Episode:
    """Set the in and/or out point from timecodes typed by the creator."""
    media = lib.media(episode.media_fingerprint)
    if media is None:
        raise UserError(tr("The episode's media is not in the library."))
    rate = media.info.frame_rate
    start = parse_timecode(in_text, rate) if in_text is not None else episode.trim.start
    end = parse_timecode(out_text, rate) if out_text is not None else episode.trim.end
    length = media.info.duration
    if start >= length:
        raise InvalidValue(
            tr("The in point {start} is past the end of the media ({length}).").format(
                start=format_timecode(start), length=format_timecode(length))
        )
    if end > length:
        raise InvalidValue(
            tr("The out point {end} is past the end of the media ({length}); the latest "
               "possible is {length}.").format(end=format_timecode(end),
                                              length=format_timecode(length))
        )
    if end <= start:
        raise InvalidValue(
            tr("The in point {start} must come before the out point {end}.").format(
                start=format_timecode(start), end=format_timecode(end))
        )
    # Store the trim on frame boundaries: the episode then lasts exactly what its
    # render will, and the player, the handles and the export agree.
    snapped = snap_trim(media.path, media.info, TimeRange(start, end)) \
        if Path(media.path).is_file() else TimeRange(start, end)  # fmt: skip
    return lib.update_episode(episode.with_(trim=snapped))


def validated_collection(
    collection: Collection,
    *,
    title: str | None = None,
    description: str | None = None,
    price: str | None = None,
    currency: str | None = None,
) -> Collection:
    """The collection with these fields as typed, checked by its profile (nothing saved)."""
    changes: dict = {}
    if title is not None:
        if not title.strip():
            raise InvalidValue(tr("The title cannot be empty."))
        changes["title"] = title.strip()
    if description is not None:
        changes["description"] = description
    if price is not None and not price.strip() and currency is None:
        changes["price"] = None  # cleared
    elif price is not None or currency is not None:
        code = (currency or (collection.price.currency if collection.price else "USD")).upper()
        if price is not None and price.strip():
            money = Money.parse(price, code)
        elif collection.price is not None:
            money = Money(collection.price.minor, code)
        else:
            raise InvalidValue(tr("Set a price together with its currency, e.g. --price 9.99."))
        load_profile(collection.profile).check_price(money)
        changes["price"] = money
    return collection.with_(**changes)


def set_collection_fields(lib: Library, collection: Collection, **fields: str | None) -> Collection:
    """Change title, description and price in one transaction, price checked by the profile."""
    if all(v is None for v in fields.values()):
        raise InvalidValue(tr("Nothing to change: give --title, --description or --price."))
    return lib.update_collection(validated_collection(collection, **fields))


def refresh_media_status(lib: Library, fingerprints: Iterable[str]) -> list[MediaRecord]:
    """Flag media whose file is gone or no longer holds the same content. Returns the missing.

    Before flagging one, the other paths where the library saw its content are tried
    (:mod:`studio.store.locations`): the first that still holds it becomes the file its
    episodes use, and nothing is flagged. The flag is then about the file the episodes
    used last, never a copy: a copy overwritten with another clip is not a new version.
    """
    missing = []
    for fp in set(fingerprints):
        rec = lib.media(fp)
        if rec is None:
            continue
        p = Path(rec.path)
        gone = not p.is_file()
        if not gone:
            st = p.stat()
            if st.st_size != rec.size:
                gone = True
            elif st.st_mtime != rec.mtime:
                gone = fingerprint(p) != fp
                if not gone:
                    lib.set_media_location(fp, rec.path, st.st_mtime)
        if gone:
            copy = content_elsewhere(lib.media_locations(fp), fp, besides=rec.path)
            if copy is not None:
                lib.set_media_location(fp, copy.path, copy.mtime)
                rec, gone = lib.media(fp) or rec, False
        if gone != rec.missing:
            lib.set_media_missing(fp, gone)
        if not gone and rec.probe_version < PROBE_VERSION:
            _reprobe(lib, rec)
        if gone:
            missing.append(lib.media(fp))
    return missing


# What the content itself says, the same at every read: a file that gets one of these
# on a re-probe stays unusable until its bytes change (an I/O error may pass).
_UNUSABLE = {"empty", "not_media", "truncated", "damaged", "no_video", "unsupported_codec"}


def _reprobe(lib: Library, rec: MediaRecord) -> None:
    """Refresh facts written by an older prober (a file it misjudged, say)."""
    try:
        info = probe(rec.path)
    except ProbeError as exc:
        if exc.kind not in _UNUSABLE:
            return  # (unreadable now, say): the next refresh tries again
        # Accepted before, refused now (a download cut short that an older prober
        # took for whole): say so in check and at export, rather than at render.
        info = replace(rec.info, unusable=exc.message)
    except UserError:
        return  # keep what we knew; the file's own problem shows elsewhere
    lib.put_media(replace(rec, info=info, probe_version=PROBE_VERSION))


def check_collection(lib: Library, collection: Collection) -> list[Problem]:
    view = lib.view(collection.id)
    refresh_media_status(lib, view.media)
    return check(lib.view(collection.id), load_profile(collection.profile))


@dataclass(frozen=True)
class Relinked:
    fingerprint: str
    old_path: str
    new_path: str


def relink(
    lib: Library,
    folder: str | os.PathLike,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[list[Relinked], list[MediaRecord]]:
    """Find missing media in ``folder`` (recursively) by content fingerprint.

    Only files of the right size are hashed. Returns what was relinked and what
    is still missing.
    """
    root = Path(folder).expanduser().absolute()
    if not root.is_dir():
        raise UserError(tr("{folder} is not a folder.").format(folder=root))
    refresh_media_status(lib, [m.fingerprint for m in lib.all_media()])
    wanted = {m.fingerprint: m for m in lib.all_media() if m.missing}
    by_size: dict[int, list[str]] = {}
    for fp in wanted:
        by_size.setdefault(size_of(fp), []).append(fp)
    found: list[Relinked] = []
    candidates = [p for p in _walk_files(root) if p.stat().st_size in by_size]
    for i, path in enumerate(candidates):
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(Progress(i, len(candidates), path.name))
        try:
            fp = fingerprint(path)
        except OSError:
            continue
        if fp in wanted:
            rec = wanted.pop(fp)
            lib.set_media_location(fp, str(path), path.stat().st_mtime)
            found.append(Relinked(fp, rec.path, str(path)))
        if not wanted:
            break
    return found, list(wanted.values())


def _walk_files(root: Path) -> Iterator[Path]:
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            p = Path(dirpath) / name
            if p.is_file():
                yield p


def describe_episode(ep: Episode) -> str:
    return f"{ep.position}. {ep.title} ({format_duration(ep.duration)})"
