"""The episode list's publishing badges, as ``studio status`` says them.

Each episode shows its state on the first target the collection was published to;
"published, changed here" when the library says something else than that publish
registered (a new title, a free preview turned on or off: studio.sync.changes), with
what changed in its tooltip; "not published yet" for an episode added since.

Cost on the GUI thread: the states are a few rows of the library (as before). What the
last publish registered is read from its publish kit (a file) on the "db" worker, once
per :meth:`SyncBadges.refresh` (a collection opened, a publish ended), and kept: an edit
compares again with it in memory, with no file read and no network.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.domain.models import CollectionView
from studio.store.library import Library
from studio.store.sync_state import SyncStore
from studio.sync.changes import Changes, registered_from_kit, unpublished_changes
from studio.sync.kit import DesiredCollection
from studio.sync.status import TargetStatus, collection_status
from studio.ui.episode_list import EpisodeModel
from studio.ui.operations import Op, TaskManager

_log = logging.getLogger(__name__)


class SyncBadges(QObject):
    """Keeps ``model.states`` and ``model.sync_notes`` (GUI thread only)."""

    # Changes of the whole collection (title, price, description, order), in words, each
    # time the list of them changes and is not empty; with the target's name.
    collectionChanged = Signal(str, list)

    def __init__(self, library: Library, library_path: str | Path, tasks: TaskManager,
                 model: EpisodeModel, parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.library, self.library_path, self.tasks = library, library_path, tasks
        self.model = model
        self.status: TargetStatus | None = None  # on the first target, as last read
        self.published: DesiredCollection | None = None  # what it registered, once read
        self.changes = Changes()
        self._collection_id: str | None = None
        self._view: CollectionView | None = None  # as last compared
        self._generation = 0  # a read started before the last refresh is late

    def refresh(self, view: CollectionView | None) -> list[TargetStatus]:
        """Read the states again; what the last publish registered follows from a worker.
        Returns the collection's status on every target."""
        from studio.sync.actions import default_kit_folder

        self._generation += 1
        self.status, self.published, self.changes = None, None, Changes()
        self._collection_id = view.collection.id if view is not None else None
        statuses = collection_status(self.library, view.collection.id) if view else []
        self.status = statuses[0] if statuses else None
        self.compare(view)
        st = self.status
        if view is None or st is None or not st.registered:
            return statuses
        generation, path, cid = self._generation, self.library_path, view.collection.id
        kit = default_kit_folder(path, cid)

        def work(job) -> DesiredCollection | None:
            """On the "db" worker, with its own connection; never touches widgets."""
            with Library.open(path, check=False) as lib:
                return registered_from_kit(SyncStore(lib), st.target, cid, kit)

        def done(published: DesiredCollection | None) -> None:
            if generation != self._generation:
                return  # another collection, or a newer refresh: this result is late
            self.published = published
            self.compare(self._view)

        def failed(exc: BaseException) -> None:  # e.g. the library is busy: no "changed"
            _log.warning("could not read what the last publish registered: %s", exc)

        Op(work, self.tr("Reading the last publish"), lane="db").success(done).failure(
            failed).run(self.tasks)  # fmt: skip
        return statuses

    def compare(self, view: CollectionView | None) -> None:
        """The badges for ``view`` as it is now, from the states read last; in memory only."""
        self._view = view
        if view is None or view.collection.id != self._collection_id or self.status is None:
            self._show({}, {})
            return
        st = self.status
        was = self.changes.collection
        self.changes = unpublished_changes(view.collection, view.episodes, self.published) \
            if self.published is not None else Changes()  # fmt: skip
        states: dict[str, str] = {}
        notes: dict[str, tuple[str, ...]] = {}
        for e in view.episodes:
            item = st.items.get(e.id)
            if item is None:
                if st.registered:
                    states[e.id] = self.tr("not published yet")
                continue
            states[e.id] = item.badge
            said = (*item.reasons, *self.changes.episodes.get(e.id, ()))
            if e.id in self.changes.episodes:
                states[e.id] = self.tr("{0}, changed here").format(item.badge)
            if said:
                notes[e.id] = said
        self._show(states, notes)
        if self.changes.collection and self.changes.collection != was:
            self.collectionChanged.emit(st.target, list(self.changes.collection))

    def _show(self, states: dict[str, str], notes: dict[str, tuple[str, ...]]) -> None:
        m = self.model
        if states == m.states and notes == m.sync_notes:
            return
        m.states, m.sync_notes = states, notes
        if m.episodes:
            m.dataChanged.emit(m.index(0), m.index(len(m.episodes) - 1))
