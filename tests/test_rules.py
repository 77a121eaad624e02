"""Publish profiles and the rules engine, on real objects built in memory."""

from dataclasses import replace
from fractions import Fraction
from importlib.resources import files
from pathlib import Path

import pytest

from studio.domain.errors import InvalidValue, LimitReached, NotFound
from studio.domain.models import (
    Collection,
    CollectionView,
    Cover,
    Episode,
    MediaInfo,
    MediaRecord,
)
from studio.domain.money import Money
from studio.domain.profiles import (
    ProfileError,
    PublishProfile,
    available_profiles,
    load_profile,
    profile_from_toml,
    text_length,
)
from studio.domain.rules import CODES, Problem, check, is_ready, summary
from studio.domain.timecode import US, TimeRange

MP4 = "mov,mp4,m4a,3gp,3g2,mj2"


@pytest.fixture(scope="module")
def profile() -> PublishProfile:
    return load_profile("tiktok-series")


def info(**changes) -> MediaInfo:
    """A compliant clip: 60 s vertical 1080x1920 H.264 at 30 fps with AAC sound."""
    base = MediaInfo(
        path="/clips/good.mp4", container=MP4, duration=60 * US, size=60_000_000, mtime=0.0,
        video_codec="h264", pixel_format="yuv420p", width=1080, height=1920,
        frame_rate=Fraction(30), audio_codec="aac", audio_channels=2, audio_sample_rate=48000,
    )
    return replace(base, **changes)


def record(fingerprint: str, media: MediaInfo | None = None, missing: bool = False) -> MediaRecord:
    media = media or info()
    return MediaRecord(fingerprint, media.path, media.size, media.mtime, media, missing)


def episode(position: int, fingerprint: str, seconds: float = 31, title: str | None = None,
            start: float = 0) -> Episode:
    return Episode(
        id=f"ep{position}", collection_id="c1", media_fingerprint=fingerprint,
        title=f"Part {position}" if title is None else title,
        trim=TimeRange(round(start * US), round((start + seconds) * US)), position=position,
    )


def good_collection(**changes) -> Collection:
    base = Collection(id="c1", title="Sourdough from scratch",
                      description="Ten lessons from starter to loaf.", price=Money(999),
                      cover=Cover(media_fingerprint="good", time=2 * US))
    return replace(base, **changes)


def view(collection: Collection, episodes: list[Episode],
         records: list[MediaRecord]) -> CollectionView:
    return CollectionView(collection, episodes, {r.fingerprint: r for r in records})


def codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in problems}


# -- profile ---------------------------------------------------------------------


def test_profile_values(profile: PublishProfile) -> None:
    assert available_profiles() == ["tiktok-series"]
    assert profile.name == "TikTok Series"
    assert (profile.min_episodes, profile.max_episodes) == (1, 80)
    assert (profile.min_duration, profile.max_duration) == (30 * US, 20 * 60 * US)
    assert (profile.min_price, profile.max_price) == (Money(100), Money(19000))
    assert profile.currencies == ("USD",)
    assert profile.containers == {"mp4", "mov", "webm"}
    assert profile.video_codecs == {"h264", "hevc", "vp8", "vp9"}
    assert (profile.min_frame_rate, profile.max_frame_rate) == (23, 60)
    assert (profile.min_side, profile.max_side) == (360, 4096)
    assert profile.recommended_size == (1080, 1920)
    assert profile.max_caption_length == 2200


def test_every_limit_names_its_source(profile: PublishProfile) -> None:
    assert len(profile.limits) == 19
    assert all(lim.source for lim in profile.limits)
    unconfirmed = {lim.name for lim in profile.limits if not lim.confirmed}
    assert {"max_title_length", "max_description_length", "max_episode_title_length",
            "recommended_size"} <= unconfirmed
    assert profile.limit("max_caption_length").confirmed
    assert profile.limit("max_duration").value == profile.max_duration
    assert "Help Center" in profile.source("max_episodes")


