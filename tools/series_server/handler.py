"""HTTP handling of the reference server: routing, auth, tus, collections, admin.

One thread per connection (ThreadingHTTPServer), HTTP/1.1 keep-alive. Every
answer has a Content-Length (or is a 204), and a request body that is not
read is either drained (small) or the connection is closed after the answer.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import socket
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from tools.series_server import collections, oauth
from tools.series_server.faults import Fault
from tools.series_server.state import ACCOUNT, Upload

if TYPE_CHECKING:
    from tools.series_server.server import SeriesServer

TUS = "1.0.0"
OFFSET_TYPE = "application/offset+octet-stream"
EXTENSIONS = "creation,checksum,termination,expiration"
ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
BLOCK = 1 << 20


def _metadata(header: str) -> dict[str, str]:
    out = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = pair.partition(" ")
        out[key] = base64.b64decode(value).decode("utf-8", "replace") if value else ""
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 60
    server: SeriesServer

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.verbose:
            super().log_message(format, *args)

    # ------------------------------------------------------------- plumbing
    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
              kind: str | None = None) -> None:  # fmt: skip
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if kind:
            self.send_header("Content-Type", kind)
        if status != 204:
            self.send_header("Content-Length", str(0 if self.command == "HEAD" else len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(data).encode(), headers, "application/json")

    def _problem(self, status: int, title: str, detail: str = "", errors: list | None = None,
                 headers: dict[str, str] | None = None) -> None:  # fmt: skip
        self._discard_body()
        body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
        if detail:
            body["detail"] = detail
        if errors:
            body["errors"] = errors
        self._send(status, json.dumps(body).encode(), headers, "application/problem+json")

    def _length(self) -> int:
        try:
            return int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return 0

    def _discard_body(self) -> None:
        """Read a small unread body; close the connection after a large one."""
        if getattr(self, "_body_done", False):
            return
        self._body_done = True
        n = self._length()
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked" or n > BLOCK:
            self.close_connection = True
        elif n:
            self.rfile.read(n)

    def _read_json(self) -> Any:
        n = self._length()
        self._body_done = True
        if n > 4 * BLOCK:
            self.close_connection = True
            raise ValueError("body too large")
        return json.loads(self.rfile.read(n) or b"null")

    def _cut(self) -> None:
        """Drop the connection without an answer (a reset, as a network would)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       b"\x01\x00\x00\x00\x00\x00\x00\x00")  # fmt: skip
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _account(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else ""
        account = self.server.state.account_for(token) if token else None
        if account is None:
            self._problem(401, "Unauthorized", "The access token is missing, expired or unknown.",
                          headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return account

    # -------------------------------------------------------------- dispatch
    def do_GET(self) -> None:  # noqa: N802
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET  # noqa: N815

    def _dispatch(self) -> None:
        self._body_done = False
        url = urlsplit(self.path)
        path, method = url.path.rstrip("/") or "/", self.command
        try:
            fault = None
            if not path.startswith("/admin"):
                fault = self.server.faults.match(method, path)
                if fault is not None and self._fault_first(fault, path):
                    return
            if fault is not None and fault.action == "lose-answer":
                self.wfile = io.BytesIO()  # the answer goes nowhere
            self._route(method, path, {k: v[0] for k, v in parse_qs(url.query).items()}, fault)
            if fault is not None and fault.action == "lose-answer":
                self._cut()
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as exc:  # a bug of the reference server: say it, keep serving
            self.close_connection = True
            self._problem(500, "Internal Server Error", type(exc).__name__)

    def _fault_first(self, fault: Fault, path: str) -> bool:
        """Apply the part of a fault that happens before the request is handled."""
        s = self.server.state
        if fault.action == "status":
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = f"{fault.retry_after:g}"
            self._problem(fault.status, "Injected fault", f"status {fault.status}",
                          headers=headers)  # fmt: skip
            return True
        if fault.action == "drop" and not (self.command == "PATCH" and fault.after_bytes):
            self._cut()
            return True
        if fault.action == "stall" and self.command != "PATCH":
            time.sleep(fault.seconds)
        if fault.action == "expire":
            s.expire_uploads(path.rsplit("/", 1)[-1])
        if fault.action == "expire-token":
            auth = self.headers.get("Authorization", "")
            s.expire_access_tokens(auth[7:] if auth.startswith("Bearer ") else None)
        return False

    def _route(self, method: str, path: str, q: dict[str, str], fault: Fault | None) -> None:
        parts = path.strip("/").split("/")
        base = self.server.base_url
        if path == "/.well-known/oauth-authorization-server" and method == "GET":
            return self._json(200, oauth.metadata(base))
        if path == "/oauth/authorize" and method == "GET":
            status, where = oauth.authorize(self.server.state, q)
            if status == 302:
                return self._send(302, headers={"Location": where, "Cache-Control": "no-store"})
            return self._send(status, where.encode(), kind="text/plain; charset=utf-8")
        if path == "/oauth/token" and method == "POST":
            n = self._length()
            self._body_done = True
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(n).decode()).items()}
            status, body = oauth.token(self.server.state, form)
            return self._json(status, body, {"Cache-Control": "no-store"})
        if parts[0] == "admin" and self.server.admin:
            return self._admin(method, parts[1:] if len(parts) > 1 else [""])
        if parts[:2] == ["v1", "uploads"]:
            return self._tus(method, parts[2] if len(parts) > 2 else None, fault)
        if parts[:2] == ["v1", "collections"] and len(parts) == 3:
            return self._collection(method, parts[2])
        if path == "/v1/me" and method == "GET":
            if self._account() is not None:
                self._json(200, ACCOUNT)
            return None
        return self._problem(404, "Not Found", f"No route for {method} {path}.")

    # ------------------------------------------------------------------ admin
    def _admin(self, method: str, parts: list[str]) -> None:
        s, what = self.server.state, parts[0]
        data = self._read_json() if method == "POST" else None
        if what == "state" and method == "GET":
            return self._json(200, s.snapshot() | {"faults_fired": self.server.faults.log})
        if what == "faults" and method == "POST":
            for rule in data if isinstance(data, list) else [data]:
                self.server.faults.add(Fault.from_json(rule))
            return self._json(200, {"rules": len(self.server.faults.rules)})
        if what == "faults" and method == "DELETE":
            self.server.faults.clear()
            return self._json(200, {"rules": 0})
        if what == "tokens" and method == "POST":
            return self._json(201, {"token": s.mint_personal()})
        if what == "expire-tokens" and method == "POST":
            s.expire_access_tokens((data or {}).get("token"))
            return self._json(200, {})
        if what == "revoke-refresh" and method == "POST":
            s.revoke_refresh_tokens()
            return self._json(200, {})
        if what == "expire-uploads" and method == "POST":
            return self._json(200, {"expired": s.expire_uploads((data or {}).get("id"))})
        return self._problem(404, "Not Found")

    # -------------------------------------------------------------------- tus
    def _tus_headers(self, up: Upload | None = None) -> dict[str, str]:
        h = {"Tus-Resumable": TUS, "Cache-Control": "no-store"}
        if up is not None:
            h["Upload-Offset"] = str(up.offset)
            if up.expires is not None:
                h["Upload-Expires"] = formatdate(up.expires, usegmt=True)
        return h

    def _tus(self, method: str, uid: str | None, fault: Fault | None) -> None:
        s = self.server.state
        if method == "OPTIONS":
            return self._send(204, headers={
                "Tus-Resumable": TUS, "Tus-Version": TUS, "Tus-Extension": EXTENSIONS,
                "Tus-Checksum-Algorithm": ",".join(ALGORITHMS),
                "Tus-Max-Size": str(self.server.max_size)})  # fmt: skip
        if self.headers.get("Tus-Resumable") != TUS:
            return self._problem(412, "Precondition Failed", "Tus-Resumable: 1.0.0 is required.",
                                 headers={"Tus-Version": TUS})  # fmt: skip
        owner = self._account()
        if owner is None:
            return None
        if uid is None:
            if method != "POST":
                return self._problem(405, "Method Not Allowed")
            return self._create(owner)
        up = s.get_upload(uid)
        if up is None or up.owner != owner:
            gone = uid in s.expired
            return self._problem(410 if gone else 404, "Gone" if gone else "Not Found",
                                 "The upload expired." if gone else "No such upload.",
                                 headers={"Tus-Resumable": TUS})  # fmt: skip
        if method == "HEAD":
            h = self._tus_headers(up) | {"Upload-Length": str(up.length)}
            if up.metadata:
                h["Upload-Metadata"] = ",".join(
                    f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in up.metadata.items())
            return self._send(200, headers=h)
        if method == "DELETE":
            if s.referenced(up.id):
                return self._problem(409, "Conflict", "A registered collection uses this upload.")
            s.delete_upload(up)
            return self._send(204, headers={"Tus-Resumable": TUS})
        if method == "PATCH":
            return self._patch(up, fault)
        return self._problem(405, "Method Not Allowed")

    def _create(self, owner: str) -> None:
        length = self.headers.get("Upload-Length", "")
        if not length.isdigit():
            return self._problem(400, "Bad Request", "Upload-Length is required.")
        if int(length) > self.server.max_size:
            return self._problem(413, "Payload Too Large", "The file is larger than allowed.")
        try:
            meta = _metadata(self.headers.get("Upload-Metadata", ""))
        except ValueError:
            return self._problem(400, "Bad Request", "Upload-Metadata is not valid.")
        self._discard_body()
        up, created = self.server.state.create_upload(
            owner, int(length), meta, self.headers.get("Idempotency-Key"))
        return self._send(201 if created else 200, headers=self._tus_headers(up) | {
            "Location": f"{self.server.base_url}/v1/uploads/{up.id}"})

    def _patch(self, up: Upload, fault: Fault | None) -> None:
        if self.headers.get("Content-Type") != OFFSET_TYPE:
            return self._problem(415, "Unsupported Media Type",
                                 f"Content-Type must be {OFFSET_TYPE}.")
        checksum = self.headers.get("Upload-Checksum")
        digest = None
        if checksum:
            algo, _, expected = checksum.partition(" ")
            if algo not in ALGORITHMS:
                return self._problem(400, "Bad Request", f"Unsupported checksum {algo}.")
            digest = ALGORITHMS[algo]()
        if up.lock.locked():  # an older PATCH is still running: stop it, as @tus/server does
            up.abort.set()
        if not up.lock.acquire(timeout=10):
            return self._problem(423, "Locked", "Another request is writing this upload.")
        try:
            up.abort.clear()
            offset = self.headers.get("Upload-Offset", "")
            if not offset.isdigit() or int(offset) != up.offset:
                return self._problem(409, "Conflict", f"The offset is {up.offset}.",
                                     headers=self._tus_headers(up))  # fmt: skip
            chunked = self.headers.get("Transfer-Encoding", "").lower() == "chunked"
            n = None if chunked else self._length()
            if n is not None and up.offset + n > up.length:
                return self._problem(400, "Bad Request", "The body goes past Upload-Length.")
            start = up.offset
            self._body_done = True
            self.server.state.patch_started(1)
            try:
                received, complete = self._receive(up, n, digest, fault)
            finally:
                self.server.state.patch_started(-1)
            if digest is not None and (not complete or
                                       base64.b64encode(digest.digest()).decode() != expected):
                with up.path.open("r+b") as f:
                    f.truncate(start)
                up.offset = start
                if complete:
                    return self._problem(460, "Checksum Mismatch", "The chunk was damaged.",
                                         headers=self._tus_headers(up))  # fmt: skip
            self.server.state.touch_upload(up)
            self.server.state.count("patches")
            if not complete:
                self._cut()
                return None
            return self._send(204, headers=self._tus_headers(up))
        finally:
            up.lock.release()

    def _chunks(self, n: int | None):
        """(readinto-size) steps of the body: Content-Length, or chunked encoding."""
        if n is not None:
            yield n
            return
        while True:
            line = self.rfile.readline(100)
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline(100)
                return
            yield size
            self.rfile.readline(10)

    def _receive(self, up: Upload, n: int | None, digest: Any,
                 fault: Fault | None) -> tuple[int, bool]:  # fmt: skip
        """Write the body at the upload's offset; (bytes received, whole body received)."""
        buf = memoryview(bytearray(BLOCK))
        got = 0
        trigger = fault.after_bytes if fault and fault.action in ("drop", "stall") else None
        with up.path.open("r+b") as f:
            f.seek(up.offset)
            try:
                for size in self._chunks(n):
                    left = size
                    while left > 0:
                        if up.abort.is_set():
                            return got, False
                        want = min(BLOCK, left)
                        if trigger is not None and got < trigger:
                            want = min(want, trigger - got)
                        k = self.rfile.readinto(buf[:want])
                        if not k:
                            return got, False
                        f.write(buf[:k])
                        if digest is not None:
                            digest.update(buf[:k])
                        got += k
                        left -= k
                        up.offset += k
                        self.server.state.count("bytes_received", k)
                        if trigger is not None and got >= trigger:
                            assert fault is not None
                            trigger = None
                            if fault.action == "drop":
                                f.flush()
                                return got, False
                            up.abort.wait(fault.seconds)
            except (OSError, ValueError):
                return got, False
            finally:
                f.flush()
        return got, True

    # ------------------------------------------------------------ collections
    def _collection(self, method: str, cid: str) -> None:
        owner = self._account()
        if owner is None:
            return None
        s, base = self.server.state, self.server.base_url
        if method == "GET":
            found = collections.resource(s, cid, base)
            if found is None or s.collections[cid].owner != owner:
                return self._problem(404, "Not Found", "No such collection.")
            return self._json(200, found)
        if method != "PUT":
            return self._problem(405, "Method Not Allowed")
        try:
            status, _ = collections.put(s, owner, cid, self._read_json())
        except ValueError:
            return self._problem(400, "Bad Request", "The body is not JSON.")
        except collections.Invalid as exc:
            return self._problem(422, "Unprocessable Content", exc.detail, exc.errors)
        except PermissionError:
            return self._problem(403, "Forbidden", "This collection id belongs to someone else.")
        return self._json(status, collections.resource(s, cid, base))
