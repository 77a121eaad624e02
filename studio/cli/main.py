"""Argument parsing and dispatch for the ``studio`` command."""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import sys
from collections.abc import Sequence

from studio import __version__
from studio.domain.errors import UserError
from studio.i18n import tr
from studio.tasks import Cancelled


def build_parser() -> argparse.ArgumentParser:
    from studio.cli import commands as c
    from studio.cli import render_commands

    parser = argparse.ArgumentParser(
        prog="studio",
        description="Series Studio: assemble, check and render premium video collections. "
        "With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"Series Studio {__version__}")
    parser.add_argument(
        "--library",
        metavar="PATH",
        help="library file to use (default: $STUDIO_LIBRARY, else the user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def cmd(name: str, func, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    cmd("gui", c.cmd_gui, "open the window (the same as no command)")
    p = cmd("new", c.cmd_new, "create a collection")
    p.add_argument("title")
    p.add_argument("--profile", default="tiktok-series", help="publish profile (tiktok-series)")
    p.add_argument("--price", help="price, e.g. 4.99 (leave it out for a collection without a "
                   "price)")
    p.add_argument("--currency", help="ISO 4217 code (USD)")
    p.add_argument("--description")

    cmd("list", c.cmd_list, "list the collections")

    p = cmd("show", c.cmd_show, "show a collection and its episodes")
    p.add_argument("collection", help="title or id")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = cmd("add", c.cmd_add, "add video files or folders as episodes")
    p.add_argument("collection", help="title or id")
    p.add_argument("paths", nargs="+", metavar="PATH")

    episode_help = "episode: its number (with -c or COLLECTION:N) or its id"
    p = cmd("trim", c.cmd_trim, "set an episode's in and out points")
    p.add_argument("episode", help=episode_help)
    p.add_argument("--in", dest="in_point", metavar="TIME", help="e.g. 0:05, 5.2s, 00:00:05:12")
    p.add_argument("--out", dest="out_point", metavar="TIME")
    p.add_argument("-c", "--collection")

    p = cmd("move", c.cmd_move, "move an episode to another position")
    p.add_argument("episode", help=episode_help)
    p.add_argument("position", type=int)
    p.add_argument("-c", "--collection")

    p = cmd("remove", c.cmd_remove, "remove an episode from its collection")
    p.add_argument("episode", help=episode_help)
    p.add_argument("-c", "--collection")

    p = cmd("episode", c.cmd_episode, "set an episode's title or free-preview flag")
    p.add_argument("episode", help=episode_help)
    p.add_argument("--title")
    p.add_argument("--free-preview", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("-c", "--collection")

    p = cmd("set", c.cmd_set, "set a collection's title, description or price")
    p.add_argument("collection", help="title or id")
    p.add_argument("--title")
    p.add_argument("--description")
    price = p.add_mutually_exclusive_group()
    price.add_argument("--price", help="e.g. 9.99, 9,99 or $9.99 (never empty: see --no-price)")
    price.add_argument("--no-price", action="store_true",
                       help="clear the price (a collection needs one to be published)")
    p.add_argument("--currency", help="ISO 4217 code (USD)")

    p = cmd("delete", c.cmd_delete, "delete a collection (its media files stay on disk)")
    p.add_argument("collection", help="title or id")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    p = cmd("check", c.cmd_check, "check a collection against its platform's rules")
    p.add_argument("collection", help="title or id")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    render_commands.register(cmd, episode_help)

    p = cmd("relink", c.cmd_relink, "find moved or renamed media files in a folder")
    p.add_argument("folder")

    p = cmd("demo", c.cmd_demo, "create a sample collection from generated clips")
    p.add_argument("--episodes", type=int, default=5, help="how many clips (default 5)")

    from studio.cli import archive_commands

    archive_commands.register(cmd)

    from studio.cli import new_version_commands

    new_version_commands.register(cmd)

    from studio.cli import selftest_commands

    selftest_commands.register(cmd)

    from studio.cli import sync_commands

    sync_commands.register(cmd)
    return parser


def _stop_like_ctrl_c() -> None:
    """Closing the terminal (SIGHUP) or `kill` (SIGTERM) stops a command as Ctrl+C does:
    a render in progress removes its partial file."""

    def interrupt(signum, frame) -> None:
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupt)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        from studio.cli.commands import cmd_gui

        func = cmd_gui
    if getattr(func, "__name__", "") != "cmd_gui":
        _stop_like_ctrl_c()
    try:
        return int(func(args) or 0)
    except UserError as exc:
        from studio.cli.terminal import error

        error(str(exc))
        return 2
    except (KeyboardInterrupt, Cancelled):
        print("\n" + tr("studio: cancelled."), file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except sqlite3.Error as exc:  # a library on a read-only disk, or locked for too long
        from pathlib import Path

        from studio.app import default_library_path
        from studio.cli.terminal import error
        from studio.store.library import explain

        # The library AppContext.open chose: --library, else STUDIO_LIBRARY or the default.
        path = Path(args.library).expanduser() if args.library else default_library_path()
        error(str(explain(path, exc)))
        return 2
    except OSError as exc:  # a folder that is a file, a read-only disk, a full disk...
        from studio.cli.terminal import error

        reason = exc.strerror or str(exc)
        error(tr("{path}: {reason}.").format(path=exc.filename, reason=reason)
              if exc.filename else reason)  # fmt: skip
        return 2
