"""Importers of creator archives: YouTube Takeout and Instagram's "Download your information".

No Qt here. The preview/import API (see :mod:`studio.ingest.importer`)::

    preview = preview_archive(paths, progress=..., cancel=...)   # reads, adds nothing
    report = import_archive(lib, ctx.media_dir, preview, collection, checked_items,
                            progress=..., cancel=...)

A file that fits several videos is resolved by the creator's choice first::

    preview = apply_picks(preview, ["Twin(1).mp4=v7"])   # or resolve(preview, {key: candidate})
"""

from studio.ingest.archive import DEFAULT_BUDGET, ArchiveReadError, Budget
from studio.ingest.importer import (
    find_playlist,
    import_archive,
    item_record,
    playlist_items,
    preview_archive,
    problem_record,
)
from studio.ingest.model import (
    ArchiveItem,
    ArchivePreview,
    ArchiveProblem,
    Candidate,
    ImportReport,
    ItemResult,
    ItemStatus,
    Outcome,
    Playlist,
)
from studio.ingest.picks import (
    apply_picks,
    choices_from_picks,
    entry_label,
    pick_argument,
    resolve,
)

__all__ = [
    "DEFAULT_BUDGET", "ArchiveItem", "ArchivePreview", "ArchiveProblem", "ArchiveReadError",
    "Budget", "Candidate", "ImportReport", "ItemResult", "ItemStatus", "Outcome", "Playlist",
    "apply_picks", "choices_from_picks", "entry_label", "find_playlist", "import_archive",
    "item_record", "pick_argument", "playlist_items", "preview_archive", "problem_record",
    "resolve",
]
