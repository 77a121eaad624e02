"""Instagram exports as the current "Download your information" writes them: IGTV, archived
posts, carousels in slide order, and the advice for an export downloaded in HTML."""

from __future__ import annotations

import json
from pathlib import Path

import archive_factory as af
import pytest
from archive_factory import utc

from studio.app import AppContext
from studio.cli.main import build_parser
from studio.domain.errors import UserError
from studio.ingest import import_archive, preview_archive

MEDIA = "your_instagram_activity/media"  # where the current layout puts the JSON files


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    return lambda seconds, variant=0: af.clip(folder, seconds, variant)


def media(uri: str, when, caption: str = "") -> dict:
    """One media entry as Instagram writes it (the caption in its mojibake)."""
    return {"uri": uri, "creation_timestamp": int(when.timestamp()),
            "title": af.mojibake(caption), "media_metadata": {}}  # fmt: skip


def dump(data) -> bytes:
    return json.dumps(data, indent=2).encode("utf-8")  # ensure_ascii, as Instagram writes


def studio(library: Path, capsys, *argv: str) -> tuple[int, str]:
    """``studio --library LIBRARY ARGV...`` as the terminal runs it: a UserError is status 2."""
    args = build_parser().parse_args(["--library", str(library), *argv])
    try:
        code = args.func(args)
    except UserError as exc:
        print(exc)
        code = 2
    return code, capsys.readouterr().out


def igtv_export(clips) -> dict[str, Path | bytes]:
    """A post video, an IGTV video, an archived post's video, and a recently deleted video."""
    post = "media/posts/202401/111.mp4"
    igtv = "media/igtv/202312/222.mp4"
    archived = "media/archived_posts/202311/333.mp4"
    deleted = "media/recently_deleted/202402/444.mp4"
    return {
        f"{MEDIA}/posts_1.json": dump([{"media": [media(post, utc(2024, 1, 1),
                                                        "Café du matin ☕")]}]),
        f"{MEDIA}/igtv_videos.json": dump({"ig_igtv_media": [{"media": [media(
            igtv, utc(2023, 12, 1), "Épisode 1 : notre voyage à Québec\n#voyage")]}]}),
        f"{MEDIA}/archived_posts.json": dump({"ig_archived_post_media": [{"media": [media(
            archived, utc(2023, 11, 1), "Vidéo archivée")]}]}),
        f"{MEDIA}/recently_deleted_content.json": dump({"ig_recently_deleted_media": [
            {"media": [media(deleted, utc(2024, 2, 1), "Oups")]}]}),
        post: clips(1, 0), igtv: clips(2, 1), archived: clips(3, 2), deleted: clips(1, 3),
    }  # fmt: skip


def test_igtv_and_archived_post_videos_are_imported(tmp_path, capsys, clips):
    [zipped] = af.write_zips(tmp_path / "dl", "instagram-me-2024-05-01", igtv_export(clips))
    preview = preview_archive([zipped])
    assert [(it.kind, it.title) for it in preview.items] == [
        ("archived", "Vidéo archivée"), ("igtv", "Épisode 1 : notre voyage à Québec"),
        ("post", "Café du matin ☕")]  # fmt: skip
    # A video of a file the importer does not read is named, not dropped silently.
    [left_out] = preview.problems
    assert left_out.severity == "warning"
    assert left_out.message.startswith(f"{MEDIA}/recently_deleted_content.json")
    assert "lists 1 video that is not imported" in left_out.message

    library = tmp_path / "cli" / "library.sqlite"
    code, out = studio(library, capsys, "import-archive", str(zipped), "--no-input")
    assert code == 0, out
    assert "3 added, 0 already in the library, 0 need attention" in out
    assert ("recently_deleted_content.json (instagram-me-2024-05-01-001.zip) lists 1 video that "
            "is not imported") in out  # fmt: skip
    with AppContext.open(library) as ctx:
        [c] = ctx.library.collections()
        episodes = ctx.library.episodes(c.id)
        assert [e.title for e in episodes] == ["Vidéo archivée",
                                               "Épisode 1 : notre voyage à Québec",
                                               "Café du matin ☕"]  # fmt: skip
        assert [round(e.duration / 1e6) for e in episodes] == [3, 2, 1]


def test_a_carousel_keeps_its_slide_order(tmp_path, ctx_library, clips):
    ts = utc(2024, 1, 1, 10)
    names = [  # Instagram's random file names: their order is not the slides'
        "438112998_1150427639428931_2046693847762010962_n_18037791805785186.mp4",
        "431010364_7590271931027291_1329913471316488398_n_17994212408590312.mp4",
        "437923015_1025339518739217_5735447612840417286_n_18242960653233009.mp4",
    ]
    uris = [f"media/posts/202401/{n}" for n in names]
    post = {"media": [media(u, ts) for u in uris], "creation_timestamp": int(ts.timestamp()),
            "title": af.mojibake("Paris en 3 étapes : 1) Montmartre 2) Louvre 3) Seine")}
    files: dict[str, Path | bytes] = {"your_instagram_activity/content/posts_1.json": dump([post])}
    for slide, uri in enumerate(uris):
        files[uri] = clips(slide + 1, slide)  # slide 1 lasts 1 s, slide 2 2 s, slide 3 3 s
    preview = preview_archive(af.write_zips(tmp_path / "dl", "instagram-carousel", files))
    assert [it.source_ref for it in preview.items] == uris
    c = ctx_library.library.create_collection("Carousel")
    report = import_archive(ctx_library.library, ctx_library.media_dir, preview, c)
    assert len(report.added) == 3
    episodes = ctx_library.library.episodes(c.id)
    assert [round(e.duration / 1e6) for e in episodes] == [1, 2, 3]


@pytest.mark.parametrize("folder", ["your_instagram_activity/media",
                                    "your_instagram_activity/content", "content"])
def test_an_html_export_gets_the_advice_to_choose_json(tmp_path, capsys, clips, folder):
    page = b"<html><body><video src='../../../media/reels/202401/123.mp4'></video></body></html>"
    files = {f"{folder}/posts_1.html": page, f"{folder}/reels.html": page,
             "media/reels/202401/123.mp4": clips(1)}  # fmt: skip
    [zipped] = af.write_zips(tmp_path / "dl", "instagram-me-html", files)
    code, out = studio(tmp_path / "library.sqlite", capsys, "import-archive", str(zipped),
                       "--no-input")  # fmt: skip
    assert code == 1
    assert ("This Instagram export is in HTML: request your information again and choose the "
            "JSON format.") in out  # fmt: skip
    assert "neither a YouTube Takeout" not in out


@pytest.fixture
def ctx_library(tmp_path):
    with AppContext.open(tmp_path / "lib" / "library.sqlite") as c:
        yield c
