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
