"""Importing creator archives (YouTube Takeout, Instagram) made from real clips; hostile ones."""

from __future__ import annotations

import argparse
import io
import json
import os
import uuid
import zipfile
from pathlib import Path

import archive_factory as af
import pytest
from archive_factory import IgPost, Video, utc

from studio.app import AppContext
from studio.cli.archive_commands import register
from studio.domain.errors import UserError
from studio.ingest import (
    Budget,
    ItemStatus,
    apply_picks,
    find_playlist,
    import_archive,
    playlist_items,
    preview_archive,
)
from studio.ingest.instagram import repair_mojibake, title_from_caption
from studio.ingest.takeout import name_fits, title_key
from studio.store.library import Library
from studio.tasks import Cancelled, CancelToken

LONG = "How I cook pasta every night — the complete guide for beginners"


@pytest.fixture
def ctx(tmp_path):
    with AppContext.open(tmp_path / "lib" / "library.sqlite") as c:
        yield c


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    return lambda seconds, variant=0: af.clip(folder, seconds, variant)


def english_videos(clips) -> list[Video]:
    return [
        Video("v1", "Morning routine", utc(2023, 1, 5), clips(1), "Wake up with me."),
        Video("v2", LONG, utc(2023, 1, 10), clips(1, 1), "Pasta, step by step."),
        Video("v3", "Vlog", utc(2023, 2, 1), clips(1, 2)),  # "Vlog.mp4"
        Video("v4", "Vlog", utc(2023, 3, 1), clips(4)),  # "Vlog(1).mp4", told apart by length
        Video("v5", "Café au lait ☕", utc(2023, 3, 15), clips(2), "Über-gemütlich",
              file_name="Cafe\u0301 au lait ☕.mp4"),  # decomposed accent in the file name
        Video("v6", "Deleted later", utc(2023, 4, 1), None),  # its file is not in the archive
        Video("v7", "Twin", utc(2023, 5, 1), clips(2, 1)),  # same title and length:
        Video("v8", "Twin", utc(2023, 5, 2), clips(2, 2)),  # ...ambiguous, never guessed
    ]  # fmt: skip


def english_takeout(tmp_path, clips, parts=3) -> list[Path]:
    files = af.takeout_files(
        english_videos(clips),
        playlists=[("Best of", "My favourite videos.", ["v4", "v1", "v5", "someone-elses"])],
        extra_files={"random clip.mp4": clips(3)},
    )  # fmt: skip
    return af.write_zips(tmp_path / "downloads", "takeout-20240101T000000Z", files, parts)


def titles(ctx, collection) -> list[str]:
    return [e.title for e in ctx.library.episodes(collection.id)]


def test_takeout_in_three_zip_parts_matches_by_title_and_length(tmp_path, ctx, clips):
    parts = english_takeout(tmp_path, clips)
    preview = preview_archive(parts)
    assert preview.kinds == ("youtube",) and preview.name == "takeout-20240101T000000Z"
    status = {it.key: it.status for it in preview.items}
    assert [status[f"youtube:v{i}"] for i in range(1, 6)] == [ItemStatus.READY] * 5
    assert status["youtube:v6"] is ItemStatus.MISSING
    twins = [it for it in preview.items if it.status is ItemStatus.AMBIGUOUS]
    assert sorted(it.source_ref.rsplit("/", 1)[1] for it in twins) == ["Twin(1).mp4", "Twin.mp4"]
    assert all({c.video_id for c in it.candidates} == {"v7", "v8"} for it in twins)
    [lost] = [it for it in preview.items if it.status is ItemStatus.UNMATCHED]
    assert lost.title == "random clip" and "videos.csv" in lost.problem
    assert not preview.problems

    outside = af.files_outside(tmp_path, ctx.media_dir)
    c = ctx.library.create_collection("From YouTube")
    report = import_archive(ctx.library, ctx.media_dir, preview, c)
    assert len(report.added) == 5 and not report.failed
    assert titles(ctx, c) == ["Morning routine", LONG, "Vlog", "Vlog", "Café au lait ☕"]
    lengths = [round(e.duration / 1e6) for e in ctx.library.episodes(c.id)]
    assert lengths == [1, 1, 1, 4, 2]  # "Vlog(1).mp4" (4 s) is the second "Vlog"
    folder = ctx.media_dir / "archives" / "takeout-20240101T000000Z"
    assert all(r.path.is_relative_to(folder) for r in report.added)
    assert af.files_outside(tmp_path, ctx.media_dir) == outside
    manifest = json.loads((folder / "import.json").read_text(encoding="utf-8"))
    v5 = manifest["items"]["youtube:v5"]
    assert v5["description"] == "Über-gemütlich" and v5["created_at"].startswith("2023-03-15")
    assert not list(folder.rglob("*.part"))

    again = import_archive(ctx.library, ctx.media_dir, preview_archive(parts), c)
    assert not again.added and len(again.skipped) == 5
    assert "episode 1 of 'From YouTube'" in again.skipped[0].reason
    assert ctx.library.episode_count(c.id) == 5


def test_a_playlist_imports_in_its_order_with_its_description(tmp_path, ctx, clips):
    preview = preview_archive(english_takeout(tmp_path, clips, parts=2))
    best = find_playlist(preview, "best OF")
    assert best.not_uploaded == 1  # a video of another channel is not in a Takeout
    items = playlist_items(preview, best)
    c = ctx.library.create_collection("Best of")
    report = import_archive(ctx.library, ctx.media_dir, preview, c, items, playlist=best)
    assert len(report.added) == 3
    assert titles(ctx, c) == ["Vlog", "Morning routine", "Café au lait ☕"]
    assert ctx.library.collection(c.id).description == "My favourite videos."
    with pytest.raises(UserError, match="Best of"):
        find_playlist(preview, "Worst of")


