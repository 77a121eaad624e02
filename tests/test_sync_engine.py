"""The publish engine against the reference server, over real HTTP and a real library:
a full publish, re-publishing as a diff, faults of every kind, pause/cancel, and
``studio publish`` SIGKILLed at random points."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sync_helpers
from sync_helpers import ROOT, admin, mp4_bytes, write_kit

from studio.store.library import Library
from studio.store.sync_state import SyncStore, TargetRecord
from studio.sync.credentials import TokenSet, Vault
from studio.sync.engine import Publisher
from studio.sync.errors import KitError, RetriesExhausted, ServerRejected, SyncError
from studio.sync.retry import RetryPolicy
from studio.sync.status import collection_status
from studio.sync.targets import SyncSettings
from studio.tasks import Cancelled

# the shared fixtures (tests/sync_helpers.py)
memory_keyring = sync_helpers.memory_keyring
series_server = sync_helpers.series_server

FAST = SyncSettings(chunk_size=64 * 1024, timeout=2.0,
                    retry=RetryPolicy(max_attempts=6, base_delay=0.01, max_delay=0.05))


class Setup:
    """A library with one collection, a kit for it, and targets on the reference server."""

    def __init__(self, tmp: Path, server) -> None:
        self.tmp, self.server = tmp, server
        self.library = tmp / "library.sqlite"
        with Library.open(self.library) as lib:
            self.cid = lib.create_collection("Cooking").id
            store = SyncStore(lib)
            store.add_target(TargetRecord("api", "series-api", server.url))
            store.add_target(TargetRecord("usb", "folder", str(tmp / "usb")))
        Vault().save("api", TokenSet(admin(server, "POST", "tokens")["token"], kind="personal"))
        self.kit = tmp / "kit"
        self.episodes = [{"id": f"ep-{i}", "title": f"Part {i}",
                          "data": mp4_bytes(150_000 + 7_000 * i, seed=i)} for i in range(1, 4)]
        self.write()

    def write(self, **options) -> None:
        write_kit(self.kit, self.cid, self.episodes, **options)

    def publish(self, target: str = "api", settings: SyncSettings = FAST, events=None):
        return Publisher(self.library, target, self.kit, settings=settings,
                         on_event=events.append if events is not None else None).run()

    def server_state(self) -> dict:
        return admin(self.server, "GET", "state")

    def check_server(self, result) -> dict:
        """One collection; its uploads complete, verified and equal to the kit; no orphans."""
        st = self.server_state()
        assert len(st["collections"]) == 1
        body = st["collections"][0]["body"]
        assert st["collections"][0]["id"] == result.remote_id
        uploads = {u["id"]: u for u in st["uploads"]}
        referenced = {e["upload_id"] for e in body["episodes"]} | {body["cover"]["upload_id"]}
        assert set(uploads) == referenced  # nothing duplicated, nothing left behind
        assert all(uploads[u]["complete"] and uploads[u]["verified"] for u in referenced)
        kit_sha = [hashlib.sha256(e["data"]).hexdigest() for e in self.episodes]
        assert [e["sha256"] for e in body["episodes"]] == kit_sha
        assert [uploads[e["upload_id"]]["sha256"] for e in body["episodes"]] == kit_sha
        return st


@pytest.fixture
def setup(tmp_path, series_server, memory_keyring) -> Setup:
    return Setup(tmp_path, series_server)


def test_a_full_publish_then_republishing_is_a_diff(setup: Setup) -> None:
    events: list = []
    paced = SyncSettings(chunk_size=64 * 1024, bandwidth=2_000_000, retry=FAST.retry)
    first = setup.publish(events=events, settings=paced)  # paced: the two uploads overlap
    assert first.registered and set(first.uploaded) == {"ep-1", "ep-2", "ep-3", "cover"}
    st = setup.check_server(first)
    assert st["counters"]["uploads_created"] == 4 and st["counters"]["max_active_patches"] == 2
    assert {e.kind for e in events} >= {"collection", "item", "progress"}
    assert any(e.kind == "progress" and e.speed > 0 for e in events)

    again = setup.publish()  # nothing changed: nothing sent, nothing registered again
    assert again.uploaded == () and not again.registered and again.remote_id == first.remote_id
    assert setup.server_state()["counters"]["puts"] == 1

    setup.episodes[1]["title"] = "Part two, retitled"  # metadata only: re-register, no upload
    setup.episodes[0]["free_preview"] = False
    setup.write(price=599)
    meta = setup.publish()
    assert meta.registered and meta.uploaded == ()
    st = setup.check_server(meta)
    assert st["collections"][0]["body"]["price"]["amount_minor"] == 599
    assert st["collections"][0]["body"]["episodes"][1]["title"] == "Part two, retitled"

    setup.episodes[2]["data"] = mp4_bytes(170_000, seed=99)  # one file changed
    setup.episodes.pop(0)  # one removed
    setup.episodes.append({"id": "ep-9", "title": "Bonus", "data": mp4_bytes(90_000, seed=9)})
    setup.write()
    diff = setup.publish()
    assert sorted(diff.uploaded) == ["ep-3", "ep-9"] and diff.removed == ("ep-1",)
    st = setup.check_server(diff)  # the old uploads of ep-1 and ep-3 were removed
    assert st["counters"]["collections_created"] == 1

    with Library.open(setup.library) as lib:
        (status,) = collection_status(lib, setup.cid)
    assert status.registered and not status.pending_work
    assert set(status.items) == {"ep-2", "ep-3", "ep-9", "cover"}
    time.sleep(0.1)
    assert setup.publish().status == "ready"  # the server finished processing


def test_a_second_publish_of_the_same_collection_to_the_same_place_is_refused(setup):
    """QA: the window and a terminal publishing at once kept knocking each other's uploads
    off (2.4 times the bytes sent); on a folder target one died with a raw OSError."""
    import threading

    events: list = []
    paced = SyncSettings(chunk_size=64 * 1024, bandwidth=400_000, retry=FAST.retry)
    first: dict = {}
    worker = threading.Thread(target=lambda: first.update(
        result=setup.publish(settings=paced, events=events)))  # fmt: skip
    worker.start()
    deadline = time.monotonic() + 30
    while not any(e.kind == "progress" for e in events) and time.monotonic() < deadline:
        time.sleep(0.02)
    with pytest.raises(SyncError, match="is already being published to 'api'"):
        setup.publish()
    worker.join(timeout=120)
    assert first["result"].registered
    setup.check_server(first["result"])
    assert setup.publish().uploaded == ()  # once it is done, publishing works again


def test_the_folder_target_receives_the_kit_and_a_second_publish_changes_nothing(setup):
    result = setup.publish("usb")
    usb = setup.tmp / "usb"
    names = sorted(p.name for p in usb.iterdir() if not p.name.startswith("."))
    assert names == ["01 - Part 1.mp4", "02 - Part 2.mp4", "03 - Part 3.mp4", "cover.jpg",
                     "manifest.json"]
    assert (usb / "02 - Part 2.mp4").read_bytes() == setup.episodes[1]["data"]
    before = {p.name: p.stat().st_mtime_ns for p in usb.iterdir()}
    again = setup.publish("usb")
    assert not again.registered and again.remote_id == result.remote_id
    assert before == {p.name: p.stat().st_mtime_ns for p in usb.iterdir()}
    setup.episodes.reverse()
    setup.write()
    setup.publish("usb")
    assert (usb / "01 - Part 3.mp4").read_bytes() == setup.episodes[0]["data"]
    assert not (usb / "01 - Part 1.mp4").exists()
    with Library.open(setup.library) as lib:  # another collection may not take the folder over
        other = lib.create_collection("Other").id
    write_kit(setup.tmp / "other", other, setup.episodes[:1])
    with pytest.raises(SyncError, match="already holds another collection"):
        Publisher(setup.library, "usb", setup.tmp / "other", settings=FAST).run()


def test_a_target_removed_and_added_again_updates_the_same_collection(setup) -> None:
    first = setup.publish("api")
    folder = setup.publish("usb")
    with Library.open(setup.library) as lib:
        store = SyncStore(lib)
        assert store.remove_target("api") == 1 and store.remove_target("usb") == 1
        assert store.records(setup.cid) == []
        assert store.add_target(TargetRecord("platform", "series-api", setup.server.url)) == 1
        assert store.add_target(TargetRecord("usb", "folder", str(setup.tmp / "usb"))) == 1
        assert store.add_target(TargetRecord("other", "folder", str(setup.tmp / "o"))) == 0
    Vault().save("platform", TokenSet(admin(setup.server, "POST", "tokens")["token"],
                                      kind="personal"))  # fmt: skip
    again = setup.publish("platform")
    assert again.remote_id == first.remote_id and again.uploaded == () and not again.registered
    setup.episodes[0]["title"] = "Part one, retitled"
    setup.write()
    edited = setup.publish("platform")
    assert edited.remote_id == first.remote_id and edited.registered
    st = setup.check_server(edited)
    assert st["counters"]["collections_created"] == 1 and st["counters"]["uploads_created"] == 4
    placed = setup.publish("usb")  # its own folder is not refused as another collection's
    assert placed.remote_id == folder.remote_id and placed.uploaded == ()
    assert (setup.tmp / "usb" / "01 - Part one, retitled.mp4").is_file()


def _damage(path: Path, at: int = 1000) -> None:
    """Overwrite a few bytes in place: same size, a newer mtime (a disk or a tool did it)."""
    with path.open("r+b") as f:
        f.seek(at)
        f.write(b"\0" * 64)
    later = path.stat().st_mtime_ns + 5_000_000
    os.utime(path, ns=(later, later))


def test_a_kit_file_damaged_after_the_export_is_not_published(setup) -> None:
    kit_file = setup.kit / "02 - Part 2.mp4"
    _damage(kit_file)
    for target in ("api", "usb"):
        with pytest.raises(KitError, match=r"kit file of episode 2 'Part 2' .* is not the one "
                                           r"that was rendered.*Export again"):
            setup.publish(target)
    assert setup.server_state()["uploads"] == []
    assert not (setup.tmp / "usb" / "01 - Part 1.mp4").exists()
    setup.write()  # exported again
    first = setup.publish("api")
    _damage(kit_file, at=5000)  # damaged after a publish
    with pytest.raises(KitError, match="Export again"):
        setup.publish("api")
    setup.write()
    again = setup.publish("api")
    assert again.uploaded == () and again.remote_id == first.remote_id
    setup.check_server(again)


def test_a_published_folder_that_lost_or_damaged_a_file_is_repaired(setup) -> None:
    from studio.sync.status import refresh_remote

    setup.publish("usb")
    usb = setup.tmp / "usb"
    first, second = usb / "01 - Part 1.mp4", usb / "02 - Part 2.mp4"
    second.unlink()
    assert refresh_remote(setup.library, "usb", setup.cid).status == "damaged"
    with Library.open(setup.library) as lib:
        (status,) = collection_status(lib, setup.cid)
    assert status.items["ep-2"].badge == "damaged" and status.items["ep-1"].badge == "published"
    assert "02 - Part 2.mp4 is missing" in status.items["ep-2"].reasons[0]
    result = setup.publish("usb")
    assert result.registered and result.status == "ready" and result.uploaded == ()
    assert second.read_bytes() == setup.episodes[1]["data"]
    with first.open("r+b") as f:  # truncated: its upload copy (a hard link) is damaged too
        f.truncate(1000)
    result = setup.publish("usb")
    assert result.uploaded == ("ep-1",)  # sent again from the kit
    _damage(second)  # same size, damaged in place
    assert setup.publish("usb").uploaded == ("ep-2",)
    for n, ep in enumerate(setup.episodes, 1):
        assert (usb / f"0{n} - Part {n}.mp4").read_bytes() == ep["data"]
    copies = sorted(p.stat().st_size for p in (usb / ".series-studio" / "uploads").iterdir())
    assert len(copies) == 4  # the damaged copies were removed
    before = {p.name: p.stat().st_mtime_ns for p in usb.iterdir()}
    assert not setup.publish("usb").registered  # intact: nothing to do
    assert before == {p.name: p.stat().st_mtime_ns for p in usb.iterdir()}


def test_a_hand_edited_folder_manifest_cannot_make_publish_delete_files_elsewhere(setup):
    """Republishing removes the files of episodes that are gone, named by the folder's
    manifest.json: names that are not plain episode files there are never touched."""
    setup.publish("usb")
    usb = setup.tmp / "usb"
    outside = setup.tmp / "outside.mp4"
    elsewhere = setup.tmp / "docs" / "thesis.mp4"
    elsewhere.parent.mkdir()
    for path, data in ((outside, b"beside the folder"), (elsewhere, b"far away"),
                       (usb / "notes.txt", b"the creator's notes"),
                       (usb / ".hidden.mp4", b"hidden")):  # fmt: skip
        path.write_bytes(data)
    manifest = json.loads((usb / "manifest.json").read_text(encoding="utf-8"))
    manifest["episodes"] += [{"file": name} for name in (
        "../outside.mp4", str(elsewhere), "notes.txt", ".hidden.mp4", "..", "")]
    (usb / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    setup.episodes.pop(0)  # a republish that removes an episode's file
    setup.write()
    setup.publish("usb")
    assert not (usb / "01 - Part 1.mp4").exists()
    assert outside.read_bytes() == b"beside the folder"
    assert elsewhere.read_bytes() == b"far away"
    assert (usb / "notes.txt").read_bytes() == b"the creator's notes"
    assert (usb / ".hidden.mp4").read_bytes() == b"hidden"


def _tree(folder: Path) -> dict[str, tuple]:
    """Every path under ``folder`` with its kind, size, bytes and mtime: what a refused
    publish must leave exactly as it was (a folder's mtime moves when a file was made
    in it, even if removed again)."""
    if not folder.exists():
        return {}
    paths = [folder, *folder.rglob("*")]
    return {str(p.relative_to(folder)): (p.is_dir(), p.stat().st_mtime_ns,
                                         None if p.is_dir() else p.read_bytes())
            for p in paths}  # fmt: skip


def _refused(setup: Setup, target: str, location: Path, kit: Path, match: str) -> None:
    with Library.open(setup.library) as lib:
        SyncStore(lib).add_target(TargetRecord(target, "folder", str(location)))
    before = _tree(location)
    with pytest.raises(SyncError, match=match):
        Publisher(setup.library, target, kit, settings=FAST).run()
    assert _tree(location) == before, "a refused publish changed the folder"


def test_a_refused_folder_publish_leaves_the_folder_as_it_was(setup) -> None:
    setup.publish("usb")
    usb = setup.tmp / "usb"
    with Library.open(setup.library) as lib:
        other = lib.create_collection("Other").id
    other_kit = write_kit(setup.tmp / "other", other, [
        {"id": "o-1", "title": "Elsewhere", "data": mp4_bytes(120_000, seed=50)}])
    # another collection's folder: no upload copy is left in .series-studio/uploads
    _refused(setup, "usb-again", usb, other_kit, "already holds another collection")
    with Library.open(setup.library) as lib:
        (status,) = collection_status(lib, other)
    assert status.items == {} and not status.registered and status.last_error

    # a folder with the creator's own files under the names the publish would write
    mine = setup.tmp / "Videos"
    mine.mkdir()
    (mine / "holiday.mov").write_bytes(b"a film of mine")
    (mine / "01 - Part 1.mp4").write_bytes(b"my own first part, not the kit's")
    _refused(setup, "videos", mine, setup.kit, "'01 - Part 1.mp4' that Series Studio did not")
    (mine / "01 - Part 1.mp4").unlink()
    (mine / "manifest.json").write_text('{"my": "notes"}')
    _refused(setup, "videos2", mine, setup.kit, "'manifest.json' that Series Studio did not")
    # the kit folder itself (its manifest.json is the export's, not a published one)
    _refused(setup, "kit", setup.kit, setup.kit, "'manifest.json' that Series Studio did not")
    # a file, and a folder inside a file: nothing can be made there
    (setup.tmp / "a-file").write_bytes(b"x")
    _refused(setup, "file", setup.tmp / "a-file", setup.kit, "is a file, not a folder")
    # QA repro_12 (e): this said "Cannot write to the folder .../a-file/usb: File exists."
    _refused(setup, "inside", setup.tmp / "a-file" / "usb", setup.kit,
             f"{setup.tmp / 'a-file'} is a file, so the folder {setup.tmp / 'a-file' / 'usb'} "
             "cannot be made inside it")  # fmt: skip


def test_a_folder_two_targets_share_names_the_target_that_published_there(setup) -> None:
    """QA repro_12 (c): publishing a collection through a second target on its folder said
    it "already holds another collection ('Cooking')": it was this one, through 'usb'."""
    setup.publish("usb")
    usb = setup.tmp / "usb"
    # (a second target on the folder, as the window's "Add a folder target" can make)
    _refused(setup, "backup", usb, setup.kit, "^" + re.escape(
        f"The folder {usb} already holds this collection, published there through the target "
        "'usb'. Publish with: studio publish 'Cooking' --target usb (or remove the target "
        "'backup': studio targets remove backup)") + "$")
    with Library.open(setup.library) as lib:
        other = lib.create_collection("Other").id
    other_kit = write_kit(setup.tmp / "other", other, [
        {"id": "o-1", "title": "Elsewhere", "data": mp4_bytes(120_000, seed=50)}])
    with pytest.raises(SyncError) as err:
        Publisher(setup.library, "backup", other_kit, settings=FAST).run()
    assert "already holds another collection ('Kit'), published there through the target " \
        "'usb'; add a target with another folder" in str(err.value)  # fmt: skip


_PUBLISH_AS_USER = """
from studio.store.library import Library
from studio.store.sync_state import SyncStore, TargetRecord
from studio.sync.engine import Publisher
from studio.sync.errors import SyncError
with Library.open({library!r}) as lib:
    SyncStore(lib).add_target(TargetRecord({target!r}, "folder", {location!r}))
