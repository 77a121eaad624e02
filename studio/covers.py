"""The collection's cover: choose it (a frame of an episode or an image file),
suggest six good candidates, and write it at the profile's size.

Runs on a worker thread; never touches widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from studio.domain.errors import InvalidValue, UserError
from studio.domain.models import Collection, Cover, Episode
from studio.domain.profiles import load_profile
from studio.domain.timecode import format_timecode
from studio.editor.cover import export_cover, suggest_covers
from studio.editor.frames import FrameGrabber
from studio.i18n import tr
from studio.store.library import Library
from studio.tasks import CancelToken, Progress, ProgressCallback, no_progress

COVER_FILE = "cover.jpg"
CANDIDATES = 48  # frames scored across the whole collection


def set_cover_frame(
    lib: Library, collection: Collection, episode: Episode, t_us: int
) -> Collection:
    """Use the frame of ``episode``'s media on screen at ``t_us`` (media time) as the cover."""
    media = lib.media(episode.media_fingerprint)
    if media is None:
        raise UserError(tr("The episode's media is not in the library."))
    if not 0 <= t_us < media.info.duration:
        raise InvalidValue(
            tr("{time} is outside the clip (0 to {end}).").format(
                time=format_timecode(t_us), end=format_timecode(media.info.duration))
        )
    return lib.update_collection(collection.with_(cover=Cover(media.fingerprint, t_us)))


def set_cover_image(lib: Library, collection: Collection, image: str | Path) -> Collection:
    """Use an image file; it is checked now so that a bad file is refused at once."""
    path = Path(image).expanduser().resolve()
    import cv2
    import numpy as np

    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise UserError(tr("Cannot read the image {name}: {error}.").format(
            name=path.name, error=exc.strerror)) from exc
    if data.size == 0 or cv2.imdecode(data, cv2.IMREAD_COLOR) is None:
        raise UserError(tr("{name} is not an image Series Studio can read (JPEG, PNG, "
                           "WebP).").format(name=path.name))
    return lib.update_collection(collection.with_(cover=Cover(image_path=str(path))))


def image_warnings(collection: Collection) -> list[str]:
    """What to say at once about the collection's cover image (too small: blurry), so
    the creator hears it when choosing it, not only in the checks."""
    from studio.domain.profiles import load_profile
    from studio.domain.rules import cover_size_problems

    cover = collection.cover
    if cover is None or not cover.image_path:
        return []
    problems = cover_size_problems(cover.image_path, load_profile(collection.profile))
    return [f"{p.message} {p.fix}".strip() for p in problems]


@dataclass(frozen=True)
class CoverCandidate:
    episode: Episode
    time_us: int  # media time of the frame
    score: float


def suggest(
    lib: Library,
    collection: Collection,
    *,
    count: int = 6,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> list[CoverCandidate]:
    """Score frames spread over every episode; return the ``count`` best, all different."""
    view = lib.view(collection.id)
    usable = [e for e in view.episodes
              if (m := view.media.get(e.media_fingerprint)) and not m.missing]  # fmt: skip
    if not usable:
        raise UserError(tr("'{title}' has no episode to take a cover from.").format(
            title=collection.title))
    per = max(2, CANDIDATES // len(usable))
    times = []
    for e in usable:
        step = e.duration / (per + 1)
        times += [(e, e.trim.start + int(step * (k + 1))) for k in range(per)]
    times = times[: max(CANDIDATES, len(usable))]

    def frames():
        with FrameGrabber() as grabber:
            for i, (e, t) in enumerate(times):
                if cancel is not None:
                    cancel.raise_if_cancelled()
                progress(Progress(i, len(times), tr("Scoring frames")))
                path = view.media[e.media_fingerprint].path
                yield (i, grabber.frame_at(path, t, max_size=480).rgb)

    picks = suggest_covers(frames(), count=count, cancel=cancel)
    progress(Progress(len(times), len(times), tr("Scoring frames")))
    return [CoverCandidate(times[s.key][0], times[s.key][1], s.score.total) for s in picks]


def write_cover(lib: Library, collection: Collection, folder: Path) -> str | None:
    """Write the chosen cover as ``cover.jpg`` at the profile's size; None when none is chosen."""
    cover = collection.cover
    if cover is None:
        return None
    size = load_profile(collection.profile).recommended_size
    dest = folder / COVER_FILE
    if cover.image_path:
        export_cover(Path(cover.image_path), dest, size)
        return COVER_FILE
    media = lib.media(cover.media_fingerprint) if cover.media_fingerprint else None
    if media is None or media.missing or not Path(media.path).is_file():
        raise UserError(tr("The cover's video file is missing; choose the cover again or "
                           "relink."))
    with FrameGrabber() as grabber:
        frame = grabber.frame_at(media.path, cover.time or 0)
    export_cover(frame.rgb, dest, size)
    return COVER_FILE
