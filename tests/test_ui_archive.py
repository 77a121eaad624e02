"""File > Import archive: the preview lists what the archive holds; only checked videos go in."""

from __future__ import annotations

import json

import archive_factory as af
from PySide6.QtCore import Qt

from studio.app import AppContext
from studio.ui.archive_dialog import NOTE, ArchiveImportDialog
from studio.ui.main_window import MainWindow


def open_archive_dialog(qtbot, tmp_path, videos, title: str, playlists=()):
    """A Takeout folder of ``videos``, the window with a new collection ``title``, and the
    archive dialog on the folder once its preview is read."""
    root = af.write_folder(tmp_path / "takeout", af.takeout_files(videos, playlists=playlists))
    ctx = AppContext.open(tmp_path / "library.sqlite")
    w = MainWindow(ctx, use_multimedia=False)
    qtbot.addWidget(w)
    c = w.controller.new_collection(title)
    dialog = ArchiveImportDialog(w, [str(root)])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=30_000)
    return ctx, w, c, dialog


def test_a_takeout_imports_through_the_preview_dialog(qtbot, tmp_path):
    clips = tmp_path / "clips"
    videos = [
        af.Video("a1", "Morning routine", af.utc(2024, 1, 2), af.clip(clips, 1, 0),
                 description="How I start the day"),
        af.Video("a2", "Street food tour", af.utc(2024, 1, 3), af.clip(clips, 2, 1)),
        af.Video("a3", "Q&A", af.utc(2024, 1, 4), af.clip(clips, 1, 2)),
    ]  # fmt: skip
    ctx, w, c, dialog = open_archive_dialog(qtbot, tmp_path, videos, "From YouTube")
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


