"""The creator's choices for files the archive could not match alone.

A file that fits several videos (or one video badly) is listed with its
candidate videos; the creator says which one it is, in the window with a
choice per row, or on the command line with ``--pick FILE=VIDEO_ID``. A file
is named by its file name (or its path inside the archive when two files share
a name); a video by its id (or its title, when no other candidate has it).
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import replace

from studio.domain.errors import InvalidValue, UserError
from studio.i18n import tr
from studio.ingest.model import ArchiveItem, ArchivePreview, Candidate


def file_name(item: ArchiveItem) -> str:
    return (item.source_ref or "").rsplit("/", 1)[-1]


def entry_label(preview: ArchivePreview, item: ArchiveItem) -> str:
    """How ``--pick`` names ``item``: its file name, or its path when the name is not unique."""
    name = file_name(item)
    same = [it for it in preview.items if it.source_ref and file_name(it) == name]
    return name if len(same) == 1 else (item.source_ref or name)


def pick_argument(preview: ArchivePreview, item: ArchiveItem, candidate: Candidate) -> str:
    """``--pick 'Twin(1).mp4=v7'``, quoted for a POSIX shell."""
    return "--pick " + shlex.quote(f"{entry_label(preview, item)}={candidate.video_id}")


def parse_pick(text: str) -> tuple[str, str]:
    """``FILE=VIDEO`` split at its last ``=`` (a video id never holds one; a file name may)."""
    entry, sep, video = text.rpartition("=")
    if not sep or not entry.strip() or not video.strip():
        raise InvalidValue(tr("'{text}' is not a choice: write it FILE=VIDEO_ID, e.g. --pick "
                              "'Twin(1).mp4=dQw4w9WgXcQ'.").format(text=text))  # fmt: skip
    return entry.strip(), video.strip()


def find_pickable(preview: ArchivePreview, entry: str) -> ArchiveItem:
    """The file that needs a choice named ``entry`` (file name, path or key)."""
    pickable = [it for it in preview.items if it.pickable]
    found = [it for it in pickable if entry in (it.key, it.source_ref)] or \
        [it for it in pickable if file_name(it) == entry]  # fmt: skip
    if len(found) == 1:
        return found[0]
    if found:
        raise UserError(tr("Several files are called '{name}': name one by its path in the "
                           "archive: {paths}.").format(
            name=entry, paths=", ".join(it.source_ref or "" for it in found)))  # fmt: skip
    names = ", ".join(entry_label(preview, it) for it in pickable) or "-"
    if any(it.source_ref and entry in (it.source_ref, file_name(it)) for it in preview.items):
        raise UserError(tr("'{name}' needs no choice: it is matched already, or has no video to "
                           "choose from. The files to choose for: {names}.").format(
            name=entry, names=names))  # fmt: skip
    raise UserError(tr("No file of the archive is called '{name}'. The files to choose for: "
                       "{names}.").format(name=entry, names=names))


def find_candidate(item: ArchiveItem, ref: str) -> Candidate:
    """The candidate of ``item`` with this video id, or this title when only one has it."""
    found = [c for c in item.candidates if c.video_id == ref]
    if not found:
        found = [c for c in item.candidates if c.title.casefold() == ref.casefold()]
    if len(found) == 1:
        return found[0]
    choices = ", ".join(c.label() for c in item.candidates)
    if found:
        raise UserError(tr("Several videos that {name} may be are called '{ref}'; name one by "
                           "its id: {choices}.").format(
            name=file_name(item), ref=ref, choices=choices))  # fmt: skip
    raise UserError(tr("'{ref}' is not one of the videos {name} may be: {choices}.").format(
        ref=ref, name=file_name(item), choices=choices))


def resolve(preview: ArchivePreview, choices: Mapping[str, Candidate]) -> ArchivePreview:
    """The preview with each item of ``choices`` (by key) given its chosen metadata.

    Raises UserError when one video is chosen for two files.
    """
    by_video: dict[str, str] = {}
    for key, cand in choices.items():
        name = file_name(preview.item(key))
        if cand.video_id in by_video:
            raise UserError(tr("{video} is chosen for both {first} and {second}: choose it for "
                               "one file only.").format(
                video=cand.label(), first=by_video[cand.video_id], second=name))  # fmt: skip
        by_video[cand.video_id] = name
    items = tuple(it.resolved(choices[it.key]) if it.key in choices else it
                  for it in preview.items)  # fmt: skip
    return replace(preview, items=items)


def choices_from_picks(preview: ArchivePreview, picks: Iterable[str]) -> dict[str, Candidate]:
    """Item key -> chosen candidate, from ``FILE=VIDEO`` texts (the command line's --pick)."""
    choices: dict[str, Candidate] = {}
    for text in picks:
        entry, video = parse_pick(text)
        item = find_pickable(preview, entry)
        if item.key in choices:
            raise UserError(tr("{name} is given two choices; give it one.").format(
                name=file_name(item)))
        choices[item.key] = find_candidate(item, video)
    return choices


def apply_picks(preview: ArchivePreview, picks: Iterable[str]) -> ArchivePreview:
    """The preview with the ``FILE=VIDEO`` choices applied (see :func:`resolve`)."""
    return resolve(preview, choices_from_picks(preview, picks))
