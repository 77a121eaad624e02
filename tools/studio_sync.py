"""``python tools/studio_sync.py ARGS``: the ``studio`` command with the publishing
commands registered, until ``studio/cli/main.py`` registers them itself.

Tests run ``studio publish`` through it in a subprocess (to SIGKILL it).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from studio.cli.sync_commands import register  # noqa: E402

cli_main = importlib.import_module("studio.cli.main")  # the package hides it behind main()
_build_parser = cli_main.build_parser


def with_sync_commands(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``parser`` (main.py's) with the publishing commands added, unless already there."""
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "publish" in sub.choices:  # main.py registers them already
        return parser

    def cmd(name: str, func, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    register(cmd)
    return parser


if __name__ == "__main__":
    cli_main.build_parser = lambda: with_sync_commands(_build_parser())
    sys.exit(cli_main.main())
