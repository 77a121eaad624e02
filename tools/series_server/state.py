"""The reference server's data: accounts and tokens, uploads on disk, collections.

In memory (one lock), except the uploaded bytes, which are files in
``data_dir/uploads``. Every method is thread-safe; a PATCH holds its upload's
own lock while it writes (see ``Upload.lock``).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ACCOUNT = {"id": "acct_1", "name": "Test Creator"}
MAX_EPISODES = 80
MAX_DURATION_US = 20 * 60 * 1_000_000


@dataclass
class Upload:
    id: str
    owner: str
    length: int
    metadata: dict[str, str]
    path: Path
    key: str | None
    offset: int = 0
    created: float = field(default_factory=time.time)
    expires: float | None = None
    sha256: str | None = None  # computed once complete and asked for
    verified: bool = False  # its sha256 matched what a registration declared
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    abort: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def complete(self) -> bool:
        return self.offset >= self.length


@dataclass
class Collection:
    id: str
    owner: str
    body: dict[str, Any]
    revision: int = 1
    created: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)
    episode_state: dict[str, dict[str, Any]] = field(default_factory=dict)


class ServerState:
    def __init__(self, data_dir: Path, *, token_ttl: float = 3600.0,
                 upload_ttl: float | None = None, processing_s: float = 0.2) -> None:  # fmt: skip
        self.dir = Path(data_dir)
        (self.dir / "uploads").mkdir(parents=True, exist_ok=True)
        self.token_ttl, self.upload_ttl, self.processing_s = token_ttl, upload_ttl, processing_s
        self.lock = threading.RLock()
        self.access: dict[str, tuple[str, float]] = {}  # token -> (account, expires)
        self.refresh: dict[str, str] = {}  # token -> account (rotated on use)
        self.personal: dict[str, str] = {}  # personal access token -> account
        self.codes: dict[str, dict[str, Any]] = {}  # authorization code -> grant
        self.uploads: dict[str, Upload] = {}
        self.keys: dict[tuple[str, str], str] = {}  # (owner, Idempotency-Key) -> upload id
        self.collections: dict[str, Collection] = {}
        self.expired: set[str] = set()  # ids of uploads that expired (410 Gone)
        self.counters = {"uploads_created": 0, "collections_created": 0, "puts": 0,
                         "patches": 0, "bytes_received": 0, "refreshes": 0,
                         "active_patches": 0, "max_active_patches": 0}  # fmt: skip

    def count(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.counters[name] = self.counters.get(name, 0) + n

    def patch_started(self, delta: int) -> None:
        with self.lock:
            c = self.counters
            c["active_patches"] += delta
            c["max_active_patches"] = max(c["max_active_patches"], c["active_patches"])

    # ------------------------------------------------------------------ tokens
    def issue_tokens(self, account: str, scope: str) -> dict[str, Any]:
        access, refresh = "sat_" + secrets.token_urlsafe(24), "srt_" + secrets.token_urlsafe(24)
        with self.lock:
            self.access[access] = (account, time.time() + self.token_ttl)
            self.refresh[refresh] = account
        return {"access_token": access, "token_type": "Bearer", "expires_in": int(self.token_ttl),
                "refresh_token": refresh, "scope": scope}  # fmt: skip

    def use_refresh(self, token: str) -> str | None:
        with self.lock:
            account = self.refresh.pop(token, None)
            if account is not None:
                self.counters["refreshes"] += 1
            return account

    def mint_personal(self) -> str:
        token = "spat_" + secrets.token_urlsafe(24)
        with self.lock:
            self.personal[token] = ACCOUNT["id"]
        return token

    def account_for(self, token: str) -> str | None:
        with self.lock:
            if token in self.personal:
                return self.personal[token]
            found = self.access.get(token)
            if found and found[1] > time.time():
                return found[0]
        return None

    def expire_access_tokens(self, token: str | None = None) -> None:
        with self.lock:
            for t in [token] if token else list(self.access):
                if t in self.access:
                    self.access[t] = (self.access[t][0], 0.0)

    def revoke_refresh_tokens(self) -> None:
        with self.lock:
            self.refresh.clear()

    # ----------------------------------------------------------------- uploads
    def create_upload(self, owner: str, length: int, metadata: dict[str, str],
                      key: str | None) -> tuple[Upload, bool]:  # fmt: skip
        """(upload, created); a live upload made with the same key is returned again."""
        with self.lock:
            if key and (owner, key) in self.keys:
                existing = self.get_upload(self.keys[(owner, key)])
                if existing is not None:
                    return existing, False
            uid = uuid.uuid4().hex
            path = self.dir / "uploads" / uid
            path.touch()
            up = Upload(uid, owner, length, metadata, path, key)
            self.touch_upload(up)
            self.uploads[uid] = up
            if key:
                self.keys[(owner, key)] = uid
            self.counters["uploads_created"] += 1
            return up, True

    def touch_upload(self, up: Upload) -> None:
        if self.upload_ttl is not None and not up.complete:
            up.expires = time.time() + self.upload_ttl

    def get_upload(self, uid: str) -> Upload | None:
        """The upload, or None when unknown or expired (an expired one is deleted)."""
        with self.lock:
            up = self.uploads.get(uid)
            if up is None:
                return None
            if up.expires is not None and up.expires <= time.time() and not up.complete:
                self._delete(up)
                self.expired.add(uid)
                return None
            return up

    def _delete(self, up: Upload) -> None:
        self.uploads.pop(up.id, None)
        if up.key:
            self.keys.pop((up.owner, up.key), None)
        up.path.unlink(missing_ok=True)

    def referenced(self, uid: str) -> bool:
        with self.lock:
            for c in self.collections.values():
                if (c.body.get("cover") or {}).get("upload_id") == uid:
                    return True
                if any(e["upload_id"] == uid for e in c.body["episodes"]):
                    return True
        return False

    def delete_upload(self, up: Upload) -> None:
        with self.lock:
            self._delete(up)

    def expire_uploads(self, uid: str | None = None) -> int:
        with self.lock:
            n = 0
            for up in list(self.uploads.values()):
                if (uid is None or up.id == uid) and not up.complete:
                    up.expires = 0.0
                    n += 1
            return n

    def upload_sha256(self, up: Upload) -> str:
        if up.sha256 is None:
            h = hashlib.sha256()
            with up.path.open("rb") as f:
                while block := f.read(1 << 20):
                    h.update(block)
            up.sha256 = h.hexdigest()
        return up.sha256

    # ------------------------------------------------------------- collections
    def episode_verdict(self, up: Upload, ep: dict[str, Any]) -> tuple[str, list[str]]:
        """Processing outcome: a file that is not MP4, or too long, is rejected."""
        with up.path.open("rb") as f:
            head = f.read(12)
        reasons = []
        if head[4:8] != b"ftyp":
            reasons.append("The file is not an MP4 video.")
        if ep["duration_us"] > MAX_DURATION_US:
            reasons.append("The episode is longer than 20 minutes.")
        return ("rejected", reasons) if reasons else ("processing", [])

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "counters": dict(self.counters),
                "uploads": [{"id": u.id, "length": u.length, "offset": u.offset,
                             "complete": u.complete, "key": u.key, "sha256": u.sha256,
                             "verified": u.verified, "metadata": u.metadata}
                            for u in self.uploads.values()],
                "collections": [{"id": c.id, "revision": c.revision, "body": c.body}
                                for c in self.collections.values()],
            }  # fmt: skip