def test_french_headers_in_an_unpacked_folder_with_old_playlists(tmp_path, ctx, clips):
    videos = [
        Video("f1", "Recette de crêpes (facile !)", utc(2022, 11, 2, 8, 30), clips(1, 3),
              "Des crêpes en 10 minutes."),
        Video("f2", "Mon été à Lyon", utc(2022, 7, 14), clips(4, 1)),
        Video("f3", "Mon été à Lyon", utc(2022, 8, 1), clips(1, 4)),
    ]  # fmt: skip
    files = af.takeout_files(videos, lang="fr", playlists=[("Été", "Souvenirs.", ["f3", "f2"])],
                             playlist_layout="old")  # fmt: skip
    root = af.write_folder(tmp_path / "Takeout-unpacked", files)
    preview = preview_archive([root])
    assert all(it.status is ItemStatus.READY for it in preview.items)
    [summer] = preview.playlists
    assert (summer.id, summer.title, summer.description) == ("PL0", "Été", "Souvenirs.")
    c = ctx.library.create_collection("Été")
    report = import_archive(ctx.library, ctx.media_dir, preview, c,
                            playlist_items(preview, summer), playlist=summer)  # fmt: skip
    assert [r.item.created_at for r in report.added] == [utc(2022, 8, 1), utc(2022, 7, 14)]
    assert titles(ctx, c) == ["Mon été à Lyon", "Mon été à Lyon"]
    assert [round(e.duration / 1e6) for e in ctx.library.episodes(c.id)] == [1, 4]
    assert all(r.path.is_relative_to(root) for r in report.added)  # used where they are
    assert not list((ctx.media_dir / "archives").rglob("*.mp4"))


def test_title_normalisation_and_truncation():
    assert title_key("Café au lait ☕ (2)") == title_key("Cafe\u0301 AU LAIT")
    assert name_fits("Vlog(1)", "Vlog") and name_fits("My_video_ part 2", "My/video? part 2")
    cut = af.utf16_cut(LONG, 43)
    assert name_fits(cut, LONG) and name_fits(cut + "(3)", LONG)
    assert not name_fits("Vlog", "Vlog extended")  # a short name is never a prefix match
    assert name_fits("☕☕(1)", "☕ ☕") and not name_fits("☕", "☕☕")  # emoji-only titles
    assert not name_fits("", "")  # nothing to compare: listed, not guessed


def test_the_creator_resolves_an_ambiguous_file(tmp_path, ctx, clips):
    preview = preview_archive(english_takeout(tmp_path, clips, parts=1))
    twins = sorted((it for it in preview.items if it.status is ItemStatus.AMBIGUOUS),
                   key=lambda it: it.source_ref)  # fmt: skip
    chosen = [twins[0].resolved(next(c for c in twins[0].candidates if c.video_id == "v8")),
              twins[1].resolved(next(c for c in twins[1].candidates if c.video_id == "v7"))]
    c = ctx.library.create_collection("Twins")
    report = import_archive(ctx.library, ctx.media_dir, preview, c, chosen)
    assert [r.item.video_id for r in report.added] == ["v8", "v7"]
    assert titles(ctx, c) == ["Twin", "Twin"]


def test_the_note_of_an_ambiguous_file_names_each_video_with_its_date_and_id(tmp_path, clips):
    preview = preview_archive(english_takeout(tmp_path, clips, parts=1))
    twin = next(it for it in preview.items if (it.source_ref or "").endswith("/Twin.mp4"))
    assert twin.pickable and twin.problem == (
        "Its title and length fit several videos: 'Twin' (2023-05-01, id v7), 'Twin' "
        "(2023-05-02, id v8). Choose the right one.")  # fmt: skip
    resolved = apply_picks(preview, ["Twin.mp4=v8"]).item(twin.key)
    assert (resolved.status, resolved.video_id, resolved.chosen) == (ItemStatus.READY, "v8", True)
    assert resolved.created_at == utc(2023, 5, 2)


def instagram_posts(clips) -> list[IgPost]:
    return [
        IgPost("post", [clips(1, 5)], "Été à Paris 🌞\nMerci à tous #travel #paris",
               utc(2023, 6, 1, 12)),
        IgPost("post", [None], "Just a photo", utc(2023, 6, 2)),
        IgPost("post", [clips(2, 3), None, clips(1, 6)], "Carousel: kitchen tour",
               utc(2023, 6, 3), carousel=True),
        IgPost("reel", [clips(4, 2)], "Crème brûlée in 30 seconds 🍮 #dessert", utc(2023, 5, 20)),
        IgPost("story", [clips(1, 7)], "", utc(2023, 7, 1)),
    ]  # fmt: skip


@pytest.mark.parametrize("layout, zipped", [("new", True), ("old", False)])
def test_instagram_posts_reels_and_stories(tmp_path, ctx, clips, layout, zipped):
    files = af.instagram_files(instagram_posts(clips), layout=layout)
    if zipped:
        sources = af.write_zips(tmp_path / "dl", "instagram-chef-2024-01-01", files, parts=2)
    else:
        sources = [af.write_folder(tmp_path / "instagram-chef", files)]
    preview = preview_archive(sources)
    assert preview.kinds == ("instagram",) and preview.skipped_photos == 2
    assert [it.kind for it in preview.items] == ["reel", "post", "post", "post", "story"]
    c = ctx.library.create_collection("Insta")
    report = import_archive(ctx.library, ctx.media_dir, preview, c)
    assert len(report.added) == 5
    assert titles(ctx, c) == ["Crème brûlée in 30 seconds 🍮", "Été à Paris 🌞",
                              "Carousel: kitchen tour", "Carousel: kitchen tour",
                              "Story of 2023-07-01"]  # fmt: skip
    captions = [r.item.description for r in report.added]
    assert captions[1] == "Été à Paris 🌞\nMerci à tous #travel #paris"
    assert [r.item.created_at for r in report.added][:2] == [utc(2023, 5, 20), utc(2023, 6, 1, 12)]


