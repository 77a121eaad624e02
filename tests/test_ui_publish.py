"""File > Publish to a folder target: progress per episode, the kit lands, badges follow."""

from __future__ import annotations

import json

import sync_helpers
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment

from studio import actions
from studio.app import AppContext
from studio.sync.credentials import TokenSet, Vault
from studio.sync.status import SyncEvent
from studio.sync.targets import FOLDER, SERIES_API
from studio.ui.main_window import MainWindow
from studio.ui.publish_dialog import PublishDialog

# the shared fixtures (tests/sync_helpers.py)
memory_keyring = sync_helpers.memory_keyring
series_server = sync_helpers.series_server
admin = sync_helpers.admin


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


def test_the_dialog_refuses_a_target_the_command_refuses(qtbot, tmp_path, monkeypatch):
    """QA: ``studio targets add`` refuses a blank name, a file given as the folder and a
    folder another target publishes to; the window's Add a folder target took them all."""
    from studio.store.sync_state import SyncStore
    from studio.ui import file_dialogs

    ctx = AppContext.open(tmp_path / "library.sqlite")
    c = ctx.library.create_collection("Walks")
    w = MainWindow(ctx, use_multimedia=False)
    qtbot.addWidget(w)
    w.controller.open_collection(c.id)
    dialog = PublishDialog(w)
    qtbot.addWidget(dialog)
    dialog.show()
    usb = tmp_path / "usb"
    assert dialog.add_target("usb", FOLDER, str(usb))
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")

    def names() -> list[str]:
        return [t.name for t in SyncStore(ctx.library).targets()]

    def said() -> str:
        assert "c62828" in dialog.status.text(), dialog.status.text()  # in red
        return QTextDocumentFragment.fromHtml(dialog.status.text()).toPlainText()

    for name, where, message in [
        ("  ", tmp_path / "elsewhere", "A target needs a name"),
        ("notes", a_file, f"{a_file} is a file, not a folder"),
        ("below", a_file / "inside", f"{a_file} is a file, so there can be no folder"),
        ("again", tmp_path / "x" / ".." / "usb",
         f"Target 'usb' already publishes to {usb}; publish with 'usb' (now selected)"),
    ]:  # fmt: skip
        assert not dialog.add_target(name, FOLDER, str(where))
        assert said().startswith(message), said()
        assert names() == ["usb"]
        assert dialog.target.count() == 1 and dialog.target.currentData() == "usb"
    assert not (tmp_path / "elsewhere").exists()

    # The button names a folder target after its folder; another folder of the same name
    # gets a name of its own (it was an uncaught "There is already a target called").
    other = tmp_path / "b" / "usb"
    other.mkdir(parents=True)
    monkeypatch.setattr(file_dialogs, "existing_directory", lambda *a, **k: str(other))
    dialog.add_folder.click()
    assert names() == ["usb", "usb 2"] and dialog.target.currentData() == "usb 2"
    assert dialog.status.text() == f"Publish sends the collection to usb 2 — {other}."
    dialog.add_folder.click()  # the same folder again: refused, the first one selected
    assert names() == ["usb", "usb 2"] and dialog.target.currentData() == "usb 2"
    assert said().startswith(f"Target 'usb 2' already publishes to {other}")
    dialog.close()
    w.close()
    ctx.close()


