"""The publish kit: rendered episodes, cover and manifest; re-export renders only changes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest

from studio import actions, covers
from studio.app import AppContext
from studio.domain.errors import UserError
from studio.editor.cut_plan import RenderSettings
from studio.editor.loudness import measure
from studio.export import MANIFEST, export_collection, plan_export, render_preview
from studio.tasks import Cancelled, CancelToken


@pytest.fixture
def ctx(tmp_path):
    with AppContext.open(tmp_path / "library.sqlite") as context:
        yield context


@pytest.fixture
def collection(ctx, tmp_path, clip_vertical, clip_landscape, clip_rotated):
    lib = ctx.library
    c = lib.create_collection("Kitchen")
    actions.set_collection_fields(lib, c, price="4.99", description="Recipes")
    results = actions.add_files(lib, c, [clip_vertical, clip_landscape, clip_rotated])
    eps = [r.episode for r in results]
    actions.trim_episode(lib, eps[0], "4", "9.5")  # on a keyframe: copy
    actions.trim_episode(lib, eps[1], "3.3", "9.7")  # between keyframes: smart
    actions.trim_episode(lib, eps[2], "0.5", "2.5")  # rotated: re-encode
    lib.update_episode(lib.episode(eps[1].id).with_(title="Wide: a/b?"))
    c = lib.collection(c.id)
    return covers.set_cover_frame(lib, c, lib.episode(eps[0].id), 5_000_000)


def export(ctx, c, folder, settings=None, **kw):
    c = ctx.library.collection(c.id)
    plan = plan_export(ctx.library, c, settings or RenderSettings())
    return export_collection(ctx.library, plan, folder,
                             write_cover=lambda f: covers.write_cover(ctx.library, c, f), **kw)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_kit_has_numbered_files_cover_and_a_true_manifest(ctx, collection, tmp_path):
    kit = tmp_path / "kit"
    result = export(ctx, collection, kit)
    assert sorted(p.name for p in kit.iterdir()) == [
        "01 - vertical.mp4", "02 - Wide a b.mp4", "03 - rotated.mp4", "cover.jpg", "manifest.json",
    ]  # fmt: skip
    assert len(result.rendered) == 3
    m = json.loads((kit / "manifest.json").read_text())
    assert m["collection"]["title"] == "Kitchen"
    assert m["collection"]["price"] == {"minor": 499, "currency": "USD", "display": "4.99 USD"}
    assert [e["strategy"] for e in m["episodes"]] == ["copy", "smart", "reencode"]
    for e in m["episodes"]:
        f = kit / e["file"]
        assert e["size"] == f.stat().st_size and e["sha256"] == sha(f)
    assert [e["duration"] for e in m["episodes"]] == ["0:05", "0:06", "0:02"]
    cover = cv2.imread(str(kit / "cover.jpg"))
    assert cover.shape == (1920, 1080, 3)


def test_second_export_renders_nothing_and_moves_follow_the_order(ctx, collection, tmp_path):
    kit = tmp_path / "kit"
    export(ctx, collection, kit)
    stamps = {p.name: p.stat().st_mtime_ns for p in kit.glob("*.mp4")}
    again = export(ctx, collection, kit)
    assert again.rendered == [] and len(again.reused) == 3
    assert {p.name: p.stat().st_mtime_ns for p in kit.glob("*.mp4")} == stamps
    # Reorder and retitle: files are renamed, still nothing rendered.
    lib = ctx.library
    eps = lib.episodes(collection.id)
    lib.move_episode(eps[2].id, 1)
    lib.update_episode(lib.episode(eps[0].id).with_(title="Vertical"))
    moved = export(ctx, collection, kit)
    assert moved.rendered == []
    m = json.loads((kit / "manifest.json").read_text())
    assert [e["file"] for e in m["episodes"]] == [
        "01 - rotated.mp4", "02 - Vertical.mp4", "03 - Wide a b.mp4",
    ]  # fmt: skip
    assert sorted(p.name for p in kit.glob("*.mp4")) == [e["file"] for e in m["episodes"]]
    # A new trim re-renders that episode only.
    actions.trim_episode(lib, lib.episode(eps[1].id), "3.5", None)
    changed = export(ctx, collection, kit)
    assert changed.rendered == ["03 - Wide a b.mp4"] and len(changed.reused) == 2


def test_cancelled_export_leaves_no_partial_file_and_resumes(ctx, collection, tmp_path):
    kit = tmp_path / "kit"
    token = CancelToken()

    def after(job, state):
        token.cancel()  # stop as soon as the first episode is done

    with pytest.raises(Cancelled):
        export(ctx, collection, kit, cancel=token, on_episode=after)
    names = sorted(p.name for p in kit.iterdir())
    assert names == ["01 - vertical.mp4", "manifest.json"], names
    m = json.loads((kit / "manifest.json").read_text())
    assert [e["file"] for e in m["episodes"]] == ["01 - vertical.mp4"]
    resumed = export(ctx, collection, kit)
    assert resumed.reused == ["01 - vertical.mp4"] and len(resumed.rendered) == 2


def test_a_cancelled_re_export_keeps_the_previous_kit_complete(ctx, collection, tmp_path):
    """QA: a complete kit, then Export again with "Re-encode everything" and Cancel after
    the first episode: the other episodes' files were already deleted, while the window
    said "Finished episodes were kept". The old files now stay until their new render is
    finished, and the manifest always lists what is in the folder."""
    kit = tmp_path / "kit"
    first = export(ctx, collection, kit)
    before = {e["file"]: e for e in json.loads((kit / "manifest.json").read_text())["episodes"]}
    # Episode 3 retitled: its file gets a new name; its old file stays until the end.
    ep3 = ctx.library.episodes(collection.id)[2]
    ctx.library.update_episode(ep3.with_(title="Turned"))
    token = CancelToken()

    def after(job, state):
        token.cancel()  # stop as soon as the first new render is done

    with pytest.raises(Cancelled):
        export(ctx, collection, kit, RenderSettings(reencode=True), cancel=token,
               on_episode=after)  # fmt: skip
    m = json.loads((kit / "manifest.json").read_text())
    listed = {e["file"]: e for e in m["episodes"]}
    assert sorted(listed) == sorted(before)  # every episode still there, the first one new
    assert listed[first.rendered[0]]["render_key"] != before[first.rendered[0]]["render_key"]
    for name, entry in listed.items():
        assert sha(kit / name) == entry["sha256"], name
        if name != first.rendered[0]:
            assert entry == before[name]
    assert sorted(p.name for p in kit.iterdir() if not p.name.startswith(".")) == sorted(
        [*before, "cover.jpg", "manifest.json"])

    done = export(ctx, collection, kit, RenderSettings(reencode=True))
    assert done.reused == [first.rendered[0]] and len(done.rendered) == 2
    assert done.removed == ["03 - rotated.mp4"]
    names = sorted(e["file"] for e in json.loads((kit / "manifest.json").read_text())["episodes"])
    assert names == ["01 - vertical.mp4", "02 - Wide a b.mp4", "03 - Turned.mp4"]
    assert not (kit / "03 - rotated.mp4").exists()


def test_a_kit_file_damaged_after_the_export_is_rendered_again(ctx, collection, tmp_path):
    """QA: export reused any kit file of the right size, so a damaged file (a bad copy,
    a disk error) stayed damaged however often the creator exported again."""
    kit = tmp_path / "kit"
    export(ctx, collection, kit)
    entries = json.loads((kit / "manifest.json").read_text())["episodes"]
    damaged = kit / entries[1]["file"]
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2:len(data) // 2 + 4096] = bytes(4096)  # same size, other bytes
    damaged.write_bytes(bytes(data))
    again = export(ctx, collection, kit)
    assert again.rendered == [damaged.name]
    assert sorted(again.reused) == sorted(e["file"] for e in entries if e["file"] != damaged.name)
    assert sha(damaged) == entries[1]["sha256"]  # the same render as the first time
    third = export(ctx, collection, kit)  # nothing touched since: nothing read or made
    assert third.rendered == [] and len(third.reused) == 3


def test_loudness_is_normalised_to_the_target(ctx, collection, tmp_path):
    kit = tmp_path / "kit"
    before = measure(collection_media_path(ctx, collection))
    export(ctx, collection, kit, RenderSettings(normalize_loudness=True, target_lufs=-14.0))
    m = json.loads((kit / "manifest.json").read_text())
    assert m["episodes"][0]["strategy"] == "copy"  # the picture is still copied
    for e in m["episodes"]:
        level = measure(kit / e["file"])
        assert abs(level.integrated - (-14.0)) <= 1.0, (e["file"], level, before)
        assert level.true_peak <= -1.0 + 0.5


def collection_media_path(ctx, c) -> str:
    ep = ctx.library.episodes(c.id)[0]
    return ctx.library.media(ep.media_fingerprint).path


def test_preview_renders_the_first_and_last_seconds(ctx, collection, tmp_path):
    ep = ctx.library.episodes(collection.id)[1]  # the smart cut
    paths = render_preview(ctx.library, ep, tmp_path / "pv", RenderSettings())
    assert [p.name for p in paths] == ["02-preview-start.mp4", "02-preview-end.mp4"]
    from studio.editor.probe import probe

    for p in paths:
        assert abs(probe(p).duration - 2_000_000) <= 50_000


def test_six_varied_cover_suggestions(ctx, tmp_path):
    from studio.editor.synth import ffmpeg_exe

    clips = []
    for name in ("testsrc2", "smptehdbars", "rgbtestsrc", "mandelbrot", "life", "cellauto"):
        clip = tmp_path / f"{name}.mp4"
        source = f"{name}=size=180x320:rate=10" + (":rule=110" if name == "cellauto" else "")
        subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i", source,
                        "-t", "2", "-pix_fmt", "yuv420p", str(clip)], check=True)  # fmt: skip
        clips.append(clip)
    c = ctx.library.create_collection("Looks")
    actions.add_files(ctx.library, c, clips)
    found = covers.suggest(ctx.library, c)
    assert len(found) == 6
    assert len({f.episode.id for f in found}) >= 4, "suggestions should come from many clips"
    assert [f.score for f in found] == sorted((f.score for f in found), reverse=True)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_cli_export_interrupted_leaves_no_partial_file(tmp_path, make_clip, stop):
    """Ctrl+C, `kill` or a closed terminal: the export stops and leaves no partial file."""
    clips = [make_clip(f"c{i}.mp4", seconds=20, width=360, height=640, fps=30) for i in range(2)]
    env = dict(os.environ, STUDIO_LIBRARY=str(tmp_path / "lib.sqlite"))
    for args in (["new", "Slow"], ["add", "Slow", *map(str, clips)]):
        subprocess.run([sys.executable, "-m", "studio", *args], env=env, check=True,
                       capture_output=True, timeout=120)  # fmt: skip
    kit = tmp_path / "kit"
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio", "export", "Slow", "--to", str(kit), "--reencode"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(kit.glob(".*.part.mp4")):
        time.sleep(0.05)
    assert any(kit.glob(".*.part.mp4")), "the export never started writing"
    proc.send_signal(stop)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err, err
    leftovers = [p.name for p in kit.iterdir() if p.name != "manifest.json"
                 and not p.name.endswith(".mp4")] + [p.name for p in kit.glob(".*")]  # fmt: skip
    assert leftovers == []


# -- a kit folder is never a place to lose files ---------------------------------------------


def test_export_into_the_sources_folder_refuses_to_write_over_a_source(ctx, tmp_path,
                                                                       clip_vertical):  # fmt: skip
    """Clips named like the kit's files ('01 - Intro.mp4' for an episode 'Intro'), and
    the kit sent to their own folder: the originals were overwritten."""
    paris = tmp_path / "Paris"
    paris.mkdir()
    source = paris / "01 - Intro.mp4"
    shutil.copy(clip_vertical, source)
    before = sha(source)
    lib = ctx.library
    c = lib.create_collection("Paris")
    (added,) = actions.add_files(lib, c, [source])
    lib.update_episode(lib.episode(added.episode.id).with_(title="Intro"))
    with pytest.raises(UserError, match="write over the source video '01 - Intro.mp4'"):
        export(ctx, c, paris)
    assert sha(source) == before and not (paris / MANIFEST).exists()


def test_export_does_not_write_over_a_file_it_did_not_write(ctx, collection, tmp_path):
    kit = tmp_path / "kit"
    kit.mkdir()
    name = plan_export(ctx.library, ctx.library.collection(collection.id),
                       RenderSettings()).jobs[0].file_name  # fmt: skip
    mine = kit / name
    mine.write_bytes(b"the creator's own file")
    with pytest.raises(UserError, match="did not write"):
        export(ctx, collection, kit)
    assert mine.read_bytes() == b"the creator's own file"


def test_a_hand_edited_manifest_cannot_make_export_delete_files_elsewhere(ctx, collection,
                                                                          tmp_path):  # fmt: skip
    kit = tmp_path / "kit"
    export(ctx, collection, kit)
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    elsewhere = tmp_path / "elsewhere.mp4"
    elsewhere.write_bytes(b"keep me too")
    manifest = json.loads((kit / MANIFEST).read_text())
    manifest["episodes"] += [
        {"render_key": "x", "file": "../precious.txt", "position": 9},
        {"render_key": "y", "file": str(elsewhere), "position": 10},
    ]
    (kit / MANIFEST).write_text(json.dumps(manifest))
    result = export(ctx, collection, kit)
    assert precious.read_text() == "keep me" and elsewhere.read_bytes() == b"keep me too"
    assert result.removed == []


def test_another_collections_kit_is_not_replaced(ctx, collection, tmp_path, clip_vertical):
    kit = tmp_path / "kit"
    export(ctx, collection, kit)
    files = sorted(p.name for p in kit.iterdir())
    other = ctx.library.create_collection("Other")
    actions.add_files(ctx.library, other, [clip_vertical])
    with pytest.raises(UserError, match="kit of another collection \\('Kitchen'\\)"):
        export(ctx, other, kit)
    assert sorted(p.name for p in kit.iterdir()) == files


def test_one_export_at_a_time_into_a_folder(ctx, collection, tmp_path):
    from studio.export import folder_lock

    kit = tmp_path / "kit"
    kit.mkdir()
    with folder_lock(kit), pytest.raises(UserError, match="Another export is writing"):
        export(ctx, collection, kit)
    export(ctx, collection, kit)  # free again
    assert (kit / MANIFEST).is_file()


def test_partial_files_of_a_killed_export_are_cleaned_up(ctx, collection, tmp_path):
    kit = tmp_path / "kit"
    kit.mkdir()
    part = kit / ".01 - vertical.0badc0de.part.mp4"
    part.write_bytes(b"half a render")
    work = kit / ".02 - Wide a b.1234abcd.work"
    work.mkdir()
    (work / "part00.mp4").write_bytes(b"x")
    hidden = kit / ".the creator's notes"
    hidden.write_text("mine")
    export(ctx, collection, kit)
    assert not part.exists() and not work.exists() and hidden.exists()


def test_cli_export_mistakes_are_one_line_errors(tmp_path, clip_vertical):
    lib = tmp_path / "lib.sqlite"
    env = dict(os.environ, STUDIO_LIBRARY=str(lib))

    def studio(*args):
        return subprocess.run([sys.executable, "-m", "studio", *map(str, args)], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    studio("new", "Short")
    studio("add", "Short", clip_vertical)
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    for where, says in ((a_file, f"{a_file} is a file, not a folder"),
                        (a_file / "kit", f"{a_file} is a file, not a folder"),
                        ("", "Say which folder")):  # fmt: skip
        out = studio("export", "Short", "--to", where)
        assert out.returncode == 2, out.stderr
        assert "Traceback" not in out.stderr and says in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_an_episode_that_cannot_be_rendered_does_not_stop_the_others(ctx, collection,
                                                                     tmp_path):  # fmt: skip
    """The drive of episode 1's clip is unplugged after the export was planned: episodes 2
    and 3 are still rendered and listed, the error names episode 1 and why, and the next
    export (the clip back) renders episode 1 only."""
    c = ctx.library.collection(collection.id)
    plan = plan_export(ctx.library, c, RenderSettings())
    first = Path(plan.jobs[0].media.path)
    away = first.with_name("unplugged.mp4")
    first.rename(away)
    states = []
    with pytest.raises(UserError) as failed:
        export_collection(ctx.library, plan, tmp_path / "kit",
                          on_episode=lambda job, state: states.append(
                              (job.episode.position, state)))  # fmt: skip
    message = str(failed.value)
    assert message.splitlines()[0].startswith("1 of 3 episodes could not be rendered")
    assert "episode 1" in message and "missing" in message and "episode 2" not in message
    assert states == [(1, "failed"), (2, "rendered"), (3, "rendered")]
    listed = json.loads((tmp_path / "kit" / MANIFEST).read_text())["episodes"]
    assert [e["position"] for e in listed] == [2, 3]
    assert all((tmp_path / "kit" / e["file"]).is_file() for e in listed)

    away.rename(first)
    result = export(ctx, c, tmp_path / "kit")
    assert len(result.rendered) == 1 and result.rendered[0].startswith("01 - ")
    assert len(result.reused) == 2


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs (see tests/disks.py); ``fill(leave)`` fills it but for about ``leave``
    bytes."""
    from disks import fill, small_disk

    with small_disk(tmp_path / "small", "4m") as disk:
        def fill_it(leave: int = 0) -> None:
            fill(disk, leave)

        fill_it.path = disk
        yield fill_it