def test_caption_helpers():
    assert repair_mojibake(af.mojibake("Crème brûlée 🍮")) == "Crème brûlée 🍮"
    assert repair_mojibake("café") == "café"  # already right: left alone
    assert title_from_caption("#ad\n  Hello   world #food @friend\nmore") == "Hello world"


def test_broken_json_is_named_with_its_line_and_the_rest_imports(tmp_path, ctx, clips):
    files = af.instagram_files(instagram_posts(clips),
                               broken={"reels.json": '{"ig_reels_media": [\n  {"media": [}\n'})
    preview = preview_archive([af.write_folder(tmp_path / "ig", files)])
    [problem] = preview.problems
    assert "reels.json" in problem.message and problem.line == 2
    assert "line 2" in problem.message
    assert len(preview.default_selection) == 4  # posts and stories still read


def test_a_csv_with_a_broken_quote_is_named_and_the_rows_before_it_kept(tmp_path, clips):
    header = ",".join(af.TAKEOUT_HEADERS["en"])
    csv_text = (f"{header}\n"
                "a1,1300,en,Blog,ok,UC,First,Public,Processed,2023-01-01T00:00:00+00:00,\n"
                'a2,4300,en,Blog,"never closed,UC,Second,Public,Processed,,\n'
                "a3,1300,en,Blog,,UC,Third,Public,Processed,,\n")  # fmt: skip
    videos = [Video("a1", "First", utc(2023, 1, 1), clips(1)),
              Video("a2", "Second", utc(2023, 1, 2), clips(4))]  # fmt: skip
    files = af.takeout_files(videos, videos_csv=csv_text.encode())
    preview = preview_archive(af.write_zips(tmp_path, "takeout", files))
    [problem] = preview.problems
    assert problem.file.startswith("Takeout/YouTube and YouTube Music/video metadata/videos.csv")
    assert problem.line == 3 and "line 3" in problem.message and "never closed" in problem.message
    status = {it.title: it.status for it in preview.items}
    assert status == {"First": ItemStatus.READY, "Second": ItemStatus.UNMATCHED}


def hostile_takeout(tmp_path, clips) -> tuple[list[Path], Path]:
    files = af.takeout_files([Video("h1", "Fine", utc(2023, 1, 1), clips(1))])
    [good] = af.write_zips(tmp_path / "dl", "takeout-hostile", files)
    outside = tmp_path / f"abs-{uuid.uuid4().hex}.mp4"
    videos = "Takeout/YouTube and YouTube Music/videos/"
    af.add_entry(good, videos + "../../../../../evil.mp4", b"zip slip")
    af.add_entry(good, str(outside), b"absolute")
    af.add_entry(good, videos + "link.mp4", b"/etc/passwd", mode=af.symlink_mode())
    af.add_entry(good, videos + "tty.mp4", b"", mode=af.device_mode())
    bomb = af.write_zip_bomb(tmp_path / "dl" / "takeout-hostile-002.zip", videos + "Fine(1).mp4")
    return [good, bomb], outside


def test_hostile_entries_are_refused_and_nothing_is_written_outside(tmp_path, ctx, clips):
    parts, absolute = hostile_takeout(tmp_path, clips)
    before = af.files_outside(tmp_path, ctx.media_dir)
    preview = preview_archive(parts)
    messages = " | ".join(p.message for p in preview.problems)
    for expected in ("climbs out of the archive", "absolute", "symbolic link", "device",
                     "zip bomb"):  # fmt: skip
        assert expected in messages
    assert [it.title for it in preview.items] == ["Fine"]
    c = ctx.library.create_collection("Safe")
    report = import_archive(ctx.library, ctx.media_dir, preview, c)
    assert len(report.added) == 1
    assert af.files_outside(tmp_path, ctx.media_dir) == before
    assert not absolute.exists() and not (tmp_path / "evil.mp4").exists()
    with pytest.raises(UserError, match="zip bomb"):
        preview_archive(parts[1:])


def test_damaged_parts_and_budgets(tmp_path, ctx, clips):
    files = af.takeout_files(english_videos(clips)[:3])
    parts = af.write_zips(tmp_path / "dl", "takeout", files, parts=2)
    af.damage_central_directory(parts[1])
    preview = preview_archive(parts)
    [problem] = preview.problems
    assert problem.file == parts[1].name and "table of contents" in problem.message
    assert any(it.status is ItemStatus.MISSING for it in preview.items)  # says what is missing
    assert preview.default_selection  # and imports what it can
    with pytest.raises(UserError, match="table of contents"):
        preview_archive(parts[1:])
    with pytest.raises(UserError, match="holds 2 entries, more than the 1 allowed"):
        preview_archive(parts[:1], budget=Budget(max_entries=1))
    with pytest.raises(UserError, match="more than the 1.0 kB allowed"):
        preview_archive(parts[:1], budget=Budget(max_total_bytes=1000))
    c = ctx.library.create_collection("Tight")
    with pytest.raises(UserError, match="only 1 byte can be used"):
        import_archive(ctx.library, ctx.media_dir, preview, c, budget=Budget(max_extract_bytes=1))
    assert ctx.library.episode_count(c.id) == 0


