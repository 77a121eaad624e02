"""The publish kit as the sync reads it, and the desired state it becomes.

A kit is the folder :func:`studio.export.export_collection` writes: numbered
episode files, ``cover.jpg`` and ``manifest.json`` (sizes, sha256, durations,
titles, free-preview flags, the collection's title, description and price).
Publishing uploads its files and registers a :class:`DesiredCollection`: the
whole collection as the platform should hold it, under a client-generated id,
so that sending it twice changes nothing. Pure data; no I/O but reading the kit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from studio.i18n import tr
from studio.sync.errors import KitError

COVER = "cover"  # the item key of the cover; episodes use their id
MANIFEST = "manifest.json"
KIT_FORMAT = "series-studio-publish-kit"


def plain_file_name(name: object, suffix: str = ".mp4") -> bool:
    """A manifest's file name that is a plain, visible ``suffix`` name inside its folder:
    a hand-edited or hostile manifest must never make export or publish touch (and
    so delete) anything else, such as ``../x``, an absolute path or a hidden file."""
    return (isinstance(name, str) and name == Path(name).name and "/" not in name
            and "\\" not in name and name.endswith(suffix) and not name.startswith("."))


def sha256_file(path: Path, block: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(block):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class KitItem:
    """One file to publish: an episode (key = its id) or the cover (key = ``cover``)."""

    key: str
    path: Path
    size: int
    sha256: str | None  # from the manifest; None for the cover (hashed when published)
    title: str = ""
    position: int = 0
    duration_us: int = 0
    free_preview: bool = False
    content_type: str = "video/mp4"

    @property
    def is_cover(self) -> bool:
        return self.key == COVER

    @property
    def label(self) -> str:
        if self.is_cover:
            return tr("the cover")
        return tr("episode {n} '{title}'").format(n=self.position, title=self.title)


@dataclass(frozen=True)
class Kit:
    folder: Path
    collection_id: str
    title: str
    description: str
    price_minor: int | None
    currency: str | None
    episodes: tuple[KitItem, ...]
    cover: KitItem | None

    @property
    def items(self) -> tuple[KitItem, ...]:
        return self.episodes + ((self.cover,) if self.cover else ())


def read_kit(folder: str | Path) -> Kit:
    """Read and check a kit; :class:`KitError` says what is wrong and to export again."""
    folder = Path(folder)
    again = tr("Export the collection again.")
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise KitError(tr("{folder} is not a publish kit (no readable manifest.json).").format(
            folder=folder), hint=again) from None
    if not isinstance(data, dict) or data.get("format") != KIT_FORMAT:
        raise KitError(tr("{folder} is not a publish kit.").format(folder=folder), hint=again)
    try:
        c = data["collection"]
        price = c.get("price") or {}
        episodes = tuple(
            KitItem(key=str(e["id"]), path=folder / e["file"], size=int(e["size"]),
                    sha256=str(e["sha256"]), title=str(e.get("title", "")),
                    position=int(e["position"]), duration_us=int(e["duration_us"]),
                    free_preview=bool(e.get("free_preview", False)))
            for e in sorted(data["episodes"], key=lambda e: int(e["position"]))
        )  # fmt: skip
        kit = Kit(folder, str(c["id"]), str(c.get("title", "")), str(c.get("description", "")),
                  price.get("minor"), price.get("currency"), episodes, None)  # fmt: skip
    except (KeyError, TypeError, ValueError):
        raise KitError(tr("The manifest of {folder} is damaged.").format(folder=folder),
                       hint=again) from None
    for item in kit.episodes:
        try:
            size = item.path.stat().st_size
        except OSError:
            raise KitError(tr("{file} of the publish kit is missing.").format(
                file=item.path.name), hint=again) from None
        if size != item.size:
            raise KitError(tr("{file} changed since the export.").format(file=item.path.name),
                           hint=again)
    cover_name = data.get("cover")
    if cover_name and (folder / cover_name).is_file():
        path = folder / cover_name
        cover = KitItem(COVER, path, path.stat().st_size, None, content_type="image/jpeg")
        kit = Kit(**{**kit.__dict__, "cover": cover})
    return kit


@dataclass(frozen=True)
class DesiredEpisode:
    id: str
    title: str
    duration_us: int
    size: int
    sha256: str
    upload_id: str
    free_preview: bool


@dataclass(frozen=True)
class DesiredCollection:
    """The whole collection as the platform should hold it (``PUT /v1/collections/{id}``)."""

    title: str
    description: str
    price_minor: int | None
    currency: str | None
    cover_upload_id: str | None
    cover_sha256: str | None
    episodes: tuple[DesiredEpisode, ...]

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "description": self.description,
            "price": (None if self.price_minor is None else
                      {"amount_minor": self.price_minor, "currency": self.currency}),
            "cover": (None if self.cover_upload_id is None else
                      {"upload_id": self.cover_upload_id, "sha256": self.cover_sha256}),
            "episodes": [asdict(e) for e in self.episodes],
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict) -> DesiredCollection:
        price = data.get("price") or {}
        cover = data.get("cover") or {}
        fields = DesiredEpisode.__dataclass_fields__
        return cls(
            str(data.get("title", "")), str(data.get("description", "")),
            price.get("amount_minor"), price.get("currency"),
            cover.get("upload_id"), cover.get("sha256"),
            tuple(DesiredEpisode(**{k: e[k] for k in fields}) for e in data.get("episodes", [])),
        )  # fmt: skip

    def digest(self) -> str:
        text = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class RemoteEpisode:
    id: str
    status: str  # processing | ready | rejected
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class RemoteCollection:
    """What the platform holds under our id (``GET /v1/collections/{id}``)."""

    id: str
    revision: str
    status: str  # processing | ready | rejected
    desired: DesiredCollection | None
    episodes: tuple[RemoteEpisode, ...] = ()
    url: str | None = None

    def episode(self, episode_id: str) -> RemoteEpisode | None:
        return next((e for e in self.episodes if e.id == episode_id), None)
