"""Help > Keyboard shortcuts and Help > About."""

from __future__ import annotations

import platform

import av
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from studio import __version__


def shortcut_rows() -> list[tuple[str, str]]:
    t = lambda s: QCoreApplication.translate("Shortcuts", s)  # noqa: E731
    return [
        ("Space", t("Play or pause")),
        ("J / K / L", t("Play backwards / pause / play forwards (press again for faster)")),
        ("← / →", t("One frame back / forward")),
        ("Shift+← / Shift+→", t("One second back / forward")),
        ("Home / End", t("Go to the start / end of the clip")),
        ("I / O", t("Set the in / out point at the playhead")),
        ("Shift+I / Shift+O", t("Go to the in / out point")),
        ("/", t("Play the trimmed range")),
        ("Ctrl+I", t("Import clips")),
        ("Ctrl+E", t("Export")),
        ("Ctrl+N", t("New collection")),
        ("Ctrl+Z / Ctrl+Shift+Z", t("Undo / redo")),
        ("Delete", t("Remove the selected episodes")),
        ("Ctrl+Wheel, + / -", t("Zoom the timeline")),
        ("F1", t("This sheet")),
    ]


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = "".join(f"<tr><td style='padding:3px 16px 3px 0'><b>{k}</b></td><td>{v}</td></tr>"
                       for k, v in shortcut_rows())  # fmt: skip
        label = QLabel(f"<table>{rows}</table>")
        label.setAccessibleName(self.tr("Keyboard shortcuts"))
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(box)


def about_text() -> str:
    t = lambda s: QCoreApplication.translate("About", s)  # noqa: E731
    return (
        f"<h3>Series Studio {__version__}</h3>"
        f"<p>{t('Assemble, check, render and publish premium video collections.')}</p>"
        f"<p>{t('Licences')}:<br>"
        f"Qt {qVersion()} / PySide6 {pyside_version}: LGPL v3<br>"
        f"FFmpeg (PyAV {av.__version__}, FFmpeg {av.ffmpeg_version_info}"
        f" {t('and the bundled ffmpeg program, with x264')}): GPL v3<br>"
        f"OpenCV: Apache 2.0</p>"
        f"<p>Python {platform.python_version()} · {platform.system()}</p>"
    )
