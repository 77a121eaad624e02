"""What an archive holds, as the preview shows it and the import reports it.

Plain frozen dataclasses, safe to pass between threads. Times are integer
microseconds; dates are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from studio.domain.models import Episode
from studio.i18n import tr


class ItemStatus(StrEnum):
    READY = "ready"  # metadata and media file matched with confidence
    AMBIGUOUS = "ambiguous"  # a file that fits several metadata rows (see ``candidates``)
    UNMATCHED = "unmatched"  # a file with no metadata row, or that could not be read
    MISSING = "missing"  # metadata whose media file is not in the archive


class Outcome(StrEnum):
    ADDED = "added"
    SKIPPED = "skipped"  # already in the library: nothing to do
    FAILED = "failed"  # needs the creator's attention


@dataclass(frozen=True)
class Candidate:
    """A metadata row an ambiguous file might belong to."""

    video_id: str
    title: str
    description: str = ""
    created_at: datetime | None = None
    duration_hint_us: int | None = None

    def label(self) -> str:
        """``'Twin' (2023-05-01, id v7)``: what tells two videos of one title apart."""
        if self.created_at is not None:
            return tr("'{title}' ({date}, id {id})").format(
                title=self.title, date=self.created_at.date().isoformat(), id=self.video_id)
        return tr("'{title}' (id {id})").format(title=self.title, id=self.video_id)


@dataclass(frozen=True)
class ArchiveItem:
    """One video of an archive, with what the archive says about it.

    ``source_ref`` is the media file's path inside the archive (``/``-separated,
    relative to the archive's root), or None when the metadata names a video
    the archive does not hold. ``title`` is the episode title the import will
    set; ``description`` is the YouTube description or the Instagram caption.
    """

    key: str  # unique in its preview: "youtube:<id>", "file:<path>", "instagram:<uri>"
    source: str  # "youtube" or "instagram"
    kind: str  # "video" (YouTube), "post", "reel" or "story" (Instagram)
    source_ref: str | None
    title: str
    description: str = ""
    created_at: datetime | None = None
    duration_hint_us: int | None = None  # what the metadata says (YouTube's approximation)
    duration_us: int | None = None  # what probing the file found
    status: ItemStatus = ItemStatus.READY
    problem: str | None = None  # why it needs attention, for the creator
    video_id: str | None = None
    candidates: tuple[Candidate, ...] = ()
    size: int | None = None
    chosen: bool = False  # the creator chose its metadata among the candidates

    @property
    def importable(self) -> bool:
        """There is a media file to add (a non-ready one gets its file name as title)."""
        return self.source_ref is not None

    @property
    def checked_by_default(self) -> bool:
        return self.status is ItemStatus.READY

    @property
    def pickable(self) -> bool:
        """A file the creator can say the metadata of: it fits several videos, or one badly."""
        return self.importable and self.status is not ItemStatus.READY and bool(self.candidates)

    def resolved(self, candidate: Candidate) -> ArchiveItem:
        """This file with the metadata the creator chose for it (an ambiguous or unmatched one)."""
        return replace(
            self, title=candidate.title, description=candidate.description,
            created_at=candidate.created_at, duration_hint_us=candidate.duration_hint_us,
            video_id=candidate.video_id, status=ItemStatus.READY, problem=None, candidates=(),
            chosen=True,
        )  # fmt: skip


@dataclass(frozen=True)
class ArchiveProblem:
    """Something wrong with the archive itself: a damaged part, a refused entry, a broken file."""

    file: str  # the archive part or the file inside it
    message: str  # a full sentence for the creator
    line: int | None = None
    severity: str = "error"  # "error": something was not read; "warning": for information


@dataclass(frozen=True)
class Playlist:
    """A YouTube playlist: the keys of its items in the playlist's order."""

    id: str
    title: str
    description: str = ""
    item_keys: tuple[str, ...] = ()
    not_uploaded: int = 0  # videos of the playlist that are not the channel's own uploads


@dataclass(frozen=True)
class ArchivePreview:
    """Everything an import would do, read from the archive without adding anything."""

    name: str  # names the folder that extracted media go to
    sources: tuple[Path, ...]
    kinds: tuple[str, ...]  # "youtube", "instagram"
    items: tuple[ArchiveItem, ...]
    problems: tuple[ArchiveProblem, ...] = ()
    skipped_photos: int = 0
    playlists: tuple[Playlist, ...] = ()

    def item(self, key: str) -> ArchiveItem:
        for it in self.items:
            if it.key == key:
                return it
        raise KeyError(key)

    @property
    def default_selection(self) -> list[ArchiveItem]:
        return [it for it in self.items if it.checked_by_default]

    @property
    def needs_attention(self) -> list[ArchiveItem]:
        return [it for it in self.items if it.status is not ItemStatus.READY]


@dataclass(frozen=True)
class ItemResult:
    item: ArchiveItem
    outcome: Outcome
    reason: str | None = None
    episode: Episode | None = None
    path: Path | None = None  # where the media file is on disk
    stopped: bool = False  # not added: the library cannot take more (full disk, read-only)


@dataclass
class ImportReport:
    collection_id: str
    results: list[ItemResult] = field(default_factory=list)
    problems: list[ArchiveProblem] = field(default_factory=list)

    def _with(self, outcome: Outcome) -> list[ItemResult]:
        return [r for r in self.results if r.outcome is outcome]

    @property
    def added(self) -> list[ItemResult]:
        return self._with(Outcome.ADDED)

    @property
    def skipped(self) -> list[ItemResult]:
        return self._with(Outcome.SKIPPED)

    @property
    def failed(self) -> list[ItemResult]:
        return self._with(Outcome.FAILED)