def test_cancelling_keeps_what_was_added_and_leaves_no_partial_file(tmp_path, ctx, clips):
    preview = preview_archive(english_takeout(tmp_path, clips, parts=1))
    c = ctx.library.create_collection("Cancelled")
    token = CancelToken()
    with pytest.raises(Cancelled):
        import_archive(ctx.library, ctx.media_dir, preview, c,
                       on_result=lambda r: token.cancel(), cancel=token)  # fmt: skip
    assert ctx.library.episode_count(c.id) == 1
    assert not list(ctx.media_dir.rglob("*.part"))
    manifest = ctx.media_dir / "archives" / preview.name / "import.json"
    assert list(json.loads(manifest.read_text(encoding="utf-8"))["items"]) == ["youtube:v1"]

    def cancel_while_extracting(p):
        if p.done >= 1:  # the first file's bytes are written, its extraction goes on
            token.cancel()

    token = CancelToken()
    d = ctx.library.create_collection("Cancelled while extracting")
    with pytest.raises(Cancelled):
        import_archive(ctx.library, ctx.media_dir, preview, d, preview.default_selection[1:],
                       progress=cancel_while_extracting, cancel=token)  # fmt: skip
    assert ctx.library.episode_count(d.id) == 0
    assert sorted(p.name for p in manifest.parent.rglob("*") if p.is_file()) == [
        "Morning routine.mp4", "import.json"]  # the first file only, and no partial file


def run_cli(library: Path, capsys, *argv: str) -> tuple[int, str]:
    """The subcommand as ``studio`` runs it: a UserError is exit status 2."""
    parser = argparse.ArgumentParser(prog="studio")
    parser.add_argument("--library")
    sub = parser.add_subparsers(dest="command")

    def cmd(name, func, help):
        p = sub.add_parser(name, help=help)
        p.set_defaults(func=func)
        return p

    register(cmd)
    args = parser.parse_args(["--library", str(library), *argv])
    try:
        code = args.func(args)
    except UserError as exc:
        print(exc)
        code = 2
    return code, capsys.readouterr().out


def test_cli_import_archive(tmp_path, capsys, clips):
    library = tmp_path / "cli" / "library.sqlite"
    parts = [str(p) for p in english_takeout(tmp_path, clips, parts=2)]
    code, out = run_cli(library, capsys, "import-archive", *parts, "--dry-run", "--json")
    data = json.loads(out)
    assert code == 1 and data["collection"] is None and data["summary"]["needs_attention"] == 4
    assert not library.exists()  # a dry run does not even open the library

    code, out = run_cli(library, capsys, "import-archive", *parts, "--playlist", "Best of")
    assert code == 0, out  # every video of the playlist that is in the archive was imported
    assert "Created the collection 'Best of'" in out and "3 added" in out

    code, out = run_cli(library, capsys, "import-archive", *parts, "-c", "Best of", "--json")
    data = json.loads(out)
    assert code == 1 and data["summary"] == {"added": 2, "skipped": 3, "failed": 0,
                                             "needs_attention": 4}  # fmt: skip
    by_key = {i["key"]: i for i in data["items"]}
    assert by_key["youtube:v1"]["outcome"] == "skipped"
    assert by_key["youtube:v2"]["episode"]["position"] == 4
    assert by_key["youtube:v2"]["description"] == "Pasta, step by step."
    assert by_key["youtube:v6"]["status"] == "missing" and by_key["youtube:v6"]["outcome"] is None

    code, out = run_cli(library, capsys, "import-archive", str(tmp_path / "nope.zip"))
    assert code == 2 and "does not exist" in out
    code, out = run_cli(library, capsys, "import-archive", *parts, "--playlist", "Nope")
    assert code == 2 and "'Best of'" in out


def test_cli_says_how_to_choose_and_imports_the_chosen_videos(tmp_path, capsys, clips):
    library = tmp_path / "cli" / "library.sqlite"
    parts = [str(p) for p in english_takeout(tmp_path, clips, parts=1)]
    code, out = run_cli(library, capsys, "import-archive", *parts, "--dry-run")
    assert code == 1
    assert "'Twin' (2023-05-01, id v7), 'Twin' (2023-05-02, id v8)" in out
    assert "run the same command again with one of its --pick options" in out
    for line in ("  Twin.mp4 may be:", "    --pick Twin.mp4=v7   'Twin' (2023-05-01, id v7)",
                 "  Twin(1).mp4 may be:",
                 "    --pick 'Twin(1).mp4=v8'   'Twin' (2023-05-02, id v8)"):
        assert line in out.splitlines(), line
    assert "random clip.mp4 may be" not in out  # no video to choose from: nothing offered
    code, out = run_cli(library, capsys, "import-archive", *parts, "--dry-run", "--json")
    twin = next(i for i in json.loads(out)["items"]
                if (i["source_ref"] or "").endswith("/Twin(1).mp4"))
    assert [c["pick"] for c in twin["candidates"]] == ["Twin(1).mp4=v7", "Twin(1).mp4=v8"]

    code, out = run_cli(library, capsys, "import-archive", *parts, "-c", "Twins",
                        "--pick", "Twin.mp4=v8", "--pick", "Twin(1).mp4=v7", "--json")
    data = json.loads(out)
    added = {(i["source_ref"] or "").rsplit("/", 1)[-1]: i for i in data["items"]
             if i["outcome"] == "added"}  # fmt: skip
    assert (added["Twin.mp4"]["video_id"], added["Twin.mp4"]["chosen"]) == ("v8", True)
    assert added["Twin(1).mp4"]["video_id"] == "v7"
    assert added["Twin(1).mp4"]["created_at"].startswith("2023-05-01")
    assert data["summary"]["needs_attention"] == 2  # the unmatched clip and the missing video
    assert code == 1 and "may be:" not in out


