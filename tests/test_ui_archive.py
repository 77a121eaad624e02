"""File > Import archive: the preview lists what the archive holds; only checked videos go in."""

from __future__ import annotations

import archive_factory as af
from PySide6.QtCore import Qt

from studio.app import AppContext
from studio.ui.archive_dialog import ArchiveImportDialog
from studio.ui.main_window import MainWindow


def test_a_takeout_imports_through_the_preview_dialog(qtbot, tmp_path):
    clips = tmp_path / "clips"
    videos = [
        af.Video("a1", "Morning routine", af.utc(2024, 1, 2), af.clip(clips, 1, 0),
                 description="How I start the day"),
        af.Video("a2", "Street food tour", af.utc(2024, 1, 3), af.clip(clips, 2, 1)),
        af.Video("a3", "Q&A", af.utc(2024, 1, 4), af.clip(clips, 1, 2)),
    ]  # fmt: skip
    root = af.write_folder(tmp_path / "takeout", af.takeout_files(videos))
    ctx = AppContext.open(tmp_path / "library.sqlite")
    w = MainWindow(ctx, use_multimedia=False)
    qtbot.addWidget(w)
    c = w.controller.new_collection("From YouTube")
    dialog = ArchiveImportDialog(w, [str(root)])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    titles = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert titles == ["Morning routine", "Street food tour", "Q&A"]
    assert "3 videos ready" in dialog.summary.text()
    assert ctx.library.episode_count(c.id) == 0  # nothing added by the preview
    dialog.tree.topLevelItem(1).setCheckState(0, Qt.CheckState.Unchecked)
    with qtbot.waitSignal(dialog.accepted, timeout=60_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert [e.title for e in ctx.library.episodes(c.id)] == ["Morning routine", "Q&A"]
    assert w.model.rowCount() == 2
    assert len(dialog.report.added) == 2
    w.close()
    ctx.close()
