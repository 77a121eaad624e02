"""The ``studio`` command: the GUI with no arguments, headless work with a subcommand."""

from __future__ import annotations

import sys

from studio.cli.main import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