@pytest.mark.parametrize("pick, message", [
    ("Twin.mp4", "'Twin.mp4' is not a choice: write it FILE=VIDEO_ID"),
    ("Twin.mp4=v1", "'v1' is not one of the videos Twin.mp4 may be: 'Twin' (2023-05-01, id v7), "
                    "'Twin' (2023-05-02, id v8)."),
    ("Vlog.mp4=v3", "'Vlog.mp4' needs no choice"),
    ("Nope.mp4=v7", "No file of the archive is called 'Nope.mp4'. The files to choose for: "
                    "Twin.mp4, Twin(1).mp4."),
])  # fmt: skip
def test_cli_refuses_a_pick_it_cannot_use(tmp_path, capsys, clips, pick, message):
    library = tmp_path / "library.sqlite"
    parts = [str(p) for p in english_takeout(tmp_path, clips, parts=1)]
    code, out = run_cli(library, capsys, "import-archive", *parts, "--pick", pick)
    assert code == 2 and message in out
    assert not library.exists()


def test_cli_refuses_one_video_for_two_files(tmp_path, capsys, clips):
    parts = [str(p) for p in english_takeout(tmp_path, clips, parts=1)]
    code, out = run_cli(tmp_path / "library.sqlite", capsys, "import-archive", *parts,
                        "--pick", "Twin.mp4=v7", "--pick", "Twin(1).mp4=v7")  # fmt: skip
    assert code == 2
    assert "'Twin' (2023-05-01, id v7) is chosen for both Twin.mp4 and Twin(1).mp4" in out


class Terminal(io.StringIO):
    """What the creator types, on a stdin that is a terminal."""

    def isatty(self) -> bool:
        return True


def test_cli_asks_in_a_terminal_and_says_the_picks_for_next_time(tmp_path, capsys, clips,
                                                                 monkeypatch):
    library = tmp_path / "library.sqlite"
    parts = [str(p) for p in english_takeout(tmp_path, clips, parts=1)]
    monkeypatch.setattr("sys.stdin", Terminal("3\n2\n\n"))  # 3 is no choice; then v8; skip
    code, out = run_cli(library, capsys, "import-archive", *parts, "-c", "Asked")
    assert "Which video is it? A number from 1 to 2, or Enter to leave it out:" in out
    assert "  1. 'Twin' (2023-05-01, id v7)" in out and "'3' is not one of the numbers" in out
    assert "next time: --pick Twin.mp4=v8" in out
    with Library.open(library) as lib:
        [c] = lib.collections()
        assert [e.title for e in lib.episodes(c.id)][-1] == "Twin"
        assert lib.episode_count(c.id) == 6  # five ready, and the twin chosen; not the other
    assert code == 1
    monkeypatch.setattr("sys.stdin", Terminal(""))
    code, out = run_cli(library, capsys, "import-archive", *parts, "--no-input", "--dry-run")
    assert "Which video is it?" not in out


def test_links_and_special_files_in_a_folder_are_refused(tmp_path, ctx, clips):
    files = af.takeout_files([Video("h1", "Fine", utc(2023, 1, 1), clips(1))])
    root = af.write_folder(tmp_path / "unpacked", files)
    videos = root / "Takeout" / "YouTube and YouTube Music" / "videos"
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(clips(4).read_bytes())
    (videos / "link.mp4").symlink_to(secret)
    os.mkfifo(videos / "pipe.mp4")
    preview = preview_archive([root])
    messages = sorted(p.message for p in preview.problems)
    assert "link.mp4" in messages[0] and "symbolic link" in messages[0]
    assert "pipe.mp4" in messages[1] and "special file" in messages[1]
    assert [it.title for it in preview.items] == ["Fine"]


@pytest.mark.parametrize("lang", ["de", "es"])
def test_german_and_spanish_takeouts_import_with_their_titles(tmp_path, ctx, clips, lang):
    videos = [Video("l1", "Mein erstes Vídeo", utc(2024, 1, 1), clips(1, 1), "Beschreibung"),
              Video("l2", "Zweites: wie?", utc(2024, 1, 2), clips(2, 2))]  # fmt: skip
    files = af.localized_takeout_files(videos, lang, [("Reise", "Drei Tage.", ["l2", "l1"])])
    preview = preview_archive(af.write_zips(tmp_path, f"takeout-{lang}", files))
    assert not preview.problems
    assert [(it.title, it.status) for it in preview.items] == [
        ("Mein erstes Vídeo", ItemStatus.READY), ("Zweites: wie?", ItemStatus.READY)]
    assert preview.items[0].description == "Beschreibung"
    trip = find_playlist(preview, "Reise")
    assert trip.id == "PL0" and trip.description == ("Drei Tage." if lang == "de" else "")
    c = ctx.library.create_collection("Reise")
    import_archive(ctx.library, ctx.media_dir, preview, c, playlist_items(preview, trip),
                   playlist=trip)  # fmt: skip
    assert titles(ctx, c) == ["Zweites: wie?", "Mein erstes Vídeo"]


