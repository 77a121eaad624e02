"""The ``studio`` command as a creator uses it, on real clips and a real library file."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import media
import pytest

from studio import __version__
from studio.cli import main
from studio.store.library import Library


@pytest.fixture
def studio(tmp_path, capsys):
    """Run ``studio --library <tmp> ARGS``; return (exit code, stdout, stderr)."""
    library = tmp_path / "library.sqlite"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--library", str(library), *map(str, args)])
        out, err = capsys.readouterr()
        return code, out, err

    run.library = library
    return run


def _episodes(library: Path, title: str):
    with Library.open(library) as lib:
        c = lib.find_collection(title)
        return c, lib.view(c.id)


def test_version_and_help_work_without_a_display():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "studio", "--version"], capture_output=True,
                         text=True, env=env)  # fmt: skip
    assert out.returncode == 0 and out.stdout.strip() == f"Series Studio {__version__}"


def test_without_a_display_the_window_command_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # fmt: skip
    env["STUDIO_LIBRARY"] = str(tmp_path / "lib.sqlite")
    out = subprocess.run([sys.executable, "-m", "studio"], capture_output=True, text=True,
                         env=env, timeout=60)  # fmt: skip
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "no display" in lines[0] and "studio --help" in lines[0]
    assert "Traceback" not in out.stderr


def test_add_a_folder_in_natural_order_then_show_and_check(studio, tmp_path, clip_vertical):
    folder = tmp_path / "shoot"
    folder.mkdir()
    for name in ("ep10.mp4", "ep2.mp4", "ep1.mp4"):
        shutil.copy(clip_vertical, folder / name)
    (folder / "notes.txt").write_text("not a video")
    assert studio("new", "Paris walks")[0] == 0
    code, out, err = studio("add", "Paris walks", folder)
    assert code == 0, err
    assert out.splitlines()[-1] == "Added 3 of 3 files to 'Paris walks'."
    c, view = _episodes(studio.library, "Paris walks")
    files = [Path(view.media[e.media_fingerprint].path).name for e in view.episodes]
    # The three copies share one fingerprint, so one media row; titles keep the order.
    assert [e.title for e in view.episodes] == ["ep1", "ep2", "ep10"]
    assert len(set(files)) == 1
    assert studio("set", "Paris walks", "--price", "$4.99", "--description", "Three walks")[0] == 0
    code, out, _ = studio("show", "Paris walks")
    assert code == 0 and "4.99 USD" in out and "ep10" in out
    code, out, _ = studio("check", "Paris walks", "--json")
    report = json.loads(out)
    assert code == 0 and report["ready"] is True, report
    assert not [p for p in report["problems"] if p["severity"] == "error"]


def test_the_81st_episode_is_refused_naming_the_limit_once(studio, clip_vertical):
    """Crossing the limit said it again for every file left; now once, with how many."""
    studio("new", "Big")
    code, out, err = studio("add", "Big", *([clip_vertical] * 83))
    assert code == 1
    assert "Added 80 of 83 files" in out
    (line,) = err.strip().splitlines()
    assert line.startswith("3 files not added: ") and "at most 80" in line, err
    assert "already has 80" in line
    code, out, err = studio("add", "Big", clip_vertical)  # already full
    assert code == 1 and out.splitlines()[-1] == "Added 0 of 1 file to 'Big'."
    (line,) = err.strip().splitlines()
    assert line.startswith("1 file not added: ") and "at most 80" in line, err
    _, view = _episodes(studio.library, "Big")
    assert len(view.episodes) == 80


@pytest.mark.parametrize(
    ("price", "ok", "minor"),
    [("0.99", False, None), ("190.01", False, None), ("1.00", True, 100), ("190.00", True, 19000),
     ("9,99", True, 999), ("abc", False, None)],
)  # fmt: skip
def test_price_limits(studio, price, ok, minor):
    studio("new", "Priced")
    code, _, err = studio("set", "Priced", "--price", price)
    c, _ = _episodes(studio.library, "Priced")
    if ok:
        assert code == 0 and c.price is not None and c.price.minor == minor
    else:
        assert code == 2 and c.price is None
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
        assert price in err


def test_an_empty_price_is_refused_and_no_price_clears_it(studio, capsys):
    """`--price ""` cleared the price without a word; clearing is now said: --no-price."""
    code, out, err = studio("new", "Blank", "--price", "")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "leave --price out" in err
    assert studio("list")[1].startswith("No collections yet")
    assert studio("new", "Priced", "--price", "4.99")[0] == 0
    for args in (["--price", ""], ["--price", "  "], ["--price", "", "--currency", "EUR"]):
        code, out, err = studio("set", "Priced", *args)
        assert code == 2 and out == "", (args, out)
        assert err.startswith("studio: error: --price needs an amount"), err
        assert len(err.strip().splitlines()) == 1 and "use --no-price" in err, err
        c, _ = _episodes(studio.library, "Priced")
        assert c.price is not None and (c.price.minor, c.price.currency) == (499, "USD")
    code, _, err = studio("set", "Priced", "--no-price", "--currency", "EUR")
    assert code == 2 and "leave out --currency" in err
    code, out, _ = studio("set", "Priced", "--no-price")
    assert code == 0 and out == "'Priced': price not set.\n"
    assert _episodes(studio.library, "Priced")[0].price is None
    with pytest.raises(SystemExit):
        studio("set", "--help")
    assert "--no-price" in capsys.readouterr().out


def test_one_of_a_thing_is_said_in_the_singular(studio, tmp_path, clip_vertical):
    studio("new", "One")
    code, out, _ = studio("add", "One", clip_vertical)
    assert code == 0 and out.splitlines()[-1] == "Added 1 of 1 file to 'One'."
    assert "1 episode, 0:31 in all" in studio("show", "One")[1].splitlines()
    code, out, _ = studio("export", "One", "--to", tmp_path / "kit", "--plan")
    assert code == 0 and out.splitlines()[-1].endswith(" for 1 episode.")
    assert studio("relink", tmp_path)[1] == "Relinked 0 files; 0 still missing.\n"
    code, out, _ = studio("demo", "--episodes", "1")
    assert code == 0 and out.splitlines()[0].endswith("' with 1 episode.")


def test_trim_by_number_and_by_id_with_checks(studio, clip_vertical):
    studio("new", "Trims")
    studio("add", "Trims", clip_vertical, clip_vertical)
    c, view = _episodes(studio.library, "Trims")
    first, second = view.episodes
    assert studio("trim", "1", "--in", "0:02.5", "--out", "00:00:20")[0] == 0
    assert studio("trim", second.id[:8], "--in", "00:00:01:15")[0] == 0  # 1 s + 15 frames at 30
    code, _, err = studio("trim", "Trims:2", "--in", "0:25", "--out", "0:10")
    assert code == 2 and "must come before" in err
    code, _, err = studio("trim", "1", "--out", "5:00")
    assert code == 2 and "past the end of the media" in err
    _, view = _episodes(studio.library, "Trims")
    assert (view.episodes[0].trim.start, view.episodes[0].trim.end) == (2_500_000, 20_000_000)
    assert view.episodes[1].trim.start == 1_500_000


def test_an_episode_whose_short_id_is_all_digits_can_be_named_by_it(studio, clip_vertical):
    """About one episode in 43 has an id whose first 8 characters (what `studio show`
    prints) are digits; they were taken for a position ("There is no episode 31415926")
    and that episode could not be named by its id. This also made a test fail by chance."""
    from dataclasses import replace

    studio("new", "Digits")
    studio("new", "Other")  # two collections: a bare position would need -c
    studio("add", "Digits", clip_vertical)
    _, view = _episodes(studio.library, "Digits")
    with Library.open(studio.library) as lib:
        lib.add_episode(replace(view.episodes[0], id="31415926-5358-4979-8323-846264338327",
                                position=2))  # fmt: skip
    code, _, err = studio("trim", "31415926", "--in", "1")
    assert code == 0, err
    _, view = _episodes(studio.library, "Digits")
    assert [e.trim.start for e in view.episodes] == [0, 1_000_000]
    code, _, err = studio("trim", "Digits:7", "--in", "1")  # a position is still one
    assert code == 2 and "There is no episode 7" in err


def test_move_remove_and_episode_fields(studio, clip_vertical, clip_landscape):
    studio("new", "Order")
    studio("add", "Order", clip_vertical, clip_landscape, clip_vertical)
    assert studio("episode", "-c", "Order", "2", "--title", "Wide one", "--free-preview")[0] == 0
    assert studio("move", "Order:2", "1")[0] == 0
    _, view = _episodes(studio.library, "Order")
    assert view.episodes[0].title == "Wide one" and view.episodes[0].free_preview
    assert studio("remove", "Order:3")[0] == 0
    _, view = _episodes(studio.library, "Order")
    assert [e.position for e in view.episodes] == [1, 2]
    code, _, err = studio("remove", "Order:7")
    assert code == 2 and "collection has 2" in err


def test_bad_files_each_get_their_own_message_and_the_good_one_goes_in(
    studio, tmp_path, clip_vertical, file_empty, file_text, file_truncated, clip_audio_only,
    file_unsupported_codec,
):
    studio("new", "Mixed")
    bad = [file_empty, file_text, file_truncated, clip_audio_only, file_unsupported_codec,
           tmp_path / "nowhere.mp4"]  # fmt: skip
    code, out, err = studio("add", "Mixed", *bad[:3], clip_vertical, *bad[3:])
    assert code == 1
    assert "Added 1 of 7 files" in out
    lines = [line for line in err.splitlines() if line.startswith("skipped")]
    assert len(lines) == 6
    reasons = [line.split(": ", 1)[1] for line in lines]
    assert len(set(reasons)) == 6, reasons
    for path, line in zip(bad[:3] + bad[3:], lines, strict=True):
        assert Path(path).name in line
    _, view = _episodes(studio.library, "Mixed")
    assert len(view.episodes) == 1 and len(view.media) == 1


def test_moved_media_is_flagged_and_found_again_by_relink(studio, tmp_path, clip_vertical):
    old = tmp_path / "old" / "take1.mp4"
    old.parent.mkdir()
    shutil.copy(clip_vertical, old)
    studio("new", "Moves")
    studio("add", "Moves", old)
    new_home = tmp_path / "external" / "renamed"
    new_home.mkdir(parents=True)
    shutil.copy(clip_vertical, tmp_path / "external" / "decoy-same-size.bin")
    with open(tmp_path / "external" / "decoy-same-size.bin", "r+b") as f:
        f.seek(-10, os.SEEK_END)
        f.write(b"0123456789")  # same size, different tail: not the file
    shutil.move(old, new_home / "final cut.mp4")
    code, out, _ = studio("show", "Moves")
    assert "MISSING" in out
    code, out, _ = studio("check", "Moves", "--json")
    assert code == 1
    assert any("missing" in p["code"] for p in json.loads(out)["problems"])
    code, out, _ = studio("relink", tmp_path / "external")
    assert code == 0 and "Relinked 1 file; 0 still missing." in out
    _, view = _episodes(studio.library, "Moves")
    (media,) = view.media.values()
    assert media.path == str(new_home / "final cut.mp4") and not media.missing


def test_files_added_by_a_relative_path_are_found_from_anywhere(studio, tmp_path, clip_vertical,
                                                               monkeypatch):  # fmt: skip
    """`cd clips && studio add Show take1.mp4`, then `studio show` from elsewhere: the
    library keeps where the file is, not the words typed (it said MISSING before)."""
    clips = tmp_path / "clips"
    clips.mkdir()
    shutil.copy(clip_vertical, clips / "take1.mp4")
    studio("new", "Relative")
    monkeypatch.chdir(clips)
    code, out, _ = studio("add", "Relative", "take1.mp4")
    assert code == 0 and "Added 1 of 1 file to 'Relative'." in out
    monkeypatch.chdir(tmp_path)
    code, out, _ = studio("show", "Relative")
    assert code == 0 and "MISSING" not in out
    _, view = _episodes(studio.library, "Relative")
    (media,) = view.media.values()
    assert media.path == str(clips / "take1.mp4")


def test_an_episode_id_of_another_collection_is_refused(studio, clip_vertical):
    """`studio remove A:<id of an episode of B>` removed B's episode."""
    studio("new", "Alpha")
    studio("new", "Beta")
    studio("add", "Alpha", clip_vertical)
    studio("add", "Beta", clip_vertical)
    _, beta = _episodes(studio.library, "Beta")
    other = beta.episodes[0].id
    for args in (("remove", f"Alpha:{other}"), ("trim", "-c", "Alpha", other, "--in", "1"),
                 ("cover", "Alpha", "--episode", other, "--at", "1")):  # fmt: skip
        code, _, err = studio(*args)
        assert code == 2 and "is not in 'Alpha'" in err, (args, err)
    _, beta = _episodes(studio.library, "Beta")
    assert [e.id for e in beta.episodes] == [other] and beta.episodes[0].trim.start == 0


