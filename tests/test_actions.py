"""Library actions that keep stored facts true over time."""

from __future__ import annotations

from dataclasses import replace

from studio import actions
from studio.app import AppContext
from studio.editor.probe import PROBE_VERSION


def test_facts_from_an_older_prober_are_refreshed(tmp_path, clip_vertical):
    with AppContext.open(tmp_path / "lib.sqlite") as ctx:
        lib = ctx.library
        c = lib.create_collection("Old")
        (r,) = actions.add_files(lib, c, [clip_vertical])
        rec = lib.media(r.episode.media_fingerprint)
        assert rec.probe_version == PROBE_VERSION and not rec.info.variable_frame_rate
        # What an older version wrote: a wrong VFR verdict, no version.
        stale = replace(rec, info=replace(rec.info, variable_frame_rate=True), probe_version=0)
        lib.put_media(stale)
        problems = actions.check_collection(lib, c)
        assert "episode.variable_frame_rate" not in {p.code for p in problems}
        fresh = lib.media(rec.fingerprint)
        assert fresh.probe_version == PROBE_VERSION and not fresh.info.variable_frame_rate


def test_trims_are_stored_on_frame_boundaries(tmp_path, clip_vertical):
    with AppContext.open(tmp_path / "lib.sqlite") as ctx:
        lib = ctx.library
        c = lib.create_collection("Snap")
        (r,) = actions.add_files(lib, c, [clip_vertical])  # 30 fps
        ep = actions.trim_episode(lib, r.episode, "1.01", "2.99")
        # 1.01 s shows frame 30 (starts 1.0 s); 2.99 s shows frame 89, which ends at 3.0 s.
        assert (ep.trim.start, ep.trim.end) == (1_000_000, 3_000_000)


def test_a_folder_is_read_without_hidden_folders_and_folder_by_folder(tmp_path):
    """`studio add Show SHOOT/`: clips in .Trash-1000/ were added, and 'sub2/' sorted
    before 'sub/' (the whole relative path was one sort key)."""
    from studio.actions import expand_paths

    shoot = tmp_path / "shoot"
    for rel in ("a.mp4", "sub/b.mp4", "sub2/c.mp4", "sub10/d.mp4", ".Trash-1000/files/e.mp4",
                ".hidden/f.mp4", "sub/.g.mp4", "sub/notes.txt"):  # fmt: skip
        (shoot / rel).parent.mkdir(parents=True, exist_ok=True)
        (shoot / rel).write_bytes(b"x")
    found = [p.relative_to(shoot).as_posix() for p in expand_paths([shoot])]
    assert found == ["a.mp4", "sub/b.mp4", "sub2/c.mp4", "sub10/d.mp4"]


def test_a_file_an_older_prober_accepted_but_is_cut_short_is_said_unusable(tmp_path):
    """A half-downloaded .mkv was taken for whole by the prober before PROBE_VERSION 3,
    with the duration its header states. Now check says the file cannot be used and
    why, and export refuses it up front (it failed at render: "has 90 frames; the plan
    asked for 180"), instead of re-probing it on every refresh and saying nothing."""
    import os

    import media

    from studio.domain.errors import UserError
    from studio.domain.models import MediaRecord
    from studio.editor.cut_plan import RenderSettings
    from studio.export import plan_export
    from studio.store.fingerprint import fingerprint

    whole = media.make_matroska_clip(tmp_path / "whole.mkv")
    half = media.make_cut_short(whole, tmp_path / "half.mkv")
    with AppContext.open(tmp_path / "lib.sqlite") as ctx:
        lib = ctx.library
        c = lib.create_collection("Downloads")
        (r,) = actions.add_files(lib, c, [whole])
        known = lib.media(r.episode.media_fingerprint)
        # What an older version wrote for the cut-short file: the header's facts.
        st = os.stat(half)
        lib.put_media(MediaRecord(fingerprint(half), str(half), st.st_size, st.st_mtime,
                                  replace(known.info, path=str(half)),
                                  probe_version=PROBE_VERSION - 1))  # fmt: skip
        lib.update_episode(replace(lib.episode(r.episode.id),
                                   media_fingerprint=fingerprint(half)))  # fmt: skip
        problems = actions.check_collection(lib, lib.collection(c.id))
        unusable = [p for p in problems if p.code == "episode.media_unusable"]
        assert len(unusable) == 1 and unusable[0].is_error
        assert "half.mkv' is incomplete: it ends at" in unusable[0].message
        assert lib.media(fingerprint(half)).probe_version == PROBE_VERSION  # not again
        try:
            plan_export(lib, lib.collection(c.id), RenderSettings())
        except UserError as exc:
            assert "cannot be used" in str(exc) and "accept-new-version" in str(exc)
        else:
            raise AssertionError("export planned a file that cannot be used")


def test_a_clip_that_cannot_be_read_for_a_moment_is_not_marked_unusable(
        tmp_path, clip_vertical):  # fmt: skip
    """The one re-probe after an upgrade met a read error that passes (a USB drive
    waking up, a permission fixed a minute later): the clip was marked unusable for
    good, and the advice to copy it again could not help (same bytes, same facts)."""
    import os
    import shutil

    from disks import run_as_ordinary_user

    clip = tmp_path / "clips" / "walk.mp4"
    clip.parent.mkdir()
    shutil.copy(clip_vertical, clip)
    library = tmp_path / "lib.sqlite"
    with AppContext.open(library) as ctx:
        c = ctx.library.create_collection("Walks")
        (r,) = actions.add_files(ctx.library, c, [clip])
        rec = ctx.library.media(r.episode.media_fingerprint)
        ctx.library.put_media(replace(rec, probe_version=PROBE_VERSION - 1))  # an older release
    os.chmod(clip, 0)
    try:
        proc = run_as_ordinary_user(
            "from studio import actions\n"
            "from studio.store.library import Library\n"
            f"with Library.open({str(library)!r}) as lib:\n"
            "    actions.refresh_media_status(lib, [m.fingerprint for m in lib.all_media()])\n")
        assert proc.returncode == 0, proc.stderr
    finally:
        os.chmod(clip, 0o644)
    with AppContext.open(library) as ctx:
        c = ctx.library.find_collection("Walks")
        codes = {p.code for p in actions.check_collection(ctx.library, c)}
        assert "episode.media_unusable" not in codes
        fresh = ctx.library.media(rec.fingerprint)
        assert fresh.probe_version == PROBE_VERSION and fresh.info.unusable is None
