"""Plays the rendered first and last seconds of an episode: the real cuts, before exporting."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from studio.editor.probe import probe
from studio.ui.player import Player


class PreviewWindow(QDialog):
    def __init__(self, paths: list[Path], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preview of the cut"))
        self.resize(520, 760)
        self.paths = paths
        self.player = Player(self)
        self.label = QLabel()
        buttons = QHBoxLayout()
        self.start_button = QPushButton(self.tr("Play the start"))
        self.end_button = QPushButton(self.tr("Play the end"))
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.player, 1)
        layout.addLayout(buttons)
        self.start_button.clicked.connect(lambda: self.play(0))
        self.end_button.clicked.connect(lambda: self.play(len(paths) - 1))
        self.play(0)

    def play(self, i: int) -> None:
        path = self.paths[i]
        info = probe(path)
        fd = 1e6 / float(info.frame_rate) if info.frame_rate else 33_333.3
        self.label.setText(self.tr("The first seconds, as exported") if i == 0 else
                           self.tr("The last seconds, as exported"))  # fmt: skip
        self.player.load(str(path), info.duration, fd)
        self.player.seek(0)
        self.player.play()

    def done(self, result: int) -> None:
        self.player.unload()
        super().done(result)
