"""The Export dialog during and after a real export of real clips: Cancel, settings
locked while it runs, a failed preview, and a partly failed export."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QMessageBox

from studio import actions, export
from studio.app import AppContext
from studio.ui.export_dialog import ExportDialog
from studio.ui.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("qapp")


@pytest.fixture
def held_renders(monkeypatch):
    """The first episode renders; every later render waits (still cancellable) until
    the test sets the returned event, so the test acts while the export runs."""
    real = export.render
    release = threading.Event()
    calls: list[Path] = []

    def held(source, *args, cancel=None, **kwargs):
        calls.append(Path(source))
        if len(calls) > 1:
            while not release.wait(0.01):
                if cancel is not None:
                    cancel.raise_if_cancelled()
        return real(source, *args, cancel=cancel, **kwargs)

    monkeypatch.setattr(export, "render", held)
    yield release
    release.set()  # never leave a worker waiting


@pytest.fixture
def dialog_of(qtbot, tmp_path, monkeypatch):
    """An Export dialog, planned, on a collection of ``clips``, exporting to tmp_path/kit."""
    opened = []

    def make(clips) -> ExportDialog:
        ctx = AppContext.open(tmp_path / "library.sqlite")
        c = ctx.library.create_collection("Street food")
        actions.add_files(ctx.library, c, clips)
        window = MainWindow(ctx, use_multimedia=False)
        qtbot.addWidget(window)
        window.controller.open_collection(c.id)
        opened.append((window, ctx))
        dialog = ExportDialog(window.controller, window)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=30_000)
        dialog.folder.setText(str(tmp_path / "kit"))
        return dialog

    yield make
    # a test that failed mid-export: quit without asking (that stops the export)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)  # fmt: skip
    for window, ctx in opened:
        window.close()
        ctx.close()


def shot(dialog: ExportDialog, name: str) -> None:
    if folder := os.environ.get("STUDIO_TEST_SHOT_DIR"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(Path(folder) / name))


def row_states(dialog: ExportDialog) -> list[str]:
    return [dialog.table.cellWidget(r, 4).format() for r in range(dialog.table.rowCount())]


def settings_enabled(dialog: ExportDialog) -> list[bool]:
    return [w.isEnabled() for w in (dialog.folder, dialog.browse_button, dialog.reframe,
                                    dialog.normalize, dialog.lufs, dialog.reencode)]


def plain(label_text: str) -> str:
    doc = QTextDocument()
    doc.setHtml(label_text)
    return doc.toPlainText()


def test_cancel_can_be_pressed_again_on_the_next_export(qtbot, dialog_of, held_renders,
                                                        clip_vertical, clip_landscape):
    dialog = dialog_of([clip_vertical, clip_landscape])
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row_states(dialog)[0] == "Done", timeout=60_000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert dialog.status.text() == "Export cancelled. Finished episodes were kept."

    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.task is not None
    assert dialog.cancel_button.isVisible() and dialog.cancel_button.isEnabled()
    shot(dialog, "second_export_running.png")
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.cancel_button.isEnabled()  # pressed once is enough
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert dialog.status.text() == "Export cancelled. Finished episodes were kept."
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isVisible()


def test_settings_are_locked_while_an_export_runs_and_a_change_waits_for_its_end(
        qtbot, dialog_of, held_renders, clip_vertical, clip_landscape):  # fmt: skip
    dialog = dialog_of([clip_vertical, clip_landscape])
    normalized = dialog.normalize.isChecked()
    assert all(settings_enabled(dialog))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row_states(dialog)[0] == "Done", timeout=60_000)
    assert not any(settings_enabled(dialog))
    status = dialog.status.text()
    assert status.startswith("Exporting to ")

    # a change that still reaches the widgets (a shortcut, a script) is not planned now
    dialog.normalize.setChecked(not normalized)
    dialog.reframe.setCurrentIndex((dialog.reframe.currentIndex() + 1) % dialog.reframe.count())
    qtbot.wait(50)  # a re-plan would start on a worker: give it the chance to show
    assert dialog.task is not None
    assert not dialog.export_button.isEnabled()
    assert dialog.status.text() == status
    assert row_states(dialog)[0] == "Done"
    assert dialog.plan.settings.normalize_loudness == normalized
    shot(dialog, "export_running_settings_locked.png")

    held_renders.set()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    assert all(settings_enabled(dialog))
    # the change is planned now that the export has ended
    qtbot.waitUntil(lambda: dialog.plan.settings.normalize_loudness != normalized
                    and dialog.export_button.isEnabled(), timeout=30_000)  # fmt: skip
    assert dialog.plan.settings.reframe == dialog.reframe.currentData()
    shot(dialog, "export_ended_replanned.png")


def test_preview_can_be_tried_again_after_it_failed(qtbot, dialog_of, tmp_path,
                                                   clip_vertical):
    clip = Path(shutil.copy(clip_vertical, tmp_path / "on-a-drive.mp4"))
    dialog = dialog_of([clip])
    hidden = clip.rename(tmp_path / "unplugged.mp4")
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    assert not dialog.preview_button.isEnabled()
    qtbot.waitUntil(lambda: "c62828" in dialog.status.text(), timeout=30_000)
    assert "on-a-drive" in plain(dialog.status.text())
    assert dialog.preview_button.isEnabled()
    shot(dialog, "preview_failed.png")
    hidden.rename(clip)  # plugged back in: the same button works
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview_player is not None, timeout=60_000)
    assert dialog.preview_button.isEnabled() and dialog.status.text() == ""
    dialog.preview_player.close()


def test_a_partly_failed_export_offers_the_folder_with_the_others(
        qtbot, dialog_of, tmp_path, clip_vertical, clip_landscape):  # fmt: skip
    gone = Path(shutil.copy(clip_landscape, tmp_path / "on-a-drive.mp4"))
    dialog = dialog_of([clip_vertical, gone])
    gone.unlink()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    said = plain(dialog.status.text())
    assert said.startswith("1 of 2 episodes could not be rendered; the others are in")
    assert row_states(dialog) == ["Done", "Failed"]
    assert dialog.show_button.isVisible() and dialog.close_button.isVisible()
    assert dialog.result_folder == tmp_path / "kit"
    assert (tmp_path / "kit" / "01 - vertical.mp4").is_file()
    shot(dialog, "partly_failed_export.png")


def test_an_export_where_nothing_was_written_offers_no_folder(qtbot, dialog_of, tmp_path,
                                                              clip_vertical):
    gone = Path(shutil.copy(clip_vertical, tmp_path / "on-a-drive.mp4"))
    dialog = dialog_of([gone])
    gone.unlink()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)
    assert plain(dialog.status.text()).startswith("1 episode could not be rendered:")
    assert not dialog.show_button.isVisible() and dialog.export_button.isEnabled()
