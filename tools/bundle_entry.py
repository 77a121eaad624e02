"""The entry point of the Series Studio bundle: the ``studio`` command.

No arguments opens the window (a double-click); ``series-studio self-test``,
``series-studio list`` and every other command work as ``studio`` does.
"""

import multiprocessing
import sys

from studio.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    # Finder on older macOS passes a process serial number: not an argument of ours.
    argv = [a for a in sys.argv[1:] if not a.startswith("-psn_")]
    sys.exit(main(argv))
