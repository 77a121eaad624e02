"""Help > Keyboard shortcuts and Help > About."""

from __future__ import annotations

import platform

import av
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from studio import __version__


def shortcut_rows() -> list[tuple[str, str]]:
    # Literal QCoreApplication.translate() calls: lupdate extracts nothing from a call
    # through a variable. Key names are translated too ("Space" is "Espace" in French).
    return [
        (QCoreApplication.translate("Shortcuts", "Space"),
         QCoreApplication.translate("Shortcuts", "Play or pause")),
        ("J / K / L", QCoreApplication.translate(
            "Shortcuts", "Play backwards / pause / play forwards (press again for faster)")),
        ("← / →", QCoreApplication.translate("Shortcuts", "One frame back / forward")),
        (QCoreApplication.translate("Shortcuts", "Shift+← / Shift+→"),
         QCoreApplication.translate("Shortcuts", "One second back / forward")),
        (QCoreApplication.translate("Shortcuts", "Home / End"),
         QCoreApplication.translate("Shortcuts", "Go to the start / end of the clip")),
        ("I / O",
         QCoreApplication.translate("Shortcuts", "Set the in / out point at the playhead")),
        (QCoreApplication.translate("Shortcuts", "Shift+I / Shift+O"),
         QCoreApplication.translate("Shortcuts", "Go to the in / out point")),
        ("/", QCoreApplication.translate("Shortcuts", "Play the trimmed range")),
        ("Ctrl+I", QCoreApplication.translate("Shortcuts", "Import clips")),
        ("Ctrl+E", QCoreApplication.translate("Shortcuts", "Export")),
        ("Ctrl+N", QCoreApplication.translate("Shortcuts", "New collection")),
        (QCoreApplication.translate("Shortcuts", "Ctrl+Z / Ctrl+Shift+Z"),
         QCoreApplication.translate("Shortcuts", "Undo / redo")),
        (QCoreApplication.translate("Shortcuts", "Delete"),
         QCoreApplication.translate("Shortcuts", "Remove the selected episodes")),
        (QCoreApplication.translate("Shortcuts", "Ctrl+Wheel, + / -"),
         QCoreApplication.translate("Shortcuts", "Zoom the timeline")),
        ("F1", QCoreApplication.translate("Shortcuts", "This sheet")),
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
    tagline = QCoreApplication.translate(
        "About", "Assemble, check, render and publish premium video collections.")
    licences = QCoreApplication.translate("About", "Licences:")
    bundled = QCoreApplication.translate("About", "and the bundled ffmpeg program, with x264")
    return (
        f"<h3>Series Studio {__version__}</h3>"
        f"<p>{tagline}</p>"
        f"<p>{licences}<br>"
        f"Qt {qVersion()} / PySide6 {pyside_version}: LGPL v3<br>"
        f"FFmpeg (PyAV {av.__version__}, FFmpeg {av.ffmpeg_version_info}"
        f" {bundled}): GPL v3<br>"
        f"OpenCV: Apache 2.0</p>"
        f"<p>Python {platform.python_version()} · {platform.system()}</p>"
    )