def test_a_takeout_in_a_language_not_read_says_so(tmp_path, clips):
    files = {"Takeout/YouTube e YouTube Music/metadati video/video.csv": b"ID video,Titolo\n",
             "Takeout/YouTube e YouTube Music/video/Ciao.mp4": clips(1)}  # fmt: skip
    with pytest.raises(UserError) as caught:
        preview_archive(af.write_zips(tmp_path, "takeout-it", files))
    assert "holds a YouTube Takeout (Takeout/YouTube e YouTube Music)" in str(caught.value)
    assert "German, Spanish" in str(caught.value) and "English" in caught.value.hint


def test_french_playlist_files_are_named_after_the_playlist(tmp_path, ctx, clips):
    videos = [Video("f1", "Montmartre à l'aube", utc(2024, 1, 1), clips(1, 1)),
              Video("f2", "La Seine", utc(2024, 1, 2), clips(2, 2))]  # fmt: skip
    files = af.localized_takeout_files(videos, "fr", [("Paris à pied", "Deux balades.",
                                                       ["f2", "f1"])])  # fmt: skip
    assert "Takeout/YouTube et YouTube Music/playlists/Paris à pied-Vidéos.csv" in files
    preview = preview_archive(af.write_zips(tmp_path, "takeout-fr", files))
    [paris] = preview.playlists
    assert (paris.id, paris.title, paris.description) == ("PL0", "Paris à pied", "Deux balades.")
    c = ctx.library.create_collection("Paris")
    import_archive(ctx.library, ctx.media_dir, preview, c, playlist_items(preview, paris),
                   playlist=find_playlist(preview, "Paris à pied"))  # fmt: skip
    assert titles(ctx, c) == ["La Seine", "Montmartre à l'aube"]
    assert ctx.library.collection(c.id).description == "Deux balades."


def test_files_named_exactly_as_their_title_are_matched(tmp_path, clips):
    videos = [Video(f"p{n}", f"Paris walk ({n})", utc(2024, 1, n), clips(2, n)) for n in (1, 2, 3)]
    videos += [Video("h1", "❤️", utc(2024, 1, 4), clips(1, 1)),
               Video("s1", "☀️", utc(2024, 1, 5), clips(1, 2)),
               Video("f1", "🔥/🔥", utc(2024, 1, 6), clips(3, 1)),  # Takeout: "🔥_🔥.mp4"
               Video("q1", "???", utc(2024, 1, 7), clips(3, 2)),  # Takeout: "___.mp4"
               Video("v1", "Vlog", utc(2024, 2, 1), clips(1, 3)),  # "Vlog.mp4"
               Video("v2", "Vlog", utc(2024, 2, 2), clips(4, 1))]  # "Vlog(1).mp4", by length
    files = af.takeout_files(videos)
    assert "Takeout/YouTube and YouTube Music/videos/___.mp4" in files
    preview = preview_archive(af.write_zips(tmp_path, "takeout", files))
    got = {it.source_ref.rsplit("/", 1)[1]: (it.title, it.status) for it in preview.items}
    assert got == {
        "Paris walk (1).mp4": ("Paris walk (1)", ItemStatus.READY),
        "Paris walk (2).mp4": ("Paris walk (2)", ItemStatus.READY),
        "Paris walk (3).mp4": ("Paris walk (3)", ItemStatus.READY),
        "❤️.mp4": ("❤️", ItemStatus.READY), "☀️.mp4": ("☀️", ItemStatus.READY),
        "🔥_🔥.mp4": ("🔥/🔥", ItemStatus.READY), "___.mp4": ("???", ItemStatus.READY),
        "Vlog.mp4": ("Vlog", ItemStatus.READY), "Vlog(1).mp4": ("Vlog", ItemStatus.READY)}
    assert preview.item("youtube:v2").source_ref.endswith("Vlog(1).mp4")


def test_parts_unpacked_side_by_side_are_one_archive(tmp_path, ctx, clips):
    videos = [Video("a1", "First video", utc(2024, 1, 1), clips(1, 1)),
              Video("a2", "Second video", utc(2024, 1, 2), clips(2, 2)),
              Video("a3", "Third video", utc(2024, 1, 3), clips(3, 3))]  # fmt: skip
    files = af.takeout_files(videos, playlists=[("Best", "All three.", ["a3", "a2", "a1"])])
    root = af.split_into_part_folders(tmp_path / "Downloads", files, parts=3)
    assert sorted(p.name for p in root.iterdir()) == ["Takeout", "Takeout 2", "Takeout 3"]
    preview = preview_archive([root])
    assert [(it.title, it.status) for it in preview.items] == [
        ("First video", ItemStatus.READY), ("Second video", ItemStatus.READY),
        ("Third video", ItemStatus.READY)]
    best = find_playlist(preview, "Best")
    c = ctx.library.create_collection("Best")
    import_archive(ctx.library, ctx.media_dir, preview, c, playlist_items(preview, best),
                   playlist=best)  # fmt: skip
    assert titles(ctx, c) == ["Third video", "Second video", "First video"]


def test_a_password_protected_zip_says_so_and_what_to_do(tmp_path, clips):
    files = af.takeout_files([Video("k1", "Locked", utc(2024, 1, 1), clips(1))])
    locked = af.write_encrypted_zip(tmp_path / "takeout-protected.zip", files, b"secret")
    with pytest.raises(UserError) as caught:
        preview_archive([locked])
    message = str(caught.value)
    assert "takeout-protected.zip is protected by a password (2 of its files)" in message
    assert "unzip it with its password and give the folder" in message
    assert "damaged" not in message and "ZipInfo" not in message