def test_with_limit_overrides_a_value(profile: PublishProfile) -> None:
    longer = profile.with_limit("max_title_length", 80)
    assert longer.max_title_length == 80
    assert longer.source("max_title_length") == "your setting"
    assert profile.max_title_length == 60
    with pytest.raises(InvalidValue):
        profile.with_limit("min_duration", 3600)  # above max_duration


def test_unknown_profile_lists_the_available_ones() -> None:
    with pytest.raises(NotFound, match="tiktok-series"):
        load_profile("youtube-shorts")


def _toml() -> str:
    return (files("studio.resources") / "profiles" / "tiktok-series.toml").read_text("utf-8")


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("max_count = { value = 80,", 'max_count = { value = "80",', "episodes.max_count"),
        ('min = { value = "1.00 USD"', 'min = { value = "one dollar"', "price.min"),
        ("min_side = { value = 360,", "min_sid = { value = 360,", "media.min_sid"),
        ("max_side = { value = 4096,", "max_side = { value = 100,", "media.min_side"),
        ('caption_max = { value = 2200, source = "TikTok', 'caption_max = { value = 2200, s = "',
         "text.caption_max"),
        ("[media]", "[media", "not valid TOML"),
    ],
)
def test_malformed_profile_names_file_and_key(old: str, new: str, key: str) -> None:
    text = _toml()
    assert old in text
    with pytest.raises(ProfileError) as err:
        profile_from_toml(text.replace(old, new, 1), "broken.toml")
    assert "broken.toml" in str(err.value)
    assert key in str(err.value)


@pytest.mark.parametrize("price", ["1.00", "190.00", "9.99"])
def test_check_price_accepts(profile: PublishProfile, price: str) -> None:
    profile.check_price(Money.parse(price))


def test_check_price_refuses(profile: PublishProfile) -> None:
    with pytest.raises(InvalidValue) as low:
        profile.check_price(Money.parse("0.99"))
    assert low.value.message == (
        "The price 0.99 USD is below the TikTok Series minimum of 1.00 USD.")
    with pytest.raises(InvalidValue, match="maximum of 190.00 USD"):
        profile.check_price(Money.parse("190.01"))
    with pytest.raises(InvalidValue, match="priced in USD"):
        profile.check_price(Money.parse("9.99 EUR"))


def test_check_episode_count(profile: PublishProfile) -> None:
    profile.check_episode_count(80)
    with pytest.raises(LimitReached) as err:
        profile.check_episode_count(81)
    assert err.value.message == (
        "A TikTok Series holds at most 80 episodes; this collection already has 80.")
    with pytest.raises(LimitReached, match="only 2 more fit"):
        profile.check_episode_count(85, current=78)


def test_text_length_counts_utf16_units() -> None:
    assert text_length("abc") == 3
    assert text_length("é") == 1
    assert text_length("🍞") == 2


def test_webm_is_told_apart_from_mkv(profile: PublishProfile) -> None:
    webm = info(container="matroska,webm", video_codec="vp9", audio_codec="opus")
    assert profile.container_accepted(webm)
    assert not profile.container_accepted(replace(webm, video_codec="h264"))
    assert profile.container_accepted(info())


# -- rules -----------------------------------------------------------------------


def test_good_collection_is_ready(profile: PublishProfile) -> None:
    v = view(good_collection(), [episode(1, "good"), episode(2, "good", start=20)],
             [record("good")])
    problems = check(v, profile)
    assert problems == []
    assert is_ready(problems)
    assert summary(problems) == "Ready to publish"


def test_too_long_message(profile: PublishProfile) -> None:
    v = view(good_collection(), [episode(12, "long", seconds=21 * 60 + 4, title="Intro")],
             [record("good"), record("long", info(duration=30 * 60 * US))])
    (problem,) = check(v, profile)
    assert problem.code == "episode.too_long"
    assert problem.severity == "error"
    assert problem.message == "Episode 12 'Intro' lasts 21:04 after trimming; the limit is 20:00."
    assert problem.fix == "Trim 1:04 or split it."
    assert (problem.episode_id, problem.episode_position, problem.field) == ("ep12", 12, "trim")