def test_loudness_of_a_missing_file_says_to_relink(studio, tmp_path, clip_vertical):
    clip = tmp_path / "take.mp4"
    shutil.copy(clip_vertical, clip)
    studio("new", "Gone")
    studio("add", "Gone", clip)
    clip.unlink()
    code, _, err = studio("loudness", "Gone:1")
    assert code == 2 and "media file is missing" in err and "relink" in err
    assert "ffmpeg" not in err and len(err.strip().splitlines()) == 1


def test_a_second_collection_with_a_title_in_use_is_refused_and_demo_numbers_itself(studio):
    """Two collections with one title broke every command that names it by title."""
    assert studio("new", "Paris")[0] == 0
    code, _, err = studio("new", "paris")
    assert code == 2 and "already exists" in err
    assert studio("demo", "--episodes", "1")[0] == 0
    code, out, _ = studio("demo", "--episodes", "1")
    assert code == 0 and "(2)" in out
    code, out, _ = studio("show", "Demo: Five-minute kitchen (2)")
    assert code == 0, out


def test_an_episode_title_is_one_line_and_never_empty(studio, clip_vertical):
    studio("new", "Titles")
    studio("add", "Titles", clip_vertical)
    code, _, err = studio("episode", "Titles:1", "--title", "  ")
    assert code == 2 and "cannot be empty" in err
    assert studio("episode", "Titles:1", "--title", "Day\tone\nin Paris")[0] == 0
    _, view = _episodes(studio.library, "Titles")
    assert view.episodes[0].title == "Day one in Paris"


