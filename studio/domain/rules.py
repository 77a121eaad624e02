"""The rules engine: what stands between a collection and publishing it.

:func:`check` returns :class:`Problem` objects. Errors block publishing;
warnings are things export will fix (re-mux, re-encode, scale) or advice.
Every code and its severity is listed in :data:`CODES`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from studio.domain.models import CollectionView, Episode, MediaInfo
from studio.domain.profiles import PublishProfile, text_length, with_article
from studio.domain.timecode import US, format_duration

Severity = Literal["error", "warning"]
ERROR: Severity = "error"
WARNING: Severity = "warning"

CODES: dict[str, Severity] = {
    "collection.no_episodes": ERROR,
    "collection.too_few_episodes": ERROR,
    "collection.too_many_episodes": ERROR,
    "collection.title_missing": ERROR,
    "collection.title_too_long": ERROR,
    "collection.description_missing": WARNING,
    "collection.description_too_long": ERROR,
    "collection.price_missing": ERROR,
    "collection.price_too_low": ERROR,
    "collection.price_too_high": ERROR,
    "collection.currency_not_accepted": ERROR,
    "collection.cover_missing": WARNING,
    "collection.cover_media_missing": WARNING,
    "episode.too_short": ERROR,
    "episode.too_long": ERROR,
    "episode.trim_beyond_media": ERROR,
    "episode.title_missing": ERROR,
    "episode.title_too_long": ERROR,
    "episode.media_unknown": ERROR,
    "episode.media_missing": ERROR,
    "episode.no_video": ERROR,
    "episode.no_audio": WARNING,
    "episode.container_not_accepted": WARNING,
    "episode.codec_not_accepted": WARNING,
    "episode.frame_rate_out_of_range": WARNING,
    "episode.variable_frame_rate": WARNING,
    "episode.resolution_too_small": WARNING,
    "episode.resolution_too_large": WARNING,
    "episode.not_vertical": WARNING,
    "episode.file_too_large": WARNING,
    "episode.rotated": WARNING,
}

_CONTAINERS = {"matroska": "MKV", "avi": "AVI", "flv": "FLV", "mpegts": "MPEG-TS",
               "asf": "WMV", "mpeg": "MPEG", "ogg": "Ogg"}
_CODECS = {"h264": "H.264", "hevc": "H.265", "mpeg4": "MPEG-4 Part 2", "mpeg2video": "MPEG-2",
           "prores": "ProRes", "av1": "AV1", "wmv3": "WMV", "vc1": "VC-1", "theora": "Theora",
           "mjpeg": "Motion JPEG", "dnxhd": "DNxHD"}


@dataclass(frozen=True)
class Problem:
    """One finding of :func:`check`, ready to show in the checks panel."""

    code: str
    severity: Severity
    message: str
    episode_id: str | None = None
    episode_position: int | None = None
    field: str | None = None
    fix: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def _problem(code: str, message: str, *, episode: Episode | None = None,
             field: str | None = None, fix: str | None = None) -> Problem:
    return Problem(code, CODES[code], message,
                   episode.id if episode else None, episode.position if episode else None,
                   field, fix)


def check(view: CollectionView, profile: PublishProfile) -> list[Problem]:
    """Every problem of ``view`` against ``profile``: collection first, then episodes."""
    problems = _check_collection(view, profile)
    for episode in sorted(view.episodes, key=lambda e: e.position):
        problems += _check_episode(episode, view, profile)
    return problems


def is_ready(problems: Iterable[Problem]) -> bool:
    """True when nothing blocks publishing (warnings allowed)."""
    return not any(p.is_error for p in problems)


def summary(problems: Iterable[Problem]) -> str:
    """``Ready to publish``, ``Ready to publish; 1 warning`` or ``2 errors, 1 warning``."""
    problems = list(problems)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    counts = [_plural(n, word) for n, word in ((errors, "error"), (warnings, "warning")) if n]
    if not errors:
        return "; ".join(["Ready to publish", *counts])
    return ", ".join(counts)


# -- collection -----------------------------------------------------------------


def _check_collection(view: CollectionView, profile: PublishProfile) -> list[Problem]:
    c = view.collection
    out: list[Problem] = []
    n = len(view.episodes)
    if n == 0:
        out.append(_problem("collection.no_episodes", "This collection has no episodes yet.",
                            field="episodes", fix="Import clips and add them as episodes."))
    elif n < profile.min_episodes:
        out.append(_problem(
            "collection.too_few_episodes",
            f"{with_article(profile.name)} needs at least "
            f"{_plural(profile.min_episodes, 'episode')}; this collection has {n}.",
            field="episodes", fix=f"Add {_plural(profile.min_episodes - n, 'more episode')}."))
    elif n > profile.max_episodes:
        extra = n - profile.max_episodes
        out.append(_problem(
            "collection.too_many_episodes",
            f"This collection has {n} episodes; {with_article(profile.name, start=False)} holds at "
            f"most {profile.max_episodes}.",
            field="episodes",
            fix=f"Remove {_plural(extra, 'episode')} or move "
                f"{'it' if extra == 1 else 'them'} to a second collection."))

    if not c.title.strip():
        out.append(_problem("collection.title_missing", "The collection has no title.",
                            field="title", fix="Give the collection a title."))
    else:
        out += _too_long("collection.title_too_long", "The collection title", c.title,
                         profile, "max_title_length", field="title")
    if not c.description.strip():
        out.append(_problem(
            "collection.description_missing",
            "The collection has no description; buyers read it before they pay.",
            field="description", fix="Write a few lines about what the series offers."))
    else:
        out += _too_long("collection.description_too_long", "The description", c.description,
                         profile, "max_description_length", field="description")

    if c.price is None:
        out.append(_problem("collection.price_missing", "The collection has no price.",
                            field="price", fix=profile.price_hint()))
    else:
        issue = profile.price_issue(c.price)
        if issue:
            kind, message = issue
            code = ("collection.currency_not_accepted" if kind == "currency"
                    else f"collection.price_{kind}")
            out.append(_problem(code, message, field="price", fix=profile.price_hint()))

    cover = c.cover
    if cover is None or (cover.media_fingerprint is None and not cover.image_path):
        out.append(_problem("collection.cover_missing", "The collection has no cover picture.",
                            field="cover",
                            fix="Pick a frame of an episode or an image file as the cover."))
    elif cover.media_fingerprint is not None and not cover.image_path:
        record = view.media.get(cover.media_fingerprint)
        if record is None or record.missing:
            out.append(_problem(
                "collection.cover_media_missing",
                "The cover is a frame of a video file that cannot be found.",
                field="cover", fix="Reconnect the file or pick another cover."))
    return out


# -- episodes -------------------------------------------------------------------


def _check_episode(ep: Episode, view: CollectionView, profile: PublishProfile) -> list[Problem]:
    label = _label(ep)
    out = _check_timing(ep, label, profile)
    if not ep.title.strip():
        out.append(_problem("episode.title_missing", f"Episode {ep.position} has no title.",
                            episode=ep, field="title",
                            fix="Give it a title; buyers see it in the episode list."))
    else:
        out += _too_long("episode.title_too_long", f"The title of episode {ep.position}",
                         ep.title, profile, "max_episode_title_length", episode=ep, field="title")

    record = view.media.get(ep.media_fingerprint)
    if record is None:
        out.append(_problem("episode.media_unknown",
                            f"{label} refers to a video file the library does not know.",
                            episode=ep, field="media",
                            fix="Import the clip again or remove the episode."))
        return out
    if record.missing:
        out.append(_problem("episode.media_missing",
                            f"The video file of {_label(ep, start=False)} cannot be found "
                            f"at {record.path}.",
                            episode=ep, field="media",
                            fix="Reconnect the file (it may be on a drive that is not "
                                "plugged in) or remove the episode."))
    info = record.info
    if ep.trim.end > info.duration:
        out.append(_problem(
            "episode.trim_beyond_media",
            f"{label} ends at {format_duration(ep.trim.end)}, after the end of its clip "
            f"({format_duration(info.duration)}).",
            episode=ep, field="trim", fix="Move the out point back inside the clip."))
    out += _check_media(ep, label, info, profile)
    return out


def _check_timing(ep: Episode, label: str, profile: PublishProfile) -> list[Problem]:
    d = ep.duration
    if d > profile.max_duration:
        return [_problem(
            "episode.too_long",
            f"{label} lasts {_shown(d, profile.max_duration)} after trimming; "
            f"the limit is {format_duration(profile.max_duration)}.",
            episode=ep, field="trim",
            fix=f"Trim {_ceil_duration(d - profile.max_duration)} or split it.")]
    if d < profile.min_duration:
        return [_problem(
            "episode.too_short",
            f"{label} lasts {_shown(d, profile.min_duration)} after trimming; "
            f"the minimum is {format_duration(profile.min_duration)}.",
            episode=ep, field="trim",
            fix=f"Keep {_ceil_duration(profile.min_duration - d)} more of the clip, "
                "or choose a longer one.")]
    return []


def _check_media(ep: Episode, label: str, info: MediaInfo,
                 profile: PublishProfile) -> list[Problem]:
    out: list[Problem] = []

    def add(code: str, message: str, fix: str) -> None:
        out.append(_problem(code, message, episode=ep, field="media", fix=fix))

    if not info.has_video:
        add("episode.no_video", f"{label} has no picture: its file holds only sound.",
            "Replace it with a video clip.")
    if not info.has_audio:
        add("episode.no_audio", f"{label} has no sound.",
            "It will be published silent; add a sound track if that is not intended.")
    if not profile.container_accepted(info):
        add("episode.container_not_accepted",
            f"{label} is stored as {_container_name(info)}, which {profile.name} does not "
            "accept.",
            "Export will repackage it as MP4, which is quick and keeps the quality.")
    estimate = info.size * ep.duration // info.duration if info.duration > 0 else info.size
    if estimate > profile.max_file_size:
        add("episode.file_too_large",
            f"{label} will be about {_gb(estimate)} after trimming; {profile.name} accepts files "
            f"up to {_gb(profile.max_file_size)}.",
            "Export will re-encode it at a lower bitrate, which takes a while.")
    if not info.has_video:
        return out

    if not profile.video_codec_accepted(info):
        codec = _CODECS.get(info.video_codec or "", (info.video_codec or "").upper())
        add("episode.codec_not_accepted",
            f"{label} uses the {codec} video codec, which {profile.name} does not accept.",
            "Export will re-encode it to H.264, which takes a while.")
    rate = info.frame_rate
    if rate is not None and not profile.frame_rate_accepted(rate):
        fix = (f"Export will re-encode it at {_fps(profile.max_frame_rate)} frames per second."
               if rate > profile.max_frame_rate else
               "Export will re-encode it at a higher frame rate by repeating frames.")
        add("episode.frame_rate_out_of_range",
            f"{label} runs at {_fps(rate)} frames per second; {profile.name} accepts "
            f"{_fps(profile.min_frame_rate)} to {_fps(profile.max_frame_rate)}.", fix)
    if info.variable_frame_rate:
        add("episode.variable_frame_rate", f"{label} has a variable frame rate.",
            "Export will re-encode it at a constant frame rate so that sound and picture "
            "stay in sync.")
    size = info.display_size
    if size is not None:
        w, h = size
        if min(w, h) < profile.min_side:
            add("episode.resolution_too_small",
                f"{label} is only {w}x{h}; {profile.name} needs at least {profile.min_side} px "
                "on each side.",
                "Export will upscale it, which looks soft; use a sharper source if you have one.")
        if max(w, h) > profile.max_side:
            add("episode.resolution_too_large",
                f"{label} is {w}x{h}; {profile.name} accepts at most {profile.max_side} px "
                "on each side.",
                "Export will scale it down.")
        if w >= h:
            rw, rh = profile.recommended_size
            shape = "square" if w == h else "landscape"
            add("episode.not_vertical",
                f"{label} is {shape} ({w}x{h}); {profile.name} is watched upright, "
                f"{rw}x{rh} is recommended.",
                "Reframe it to 9:16 when exporting, or it will show with black bars.")
    if info.rotation % 360:
        add("episode.rotated",
            f"{label} is stored turned by {info.rotation % 360}° and relies on a rotation "
            "flag that players may ignore.",
            "Export will re-encode it upright, which takes a while.")
    return out


# -- wording --------------------------------------------------------------------


def _too_long(code: str, what: str, text: str, profile: PublishProfile, limit: str, *,
              episode: Episode | None = None, field: str) -> list[Problem]:
    length, lim = text_length(text), profile.limit(limit)
    if length <= lim.value:
        return []
    emoji = " (emoji count as 2)" if length != len(text) else ""
    bound = (f"the limit is {lim.value}" if lim.confirmed
             else f"Series Studio assumes a limit of {lim.value}, as {profile.name} "
                  "does not publish one")
    return [_problem(code, f"{what} is {length} characters long{emoji}; {bound}.",
                     episode=episode, field=field,
                     fix=f"Shorten it by {_plural(length - lim.value, 'character')}.")]


def _label(ep: Episode, start: bool = True) -> str:
    word = "Episode" if start else "episode"
    title = ep.title.strip()
    if len(title) > 40:
        title = title[:39].rstrip() + "…"
    return f"{word} {ep.position} '{title}'" if title else f"{word} {ep.position}"


def _shown(us: int, limit: int) -> str:
    """``21:04``; with milliseconds when whole seconds would look equal to ``limit``."""
    text = format_duration(us)
    if text == format_duration(limit) and us % US:
        text += f".{us % US // 1000:03d}"
    return text


def _ceil_duration(us: int) -> str:
    """At least ``us``, in whole seconds: what the creator must cut or add."""
    return format_duration(-(-us // US) * US)


def _fps(rate: Fraction) -> str:
    return f"{float(rate):.3f}".rstrip("0").rstrip(".")


def _gb(size: int) -> str:
    return f"{size / 1e9:.1f} GB"


def _container_name(info: MediaInfo) -> str:
    first = info.container.split(",")[0]
    return _CONTAINERS.get(first, first.upper())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"