def test_the_creator_chooses_which_video_an_ambiguous_file_is(qtbot, tmp_path):
    clips = tmp_path / "clips"
    videos = [
        af.Video("m1", "Morning routine", af.utc(2024, 1, 2), af.clip(clips, 1, 0)),
        af.Video("t1", "Twin", af.utc(2024, 2, 1), af.clip(clips, 2, 1), description="First"),
        af.Video("t2", "Twin", af.utc(2024, 2, 2), af.clip(clips, 2, 2), description="Second"),
    ]  # fmt: skip
    ctx, w, c, dialog = open_archive_dialog(qtbot, tmp_path, videos, "Twins")
    assert "choose which one it is in its row" in dialog.summary.text()
    rows = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    choosers = {r.text(0): dialog.tree.itemWidget(r, NOTE) for r in rows}
    assert choosers["Morning routine"] is None
    first, second = choosers["Twin"], choosers["Twin(1)"]
    assert [first.itemText(i) for i in range(first.count())] == [
        "Which video is it?", "'Twin' (2024-02-01, id t1)", "'Twin' (2024-02-02, id t2)"]
    assert "fit several videos" in first.toolTip()
    twin, twin1 = rows[1], rows[2]
    assert twin.checkState(0) == Qt.CheckState.Unchecked

    # One video for both files is refused, with the reason; nothing is imported.
    first.setCurrentIndex(1)
    second.setCurrentIndex(1)
    assert twin.checkState(0) == Qt.CheckState.Checked and twin.text(2) == "2024-02-01"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "is chosen for both Twin.mp4 and Twin(1).mp4" in dialog.problems.text()
    assert dialog.isVisible() and ctx.library.episode_count(c.id) == 0

    first.setCurrentIndex(2)  # Twin.mp4 is the second video, Twin(1).mp4 the first
    assert (twin.text(0), twin.text(2), twin.toolTip(0)) == ("Twin", "2024-02-02", "Second")
    with qtbot.waitSignal(dialog.accepted, timeout=60_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert [r.item.video_id for r in dialog.report.added] == ["m1", "t2", "t1"]
    assert [e.title for e in ctx.library.episodes(c.id)] == ["Morning routine", "Twin", "Twin"]
    assert twin1.text(2) == "2024-02-01"
    w.close()
    ctx.close()


def rows_of(dialog) -> list:
    return [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]


def test_ticks_and_choices_survive_a_look_at_a_playlist(qtbot, tmp_path):
    clips = tmp_path / "clips"
    videos = [
        af.Video("m1", "Morning", af.utc(2024, 1, 2), af.clip(clips, 1, 0)),
        af.Video("x1", "Bloopers (do not publish)", af.utc(2024, 1, 3), af.clip(clips, 3, 3)),
        af.Video("t1", "Twin", af.utc(2024, 2, 1), af.clip(clips, 2, 1)),
        af.Video("t2", "Twin", af.utc(2024, 2, 2), af.clip(clips, 2, 2)),
    ]  # fmt: skip
    ctx, w, c, dialog = open_archive_dialog(qtbot, tmp_path, videos, "Ticks",
                                            playlists=[("Best", "", ["m1", "t1", "t2"])])

    def ticks() -> list[tuple[str, bool]]:
        return [(r.text(0), r.checkState(0) == Qt.CheckState.Checked) for r in rows_of(dialog)]

    # The creator leaves the bloopers out and says the first Twin file is the first video.
    bloopers = [r for r in rows_of(dialog) if r.text(0).startswith("Bloopers")][0]
    bloopers.setCheckState(0, Qt.CheckState.Unchecked)
    twin = [r for r in rows_of(dialog) if r.text(0) == "Twin"][0]
    dialog.tree.itemWidget(twin, NOTE).setCurrentIndex(1)
    before = ticks()
    assert before == [("Morning", True), ("Bloopers (do not publish)", False), ("Twin", True),
                      ("Twin(1)", False)]  # fmt: skip

    dialog.playlist.setCurrentIndex(1)  # a look at the playlist "Best"...
    assert dialog.playlist.currentText() == "Best"
    assert ("Twin", True) in ticks()
    dialog.playlist.setCurrentIndex(0)  # ...and back to every video
    assert ticks() == before
    twin = [r for r in rows_of(dialog) if r.text(0) == "Twin"][0]
    assert dialog.tree.itemWidget(twin, NOTE).currentIndex() == 1

    # Nothing ticked, nothing to import: Import waits for a tick.
    ticked = [r for r in rows_of(dialog) if r.checkState(0) == Qt.CheckState.Checked]
    for r in ticked:
        r.setCheckState(0, Qt.CheckState.Unchecked)
    assert not dialog.import_button.isEnabled()
    for r in ticked:
        r.setCheckState(0, Qt.CheckState.Checked)
    assert dialog.import_button.isEnabled() and ticks() == before

    with qtbot.waitSignal(dialog.accepted, timeout=60_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert [e.title for e in ctx.library.episodes(c.id)] == ["Morning", "Twin"]
    assert [r.item.video_id for r in dialog.report.added] == ["m1", "t1"]
    w.close()
    ctx.close()


def test_videos_not_added_are_explained_in_the_dialog(qtbot, tmp_path):
    clips = tmp_path / "clips"
    videos = [af.Video(f"v{i}", f"Episode {i:02d}", af.utc(2024, 1 + i // 28, 1 + i % 28),
                       af.clip(clips, 1, i)) for i in range(82)]  # fmt: skip
    ctx, w, c, dialog = open_archive_dialog(qtbot, tmp_path, videos, "Full")  # holds 80
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=120_000)
    qtbot.wait(50)
    assert ctx.library.episode_count(c.id) == 80
    assert dialog.isVisible()  # the creator reads what happened before closing
    summary = dialog.summary.text()
    assert "80 added, 0 already in the library." in summary
    assert "2 videos were not added: A TikTok Series holds at most 80 episodes" in summary
    rows = {r.text(0): r for r in rows_of(dialog)}
    assert rows["Episode 00"].text(NOTE) == "Added as episode 1."
    for title in ("Episode 80", "Episode 81"):
        assert rows[title].text(NOTE).startswith("A TikTok Series holds at most 80 episodes")
    assert dialog.tree.currentItem() is rows["Episode 80"]  # the first one not added is shown
    assert not dialog.import_button.isVisible() and dialog.cancel_button.text() == "Close"
    assert w.model.rowCount() == 80
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    w.close()
    ctx.close()


def open_on(qtbot, tmp_path, files: dict):
    """The window with a new collection and the archive dialog on the folder of ``files``."""
    root = af.write_folder(tmp_path / "export", files)
    ctx = AppContext.open(tmp_path / "library.sqlite")
    w = MainWindow(ctx, use_multimedia=False)
    qtbot.addWidget(w)
    c = w.controller.new_collection("Instagram")
    dialog = ArchiveImportDialog(w, [str(root)])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.preview is not None or "color" in dialog.summary.text(),
                    timeout=30_000)  # fmt: skip
    return ctx, w, c, dialog


def test_igtv_and_archived_posts_show_with_their_kind(qtbot, tmp_path):
    clips = tmp_path / "clips"
    content = "your_instagram_activity/media"

    def group(uri: str, day: int, caption: str) -> dict:
        return {"media": [{"uri": uri, "creation_timestamp": int(af.utc(2023, 11, day).timestamp()),
                           "title": af.mojibake(caption)}]}  # fmt: skip

    files = {
        f"{content}/posts_1.json": json.dumps([group("media/posts/1.mp4", 3, "Post")]).encode(),
        f"{content}/igtv_videos.json": json.dumps(
            {"ig_igtv_media": [group("media/igtv/2.mp4", 2, "Long one")]}).encode(),
        f"{content}/archived_posts.json": json.dumps(
            {"ig_archived_post_media": [group("media/archived/3.mp4", 1, "Hidden")]}).encode(),
        f"{content}/recently_deleted_content.json": json.dumps(
            {"ig_recently_deleted_media": [group("media/deleted/4.mp4", 4, "Gone")]}).encode(),
        "media/posts/1.mp4": af.clip(clips, 1, 0), "media/igtv/2.mp4": af.clip(clips, 2, 1),
        "media/archived/3.mp4": af.clip(clips, 1, 2), "media/deleted/4.mp4": af.clip(clips, 1, 3),
    }  # fmt: skip
    ctx, w, c, dialog = open_on(qtbot, tmp_path, files)
    assert [(r.text(0), r.text(1)) for r in rows_of(dialog)] == [
        ("Hidden", "Archived post"), ("Long one", "IGTV"), ("Post", "Post")]
    assert "3 videos ready to import." in dialog.summary.text()
    assert ("recently_deleted_content.json lists 1 video that is not imported: only posts, "
            "reels, stories, IGTV and archived posts are.") in dialog.problems.text()
    with qtbot.waitSignal(dialog.accepted, timeout=60_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert [e.title for e in ctx.library.episodes(c.id)] == ["Hidden", "Long one", "Post"]
    w.close()
    ctx.close()


def test_an_instagram_html_export_gets_the_advice_to_choose_json(qtbot, tmp_path):
    page = b"<html><body><video src='../../../media/reels/202401/123.mp4'></video></body></html>"
    files = {"your_instagram_activity/media/posts_1.html": page,
             "your_instagram_activity/media/reels.html": page,
             "media/reels/202401/123.mp4": af.clip(tmp_path / "clips", 1)}  # fmt: skip
    ctx, w, c, dialog = open_on(qtbot, tmp_path, files)
    assert dialog.tree.topLevelItemCount() == 0
    assert dialog.problems.text() == ("This Instagram export is in HTML: request your "
                                      "information again and choose the JSON format.")
    assert not dialog.import_button.isEnabled()  # nothing to import
    w.close()
    ctx.close()
