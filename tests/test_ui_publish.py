"""File > Publish to a folder target: progress per episode, the kit lands, badges follow."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from studio import actions
from studio.app import AppContext
from studio.sync.targets import FOLDER
from studio.ui.main_window import MainWindow
from studio.ui.publish_dialog import PublishDialog


def test_publish_to_a_folder_from_the_dialog(qtbot, tmp_path, clip_vertical):
    ctx = AppContext.open(tmp_path / "library.sqlite")
    c = ctx.library.create_collection("Ready to go")
    actions.add_files(ctx.library, c, [clip_vertical, clip_vertical])
    actions.set_collection_fields(ctx.library, c, price="3.99", description="Two walks")
    w = MainWindow(ctx, use_multimedia=False)
    qtbot.addWidget(w)
    w.controller.open_collection(c.id)
    dialog = PublishDialog(w)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.publish_button.isEnabled()  # no target yet
    assert dialog.status.text().startswith("Add a target")
    out = tmp_path / "published"
    dialog.add_target("mine", FOLDER, str(out))
    assert dialog.publish_button.isEnabled() and not dialog.sign_in.isEnabled()
    assert dialog.status.text() == f"Publish sends the collection to mine — {out}."
    qtbot.mouseClick(dialog.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None or "c62828" in dialog.status.text(),
                    timeout=120_000)  # fmt: skip
    assert dialog.result is not None, dialog.status.text()
    assert dialog.table.rowCount() >= 2
    manifests = list(out.rglob("manifest.json"))
    assert manifests, sorted(p.name for p in out.rglob("*"))
    kit = json.loads(manifests[0].read_text())
    assert len(kit["episodes"]) == 2
    assert all(w.model.states.get(e.id) for e in ctx.library.episodes(c.id))
    w.close()
    ctx.close()