def test_an_episode_left_with_its_file_name_gets_its_title_on_import(tmp_path, ctx, clips):
    from studio import actions

    videos = [Video(f"e{n}", f"Ep {n}: what?", utc(2024, 1, n), clips(1, n)) for n in (1, 2, 3)]
    root = af.write_folder(tmp_path / "Takeout-folder", af.takeout_files(videos))
    folder = root / "Takeout" / "YouTube and YouTube Music" / "videos"
    c = ctx.library.create_collection("Show")
    # What an import interrupted between "added" and "titled" left (older versions):
    actions.add_files(ctx.library, c, [folder / "Ep 2_ what_.mp4"])
    [renamed] = actions.add_files(ctx.library, c, [folder / "Ep 3_ what_.mp4"])
    ctx.library.update_episode(renamed.episode.with_(title="My own title"))
    assert titles(ctx, c) == ["Ep 2 what", "My own title"]
    report = import_archive(ctx.library, ctx.media_dir, preview_archive([root]), c)
    assert titles(ctx, c) == ["Ep 2: what?", "My own title", "Ep 1: what?"]
    assert [r.item.video_id for r in report.added] == ["e1", "e2"]
    assert "its title is now set" in report.added[1].reason
    assert [r.item.video_id for r in report.skipped] == ["e3"]  # the creator's title stays


@pytest.mark.parametrize("encoding, title", [
    ("cp850", "Não é verdade"), ("cp932", "日本の旅"), ("cp437", "Café crème"),
    ("cp866", "Привет"), ("cp866", "Мой влог"), ("cp852", "Zażółć"),
    ("cp932", "ソフトクリーム"),  # ソ is 0x83 0x5C: its second byte is a backslash in cp437
])  # fmt: skip
def test_zips_made_on_windows_read_names_in_their_code_page(tmp_path, ctx, clips, encoding,
                                                            title):  # fmt: skip
    files = af.takeout_files([Video("w1", title, utc(2024, 1, 1), clips(2, 1)),
                              Video("w2", "Plain", utc(2024, 1, 2), clips(1, 2))])
    part = af.write_windows_zip(tmp_path / f"win-{encoding}.zip", files, encoding)
    with zipfile.ZipFile(part) as z:
        assert not any(i.flag_bits & 0x800 for i in z.infolist())
    preview = preview_archive([part])
    assert [(it.title, it.status) for it in preview.items] == [
        (title, ItemStatus.READY), ("Plain", ItemStatus.READY)]
    assert preview.items[0].source_ref == f"Takeout/YouTube and YouTube Music/videos/{title}.mp4"
    c = ctx.library.create_collection("Windows")
    import_archive(ctx.library, ctx.media_dir, preview, c)
    assert titles(ctx, c) == [title, "Plain"]


def test_a_tgz_takeout_in_two_parts_imports_and_refuses_hostile_entries(tmp_path, ctx, clips):
    videos = [Video("t1", "First", utc(2024, 1, 1), clips(1, 1), "One."),
              Video("t2", "Second: part two?", utc(2024, 1, 2), clips(2, 2))]  # fmt: skip
    files = af.takeout_files(videos, playlists=[("Both", "Two videos.", ["t2", "t1"])])
    parts = af.write_tgzs(tmp_path / "dl", "takeout-20240101T000000Z", files, parts=2,
                          hostile=True)  # fmt: skip
    before = af.files_outside(tmp_path, ctx.media_dir)
    preview = preview_archive(parts)
    assert preview.name == "takeout-20240101T000000Z"
    messages = " | ".join(p.message for p in preview.problems)
    for expected in ("climbs out of the archive", "absolute", "symbolic link", "device"):
        assert expected in messages
    assert [(it.title, it.status) for it in preview.items] == [
        ("First", ItemStatus.READY), ("Second: part two?", ItemStatus.READY)]
    both = find_playlist(preview, "Both")
    c = ctx.library.create_collection("Both")
    report = import_archive(ctx.library, ctx.media_dir, preview, c, playlist_items(preview, both),
                            playlist=both)  # fmt: skip
    assert titles(ctx, c) == ["Second: part two?", "First"]
    assert ctx.library.collection(c.id).description == "Two videos."
    folder = ctx.media_dir / "archives" / "takeout-20240101T000000Z"
    assert all(r.path.is_relative_to(folder) for r in report.added)
    assert af.files_outside(tmp_path, ctx.media_dir) == before
    assert not (tmp_path / "evil.mp4").exists()


def legacy_infos(names: list[str], encoding: str, windows: bool = False) -> list[zipfile.ZipInfo]:
    """ZipInfos as zipfile reads names stored in ``encoding`` without the UTF-8 flag;
    ``windows``: with the backslashes of ``filename`` made slashes, as zipfile does there."""
    infos = []
    for name in names:
        info = zipfile.ZipInfo(name.encode(encoding).decode("cp437"))
        if windows:
            info.filename = info.filename.replace("\\", "/")
        infos.append(info)
    return infos


