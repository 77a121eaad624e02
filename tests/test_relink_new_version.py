"""A clip re-exported to the same path: the creator accepts its new version and keeps the episode.

Real clips (tests/media.py), a real library file, the real CLI and the real window.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import media
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from studio import actions, covers, relink
from studio.app import AppContext
from studio.cli.main import main
from studio.domain.errors import UserError
from studio.domain.timecode import TimeRange
from studio.store.library import Library
from studio.ui.main_window import MainWindow

US = 1_000_000


def landscape(path: Path, seconds: float = 6) -> Path:
    return media.make_clip(path, seconds=seconds, width=160, height=90, fps=24)


def re_export(path: Path, seconds: float) -> Path:
    """The editor writes a new version over the clip: other length, other shape (9:16)."""
    new = media.make_clip(seconds=seconds, width=90, height=160, fps=30)
    shutil.copyfile(new, path)
    return path


@pytest.fixture
def library(tmp_path):
    with Library.open(tmp_path / "library.sqlite") as lib:
        yield lib


def street_food(lib: Library, clip: Path, other: Path):
    """Episode 1 from ``other``, episode 2 'The interview' from ``clip`` trimmed to 1 s-5 s,
    a free preview, and the cover a frame of ``clip`` at 5.5 s."""
    c = lib.create_collection("Street food")
    first, second = actions.add_files(lib, c, [other, clip])
    ep = actions.trim_episode(lib, second.episode, "1", "5")
    ep = lib.update_episode(ep.with_(title="The interview", free_preview=True))
    covers.set_cover_frame(lib, c, ep, 5_500_000)
    return lib.collection(c.id), first.episode, ep


def test_a_re_exported_clip_keeps_its_episode_title_place_and_cover(library, tmp_path):
    clip = landscape(tmp_path / "interview.mp4")
    other = landscape(tmp_path / "intro.mp4", seconds=2)
    c, first, ep = street_food(library, clip, other)
    old_fp = ep.media_fingerprint
    re_export(clip, seconds=4)
    # What the creator had before: the episode reads as missing, and relinking cannot help.
    [missing] = actions.refresh_media_status(library, [old_fp])
    assert missing.path == str(clip) and relink.replaced_in_place(missing)
    found, still = actions.relink(library, tmp_path)
    assert not found and [m.fingerprint for m in still] == [old_fp]

    plan = relink.accept_new_version(library, library.episode(ep.id))
    now = library.episode(ep.id)
    assert (now.title, now.position, now.free_preview) == ("The interview", 2, True)
    assert now.media_fingerprint != old_fp
    # The out point (5 s) is past the new end (4 s): it is cut there, and that is said.
    assert (now.trim.start, now.trim.end) == (US, 4 * US)
    [line] = plan.warnings()[:1]
    assert "out point 00:00:05.000 is past the end of the new version (00:00:04.000)" in line
    assert "ends at 00:00:04.000" in line and "'The interview'" in line
    assert "the old one lasted 0:06" in plan.summary()
    media_now = library.media(now.media_fingerprint)
    assert media_now is not None and not media_now.missing
    assert (media_now.info.width, media_now.info.height) == (90, 160)
    # The cover is still a frame of this clip, moved to its last frame, and that is said too.
    cover = library.collection(c.id).cover
    assert cover is not None and cover.media_fingerprint == now.media_fingerprint
    assert 3_900_000 <= cover.time < 4 * US
    assert any("The cover of 'Street food'" in w for w in plan.warnings())
    # The other episode is untouched; nothing is missing any more; the old content is forgotten.
    assert library.episode(first.id) == first
    assert actions.refresh_media_status(library, [now.media_fingerprint, first.media_fingerprint]) \
        == []  # fmt: skip
    assert library.media(old_fp) is None
    assert actions.relink(library, tmp_path) == ([], [])


def test_a_trim_that_fits_is_kept_and_an_untrimmed_episode_takes_the_whole_new_clip(
        library, tmp_path):  # fmt: skip
    clip = landscape(tmp_path / "take.mp4")
    c = library.create_collection("Takes")
    whole, part, late = (r.episode for r in actions.add_files(library, c, [clip] * 3))
    part = actions.trim_episode(library, part, "1", "3")
    late = actions.trim_episode(library, late, "5", "5.5")
    re_export(clip, seconds=4)
    plan = relink.plan_new_version(library, part)
    assert library.episode(part.id).media_fingerprint == part.media_fingerprint  # a plan only
    fates = {ch.before.id: ch.fate for ch in plan.episodes}
    assert fates == {whole.id: relink.TrimFate.WHOLE, part.id: relink.TrimFate.KEPT,
                     late.id: relink.TrimFate.RESET}  # fmt: skip
    relink.apply_new_version(library, plan)
    assert library.episode(part.id).trim == TimeRange(US, 3 * US)  # exactly as it was
    assert library.episode(whole.id).trim == TimeRange(0, 4 * US)  # the whole new clip
    assert library.episode(late.id).trim == TimeRange(0, 4 * US)  # its in point was past the end
    lines = plan.lines()
    assert any("trim kept, 00:00:01.000 to 00:00:03.000" in x for x in lines)
    assert any("used the whole clip" in x and "00:00:00.000 to 00:00:04.000" in x for x in lines)
    assert [w for w in plan.warnings() if "in point 00:00:05.000 is past the end" in w]
    # Undo puts everything back: the episodes read as changed again.
    relink.revert_new_version(library, plan)
    assert library.episode(part.id) == part and library.episode(late.id) == late
    assert relink.replaced_in_place(library.media(part.media_fingerprint))
    assert library.media(plan.new.fingerprint) is None


def test_nothing_to_accept_when_the_file_is_gone_or_unchanged(library, tmp_path):
    clip = landscape(tmp_path / "take.mp4")
    c = library.create_collection("Takes")
    [r] = actions.add_files(library, c, [clip])
    with pytest.raises(UserError, match="take.mp4 has not changed"):
        relink.plan_new_version(library, r.episode)
    clip.unlink()
    with pytest.raises(UserError, match="There is no file at .*take.mp4.*relink it"):
        relink.plan_new_version(library, r.episode)
    clip.write_text("not a video any more")
    with pytest.raises(UserError, match="take.mp4"):
        relink.plan_new_version(library, r.episode)
    assert library.episode(r.episode.id) == r.episode  # nothing changed on the way


def test_cli_accept_new_version(tmp_path, capsys):
    lib_path = tmp_path / "library.sqlite"
    clip = landscape(tmp_path / "interview.mp4")
    with Library.open(lib_path) as lib:
        _c, _first, ep = street_food(lib, clip, landscape(tmp_path / "intro.mp4", seconds=2))
    re_export(clip, seconds=4)
    cli = ["--library", str(lib_path), "accept-new-version"]

    assert main([*cli, "Street food:2", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Nothing changed (--dry-run)" in out and "out point 00:00:05.000 is past" in out
    with Library.open(lib_path) as lib:
        assert lib.episode(ep.id) == ep

    assert main([*cli, "2", "-c", "street food"]) == 0
    out = capsys.readouterr().out
    assert "Using the new version of 'interview.mp4' (0:04; the old one lasted 0:06)" in out
    assert "with it, the episode ends at 00:00:04.000" in out
    with Library.open(lib_path) as lib:
        now = lib.episode(ep.id)
        assert (now.title, now.position, now.trim) == ("The interview", 2, TimeRange(US, 4 * US))

    assert main([*cli, "Street food:2"]) == 2
    assert "interview.mp4 has not changed" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*cli, "--help"])
    assert "studio relink FOLDER" in capsys.readouterr().out


def test_the_cli_calls_a_re_exported_clip_changed_and_says_what_to_do(tmp_path, capsys):
    """Not 'MISSING ... reconnect the file' while the file is right there."""
    lib_path = tmp_path / "library.sqlite"
    clip = landscape(tmp_path / "interview.mp4")
    with Library.open(lib_path) as lib:
        street_food(lib, clip, landscape(tmp_path / "intro.mp4", seconds=2))
    re_export(clip, seconds=4)
    cli = ["--library", str(lib_path)]

    main([*cli, "check", "Street food"])
    out = " ".join(capsys.readouterr().out.split())
    assert f"{clip} is not the version it was cut from" in out
    assert "studio accept-new-version" in out and "cannot be found" not in out
    main([*cli, "show", "Street food"])
    out = capsys.readouterr().out
    assert "CHANGED" in out and "MISSING" not in out
    assert main([*cli, "relink", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"changed: {clip} is another version" in out and "still missing:" not in out
    assert "0 still missing. 1 file is another version." in out
    # Export (and so publish) and loudness say the same, not "missing ... relink it".
    for command in (["export", "Street food", "--to", tmp_path / "kit", "--plan"],
                    ["loudness", "Street food:2"]):  # fmt: skip
        assert main([*cli, *map(str, command)]) == 2
        err = " ".join(capsys.readouterr().err.split())
        assert f"{clip} is not the version it was cut from" in err, err
        assert "studio accept-new-version 'Street food:2'" in err and "missing" not in err


# ------------------------------------------------------------------------------ the window
def wait_filmstrip(qtbot, w):
    with qtbot.waitSignal(w.loader.filmstripReady, timeout=30_000) as blocker:
        pass
    return blocker.args[1]


@pytest.mark.usefixtures("qapp")
def test_the_window_offers_the_new_version_and_shows_its_pictures(qtbot, tmp_path):
    lib_path = tmp_path / "library.sqlite"
    clip = landscape(tmp_path / "interview.mp4")
    with Library.open(lib_path) as lib:
        c, _first, ep = street_food(lib, clip, landscape(tmp_path / "intro.mp4", seconds=2))
    ctx = AppContext.open(lib_path)
    w = MainWindow(ctx, use_multimedia=False)
    qtbot.addWidget(w)
    w.show()
    w.controller.open_collection(c.id)
    page = w.inspector.episode_page
    with qtbot.waitSignal(w.loader.filmstripReady, timeout=30_000) as strip:
        w.episodes.select_id(ep.id)
    old_thumb = strip.args[1][0][1]
    assert old_thumb.width() > old_thumb.height()  # the landscape clip, now in the cache
    assert not page.accept_version.isVisible()

    re_export(clip, seconds=4)  # in the editor; then the creator comes back to the window
    QGuiApplication.instance().applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)
    assert w.current_episode_id() == ep.id
    qtbot.waitUntil(page.accept_version.isVisible, timeout=10_000)  # the files are looked at
    assert page.replaced.isVisible()  # on a worker
    assert "CHANGED" in page.facts.text()
    assert page.relink.text() == "Find the old version elsewhere…"  # not "the missing file"
    assert any("is not the version it was cut from" in p.message for p in w.checks.problems)
    row = w.model.index(1)
    assert "replaced by a new version" in w.model.data(row, Qt.ItemDataRole.ToolTipRole)

    with qtbot.waitSignal(w.loader.filmstripReady, timeout=30_000) as strip:
        with qtbot.waitSignal(w.controller.newVersionAccepted, timeout=30_000):
            qtbot.mouseClick(page.accept_version, Qt.MouseButton.LeftButton)
    thumb = strip.args[1][0][1]
    assert thumb.height() > thumb.width()  # pictures of the new 9:16 version, not the cache's
    with Library.open(lib_path) as lib:
        now = lib.episode(ep.id)
    assert (now.title, now.position, now.trim) == ("The interview", 2, TimeRange(US, 4 * US))
    assert page.notice.isVisible() and not page.accept_version.isVisible()
    assert "ends at 00:00:04.000" in page.notice.text()
    assert page.out_point.text() == "00:00:04.000"
    assert w.controller.undo.undoText() == "Use the new version of 'interview.mp4'"

    w.controller.undo.undo()  # back to the old content: it reads as changed again
    with Library.open(lib_path) as lib:
        assert lib.episode(ep.id) == ep
    assert page.accept_version.isVisible() and not page.notice.isVisible()
    w.close()
    ctx.close()
