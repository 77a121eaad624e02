"""``studio accept-new-version``: use a clip that was re-rendered in place.

``studio relink FOLDER`` finds a clip that was moved or renamed by its
content; a clip re-exported to the same path has new content, so relinking
cannot find it. This command takes the file now at the episode's path as the
new version (see :mod:`studio.relink`). ``register(cmd)`` adds it through the
``cmd(name, func, help)`` helper of :func:`studio.cli.main.build_parser`.
Exit status: 0 when the new version is used (or would be, with --dry-run),
2 on a user error (printed by ``main``).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from studio import relink
from studio.app import AppContext
from studio.cli.commands import _episode
from studio.cli.terminal import say
from studio.i18n import tr

Cmd = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]

DESCRIPTION = (
    "use the file now at an episode's path as its new version (a clip re-exported in place). "
    "Every episode cut from the old version follows, keeping its title, place and settings; "
    "a trim that fits is kept, one that used the whole clip takes the whole new one, and one "
    "past the new end is cut to it (and said). To find a clip that was moved or renamed, use "
    "'studio relink FOLDER' instead."
)


def register(cmd: Cmd) -> None:
    p = cmd("accept-new-version", cmd_accept_new_version,
            "use the new version of a clip re-exported to the same path")
    p.description = DESCRIPTION
    p.add_argument("episode",
                   help="episode: its number (with -c or COLLECTION:N) or its id")
    p.add_argument("-c", "--collection")
    p.add_argument("--dry-run", action="store_true",
                   help="say what would change, change nothing")  # fmt: skip


def cmd_accept_new_version(args: argparse.Namespace) -> int:
    with AppContext.open(args.library) as ctx:
        lib = ctx.library
        ep = _episode(lib, args)
        if args.dry_run:
            plan = relink.plan_new_version(lib, ep)
            say(tr("Nothing changed (--dry-run). Accepting '{name}' would do this:").format(
                name=plan.name))
        else:
            plan = relink.accept_new_version(lib, ep)
            say(plan.summary())
        for line in plan.lines():
            say(f"  {line}")
    return 0
