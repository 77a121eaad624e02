"""Importers of creator archives: YouTube Takeout and Instagram's "Download your information".

No Qt here. The preview/import API (see :mod:`studio.ingest.importer`)::

    preview = preview_archive(paths, progress=..., cancel=...)   # reads, adds nothing
    report = import_archive(lib, ctx.media_dir, preview, collection, checked_items,
                            progress=..., cancel=...)
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

__all__ = [
    "DEFAULT_BUDGET", "ArchiveItem", "ArchivePreview", "ArchiveProblem", "ArchiveReadError",
    "Budget", "Candidate", "ImportReport", "ItemResult", "ItemStatus", "Outcome", "Playlist",
    "find_playlist", "import_archive", "item_record", "playlist_items", "preview_archive",
    "problem_record",
]
