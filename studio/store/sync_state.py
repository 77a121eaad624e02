"""The durable state of publishing: targets, per-item upload sessions, registrations, intents.

Tables come from migrations ``0002_sync`` and ``0003_sync_kept``. No secret is ever written here
(tokens live in the keyring). Every change is one ``BEGIN IMMEDIATE``
transaction, so a kill at any moment leaves either the old or the new state.

Threading: a :class:`SyncStore` serialises every use of the library
connection with a re-entrant lock, so the publish engine's upload threads may
call it at once; :meth:`SyncStore.transaction` groups several changes into
one commit. Nobody else may use the same :class:`Library` meanwhile.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from typing import Any

from studio.domain.errors import NotFound, UserError
from studio.i18n import tr
from studio.store.library import Library

STATES = ("pending", "uploading", "uploaded", "registered")


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True)
class TargetRecord:
    name: str
    kind: str
    location: str  # a folder, or the API's base URL
    account: str = ""
    options: dict[str, Any] | None = None


@dataclass(frozen=True)
class SyncRecord:
    """One collection on one target."""

    target: str
    collection_id: str
    remote_id: str  # client-generated, fixed before the first registration
    registered_digest: str | None = None
    revision: str | None = None
    remote_status: str | None = None
    remote_url: str | None = None
    last_error: str | None = None
    registered_at: str | None = None


@dataclass(frozen=True)
class ItemRecord:
    """One file (an episode, or the cover) of a collection on a target."""

    target: str
    collection_id: str
    item: str
    state: str  # pending | uploading | uploaded | registered
    file: str
    size: int
    mtime_ns: int
    sha256: str
    upload_key: str  # client-generated id of the upload session (Idempotency-Key)
    upload_url: str | None = None
    upload_id: str | None = None
    offset: int = 0  # the server's offset, as last reported
    expires_at: str | None = None
    remote_status: str | None = None
    remote_reasons: tuple[str, ...] = ()
    error: str | None = None

    def with_(self, **changes: Any) -> ItemRecord:
        return replace(self, **changes)


@dataclass(frozen=True)
class Intent:
    """A remote call about to be made; deleted once its outcome is recorded."""

    id: int
    target: str
    collection_id: str
    item: str | None
    action: str  # create | send | register | discard
    detail: dict[str, Any]


_ITEM_FIELDS = [f.name for f in fields(ItemRecord)]


def _item(row: dict) -> ItemRecord:
    data = {k: row[k] for k in _ITEM_FIELDS}
    data["remote_reasons"] = tuple(json.loads(row["remote_reasons"] or "[]"))
    return ItemRecord(**data)


def _sync(row: dict) -> SyncRecord:
    return SyncRecord(**{f.name: row[f.name] for f in fields(SyncRecord)})


class SyncStore:
    """SQL for the sync state of one library (see the module's threading note)."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self._lock = threading.RLock()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock, self.lib.transaction():
            yield

    def _query(self, sql: str, params: list | tuple = ()) -> list[dict]:
        with self._lock:
            return list(self.lib.db.query(sql, params))

    # ----------------------------------------------------------------- targets
    def add_target(self, target: TargetRecord) -> int:
        """Add ``target``; return how many collections published through a removed target
        with the same kind and location it takes back (see :meth:`remove_target`)."""
        with self.transaction():
            if self.target(target.name) is not None:
                raise UserError(tr("There is already a target called '{name}'.").format(
                    name=target.name))
            self.lib.conn.execute(
                "INSERT INTO sync_targets(name, kind, location, account, options) "
                "VALUES (?, ?, ?, ?, ?)",
                [target.name, target.kind, target.location, target.account,
                 json.dumps(target.options or {})])  # fmt: skip
            return self._take_back(target)

    def _take_back(self, target: TargetRecord) -> int:
        kept = self._query("SELECT * FROM sync_kept WHERE kind = ? AND location = ?",
                           [target.kind, target.location])  # fmt: skip
        for row in kept:
            state = json.loads(row["state"])
            self._insert("sync_collections", {**state["record"], "target": target.name})
            for item in state["items"]:
                self._insert("sync_items", {**item, "target": target.name})
            for intent in state["intents"]:
                self._insert("sync_intents", {**intent, "id": None, "target": target.name})
        self.lib.conn.execute("DELETE FROM sync_kept WHERE kind = ? AND location = ?",
                              [target.kind, target.location])  # fmt: skip
        return len(kept)

    def _insert(self, table: str, row: dict) -> None:
        cols = [c for c in row if row[c] is not None or c != "id"]
        self.lib.conn.execute(
            f"INSERT INTO {table}({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
            [row[c] for c in cols])

    def targets(self) -> list[TargetRecord]:
        rows = self._query("SELECT * FROM sync_targets ORDER BY name")
        return [TargetRecord(r["name"], r["kind"], r["location"], r["account"],
                             json.loads(r["options"])) for r in rows]  # fmt: skip

    def target(self, name: str) -> TargetRecord | None:
        return next((t for t in self.targets() if t.name == name), None)

    def get_target(self, name: str) -> TargetRecord:
        found = self.target(name)
        if found is None:
            raise NotFound(tr("No target called '{name}'. 'studio targets list' shows them.")
                           .format(name=name))  # fmt: skip
        return found

    def set_account(self, name: str, account: str) -> None:
        with self.transaction():
            self.lib.conn.execute("UPDATE sync_targets SET account = ? WHERE name = ?",
                                  [account, name])  # fmt: skip

    def remove_target(self, name: str) -> int:
        """Remove a target; return how many collections were published through it.

        Their sync state (remote id, uploads, pending intents) is kept by the target's
        kind and location, not dropped: a target added later for the same folder or
        platform takes it back and updates those collections instead of making new ones.
        """
        with self.transaction():
            target = self.get_target(name)
            for rec in self._query("SELECT * FROM sync_collections WHERE target = ?", [name]):
                where = [name, rec["collection_id"]]
                state = {
                    "record": rec,
                    "items": self._query("SELECT * FROM sync_items WHERE target = ? AND "
                                         "collection_id = ?", where),
                    "intents": self._query("SELECT * FROM sync_intents WHERE target = ? AND "
                                           "collection_id = ? ORDER BY id", where),
                }  # fmt: skip
                self.lib.conn.execute(
                    "INSERT OR REPLACE INTO sync_kept(kind, location, collection_id, state) "
                    "VALUES (?, ?, ?, ?)",
                    [target.kind, target.location, rec["collection_id"], json.dumps(state)])
            kept = self._query("SELECT COUNT(*) AS n FROM sync_collections WHERE target = ?",
                               [name])[0]["n"]  # fmt: skip
            self.lib.conn.execute("DELETE FROM sync_targets WHERE name = ?", [name])
            return int(kept)

    # ------------------------------------------------------------- collections
    def ensure_record(self, target: str, collection_id: str) -> SyncRecord:
        """The collection's record on ``target``, made (with a new remote id) if needed."""
        with self.transaction():
            found = self.record(target, collection_id)
            if found is not None:
                return found
            self.lib.conn.execute(
                "INSERT INTO sync_collections(target, collection_id, remote_id) VALUES (?, ?, ?)",
                [target, collection_id, str(uuid.uuid4())])
            return self.record(target, collection_id)  # type: ignore[return-value]

    def record(self, target: str, collection_id: str) -> SyncRecord | None:
        rows = self._query("SELECT * FROM sync_collections WHERE target = ? AND collection_id = ?",
                           [target, collection_id])  # fmt: skip
        return _sync(rows[0]) if rows else None

    def records(self, collection_id: str) -> list[SyncRecord]:
        rows = self._query("SELECT * FROM sync_collections WHERE collection_id = ? "
                           "ORDER BY target", [collection_id])  # fmt: skip
        return [_sync(r) for r in rows]

    def update_record(self, target: str, collection_id: str, **changes: Any) -> None:
        if not changes:
            return
        names = ", ".join(f"{k} = ?" for k in changes)
        with self.transaction():
            self.lib.conn.execute(
                f"UPDATE sync_collections SET {names}, updated_at = ? "
                "WHERE target = ? AND collection_id = ?",
                [*changes.values(), _now(), target, collection_id])

    # ------------------------------------------------------------------- items
    def items(self, target: str, collection_id: str) -> dict[str, ItemRecord]:
        rows = self._query("SELECT * FROM sync_items WHERE target = ? AND collection_id = ?",
                           [target, collection_id])  # fmt: skip
        return {r["item"]: _item(r) for r in rows}

    def item(self, target: str, collection_id: str, key: str) -> ItemRecord | None:
        return self.items(target, collection_id).get(key)

    def put_item(self, rec: ItemRecord) -> None:
        if rec.state not in STATES:
            raise ValueError(rec.state)
        row = {f: getattr(rec, f) for f in _ITEM_FIELDS}
        row["remote_reasons"] = json.dumps(list(rec.remote_reasons))
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self.transaction():
            self.lib.conn.execute(
                f"INSERT OR REPLACE INTO sync_items({cols}, updated_at) VALUES ({marks}, ?)",
                [*row.values(), _now()])

    def set_offset(self, target: str, collection_id: str, key: str, offset: int) -> None:
        """Record how far an upload got (for status displays after a stop or a crash)."""
        with self.transaction():
            self.lib.conn.execute(
                "UPDATE sync_items SET offset = ? WHERE target = ? AND collection_id = ? "
                "AND item = ? AND state = 'uploading'", [offset, target, collection_id, key])

    def delete_item(self, target: str, collection_id: str, key: str) -> None:
        with self.transaction():
            self.lib.conn.execute(
                "DELETE FROM sync_items WHERE target = ? AND collection_id = ? AND item = ?",
                [target, collection_id, key])

    def completed_upload(self, target: str, collection_id: str, sha256: str) -> ItemRecord | None:
        """A complete upload of this content in the collection (to reuse, not resend)."""
        rows = self._query("SELECT * FROM sync_items WHERE target = ? AND collection_id = ? AND "
                           "sha256 = ? AND state IN ('uploaded', 'registered') AND "
                           "upload_id IS NOT NULL LIMIT 1",
                           [target, collection_id, sha256])  # fmt: skip
        return _item(rows[0]) if rows else None

    # ----------------------------------------------------------------- intents
    def add_intent(self, target: str, collection_id: str, item: str | None, action: str,
                   detail: dict[str, Any] | None = None) -> int:  # fmt: skip
        with self.transaction():
            cur = self.lib.conn.execute(
                "INSERT INTO sync_intents(target, collection_id, item, action, detail) "
                "VALUES (?, ?, ?, ?, ?)",
                [target, collection_id, item, action, json.dumps(detail or {})])
            return int(cur.lastrowid or 0)

    def clear_intent(self, intent_id: int) -> None:
        with self.transaction():
            self.lib.conn.execute("DELETE FROM sync_intents WHERE id = ?", [intent_id])

    def intents(self, target: str, collection_id: str) -> list[Intent]:
        rows = self._query("SELECT * FROM sync_intents WHERE target = ? AND collection_id = ? "
                           "ORDER BY id", [target, collection_id])  # fmt: skip
        return [Intent(r["id"], r["target"], r["collection_id"], r["item"], r["action"],
                       json.loads(r["detail"])) for r in rows]  # fmt: skip
