"""The creator's objects: collections, episodes and the facts about their media.

Plain frozen dataclasses; the store turns them into rows and back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction

from studio.domain.money import Money
from studio.domain.timecode import TimeRange


@dataclass(frozen=True)
class MediaInfo:
    """What probing a media file found. Times are integer microseconds."""

    path: str
    container: str  # format name as FFmpeg knows it, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    duration: int
    size: int
    mtime: float
    bitrate: int | None = None
    # video
    video_codec: str | None = None
    video_profile: str | None = None
    pixel_format: str | None = None
    width: int | None = None
    height: int | None = None
    rotation: int = 0  # degrees clockwise the player must turn the picture: 0, 90, 180, 270
    sample_aspect_ratio: Fraction = Fraction(1)
    frame_rate: Fraction | None = None
    variable_frame_rate: bool = False
    # audio
    audio_codec: str | None = None
    audio_channels: int | None = None
    audio_sample_rate: int | None = None
    # why a file accepted by an older prober cannot be used after all (a Matroska file
    # cut short, say): the prober's message; None for a usable file
    unusable: str | None = None

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None

    @property
    def display_size(self) -> tuple[int, int] | None:
        """Width and height as shown: rotation and sample aspect ratio applied."""
        if self.width is None or self.height is None:
            return None
        w = round(self.width * self.sample_aspect_ratio)
        h = self.height
        return (h, w) if self.rotation in (90, 270) else (w, h)

    @property
    def container_names(self) -> set[str]:
        return set(self.container.split(","))


@dataclass(frozen=True)
class Episode:
    id: str
    collection_id: str
    media_fingerprint: str
    title: str
    trim: TimeRange
    position: int  # 1-based place in the collection
    free_preview: bool = False

    @property
    def duration(self) -> int:
        return self.trim.duration

    def with_(self, **changes) -> Episode:
        return replace(self, **changes)


@dataclass(frozen=True)
class Cover:
    """Either a frame of an episode's media or an image file."""

    media_fingerprint: str | None = None
    time: int | None = None
    image_path: str | None = None


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str = ""
    price: Money | None = None
    cover: Cover | None = None
    profile: str = "tiktok-series"

    def with_(self, **changes) -> Collection:
        return replace(self, **changes)


@dataclass(frozen=True)
class MediaRecord:
    """A media file known to the library, keyed by its content fingerprint."""

    fingerprint: str
    path: str
    size: int
    mtime: float
    info: MediaInfo
    missing: bool = False
    probe_version: int = 0  # which version of the prober wrote ``info``


@dataclass
class CollectionView:
    """A collection with its ordered episodes and their media, as the rules need it."""

    collection: Collection
    episodes: list[Episode] = field(default_factory=list)
    media: dict[str, MediaRecord] = field(default_factory=dict)
