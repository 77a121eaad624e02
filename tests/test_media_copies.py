"""Byte-identical copies of a clip: each episode keeps working while any file with its
content is where the library saw it (QA finding 01).

The browser saves a download twice (``clip.mp4``, ``clip (1).mp4``), the creator adds the
copy to another collection, then tidies up. Real clips (tests/media.py), a real library
file, the real CLI.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import media
import pytest
from sqlite_utils import Database

from studio import actions, export, relink
from studio.cli.main import main
from studio.domain.errors import UserError
from studio.domain.models import Episode, MediaRecord
from studio.domain.timecode import TimeRange
from studio.editor.cut_plan import RenderSettings
from studio.editor.probe import PROBE_VERSION, probe
from studio.store import rows
from studio.store.fingerprint import fingerprint
from studio.store.library import Library
from studio.store.migrations import migrations


def clip_and_copy(folder: Path) -> tuple[Path, Path]:
    clip = media.make_clip(folder / "clip.mp4", seconds=2, width=160, height=90, fps=24)
    copy = folder / "clip (1).mp4"
    shutil.copyfile(clip, copy)
    return clip, copy


def paris_and_other(lib_path: Path, clip: Path, copy: Path) -> str:
    """'Paris' episode 1 from ``clip``; later 'Other' episode 1 from ``copy``. Returns the
    fingerprint they share."""
    with Library.open(lib_path) as lib:
        paris, other = lib.create_collection("Paris"), lib.create_collection("Other")
        [first] = actions.add_files(lib, paris, [clip])
        [second] = actions.add_files(lib, other, [copy])
        assert second.reused_media
        assert first.episode.media_fingerprint == second.episode.media_fingerprint
        return first.episode.media_fingerprint


def show(capsys, lib_path: Path, title: str) -> str:
    assert main(["--library", str(lib_path), "show", title]) == 0
    return capsys.readouterr().out.splitlines()[-1]


def cli_export(capsys, lib_path: Path, title: str, kit: Path) -> int:
    code = main(["--library", str(lib_path), "export", title, "--to", str(kit),
                 "--no-normalize"])  # fmt: skip
    capsys.readouterr()
    return code


def test_deleting_the_copy_leaves_the_original_episode_on_its_own_file(tmp_path, capsys):
    lib_path = tmp_path / "library.sqlite"
    clip, copy = clip_and_copy(tmp_path)
    fp = paris_and_other(lib_path, clip, copy)
    # Importing the copy elsewhere did not move Paris onto it.
    line = show(capsys, lib_path, "Paris")
    assert line.endswith("clip.mp4") and "clip (1)" not in line

    copy.unlink()  # the creator tidies up the duplicate
    for title in ("Paris", "Other"):
        line = show(capsys, lib_path, title)
        assert "MISSING" not in line and "CHANGED" not in line and line.endswith("clip.mp4")
        assert cli_export(capsys, lib_path, title, tmp_path / f"kit-{title}") == 0
        assert len(list((tmp_path / f"kit-{title}").glob("01 - clip*.mp4"))) == 1
    with Library.open(lib_path) as lib:
        rec = lib.media(fp)
        assert rec.path == str(clip) and not rec.missing
        assert actions.refresh_media_status(lib, [fp]) == []


def test_deleting_the_original_moves_both_episodes_onto_the_copy(tmp_path, capsys):
    lib_path = tmp_path / "library.sqlite"
    clip, copy = clip_and_copy(tmp_path)
    fp = paris_and_other(lib_path, clip, copy)
    assert show(capsys, lib_path, "Other").endswith("clip.mp4")  # one file per content

    clip.unlink()
    for title in ("Paris", "Other"):
        line = show(capsys, lib_path, title)  # a file that exists, not the deleted one
        assert "MISSING" not in line and line.endswith("clip (1).mp4")
        assert cli_export(capsys, lib_path, title, tmp_path / f"kit-{title}") == 0
    with Library.open(lib_path) as lib:
        rec = lib.media(fp)
        assert (rec.path, rec.missing) == (str(copy), False)
        # The episode's page and the check see it the same way.
        ep = lib.episodes(lib.find_collection("Paris").id)[0]
        assert not relink.replaced_in_place(lib.media(ep.media_fingerprint))
        codes = {p.code for p in actions.check_collection(lib, lib.find_collection("Paris"))}
        assert "episode.media_missing" not in codes

    # The original back where it was and the copy gone: they follow it back.
    shutil.copyfile(copy, clip)
    copy.unlink()
    assert show(capsys, lib_path, "Other").endswith("clip.mp4")
    assert cli_export(capsys, lib_path, "Other", tmp_path / "kit-back") == 0
    # Both gone: now the episodes are missing, at the file they used last.
    clip.unlink()
    assert "MISSING" in show(capsys, lib_path, "Paris")
    assert cli_export(capsys, lib_path, "Paris", tmp_path / "kit-again") == 2


def test_the_preview_render_uses_whichever_file_still_holds_the_clip(tmp_path):
    """Rendering an episode's start and end, first thing after a file went (no `show`
    or window before it to notice)."""
    lib_path = tmp_path / "library.sqlite"
    clip, copy = clip_and_copy(tmp_path)
    paris_and_other(lib_path, clip, copy)

    def preview(folder: str) -> None:
        with Library.open(lib_path) as lib:
            ep = lib.episodes(lib.find_collection("Paris").id)[0]
            made = export.render_preview(lib, ep, tmp_path / folder, RenderSettings(),
                                         seconds=0.5)  # fmt: skip
            assert len(made) == 2 and all(p.stat().st_size > 0 for p in made)

    copy.unlink()
    preview("with-the-original")
    shutil.copyfile(clip, copy)  # the copy back (a later time), the original gone
    clip.unlink()
    preview("with-the-copy")


def test_a_copy_overwritten_with_another_clip_is_not_a_new_version_of_the_original(
        tmp_path, capsys):  # fmt: skip
    lib_path = tmp_path / "library.sqlite"
    clip, copy = clip_and_copy(tmp_path)
    fp = paris_and_other(lib_path, clip, copy)
    other_clip = media.make_clip(seconds=3, width=90, height=160, fps=30)
    shutil.copyfile(other_clip, copy)  # the browser saves another download over the copy

    line = show(capsys, lib_path, "Paris")
    assert "CHANGED" not in line and "MISSING" not in line and line.endswith("clip.mp4")
    with Library.open(lib_path) as lib:
        ep = lib.episodes(lib.find_collection("Paris").id)[0]
        rec = lib.media(fp)
        assert rec.path == str(clip) and not relink.replaced_in_place(rec)
        with pytest.raises(UserError, match="clip.mp4 has not changed"):
            relink.plan_new_version(lib, ep)
    assert cli_export(capsys, lib_path, "Paris", tmp_path / "kit") == 0

    # Even with the original gone, the overwritten copy is never offered as its new version:
    # the episodes are missing (relink or put the file back), not "changed".
    clip.unlink()
    line = show(capsys, lib_path, "Paris")
    assert line.endswith("clip.mp4  MISSING")
    with Library.open(lib_path) as lib:
        ep = lib.episodes(lib.find_collection("Paris").id)[0]
        assert not relink.replaced_in_place(lib.media(fp))
        with pytest.raises(UserError, match="There is no file at .*clip.mp4"):
            relink.plan_new_version(lib, ep)
        assert lib.episode(ep.id).media_fingerprint == fp
    assert main(["--library", str(lib_path), "accept-new-version", "Paris:1"]) == 2
    assert "There is no file at" in capsys.readouterr().err


def test_a_changed_original_with_an_untouched_copy_is_not_offered_as_a_new_version(
        tmp_path, capsys):  # fmt: skip
    """The clip the episodes were cut from is still in the copy: they carry on with it."""
    lib_path = tmp_path / "library.sqlite"
    clip, copy = clip_and_copy(tmp_path)
    fp = paris_and_other(lib_path, clip, copy)
    shutil.copyfile(media.make_clip(seconds=3, width=90, height=160, fps=30), clip)
    with Library.open(lib_path) as lib:
        ep = lib.episodes(lib.find_collection("Paris").id)[0]
        with pytest.raises(UserError, match=r"still at .*clip \(1\)\.mp4.*no new version"):
            relink.plan_new_version(lib, ep)
    line = show(capsys, lib_path, "Paris")
    assert "CHANGED" not in line and "MISSING" not in line and line.endswith("clip (1).mp4")
    assert cli_export(capsys, lib_path, "Paris", tmp_path / "kit") == 0
    with Library.open(lib_path) as lib:
        assert lib.media(fp).path == str(copy)


def old_library(lib_path: Path, clip: Path) -> str:
    """A library as the app before 0004_media_locations wrote it: 'Paris' episode 1 from
    ``clip``. Returns the clip's fingerprint."""
    db = Database(sqlite3.connect(str(lib_path)))
    migrations.apply(db, stop_before="0004_media_locations")
    assert "media_locations" not in db.table_names()
    st = clip.stat()
    rec = MediaRecord(fingerprint(clip), str(clip), st.st_size, st.st_mtime, probe(clip),
                      probe_version=PROBE_VERSION)  # fmt: skip
    db["collections"].insert({"id": "c-paris", "title": "Paris"})
    db["media"].insert(rows.media_to_row(rec))
    db["episodes"].insert(rows.episode_to_row(Episode(
        "e-paris-1", "c-paris", rec.fingerprint, "clip", TimeRange(0, rec.info.duration), 1)))
    db.conn.commit()
    db.conn.close()
    return rec.fingerprint


def test_an_old_library_migrates_and_remembers_where_its_clips_are(tmp_path, capsys):
    lib_path = tmp_path / "library.sqlite"
    clip, copy = clip_and_copy(tmp_path)
    fp = old_library(lib_path, clip)

    with Library.open(lib_path) as lib:
        assert [m.name for m in migrations.pending(lib.db)] == []
        assert [loc.path for loc in lib.media_locations(fp)] == [str(clip)]
        other = lib.create_collection("Other")
        [r] = actions.add_files(lib, other, [copy])
        assert r.reused_media and lib.media(fp).path == str(clip)
    assert list(tmp_path.glob("library.sqlite.before-upgrade-*"))

    clip.unlink()  # Paris follows the copy...
    assert show(capsys, lib_path, "Paris").endswith("clip (1).mp4")
    shutil.copyfile(copy, clip)  # ...and, the original back and the copy gone, the original:
    copy.unlink()  # the path the old library knew is remembered too.
    line = show(capsys, lib_path, "Paris")
    assert "MISSING" not in line and line.endswith("clip.mp4")
    assert cli_export(capsys, lib_path, "Paris", tmp_path / "kit") == 0
