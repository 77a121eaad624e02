"""The rules engine: what stands between a collection and publishing it.

:func:`check` returns :class:`Problem` objects. Errors block publishing;
warnings are things export will fix (re-mux, re-encode, scale) or advice.
Every code and its severity is listed in :data:`CODES`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Literal

from studio.domain.models import CollectionView, Episode, MediaInfo
from studio.domain.picture_size import picture_size
from studio.domain.profiles import PublishProfile, text_length, with_article
from studio.domain.sizes import format_size
from studio.domain.timecode import US, format_duration
from studio.i18n import decimal, ntr, tr

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
    "collection.cover_image_missing": ERROR,
    "collection.cover_too_small": WARNING,
    "episode.too_short": ERROR,
    "episode.too_long": ERROR,
    "episode.trim_beyond_media": ERROR,
    "episode.title_missing": ERROR,
    "episode.title_too_long": ERROR,
    "episode.media_unknown": ERROR,
    "episode.media_missing": ERROR,
    "episode.media_unusable": ERROR,
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
    said_errors = ntr("{n} error", "{n} errors", errors).format(n=errors)
    said_warnings = ntr("{n} warning", "{n} warnings", warnings).format(n=warnings)
    if not errors:
        if not warnings:
            return tr("Ready to publish")
        return tr("Ready to publish; {warnings}").format(warnings=said_warnings)
    if not warnings:
        return said_errors
    return tr("{errors}, {warnings}").format(errors=said_errors, warnings=said_warnings)


# -- collection -----------------------------------------------------------------


def _check_collection(view: CollectionView, profile: PublishProfile) -> list[Problem]:
    c = view.collection
    out: list[Problem] = []
    n = len(view.episodes)
    if n == 0:
        out.append(_problem("collection.no_episodes", tr("This collection has no episodes yet."),
                            field="episodes", fix=tr("Import clips and add them as episodes.")))
    elif n < profile.min_episodes:
        short = profile.min_episodes - n
        out.append(_problem(
            "collection.too_few_episodes",
            ntr("{a_profile} needs at least {minimum} episode; this collection has {n}.",
                "{a_profile} needs at least {minimum} episodes; this collection has {n}.",
                profile.min_episodes).format(
                a_profile=with_article(profile.name), minimum=profile.min_episodes, n=n),
            field="episodes",
            fix=ntr("Add {n} more episode.", "Add {n} more episodes.", short).format(n=short)))
    elif n > profile.max_episodes:
        extra = n - profile.max_episodes
        out.append(_problem(
            "collection.too_many_episodes",
            tr("This collection has {n} episodes; {a_profile} holds at most {maximum}.").format(
                n=n, a_profile=with_article(profile.name, start=False),
                maximum=profile.max_episodes),
            field="episodes",
            fix=ntr("Remove {n} episode or move it to a second collection.",
                    "Remove {n} episodes or move them to a second collection.",
                    extra).format(n=extra)))

    if not c.title.strip():
        out.append(_problem("collection.title_missing", tr("The collection has no title."),
                            field="title", fix=tr("Give the collection a title.")))
    else:
        out += _too_long("collection.title_too_long", tr("The collection title"), c.title,
                         profile, "max_title_length", field="title")
    if not c.description.strip():
        out.append(_problem(
            "collection.description_missing",
            tr("The collection has no description; buyers read it before they pay."),
            field="description", fix=tr("Write a few lines about what the series offers.")))
    else:
        out += _too_long("collection.description_too_long", tr("The description"),
                         c.description, profile, "max_description_length", field="description")

    if c.price is None:
        out.append(_problem("collection.price_missing", tr("The collection has no price."),
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
        out.append(_problem(
            "collection.cover_missing", tr("The collection has no cover picture."),
            field="cover", fix=tr("Pick a frame of an episode or an image file as the cover.")))
    elif cover.media_fingerprint is not None and not cover.image_path:
        record = view.media.get(cover.media_fingerprint)
        if record is not None and record.missing and Path(record.path).is_file():
            out.append(_problem(
                "collection.cover_media_missing",
                tr("The cover is a frame of {path}, which was changed or exported "
                   "again.").format(path=record.path),
                field="cover", fix=tr("Use the new version of its episode, or pick another "
                                      "cover.")))
        elif record is None or record.missing:
            out.append(_problem(
                "collection.cover_media_missing",
                tr("The cover is a frame of a video file that cannot be found."),
                field="cover", fix=tr("Reconnect the file or pick another cover.")))
    elif cover.image_path and not Path(cover.image_path).is_file():
        # Export would render every episode and then fail on the cover.
        out.append(_problem(
            "collection.cover_image_missing",
            tr("The cover image {path} cannot be found.").format(path=cover.image_path),
            field="cover", fix=tr("Put the image back, or pick another cover.")))
    elif cover.image_path:
        out += cover_size_problems(cover.image_path, profile)
    return out


# -- cover picture --------------------------------------------------------------

# Export enlarges a small cover image without a word (studio.editor.cover.fill_picture), and
# a picture enlarged more than twice on each side (each of its pixels spread over four or
# more) looks plainly blurry on a phone, so that is when the creator is told. Below that, e.g.
# a 720x1280 picture for a 1080x1920 cover (x1.5), the softening is mild, like a 720p video's,
# and a warning would be noise. The picture is never refused: it may be all they have. Only
# images are checked: a frame cover is as sharp as its episode, which has its own size rule.
COVER_MAX_ENLARGEMENT = 2.0
COVER_MIN_KEPT = 0.5  # as fill_picture: crop to the cover's shape when that keeps half of it


def cover_enlargement(width: int, height: int, cover: tuple[int, int]) -> float:
    """How many times export enlarges a ``width`` x ``height`` picture for a ``cover``
    (width, height) cover: a middle crop to the cover's shape fills it when that keeps at
    least half the picture, otherwise the whole picture is fitted inside it."""
    w, h = cover
    target, aspect = w / h, width / height
    if min(target / aspect, aspect / target) >= COVER_MIN_KEPT:
        return max(w / width, h / height)
    return min(w / width, h / height)


def cover_size_problems(path: str, profile: PublishProfile) -> list[Problem]:
    """collection.cover_too_small for the cover image at ``path``, or nothing."""
    size = picture_size(path)
    if size is None or 0 in size:  # another format, or damaged: export says if it fails
        return []
    factor = cover_enlargement(*size, profile.recommended_size)
    if factor <= COVER_MAX_ENLARGEMENT:
        return []
    w, h = profile.recommended_size
    minimum = f"{-(-w // 2)}x{-(-h // 2)}"
    return [_problem(
        "collection.cover_too_small",
        tr("The cover image is only {width}x{height}; the {profile} cover is {size}, so it "
           "will be enlarged {factor} times and look blurry.").format(
            width=size[0], height=size[1], profile=profile.name, size=f"{w}x{h}",
            factor=decimal(f"{factor:.1f}")),
        field="cover",
        fix=tr("Use a picture of at least {minimum} if you have one; this one can stay.").format(
            minimum=minimum))]


# -- episodes -------------------------------------------------------------------


def _check_episode(ep: Episode, view: CollectionView, profile: PublishProfile) -> list[Problem]:
    label = _label(ep)
    out = _check_timing(ep, label, profile)
    if not ep.title.strip():
        out.append(_problem("episode.title_missing",
                            tr("Episode {n} has no title.").format(n=ep.position),
                            episode=ep, field="title",
                            fix=tr("Give it a title; buyers see it in the episode list.")))
    else:
        out += _too_long("episode.title_too_long",
                         tr("The title of episode {n}").format(n=ep.position),
                         ep.title, profile, "max_episode_title_length", episode=ep, field="title")

    record = view.media.get(ep.media_fingerprint)
    if record is None:
        out.append(_problem(
            "episode.media_unknown",
            tr("{episode} refers to a video file the library does not know.").format(
                episode=label),
            episode=ep, field="media", fix=tr("Import the clip again or remove the episode.")))
        return out
    if record.missing and Path(record.path).is_file():
        # A file is there but not the content the episode was cut from: most often
        # the creator exported the clip again from their editor, to the same place.
        out.append(_problem(
            "episode.media_missing",
            tr("The video file of {episode} at {path} is not the version it was cut from: "
               "it was changed or exported again.").format(
                episode=_label(ep, start=False), path=record.path),
            episode=ep, field="media",
            fix=tr("If it is a new version of the same clip, use it (Use the new version, or "
                   "studio accept-new-version); otherwise put the old file back.")))
    elif record.missing:
        out.append(_problem(
            "episode.media_missing",
            tr("The video file of {episode} cannot be found at {path}.").format(
                episode=_label(ep, start=False), path=record.path),
            episode=ep, field="media",
            fix=tr("Reconnect the file (it may be on a drive that is not plugged in) or "
                   "remove the episode.")))
    info = record.info
    if info.unusable and not record.missing:
        out.append(_problem(
            "episode.media_unusable",
            tr("The video file of {episode} cannot be used: {reason}").format(
                episode=_label(ep, start=False), reason=info.unusable),
            episode=ep, field="media",
            fix=tr("Download or copy the clip again to the same place, then use the new "
                   "version (Use the new version, or studio accept-new-version); or remove "
                   "the episode.")))
    if ep.trim.end > info.duration:
        out.append(_problem(
            "episode.trim_beyond_media",
            tr("{episode} ends at {end}, after the end of its clip ({duration}).").format(
                episode=label, end=format_duration(ep.trim.end),
                duration=format_duration(info.duration)),
            episode=ep, field="trim", fix=tr("Move the out point back inside the clip.")))
    out += _check_media(ep, label, info, profile)
    return out


def _check_timing(ep: Episode, label: str, profile: PublishProfile) -> list[Problem]:
    d = ep.duration
    if d > profile.max_duration:
        return [_problem(
            "episode.too_long",
            tr("{episode} lasts {duration} after trimming; the limit is {limit}.").format(
                episode=label, duration=_shown(d, profile.max_duration),
                limit=format_duration(profile.max_duration)),
            episode=ep, field="trim",
            fix=tr("Trim {duration} or split it.").format(
                duration=_ceil_duration(d - profile.max_duration)))]
    if d < profile.min_duration:
        return [_problem(
            "episode.too_short",
            tr("{episode} lasts {duration} after trimming; the minimum is {minimum}.").format(
                episode=label, duration=_shown(d, profile.min_duration),
                minimum=format_duration(profile.min_duration)),
            episode=ep, field="trim",
            fix=tr("Keep {duration} more of the clip, or choose a longer one.").format(
                duration=_ceil_duration(profile.min_duration - d)))]
    return []


def _check_media(ep: Episode, label: str, info: MediaInfo,
                 profile: PublishProfile) -> list[Problem]:
    out: list[Problem] = []
    name = profile.name

    def add(code: str, message: str, fix: str) -> None:
        out.append(_problem(code, message, episode=ep, field="media", fix=fix))

    if not info.has_video:
        add("episode.no_video",
            tr("{episode} has no picture: its file holds only sound.").format(episode=label),
            tr("Replace it with a video clip."))
    if not info.has_audio:
        add("episode.no_audio", tr("{episode} has no sound.").format(episode=label),
            tr("It will be published silent; add a sound track if that is not intended."))
    if not profile.container_accepted(info):
        add("episode.container_not_accepted",
            tr("{episode} is stored as {container}, which {profile} does not accept.").format(
                episode=label, container=_container_name(info), profile=name),
            tr("Export will repackage it as MP4, which is quick and keeps the quality."))
    estimate = info.size * ep.duration // info.duration if info.duration > 0 else info.size
    if estimate > profile.max_file_size:
        add("episode.file_too_large",
            tr("{episode} will be about {size} after trimming; {profile} accepts files up to "
               "{limit}.").format(episode=label, size=format_size(estimate), profile=name,
                                  limit=format_size(profile.max_file_size)),
            tr("Export will re-encode it at a lower bitrate, which takes a while."))
    if not info.has_video:
        return out

    if not profile.video_codec_accepted(info):
        codec = _CODECS.get(info.video_codec or "", (info.video_codec or "").upper())
        add("episode.codec_not_accepted",
            tr("{episode} uses the {codec} video codec, which {profile} does not accept.").format(
                episode=label, codec=codec, profile=name),
            tr("Export will re-encode it to H.264, which takes a while."))
    rate = info.frame_rate
    if rate is not None and not profile.frame_rate_accepted(rate):
        fix = (tr("Export will re-encode it at {rate} frames per second.").format(
                   rate=_fps(profile.max_frame_rate))
               if rate > profile.max_frame_rate else
               tr("Export will re-encode it at a higher frame rate by repeating frames."))
        add("episode.frame_rate_out_of_range",
            tr("{episode} runs at {rate} frames per second; {profile} accepts {minimum} to "
               "{maximum}.").format(episode=label, rate=_fps(rate), profile=name,
                                    minimum=_fps(profile.min_frame_rate),
                                    maximum=_fps(profile.max_frame_rate)),
            fix)
    if info.variable_frame_rate:
        add("episode.variable_frame_rate",
            tr("{episode} has a variable frame rate.").format(episode=label),
            tr("Export will re-encode it at a constant frame rate so that sound and picture "
               "stay in sync."))
    size = info.display_size
    if size is not None:
        w, h = size
        if min(w, h) < profile.min_side:
            add("episode.resolution_too_small",
                tr("{episode} is only {width}x{height}; {profile} needs at least {minimum} px "
                   "on each side.").format(episode=label, width=w, height=h, profile=name,
                                           minimum=profile.min_side),
                tr("Export will upscale it, which looks soft; use a sharper source if you "
                   "have one."))
        if max(w, h) > profile.max_side:
            add("episode.resolution_too_large",
                tr("{episode} is {width}x{height}; {profile} accepts at most {maximum} px "
                   "on each side.").format(episode=label, width=w, height=h, profile=name,
                                           maximum=profile.max_side),
                tr("Export will scale it down."))
        if w >= h:
            rw, rh = profile.recommended_size
            message = (
                tr("{episode} is square ({width}x{height}); {profile} is watched upright, "
                   "{recommended} is recommended.") if w == h else
                tr("{episode} is landscape ({width}x{height}); {profile} is watched upright, "
                   "{recommended} is recommended."))
            add("episode.not_vertical",
                message.format(episode=label, width=w, height=h, profile=name,
                               recommended=f"{rw}x{rh}"),
                tr("Reframe it to 9:16 when exporting, or it will show with black bars."))
    if info.rotation % 360:
        add("episode.rotated",
            tr("{episode} is stored turned by {degrees}° and relies on a rotation flag that "
               "players may ignore.").format(episode=label, degrees=info.rotation % 360),
            tr("Export will re-encode it upright, which takes a while."))
    return out


# -- wording --------------------------------------------------------------------


def _too_long(code: str, what: str, text: str, profile: PublishProfile, limit: str, *,
              episode: Episode | None = None, field: str) -> list[Problem]:
    """``what`` is the subject of the sentence, already translated ("The description")."""
    length, lim = text_length(text), profile.limit(limit)
    if length <= lim.value:
        return []
    bound = (tr("the limit is {limit}").format(limit=lim.value) if lim.confirmed
             else tr("Series Studio assumes a limit of {limit}, as {profile} does not publish "
                     "one").format(limit=lim.value, profile=profile.name))
    message = (tr("{what} is {length} characters long; {bound}.") if length == len(text) else
               tr("{what} is {length} characters long (emoji count as 2); {bound}."))
    over = length - lim.value
    return [_problem(code, message.format(what=what, length=length, bound=bound),
                     episode=episode, field=field,
                     fix=ntr("Shorten it by {n} character.", "Shorten it by {n} characters.",
                             over).format(n=over))]


def _label(ep: Episode, start: bool = True) -> str:
    """``Episode 3 'Title'`` (``episode 3 'Title'`` inside a sentence), or without a title."""
    title = ep.title.strip()
    if len(title) > 40:
        title = title[:39].rstrip() + "…"
    if title:
        template = tr("Episode {n} '{title}'") if start else tr("episode {n} '{title}'")
    else:
        template = tr("Episode {n}") if start else tr("episode {n}")
    return template.format(n=ep.position, title=title)


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
    return decimal(f"{float(rate):.3f}".rstrip("0").rstrip("."))


def _container_name(info: MediaInfo) -> str:
    first = info.container.split(",")[0]
    return _CONTAINERS.get(first, first.upper())
