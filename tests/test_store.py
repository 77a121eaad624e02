"""The library file: migrations, integrity, transactions, two processes at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
import uuid
from fractions import Fraction
from pathlib import Path

import pytest
from disks import fill, read_only_view, run_as_ordinary_user, small_disk

from studio.domain.errors import NotFound, UserError
from studio.domain.models import Episode, MediaInfo, MediaRecord
from studio.domain.money import Money
from studio.domain.timecode import TimeRange
from studio.store.library import (
    Library,
    LibraryDamaged,
    LibraryDiskFull,
    LibraryError,
    LibraryReadOnly,
    NotALibrary,
)


def _media(n: int) -> MediaRecord:
    info = MediaInfo(
        path=f"/videos/clip{n}.mp4", container="mov,mp4,m4a,3gp,3g2,mj2", duration=40_000_000,
        size=1000 + n, mtime=1.0, video_codec="h264", width=1080, height=1920,
        frame_rate=Fraction(30000, 1001), audio_codec="aac", audio_channels=2,
        audio_sample_rate=48000,
    )  # fmt: skip
    return MediaRecord(f"{1000 + n}-{n:040x}", info.path, info.size, info.mtime, info)


def _episode(collection_id: str, media: MediaRecord, title: str) -> Episode:
    return Episode(str(uuid.uuid4()), collection_id, media.fingerprint, title,
                   TimeRange(0, media.info.duration), 0)  # fmt: skip


@pytest.fixture
def lib(tmp_path):
    with Library.open(tmp_path / "library.sqlite") as library:
        yield library


def _fill(lib: Library, n: int):
    c = lib.create_collection("Cooking")
    eps = []
    for i in range(n):
        m = _media(i)
        lib.put_media(m)
        eps.append(lib.add_episode(_episode(c.id, m, f"Ep {i + 1}")))
    return c, eps


def test_new_library_has_wal_foreign_keys_and_schema(tmp_path):
    path = tmp_path / "sub" / "library.sqlite"
    with Library.open(path) as lib:
        assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert lib.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert {"collections", "episodes", "media"} <= set(lib.db.table_names())
    # Reopening applies nothing new and keeps no upgrade backup.
    with Library.open(path) as lib:
        assert lib.integrity_ok()
    assert not list(path.parent.glob("*.before-upgrade-*"))


def test_values_round_trip_through_the_file(tmp_path):
    path = tmp_path / "library.sqlite"
    with Library.open(path) as lib:
        c, eps = _fill(lib, 2)
        lib.update_collection(c.with_(price=Money(499, "USD"), description="Déjà vu ✓"))
    with Library.open(path) as lib:
        again = lib.collection(c.id)
        assert again.price == Money(499, "USD")
        assert again.description == "Déjà vu ✓"
        media = lib.media(eps[0].media_fingerprint)
        assert media is not None and media.info.frame_rate == Fraction(30000, 1001)
        assert [e.title for e in lib.episodes(c.id)] == ["Ep 1", "Ep 2"]


def test_move_and_remove_keep_positions_contiguous(lib):
    c, eps = _fill(lib, 4)
    order = lib.move_episode(eps[3].id, 1)
    assert [e.title for e in order] == ["Ep 4", "Ep 1", "Ep 2", "Ep 3"]
    assert [e.position for e in order] == [1, 2, 3, 4]
    lib.remove_episode(eps[0].id)
    assert [(e.position, e.title) for e in lib.episodes(c.id)] == [
        (1, "Ep 4"), (2, "Ep 2"), (3, "Ep 3"),
    ]  # fmt: skip
    with pytest.raises(UserError, match="outside the collection"):
        lib.move_episode(eps[1].id, 9)


def test_failed_action_rolls_back_entirely(lib):
    c, eps = _fill(lib, 3)
    with pytest.raises(RuntimeError):
        with lib.transaction():
            lib.remove_episode(eps[0].id)
            raise RuntimeError("power cut")
    assert len(lib.episodes(c.id)) == 3


def test_deleting_a_collection_deletes_its_episodes(lib):
    c, eps = _fill(lib, 2)
    lib.delete_collection(c.id)
    assert lib.conn.execute("SELECT count(*) FROM episodes").fetchone()[0] == 0
    with pytest.raises(NotFound):
        lib.collection(c.id)


def test_find_collection_by_title_id_and_prefix(lib):
    c = lib.create_collection("Paris Walks")
    assert lib.find_collection("paris walks").id == c.id
    assert lib.find_collection(c.id[:6]).id == c.id
    with pytest.raises(NotFound, match="studio list"):
        lib.find_collection("London")


def test_damaged_file_is_kept_once_and_reported(tmp_path, monkeypatch):
    path = tmp_path / "library.sqlite"
    with Library.open(path) as lib:
        _fill(lib, 3)
        page_size = lib.conn.execute("PRAGMA page_size").fetchone()[0]
        root = lib.conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'episodes'"
        ).fetchone()[0]
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    # Scribble over the episodes table's b-tree page, as a bad disk sector would.
    start = (root - 1) * page_size
    data[start : start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(LibraryDamaged) as err:
        Library.open(path)
    assert "damaged" in str(err.value) and str(err.value.backup) in str(err.value)
    assert err.value.backup.read_bytes() == bytes(data)
    # Opening it again, later, keeps the same copy, not one more per attempt.
    monkeypatch.setattr("studio.store.library_problems._timestamp", lambda: "20300101-000000")
    with pytest.raises(LibraryDamaged) as again:
        Library.open(path)
    assert again.value.backup == err.value.backup
    assert len(list(tmp_path.glob("library.sqlite.damaged-*"))) == 1


def test_a_file_that_is_not_sqlite_is_not_a_library_and_is_left_alone(tmp_path):
    """Choosing a video as the library: said so, and the file is neither copied (a
    multi-GB copy per attempt) nor called damaged."""
    path = tmp_path / "holiday.mp4"
    content = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 400
    path.write_bytes(content)
    for _attempt in range(3):
        with pytest.raises(NotALibrary) as err:
            Library.open(path)
        assert str(err.value).startswith(f"{path} is not a Series Studio library (it is not an "
                                         "SQLite database)")
        assert "damaged" not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["holiday.mp4"]
    assert path.read_bytes() == content


def test_another_apps_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO notes (text) VALUES ('buy milk')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotALibrary, match="another application's database, not a Series "
                                          "Studio library"):  # fmt: skip
        Library.open(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]
    conn = sqlite3.connect(path)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] \
        == ["notes"]  # fmt: skip
    conn.close()


def test_library_from_a_newer_app_is_refused(tmp_path):
    path = tmp_path / "library.sqlite"
    Library.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('series-studio', '9999_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(LibraryError, match="newer Series Studio"):
        Library.open(path)


def test_the_library_never_opens_its_own_files_behind_sqlite_s_back(tmp_path):
    """Closing any descriptor of a file drops the process's POSIX locks on it, SQLite's
    too: then another process deletes the write-ahead log still in use. Adding the
    library as a clip, or keeping a copy before an upgrade, must not open it."""
    import subprocess
    import sys

    from studio import actions

    path = tmp_path / "library.sqlite"
    with Library.open(path) as lib:
        c = lib.create_collection("Mine")
        for name in ("library.sqlite", "library.sqlite-wal", "library.sqlite-shm"):
            (result,) = actions.add_files(lib, c, [tmp_path / name])
            assert result.error == f"{name}: is Series Studio's library, not a video."
        backup = lib._keep_copy_through_sqlite("before-upgrade")
        out = subprocess.run([sys.executable, "-m", "studio", "--library", str(path), "list"],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert Path(f"{path}-wal").exists(), "the other process deleted the log in use"
    with Library.open(backup) as copy:
        assert [x.title for x in copy.collections()] == ["Mine"]


def _writer(path: str, tag: str, n: int, queue) -> None:
    try:
        with Library.open(path) as lib:
            for i in range(n):
                c = lib.create_collection(f"{tag}-{i}")
                lib.update_collection(c.with_(description=f"written by {tag}"))
        queue.put("ok")
    except Exception as exc:  # reported to the parent
        queue.put(repr(exc))


def test_two_processes_write_the_same_library_at_once(tmp_path):
    path = str(tmp_path / "library.sqlite")
    Library.open(path).close()
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(path, t, 40, queue)) for t in ("gui", "cli")]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert results == ["ok", "ok"]
    with Library.open(path) as lib:
        assert len(lib.collections()) == 80
        assert lib.integrity_ok()


def test_removed_episodes_come_back_where_they_were(lib):
    c, eps = _fill(lib, 5)
    gone = [lib.episode(eps[1].id), lib.episode(eps[3].id)]
    for e in gone:
        lib.remove_episode(e.id)
    assert [e.title for e in lib.episodes(c.id)] == ["Ep 1", "Ep 3", "Ep 5"]
    back = lib.restore_episodes(gone)
    assert [e.title for e in back] == ["Ep 1", "Ep 2", "Ep 3", "Ep 4", "Ep 5"]
    assert [e.position for e in back] == [1, 2, 3, 4, 5]


def test_duplicate_collection_copies_episodes_not_media(lib):
    c, eps = _fill(lib, 2)
    copy = lib.duplicate_collection(c.id, "Cooking (copy)")
    copied = lib.episodes(copy.id)
    assert [e.title for e in copied] == ["Ep 1", "Ep 2"]
    assert {e.id for e in copied}.isdisjoint({e.id for e in eps})
    assert lib.conn.execute("SELECT count(*) FROM media").fetchone()[0] == 2


def test_media_is_forgotten_only_when_no_episode_or_cover_uses_it(lib):
    from studio.domain.models import Cover

    c, eps = _fill(lib, 2)
    copy = lib.duplicate_collection(c.id, "Cooking (copy)")
    fp = eps[0].media_fingerprint
    assert [e.collection_id for e in lib.episodes_using(fp)] == sorted([c.id, copy.id])
    lib.update_collection(lib.collection(c.id).with_(cover=Cover(fp, 1_000_000)))
    assert [x.id for x in lib.collections_with_cover_from(fp)] == [c.id]
    for e in lib.episodes_using(fp):
        lib.remove_episode(e.id)
    assert lib.media_in_use(fp) and not lib.forget_media(fp)  # the cover still shows it
    lib.update_collection(lib.collection(c.id).with_(cover=None))
    assert lib.forget_media(fp) and lib.media(fp) is None
    assert lib.media(eps[1].media_fingerprint) is not None and lib.integrity_ok()


def test_the_places_a_media_was_seen_are_kept_until_the_media_goes(lib):
    """Every path where the content was seen (studio.store.locations), the latest first;
    moving the media keeps the old path; forgetting the media forgets them all."""
    c, eps = _fill(lib, 1)
    fp = eps[0].media_fingerprint
    assert [x.path for x in lib.media_locations(fp)] == ["/videos/clip0.mp4"]
    lib.remember_location(fp, "/videos/clip0 (1).mp4", 2.0)
    assert lib.media(fp).path == "/videos/clip0.mp4"  # a copy does not move the episodes
    lib.set_media_location(fp, "/elsewhere/clip0.mp4", 3.0)
    lib.remember_location(fp, "/videos/clip0.mp4", 4.0)  # seen again: now the latest
    places = lib.media_locations(fp)
    assert places[0].path == "/videos/clip0.mp4" and places[0].mtime == 4.0
    assert {x.path for x in places} == {"/videos/clip0.mp4", "/videos/clip0 (1).mp4",
                                        "/elsewhere/clip0.mp4"}  # fmt: skip
    lib.remember_location("0-unknown", "/videos/x.mp4", 1.0)  # no such media: nothing kept
    assert lib.media_locations("0-unknown") == []
    lib.remove_episode(eps[0].id)
    assert lib.forget_media(fp) and lib.media_locations(fp) == [] and lib.integrity_ok()


# -- a library that cannot be written: read-only places, a full disk ---------------------
# (see tests/disks.py for how an ordinary user is imitated when the tests run as root)


_READ_ONLY_PROBE = """
import sys
from pathlib import Path
from studio.store.library import Library, LibraryReadOnly
path = Path(sys.argv[1] if len(sys.argv) > 1 else {path!r})
with Library.open(path) as lib:
    print("titles:", [c.title for c in lib.collections()])
    print("view:", len(lib.view(lib.collections()[0].id).episodes))
    print("read_only:", lib.read_only_reason)
    try:
        lib.create_collection("Second")
    except LibraryReadOnly as exc:
        print("edit:", exc)
