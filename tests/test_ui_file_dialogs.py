"""Browsing the library's own folder in a file dialog leaves the library safe.

SQLite's POSIX locks are dropped when the process closes any descriptor of the
file, and Qt's stock dialog opens each file it lists to guess its type. The
window then lost its locks, and the next `studio` command deleted the
write-ahead log the window was still writing to (QA: edits lost on both sides).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from studio.store.library import Library
from studio.ui import file_dialogs

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX locks (Linux, macOS)")


def browse(chooser, folder: Path, qtbot) -> None:
    """Open ``chooser`` on ``folder`` as the window does, let it list the folder, close it."""
    def close_when_listed() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None, "no dialog open"
        qtbot.wait(1500)  # the listing and its icons are made in the background
        dialog.reject()

    QTimer.singleShot(200, close_when_listed)
    chooser(None, "Choose", str(folder))


@pytest.mark.parametrize("chooser", [file_dialogs.open_file_names, file_dialogs.open_file_name,
                                     file_dialogs.existing_directory,
                                     file_dialogs.save_file_name])  # fmt: skip
def test_browsing_the_library_folder_keeps_the_window_s_edits_and_the_terminal_s(
        qtbot, tmp_path, chooser) -> None:  # fmt: skip
    library = tmp_path / "library.sqlite"
    (tmp_path / "take1.mp4").write_bytes(b"\x00" * 64)
    with Library.open(library) as lib:
        c = lib.create_collection("Window")  # in the write-ahead log, not yet checkpointed
        browse(chooser, tmp_path, qtbot)
        # The terminal, meanwhile: it must still see the window as a user of the library.
        out = subprocess.run([sys.executable, "-m", "studio", "--library", str(library), "new",
                              "Terminal"], capture_output=True, text=True, timeout=120)  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert Path(f"{library}-wal").exists(), "the terminal deleted the window's log"
        lib.update_collection(c.with_(description="typed in the window"))
    with Library.open(library) as lib:
        found = {x.title: x.description for x in lib.collections()}
    assert found == {"Window": "typed in the window", "Terminal": ""}