try:
    Publisher({library!r}, {target!r}, {kit!r}).run()
    print("published")
except SyncError as exc:
    print("refused:", exc)
"""


def test_a_read_only_folder_is_refused_and_left_as_it_was(setup) -> None:
    """Run by a user that file permissions stop (tests/disks.py: as root, a child that
    drops root's override), so that it also runs in CI, which runs as root."""
    from disks import run_as_ordinary_user

    ro = setup.tmp / "read-only"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        for target, location in (("ro", ro), ("ro-new", ro / "new" / "usb")):
            before = _tree(location)
            proc = run_as_ordinary_user(_PUBLISH_AS_USER.format(
                library=str(setup.library), target=target, location=str(location),
                kit=str(setup.kit)))  # fmt: skip
            assert proc.stdout.startswith("refused: Cannot write to the folder"), \
                proc.stdout + proc.stderr  # fmt: skip
            assert _tree(location) == before, "a refused publish changed the folder"
    finally:
        ro.chmod(0o755)


def test_a_folder_publish_stopped_while_placing_the_files_resumes(setup) -> None:
    from studio.sync.targets import FolderAdapter, open_adapter

    class DiskFull(FolderAdapter):  # the disk fills up after the first file is placed
        placed = 0

        def _place(self, source: Path, dest: Path) -> None:
            if DiskFull.placed == 1:
                raise OSError(28, "No space left on device")
            DiskFull.placed += 1
            super()._place(source, dest)

    def factory(target, vault, settings):
        if target.name != "usb":
            return open_adapter(target, vault, settings)
        return DiskFull(target.location)

    with pytest.raises(OSError, match="No space left"):
        Publisher(setup.library, "usb", setup.kit, settings=FAST, adapter_factory=factory).run()
    usb = setup.tmp / "usb"
    assert (usb / "01 - Part 1.mp4").exists() and not (usb / "manifest.json").exists()
    result = setup.publish("usb")  # the half-placed files are its own: not refused
    assert result.registered and result.uploaded == ()
    assert (usb / "03 - Part 3.mp4").read_bytes() == setup.episodes[2]["data"]
    assert sorted(p.name for p in (usb / ".series-studio").iterdir()) == ["uploads"]


FAULTS = {
    "connection dropped mid-PATCH": [{"action": "drop", "method": "PATCH", "after_bytes": 30_000,
                                      "skip": 1, "times": 3}],
    "500 on PATCH": [{"action": "status", "status": 500, "method": "PATCH", "skip": 2,
                      "times": 3}],
    "503 on registration": [{"action": "status", "status": 503, "method": "PUT", "times": 2}],
    "429 with Retry-After": [{"action": "status", "status": 429, "retry_after": 1,
                              "method": "PATCH", "skip": 1}],
    "stall longer than the timeout": [{"action": "stall", "method": "PATCH",
                                       "after_bytes": 20_000, "seconds": 3, "skip": 1}],
    "upload expired": [{"action": "expire", "method": "PATCH", "skip": 3}],
    "creation answer lost": [{"action": "lose-answer", "method": "POST", "times": 2}],
    "registration answer lost": [{"action": "lose-answer", "method": "PUT"}],
    "HEAD reset": [{"action": "drop", "method": "HEAD", "times": 2}],
}


@pytest.mark.parametrize("rules", list(FAULTS.values()), ids=list(FAULTS))
def test_a_publish_completes_through_faults_and_duplicates_nothing(setup, rules) -> None:
    admin(setup.server, "POST", "faults", rules)
    events: list = []
    settings = FAST if rules[0]["action"] != "stall" else \
        SyncSettings(chunk_size=64 * 1024, timeout=0.5, retry=FAST.retry)  # fmt: skip
    result = setup.publish(settings=settings, events=events)
    st = setup.check_server(result)
    assert st["faults_fired"], "the fault never happened"
    assert st["counters"]["collections_created"] == 1
    if rules[0]["action"] == "expire":
        assert any(e.kind == "note" and e.state == "expired" for e in events)


def test_a_fault_that_persists_stops_with_what_happened_and_the_next_run_resumes(setup):
    admin(setup.server, "POST", "faults", {"action": "status", "status": 503, "method": "PATCH",
                                           "skip": 4, "times": 1000})
    with pytest.raises(RetriesExhausted) as err:
        setup.publish(settings=SyncSettings(chunk_size=64 * 1024, concurrency=1,
                                            retry=RetryPolicy(3, 0.01, 0.02)))  # fmt: skip
    message = str(err.value)
    assert "3 failed attempts" in message and "503" in message, message
    assert message.startswith("Sending episode ") and "publish again to resume" in message
    with Library.open(setup.library) as lib:
        (status,) = collection_status(lib, setup.cid)
    assert status.last_error and status.pending_work and not status.registered
    sent = setup.server_state()["counters"]["bytes_received"]
    assert sent > 0
    admin(setup.server, "DELETE", "faults")
    result = setup.publish()
    st = setup.check_server(result)
    total = sum(len(e["data"]) for e in setup.episodes) + 1004
    assert st["counters"]["bytes_received"] < total + sent  # resumed, not restarted


def test_a_resumed_publish_does_not_say_it_uploaded_what_was_already_sent(setup, capsys):
    from studio.cli.sync_commands import PublishDisplay

    admin(setup.server, "POST", "faults", {"action": "status", "status": 500, "method": "PUT",
                                           "times": 100})  # fmt: skip
    display = PublishDisplay()
    with pytest.raises(RetriesExhausted) as err:
        Publisher(setup.library, "api", setup.kit, on_event=display,
                  settings=SyncSettings(retry=RetryPolicy(1, 0.01, 0.02))).run()
    assert str(err.value) == ("The request to the server failed after 1 attempt; the last one: "
                              "the server answered 500 (Internal Server Error).")
    out = capsys.readouterr().out
    assert out.count("uploaded episode") == 3 and "uploaded the cover" in out
    admin(setup.server, "DELETE", "faults")
    setup.episodes[2]["data"] = mp4_bytes(160_000, seed=77)  # one file changed meanwhile
    setup.write()
    Publisher(setup.library, "api", setup.kit, on_event=PublishDisplay(), settings=FAST).run()
    out = capsys.readouterr().out.splitlines()
    assert "already sent: episode 1 'Part 1' (157.0 kB)" in out
    assert [line for line in out if line.startswith("uploaded")] == [
        "uploaded episode 3 'Part 3' (160.0 kB)"]


def test_publish_messages_say_plurals_and_status_words_in_the_creators_language(setup, capsys):
    from studio import i18n
    from studio.cli.sync_commands import report_published

    admin(setup.server, "POST", "faults", {"action": "status", "status": 503, "method": "PATCH",
                                           "times": 100})  # fmt: skip
    with pytest.raises(RetriesExhausted, match=r"after 1 failed attempt; the last one: the "
                                               r"server answered 503"):
        setup.publish(settings=SyncSettings(concurrency=1, retry=RetryPolicy(1, 0.01, 0.02)))
    admin(setup.server, "DELETE", "faults")
    result = setup.publish()
    i18n.set_language("fr")
    try:
        assert report_published(result, "Cuisine", {}) == 0
    finally:
        i18n.set_language("en")
    nb = "\u00a0"
    word = {"processing": "en traitement", "ready": "prêt"}[result.status]
    assert f"identifiant distant {result.remote_id}, état {word}." in \
        capsys.readouterr().out.replace(nb, " ")  # fmt: skip


def test_what_happened_is_said_in_french_too(setup) -> None:
    from studio import i18n

    admin(setup.server, "POST", "faults", {"action": "status", "status": 429, "method": "PATCH",
                                           "times": 1000})
    i18n.set_language("fr")
    try:
        with pytest.raises(RetriesExhausted) as err:
            setup.publish(settings=SyncSettings(concurrency=1, retry=RetryPolicy(2, 0.01, 0.02)))
    finally:
        i18n.set_language("en")
    nb = "\u00a0"
    assert str(err.value).startswith(f"L’envoi de l’épisode 1 «{nb}Part 1{nb}» s’est arrêté "
                                     f"après 2 tentatives échouées d’affilée{nb}; la dernière"
                                     f"{nb}: le serveur a signalé trop de requêtes (429)")


def test_a_server_rejection_says_why_and_a_rejected_episode_is_reported(setup, capsys) -> None:
    from studio.cli.sync_commands import report_published
    from studio.sync.kit import read_kit

    setup.episodes[1]["data"] = b"not a video at all" * 1000
    setup.write()
    result = setup.publish()
    assert result.status == "rejected"
    assert result.details.items["ep-2"].reasons == ("The file is not an MP4 video.",)
    labels = {i.key: i.label for i in read_kit(setup.kit).items}
    assert report_published(result, "Cooking", labels) == 1  # not a success for a script
    out = capsys.readouterr().out
    assert "  episode 2 'Part 2': rejected: The file is not an MP4 video.\n" in out
    assert "ep-2" not in out
    setup.write(price=None)
    with pytest.raises(ServerRejected) as err:
        setup.publish()
    assert "422" in str(err.value) and "price" in str(err.value)


def test_pause_keeps_the_progress_and_cancel_drops_partial_uploads(setup) -> None:
    slow = SyncSettings(chunk_size=16 * 1024, bandwidth=400_000, concurrency=1,
                        retry=FAST.retry)  # fmt: skip
    p = Publisher(setup.library, "api", setup.kit, settings=slow)
    paused: list[str] = []

    def pause(e) -> None:
        if e.kind == "progress" and e.sent > 60_000 and not paused:
            paused.append(e.item)
            p.pause()

    p.on_event = pause
    with pytest.raises(Cancelled):
        p.run()
    assert p.paused
    st = setup.server_state()
    (partial,) = [u for u in st["uploads"] if not u["complete"]]
    assert partial["offset"] > 0
    with Library.open(setup.library) as lib:
        (status,) = collection_status(lib, setup.cid)
    item = status.items[paused[0]]
    assert item.state == "uploading" and item.offset > 0 and status.pending_work
    assert item.badge.startswith("uploading ") and item.badge.endswith("%")
    c = Publisher(setup.library, "api", setup.kit, settings=slow)
    c.on_event = lambda e: c.cancel() if e.kind == "progress" and e.item != paused[0] and \
        e.sent > 30_000 else None  # fmt: skip
    with pytest.raises(Cancelled):
        c.run()
    st = setup.server_state()
    assert all(u["complete"] for u in st["uploads"])  # partial sessions were terminated
    setup.check_server(setup.publish())


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="POSIX timers")
def test_an_interrupt_on_the_publishing_thread_stops_the_upload_threads(setup) -> None:
    """SIGTERM/SIGHUP become a KeyboardInterrupt on the main thread (studio/cli/main.py):
    the upload threads must stop too, not run every file to its end."""

    def interrupt(signum, frame) -> None:
        raise KeyboardInterrupt

    slow = SyncSettings(chunk_size=16 * 1024, bandwidth=100_000, retry=FAST.retry)
    p = Publisher(setup.library, "api", setup.kit, settings=slow)
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            p.run()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.monotonic() - started < 2.5  # the whole kit takes ~5 s at this rate
    assert p.paused and p.token.cancelled
    st = setup.server_state()
    assert st["collections"] == [] and any(not u["complete"] for u in st["uploads"])
    setup.check_server(setup.publish())  # and the next run resumes