"""


def test_a_library_in_a_folder_the_user_cannot_write_opens_read_only(tmp_path):
    folder = tmp_path / "backup"
    path = folder / "library.sqlite"
    with Library.open(path) as lib:
        _fill(lib, 2)
    folder.chmod(0o555)
    try:
        proc = run_as_ordinary_user(_READ_ONLY_PROBE.format(path=str(path)))
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "titles: ['Cooking']"
    assert lines[1] == "view: 2"
    said = f"The library {path} is in a folder you cannot write ({folder}): it can be read " \
           "but not changed."  # fmt: skip
    assert lines[2] == f"read_only: {said} Make it writable or copy it to a folder you can " \
        "write, or open another one with --library."  # fmt: skip
    assert lines[3].startswith(f"edit: {said}")
    assert sorted(p.name for p in folder.iterdir()) == ["library.sqlite"]  # no *.damaged-*
    with Library.open(path) as lib:
        assert [c.title for c in lib.collections()] == ["Cooking"]


def test_a_library_on_a_read_only_disk_opens_read_only_and_makes_no_copy(tmp_path):
    folder = tmp_path / "lib"
    with Library.open(folder / "library.sqlite") as lib:
        _fill(lib, 2)
    with read_only_view(folder, tmp_path / "ro") as ro:
        path = ro / "library.sqlite"
        with Library.open(path) as lib:
            assert [c.title for c in lib.collections()] == ["Cooking"]
            assert lib.read_only and "is on a read-only disk" in lib.read_only_reason
            with pytest.raises(LibraryReadOnly, match=f"The library {path} is on a read-only "
                                                      "disk: it can be read but not changed"):
                lib.create_collection("Second")
        assert sorted(p.name for p in ro.iterdir()) == ["library.sqlite"]


def test_a_full_disk_is_said_and_leaves_no_empty_backups(tmp_path):
    source = tmp_path / "library.sqlite"
    with Library.open(source) as lib:
        _fill(lib, 2)
    with small_disk(tmp_path / "small", "2m") as small:
        path = small / "library.sqlite"
        path.write_bytes(source.read_bytes())
        junk = fill(small)
        for _attempt in range(2):
            with pytest.raises(LibraryDiskFull) as err:
                Library.open(path)
            assert str(err.value) == (f"The disk holding the library {path} is full: free some "
                                      "space, then try again.")
        assert not list(small.glob("*.damaged-*"))
        junk.unlink()
        with Library.open(path) as lib:
            assert lib.integrity_ok() and [c.title for c in lib.collections()] == ["Cooking"]


def test_an_edit_on_a_full_disk_says_so_and_changes_nothing(tmp_path):
    with small_disk(tmp_path / "small", "8m") as small:
        path = small / "library.sqlite"
        with Library.open(path) as lib:
            c, _eps = _fill(lib, 1)
            fill(small, chunk=4096)
            with pytest.raises(LibraryDiskFull, match=f"The disk holding the library {path} "
                                                      "is full"):  # fmt: skip
                lib.update_collection(c.with_(description="x" * 200_000))
            assert lib.collection(c.id).description == ""


def test_a_closed_library_is_one_complete_file(tmp_path):
    """Copying library.sqlite alone (a backup) has every edit once the app has closed it,
    even while another program still has it open."""
    import shutil

    from studio.app import AppContext

    path = tmp_path / "library.sqlite"
    other = sqlite3.connect(path)  # the window, or a terminal, still has it open
    try:
        ctx = AppContext.open(path)
        c = ctx.library.create_collection("Walks")
        ctx.library.update_collection(c.with_(description="the last edit"))
        other.execute("SELECT count(*) FROM sqlite_master").fetchone()
        ctx.close()
        shutil.copy(path, tmp_path / "copy.sqlite")  # the main file only, no -wal
    finally:
        other.close()
    copy = sqlite3.connect(tmp_path / "copy.sqlite")
    assert copy.execute("SELECT description FROM collections").fetchall() == [("the last edit",)]
    copy.close()
