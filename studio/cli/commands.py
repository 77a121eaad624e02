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
from studio.i18n import tr
from studio.store.library import Library


def _open(args: argparse.Namespace) -> AppContext:
    return AppContext.open(args.library)


def _collection_for_episode(lib: Library, ref: str, coll: str | None) -> tuple[str, str | None]:
    """Split ``COLLECTION:N`` and pick the collection a bare number refers to."""
    if ":" in ref and not coll:
        coll, ref = ref.rsplit(":", 1)
    if coll:
        return ref, lib.find_collection(coll).id
    if ref.strip().isdigit():
        collections = lib.collections()
        if len(collections) == 1:
            return ref, collections[0].id
        raise UserError(
            f"Episode {ref} of which collection? Use -c COLLECTION or COLLECTION:{ref}."
        )
    return ref, None


def _episode(lib: Library, args: argparse.Namespace) -> Episode:
    ref, coll_id = _collection_for_episode(lib, args.episode, args.collection)
    return lib.find_episode(ref, coll_id)


def cmd_gui(args: argparse.Namespace) -> int:
    from studio.cli.display import display_problem

    problem = display_problem()
    if problem:
        print(
            f"studio: cannot open the window: {problem}. "
            "Use the commands instead (studio --help), e.g. studio demo, studio list.",
            file=sys.stderr,
        )
        return 2
    from studio.ui.run import run_gui  # Qt is imported only here

    return run_gui(library_path=args.library)


