"""The commands that render or read media: export, preview, cover, loudness."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio import actions
from studio.cli.commands import _episode, _open
from studio.cli.terminal import ProgressLine, say, table
from studio.domain.errors import UserError
from studio.domain.rules import is_ready, summary
from studio.domain.timecode import format_duration, format_timecode
from studio.i18n import decimal, ntr, tr


def register(cmd, episode_help: str) -> None:
    p = cmd("export", cmd_export, "render the collection into a publish kit folder")
    p.add_argument("collection", help="title or id")
    p.add_argument("--to", dest="folder", required=True, metavar="DIR",
                   help="the folder to write (created if needed)")
    p.add_argument("--plan", action="store_true", help="only show what would be done")
    render_options(p)

    p = cmd("preview", cmd_preview,
            "render an episode's first and last seconds, to see the real cuts")
    p.add_argument("episode", help=episode_help)
    p.add_argument("--to", dest="folder", required=True, metavar="DIR")
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("-c", "--collection")
    render_options(p)

    p = cmd("cover", cmd_cover, "choose the collection's cover, or get suggestions")
    p.add_argument("collection", help="title or id")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--episode", help="take a frame of this episode (number or id)...")
    g.add_argument("--image", metavar="PATH", help="use an image file (JPEG, PNG, WebP)")
    g.add_argument("--suggest", action="store_true", help="list six good frames to choose from")
    p.add_argument("--at", metavar="TIME", default="0",
                   help="...at this time within the episode's trimmed range (default 0)")

    p = cmd("loudness", cmd_loudness, "measure an episode's loudness (EBU R128)")
    p.add_argument("episode", help=episode_help)
    p.add_argument("-c", "--collection")


def render_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reframe", choices=["none", "pad_blur", "center_crop", "follow_faces"],
                   default="none", help="make landscape clips 9:16 (default: none)")
    p.add_argument("--normalize", action=argparse.BooleanOptionalAction, default=True,
                   help="normalise loudness (default: on)")
    p.add_argument("--lufs", type=float, default=-14.0, help="loudness target (default -14)")
    p.add_argument("--reencode", action="store_true",
                   help="re-encode everything, even what could be copied (slow)")


def _settings(args: argparse.Namespace):
    from studio.editor.cut_plan import RenderSettings

    if not -40.0 <= args.lufs <= -5.0:
        raise UserError(tr("The loudness target {lufs} LUFS is outside -40 to -5.").format(
            lufs=decimal(f"{args.lufs:g}")))
    return RenderSettings(reframe=args.reframe, normalize_loudness=args.normalize,
                          target_lufs=args.lufs, reencode=args.reencode)  # fmt: skip


def _plan_rows(plan) -> list[list[object]]:
    from studio.editor.cut_plan import strategy_name

    return [[j.episode.position, j.episode.title[:32], strategy_name(j.plan.strategy).upper(),
             f"{j.plan.estimate_s:.0f} s", j.plan.reason] for j in plan.jobs]  # fmt: skip


def cmd_export(args: argparse.Namespace) -> int:
    from studio import export

    with _open(args) as ctx:
        c = ctx.library.find_collection(args.collection)
        plan = export.plan_export(ctx.library, c, _settings(args))
        say(table(["#", tr("EPISODE"), tr("PLAN"), tr("EST."), tr("WHY")], _plan_rows(plan)))
        n = len(plan.jobs)
        say(ntr("Estimated time: {time} for {n} episode.", "Estimated time: {time} for {n} "
                "episodes.", n).format(time=format_duration(int(plan.estimate_s * 1e6)), n=n))
        if args.plan:
            return 0
        bar = ProgressLine(tr("Exporting"))

        def done(job, state: str) -> None:
            bar.finish()
            said = {"rendered": tr("rendered {file}"), "reused": tr("unchanged {file}"),
                    "failed": tr("could not render {file}")}[state]  # fmt: skip
            say(said.format(file=job.file_name))

        result = export.export_collection(
            ctx.library, plan, args.folder, progress=bar, on_episode=done,
            write_cover=export.cover_writer(ctx.library, c),
        )  # fmt: skip
        bar.finish()
        rendered, reused, removed = (len(result.rendered), len(result.reused),
                                     len(result.removed))  # fmt: skip
        say(tr("Exported '{title}' to {folder}: {rendered}, {unchanged}, {removed}.").format(
            title=c.title, folder=result.folder,
            rendered=ntr("{n} rendered", "{n} rendered", rendered).format(n=rendered),
            unchanged=ntr("{n} unchanged", "{n} unchanged", reused).format(n=reused),
            removed=ntr("{n} removed", "{n} removed", removed).format(n=removed)))
        if result.cover is None:
            say(tr("No cover: choose one (a frame or an image) before publishing."))
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
            say(tr("wrote {path}").format(path=p))
    return 0


def cmd_loudness(args: argparse.Namespace) -> int:
    from studio.editor.loudness import measure

    with _open(args) as ctx:
        ep = _episode(ctx.library, args)
        from studio.export import require_media

        media = ctx.library.media(ep.media_fingerprint)
        if media is not None:
            require_media(ep, media, ctx.library.collection(ep.collection_id).title)
        if media is None or not media.info.has_audio:
            raise UserError(tr("Episode {n} '{title}' has no sound.").format(
                n=ep.position, title=ep.title))
        m = measure(media.path, ep.trim.start, ep.duration)
        say(tr("Episode {n} '{title}': {integrated} LUFS integrated, true peak {peak} dBTP, "
               "range {range} LU.").format(
            n=ep.position, title=ep.title, integrated=decimal(f"{m.integrated:.1f}"),
            peak=decimal(f"{m.true_peak:.1f}"), range=decimal(f"{m.lra:.1f}")))  # fmt: skip
    return 0


def cmd_cover(args: argparse.Namespace) -> int:
    from studio import covers
    from studio.domain.timecode import parse_timecode

    with _open(args) as ctx:
        lib = ctx.library
        c = lib.find_collection(args.collection)
        if args.image:
            c = covers.set_cover_image(lib, c, args.image)
            say(tr("Cover of '{title}': {name}.").format(title=c.title,
                                                        name=Path(args.image).name))
            for warning in covers.image_warnings(c):
                say(tr("Warning: {message}").format(message=warning))
        elif args.episode:
            ep = lib.find_episode(args.episode, c.id)
            media = lib.media(ep.media_fingerprint)
            rate = media.info.frame_rate if media else None
            at = ep.trim.start + parse_timecode(args.at, rate)
            if at >= ep.trim.end:
                raise UserError(tr("{time} is past the end of episode {n}.").format(
                    time=args.at, n=ep.position))
            covers.set_cover_frame(lib, c, ep, at)
            say(tr("Cover of '{title}': episode {n} at {time}.").format(
                title=c.title, n=ep.position, time=format_timecode(at - ep.trim.start)))
        else:
            bar = ProgressLine(tr("Looking"))
            found = covers.suggest(lib, c, progress=bar)
            bar.finish()
            rows = [[i + 1, f.episode.position, f.episode.title[:30],
                     format_timecode(f.time_us - f.episode.trim.start), decimal(f"{f.score:.2f}")]
                    for i, f in enumerate(found)]  # fmt: skip
            say(table(["", tr("EPISODE"), tr("TITLE"), tr("AT"), tr("SCORE")], rows))
            say(tr("Choose one with: studio cover COLLECTION --episode N --at TIME"))
    return 0