def test_an_export_its_disk_has_no_room_for_is_refused_before_rendering(
        ctx, collection, small_disk):  # fmt: skip
    from studio.domain.sizes import format_size
    from studio.export import estimated_bytes

    small_disk(leave=100_000)
    kit = small_disk.path / "kit"
    plan = plan_export(ctx.library, ctx.library.collection(collection.id), RenderSettings())
    need = sum(estimated_bytes(j) for j in plan.jobs)
    assert need > 200_000  # about the size of the three cuts of the sources
    with pytest.raises(UserError) as err:
        export(ctx, collection, kit)
    free = shutil.disk_usage(small_disk.path).free
    assert str(err.value) == (f"The disk holding {kit} has {format_size(free)} free, and this "
                              f"export needs about {format_size(need)}. Free some space, or "
                              "export to another disk.")
    assert sorted(p.name for p in kit.iterdir()) == [MANIFEST]  # nothing rendered


def test_a_disk_that_fills_while_exporting_stops_at_once_in_one_line(
        ctx, collection, small_disk, monkeypatch):  # fmt: skip
    """Each remaining episode failed in turn with ffmpeg's 7-line muxer log pasted."""
    from studio import export as export_module

    monkeypatch.setattr(export_module, "estimated_bytes", lambda job: 0)  # fits, it says
    small_disk(leave=20_000)
    kit = small_disk.path / "kit"
    seen = []
    with pytest.raises(UserError) as err:
        export(ctx, collection, kit, on_episode=lambda job, what: seen.append(what))
    message = str(err.value)
    assert len(message.splitlines()) == 1, message
    assert message.startswith(f"The disk holding {kit} is full (")
    assert message.endswith("more needed). Free some space and export again: the finished "
                            "episodes are kept.")
    assert "failed" not in seen  # stopped at the first one, not tried again for each
    assert sorted(p.name for p in kit.iterdir() if p.name.startswith(".")) == []
    (small_disk.path / "junk").unlink()  # space freed: the export finishes
    result = export(ctx, collection, kit)
    assert len(result.rendered) + len(result.reused) == 3


def test_a_manifest_that_does_not_fit_names_the_kit_and_leaves_no_temporary_file(
        ctx, collection, small_disk):  # fmt: skip
    kit = small_disk.path / "kit"
    export(ctx, collection, kit)
    before = (kit / MANIFEST).read_bytes()
    small_disk(leave=0)
    ctx.library.update_collection(ctx.library.collection(collection.id).with_(
        description="new text " * 2000))
    with pytest.raises(UserError) as err:
        export(ctx, collection, kit)
    assert str(err.value) == (f"The disk holding {kit} is full: {MANIFEST} could not be "
                              "written. Free some space and export again: the finished "
                              "episodes are kept.")
    assert not (kit / f".{MANIFEST}.tmp").exists()
    assert (kit / MANIFEST).read_bytes() == before  # the last whole one