def cmd_new(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        load_profile(args.profile)
        title = args.title.strip() or "Untitled"
        if ctx.library.title_taken(title):
            raise UserError(tr("A collection called '{title}' already exists; give this one "
                               "another title.").format(title=title))  # fmt: skip
        c = ctx.library.create_collection(title, args.profile)
        if args.price or args.currency or args.description is not None:
            actions.set_collection_fields(
                ctx.library, c, price=args.price, currency=args.currency,
                description=args.description,
            )  # fmt: skip
        say(f"Created collection '{c.title}' ({c.id}).")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        lib = ctx.library
        rows = []
        for c in lib.collections():
            eps = lib.episodes(c.id)
            total = sum(e.duration for e in eps)
            price = c.price.format() if c.price else "-"
            rows.append([c.id[:8], c.title, len(eps), format_duration(total), price])
        if not rows:
            say("No collections yet. Create one with: studio new TITLE (or try: studio demo)")
            return 0
        say(table(["ID", "TITLE", "EPISODES", "LENGTH", "PRICE"], rows))
    return 0


def _episode_rows(lib: Library, c: Collection) -> list[list[object]]:
    view = lib.view(c.id)
    out = []
    for e in view.episodes:
        m = view.media.get(e.media_fingerprint)
        flags = []
        if m is not None and m.missing:
            flags.append("MISSING")
        if e.free_preview:
            flags.append("free")
        out.append([
            e.position, e.id[:8], e.title, format_timecode(e.trim.start),
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
        say(f"Price: {c.price.format() if c.price else 'not set'}   Profile: {c.profile}")
        if c.description:
            say(f"Description: {c.description}")
        total = sum(e.duration for e in eps)
        say(f"{len(eps)} episodes, {format_duration(total)} in all")
        if eps:
            say()
            rows = _episode_rows(lib, c)
            say(table(["#", "ID", "TITLE", "IN", "OUT", "LENGTH", "FILE", ""], rows))
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        lib = ctx.library
        c = lib.find_collection(args.collection)
        bar = ProgressLine("Adding")
        failed = 0

        def report(r: actions.AddResult) -> None:
            nonlocal failed
            bar.finish()
            if r.ok:
                assert r.episode is not None
                say(f"added {r.episode.position}: {r.path} ({format_duration(r.episode.duration)})")
            else:
                failed += 1
                print(f"skipped {r.path}: {r.error}", file=sys.stderr, flush=True)

        results = actions.add_files(lib, c, args.paths, on_result=report, progress=bar)
        bar.finish()
        ok = sum(1 for r in results if r.ok)
        if not results:
            raise UserError("No video files found in what was given.")
        say(f"Added {ok} of {len(results)} files to '{c.title}'.")
    return 0 if failed == 0 else 1


def cmd_trim(args: argparse.Namespace) -> int:
    if args.in_point is None and args.out_point is None:
        raise UserError("Give --in, --out or both.")
    with _open(args) as ctx:
        ep = _episode(ctx.library, args)
        ep = actions.trim_episode(ctx.library, ep, args.in_point, args.out_point)
        say(
            f"Episode {ep.position} '{ep.title}': {format_timecode(ep.trim.start)} to "
            f"{format_timecode(ep.trim.end)} ({format_duration(ep.duration)})."
        )
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        ep = _episode(ctx.library, args)
        order = ctx.library.move_episode(ep.id, args.position)
        say(f"Moved '{ep.title}' to position {args.position}.")
        for e in order:
            say(f"  {actions.describe_episode(e)}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        ep = _episode(ctx.library, args)
        ctx.library.remove_episode(ep.id)
        say(f"Removed episode {ep.position} '{ep.title}' (the media file stays on disk).")
    return 0


def cmd_episode(args: argparse.Namespace) -> int:
    if args.title is None and args.free_preview is None:
        raise UserError("Give --title or --free-preview/--no-free-preview.")
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
        say(f"Episode {ep.position}: '{ep.title}'{' (free preview)' if ep.free_preview else ''}.")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        c = ctx.library.find_collection(args.collection)
        c = actions.set_collection_fields(
            ctx.library, c, title=args.title, description=args.description,
            price=args.price, currency=args.currency,
        )  # fmt: skip
        say(f"'{c.title}': price {c.price.format() if c.price else 'not set'}.")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        c = ctx.library.find_collection(args.collection)
        n = ctx.library.episode_count(c.id)
        if not args.yes:
            if not sys.stdin.isatty():
                raise UserError("Deleting needs confirmation: add --yes.")
            answer = input(f"Delete '{c.title}' and its {n} episodes? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                say("Nothing deleted.")
                return 1
        ctx.library.delete_collection(c.id)
        say(f"Deleted '{c.title}' ({n} episodes); the media files stay on disk.")
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
        say(f"{c.title}: {summary(problems)}")
        if problems:
            rows = [
                [p.severity.upper(), p.episode_position or "-", p.field or "", p.message,
                 p.fix or ""]
                for p in problems
            ]  # fmt: skip
            say()
            say(table(["", "EP", "FIELD", "PROBLEM", "FIX"], rows))
    return 0 if ready else 1


def cmd_relink(args: argparse.Namespace) -> int:
    with _open(args) as ctx:
        bar = ProgressLine("Searching")
        found, missing = actions.relink(ctx.library, args.folder, progress=bar)
        bar.finish()
        for r in found:
            say(f"found {Path(r.old_path).name} at {r.new_path}")
        for m in missing:
            say(f"still missing: {m.path}")
        say(f"Relinked {len(found)} files; {len(missing)} still missing.")
    return 0 if not missing else 1


def cmd_demo(args: argparse.Namespace) -> int:
    from studio.demo import create_demo

    with _open(args) as ctx:
        bar = ProgressLine("Making clips")
        c = create_demo(ctx, episodes=args.episodes, progress=bar)
        bar.finish()
        say(f"Created '{c.title}' with {ctx.library.episode_count(c.id)} episodes.")
        say(f"Try: studio show '{c.title}'   studio check '{c.title}'   studio")
    return 0


def _settings(args: argparse.Namespace):
    from studio.editor.cut_plan import RenderSettings

    if not -40.0 <= args.lufs <= -5.0:
        raise UserError(f"The loudness target {args.lufs:g} LUFS is outside -40 to -5.")
    return RenderSettings(reframe=args.reframe, normalize_loudness=args.normalize,
                          target_lufs=args.lufs, reencode=args.reencode)  # fmt: skip


def _plan_rows(plan) -> list[list[object]]:
    return [[j.episode.position, j.episode.title[:32], j.plan.strategy.value.upper(),
             f"{j.plan.estimate_s:.0f} s", j.plan.reason] for j in plan.jobs]  # fmt: skip


def cmd_export(args: argparse.Namespace) -> int:
    from studio import export

    with _open(args) as ctx:
        c = ctx.library.find_collection(args.collection)
        plan = export.plan_export(ctx.library, c, _settings(args))
        say(table(["#", "EPISODE", "PLAN", "EST.", "WHY"], _plan_rows(plan)))
        say(f"Estimated time: {format_duration(int(plan.estimate_s * 1e6))} for "
            f"{len(plan.jobs)} episodes.")  # fmt: skip
        if args.plan:
            return 0
        bar = ProgressLine("Exporting")

        def done(job, state: str) -> None:
            bar.finish()
            say(f"{state} {job.file_name}")

        result = export.export_collection(
            ctx.library, plan, args.folder, progress=bar, on_episode=done,
            write_cover=export.cover_writer(ctx.library, c),
        )  # fmt: skip
        bar.finish()
        say(f"Exported '{c.title}' to {result.folder}: {len(result.rendered)} rendered, "
            f"{len(result.reused)} unchanged, {len(result.removed)} removed.")  # fmt: skip
        if result.cover is None:
            say("No cover: choose one (a frame or an image) before publishing.")
        problems = actions.check_collection(ctx.library, ctx.library.collection(c.id))
        if not is_ready(problems):
            say(tr("Not ready to publish yet: {summary}. See them with: {command}").format(
                summary=summary(problems), command=f"studio check '{c.title}'"))  # fmt: skip
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    from studio import export

    with _open(args) as ctx:
        ep = _episode(ctx.library, args)
        paths = export.render_preview(ctx.library, ep, args.folder, _settings(args),
                                      seconds=args.seconds)  # fmt: skip
        for p in paths:
            say(f"wrote {p}")
    return 0


def cmd_loudness(args: argparse.Namespace) -> int:
    from studio.editor.loudness import measure

    with _open(args) as ctx:
        ep = _episode(ctx.library, args)
        media = ctx.library.media(ep.media_fingerprint)
        if media is not None and (media.missing or not Path(media.path).is_file()):
            raise UserError(
                tr("Episode {n} '{title}': its media file is missing ({path}). Relink it first "
                   "(studio relink FOLDER).").format(n=ep.position, title=ep.title,
                                                     path=media.path))  # fmt: skip
        if media is None or not media.info.has_audio:
            raise UserError(f"Episode {ep.position} '{ep.title}' has no sound.")
        m = measure(media.path, ep.trim.start, ep.duration)
        say(f"Episode {ep.position} '{ep.title}': {m.integrated:.1f} LUFS integrated, "
            f"true peak {m.true_peak:.1f} dBTP, range {m.lra:.1f} LU.")  # fmt: skip
    return 0


def cmd_cover(args: argparse.Namespace) -> int:
    from studio import covers
    from studio.domain.timecode import parse_timecode

    with _open(args) as ctx:
        lib = ctx.library
        c = lib.find_collection(args.collection)
        if args.image:
            covers.set_cover_image(lib, c, args.image)
            say(f"Cover of '{c.title}': {Path(args.image).name}.")
        elif args.episode:
            ep = lib.find_episode(args.episode, c.id)
            media = lib.media(ep.media_fingerprint)
            rate = media.info.frame_rate if media else None
            at = ep.trim.start + parse_timecode(args.at, rate)
            if at >= ep.trim.end:
                raise UserError(f"{args.at} is past the end of episode {ep.position}.")
            covers.set_cover_frame(lib, c, ep, at)
            say(f"Cover of '{c.title}': episode {ep.position} at "
                f"{format_timecode(at - ep.trim.start)}.")  # fmt: skip
        else:
            bar = ProgressLine("Looking")
            found = covers.suggest(lib, c, progress=bar)
            bar.finish()
            rows = [[i + 1, f.episode.position, f.episode.title[:30],
                     format_timecode(f.time_us - f.episode.trim.start), f"{f.score:.2f}"]
                    for i, f in enumerate(found)]  # fmt: skip
            say(table(["", "EPISODE", "TITLE", "AT", "SCORE"], rows))
            say("Choose one with: studio cover COLLECTION --episode N --at TIME")
    return 0
