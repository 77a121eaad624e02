"""The window opens on a real library and shows its collections and episodes."""

from __future__ import annotations

import pytest

from studio import actions
from studio.app import AppContext


@pytest.fixture
def ctx(tmp_path):
    with AppContext.open(tmp_path / "library.sqlite") as context:
        yield context


def test_window_lists_collections_and_episodes(qtbot, ctx, clip_vertical):
    from studio.ui.main_window import MainWindow

    c = ctx.library.create_collection("Street food")
    actions.add_files(ctx.library, c, [clip_vertical, clip_vertical])
    actions.set_collection_fields(ctx.library, c, price="2.50")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.collections.count() == 1
    assert window.collections.item(0).text() == "Street food"
    assert window.episodes.topLevelItemCount() == 2
    assert window.episodes.topLevelItem(1).text(0) == "2"
    assert "2.50 USD" in window.heading.text()


def test_empty_library_tells_the_user_what_to_do(qtbot, ctx):
    from studio.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert "studio demo" in window.heading.text()