def test_just_over_the_limit_is_shown_precisely(profile: PublishProfile) -> None:
    v = view(good_collection(), [episode(1, "long", seconds=20 * 60 + 0.5, title="Intro")],
             [record("good"), record("long", info(duration=30 * 60 * US))])
    (problem,) = check(v, profile)
    assert problem.message == (
        "Episode 1 'Intro' lasts 20:00.500 after trimming; the limit is 20:00.")
    assert problem.fix == "Trim 0:01 or split it."


BAD_EPISODE_CODES = {
    "episode.too_long", "episode.too_short", "episode.trim_beyond_media",
    "episode.title_missing", "episode.title_too_long", "episode.media_unknown",
    "episode.media_missing", "episode.media_unusable", "episode.no_video", "episode.no_audio",
    "episode.container_not_accepted", "episode.codec_not_accepted",
    "episode.frame_rate_out_of_range", "episode.variable_frame_rate",
    "episode.resolution_too_small", "episode.resolution_too_large", "episode.not_vertical",
    "episode.file_too_large", "episode.rotated",
}


def broken_episodes() -> tuple[list[Episode], list[MediaRecord]]:
    """81 episodes; the first ones break every per-episode rule."""
    records = [
        record("good"),
        record("long", info(duration=30 * 60 * US)),
        record("gone", missing=True),
        record("sound", info(path="/clips/a.m4a", video_codec=None, width=None, height=None,
                             frame_rate=None)),
        record("old", info(path="/clips/old.avi", container="avi", video_codec="mpeg4",
                           audio_codec=None, width=320, height=240, frame_rate=Fraction(15),
                           variable_frame_rate=True)),
        record("huge", info(width=4320, height=7680, frame_rate=Fraction(120),
                            duration=20 * 60 * US, size=12_000_000_000)),
        record("phone", info(width=1920, height=1080, rotation=90)),
        record("half", info(path="/clips/half.mkv", container="matroska,webm",
                            unusable="'half.mkv' is incomplete: it ends at 0:20 of 0:40.")),
    ]
    episodes = [
        episode(1, "long", seconds=21 * 60 + 4, title="Intro"),
        episode(2, "good", seconds=12, title=""),
        episode(3, "nowhere", title="x" * 101),
        episode(4, "gone"),
        episode(5, "sound"),
        episode(6, "old"),
        episode(7, "huge", seconds=19 * 60),
        episode(8, "phone"),
        episode(9, "good", start=40),  # ends at 71 s, the clip lasts 60 s
        episode(10, "half"),  # a download cut short that an older prober accepted
    ]
    episodes += [episode(n, "good") for n in range(11, 82)]
    return episodes, records


COLLECTION_VARIANTS = [
    (dict(title="", description="", price=None, cover=None),
     {"collection.title_missing", "collection.description_missing",
      "collection.price_missing", "collection.cover_missing"}),
    (dict(title="T" * 61, description="D" * 1001, price=Money(19001),
          cover=Cover(media_fingerprint="nowhere", time=0)),
     {"collection.title_too_long", "collection.description_too_long",
      "collection.price_too_high", "collection.cover_media_missing"}),
    (dict(price=Money(99), cover=Cover(image_path="/nowhere/cover.png")),
     {"collection.price_too_low", "collection.cover_image_missing"}),
    (dict(price=Money(999, "EUR")), {"collection.currency_not_accepted"}),
]


@pytest.mark.parametrize(("changes", "expected"), COLLECTION_VARIANTS)
def test_broken_collection(profile: PublishProfile, changes: dict, expected: set[str]) -> None:
    episodes, records = broken_episodes()
    problems = check(view(good_collection(**changes), episodes, records), profile)
    found = codes(problems)
    assert found == {"collection.too_many_episodes"} | expected | BAD_EPISODE_CODES
    for p in problems:
        assert p.severity == CODES[p.code]
        assert p.message.endswith(".") and p.fix and p.fix.endswith(".")
        assert (p.episode_position is None) == p.code.startswith("collection.")
    assert not is_ready(problems)
    assert {p.episode_position for p in problems if p.episode_position} == set(range(1, 11))