@pytest.mark.parametrize("encoding, names", [
    ("cp866", ["Привет.mp4"]),
    ("cp866", ["Привет мир.mp4", "Новое видео.mp4", "Мой влог 1.mp4", "Ира.mp4"]),
    ("cp852", ["Zażółć gęślą jaźń.mp4", "Mąka i jajka.mp4", "Łódź nocą.mp4"]),
    ("cp850", ["Não é verdade.mp4", "Søren.mp4", "ÉTÉ À PARIS.mp4"]),
    ("cp437", ["Café crème.mp4", "¿Qué pasa?.mp4"]),
    ("cp932", ["ソフト.mp4", "表参道.mp4", "能登の海.mp4"]),
])  # fmt: skip
def test_one_code_page_is_chosen_per_part_from_all_its_names(encoding, names):
    from studio.ingest.entry_names import clean_path, legacy_encoding, member_name

    for windows in (False, True):
        infos = legacy_infos(["Takeout\\videos\\" + n for n in names], encoding, windows)
        chosen = legacy_encoding(infos)
        assert [r.encode(chosen) for r in names] == [r.encode(encoding) for r in names]
        assert [clean_path(member_name(i, chosen)) for i in infos] == [
            f"Takeout/videos/{n}" for n in names]


def test_the_titles_of_the_videos_csv_choose_the_code_page_names_cannot(tmp_path, clips):
    """"Jesień" reads as well in cp850 ("Jesieõ") as in cp852; the CSV's title says which,
    though it is in another part."""
    from studio.ingest.entry_names import legacy_encoding

    assert legacy_encoding(legacy_infos(["Jesień.mp4"], "cp852")) == "cp850"
    files = af.takeout_files([Video("p1", "Jesień", utc(2024, 1, 1), clips(2, 1)),
                              Video("p2", "Wrzesień", utc(2024, 1, 2), clips(1, 2))])
    videos = {n: c for n, c in files.items() if n.endswith(".mp4")}
    parts = [af.write_windows_zip(tmp_path / "takeout-win-1.zip", videos, "cp852"),
             af.write_windows_zip(tmp_path / "takeout-win-2.zip",
                                  {n: c for n, c in files.items() if n not in videos}, "cp852")]
    preview = preview_archive(parts)
    assert [(it.title, it.status, it.source_ref) for it in preview.items] == [
        (t, ItemStatus.READY, f"Takeout/YouTube and YouTube Music/videos/{t}.mp4")
        for t in ("Jesień", "Wrzesień")]


def small_takeout(tmp_path, clips, count: int = 4) -> list[Path]:
    videos = [Video(f"d{n}", f"Day {n}", utc(2024, 2, n), clips(1, n)) for n in range(1, count + 1)]
    return af.write_zips(tmp_path / "dl", "takeout-full", af.takeout_files(videos), 1)


def count_extractions(monkeypatch) -> list[str]:
    from studio.ingest.archive import ArchiveSet

    done: list[str] = []
    real = ArchiveSet.extract

    def extract(self, entry, *args, **kwargs):
        done.append(entry.name)
        return real(self, entry, *args, **kwargs)

    monkeypatch.setattr(ArchiveSet, "extract", extract)
    return done


def test_an_import_stops_at_the_first_file_a_full_library_disk_refuses(tmp_path, clips,
                                                                         monkeypatch):  # fmt: skip
    """It went on extracting (GBs each), fingerprinting and refusing every other video."""
    from disks import fill, small_disk

    preview = preview_archive(small_takeout(tmp_path, clips))
    extracted = count_extractions(monkeypatch)
    media_dir = tmp_path / "media"  # the videos go to another disk than the library
    with small_disk(tmp_path / "small", "10m") as small, \
            AppContext.open(small / "library.sqlite") as ctx:  # fmt: skip
        c = ctx.library.create_collection("Days")
        filled: list[Path] = []

        def fill_after_the_first(result) -> None:
            if not filled:
                filled.append(fill(small))

        report = import_archive(ctx.library, media_dir, preview, c,
                                on_result=fill_after_the_first)  # fmt: skip
        said = (f"The library's disk is full ({small}): free some space, then import "
                "again.")  # fmt: skip
        assert [r.item.title for r in report.added] == ["Day 1"]
        assert [(r.item.title, r.outcome, r.reason, r.stopped) for r in report.results[1:]] == [
            (f"Day {n}", "failed", said, True) for n in (2, 3, 4)]
        assert extracted == ["Day 1.mp4", "Day 2.mp4"]  # none after the one refused
        folder = media_dir / "archives" / "takeout-full"
        assert sorted(p.name for p in folder.rglob("*.mp4")) == ["Day 1.mp4"]
        assert titles(ctx, c) == ["Day 1"]
        filled[0].unlink()  # space freed: importing again adds the others
        again = import_archive(ctx.library, media_dir, preview, c)
        assert [r.item.title for r in again.added] == ["Day 2", "Day 3", "Day 4"]
        assert titles(ctx, c) == ["Day 1", "Day 2", "Day 3", "Day 4"]


def test_an_import_into_a_read_only_library_says_so_for_every_file(tmp_path, clips,
                                                                    monkeypatch):  # fmt: skip
    """The whole import ended in LibraryReadOnly instead of one result per file."""
    from disks import read_only_view

    preview = preview_archive(small_takeout(tmp_path, clips, 3))
    folder = tmp_path / "lib"
    with AppContext.open(folder / "library.sqlite") as ctx:
        ctx.library.create_collection("Days")
    extracted = count_extractions(monkeypatch)
    with read_only_view(folder, tmp_path / "ro") as ro, \
            AppContext.open(ro / "library.sqlite") as ctx:  # fmt: skip
        assert ctx.library.read_only
        [c] = ctx.library.collections()
        report = import_archive(ctx.library, tmp_path / "media", preview, c)
        assert [(r.item.title, r.outcome, r.stopped) for r in report.results] == [
            (f"Day {n}", "failed", True) for n in (1, 2, 3)]
        assert len({r.reason for r in report.results}) == 1
        assert "read-only disk" in report.results[0].reason
        assert extracted == []
        assert not list((tmp_path / "media").rglob("*.mp4"))
