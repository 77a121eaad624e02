"""File and folder choosers that never open the files they list.

SQLite guards the library with POSIX advisory locks, and POSIX drops every
lock a process holds on a file when the process closes *any* descriptor of
that file. Qt's file dialog reads the first bytes of each file it lists to
pick its icon and type (QMimeDatabase), and a native dialog running in the
process (GTK, KDE) does the same. So browsing the folder that holds the
library dropped the window's locks on it. The next `studio` command then took
itself for the only user, checkpointed and deleted the write-ahead log the
window still wrote to, and edits from both sides were lost.

These dialogs use an icon provider that goes by the file's name only. On
Linux and macOS, where locks are POSIX, they are Qt's own dialogs, not the
native ones; Windows locks per handle, so its native dialogs stay.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget

_NATIVE_IS_SAFE = sys.platform == "win32"


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and types from a file's name and kind: the file itself is never opened."""

    def __init__(self) -> None:
        super().__init__()
        self.setOptions(QAbstractFileIconProvider.Option.DontUseCustomDirectoryIcons)

    def icon(self, what):  # noqa: D102 - QFileIconProvider's, for a QFileInfo or an IconType
        if isinstance(what, QFileInfo):
            kind = QAbstractFileIconProvider.IconType.Folder if what.isDir() else \
                QAbstractFileIconProvider.IconType.File  # fmt: skip
            return super().icon(kind)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return QCoreApplication.translate("FileDialogs", "Folder")
        suffix = info.suffix().upper()
        if not suffix:
            return QCoreApplication.translate("FileDialogs", "File")
        return QCoreApplication.translate("FileDialogs", "{0} file").format(suffix)


def _dialog(parent: QWidget | None, caption: str, directory: str, name_filter: str = "",
            mode: QFileDialog.FileMode | None = None) -> QFileDialog:  # fmt: skip
    dialog = QFileDialog(parent, caption, directory, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile if mode is None else mode)
    if not _NATIVE_IS_SAFE:
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setIconProvider(NameOnlyIconProvider())
    return dialog


def open_file_name(parent: QWidget | None, caption: str, directory: str,
                   name_filter: str = "") -> str:  # fmt: skip
    """One existing file, or "" when cancelled."""
    dialog = _dialog(parent, caption, directory, name_filter)
    return dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else ""


def open_file_names(parent: QWidget | None, caption: str, directory: str,
                    name_filter: str = "") -> list[str]:  # fmt: skip
    """Existing files, or [] when cancelled."""
    dialog = _dialog(parent, caption, directory, name_filter, QFileDialog.FileMode.ExistingFiles)
    return dialog.selectedFiles() if dialog.exec() else []


def existing_directory(parent: QWidget | None, caption: str, directory: str) -> str:
    """A folder, or "" when cancelled."""
    dialog = _dialog(parent, caption, directory, mode=QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else ""


def save_file_name(parent: QWidget | None, caption: str, directory: str, name_filter: str = "",
                   confirm_overwrite: bool = True) -> str:  # fmt: skip
    """A file to write (it may not exist yet), or "" when cancelled."""
    dialog = _dialog(parent, caption, directory, name_filter, QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, not confirm_overwrite)
    return dialog.selectedFiles()[0] if dialog.exec() and dialog.selectedFiles() else ""
