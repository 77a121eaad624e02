"""Settling the intents a stopped or crashed publish left behind.

An intent row is written before every remote call that changes something and
deleted in the transaction that records its outcome; one still there means the
process stopped in between, so the call may or may not have happened:

- ``create``: the session was maybe made. The same key is replayed (the API
  honours ``Idempotency-Key``, so it returns the session made the first time);
  when the item no longer needs it, that session is found again and removed.
- ``send``: nothing to decide: the next upload asks the server for its offset.
- ``register``: the desired state is read back; if the platform holds exactly
  what was sent, it is recorded as registered (otherwise it is sent again,
  which is harmless: registration is idempotent).
- ``discard``: the removal of an old upload is done again (gone counts as done).
  Deferred ones (uploads the registered collection may still use) wait until
  the new desired state is registered.

Threading: used by the :class:`~studio.sync.engine.Publisher` on its worker thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from studio.i18n import tr
from studio.store.sync_state import SyncStore
from studio.sync.errors import SyncError
from studio.sync.kit import KitItem
from studio.sync.targets import Adapter, Session
from studio.tasks import CancelToken


class Recovery:
    def __init__(self, store: SyncStore, adapter: Adapter, target: str, collection_id: str,
                 remote_id: str, note: Callable[[str], None]) -> None:  # fmt: skip
        self.store, self.adapter = store, adapter
        self.target, self.cid, self.remote_id = target, collection_id, remote_id
        self.note = note

    def reconcile(self, token: CancelToken) -> None:
        """Settle every intent left by an earlier run (see the module docstring)."""
        rows = self.store.items(self.target, self.cid)
        for intent in self.store.intents(self.target, self.cid):
            d = intent.detail
            if intent.action == "create":
                row = rows.get(intent.item or "")
                if row is None or row.upload_key != d.get("key") or row.upload_url:
                    if not self._drop_orphan(d, intent.item or "", token):
                        continue
                self.store.clear_intent(intent.id)
            elif intent.action == "register":
                remote = self.adapter.fetch(self.remote_id, token)
                if remote is not None and remote.desired is not None and \
                        remote.desired.digest() == d.get("digest"):  # fmt: skip
                    self.store.update_record(self.target, self.cid,
                                             registered_digest=d["digest"],
                                             revision=remote.revision,
                                             remote_status=remote.status)  # fmt: skip
                self.store.clear_intent(intent.id)
            elif intent.action == "send":
                self.store.clear_intent(intent.id)  # the server's offset tells the rest
            elif intent.action == "discard" and not d.get("deferred"):
                self.discard(intent.id, d, token)

    def _drop_orphan(self, d: dict, key: str, token: CancelToken) -> bool:
        """Find the session a lost ``create`` made for nothing, and remove it."""
        if not self.adapter.idempotent_create or d.get("size") is None:
            return True
        orphan = KitItem(key, Path(d.get("file", "")), int(d["size"]), d.get("sha256"))
        try:
            session = self.adapter.create_session(orphan, d.get("sha256", ""), d["key"], token)
            self.adapter.discard(session, token)
        except (SyncError, OSError) as exc:
            self.note(tr("An unfinished upload could not be cleaned up yet: {error}").format(
                error=exc))
            return False
        return True

    def discard_pending(self, token: CancelToken, *, deferred: bool) -> None:
        """Remove the old uploads waiting to go (with the deferred ones when ``deferred``)."""
        for intent in self.store.intents(self.target, self.cid):
            if intent.action == "discard" and (deferred or not intent.detail.get("deferred")):
                self.discard(intent.id, intent.detail, token)

    def discard(self, intent_id: int, detail: dict, token: CancelToken) -> None:
        upload_id = detail.get("upload_id")
        in_use = any(r.upload_id == upload_id
                     for r in self.store.items(self.target, self.cid).values())  # fmt: skip
        if not in_use:
            try:
                self.adapter.discard(Session(detail["url"], upload_id or ""), token)
            except (SyncError, OSError) as exc:
                self.note(tr("An old upload could not be removed yet: {error}").format(error=exc))
                return
        self.store.clear_intent(intent_id)
