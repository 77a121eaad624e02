"""Test doubles and helpers for the sync tests: real keyring backends, a kit maker,
the reference server, and a TCP proxy that cuts connections.

The OS keychain cannot run here, so :class:`MemoryKeyring` (in process) and
:class:`FileKeyring` (shared with a subprocess through ``STUDIO_TEST_KEYRING``,
loaded by keyring itself from ``PYTHON_KEYRING_BACKEND=sync_helpers.FileKeyring``)
stand in for it. They are real keyring backends: the code under test goes
through the keyring package exactly as with the system's.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import keyring
import pytest
from keyring.backend import KeyringBackend

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.series_server import SeriesServer  # noqa: E402

KEYRING_ENV = "STUDIO_TEST_KEYRING"


class MemoryKeyring(KeyringBackend):
    """Secrets in a dict: the test double of the OS keychain."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.secrets:
            raise keyring.errors.PasswordDeleteError(username)
        del self.secrets[(service, username)]


class FileKeyring(MemoryKeyring):
    """Secrets in the JSON file named by ``$STUDIO_TEST_KEYRING`` (for subprocesses)."""

    def _path(self) -> Path:
        return Path(os.environ[KEYRING_ENV])

    def _load(self) -> dict[str, str]:
        try:
            return json.loads(self._path().read_text())
        except (OSError, ValueError):
            return {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\n{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\n{username}"] = password
        tmp = self._path().with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self._path())

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\n{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._path().write_text(json.dumps(data))


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def series_server(tmp_path: Path) -> Iterator[SeriesServer]:
    server = SeriesServer(tmp_path / "server", processing_s=0.05).start()
    try:
        yield server
    finally:
        server.stop()


def admin(server: SeriesServer, method: str, what: str, body: object = None) -> dict:
    r = httpx.request(method, f"{server.url}/admin/{what}", json=body, timeout=10)
    r.raise_for_status()
    return r.json()


def mp4_bytes(size: int, seed: int) -> bytes:
    """Bytes that look like an MP4 to the server (``ftyp`` box first), then noise."""
    head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    body = hashlib.shake_256(f"{seed}".encode()).digest(max(0, size - len(head)))
    return (head + body)[:size]


def write_kit(folder: Path, collection_id: str, episodes: list[dict], *, title: str = "Kit",
              description: str = "A test kit", price: int | None = 499,
              cover: bytes | None = b"\xff\xd8\xff\xe0" + b"cover" * 200) -> Path:  # fmt: skip
    """A publish kit as export_collection writes it. ``episodes``: dicts with
    ``id``, ``title``, ``data`` (bytes) and optionally ``free_preview``."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for n, ep in enumerate(episodes, 1):
        name = f"{n:02d} - {ep['title']}.mp4"
        path = folder / name
        if not path.exists() or path.read_bytes() != ep["data"]:
            path.write_bytes(ep["data"])
        entries.append({"position": n, "id": ep["id"], "title": ep["title"], "file": name,
                        "duration_us": ep.get("duration_us", 45_000_000),
                        "size": len(ep["data"]), "sha256": hashlib.sha256(ep["data"]).hexdigest(),
                        "free_preview": ep.get("free_preview", n == 1)})  # fmt: skip
    names = {e["file"] for e in entries}
    for old in folder.glob("*.mp4"):
        if old.name not in names:
            old.unlink()
    if cover is not None:
        (folder / "cover.jpg").write_bytes(cover)
    manifest = {"format": "series-studio-publish-kit", "version": 1,
                "collection": {"id": collection_id, "title": title, "description": description,
                               "price": None if price is None else
                               {"minor": price, "currency": "USD"}},
                "cover": "cover.jpg" if cover is not None else None, "episodes": entries}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return folder


class CuttingProxy:
    """A TCP proxy to ``upstream`` that resets the next ``cuts`` client connections
    after ``after`` bytes from the client: a network drop in the middle of a request."""

    def __init__(self, upstream_port: int, *, after: int, cuts: int = 1) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.after, self.cuts_left, self.cut = after, cuts, 0
        self.forwarded_after_cut = 0  # client bytes carried by connections made after a cut
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            with self._lock:
                limit = self.after if self.cuts_left > 0 else None
                if limit is not None:
                    self.cuts_left -= 1
            threading.Thread(target=self._serve, args=(client, limit), daemon=True).start()

    def _serve(self, client: socket.socket, limit: int | None) -> None:
        server = socket.create_connection(self.upstream)

        def pump(src: socket.socket, dst: socket.socket, limit: int | None) -> None:
            sent = 0
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    if limit is not None and sent + len(data) >= limit:
                        dst.sendall(data[: max(0, limit - sent)])
                        with self._lock:
                            self.cut += 1
                        for s in (client, server):  # reset both sides
                            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                         b"\x01\x00\x00\x00\x00\x00\x00\x00")
                            s.close()
                        break
                    dst.sendall(data)
                    sent += len(data)
                    if dst is server and self.cut and limit is None:
                        with self._lock:
                            self.forwarded_after_cut += len(data)
            except OSError:
                pass
            finally:
                for s in (client, server):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        back = threading.Thread(target=pump, args=(server, client, None), daemon=True)
        back.start()
        pump(client, server, limit)
        back.join(5)
        client.close()
        server.close()


class Blackhole:
    """A listening port that never accepts, its queue full: connecting to it hangs until
    the client's connect timeout (as a firewalled or unplugged server does)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0), backlog=0)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._fillers = []
        for _ in range(3):  # take the queue's places
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", self.port))
            except BlockingIOError:
                pass
            self._fillers.append(c)

    def close(self) -> None:
        for c in self._fillers:
            c.close()
        self.sock.close()


@pytest.fixture
def blackhole() -> Iterator[Blackhole]:
    hole = Blackhole()
    try:
        yield hole
    finally:
        hole.close()


def closed_port_url() -> str:
    """The address of a port nobody listens on (connections are refused at once)."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