def test_export_of_a_collection_that_is_not_ready_says_so(studio, tmp_path, clip_vertical):
    studio("new", "Draft")  # no price, no description, no cover: not ready
    studio("add", "Draft", clip_vertical)
    code, out, _ = studio("export", "Draft", "--to", tmp_path / "kit")
    assert code == 0 and "Not ready to publish yet" in out and "studio check 'Draft'" in out


def test_adding_a_named_pipe_is_refused_not_a_hang(studio, tmp_path, clip_vertical):
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes are POSIX")
    pipe = tmp_path / "stream.mp4"
    os.mkfifo(pipe)
    studio("new", "Pipes")
    code, out, err = studio("add", "Pipes", pipe, clip_vertical)  # would block on the pipe
    assert "stream.mp4: is not a file" in err and "Added 1 of 2" in out


def test_user_mistakes_are_one_line_errors(studio):
    for args in (["show", "Nope"], ["trim", "3", "--in", "1"], ["set", "Nope", "--price", "2"],
                 ["relink", "/does/not/exist"], ["add", "Nope", "/tmp"]):  # fmt: skip
        code, out, err = studio(*args)
        assert code == 2, (args, out, err)
        assert len(err.strip().splitlines()) == 1 and err.startswith("studio: error: "), err


def test_killed_add_leaves_a_sound_library_with_exactly_the_reported_files(tmp_path, make_clip):
    folder = tmp_path / "many"
    # Distinct sizes make distinct contents, so every file is probed and gets its own row.
    clips = [make_clip(folder / f"clip{i:02d}.mp4", seconds=1, width=64 + 2 * i, height=36,
                       fps=10, audio=False) for i in range(40)]  # fmt: skip
    library = tmp_path / "library.sqlite"
    env = dict(os.environ, STUDIO_LIBRARY=str(library))
    subprocess.run([sys.executable, "-m", "studio", "new", "Killed"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    for stop_after in (3, 17):
        proc = subprocess.Popen(
            [sys.executable, "-m", "studio", "add", "Killed", *map(str, clips)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        reported = []
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("added"):
                reported.append(line.split(": ", 1)[1].rsplit(" (", 1)[0])
            if len(reported) == stop_after:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=30)
        # Lines written before the kill are still in the pipe: they were reported too.
        for line in proc.stdout:
            if line.startswith("added"):
                reported.append(line.split(": ", 1)[1].rsplit(" (", 1)[0])
        proc.stdout.close()
        proc.stderr.close()
        assert stop_after <= len(reported) < len(clips)
        assert proc.returncode == -signal.SIGKILL
        with Library.open(library) as lib:
            assert lib.integrity_ok()
            c = lib.find_collection("Killed")
            view = lib.view(c.id)
            paths = [view.media[e.media_fingerprint].path for e in view.episodes]
            assert paths == reported
            assert len(view.media) == len(reported)
            # Leave an empty collection for the next round.
            for e in view.episodes:
                lib.remove_episode(e.id)


def test_demo_makes_a_collection_a_new_user_can_check(studio):
    code, out, err = studio("demo", "--episodes", "2")
    assert code == 0, err
    title = out.splitlines()[0].split("'")[1]
    code, out, _ = studio("check", title)
    assert code == 0, out
    code, out, _ = studio("list")
    assert title in out and "4.99 USD" in out


def test_check_lists_every_problem_of_a_collection_built_to_break_the_rules(
    studio, tmp_path, clip_vertical, clip_long, clip_no_audio, clip_vfr, clip_rotated,
    clip_landscape,
):
    # A clip of its own: a copy of clip_vertical would carry on with clip_vertical's file.
    gone = media.make_clip(tmp_path / "soon-gone.mp4", seconds=3, width=360, height=640, fps=30)
    studio("new", "Broken")
    code, _, err = studio("add", "Broken", clip_long, clip_vertical, clip_no_audio, clip_vfr,
                          clip_rotated, clip_landscape, gone)  # fmt: skip
    assert code == 0, err
    studio("trim", "Broken:2", "--out", "0:10")
    studio("episode", "Broken:3", "--title", "x" * 300)
    with Library.open(studio.library) as lib:  # the CLI refuses an empty title; a file may not
        c = lib.find_collection("Broken")
        ep = lib.find_episode("4", c.id)
        lib.update_episode(ep.with_(title=""))
    studio("set", "Broken", "--title", "T" * 200, "--description", "d" * 5000)
    gone.unlink()
    code, out, _ = studio("check", "T" * 200, "--json")
    assert code == 1
    report = json.loads(out)
    found = {(p["code"], p["episode_position"]) for p in report["problems"]}
    expected = {
        ("collection.title_too_long", None), ("collection.description_too_long", None),
        ("collection.price_missing", None), ("collection.cover_missing", None),
        ("episode.too_long", 1), ("episode.resolution_too_small", 1),
        ("episode.too_short", 2), ("episode.no_audio", 3), ("episode.title_too_long", 3),
        ("episode.title_missing", 4), ("episode.variable_frame_rate", 4),
        ("episode.rotated", 5), ("episode.not_vertical", 6), ("episode.media_missing", 7),
    }  # fmt: skip
    assert expected <= found, expected - found
    too_long = next(p for p in report["problems"] if p["code"] == "episode.too_long")
    assert too_long["message"] == (
        f"Episode 1 '{Path(clip_long).stem}' lasts 20:30 after trimming; the limit is 20:00."
    )
    code, out, _ = studio("check", "T" * 200)
    assert code == 1 and "errors" in out.splitlines()[0]
    for problem_code, _pos in expected:
        assert any(p["message"] in out for p in report["problems"] if p["code"] == problem_code)


def test_a_read_only_library_chosen_by_studio_library_is_named_with_what_to_do(tmp_path):
    """Not "(the default one)": the file in use, why it cannot be changed, what to do;
    reading still works."""
    from disks import run_as_ordinary_user

    library = tmp_path / "lib.sqlite"
    assert main(["--library", str(library), "new", "Walks"]) == 0
    library.chmod(0o444)
    probe = ("import sys; from studio.cli.main import main; "
             "sys.exit(main(sys.argv[1:]))")  # fmt: skip
    env = {"STUDIO_LIBRARY": str(library)}
    listing = run_as_ordinary_user(probe.replace("sys.argv[1:]", "['list']"), **env)
    assert listing.returncode == 0 and "Walks" in listing.stdout, listing.stderr
    for args in (["new", "Second"], ["set", "Walks", "--price", "5"]):
        proc = run_as_ordinary_user(probe.replace("sys.argv[1:]", repr(args)), **env)
        assert proc.returncode == 2
        assert proc.stderr == (f"studio: error: The library {library} is a read-only file: it "
                               "can be read but not changed. Make it writable or copy it to a "
                               "folder you can write, or open another one with --library.\n")
    with Library.open(library) as lib:
        assert [c.title for c in lib.collections()] == ["Walks"]


def test_an_sqlite_error_names_the_library_studio_library_chose(tmp_path, monkeypatch, capsys):
    import sqlite3

    from studio.cli import commands

    def locked(args):
        exc = sqlite3.OperationalError("database is locked")
        exc.sqlite_errorname = "SQLITE_BUSY"
        raise exc

    monkeypatch.setattr(commands, "cmd_list", locked)
    monkeypatch.setenv("STUDIO_LIBRARY", str(tmp_path / "chosen.sqlite"))
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert err == (f"studio: error: The library {tmp_path / 'chosen.sqlite'} is kept busy by "
                   "another program (another Series Studio?); try again when it is done.\n")


_LOCK_PROBE = """
import sys
from studio.app import one_at_a_time, fallback_lock_dir, cache_problem
from studio.domain.errors import UserError
try:
    with one_at_a_time("export /some/kit"):
        print("held:", sorted(p.name for p in fallback_lock_dir().iterdir()) != [])
except UserError as exc:
    print("error:", exc)
print("cache:", cache_problem())
"""


def test_export_locks_work_when_the_cache_folder_cannot_be_written(tmp_path):
    """A cache left owned by root after a `sudo studio` blocked export and publish
    ('.../cache/locks: Permission denied') while self-test said all was well."""
    from disks import run_as_ordinary_user

    cache = tmp_path / "cache"
    (cache / "locks").mkdir(parents=True)
    cache.chmod(0o555)
    (cache / "locks").chmod(0o555)
    try:
        proc = run_as_ordinary_user(_LOCK_PROBE, STUDIO_CACHE_DIR=str(cache))
        blocked = run_as_ordinary_user(_LOCK_PROBE.replace(
            "from studio.app import", "import studio.app as app, tempfile\n"
            f"tempfile.tempdir = {str(cache)!r}\nfrom studio.app import"),
            STUDIO_CACHE_DIR=str(cache))  # fmt: skip
    finally:
        (cache / "locks").chmod(0o755)
        cache.chmod(0o755)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "held: True", f"cache: {cache / 'locks'} cannot be written: Permission denied"]
    # With nowhere to put the lock, the message says which folder to fix and how.
    assert blocked.stdout.splitlines()[0] == (
        f"error: The cache folder {cache} cannot be written (Permission denied; owned by "
        "another user?): fix its permissions, or set STUDIO_CACHE_DIR to a folder you can "
        "write.")


def test_self_test_flags_a_cache_folder_that_cannot_be_written(tmp_path):
    from disks import run_as_ordinary_user

    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o555)
    try:
        proc = run_as_ordinary_user(
            "from pathlib import Path; from studio.cli.selftest_commands import _State, "
            f"_check_cache; _check_cache(_State(Path('.'), users_cache=Path({str(cache)!r})))")
    finally:
        cache.chmod(0o755)
    assert proc.returncode == 1
    assert (f"RuntimeError: the cache folder: {cache} cannot be written: Permission denied "
            "(owned by another user, after a sudo studio?)") in proc.stderr
    from studio.cli.selftest_commands import _check_cache, _State

    assert _check_cache(_State(tmp_path, users_cache=cache)) == f"{cache} can be written"


def test_a_lock_taken_by_root_in_the_cache_still_holds_off_an_ordinary_user(
        tmp_path, monkeypatch):  # fmt: skip
    """After a `sudo studio publish`, the lock files in the cache belong to root; the
    user's export took its lock in the temp folder instead, so the two no longer held
    each other off (helper-34's review). A lock file opened for reading still locks."""
    from disks import run_as_ordinary_user

    from studio.app import one_at_a_time

    cache = tmp_path / "cache"
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(cache))
    child = ("from studio.app import Busy, one_at_a_time\n"
             "try:\n"
             "    with one_at_a_time('publish /kit'):\n"
             "        print('held')\n"
             "except Busy:\n"
             "    print('busy')\n")  # fmt: skip
    with one_at_a_time("publish /kit"):  # root, publishing
        locks = cache / "locks"
        for f in locks.iterdir():
            f.chmod(0o444)
        locks.chmod(0o555)
        try:
            during = run_as_ordinary_user(child, STUDIO_CACHE_DIR=str(cache))
        finally:
            locks.chmod(0o755)
    assert during.stdout.strip() == "busy", during.stderr
    locks.chmod(0o555)
    try:
        after = run_as_ordinary_user(child, STUDIO_CACHE_DIR=str(cache))
    finally:
        locks.chmod(0o755)
    assert after.stdout.strip() == "held", after.stderr
