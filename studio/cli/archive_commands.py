"""``studio import-archive``: videos from a YouTube Takeout or an Instagram export.

``register(cmd)`` adds the subcommand through the ``cmd(name, func, help)``
helper of :func:`studio.cli.main.build_parser`. Exit status: 0 when everything
selected was imported (clips already in the library count as done), 1 when
something needs the creator's attention (unmatched, ambiguous or missing
videos, a file that could not be added, a damaged part), 2 on a user error
(raised as UserError and printed by ``main``).

A file that fits several videos is never guessed: ``--pick FILE=VIDEO_ID``
says which one it is (the output lists the exact ``--pick`` of each choice);
with a terminal on stdin, and neither ``--json``, ``--dry-run`` nor
``--no-input``, the command asks instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime

from studio.app import AppContext
from studio.cli.terminal import ProgressLine, say, table
from studio.domain.errors import InvalidValue, NotFound
from studio.domain.models import Collection
from studio.domain.timecode import format_duration
from studio.i18n import N_, ntr, tr
from studio.ingest import (
    ArchiveItem,
    ArchivePreview,
    Candidate,
    ImportReport,
    ItemResult,
    Playlist,
    choices_from_picks,
    entry_label,
    find_playlist,
    import_archive,
    item_record,
    pick_argument,
    playlist_items,
    preview_archive,
    problem_record,
    resolve,
)
from studio.store.library import Library

Cmd = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]

_STATUS = {  # what the table says for an item, by outcome or status
    "added": N_("added"), "skipped": N_("skipped"), "failed": N_("failed"),
    "ready": N_("ready"), "ambiguous": N_("ambiguous"), "unmatched": N_("unmatched"),
    "missing": N_("missing"),
}  # fmt: skip


def register(cmd: Cmd) -> None:
    p = cmd("import-archive", cmd_import_archive,
            "import the videos of a YouTube Takeout or an Instagram export, with their titles")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="the archive: all its ZIP parts, or the folder it was unpacked to")
    p.add_argument("-c", "--collection", metavar="C",
                   help="title or id of the collection to add to (made if none has this title; "
                        "default: the playlist's title, or 'YouTube videos'/'Instagram videos')")
    p.add_argument("--playlist", metavar="NAME",
                   help="import only this YouTube playlist (title or id), in its order")
    p.add_argument("--pick", action="append", default=[], metavar="FILE=VIDEO_ID",
                   help="say which video a file that fits several is, e.g. --pick "
                        "'Twin(1).mp4=dQw4w9WgXcQ' (repeat for each file; the output of a run "
                        "lists the choices)")
    p.add_argument("--no-input", action="store_true",
                   help="never ask which video a file is, even in a terminal")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--dry-run", action="store_true",
                   help="show what would be imported and add nothing")  # fmt: skip


def cmd_import_archive(args: argparse.Namespace) -> int:
    quiet = args.json
    bar = ProgressLine(tr("Reading the archive"))
    preview = preview_archive(args.paths, progress=bar)
    bar.finish()
    playlist = find_playlist(preview, args.playlist) if args.playlist else None
    choices = choices_from_picks(preview, args.pick)
    if not (args.json or args.dry_run or args.no_input) and sys.stdin.isatty():
        scope = playlist_items(preview, playlist) if playlist else list(preview.items)
        choices |= _ask(preview, [it for it in scope if it.pickable and it.key not in choices])
    if choices:
        preview = resolve(preview, choices)
    scope = playlist_items(preview, playlist) if playlist else list(preview.items)
    selected = [it for it in scope if it.checked_by_default]
    errors = [p for p in preview.problems if p.severity == "error"]
    attention = len(scope) - len(selected)
    if args.dry_run or not selected:
        if args.json:
            say(_json(preview, scope, playlist, None, None, dry_run=args.dry_run))
        else:
            _print_items(scope, {})
            _print_footer(preview, None, attention, playlist=playlist)
            _print_choices(preview, scope)
            if not selected and not args.dry_run:
                say(tr("Nothing to import."))
        return 1 if attention or errors else 0
    with AppContext.open(args.library) as ctx:
        collection, created = _target(ctx.library, args.collection, playlist, preview)
        if created and not quiet:
            say(tr("Created the collection '{title}'.").format(title=collection.title))
        bar = ProgressLine(tr("Importing"))
        report = import_archive(ctx.library, ctx.media_dir, preview, collection, selected,
                                playlist=playlist, progress=bar)  # fmt: skip
        bar.finish()
        collection = ctx.library.collection(collection.id)
    results = {r.item.key: r for r in report.results}
    if args.json:
        say(_json(preview, scope, playlist, collection, report, created=created))
    else:
        _print_items(scope, results)
        _print_footer(preview, report, attention, collection, playlist)
        _print_choices(preview, scope)
    return 1 if report.failed or attention or errors else 0


def _ask(preview: ArchivePreview, items: list[ArchiveItem]) -> dict[str, Candidate]:
    """Ask, in the terminal, which video each file is; Enter leaves a file out."""
    chosen: dict[str, Candidate] = {}
    for it in items:
        say()
        say(tr("{file} ({length}): {problem}").format(
            file=entry_label(preview, it), problem=it.problem,
            length=format_duration(it.duration_us or 0)))  # fmt: skip
        for n, c in enumerate(it.candidates, 1):
            say(f"  {n}. {c.label()}")
        while True:
            try:
                answer = input(tr("Which video is it? A number from 1 to {last}, or Enter to leave "
                                  "it out: ").format(last=len(it.candidates))).strip()
            except EOFError:
                say()
                return chosen
            if not answer:
                break
            if answer.isdigit() and 1 <= int(answer) <= len(it.candidates):
                chosen[it.key] = it.candidates[int(answer) - 1]
                break
            say(tr("'{answer}' is not one of the numbers above.").format(answer=answer))
    if chosen:
        picks = " ".join(pick_argument(preview, preview.item(k), c) for k, c in chosen.items())
        say(tr("To make the same choices without questions next time: {picks}").format(
            picks=picks))
    say()
    return chosen


def _print_choices(preview: ArchivePreview, items: list[ArchiveItem]) -> None:
    """The exact --pick of every choice left, so that the creator can copy one per file."""
    open_ = [it for it in items if it.pickable]
    if not open_:
        return
    say()
    say(tr("To import these files, say which video each one is: run the same command again "
           "with one of its --pick options (one per file)."))
    for it in open_:
        say(tr("  {file} may be:").format(file=entry_label(preview, it)))
        for c in it.candidates:
            say(f"    {pick_argument(preview, it, c)}   {c.label()}")


def _target(lib: Library, name: str | None, playlist: Playlist | None,
            preview: ArchivePreview) -> tuple[Collection, bool]:  # fmt: skip
    """The collection named (or made) for the import, and whether it was made now."""
    if name is None and playlist is not None:
        name = playlist.title
    if name is None:
        name = {("youtube",): tr("YouTube videos"),
                ("instagram",): tr("Instagram videos")}.get(preview.kinds, tr("Imported videos"))
    if not name.strip():
        raise InvalidValue(tr("Give the collection a title: --collection TITLE."))
    try:
        return lib.find_collection(name), False
    except NotFound:
        return lib.create_collection(name.strip()), True


def _date(d: datetime | None) -> str:
    return d.date().isoformat() if d else "-"


def _print_items(items: list[ArchiveItem], results: dict[str, ItemResult]) -> None:
    rows = []
    for it in items:
        r = results.get(it.key)
        status = r.outcome.value if r else it.status.value
        note = (r.reason if r else it.problem) or ""
        if not note and it.chosen:
            note = tr("your choice (id {id})").format(id=it.video_id)
        where = str(r.episode.position) if r and r.episode else "-"
        title = r.episode.title if r and r.episode else it.title
        length = it.duration_us if it.duration_us is not None else it.duration_hint_us
        rows.append([tr(_STATUS[status]), where, _cut(title, 40), _date(it.created_at),
                     format_duration(length) if length is not None else "-", note])
    if rows:
        say(table([tr("STATUS"), "#", tr("TITLE"), tr("DATE"), tr("LENGTH"), tr("NOTE")], rows))


def _print_footer(preview: ArchivePreview, report: ImportReport | None, attention: int,
                  collection: Collection | None = None, playlist: Playlist | None = None,
                  ) -> None:  # fmt: skip
    if playlist is not None and playlist.not_uploaded:
        n = playlist.not_uploaded
        say(ntr("{n} video of the playlist is not one of your uploads: Takeout does not "
                "include it.", "{n} videos of the playlist are not your uploads: Takeout does "
                "not include them.", n).format(n=n))  # fmt: skip
    if preview.problems:
        say()
        say(tr("Problems with the archive:"))
        for p in preview.problems:
            say(f"  {p.message}")
    if preview.skipped_photos:
        n = preview.skipped_photos
        say(ntr("{n} photo skipped (only videos are imported).",
                "{n} photos skipped (only videos are imported).", n).format(n=n))
    say()
    if report is None:
        ready = len([it for it in preview.items if it.checked_by_default])
        say(tr("{ready} videos can be imported, {attention} need attention. Nothing was "
               "added.").format(ready=ready, attention=attention))
        return
    assert collection is not None
    say(tr("'{title}': {added} added, {skipped} already in the library, {attention} need "
           "attention.").format(title=collection.title, added=len(report.added),
                                skipped=len(report.skipped),
                                attention=attention + len(report.failed)))  # fmt: skip


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _json(preview: ArchivePreview, items: list[ArchiveItem], playlist: Playlist | None,
          collection: Collection | None, report: ImportReport | None, *,
          dry_run: bool = False, created: bool = False) -> str:  # fmt: skip
    results = {r.item.key: r for r in report.results} if report else {}
    out_items = []
    for it in items:
        rec = item_record(it)
        if it.pickable:  # the --pick that takes each candidate
            for c, cand in zip(rec["candidates"], it.candidates, strict=True):
                c["pick"] = f"{entry_label(preview, it)}={cand.video_id}"
        r = results.get(it.key)
        rec["outcome"] = r.outcome.value if r else None
        rec["reason"] = r.reason if r else None
        rec["file"] = str(r.path) if r and r.path else None
        rec["episode"] = ({"id": r.episode.id, "position": r.episode.position,
                           "title": r.episode.title} if r and r.episode else None)  # fmt: skip
        out_items.append(rec)
    failed = len(report.failed) if report else 0
    data = {
        "archive": preview.name, "sources": [str(s) for s in preview.sources],
        "kinds": list(preview.kinds), "dry_run": dry_run,
        "collection": ({"id": collection.id, "title": collection.title,
                        "description": collection.description, "created": created}
                       if collection else None),
        "playlist": playlist.id if playlist else None,
        "items": out_items,
        "problems": [problem_record(p) for p in preview.problems],
        "skipped_photos": preview.skipped_photos,
        "playlists": [{"id": p.id, "title": p.title, "description": p.description,
                       "items": list(p.item_keys), "not_uploaded": p.not_uploaded}
                      for p in preview.playlists],
        "summary": {
            "added": len(report.added) if report else 0,
            "skipped": len(report.skipped) if report else 0,
            "failed": failed,
            "needs_attention": sum(1 for it in items if not it.checked_by_default) + failed,
        },
    }  # fmt: skip
    return json.dumps(data, indent=2, ensure_ascii=False)
