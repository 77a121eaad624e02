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
from studio.editor.cut_plan import RenderSettings
from studio.editor.loudness import measure
from studio.export import export_collection, plan_export, render_preview
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


def test_cli_export_interrupted_by_ctrl_c_leaves_no_partial_file(tmp_path, make_clip):
    clips = [make_clip(f"c{i}.mp4", seconds=20, width=360, height=640, fps=30) for i in range(2)]
    lib = tmp_path / "lib.sqlite"
    env = dict(os.environ, STUDIO_LIBRARY=str(lib))

    def studio(*args):
        return subprocess.run([sys.executable, "-m", "studio", *map(str, args)], env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    studio("new", "Slow")
    studio("add", "Slow", *clips)
    kit = tmp_path / "kit"
    proc = subprocess.Popen(
        [sys.executable, "-m", "studio", "export", "Slow", "--to", str(kit), "--reencode"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(kit.glob(".*.part.mp4")):
        time.sleep(0.05)
    assert any(kit.glob(".*.part.mp4")), "the export never started writing"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    leftovers = [p.name for p in kit.iterdir() if p.name != "manifest.json"
                 and not p.name.endswith(".mp4")] + [p.name for p in kit.glob(".*")]  # fmt: skip
    assert leftovers == []
    shutil.rmtree(kit)
