"""``studio publish``, ``status`` and ``targets`` as a creator runs them: a real library with
rendered clips, a real folder or the reference server, the command in a subprocess where a
signal must reach it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sync_helpers
from sync_helpers import ROOT

from studio.cli.main import main
from studio.store.library import Library
from studio.store.sync_state import SyncStore, TargetRecord
from studio.sync.credentials import TokenSet, Vault

series_server = sync_helpers.series_server
memory_keyring = sync_helpers.memory_keyring
blackhole = sync_helpers.blackhole


def _env(tmp_path: Path) -> dict:
    return dict(os.environ, PYTHON_KEYRING_BACKEND="sync_helpers.FileKeyring",
                STUDIO_TEST_KEYRING=str(tmp_path / "keyring.json"),
                PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]))  # fmt: skip


def _cli(env: dict, library: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "tools" / "studio_sync.py"),
                             "--library", str(library), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def _run(env: dict, library: Path, *args: str) -> tuple[int, str, str]:
    proc = _cli(env, library, *args)
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


@pytest.fixture
def walks(tmp_path, make_clip) -> Path:
    """A library with 'Walks': two rendered-ready clips, a price, a cover."""
    from studio import actions, covers

    clips = [make_clip(f"c{i}.mp4", seconds=31, width=360, height=640, fps=24 + i, crf=51,
                       audio=False) for i in (1, 2)]  # fmt: skip
    library = tmp_path / "library.sqlite"
    with Library.open(library) as lib:
        c = lib.create_collection("Walks")
        c = actions.set_collection_fields(lib, c, price="4.99", currency="USD", description="d")
        actions.add_files(lib, c, clips)
        covers.set_cover_frame(lib, lib.collection(c.id), lib.episodes(c.id)[0], 0)
    return library


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")
def test_kill_and_a_closed_terminal_pause_the_publish_like_ctrl_c(tmp_path, walks) -> None:
    env = _env(tmp_path)
    assert _run(env, walks, "export", "Walks", "--to", str(tmp_path / "warm"))[0] == 0
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        name = sig.name.lower()
        assert _run(env, walks, "targets", "add", name, str(tmp_path / name))[0] == 0
        proc = _cli(env, walks, "publish", "Walks", "--target", name, "--limit-rate", "100k")
        uploads = tmp_path / name / ".series-studio" / "uploads"
        deadline = time.monotonic() + 60
        while not (uploads.is_dir() and any(p.suffix == ".part" for p in uploads.iterdir())):
            assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        time.sleep(0.5)  # the upload threads are in their copy loop
        started = time.monotonic()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - started
        assert proc.returncode == 130, (sig, out, err)
        assert took < 3, f"{sig!r} took {took:.1f} s to stop"
        assert "Paused. Run the same command again" in out, (sig, out, err)
        assert "Traceback" not in err and "uploaded" not in out
    code, out, err = _run(env, walks, "publish", "Walks", "--target", "sigterm")
    assert code == 0 and "status ready" in out, err


def test_removing_a_target_says_what_it_keeps_and_adding_it_again_takes_it_back(
        tmp_path, memory_keyring, capsys) -> None:  # fmt: skip
    library = tmp_path / "library.sqlite"
    lib_arg = ["--library", str(library)]
    with Library.open(library) as lib:
        cid = lib.create_collection("Walks").id
        store = SyncStore(lib)
        store.add_target(TargetRecord("srv", "series-api", "http://127.0.0.1:9"))
        store.add_target(TargetRecord("fold", "folder", str(tmp_path / "fold")))
        remote = store.ensure_record("fold", cid).remote_id
    Vault().save("srv", TokenSet("sat_x", kind="personal"))
    assert main([*lib_arg, "targets", "remove", "srv"]) == 0
    assert capsys.readouterr().out == "Removed target 'srv' and forgot its sign-in.\n"
    assert main([*lib_arg, "targets", "remove", "fold"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["Removed target 'fold'.",
                   f"Kept the record of 1 collection published there: adding {tmp_path / 'fold'} "
                   "as a target again updates it instead of making a new one."]  # fmt: skip
    assert main([*lib_arg, "targets", "add", "usb", str(tmp_path / "fold")]) == 0
    assert "Took back the record of 1 collection published there before" in \
        capsys.readouterr().out  # fmt: skip
    with Library.open(library) as lib:
        assert SyncStore(lib).record("usb", cid).remote_id == remote


def test_status_of_a_target_that_does_not_exist_is_an_error(tmp_path, capsys) -> None:
    library = tmp_path / "library.sqlite"
    lib_arg = ["--library", str(library)]
    with Library.open(library) as lib:
        cid = lib.create_collection("Walks").id
        store = SyncStore(lib)
        store.add_target(TargetRecord("srv", "folder", str(tmp_path / "out")))
        store.add_target(TargetRecord("fold", "folder", str(tmp_path / "out2")))
        store.ensure_record("srv", cid)
    assert main([*lib_arg, "status", "Walks", "--target", "sevr"]) == 2
    captured = capsys.readouterr()
    assert "No target called 'sevr'" in captured.err and "never published" not in captured.out
    assert main([*lib_arg, "status", "Walks", "--target", "fold", "--offline"]) == 0
    assert capsys.readouterr().out == "'Walks' was never published to 'fold'.\n"
    assert main([*lib_arg, "status", "Walks", "--target", "srv", "--offline"]) == 0
    assert "srv (folder)" in capsys.readouterr().out


def test_status_names_episodes_not_published_yet_and_removed_ones(tmp_path, walks, make_clip,
                                                                   capsys) -> None:  # fmt: skip
    """QA repro_02: after adding an episode and removing one, status listed the removed
    one as '(removed) published' and did not list the new one at all."""
    from studio import actions

    lib_arg = ["--library", str(walks)]
    assert main([*lib_arg, "targets", "add", "usb", str(tmp_path / "usb")]) == 0
    assert main([*lib_arg, "publish", "Walks", "--target", "usb"]) == 0
    with Library.open(walks) as lib:
        c = lib.find_collection("Walks")
        first, second = lib.episodes(c.id)
        lib.remove_episode(second.id)
        (added,) = actions.add_files(lib, c, [make_clip("c3.mp4", seconds=31, width=360,
                                                        height=640, fps=30, audio=False)])
    capsys.readouterr()
    assert main([*lib_arg, "status", "Walks", "--offline"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert any(line.startswith("1. c1") and "published" in line for line in lines), out
    assert any(line.startswith("(removed here; still there until you publish)")
               for line in lines), out  # fmt: skip
    assert any(line.startswith("2. c3") and "not published yet" in line for line in lines), out
    assert "These changes reach 'usb' when you publish again: studio publish 'Walks' " \
           "--target usb" in out  # fmt: skip


def test_targets_add_refuses_a_target_that_can_never_work_and_says_why(tmp_path, capsys):
    """QA repro_12 (a), (b), (c): a blank name, a file, a folder below a file and a folder
    another target already publishes to were all accepted; publish failed later, confusingly."""
    library = tmp_path / "library.sqlite"
    lib_arg = ["--library", str(library)]
    with Library.open(library) as lib:
        lib.create_collection("Walks")
    notes = tmp_path / "notes.txt"
    notes.write_text("x")

    def refused(*args: str) -> str:
        assert main([*lib_arg, "targets", "add", *args]) == 2, args
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err  # one line
        return err

    assert "A target needs a name, e.g. studio targets add usb" in refused("", str(tmp_path / "o"))
    assert "A target needs a name" in refused("   ", str(tmp_path / "o"))
    assert f"{notes} is a file, not a folder; give a folder" in refused("notes", str(notes))
    assert f"{notes} is a file, so there can be no folder {notes / 'episodes'} inside it" in \
        refused("below", str(notes / "episodes"))  # fmt: skip
    assert main([*lib_arg, "targets", "add", "usb", str(tmp_path / "usb")]) == 0
    capsys.readouterr()
    err = refused("backup", str(tmp_path / "o" / ".." / "usb"))
    assert f"Target 'usb' already publishes to {tmp_path / 'usb'}; publish with --target usb" \
        in err  # fmt: skip
    assert main([*lib_arg, "targets", "list"]) == 0
    rows = capsys.readouterr().out.splitlines()[2:]
    assert [row.split()[0] for row in rows] == ["usb"]


def _signed_in_target(library: Path, server) -> None:
    """Target 'srv' on the reference server, signed in with a personal token."""
    with Library.open(library) as lib:
        SyncStore(lib).add_target(TargetRecord("srv", "series-api", server.url))
    Vault().save("srv", TokenSet(sync_helpers.admin(server, "POST", "tokens")["token"],
                                 kind="personal"))  # fmt: skip


def test_publish_says_when_the_server_asks_it_to_wait(tmp_path, walks, series_server,
                                                       memory_keyring, capsys) -> None:  # fmt: skip
    """QA repro_05: 503 + Retry-After made publish wait in silence."""
    _signed_in_target(walks, series_server)
    sync_helpers.admin(series_server, "POST", "faults", {
        "action": "status", "status": 503, "retry_after": 3, "method": "POST",
        "path_prefix": "/v1/uploads"})  # fmt: skip
    assert main(["--library", str(walks), "publish", "Walks", "--target", "srv"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"^The server answered 503 \(Service Unavailable\) and asked to wait 3 s; "
                     r"trying again at \d\d:\d\d:\d\d \(attempt 2 of 8\)…$", err, re.M), err


def test_status_with_the_platform_down_says_so_at_once_and_shows_the_record(
        tmp_path, walks, series_server, memory_keyring, blackhole, capsys) -> None:  # fmt: skip
    """QA repro_15: status was silent for ~45 s (8 attempts), then showed the stored state
    as if current."""
    lib_arg = ["--library", str(walks)]
    _signed_in_target(walks, series_server)
    assert main([*lib_arg, "publish", "Walks", "--target", "srv"]) == 0
    series_server.stop()
    for url, what in [(series_server.url, "could not connect to the server"),
                      (blackhole.url, "could not connect in time")]:  # fmt: skip
        with Library.open(walks) as lib, lib.transaction():  # the platform moved, or hangs
            lib.conn.execute("UPDATE sync_targets SET location = ? WHERE name = 'srv'", [url])
        capsys.readouterr()
        started = time.monotonic()
        assert main([*lib_arg, "status", "Walks"]) == 0
        took = time.monotonic() - started
        out = capsys.readouterr().out
        lines = out.splitlines()
        assert took < 15, took
        assert re.fullmatch(re.escape(f"srv: cannot reach {url} ({what}); below is the record "
                                      "of the last publish (") + r"\d{4}-\d\d-\d\d \d\d:\d\d"
                            + re.escape("), not checked now."), lines[0]), out
        assert lines[1].startswith("srv (series-api): remote id ") and \
            lines[1].endswith(", processing (last known)"), out  # fmt: skip
        assert any(line.startswith("1. c1") for line in lines), out


def test_status_exits_1_and_names_an_episode_the_platform_rejected(
        tmp_path, walks, series_server, memory_keyring, capsys) -> None:  # fmt: skip
    """QA: status exited 0 when the platform had rejected an episode (publish exits 1)."""
    import json

    from studio.sync.actions import default_kit_folder
    from studio.sync.engine import Publisher

    lib_arg = ["--library", str(walks)]
    _signed_in_target(walks, series_server)
    assert main([*lib_arg, "targets", "add", "usb", str(tmp_path / "usb")]) == 0
    assert main([*lib_arg, "publish", "Walks", "--target", "usb"]) == 0  # renders the kit
    with Library.open(walks) as lib:
        kit = default_kit_folder(walks, lib.find_collection("Walks").id)
    manifest = json.loads((kit / "manifest.json").read_text())
    manifest["episodes"][1]["duration_us"] = 21 * 60 * 1_000_000  # too long for the platform
    (kit / "manifest.json").write_text(json.dumps(manifest))
    assert Publisher(walks, "srv", kit).run().status == "rejected"
    capsys.readouterr()
    assert main([*lib_arg, "status", "Walks"]) == 1
    out = capsys.readouterr().out
    # (The doctored length also reads as a trim changed since: the library says 2 s.)
    assert re.search(r"^2\. c2 +rejected(, changed here)? +The episode is longer than 20 "
                     r"minutes\.", out, re.M), out
    assert "'srv' rejected 2. c2; the reasons are above. Fix it, then publish again: studio " \
        "publish 'Walks' --target srv" in out  # fmt: skip
    assert main([*lib_arg, "status", "Walks", "--offline", "--target", "srv"]) == 1


def test_status_says_what_changed_since_the_last_publish(
        tmp_path, walks, series_server, memory_keyring, capsys) -> None:  # fmt: skip
    """QA: a retitled episode (or a new price) showed as "published" with its new title,
    although the platform still had the old one."""
    from studio import actions

    lib_arg = ["--library", str(walks)]
    _signed_in_target(walks, series_server)
    assert main([*lib_arg, "targets", "add", "usb", str(tmp_path / "usb")]) == 0
    for target in ("srv", "usb"):
        assert main([*lib_arg, "publish", "Walks", "--target", target]) == 0
    with Library.open(walks) as lib:
        c = lib.find_collection("Walks")
        first = lib.episodes(c.id)[0]
        lib.update_episode(first.with_(title="Sunrise"))
        actions.set_collection_fields(lib, c, price="5.99")
    for offline in ([], ["--offline"]):  # the platform's own state; or, offline, the kit's
        capsys.readouterr()
        assert main([*lib_arg, "status", "Walks", *offline]) == 0
        out = capsys.readouterr().out
        for target in ("srv", "usb"):
            section = out[out.index(f"{target} ("):]
            assert "  changed here since the last publish: the price (there: 4.99 USD)" in \
                section, out  # fmt: skip
            assert re.search(r"^1\. Sunrise +published, changed here +title changed since the "
                             r"last publish \(there: 'c1'\)$", section, re.M), out
            assert re.search(r"^2\. c2 +published$", section, re.M), out
            assert f"These changes reach '{target}' when you publish again: studio publish " \
                f"'Walks' --target {target}" in section  # fmt: skip
    assert main([*lib_arg, "publish", "Walks", "--target", "srv"]) == 0
    capsys.readouterr()
    assert main([*lib_arg, "status", "Walks", "--target", "srv"]) == 0
    out = capsys.readouterr().out
    assert "changed" not in out and re.search(r"^1\. Sunrise +published$", out, re.M), out


def test_status_says_an_episode_was_retrimmed_since_the_last_publish(
        tmp_path, walks, capsys) -> None:  # fmt: skip
    """A creator who trims an episode after publishing saw it "published", as if the
    platform showed the new cut."""
    from studio import actions

    lib_arg = ["--library", str(walks)]
    assert main([*lib_arg, "targets", "add", "usb", str(tmp_path / "usb")]) == 0
    assert main([*lib_arg, "publish", "Walks", "--target", "usb"]) == 0
    with Library.open(walks) as lib:
        first = lib.episodes(lib.find_collection("Walks").id)[0]
        before = (first.trim.end - first.trim.start) / 1e6
        actions.trim_episode(lib, first, "0", "1.5")
    capsys.readouterr()
    assert main([*lib_arg, "status", "Walks", "--offline"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^1\. c1 +published, changed here +trim changed since the last publish "
                     rf"\(there: {before:.1f} s, here: 1\.5 s\)$", out, re.M), out
    assert re.search(r"^2\. c2 +published$", out, re.M), out
