"""Preview an archive, then import the items the creator checked into a collection.

:func:`preview_archive` reads the archive (ZIP parts or folders) and adds
nothing. :func:`import_archive` adds the chosen items through
:func:`studio.actions.add_files` and sets each episode's title from the
archive, in one transaction per file. Both run on a worker: they never touch
widgets, report :class:`~studio.tasks.Progress` and poll a
:class:`~studio.tasks.CancelToken` between files (and between chunks of an
extraction). Each uses the :class:`~studio.store.library.Library` it is given
from one thread only.

Where things go:

- Media in a ZIP are extracted, one selected file at a time, to
  ``<media folder>/archives/<archive name>/<path in the archive>``; media in an
  unpacked folder are used where they are. Nothing is written elsewhere.
- The episode title is the video's title (YouTube) or the caption's first line
  (Instagram), cut to the profile's limit. Episodes have no description of
  their own, so the YouTube description or Instagram caption, the date and
  the archive's ids are kept in ``import.json`` in the archive's media folder
  (and in the preview and the CLI's ``--json``). Importing a playlist that has
  a description into a collection without one sets the collection's description.
- A clip whose fingerprint is already used by an episode of the library (or,
  with ``duplicates="collection"``, of the target collection) is not added
  again: it is reported as skipped, with where it already is; but an episode
  of the target collection still titled after its file name (an import
  interrupted by an older version) gets the archive's title.
- A file is added and titled in one transaction: an interruption leaves both
  undone, and importing again adds it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from studio import actions
from studio.domain.errors import UserError
from studio.domain.models import Collection, Episode
from studio.domain.profiles import load_profile, text_length
from studio.domain.sizes import format_size
from studio.i18n import tr
from studio.ingest.archive import DEFAULT_BUDGET, ArchiveReadError, ArchiveSet, Budget, Entry
from studio.ingest.entry_names import safe_component
from studio.ingest.instagram import read_instagram
from studio.ingest.model import (
    ArchiveItem,
    ArchivePreview,
    ArchiveProblem,
    ImportReport,
    ItemResult,
    Outcome,
    Playlist,
)
from studio.ingest.takeout import read_takeout
from studio.ingest.takeout_names import LANGUAGES_READ, youtube_folder
from studio.store.fingerprint import fingerprint
from studio.store.library import Library, LibraryDiskFull, LibraryError, LibraryReadOnly
from studio.tasks import CancelToken, Progress, ProgressCallback, no_progress

MANIFEST = "import.json"


class _NotAdded(Exception):
    """add_files reported a failure: roll back what it wrote inside the import's transaction."""


