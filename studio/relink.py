"""Accept a new version of a clip that was re-rendered in place.

A creator re-exports a clip from their editor to the same path: the file is
there, but its content fingerprint is not the one the library knows, so the
episode reads as missing and relinking (which looks for the *old* content)
cannot help. Accepting the new version re-probes the file and moves every
episode cut from the old content, and any cover frame taken from it, to the
new content, keeping titles, positions, flags and the cover choice. A trim that
still fits in the new version is kept as it is; an episode that used the whole
old clip uses the whole new one; a trim that no longer fits is clamped to the
new length, and every such change is said (see :meth:`NewVersion.lines`).

Caches (keyframe indexes, filmstrips, posters, waveforms, renders) are keyed by
the content fingerprint, so nothing made from the old content is reused.

Threading: :func:`plan_new_version` reads the file (fingerprint, probe, frame
boundaries) and writes nothing, so it may run on a worker with its own
:class:`~studio.store.library.Library`; :func:`apply_new_version` and
:func:`revert_new_version` are each one quick transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction
from pathlib import Path

from studio.domain.errors import NotFound, UserError
from studio.domain.models import Collection, Cover, Episode, MediaInfo, MediaRecord
from studio.domain.timecode import TimeRange, format_duration, format_timecode
from studio.editor.cut_points import snap_trim
from studio.editor.probe import PROBE_VERSION, probe
from studio.i18n import ntr, tr
from studio.store.fingerprint import fingerprint
from studio.store.library import Library
from studio.store.locations import content_elsewhere

US = 1_000_000


class TrimFate(StrEnum):
    KEPT = "kept"  # the trim fits in the new version: unchanged
    WHOLE = "whole"  # it used the whole old clip: it uses the whole new one
    CLAMPED = "clamped"  # the out point was past the new end: it ends there now
    RESET = "reset"  # the in point was past the new end: it uses the whole new clip


@dataclass(frozen=True)
class EpisodeChange:
    before: Episode
    after: Episode
    collection_title: str
    fate: TrimFate

    @property
    def clamped(self) -> bool:
        return self.fate in (TrimFate.CLAMPED, TrimFate.RESET)


@dataclass(frozen=True)
class CoverChange:
    before: Collection
    after: Collection

    @property
    def clamped(self) -> bool:
        return _cover_time(self.before) != _cover_time(self.after)


@dataclass(frozen=True)
class NewVersion:
    """What accepting the new version of one file does (or did)."""

    old: MediaRecord
    new: MediaRecord
    new_was_known: bool  # the library already knew this content (an earlier version, say)
    episodes: tuple[EpisodeChange, ...]
    covers: tuple[CoverChange, ...] = ()

    @property
    def name(self) -> str:
        return Path(self.new.path).name

    @property
    def clamped(self) -> list[EpisodeChange]:
        return [c for c in self.episodes if c.clamped]

    def summary(self) -> str:
        n = len(self.episodes)
        return ntr(
            "Using the new version of '{name}' ({length}; the old one lasted {old_length}): "
            "{n} episode keeps its title, place and settings.",
            "Using the new version of '{name}' ({length}; the old one lasted {old_length}): "
            "{n} episodes keep their titles, places and settings.", n).format(
            name=self.name, length=format_duration(self.new.info.duration),
            old_length=format_duration(self.old.info.duration), n=n)  # fmt: skip

    def lines(self) -> list[str]:
        """One sentence per episode and per cover: what happened to its trim or frame."""
        out = [describe_episode_change(c, self.new.info) for c in self.episodes]
        out += [describe_cover_change(c, self.new.info) for c in self.covers if c.clamped]
        return out

    def warnings(self) -> list[str]:
        """Only the sentences about trims and covers that had to change."""
        out = [describe_episode_change(c, self.new.info) for c in self.episodes if c.clamped]
        out += [describe_cover_change(c, self.new.info) for c in self.covers if c.clamped]
        return out


def replaced_in_place(media: MediaRecord | None) -> bool:
    """The library lost this content, but a file is at its path: likely a new version.

    Cheap (one ``stat``); the library's ``missing`` flag must be up to date
    (``studio.actions.refresh_media_status``).
    """
    return media is not None and media.missing and Path(media.path).is_file()


def _frame(info: MediaInfo) -> int:
    return round(Fraction(US) / info.frame_rate) if info.frame_rate else 0


def _cover_time(c: Collection) -> int | None:
    return c.cover.time if c.cover else None


def _whole(path: str, info: MediaInfo) -> TimeRange:
    return snap_trim(path, info, TimeRange(0, info.duration))


def new_trim(trim: TimeRange, old: MediaInfo, path: str, new: MediaInfo
             ) -> tuple[TimeRange, TrimFate]:  # fmt: skip
    """The trim an episode gets on the new version of its clip, and why."""
    if trim.start == 0 and trim.end >= old.duration - _frame(old):
        return _whole(path, new), TrimFate.WHOLE
    if trim.end <= new.duration:
        return trim, TrimFate.KEPT
    if trim.start < new.duration:
        return snap_trim(path, new, TimeRange(trim.start, new.duration)), TrimFate.CLAMPED
    return _whole(path, new), TrimFate.RESET


def _last_frame(path: str, info: MediaInfo) -> int:
    return snap_trim(path, info, TimeRange(max(0, info.duration - 1), info.duration)).start


def plan_new_version(lib: Library, episode: Episode) -> NewVersion:
    """What accepting the file now at ``episode``'s media path would do. Writes nothing.

    Raises UserError when there is no file there, when it is still the version
    the library knows, when another remembered path still holds that version (see
    :mod:`studio.store.locations`), or when it cannot be used as a video (probe's message).
    """
    old = lib.media(episode.media_fingerprint)
    if old is None:
        raise UserError(tr("The episode's media is not in the library."))
    path = Path(old.path)
    if not path.is_file():
        raise UserError(tr(
            "There is no file at {path} any more, so there is no new version to use. If the "
            "clip was moved or renamed, relink it.").format(path=path))
    try:
        fp = fingerprint(path)
        st = path.stat()
    except OSError as exc:
        raise UserError(tr("{name}: cannot read the file ({error}).").format(
            name=path.name, error=exc.strerror or exc)) from exc
    if fp == old.fingerprint:
        raise UserError(tr("{name} has not changed: its episodes already use this "
                           "version.").format(name=path.name))  # fmt: skip
    # Only the file the episodes use can bring a new version, and only when no copy of
    # their clip is left: refresh_media_status would move them onto that copy.
    copy = content_elsewhere(lib.media_locations(old.fingerprint), old.fingerprint,
                             besides=old.path)  # fmt: skip
    if copy is not None:
        raise UserError(tr("{name} was changed, but the clip its episodes were cut from is "
                           "still at {path}: they carry on with that file, so there is no "
                           "new version to use.").format(name=path.name, path=copy.path))
    known = lib.media(fp)
    if known is not None and known.probe_version >= PROBE_VERSION:
        new = replace(known, path=str(path), size=st.st_size, mtime=st.st_mtime, missing=False)
    else:
        new = MediaRecord(fp, str(path), st.st_size, st.st_mtime, probe(path),
                          probe_version=PROBE_VERSION)  # fmt: skip
    titles: dict[str, str] = {}
    changes = []
    for e in lib.episodes_using(old.fingerprint):
        if e.collection_id not in titles:
            titles[e.collection_id] = lib.collection(e.collection_id).title
        trim, fate = new_trim(e.trim, old.info, new.path, new.info)
        changes.append(EpisodeChange(e, e.with_(media_fingerprint=fp, trim=trim),
                                     titles[e.collection_id], fate))  # fmt: skip
    covers = []
    for c in lib.collections_with_cover_from(old.fingerprint):
        assert c.cover is not None
        t = c.cover.time or 0
        if t >= new.info.duration:
            t = _last_frame(new.path, new.info)
        covers.append(CoverChange(c, c.with_(cover=Cover(fp, t, c.cover.image_path))))
    return NewVersion(old, new, known is not None, tuple(changes), tuple(covers))


def apply_new_version(lib: Library, plan: NewVersion) -> None:
    """Move the episodes and covers of ``plan`` to the new content, in one transaction.

    Each episode keeps what it has now (title, place, flags) but for its media
    and trim; the old content's record goes when nothing refers to it any more.
    """
    old_fp, new_fp = plan.old.fingerprint, plan.new.fingerprint
    with lib.transaction():
        lib.put_media(plan.new)
        for ch in plan.episodes:
            try:
                current = lib.episode(ch.after.id)
            except NotFound:
                continue  # removed since the plan was made
            if current.media_fingerprint == old_fp:
                lib.update_episode(current.with_(media_fingerprint=new_fp, trim=ch.after.trim))
        for cv in plan.covers:
            _swap_cover(lib, cv.after.id, old_fp, cv.after.cover)
        lib.forget_media(old_fp)


def revert_new_version(lib: Library, plan: NewVersion) -> None:
    """Undo :func:`apply_new_version`: back to the old content (missing) and the old trims."""
    old_fp, new_fp = plan.old.fingerprint, plan.new.fingerprint
    with lib.transaction():
        lib.put_media(replace(plan.old, missing=True))
        for ch in plan.episodes:
            try:
                current = lib.episode(ch.before.id)
            except NotFound:
                continue
            if current.media_fingerprint == new_fp:
                lib.update_episode(current.with_(media_fingerprint=old_fp, trim=ch.before.trim))
        for cv in plan.covers:
            _swap_cover(lib, cv.before.id, new_fp, cv.before.cover)
        if not plan.new_was_known:
            lib.forget_media(new_fp)


def _swap_cover(lib: Library, collection_id: str, from_fp: str, cover: Cover | None) -> None:
    try:
        current = lib.collection(collection_id)
    except NotFound:
        return
    if current.cover is not None and current.cover.media_fingerprint == from_fp:
        lib.update_collection(current.with_(cover=cover))


def accept_new_version(lib: Library, episode: Episode) -> NewVersion:
    """Use the file now at ``episode``'s media path for every episode of the old content."""
    plan = plan_new_version(lib, episode)
    apply_new_version(lib, plan)
    return plan


def describe_episode_change(c: EpisodeChange, new: MediaInfo) -> str:
    e, after = c.before, c.after
    fields = {"n": e.position, "title": e.title, "collection": c.collection_title,
              "start": format_timecode(e.trim.start), "end": format_timecode(e.trim.end),
              "new_start": format_timecode(after.trim.start),
              "new_end": format_timecode(after.trim.end),
              "length": format_timecode(new.duration)}  # fmt: skip
    if c.fate is TrimFate.KEPT:
        return tr("Episode {n} '{title}' of '{collection}': trim kept, {start} to "
                  "{end}.").format(**fields)  # fmt: skip
    if c.fate is TrimFate.WHOLE:
        return tr("Episode {n} '{title}' of '{collection}' used the whole clip; with the new "
                  "version, it uses the whole new clip, {new_start} to {new_end}.").format(
            **fields)
    if c.fate is TrimFate.CLAMPED:
        return tr("Episode {n} '{title}' of '{collection}': its out point {end} is past the end "
                  "of the new version ({length}); with it, the episode ends at {new_end}.").format(
            **fields)
    return tr("Episode {n} '{title}' of '{collection}': its in point {start} is past the end of "
              "the new version ({length}); with it, the episode uses the whole clip, {new_start} "
              "to {new_end}.").format(**fields)  # fmt: skip


def describe_cover_change(c: CoverChange, new: MediaInfo) -> str:
    return tr("The cover of '{title}' is the frame at {time}, past the end of the new version "
              "({length}); with it, the cover is the last frame, at {new_time}.").format(
        title=c.before.title, time=format_timecode(_cover_time(c.before) or 0),
        length=format_timecode(new.duration),
        new_time=format_timecode(_cover_time(c.after) or 0))  # fmt: skip
