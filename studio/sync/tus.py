"""A tus 1.0.0 resumable-upload client on httpx (core, creation, checksum,
termination, expiration; https://tus.io/protocols/resumable-upload).

- The offset always comes from the server (HEAD, or the ``Upload-Offset`` of
  the last PATCH answer), never from what the client believes it sent.
- PATCH bodies are streamed from the file in blocks (``block_size``), so memory
  stays constant whatever the size. ``chunk_size`` caps the bytes per PATCH;
  None (the default) sends the rest of the file in one PATCH, or 16 MiB per
  PATCH when checksums are on (a damaged chunk is sent again whole). Each
  PATCH costs a few milliseconds of request handling on the server.
- When the server lists the ``checksum`` extension with ``sha1``, each PATCH
  carries ``Upload-Checksum`` (the chunk is read twice: once to hash it).
- Transient failures (connection errors, timeouts, 408/429/5xx, 409, 460)
  are retried with exponential backoff and jitter, ``Retry-After`` honoured,
  up to :class:`RetryPolicy` ``max_attempts`` in a row without progress;
  then :class:`RetriesExhausted` says what kept happening.
- 404/410/403 on an upload URL raise :class:`UploadGone` (expired or
  terminated): start a new upload. 401 triggers one ``auth.refresh``; a
  second 401 raises :class:`AuthRequired`.

Threading: a :class:`TusClient` may be shared by threads (httpx's client is
thread-safe and the capability cache is locked); the progress callback is
called on the thread that runs :meth:`TusClient.send`. Set the
:class:`CancelToken` from any thread to stop within one block: the
connection is dropped, the server keeps what it received, and a later
:meth:`send` resumes from there. :class:`Cancelled` is raised.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin

import httpx

from studio.i18n import ntr, tr
from studio.sync.errors import (
    AuthRequired,
    KitError,
    RetriesExhausted,
    ServerRejected,
    UploadGone,
)
from studio.sync.retry import (
    RETRY_STATUSES,
    ProgressFn,
    RetryPolicy,
    Throttle,
    Tracker,
    WaitFn,
    describe_exception,
    describe_status,
    pause,
    retry_after_of,
    server_detail,
)
from studio.tasks import CancelToken

TUS_VERSION = "1.0.0"
OFFSET_TYPE = "application/offset+octet-stream"
MiB = 1 << 20
CHECKSUM_CHUNK = 16 * MiB
DEFAULT_BLOCK = 1 * MiB
GONE = (403, 404, 410)


class Authenticator(Protocol):
    """Supplies the Authorization header and renews it once when the server says 401."""

    def headers(self) -> dict[str, str]: ...

    def refresh(self, failed: Mapping[str, str]) -> None:
        """Renew the credentials that produced ``failed``; raise AuthRequired if impossible."""


@dataclass(frozen=True)
class TusCapabilities:
    versions: tuple[str, ...] = (TUS_VERSION,)
    extensions: frozenset[str] = frozenset()
    checksum_algorithms: frozenset[str] = frozenset()
    max_size: int | None = None

    @property
    def sha1_checksums(self) -> bool:
        return "checksum" in self.extensions and "sha1" in self.checksum_algorithms


@dataclass(frozen=True)
class TusUpload:
    """An upload as the server reports it."""

    url: str
    length: int | None
    offset: int
    expires: datetime | None = None

    @property
    def complete(self) -> bool:
        return self.length is not None and self.offset >= self.length


def encode_metadata(metadata: Mapping[str, str]) -> str:
    """``Upload-Metadata``: ``key base64(value)`` pairs joined by commas."""
    parts = []
    for key, value in metadata.items():
        if not key or any(c in key for c in " ,"):
            raise ValueError(f"bad tus metadata key {key!r}")
        parts.append(f"{key} {base64.b64encode(value.encode()).decode()}")
    return ",".join(parts)


def _listed(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split(",") if v.strip())


def _expires(value: str | None) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


class TusClient:
    """A tus client. ``http`` is the httpx client to use (its timeouts apply)."""

    def __init__(
        self,
        http: httpx.Client | None = None,
        *,
        auth: Authenticator | None = None,
        chunk_size: int | None = None,
        block_size: int = DEFAULT_BLOCK,
        checksum: bool = True,
        throttle: Throttle | None = None,
        retry: RetryPolicy | None = None,
        on_wait: WaitFn | None = None,
    ) -> None:
        self._own_http = http is None
        self.http = http or httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0))
        self.auth = auth
        self.chunk_size = max(1, chunk_size) if chunk_size else None
        self.block_size = max(1024, block_size)
        self.checksum = checksum
        self.throttle = throttle or Throttle(None)
        self.retry = retry or RetryPolicy()
        self.on_wait = on_wait  # told before a long pause between attempts (any thread)
        self._caps: dict[str, TusCapabilities] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the HTTP client if this object made it."""
        if self._own_http:
            self.http.close()

    def __enter__(self) -> TusClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --------------------------------------------------------------- plumbing
    def _auth_headers(self) -> dict[str, str]:
        return self.auth.headers() if self.auth is not None else {}

    def _request(self, method: str, url: str, cancel: CancelToken | None,
                 headers: Mapping[str, str] | None = None) -> httpx.Response:  # fmt: skip
        """One bodiless request, retried on transient failures; 401 refreshes once."""
        failures, refreshed = 0, False
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            used = self._auth_headers()
            after = None
            try:
                r = self.http.request(method, url, headers={
                    "Tus-Resumable": TUS_VERSION, **(headers or {}), **used})
            except httpx.TransportError as exc:
                what = describe_exception(exc)
            else:
                if r.status_code == 401 and self.auth is not None:
                    refreshed = self._refresh(used, refreshed)
                    continue
                if r.status_code not in RETRY_STATUSES:
                    return r
                what, after = describe_status(r), retry_after_of(r)
            failures += 1
            self._give_up_or_wait(failures, what, after, cancel)

    def _refresh(self, used: Mapping[str, str], already: bool) -> bool:
        if already or self.auth is None:
            raise AuthRequired(tr("The server refused the sign-in even after renewing it."))
        self.auth.refresh(used)
        return True

    def _give_up_or_wait(self, failures: int, what: str, after: float | None,
                         cancel: CancelToken | None) -> None:  # fmt: skip
        if failures >= self.retry.max_attempts:
            raise RetriesExhausted(
                ntr("The upload stopped after {attempts} failed attempt; the last one: {what}.",
                    "The upload stopped after {attempts} failed attempts in a row; the last "
                    "one: {what}.", failures).format(attempts=failures, what=what),
                attempts=failures, what=what)
        pause(self.retry, failures, what, after, cancel, self.on_wait)

    @staticmethod
    def _fail(r: httpx.Response, doing: str) -> ServerRejected:
        detail = server_detail(r)
        message = tr("{doing}: {what}.").format(doing=doing, what=describe_status(r))
        return ServerRejected(f"{message} {detail}".strip(), status=r.status_code)

    # ------------------------------------------------------------ operations
    def capabilities(self, url: str, cancel: CancelToken | None = None) -> TusCapabilities:
        """What the server supports (OPTIONS), cached per URL."""
        with self._lock:
            if url in self._caps:
                return self._caps[url]
        r = self._request("OPTIONS", url, cancel)
        if r.status_code not in (200, 204):
            raise self._fail(r, tr("Asking the server what it supports"))
        max_size = r.headers.get("Tus-Max-Size")
        caps = TusCapabilities(
            versions=_listed(r.headers.get("Tus-Version")) or (TUS_VERSION,),
            extensions=frozenset(_listed(r.headers.get("Tus-Extension"))),
            checksum_algorithms=frozenset(_listed(r.headers.get("Tus-Checksum-Algorithm"))),
            max_size=int(max_size) if max_size and max_size.isdigit() else None,
        )
        with self._lock:
            self._caps[url] = caps
        return caps

    def create(self, endpoint: str, length: int, metadata: Mapping[str, str] | None = None, *,
               idempotency_key: str | None = None,
               cancel: CancelToken | None = None) -> TusUpload:  # fmt: skip
        """Create an upload of ``length`` bytes (POST). With ``idempotency_key``, a
        server that honours ``Idempotency-Key`` returns the same upload on a replay,
        so a retry after a lost answer does not make a second one."""
        headers = {"Upload-Length": str(length)}
        if metadata:
            headers["Upload-Metadata"] = encode_metadata(metadata)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        r = self._request("POST", endpoint, cancel, headers)
        if r.status_code not in (200, 201) or "Location" not in r.headers:
            raise self._fail(r, tr("Creating the upload"))
        url = urljoin(str(r.url), r.headers["Location"])
        offset = r.headers.get("Upload-Offset", "0")
        return TusUpload(url, length, int(offset) if offset.isdigit() else 0,
                         _expires(r.headers.get("Upload-Expires")))  # fmt: skip

    def head(self, url: str, cancel: CancelToken | None = None) -> TusUpload:
        """The server's offset (and length, expiry) of an upload; UploadGone if it is gone."""
        r = self._request("HEAD", url, cancel, {"Cache-Control": "no-store"})
        if r.status_code in GONE:
            raise UploadGone(tr("The upload session has expired or was removed on the server."))
        offset = r.headers.get("Upload-Offset")
        if r.status_code not in (200, 204) or offset is None or not offset.isdigit():
            raise self._fail(r, tr("Asking the server how much it has"))
        length = r.headers.get("Upload-Length")
        return TusUpload(url, int(length) if length and length.isdigit() else None, int(offset),
                         _expires(r.headers.get("Upload-Expires")))  # fmt: skip

    def terminate(self, url: str, cancel: CancelToken | None = None) -> bool:
        """Delete an upload (termination). True when gone; False when the server keeps
        it because it is in use (409)."""
        r = self._request("DELETE", url, cancel)
        if r.status_code in (200, 204, *GONE):
            return True
        if r.status_code == 409:
            return False
        raise self._fail(r, tr("Removing the upload"))

    def send(self, url: str, path: str | Path, *, progress: ProgressFn | None = None,
             cancel: CancelToken | None = None,
             checksum: bool | None = None) -> TusUpload:  # fmt: skip
        """Send ``path`` to the upload at ``url`` from the server's offset until complete."""
        path = Path(path)
        length = path.stat().st_size
        use_sha1 = self.checksum if checksum is None else checksum
        if use_sha1:
            try:  # the creation endpoint, usually; a server that will not say gets none
                use_sha1 = self.capabilities(url.rsplit("/", 1)[0], cancel).sha1_checksums
            except ServerRejected:
                use_sha1 = False
        tracker = Tracker(length, progress)
        up = self.head(url, cancel)
        if up.length is not None and up.length != length:
            raise UploadGone(tr("The upload session was made for a file of another size."))
        offset, failures, refreshed, need_head = up.offset, 0, False, False
        tracker.at(offset, force=True)
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            if need_head:
                up = self.head(url, cancel)
                offset, need_head = up.offset, False
                tracker.meter.reset()
                tracker.at(offset, force=True)
            if offset >= length:
                return TusUpload(url, length, offset, up.expires)
            n = min(self.chunk_size or (CHECKSUM_CHUNK if use_sha1 else length), length - offset)
            headers = {"Tus-Resumable": TUS_VERSION, "Content-Type": OFFSET_TYPE,
                       "Upload-Offset": str(offset), "Content-Length": str(n)}  # fmt: skip
            if use_sha1:
                headers["Upload-Checksum"] = "sha1 " + self._sha1(path, offset, n, cancel)
            used = self._auth_headers()
            after = None
            try:
                r = self.http.patch(url, headers={**headers, **used},
                                    content=self._body(path, offset, n, tracker, cancel))
            except httpx.TransportError as exc:
                what = describe_exception(exc)
            else:
                status = r.status_code
                if status in (200, 204) and r.headers.get("Upload-Offset", "").isdigit():
                    new = int(r.headers["Upload-Offset"])
                    if new > offset:
                        failures, refreshed = 0, False
                    offset = new
                    up = TusUpload(url, length, offset,
                                   _expires(r.headers.get("Upload-Expires")) or up.expires)
                    tracker.at(offset, force=True)
                    continue
                if status == 401 and self.auth is not None:
                    refreshed = self._refresh(used, refreshed)
                    need_head = True
                    continue
                if status in GONE:
                    raise UploadGone(
                        tr("The upload session has expired or was removed on the server."))
                if status == 409:
                    what = tr("the server has a different offset")
                elif status == 460:
                    what = tr("a chunk arrived damaged (checksum mismatch)")
                elif status in RETRY_STATUSES:
                    what, after = describe_status(r), retry_after_of(r)
                else:
                    raise self._fail(r, tr("Sending the file"))
            failures += 1
            need_head = True
            self._give_up_or_wait(failures, what, after, cancel)

    def upload(self, endpoint: str, path: str | Path, *,
               metadata: Mapping[str, str] | None = None, url: str | None = None,
               on_created: Callable[[TusUpload], None] | None = None,
               progress: ProgressFn | None = None,
               cancel: CancelToken | None = None) -> TusUpload:  # fmt: skip
        """Create (or resume ``url``) and send ``path``; a gone session is replaced once."""
        path = Path(path)
        for attempt in range(2):
            if url is None or attempt:
                created = self.create(endpoint, path.stat().st_size, metadata,
                                      idempotency_key=uuid.uuid4().hex, cancel=cancel)
                url = created.url
                if on_created is not None:
                    on_created(created)
            try:
                return self.send(url, path, progress=progress, cancel=cancel)
            except UploadGone:
                if attempt:
                    raise
        raise AssertionError("unreachable")

    # ------------------------------------------------------------- the body
    def _blocks(self) -> int:
        limit = self.throttle.block_limit
        return min(self.block_size, limit) if limit else self.block_size

    def _sha1(self, path: Path, offset: int, n: int, cancel: CancelToken | None) -> str:
        h = hashlib.sha1()
        with path.open("rb") as f:
            f.seek(offset)
            left = n
            while left > 0:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                data = f.read(min(4 * MiB, left))
                if not data:
                    break
                h.update(data)
                left -= len(data)
        return base64.b64encode(h.digest()).decode()

    def _body(self, path: Path, offset: int, n: int, tracker: Tracker,
              cancel: CancelToken | None) -> Iterator[bytes]:  # fmt: skip
        block = self._blocks()
        with path.open("rb") as f:
            f.seek(offset)
            sent = 0
            while sent < n:
                if cancel is not None:
                    cancel.raise_if_cancelled()
                data = f.read(min(block, n - sent))
                if not data:
                    raise KitError(tr("The file {path} became shorter while it was being "
                                      "sent.").format(path=path))
                self.throttle.take(len(data), cancel)
                yield data
                sent += len(data)
                tracker.at(offset + sent)