def test_an_episode_edited_since_the_publish_says_so(qtbot, tmp_path, clip_vertical):
    """QA: the list said "published" of an episode retitled since the publish, as
    ``studio status`` no longer does: it says "published, changed here", and what changed."""
    ctx = AppContext.open(tmp_path / "library.sqlite")
    c = ctx.library.create_collection("Ready to go")
    actions.add_files(ctx.library, c, [clip_vertical, clip_vertical])
    actions.set_collection_fields(ctx.library, c, price="3.99", description="Two walks")
    w = MainWindow(ctx, use_multimedia=False)
    qtbot.addWidget(w)
    w.controller.open_collection(c.id)
    first, second = ctx.library.episodes(c.id)
    dialog = PublishDialog(w)
    qtbot.addWidget(dialog)
    assert dialog.add_target("mine", FOLDER, str(tmp_path / "published"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None or "c62828" in dialog.status.text(),
                    timeout=120_000)  # fmt: skip
    assert dialog.result is not None, dialog.status.text()
    qtbot.waitUntil(lambda: w.badges.published is not None)  # read on a worker
    dialog.close()

    def badge(e) -> str:
        return w.model.states.get(e.id, "")

    def tooltip(e) -> str:
        row = [x.id for x in w.model.episodes].index(e.id)
        return w.model.data(w.model.index(row), Qt.ItemDataRole.ToolTipRole)

    assert (badge(first), badge(second)) == ("published", "published")
    w.controller.set_episode_title(first.id, "A new title")
    assert (badge(first), badge(second)) == ("published, changed here", "published")
    assert tooltip(first).endswith("published, changed here: title changed since the last "
                                   f"publish (there: '{first.title}')")  # fmt: skip
    assert "changed" not in tooltip(second)
    w.controller.set_free_preview(second.id, not second.free_preview)
    assert badge(second) == "published, changed here"
    assert "free preview changed since the last publish" in tooltip(second)
    w.controller.set_collection_fields(price="5.00")
    assert w.statusBar().currentMessage().startswith(
        "Changed here since the last publish to 'mine': the price (there: ")
    w.controller.undo.undo()
    w.controller.undo.undo()
    assert (badge(first), badge(second)) == ("published, changed here", "published")
    w.controller.undo.undo()
    assert (badge(first), badge(second)) == ("published", "published")
    w.controller.undo.redo()

    # Opened again (a new window): read from the kit again, off the GUI thread.
    w.close()
    w2 = MainWindow(ctx, use_multimedia=False)
    qtbot.addWidget(w2)
    w2.controller.open_collection(c.id)
    assert w2.model.states[first.id] == "published"  # until the kit is read
    qtbot.waitUntil(lambda: w2.model.states[first.id] == "published, changed here")
    w2.close()
    ctx.close()


def test_the_waiting_note_goes_when_the_retry_moves(qtbot, tmp_path, clip_vertical,
                                                    series_server, memory_keyring):
    """QA: "The server answered 503 … trying again at …" stayed on the status line while
    the retry was long under way. The next progress clears it."""
    ctx = AppContext.open(tmp_path / "library.sqlite")
    c = ctx.library.create_collection("Ready to go")
    actions.add_files(ctx.library, c, [clip_vertical])
    actions.set_collection_fields(ctx.library, c, price="3.99", description="A walk")
    w = MainWindow(ctx, use_multimedia=False)
    qtbot.addWidget(w)
    w.controller.open_collection(c.id)
    dialog = PublishDialog(w)
    qtbot.addWidget(dialog)
    assert dialog.add_target("api", SERIES_API, series_server.url)
    Vault().save("api", TokenSet(admin(series_server, "POST", "tokens")["token"],
                                 kind="personal"))  # fmt: skip
    admin(series_server, "POST", "faults", {"action": "status", "status": 503, "retry_after": 2,
                                            "method": "POST", "path_prefix": "/v1/uploads"})
    seen: list[tuple[SyncEvent, str]] = []  # each event, and the status line once it is shown
    handle = dialog._event

    def observed(value) -> None:
        handle(value)
        if isinstance(value, SyncEvent):
            seen.append((value, dialog.status.text()))

    dialog._event = observed
    dialog.start()
    qtbot.waitUntil(lambda: dialog.result is not None or "c62828" in dialog.status.text(),
                    timeout=120_000)  # fmt: skip
    assert dialog.result is not None, dialog.status.text()
    notes = [i for i, (e, _) in enumerate(seen) if e.kind == "note" and e.state == "waiting"]
    assert len(notes) == 1, ([(e.kind, e.state, e.message) for e, _ in seen],
                             admin(series_server, "GET", "state")["faults_fired"])
    note, shown = seen[notes[0]]
    assert shown == note.message and note.message.startswith("The server answered 503")
    before = seen[notes[0] - 1][1]
    after = [text for e, text in seen[notes[0] + 1:] if e.kind == "progress"]
    assert after, seen
    assert after[0] == before, (note.message, after[0])  # the note is gone, what was is back
    assert dialog.status.text().startswith("Published: remote id ")
    dialog.close()
    w.close()
    ctx.close()
