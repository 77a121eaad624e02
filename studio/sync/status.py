"""What a client shows about publishing: live events and the stored status.

- :class:`SyncEvent`: what the engine reports while it works (progress with
  speed and ETA, state changes, notes). Plain immutable data, safe to pass
  between threads.
- :func:`collection_status`: per target, where each episode stands (from the
  library only: instant, offline), for the episode list's badges and
  ``studio status``.
- :func:`refresh_remote`: asks the target for the processing status of a
  registered collection and records it (network; run it on a worker).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from studio.i18n import tr
from studio.store.library import Library
from studio.store.sync_state import SyncStore
from studio.sync.credentials import Vault
from studio.sync.kit import RemoteCollection
from studio.sync.retry import RetryPolicy
from studio.sync.targets import SyncSettings, open_adapter


@dataclass(frozen=True)
class SyncEvent:
    """One report of the engine.

    ``kind``: ``collection`` (state: preparing, registering, processing, ready,
    rejected; ``message`` holds the remote id when done), ``item`` (an item
    changed state: pending, uploading, uploaded, registered), ``progress``
    (bytes ``sent`` of ``total`` at ``speed`` bytes/s) or ``note`` (a
    ``message`` worth showing, e.g. a session expired and was replaced; state
    ``waiting``: the server asked to wait, or it keeps failing, and the message
    says until when, before the pause begins).
    ``item`` is the episode id or ``cover``; ``label`` names it for people.
    """

    kind: str
    target: str
    item: str | None = None
    label: str = ""
    state: str = ""
    sent: int = 0
    total: int = 0
    speed: float = 0.0
    message: str = ""

    @property
    def fraction(self) -> float | None:
        return min(1.0, self.sent / self.total) if self.total else None

    @property
    def eta_s(self) -> float | None:
        if self.speed <= 0 or not self.total:
            return None
        return max(0.0, (self.total - self.sent) / self.speed)


@dataclass(frozen=True)
class ItemStatus:
    key: str  # episode id, or "cover"
    state: str  # pending | uploading | uploaded | registered
    size: int
    offset: int  # bytes the server had when last asked
    remote_status: str | None = None  # processing | ready | rejected
    reasons: tuple[str, ...] = ()

    @property
    def badge(self) -> str:
        """A short word for the episode list: what a creator needs to know."""
        if self.state == "registered":
            words = {"ready": tr("published"), "rejected": tr("rejected"),
                     "processing": tr("processing"), "damaged": tr("damaged")}
            return words.get(self.remote_status or "", tr("published"))
        if self.state == "uploading" and self.size:
            return tr("uploading {percent}%").format(percent=int(100 * self.offset / self.size))
        if self.state == "uploaded":
            return tr("uploaded")
        return tr("not sent")


@dataclass(frozen=True)
class TargetStatus:
    target: str
    kind: str
    remote_id: str
    registered: bool
    remote_status: str | None
    remote_url: str | None
    last_error: str | None
    registered_at: str | None
    items: dict[str, ItemStatus] = field(default_factory=dict)

    @property
    def pending_work(self) -> bool:
        """True when a publish was started and not finished (offer to resume it)."""
        return any(i.state in ("pending", "uploading", "uploaded") for i in self.items.values())


def target_status(store: SyncStore, target: str, collection_id: str) -> TargetStatus:
    rec = store.record(target, collection_id)
    t = store.get_target(target)
    if rec is None:
        return TargetStatus(target, t.kind, "", False, None, None, None, None)
    items = {k: ItemStatus(k, r.state, r.size, r.offset, r.remote_status, r.remote_reasons)
             for k, r in store.items(target, collection_id).items()}  # fmt: skip
    return TargetStatus(target, t.kind, rec.remote_id, rec.registered_digest is not None,
                        rec.remote_status, rec.remote_url, rec.last_error, rec.registered_at,
                        items)  # fmt: skip


def collection_status(lib: Library, collection_id: str) -> list[TargetStatus]:
    """The collection on every target it was published to (or began to be)."""
    store = SyncStore(lib)
    return [target_status(store, r.target, collection_id) for r in store.records(collection_id)]


# A status query asks once and briefly: a platform that does not answer is said within
# seconds (and the record of the last publish shown), not after minutes of retries.
STATUS_CHECK = SyncSettings(timeout=10.0, connect_timeout=4.0,
                            retry=RetryPolicy(max_attempts=1, max_retry_after=3.0))


def refresh_remote(library_path: str | os.PathLike, target: str, collection_id: str, *,
                   vault: Vault | None = None,
                   settings: SyncSettings = STATUS_CHECK) -> RemoteCollection | None:  # fmt: skip
    """Ask the target for the collection's processing status and record it.

    Raises :class:`~studio.sync.errors.Unreachable` when the platform does not answer
    (within ``settings``' connect timeout), other SyncErrors when it refuses."""
    lib = Library.open(library_path, check=False)
    try:
        store = SyncStore(lib)
        rec = store.record(target, collection_id)
        if rec is None or rec.registered_digest is None:
            return None
        adapter = open_adapter(store.get_target(target), vault or Vault(), settings)
        try:
            remote = adapter.fetch(rec.remote_id, None)
        finally:
            adapter.close()
        with store.transaction():
            store.update_record(target, collection_id,
                                remote_status=remote.status if remote else "missing")
            for key, row in store.items(target, collection_id).items():
                ep = remote.episode(key) if remote else None
                if ep is not None:
                    store.put_item(row.with_(remote_status=ep.status, remote_reasons=ep.reasons))
        return remote
    finally:
        lib.close()
