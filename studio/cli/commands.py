"""One function per subcommand. Each opens the library, does one action, prints."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from studio import actions
from studio.app import AppContext
from studio.cli.terminal import ProgressLine, say, table
from studio.domain.errors import UserError
from studio.domain.models import Collection, Episode
from studio.domain.profiles import load_profile
from studio.domain.rules import is_ready, summary
from studio.domain.timecode import format_duration, format_timecode
from studio.i18n import decimal, ntr, tr
from studio.store.library import Library, is_position


def _open(args: argparse.Namespace) -> AppContext:
    return AppContext.open(args.library)


def _collection_for_episode(lib: Library, ref: str, coll: str | None) -> tuple[str, str | None]:
    """Split ``COLLECTION:N`` and pick the collection a bare number refers to."""
    if ":" in ref and not coll:
        coll, ref = ref.rsplit(":", 1)
    if coll:
        return ref, lib.find_collection(coll).id
    if is_position(ref.strip()):
        collections = lib.collections()
        if len(collections) == 1:
            return ref, collections[0].id
        raise UserError(tr("Episode {n} of which collection? Use -c COLLECTION or "
                           "COLLECTION:{n}.").format(n=ref))  # fmt: skip
    return ref, None


def _episode(lib: Library, args: argparse.Namespace) -> Episode:
    ref, coll_id = _collection_for_episode(lib, args.episode, args.collection)
    return lib.find_episode(ref, coll_id)


def cmd_gui(args: argparse.Namespace) -> int:
    from studio.cli.display import display_problem

    problem = display_problem()
    if problem:
        print(tr("studio: cannot open the window: {problem}. Use the commands instead "
                 "(studio --help), e.g. studio demo, studio list.").format(problem=problem),
              file=sys.stderr)  # fmt: skip
        return 2
    from studio.ui.run import run_gui  # Qt is imported only here

    return run_gui(library_path=args.library)


def _typed_price(text: str | None, how_to_clear: str) -> str | None:
    """``--price`` as typed; a blank one is refused, as it would clear the price unseen."""
    if text is not None and not text.strip():
        raise UserError(tr("--price needs an amount, e.g. --price 4.99; {how_to_clear}").format(
            how_to_clear=how_to_clear))
    return text


def cmd_new(args: argparse.Namespace) -> int:
    price = _typed_price(args.price, tr("leave --price out to create a collection without "
                                        "a price."))  # fmt: skip
    with _open(args) as ctx:
        load_profile(args.profile)
        title = args.title.strip() or tr("Untitled")
        if ctx.library.title_taken(title):
            raise UserError(tr("A collection called '{title}' already exists; give this one "
                               "another title.").format(title=title))  # fmt: skip
        c = ctx.library.create_collection(title, args.profile)
        if price or args.currency or args.description is not None:
            actions.set_collection_fields(
                ctx.library, c, price=price, currency=args.currency,
                description=args.description,
            )  # fmt: skip
        say(tr("Created collection '{title}' ({id}).").format(title=c.title, id=c.id))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        lib = ctx.library
        rows = []
        for c in lib.collections():
            eps = lib.episodes(c.id)
            total = sum(e.duration for e in eps)
            price = decimal(c.price.format()) if c.price else "-"
            rows.append([c.id[:8], c.title, len(eps), format_duration(total), price])
        if not rows:
            say(tr("No collections yet. Create one with: studio new TITLE (or try: studio demo)"))
            return 0
        say(table(["ID", tr("TITLE"), tr("EPISODES"), tr("LENGTH"), tr("PRICE")], rows))
    return 0


def _episode_rows(lib: Library, c: Collection) -> list[list[object]]:
    view = lib.view(c.id)
    out = []
    for e in view.episodes:
        m = view.media.get(e.media_fingerprint)
        flags = []
        if m is not None and m.missing:
            flags.append(tr("CHANGED") if Path(m.path).is_file() else tr("MISSING"))
        if e.free_preview:
            flags.append(tr("free", context="free preview"))
        out.append([
            e.position, e.id[:8], e.title, format_timecode(e.trim.start, up=True),
            format_timecode(e.trim.end), format_duration(e.duration),
            Path(m.path).name if m else "?", " ".join(flags),
        ])  # fmt: skip
    return out


def cmd_show(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        lib = ctx.library
        c = lib.find_collection(args.collection)
        eps = lib.episodes(c.id)
        actions.refresh_media_status(lib, {e.media_fingerprint for e in eps})
        if args.json:
            view = lib.view(c.id)
            data = {
                "id": c.id, "title": c.title, "description": c.description,
                "price": ({"minor": c.price.minor, "currency": c.price.currency}
                          if c.price else None),
                "profile": c.profile,
                "episodes": [{
                    "id": e.id, "position": e.position, "title": e.title,
                    "in_us": e.trim.start, "out_us": e.trim.end,
                    "free_preview": e.free_preview,
                    "path": view.media[e.media_fingerprint].path,
                    "missing": view.media[e.media_fingerprint].missing,
                } for e in view.episodes],
            }  # fmt: skip
            say(json.dumps(data, indent=2, ensure_ascii=False))
            return 0
        say(f"{c.title}  ({c.id})")
        say(tr("Price: {price}   Profile: {profile}").format(
            price=decimal(c.price.format()) if c.price else tr("not set"), profile=c.profile))
        if c.description:
            say(tr("Description: {description}").format(description=c.description))
        total = sum(e.duration for e in eps)
        say(ntr("{n} episode, {length} in all", "{n} episodes, {length} in all", len(eps)).format(
            n=len(eps), length=format_duration(total)))
        if eps:
            say()
            rows = _episode_rows(lib, c)
            say(table(["#", "ID", tr("TITLE"), tr("IN"), tr("OUT"), tr("LENGTH"), tr("FILE"), ""],
                      rows))  # fmt: skip
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        lib = ctx.library
        c = lib.find_collection(args.collection)
        bar = ProgressLine(tr("Adding"))
        failed = 0
        over_limit: list[actions.AddResult] = []  # said once, not once a file

        def report(r: actions.AddResult) -> None:
            nonlocal failed
            bar.finish()
            if r.ok:
                assert r.episode is not None
                say(tr("added {n}: {path} ({length})").format(
                    n=r.episode.position, path=r.path, length=format_duration(r.episode.duration)))
            else:
                failed += 1
                if r.limit_reached:
                    over_limit.append(r)
                else:
                    print(tr("skipped {path}: {error}").format(path=r.path, error=r.error),
                          file=sys.stderr, flush=True)  # fmt: skip

        results = actions.add_files(lib, c, args.paths, on_result=report, progress=bar)
        bar.finish()
        if over_limit:
            n = len(over_limit)
            print(ntr("{n} file not added: {reason}", "{n} files not added: {reason}", n).format(
                n=n, reason=over_limit[0].error), file=sys.stderr, flush=True)  # fmt: skip
        ok = sum(1 for r in results if r.ok)
        if not results:
            raise UserError(tr("No video files found in what was given."))
        say(ntr("Added {added} of {n} file to '{title}'.", "Added {added} of {n} files to "
                "'{title}'.", len(results)).format(added=ok, n=len(results), title=c.title))
    return 0 if failed == 0 else 1


def cmd_trim(args: argparse.Namespace) -> int:
    if args.in_point is None and args.out_point is None:
        raise UserError(tr("Give --in, --out or both."))
    with _open(args) as ctx:
        ep = _episode(ctx.library, args)
        ep = actions.trim_episode(ctx.library, ep, args.in_point, args.out_point)
        say(tr("Episode {n} '{title}': {start} to {end} ({length}).").format(
            n=ep.position, title=ep.title, start=format_timecode(ep.trim.start),
            end=format_timecode(ep.trim.end), length=format_duration(ep.duration)))
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        ep = _episode(ctx.library, args)
        order = ctx.library.move_episode(ep.id, args.position)
        say(tr("Moved '{title}' to position {n}.").format(title=ep.title, n=args.position))
        for e in order:
            say(f"  {actions.describe_episode(e)}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        ep = _episode(ctx.library, args)
        ctx.library.remove_episode(ep.id)
        say(tr("Removed episode {n} '{title}' (the media file stays on disk).").format(
            n=ep.position, title=ep.title))
    return 0


def cmd_episode(args: argparse.Namespace) -> int:
    if args.title is None and args.free_preview is None:
        raise UserError(tr("Give --title or --free-preview/--no-free-preview."))
    with _open(args) as ctx:
        ep = _episode(ctx.library, args)
        changes: dict = {}
        if args.title is not None:
            # One line: a tab or a line break in a title breaks every table that shows it.
            title = " ".join(args.title.split())
            if not title:
                raise UserError(tr("The title cannot be empty."))
            changes["title"] = title
        if args.free_preview is not None:
            changes["free_preview"] = args.free_preview
        ep = ctx.library.update_episode(ep.with_(**changes))
        said = (tr("Episode {n}: '{title}' (free preview).") if ep.free_preview
                else tr("Episode {n}: '{title}'."))
        say(said.format(n=ep.position, title=ep.title))
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    price = _typed_price(args.price, tr("to clear the price, use --no-price."))
    if args.no_price:
        if args.currency is not None:
            raise UserError(tr("--no-price clears the price and its currency: leave out "
                               "--currency."))  # fmt: skip
        price = ""  # what clears the price below
    with _open(args) as ctx:
        c = ctx.library.find_collection(args.collection)
        c = actions.set_collection_fields(
            ctx.library, c, title=args.title, description=args.description,
            price=price, currency=args.currency,
        )  # fmt: skip
        say(tr("'{title}': price {price}.").format(
            title=c.title, price=decimal(c.price.format()) if c.price else tr("not set")))
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        c = ctx.library.find_collection(args.collection)
        n = ctx.library.episode_count(c.id)
        if not args.yes:
            if not sys.stdin.isatty():
                raise UserError(tr("Deleting needs confirmation: add --yes."))
            answer = input(ntr("Delete '{title}' and its {n} episode? [y/N] ",
                               "Delete '{title}' and its {n} episodes? [y/N] ", n).format(
                title=c.title, n=n))  # fmt: skip
            yes = {"y", "yes", tr("y", context="yes/no answer"),
                   tr("yes", context="yes/no answer")}  # fmt: skip
            if answer.strip().lower() not in yes:
                say(tr("Nothing deleted."))
                return 1
        ctx.library.delete_collection(c.id)
        say(ntr("Deleted '{title}' ({n} episode); the media files stay on disk.",
                "Deleted '{title}' ({n} episodes); the media files stay on disk.", n).format(
            title=c.title, n=n))  # fmt: skip
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        c = ctx.library.find_collection(args.collection)
        problems = actions.check_collection(ctx.library, c)
        ready = is_ready(problems)
        if args.json:
            say(json.dumps(
                {"collection": c.id, "ready": ready, "summary": summary(problems),
                 "problems": [asdict(p) for p in problems]},
                indent=2, ensure_ascii=False,
            ))  # fmt: skip
            return 0 if ready else 1
        say(tr("{title}: {summary}").format(title=c.title, summary=summary(problems)))
        if problems:
            rows = [
                [_severity(p.severity), p.episode_position or "-", _field(p.field),
                 p.message, p.fix or ""]
                for p in problems
            ]  # fmt: skip
            say()
            say(table(["", tr("EP"), tr("FIELD"), tr("PROBLEM"), tr("FIX")], rows))
    return 0 if ready else 1


def _severity(severity: str) -> str:
    return tr("ERROR") if severity == "error" else tr("WARNING")


def _field(field: str | None) -> str:
    """The part of the collection a problem is about, as the FIELD column says it."""
    names = {"episodes": tr("episodes", context="problem field"),
             "title": tr("title", context="problem field"),
             "description": tr("description", context="problem field"),
             "price": tr("price", context="problem field"),
             "cover": tr("cover", context="problem field"),
             "media": tr("media", context="problem field"),
             "trim": tr("trim", context="problem field")}  # fmt: skip
    return names.get(field, field) if field else ""


def cmd_relink(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        bar = ProgressLine(tr("Searching"))
        found, missing = actions.relink(ctx.library, args.folder, progress=bar)
        bar.finish()
        for r in found:
            say(tr("found {name} at {path}").format(name=Path(r.old_path).name, path=r.new_path))
        changed = [m for m in missing if Path(m.path).is_file()]  # there, other content
        gone = [m for m in missing if m not in changed]
        for m in changed:
            say(tr("changed: {path} is another version; if it is the one to use now: "
                   "studio accept-new-version COLLECTION:N").format(path=m.path))
        for m in gone:
            say(tr("still missing: {path}").format(path=m.path))
        relinked = ntr("Relinked {n} file", "Relinked {n} files", len(found)).format(n=len(found))
        summary = ntr("{relinked}; {n} still missing.", "{relinked}; {n} still missing.",
                      len(gone)).format(relinked=relinked, n=len(gone))  # fmt: skip
        if changed:
            summary += " " + ntr("{n} file is another version.", "{n} files are other versions.",
                                 len(changed)).format(n=len(changed))  # fmt: skip
        say(summary)
    return 0 if not missing else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from studio.demo import create_demo

    with _open(args) as ctx:
        bar = ProgressLine(tr("Making clips"))
        c = create_demo(ctx, episodes=args.episodes, progress=bar)
        bar.finish()
        n = ctx.library.episode_count(c.id)
        say(ntr("Created '{title}' with {n} episode.", "Created '{title}' with {n} episodes.",
                n).format(title=c.title, n=n))  # fmt: skip
        say(tr("Try: {commands}").format(
            commands=f"studio show '{c.title}'   studio check '{c.title}'   studio"))
    return 0