def test_a_changed_file_invalidates_its_session(setup) -> None:
    p = Publisher(setup.library, "api", setup.kit,
                  settings=SyncSettings(chunk_size=16 * 1024, concurrency=1, bandwidth=500_000))
    p.on_event = lambda e: p.pause() if e.kind == "progress" and e.sent > 50_000 else None
    with pytest.raises(Cancelled):
        p.run()
    first = next(e for e in setup.episodes)
    first["data"] = mp4_bytes(len(first["data"]), seed=1234)  # same size, new bytes
    setup.write()
    os.utime(setup.kit / "01 - Part 1.mp4", ns=(1, 1))
    result = setup.publish()
    setup.check_server(result)  # the old partial session was terminated, not registered


# --------------------------------------------------------------------------- SIGKILL
def _cli(env: dict, library: Path, *args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "tools" / "studio_sync.py"),
                             "--library", str(library), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


@pytest.mark.slow
def test_sigkill_at_random_points_then_the_next_publish_completes(
        tmp_path, series_server, make_clip, monkeypatch) -> None:  # fmt: skip
    from sync_helpers import FileKeyring

    from studio import actions, covers

    clips = [make_clip(f"clip{i}.mp4", seconds=31, width=360, height=640, fps=24 + i, crf=51,
                       audio=False) for i in range(2)]  # fmt: skip
    library = tmp_path / "library.sqlite"
    with Library.open(library) as lib:
        c = lib.create_collection("Killed")
        c = actions.set_collection_fields(lib, c, price="2.99", currency="USD",
                                          description="SIGKILL trials")  # fmt: skip
        actions.add_files(lib, c, clips)
        covers.set_cover_frame(lib, lib.collection(c.id), lib.episodes(c.id)[0], 500_000)
    ring = tmp_path / "keyring.json"
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="sync_helpers.FileKeyring",
               STUDIO_TEST_KEYRING=str(ring),
               PYTHONPATH=os.pathsep.join([str(ROOT / "tests"), str(ROOT)]))  # fmt: skip
    seed = int(os.environ.get("STUDIO_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    wanted = int(os.environ.get("STUDIO_KILLS", 20))  # a stress run sets more
    publish = ["publish", "Killed", "--no-normalize", "--chunk-size", "0.03",
               "--limit-rate", "4M", "--retries", "3", "--target"]  # fmt: skip
    monkeypatch.setenv("STUDIO_TEST_KEYRING", str(ring))
    vault = Vault(backend=FileKeyring())

    def add_target(name: str) -> None:
        with Library.open(library) as lib:
            SyncStore(lib).add_target(TargetRecord(name, "series-api", series_server.url))
        token = admin(series_server, "POST", "tokens")["token"]
        vault.save(name, TokenSet(token, kind="personal"))

    # Render the kit once, then time one whole publish: kills land anywhere in that span.
    for name in ("warm", "timing"):
        add_target(name)
        started = time.monotonic()
        run = _cli(env, library, *publish, name)
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    span = time.monotonic() - started
    print(f"seed {seed}, one publish takes {span:.2f} s")
    killed, r = 0, 0
    while killed < wanted:  # rounds on fresh targets, each killed until it runs to its end
        target = f"api{r}"
        add_target(target)
        for _ in range(8):
            proc = _cli(env, library, *publish, target)
            time.sleep(rng.uniform(0.3, span))
            proc.kill()
            out, err = proc.communicate(timeout=30)
            assert proc.returncode in (-9, 0), f"seed {seed}: {err}"
            if proc.returncode == 0:
                break
            killed += 1
        final = _cli(env, library, *publish, target)
        out, err = final.communicate(timeout=60)
        assert final.returncode == 0, f"seed {seed}: {out}\n{err}"
        st = admin(series_server, "GET", "state")
        assert len(st["collections"]) == r + 3, f"seed {seed}: {st['collections']}"
        remote_id = out.split("remote id ")[1].split(",")[0]
        (mine,) = [x for x in st["collections"] if x["id"] == remote_id]
        uploads = {u["id"]: u for u in st["uploads"]}
        body = mine["body"]
        refs = [e["upload_id"] for e in body["episodes"]] + [body["cover"]["upload_id"]]
        assert all(uploads[u]["verified"] for u in refs), f"seed {seed}"
        r += 1
        kit = library.parent / "publish" / c.id
        for e in body["episodes"]:
            local = next(kit.glob(f"*{e['title']}.mp4"))
            assert hashlib.sha256(local.read_bytes()).hexdigest() == e["sha256"] == \
                uploads[e["upload_id"]]["sha256"]  # fmt: skip
    # Ctrl+C pauses cleanly (exit 130, "Paused"), and the next run resumes.
    add_target("paused")
    before = admin(series_server, "GET", "state")["counters"]["bytes_received"]
    proc = _cli(env, library, "publish", "Killed", "--no-normalize", "--chunk-size", "0.03",
                "--limit-rate", "1M", "--target", "paused")  # fmt: skip
    time.sleep(span)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and "Paused" in out, (out, err)
    assert "Traceback" not in err
    final = _cli(env, library, *publish, "paused")
    out, err = final.communicate(timeout=60)
    assert final.returncode == 0 and "remote id" in out, err
    sizes = sum(p.stat().st_size for p in (library.parent / "publish" / c.id).iterdir()
                if p.suffix in (".mp4", ".jpg"))  # fmt: skip
    sent = admin(series_server, "GET", "state")["counters"]["bytes_received"] - before
    assert sent < sizes * 1.3  # resumed, not sent again from the start

    st = admin(series_server, "GET", "state")
    referenced = {e["upload_id"] for c in st["collections"] for e in c["body"]["episodes"]} | \
        {c["body"]["cover"]["upload_id"] for c in st["collections"]}  # fmt: skip
    assert {u["id"] for u in st["uploads"]} == referenced, f"seed {seed}: orphans left"
    print(f"{killed} kills in {r} rounds")


def test_publishing_a_collection_that_is_not_ready_leaves_the_target_folder_alone(
        tmp_path, capsys) -> None:  # fmt: skip
    from studio.cli import main

    library = tmp_path / "library.sqlite"
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "notes.txt").write_text("mine")
    assert main(["--library", str(library), "new", "Draft"]) == 0
    assert main(["--library", str(library), "targets", "add", "usb", str(usb)]) == 0
    before = _tree(usb)
    assert main(["--library", str(library), "publish", "Draft", "--target", "usb"]) == 2
    err = capsys.readouterr().err
    assert "'Draft' is not ready to publish" in err and "studio check Draft" in err
    assert _tree(usb) == before


def test_a_wait_the_server_asks_for_is_said_when_it_begins(setup) -> None:
    """QA repro_05: while the server answered 503 with Retry-After, publish waited in
    silence (up to 5 minutes per attempt). The window shows these notes as they come."""
    capped = SyncSettings(chunk_size=64 * 1024, timeout=2.0, retry=RetryPolicy(
        max_attempts=6, base_delay=0.01, max_delay=0.05, max_retry_after=3.0))
    for asked, said in [(3, "asked to wait 3 s; trying again at"),
                        (3600, "asked to wait 3600 s; waiting 3 s at most, then trying "
                               "again at")]:  # fmt: skip
        admin(setup.server, "POST", "faults", {"action": "status", "status": 503,
                                               "retry_after": asked, "method": "POST",
                                               "path_prefix": "/v1/uploads"})  # fmt: skip
        seen: list = []

        def timed(event, seen=seen) -> None:
            seen.append((time.monotonic(), event))

        Publisher(setup.library, "api", setup.kit, settings=capped, on_event=timed).run()
        done = time.monotonic()
        notes = [(t, e.message) for t, e in seen if e.kind == "note" and e.state == "waiting"]
        assert len(notes) == 1, notes
        when, message = notes[0]
        assert re.fullmatch(re.escape("The server answered 503 (Service Unavailable) and " + said)
                            + r" \d\d:\d\d:\d\d \(attempt 2 of 6\)…", message), message
        assert done - when > 2.5  # said as the wait began, not once it was over
        setup.episodes.append({"id": f"more-{asked}", "title": f"More {asked}",
                               "data": mp4_bytes(50_000, seed=asked)})  # something to send
        setup.write()