def preview_archive(
    paths: Sequence[str | os.PathLike],
    *,
    budget: Budget = DEFAULT_BUDGET,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> ArchivePreview:
    """What importing ``paths`` (ZIP parts and/or folders of one archive) would bring in.

    Probes the YouTube files to match them (reading the ZIP streams, extracting
    nothing). Raises UserError when no source can be read or it is neither a
    Takeout nor an Instagram export; smaller faults are in ``problems``.
    """
    with ArchiveSet.open(paths, budget) as arch:
        takeout = read_takeout(arch, progress=progress, cancel=cancel)
        insta = read_instagram(arch)
        if takeout is None and insta is None:
            zipped = any(not src.is_dir() for src in arch.sources)
            folder = youtube_folder(list(arch.paths()))
            if folder is not None:
                raise UserError(tr(
                    "{name} holds a YouTube Takeout ({folder}), but no list of videos in a "
                    "language Series Studio reads ({languages}).").format(
                    name=arch.name, folder=folder, languages=tr(LANGUAGES_READ)), hint=tr(
                    "Switch your Google account to English and request the Takeout again. If "
                    "it came as several ZIP files, give them all.") if zipped else tr(
                    "Switch your Google account to English and request the Takeout again."))
            raise UserError(tr(
                "{name} is neither a YouTube Takeout (no videos.csv) nor an Instagram export "
                "(no posts_1.json, reels.json, stories.json, igtv_videos.json or "
                "archived_posts.json).").format(name=arch.name),
                hint=tr("If it came as several ZIP files, give them all.") if zipped else None)
        items, problems, playlists, kinds = [], list(arch.problems), [], []
        if takeout is not None:
            kinds.append("youtube")
            items += takeout.items
            problems += takeout.problems
            playlists = takeout.playlists
        if insta is not None:
            kinds.append("instagram")
            items += insta.items
            problems += insta.problems
        return ArchivePreview(
            arch.name, arch.sources, tuple(kinds), tuple(items), tuple(problems),
            insta.skipped_photos if insta is not None else 0, tuple(playlists),
        )  # fmt: skip


def find_playlist(preview: ArchivePreview, name: str) -> Playlist:
    """The playlist called ``name`` (any case) or with that id; UserError listing them if none."""
    wanted = name.strip().casefold()
    found = [p for p in preview.playlists if p.id == name.strip() or p.title.casefold() == wanted]
    if len(found) == 1:
        return found[0]
    names = ", ".join(tr("'{title}'").format(title=p.title) for p in preview.playlists) or "-"
    if found:
        raise UserError(tr("Several playlists are called '{name}'; name one by its id: "
                           "{ids}.").format(name=name, ids=", ".join(p.id for p in found)))
    raise UserError(tr("No playlist called '{name}' in this archive. Its playlists: "
                       "{names}.").format(name=name, names=names))


def playlist_items(preview: ArchivePreview, playlist: Playlist) -> list[ArchiveItem]:
    """The playlist's items in the playlist's order."""
    by_key = {it.key: it for it in preview.items}
    return [by_key[k] for k in playlist.item_keys if k in by_key]


def archive_folder(media_dir: Path, name: str) -> Path:
    """``<media_dir>/archives/<name>``, created, and refused if it leads out of ``media_dir``."""
    folder = Path(media_dir) / "archives" / safe_component(name)
    folder.mkdir(parents=True, exist_ok=True)
    if not folder.resolve().is_relative_to(Path(media_dir).resolve()):
        raise UserError(tr("{folder} leads outside the media folder {media}; refused.").format(
            folder=folder, media=media_dir))
    return folder.resolve()  # absolute: the library stores the paths it is given


def fit_title(title: str, limit: int) -> str:
    """``title`` in at most ``limit`` UTF-16 units, cut at a word and ended with "…" if needed."""
    title = " ".join(title.split())
    if text_length(title) <= limit:
        return title
    cut = title
    while cut and text_length(cut) > limit - 1:
        cut = cut[:-1]
    words = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return (words if len(words) >= len(cut) // 2 else cut).rstrip(" ,.;:-") + "…"


def import_archive(
    lib: Library,
    media_dir: Path,
    preview: ArchivePreview,
    collection: Collection,
    items: Sequence[ArchiveItem] | None = None,
    *,
    playlist: Playlist | None = None,
    duplicates: Literal["library", "collection"] = "library",
    budget: Budget = DEFAULT_BUDGET,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
    on_result: Callable[[ItemResult], None] | None = None,
) -> ImportReport:
    """Add ``items`` (default: the ready ones) to ``collection``, in their order.

    An item without a file, or whose file cannot be read or added, is reported
    as failed with the reason; the others still go in. When the library cannot
    take a file (its disk is full, it is read-only), the import stops there: what
    was added stays, the file is deleted if it was extracted, and every remaining
    item is reported not added (``stopped``) with that one reason, none of them
    extracted. Raises UserError when
    the archive cannot be opened again or the selection does not fit on disk.
    """
    chosen = list(preview.default_selection if items is None else items)
    profile = load_profile(collection.profile)
    folder = archive_folder(media_dir, preview.name)
    report = ImportReport(collection.id, problems=list(preview.problems))
    used = _episodes_by_media(lib, collection, duplicates)
    total = len(chosen)
    stop: ItemResult | None = None
    with ArchiveSet.open(preview.sources, budget) as arch:
        _check_room(arch, chosen, folder, budget)
        try:
            for i, item in enumerate(chosen):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                progress(Progress(i, total, item.title))

                def on_bytes(done: int, i: int = i, item: ArchiveItem = item) -> None:
                    progress(Progress(i + done / max(item.size or done, 1), total, item.title))

                if stop is not None:  # the library cannot take more: nothing else is extracted
                    result = ItemResult(item, Outcome.FAILED, stop.reason, stopped=True)
                else:
                    result = _import_one(lib, arch, collection,
                                         profile.max_episode_title_length, item, folder, used,
                                         cancel, on_bytes)  # fmt: skip
                    stop = result if result.stopped else None
                report.results.append(result)
                if on_result is not None:
                    on_result(result)
        finally:  # what was added stays added, even when cancelled: keep its metadata too
            _write_manifest(folder, preview, report)
    if playlist is not None and playlist.description.strip() and report.added:
        current = lib.collection(collection.id)
        if not current.description.strip():
            actions.set_collection_fields(lib, current, description=playlist.description.strip())
    progress(Progress(total, total, tr("done")))
    return report


def _episodes_by_media(lib: Library, collection: Collection, scope: str
                       ) -> dict[str, tuple[str, int]]:  # fmt: skip
    """Fingerprint -> (collection title, episode position) of the episodes already there."""
    collections = lib.collections() if scope == "library" else [collection]
    used: dict[str, tuple[str, int]] = {}
    for c in collections:
        for e in lib.episodes(c.id):
            used.setdefault(e.media_fingerprint, (c.title, e.position))
    return used


def _check_room(arch: ArchiveSet, items: list[ArchiveItem], folder: Path, budget: Budget) -> None:
    entries: list[Entry] = []
    for it in items:
        e = arch.find(it.source_ref) if it.source_ref else None
        if e is None or arch.local_file(e) is not None:
            continue
        if not arch.planned_target(e, folder)[1]:
            entries.append(e)
    need = sum(e.size for e in entries)
    if len(entries) > budget.max_extract_count:
        raise UserError(tr("{count} files to extract at once is more than the {limit} allowed; "
                           "import fewer at a time.").format(count=len(entries),
                                                            limit=budget.max_extract_count))
    room = shutil.disk_usage(folder).free - budget.free_space_margin
    if budget.max_extract_bytes is not None:
        room = min(room, budget.max_extract_bytes)
    if need > room:
        raise UserError(tr("The selected videos need {need} in {folder}, and only {room} "
                           "can be used. Free some space or import fewer videos.").format(
            need=format_size(need), folder=folder, room=format_size(max(room, 0))))


def _import_one(lib: Library, arch: ArchiveSet, collection: Collection, title_limit: int,
                item: ArchiveItem, folder: Path, used: dict[str, tuple[str, int]],
                cancel: CancelToken | None, on_bytes: Callable[[int], None]
                ) -> ItemResult:  # fmt: skip
    def failed(reason: str, path: Path | None = None) -> ItemResult:
        return ItemResult(item, Outcome.FAILED, reason, path=path)

    def refused(problem: LibraryError, path: Path | None, fresh: bool) -> ItemResult:
        """The library cannot take the file (nor any after it): as add_files says it."""
        if fresh and path is not None:
            path.unlink(missing_ok=True)
        said = actions._stopped(lib, path or Path(item.source_ref or item.title), problem)
        return ItemResult(item, Outcome.FAILED, said.error, stopped=True)

    if item.source_ref is None:
        return failed(item.problem or tr("Its file is not in this archive."))
    if lib.read_only:  # nothing to extract for a library that cannot be written
        return refused(LibraryReadOnly(lib.read_only_reason or ""), None, False)
    entry = arch.find(item.source_ref)
    if entry is None or (item.size is not None and entry.size != item.size):
        return failed(tr("{file} is no longer in the archive as it was previewed; preview the "
                         "archive again.").format(file=item.source_ref))
    fresh = False
    try:
        path = arch.local_file(entry)
        if path is None:
            fresh = not arch.planned_target(entry, folder)[1]
            path = arch.extract(entry, folder, cancel=cancel, on_bytes=on_bytes)
        fp = fingerprint(path)
    except ArchiveReadError as exc:
        return failed(str(exc))
    except OSError as exc:
        return failed(tr("{file} cannot be written to {folder} ({error}).").format(
            file=entry.name, folder=folder, error=exc.strerror or exc))
    if fp in used:
        known = lib.media(fp)
        try:
            if known is not None and Path(known.path) == path:
                lib.set_media_location(fp, str(path), path.stat().st_mtime)  # found again
            elif fresh:
                path.unlink(missing_ok=True)  # a copy nobody needs
            fixed = _complete_title(lib, collection, fp, path, fit_title(item.title, title_limit))
        except (LibraryDiskFull, LibraryReadOnly) as exc:
            return refused(exc, path, fresh)
        where, position = used[fp]
        if fixed is not None:
            return ItemResult(item, Outcome.ADDED, tr(
                "It was imported before without its title; its title is now set."),
                episode=fixed, path=path)
        return ItemResult(item, Outcome.SKIPPED, tr(
            "Already in the library: episode {position} of '{collection}'.").format(
            position=position, collection=where), path=path if path.exists() else None)
    try:
        with lib.transaction():  # added and titled together: an interruption leaves neither
            added = actions.add_files(lib, collection, [path])[0]
            if added.episode is None:  # undo what add_files did before it failed
                raise _NotAdded
            title = fit_title(item.title, title_limit) or added.episode.title
            episode = lib.update_episode(added.episode.with_(title=title))
    except _NotAdded:
        pass
    except (LibraryDiskFull, LibraryReadOnly) as exc:  # from the transaction itself
        return refused(exc, path, fresh)
    if added.episode is None:
        if fresh:
            path.unlink(missing_ok=True)
        if added.stopped:
            return ItemResult(item, Outcome.FAILED, added.error, stopped=True)
        return failed(added.error or tr("It could not be added."))
    used[fp] = (collection.title, episode.position)
    return ItemResult(item, Outcome.ADDED, episode=episode, path=path)


def _complete_title(lib: Library, collection: Collection, fp: str, path: Path, title: str
                    ) -> Episode | None:  # fmt: skip
    """The episode of ``collection`` left with its file's name as title by an import that
    was interrupted before it set the archive's title (older versions did it in two
    steps), now titled ``title``; None when there is none."""
    for e in lib.episodes(collection.id):
        if e.media_fingerprint == fp and e.title == actions.title_from_filename(path) \
                and title and e.title != title:  # fmt: skip
            return lib.update_episode(e.with_(title=title))
    return None


def item_record(item: ArchiveItem) -> dict:
    """An item as plain JSON-ready data (the CLI's ``--json`` and ``import.json``)."""
    return {
        "key": item.key, "source": item.source, "kind": item.kind, "status": str(item.status),
        "title": item.title, "description": item.description,
        "created_at": item.created_at.isoformat() if item.created_at else None,
        "duration_us": item.duration_us, "duration_hint_us": item.duration_hint_us,
        "source_ref": item.source_ref, "video_id": item.video_id, "problem": item.problem,
        "candidates": [{"video_id": c.video_id, "title": c.title,
                        "created_at": c.created_at.isoformat() if c.created_at else None}
                       for c in item.candidates],
        "chosen": item.chosen,
    }  # fmt: skip


def problem_record(p: ArchiveProblem) -> dict:
    return {"file": p.file, "line": p.line, "severity": p.severity, "message": p.message}


def _write_manifest(folder: Path, preview: ArchivePreview, report: ImportReport) -> None:
    """Keep descriptions, captions, dates and ids of what was imported beside the media."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if not isinstance(data, dict) or not isinstance(data.get("items"), dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data.update({"archive": preview.name, "sources": [str(s) for s in preview.sources]})
    items = data.setdefault("items", {})
    for r in report.results:
        if r.outcome is Outcome.FAILED:
            continue
        record = items.get(r.item.key, {}) | item_record(r.item)
        record["file"] = str(r.path) if r.path else record.get("file")
        if r.episode is not None:
            record["episode_id"], record["collection_id"] = r.episode.id, report.collection_id
        items[r.item.key] = record
    tmp = path.with_name("." + MANIFEST + ".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        report.problems.append(ArchiveProblem(str(path), tr(
            "The titles, descriptions and dates of the import could not be saved in {file} "
            "({error}).").format(file=path, error=exc.strerror or exc), severity="warning"))