def tiny_png(folder: Path, w: int = 200, h: int = 356, name: str = "tiny.png") -> str:
    """A real PNG file of ``w`` x ``h`` grey pixels."""
    import cv2
    import numpy as np

    path = folder / name
    assert cv2.imwrite(str(path), np.full((h, w, 3), 128, np.uint8))
    return str(path)


def test_every_code_is_reachable(profile: PublishProfile, tmp_path: Path) -> None:
    episodes, records = broken_episodes()
    found: set[str] = set()
    tiny = good_collection(cover=Cover(image_path=tiny_png(tmp_path)))
    found |= codes(check(view(tiny, episodes, records), profile))
    for changes, _ in COLLECTION_VARIANTS:
        found |= codes(check(view(good_collection(**changes), episodes, records), profile))
    found |= codes(check(view(good_collection(), [], [record("good")]), profile))
    three = replace(profile, min_episodes=3)
    found |= codes(check(view(good_collection(), [episode(1, "good")], [record("good")]), three))
    assert found == set(CODES)


def test_a_cover_image_much_smaller_than_the_cover_is_a_warning(
        profile: PublishProfile, tmp_path: Path) -> None:  # fmt: skip
    def problems(w: int, h: int, p: PublishProfile = profile) -> list[Problem]:
        cover = Cover(image_path=tiny_png(tmp_path, w, h, f"{w}x{h}.png"))
        return check(view(good_collection(cover=cover), [episode(1, "good")], [record("good")]), p)

    (problem,) = problems(400, 711)
    assert (problem.code, problem.severity, problem.field) == \
        ("collection.cover_too_small", "warning", "cover")  # fmt: skip
    assert problem.message == ("The cover image is only 400x711; the TikTok Series cover is "
                               "1080x1920, so it will be enlarged 2.7 times and look blurry.")
    assert problem.fix == "Use a picture of at least 540x960 if you have one; this one can stay."
    assert is_ready([problem]) and summary([problem]) == "Ready to publish; 1 warning"
    assert problems(540, 960) == []  # twice on each side: still fine
    assert codes(problems(539, 958)) == {"collection.cover_too_small"}
    assert problems(400, 711, replace(profile, recommended_size=(720, 1280))) == []


def test_empty_collection(profile: PublishProfile) -> None:
    problems = check(view(good_collection(), [], [record("good")]), profile)
    assert codes(problems) == {"collection.no_episodes"}
    assert summary(problems) == "1 error"


def test_unconfirmed_limit_is_said_to_be_assumed(profile: PublishProfile) -> None:
    v = view(good_collection(title="🍞" * 31), [episode(1, "good")], [record("good")])
    (problem,) = check(v, profile)
    assert problem.code == "collection.title_too_long"
    assert problem.message == (
        "The collection title is 62 characters long (emoji count as 2); Series Studio "
        "assumes a limit of 60, as TikTok Series does not publish one.")
    assert problem.fix == "Shorten it by 2 characters."


def test_warnings_only_is_ready(profile: PublishProfile) -> None:
    v = view(good_collection(cover=None), [episode(1, "old")],
             [record("old", info(video_codec="mpeg4"))])
    problems = check(v, profile)
    assert codes(problems) == {"collection.cover_missing", "episode.codec_not_accepted"}
    assert is_ready(problems)
    assert summary(problems) == "Ready to publish; 2 warnings"


def test_summary_counts() -> None:
    err = Problem("episode.too_long", "error", "x.")
    warn = Problem("episode.no_audio", "warning", "y.")
    assert summary([err, err, warn]) == "2 errors, 1 warning"
    assert summary([err]) == "1 error"
    assert summary([]) == "Ready to publish"
