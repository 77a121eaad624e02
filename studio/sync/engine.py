"""The durable publish engine: uploads every file of a kit and registers the collection.

Each item (an episode, or the cover) moves through states kept in SQLite::

    pending -> uploading (the server's upload URL and offset) -> uploaded -> registered
        ^            |
        +-- expired -+   (the session is gone on the server: a new one is made)

Nothing is lost and nothing is done twice:

- An intent row is committed before every remote call that changes something
  (create a session, send, register, discard) and deleted in the same commit
  that records the outcome; leftovers are reconciled at the next run.
- Upload sessions are created with a client-generated key (``Idempotency-Key``)
  and the collection under a client-generated id, so replaying a call after a
  crash returns what the first one made. A re-run re-uses the stored upload
  URL after asking the server for its offset.
- Re-publishing is a diff: unchanged files are not sent again, a metadata-only
  edit re-registers without uploading, a removed episode leaves the desired
  state (and its upload is discarded once the new state is registered). A
  local file whose size changed, or whose mtime changed and whose sha256 then
  differs, loses its session (partial or complete) and is sent again.

Threading: :meth:`Publisher.run` runs on one worker thread and starts
``settings.concurrency`` upload threads itself; :meth:`Publisher.pause` and
:meth:`Publisher.cancel` may be called from any thread (the GUI's); events go
to ``on_event`` from the worker and upload threads: a GUI must hand them to
its own thread (a queued signal) and never touch widgets in the callback.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from studio.app import Busy, one_at_a_time
from studio.i18n import ntr, tr
from studio.store.library import Library
from studio.store.sync_state import ItemRecord, SyncStore
from studio.sync.changes import desired_state
from studio.sync.credentials import Vault
from studio.sync.errors import (
    AuthRequired,
    FolderTaken,
    KitError,
    RetriesExhausted,
    ServerRejected,
    SyncError,
    UploadGone,
)
from studio.sync.kit import (
    DesiredCollection,
    Kit,
    KitItem,
    RemoteCollection,
    read_kit,
    sha256_file,
)
from studio.sync.recovery import Recovery
from studio.sync.retry import TransferProgress, Waiting, waiting_message
from studio.sync.status import SyncEvent, TargetStatus, target_status
from studio.sync.targets import Adapter, Session, SyncSettings, open_adapter, same_folder
from studio.tasks import Cancelled, CancelToken

EventFn = Callable[[SyncEvent], None]
AdapterFactory = Callable[..., Adapter]
REUPLOAD_CODES = {"upload_missing", "upload_incomplete", "checksum_mismatch"}


def _new_key() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class PublishResult:
    target: str
    remote_id: str
    status: str  # processing | ready | rejected
    url: str | None
    uploaded: tuple[str, ...]  # item keys sent in this run
    removed: tuple[str, ...]  # item keys no longer in the collection
    registered: bool  # the desired state was sent in this run
    details: TargetStatus


class Publisher:
    """Publish the kit in ``kit_folder`` to the target named ``target`` (see the module).

    One :meth:`run` per object: to resume after a pause (or a crash, or an
    error), make a new Publisher with the same arguments and run it. It opens
    its own connection to the library at ``library_path``, so the caller's
    :class:`Library` stays free for the GUI thread.
    """

    def __init__(self, library_path: str | os.PathLike, target: str, kit_folder: str | Path, *,
                 vault: Vault | None = None, settings: SyncSettings | None = None,
                 on_event: EventFn | None = None,
                 adapter_factory: AdapterFactory = open_adapter) -> None:  # fmt: skip
        self.library_path = Path(library_path)
        self.target = target
        self.kit_folder = Path(kit_folder)
        self.vault = vault or Vault()
        self.settings = settings or SyncSettings()
        self.on_event = on_event or (lambda event: None)
        self.adapter_factory = adapter_factory
        self.token = CancelToken()
        self.paused = False
        self.cancelled = False
        self._uploaded: list[str] = []
        self._removed: list[str] = []
        self.recovery: Recovery | None = None
        self._wait_lock = threading.Lock()
        self._last_wait: tuple[tuple[str, int], float] | None = None

    # ---------------------------------------------------------------- control
    def pause(self) -> None:
        """Stop soon, keeping every session: the next run resumes."""
        self.paused = True
        self.token.cancel()

    def cancel(self) -> None:
        """Stop soon and discard the partial uploads (complete ones are kept)."""
        self.cancelled = True
        self.token.cancel()

    def _waiting(self, w: Waiting) -> None:
        """A request waits before its next attempt (the server's Retry-After, or a backoff):
        say so in a note, once for the uploads that meet the same answer together. Called on
        an upload thread."""
        with self._wait_lock:
            key = (w.what, w.attempt)
            last = self._last_wait
            if last is not None and last[0] == key and abs(last[1] - w.until) < 2.0:
                return
            self._last_wait = (key, w.until)
        self._emit("note", state="waiting", message=waiting_message(w))

    def _emit(self, kind: str, item: KitItem | None = None, **fields) -> None:
        self.on_event(SyncEvent(kind, self.target, item.key if item else None,
                                item.label if item else "", **fields))  # fmt: skip

    # -------------------------------------------------------------------- run
    def run(self) -> PublishResult:
        """Do the whole publish; raises SyncError (what happened) or Cancelled (paused)."""
        kit = read_kit(self.kit_folder)
        lib = Library.open(self.library_path, check=False)
        try:
            self.store = SyncStore(lib)
            target = self.store.get_target(self.target)
            collection = lib.collection(kit.collection_id)
            self.cid = kit.collection_id
            with self._alone(target, collection.title):
                self.remote_id = self.store.ensure_record(self.target, self.cid).remote_id
                settings = replace(self.settings, on_wait=self._waiting)
                self.adapter = self.adapter_factory(target, self.vault, settings)
                try:
                    return self._run(kit)
                except Cancelled:
                    if self.cancelled:
                        self._discard_partial()
                    raise
                except SyncError as exc:
                    if isinstance(exc, FolderTaken):
                        exc = self._taken_by(exc, target, collection.title)
                    self.store.update_record(self.target, self.cid, last_error=str(exc))
                    raise exc from None
                finally:
                    self.adapter.close()
        finally:
            lib.close()

    @contextmanager
    def _alone(self, target, title: str) -> Iterator[None]:
        """One publish of a collection to a place at a time: the window and a terminal
        may both start one, and two would knock each other's uploads off."""
        try:
            with one_at_a_time(f"publish {target.kind} {target.location} {self.cid}"):
                yield
        except Busy:
            raise SyncError(tr("'{title}' is already being published to '{target}' (in the "
                               "window or another terminal); wait for it to finish.").format(
                title=title, target=self.target)) from None

    def _taken_by(self, exc: FolderTaken, target, title: str) -> SyncError:
        """Say which of this library's targets published what the folder holds: two targets
        on one folder each refuse the other's collection, even when it is the same one."""
        mine = next((r for r in self.store.records(self.cid)
                     if r.remote_id == exc.remote_id and r.target != self.target), None)
        if mine is not None:
            return SyncError(
                tr("The folder {folder} already holds this collection, published there through "
                   "the target '{other}'.").format(folder=exc.folder, other=mine.target),
                hint=tr("Publish with: studio publish '{title}' --target {other} (or remove "
                        "the target '{target}': studio targets remove {target})").format(
                    title=title, other=mine.target, target=self.target))
        other = same_folder(target.kind, target.location, self.store.targets(), self.target)
        if other is not None:
            return SyncError(tr("The folder {folder} already holds another collection "
                                "('{title}'), published there through the target '{other}'; "
                                "add a target with another folder.").format(
                folder=exc.folder, title=exc.title, other=other.name))
        return exc

    def _run(self, kit: Kit) -> PublishResult:
        self._emit("collection", state="preparing")
        self.adapter.prepare(self.remote_id, kit, self.token)
        self.recovery = Recovery(self.store, self.adapter, self.target, self.cid, self.remote_id,
                                 lambda message: self._emit("note", message=message))
        self.recovery.reconcile(self.token)
        self._plan(kit)
        self._upload_all(kit)
        registered, remote = self._register(kit)
        self.recovery.discard_pending(self.token, deferred=True)
        status = target_status(self.store, self.target, self.cid)
        self._emit("collection", state=remote.status, message=remote.id)
        return PublishResult(self.target, remote.id, remote.status, remote.url,
                             tuple(self._uploaded), tuple(self._removed), registered,
                             status)  # fmt: skip

    # ------------------------------------------------------------------- plan
    def _plan(self, kit: Kit) -> None:
        """Bring every item's row up to date with the kit (the diff)."""
        rows = self.store.items(self.target, self.cid)
        for item in kit.items:
            st = item.path.stat()
            row = rows.get(item.key)
            if row is None:
                self._new_row(item, st.st_size, st.st_mtime_ns)
                continue
            same_stat = (row.size, row.mtime_ns) == (st.st_size, st.st_mtime_ns)
            if same_stat and item.sha256 in (None, row.sha256):
                if row.file != str(item.path):  # renamed (moved or retitled): same bytes
                    self.store.put_item(row.with_(file=str(item.path)))
                continue
            # Size, mtime or the manifest's hash changed: the file is hashed (and checked
            # against the manifest). Same bytes (an export that rewrote them, as the
            # cover's does) keep the session and the upload; others are sent again.
            sha = self._checked_sha(item)
            if sha == row.sha256:
                self.store.put_item(row.with_(file=str(item.path), mtime_ns=st.st_mtime_ns))
            else:
                self._invalidate(row, item, st.st_size, st.st_mtime_ns, sha)
        keys = {i.key for i in kit.items}
        for key, row in rows.items():
            if key not in keys:
                self._forget(row, deferred=row.state == "registered")
                self._removed.append(key)

    def _checked_sha(self, item: KitItem) -> str:
        """The sha256 of the kit file, which must be the manifest's (KitError otherwise).

        Called for a file not published yet, or whose size or mtime changed since it was:
        about 1 s per 300 MB, once per new file; a file that kept its size and mtime is
        not hashed again at every publish (a minute for a season with nothing to send).
        """
        sha = sha256_file(item.path)
        if item.sha256 is not None and sha != item.sha256:
            raise KitError(tr("The kit file of {item} ({file}) is not the one that was rendered "
                              "(its sha256 differs from the kit's manifest).").format(
                item=item.label, file=item.path),
                hint=tr("Export again: it is rendered again."))
        return sha

    def _new_row(self, item: KitItem, size: int, mtime_ns: int, sha: str | None = None) -> None:
        sha = sha or self._checked_sha(item)
        row = ItemRecord(self.target, self.cid, item.key, "pending", str(item.path), size,
                         mtime_ns, sha, _new_key())  # fmt: skip
        same = self.store.completed_upload(self.target, self.cid, sha)
        if same is not None and same.upload_url:
            row = row.with_(state="uploaded", upload_url=same.upload_url,
                            upload_id=same.upload_id, offset=same.size)  # fmt: skip
        self.store.put_item(row)

    def _invalidate(self, row: ItemRecord, item: KitItem, size: int, mtime_ns: int,
                    sha: str) -> None:  # fmt: skip
        """The file changed: drop its session (later, if registered) and start over."""
        with self.store.transaction():
            self._forget(row, deferred=True)
            self._new_row(item, size, mtime_ns, sha)

    def _forget(self, row: ItemRecord, deferred: bool) -> None:
        with self.store.transaction():
            if row.upload_url:
                self.store.add_intent(self.target, self.cid, row.item, "discard",
                                      {"url": row.upload_url, "upload_id": row.upload_id,
                                       "deferred": deferred})  # fmt: skip
            self.store.delete_item(self.target, self.cid, row.item)

    # ---------------------------------------------------------------- uploads
    def _upload_all(self, kit: Kit, only: set[str] | None = None) -> None:
        rows = self.store.items(self.target, self.cid)
        todo = [i for i in kit.items if rows[i.key].state in ("pending", "uploading")
                and (only is None or i.key in only)]  # fmt: skip
        for item in kit.items:
            self._emit("item", item, state=rows[item.key].state, sent=rows[item.key].offset,
                       total=item.size)  # fmt: skip
        if not todo:
            return
        pool = ThreadPoolExecutor(max(1, self.settings.concurrency), "upload")
        try:
            futures = [pool.submit(self._upload_item, item) for item in todo]
            done, _ = wait_futures(futures, return_when=FIRST_EXCEPTION)
            errors = [f.exception() for f in done if f.exception() is not None]
            if errors:
                self.token.cancel()  # stop the other uploads at their next block
            wait_futures(futures)
            errors = [f.exception() for f in futures if f.exception() is not None]
        except BaseException:
            # A KeyboardInterrupt (or SIGTERM/SIGHUP made one) raised on this thread while
            # it waits: the upload threads must see it, or shutdown() below would wait for
            # every file to be sent.
            if not self.cancelled:
                self.paused = True
            self.token.cancel()
            raise
        finally:
            pool.shutdown(wait=True)
        real = [e for e in errors if not isinstance(e, Cancelled)]
        if real and not (self.paused or self.cancelled):
            auth = [e for e in real if isinstance(e, AuthRequired)]
            raise (auth or real)[0]
        if errors:
            raise Cancelled()

    def _upload_item(self, item: KitItem) -> None:
        row = self.store.item(self.target, self.cid, item.key)
        assert row is not None
        fresh_sessions = 0
        while True:
            self.token.raise_if_cancelled()
            if row.upload_url is None:
                fresh_sessions += 1
                if fresh_sessions > 3:
                    raise SyncError(tr("The server keeps dropping the upload of {item}.").format(
                        item=item.label))
                iid = self.store.add_intent(self.target, self.cid, item.key, "create",
                                            {"key": row.upload_key, "size": row.size,
                                             "file": str(item.path), "sha256": row.sha256})
                s = self.adapter.create_session(item, row.sha256, row.upload_key, self.token)
                row = row.with_(state="uploading", upload_url=s.url, upload_id=s.upload_id,
                                offset=s.offset, expires_at=s.expires_at)  # fmt: skip
                with self.store.transaction():
                    self.store.put_item(row)
                    self.store.clear_intent(iid)
            self._emit("item", item, state="uploading", sent=row.offset, total=item.size)
            session = Session(row.upload_url, row.upload_id or "", row.offset, row.expires_at)
            iid = self.store.add_intent(self.target, self.cid, item.key, "send",
                                        {"url": row.upload_url})  # fmt: skip
            report = self._progress(item)
            try:
                final = self.adapter.send(session, item, report, self.token)
            except Cancelled:
                self.store.set_offset(self.target, self.cid, item.key, report.last)
                raise
            except RetriesExhausted as exc:
                raise RetriesExhausted(
                    ntr("Sending {item} stopped after {attempts} failed attempt; the last one: "
                        "{what}.", "Sending {item} stopped after {attempts} failed attempts in "
                        "a row; the last one: {what}.", exc.attempts).format(
                        item=item.label, attempts=exc.attempts, what=exc.what),
                    attempts=exc.attempts, what=exc.what,
                    hint=tr("What was sent is kept: publish again to resume.")) from None
            except UploadGone:
                self._emit("note", item, state="expired",
                           message=tr("The upload session of {item} expired; starting a new "
                                      "one.").format(item=item.label))  # fmt: skip
                row = row.with_(state="pending", upload_url=None, upload_id=None, offset=0,
                                expires_at=None, upload_key=_new_key())  # fmt: skip
                with self.store.transaction():
                    self.store.put_item(row)
                    self.store.clear_intent(iid)
                continue
            st = item.path.stat()
            if (st.st_size, st.st_mtime_ns) != (row.size, row.mtime_ns):
                self.store.clear_intent(iid)
                raise SyncError(tr("The file of {item} changed while it was being sent.").format(
                    item=item.label), hint=tr("Publish again to send the new version."))
            with self.store.transaction():
                self.store.put_item(row.with_(state="uploaded", offset=final))
                self.store.clear_intent(iid)
            self._uploaded.append(item.key)
            self._emit("item", item, state="uploaded", sent=final, total=item.size)
            return

    def _progress(self, item: KitItem) -> _Report:
        return _Report(self, item)

    # --------------------------------------------------------------- register
    def _desired(self, kit: Kit) -> DesiredCollection:
        return desired_state(kit, self.store.items(self.target, self.cid))

    def _register(self, kit: Kit) -> tuple[bool, RemoteCollection]:
        for attempt in range(2):
            desired = self._desired(kit)
            digest = desired.digest()
            rec = self.store.record(self.target, self.cid)
            if rec is not None and rec.registered_digest == digest:
                remote = self.adapter.fetch(self.remote_id, self.token)
                if remote is not None and remote.desired is not None and \
                        remote.desired.digest() == digest:  # fmt: skip
                    self._record(remote, digest)
                    return False, remote
            self._emit("collection", state="registering")
            iid = self.store.add_intent(self.target, self.cid, None, "register",
                                        {"digest": digest})  # fmt: skip
            try:
                remote = self.adapter.register(self.remote_id, desired, self.token)
            except (ServerRejected, UploadGone) as exc:
                self.store.clear_intent(iid)
                again = self._reupload_keys(exc)
                if attempt or not again:
                    raise
                rows = self.store.items(self.target, self.cid)
                for key in again:
                    if key in rows:
                        item = next(i for i in kit.items if i.key == key)
                        st = item.path.stat()
                        self._invalidate(rows[key], item, st.st_size, st.st_mtime_ns,
                                         self._checked_sha(item))  # fmt: skip
                self._upload_all(kit, only=again)
                continue
            self._record(remote, digest, iid)
            return True, remote
        raise AssertionError("unreachable")

    def _reupload_keys(self, exc: Exception) -> set[str]:
        """Items the server says it lacks or holds damaged (sent again once)."""
        if isinstance(exc, UploadGone):
            return set(self.store.items(self.target, self.cid))
        assert isinstance(exc, ServerRejected)
        return {str(p.get("episode")) for p in exc.problems
                if p.get("code") in REUPLOAD_CODES and p.get("episode")}  # fmt: skip

    def _record(self, remote: RemoteCollection, digest: str, intent: int | None = None) -> None:
        with self.store.transaction():
            self.store.update_record(self.target, self.cid, registered_digest=digest,
                                     revision=remote.revision, remote_status=remote.status,
                                     remote_url=remote.url, last_error=None,
                                     registered_at=_now_iso())  # fmt: skip
            for key, row in self.store.items(self.target, self.cid).items():
                ep = remote.episode(key)
                self.store.put_item(row.with_(
                    state="registered", error=None,
                    remote_status=ep.status if ep else remote.status,
                    remote_reasons=ep.reasons if ep else ()))  # fmt: skip
            if intent is not None:
                self.store.clear_intent(intent)

    # ---------------------------------------------------------------- cancel
    def _discard_partial(self) -> None:
        """After cancel(): drop the sessions that never completed (best effort)."""
        self.token = CancelToken()
        for row in self.store.items(self.target, self.cid).values():
            if row.state == "uploading" and row.upload_url:
                self._forget(row, deferred=False)
                self.store.put_item(row.with_(state="pending", upload_url=None, upload_id=None,
                                              offset=0, upload_key=_new_key()))  # fmt: skip
        if self.recovery is not None:
            self.recovery.discard_pending(self.token, deferred=False)


class _Report:
    """An upload's progress callback: events, and now and then the offset in the library
    (for ``studio status`` after a stop). Called on the upload's thread."""

    def __init__(self, publisher: Publisher, item: KitItem) -> None:
        self.publisher, self.item = publisher, item
        self.last = 0
        self._saved = time.monotonic()

    def __call__(self, p: TransferProgress) -> None:
        pub = self.publisher
        self.last = p.sent
        pub._emit("progress", self.item, state="uploading", sent=p.sent, total=p.total,
                  speed=p.speed)  # fmt: skip
        if time.monotonic() - self._saved >= 2.0:
            self._saved = time.monotonic()
            pub.store.set_offset(pub.target, pub.cid, self.item.key, p.sent)


def _now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
