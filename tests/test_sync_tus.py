"""The tus client against the official tus server (@tus/server + @tus/file-store on Node.js),
over real HTTP on 127.0.0.1: create, upload, resume after a dropped connection, terminate,
expiry; and against the reference server: checksums, memory, bandwidth cap, Retry-After."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sync_helpers
from sync_helpers import ROOT, CuttingProxy, admin, mp4_bytes

from studio.sync.credentials import TokenSet
from studio.sync.errors import RetriesExhausted, UploadGone
from studio.sync.retry import RetryPolicy, Throttle, TransferProgress
from studio.sync.tus import TusClient
from studio.tasks import Cancelled, CancelToken

# the shared fixtures (tests/sync_helpers.py)
series_server = sync_helpers.series_server

TUS_NODE = ROOT / "tools" / "tus_node"
FAST = RetryPolicy(max_attempts=5, base_delay=0.01, max_delay=0.05)


def _npm_install() -> None:
    """The official server's packages (CI installs them: see .ci/run)."""
    if (TUS_NODE / "node_modules" / "@tus" / "server").is_dir():
        return
    npm = shutil.which("npm")
    assert npm, "npm is needed for the tus conformance tests (install nodejs and npm)"
    cmd = [npm, "ci" if (TUS_NODE / "package-lock.json").exists() else "install",
           "--no-audit", "--no-fund"]  # fmt: skip
    subprocess.run(cmd, cwd=TUS_NODE, check=True, capture_output=True, timeout=300)


def _start_node(folder: Path, expiration_ms: int = 0) -> tuple[subprocess.Popen, str]:
    node = shutil.which("node")
    assert node, "node is needed for the tus conformance tests"
    proc = subprocess.Popen([node, "server.mjs", "0", str(folder), str(expiration_ms)],
                            cwd=TUS_NODE, stdout=subprocess.PIPE, text=True)  # fmt: skip
    line = proc.stdout.readline() if proc.stdout else ""
    port = json.loads(line)["port"]
    return proc, f"http://127.0.0.1:{port}/files"


def _stop_node(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(10)
    if proc.stdout:
        proc.stdout.close()


@pytest.fixture(scope="module")
def tus_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    _npm_install()
    folder = tmp_path_factory.mktemp("tus-files")
    proc, endpoint = _start_node(folder)
    try:
        yield endpoint, folder
    finally:
        _stop_node(proc)


@pytest.fixture
def make_client() -> Iterator:
    """TusClient(**options) on its own httpx client, closed after the test."""
    made: list[httpx.Client] = []

    def make(**options) -> TusClient:
        made.append(httpx.Client(timeout=5))
        return TusClient(made[-1], **options)

    yield make
    for http in made:
        http.close()


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "episode.mp4"
    path.write_bytes(mp4_bytes(3_000_000, seed=1))
    return path


def test_create_upload_and_read_the_offset(tus_node, data_file) -> None:
    endpoint, folder = tus_node
    seen: list[TransferProgress] = []
    with httpx.Client(timeout=10) as http:
        client = TusClient(http, chunk_size=1 << 20, retry=FAST)
        caps = client.capabilities(endpoint)
        assert {"creation", "termination", "expiration"} <= caps.extensions
        assert not caps.sha1_checksums  # @tus/file-store has no checksum extension
        up = client.create(endpoint, data_file.stat().st_size, {"filename": "episode.mp4"})
        assert up.url.startswith(endpoint) and up.offset == 0
        done = client.send(up.url, data_file, progress=seen.append)
        assert done.complete and client.head(up.url).offset == data_file.stat().st_size
    stored = folder / up.url.rsplit("/", 1)[-1]
    assert stored.read_bytes() == data_file.read_bytes()
    assert seen[-1].sent == seen[-1].total == data_file.stat().st_size
    assert [p.sent for p in seen] == sorted(p.sent for p in seen)


def test_resume_after_a_dropped_connection_from_the_servers_offset(
        tus_node, data_file, make_client) -> None:  # fmt: skip
    endpoint, folder = tus_node
    port = int(endpoint.split(":")[2].split("/")[0])
    proxy = CuttingProxy(port, after=1_200_000, cuts=1)  # cut the first connection mid-PATCH
    offsets: list[int] = []
    try:
        client = make_client(chunk_size=8 << 20, retry=FAST)
        up = client.create(endpoint, data_file.stat().st_size)
        url = up.url.replace(f":{port}/", f":{proxy.port}/")
        client.send(url, data_file, progress=lambda p: offsets.append(p.sent))
    finally:
        proxy.close()
    assert proxy.cut == 1
    stored = folder / up.url.rsplit("/", 1)[-1]
    assert stored.read_bytes() == data_file.read_bytes()
    # after the drop the client asked the server what it had and sent only the rest
    kept = [v for v in offsets if 0 < v <= 1_200_000]
    assert kept, offsets
    assert proxy.forwarded_after_cut < data_file.stat().st_size - kept[-1] + 10_000


def test_pause_then_resume_in_a_new_client(tus_node, data_file, make_client) -> None:
    endpoint, folder = tus_node
    token = CancelToken()
    client = make_client(chunk_size=256 * 1024, retry=FAST,
                       throttle=Throttle(4_000_000))  # fmt: skip
    up = client.create(endpoint, data_file.stat().st_size)

    def stop_half_way(p: TransferProgress) -> None:
        if p.sent > 1_000_000:
            token.cancel()

    with pytest.raises(Cancelled):
        client.send(up.url, data_file, progress=stop_half_way, cancel=token)
    had = make_client(retry=FAST).head(up.url).offset
    assert 0 < had < data_file.stat().st_size
    make_client(retry=FAST).send(up.url, data_file)
    assert (folder / up.url.rsplit("/", 1)[-1]).read_bytes() == data_file.read_bytes()


def test_terminate(tus_node, data_file, make_client) -> None:
    endpoint, _ = tus_node
    client = make_client(retry=FAST)
    up = client.create(endpoint, data_file.stat().st_size)
    assert client.terminate(up.url) is True
    with pytest.raises(UploadGone):
        client.head(up.url)
    assert client.terminate(up.url) is True  # already gone is fine


def test_an_expired_upload_is_replaced_by_a_new_one(tmp_path, data_file, make_client) -> None:
    _npm_install()
    proc, endpoint = _start_node(tmp_path / "files", expiration_ms=300)
    try:
        client = make_client(retry=FAST)
        old = client.create(endpoint, data_file.stat().st_size)
        time.sleep(0.6)
        with pytest.raises(UploadGone):
            client.head(old.url)
        made = []
        done = client.upload(endpoint, data_file, url=old.url, on_created=made.append)
        assert done.complete and len(made) == 1 and made[0].url != old.url
    finally:
        _stop_node(proc)


# ---------------------------------------------------------- against the reference server
@pytest.fixture
def pat(series_server) -> dict[str, str]:
    return {"Authorization": f"Bearer {admin(series_server, 'POST', 'tokens')['token']}"}


class _Static:
    """A fixed Authorization header (what TargetAuth gives, without a keyring)."""

    def __init__(self, headers: dict[str, str]) -> None:
        self._h = headers

    def headers(self) -> dict[str, str]:
        return dict(self._h)

    def refresh(self, failed) -> None:
        raise AssertionError("no 401 expected")


def test_checksums_are_sent_and_a_damaged_chunk_is_sent_again(
        series_server, pat, data_file, make_client) -> None:  # fmt: skip
    endpoint = f"{series_server.url}/v1/uploads"
    client = make_client(auth=_Static(pat), chunk_size=512 * 1024, retry=FAST)
    assert client.capabilities(endpoint).sha1_checksums
    up = client.create(endpoint, data_file.stat().st_size)
    # a drop mid-PATCH with a checksum: the server keeps nothing of that chunk
    admin(series_server, "POST", "faults", {"action": "drop", "method": "PATCH",
                                            "after_bytes": 100_000, "skip": 2})
    client.send(up.url, data_file)
    state = admin(series_server, "GET", "state")
    (found,) = [u for u in state["uploads"] if u["id"] == up.url.rsplit("/", 1)[-1]]
    assert found["complete"] and state["faults_fired"]
    assert (series_server.state.dir / "uploads" / found["id"]).read_bytes() == \
        data_file.read_bytes()  # fmt: skip


def test_retry_after_is_honoured_and_retries_are_bounded(
        series_server, pat, data_file, make_client) -> None:  # fmt: skip
    endpoint = f"{series_server.url}/v1/uploads"
    client = make_client(auth=_Static(pat), retry=FAST)
    up = client.create(endpoint, data_file.stat().st_size)
    admin(series_server, "POST", "faults", {"action": "status", "status": 429,
                                            "retry_after": 1, "method": "PATCH"})
    started = time.monotonic()
    client.send(up.url, data_file)
    assert time.monotonic() - started >= 1.0  # waited as asked, not the 10 ms backoff
    other = client.create(endpoint, data_file.stat().st_size)
    admin(series_server, "POST", "faults", {"action": "status", "status": 503,
                                            "method": "PATCH", "times": 50})
    with pytest.raises(RetriesExhausted) as err:
        client.send(other.url, data_file)
    assert "5 failed attempts" in str(err.value) and "503" in str(err.value)
    assert "Bearer" not in str(err.value)


def test_memory_stays_flat_and_the_bandwidth_cap_holds(series_server, pat, tmp_path, make_client):
    big = tmp_path / "big.bin"
    with big.open("wb") as f:
        for i in range(48):
            f.write(mp4_bytes(1 << 20, seed=i))
    endpoint = f"{series_server.url}/v1/uploads"
    client = make_client(auth=_Static(pat), chunk_size=16 << 20, retry=FAST, checksum=False)
    up = client.create(endpoint, big.stat().st_size)
    tracemalloc.start()
    try:
        client.send(up.url, big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 12 << 20, peak  # a 48 MiB file, sent with a few MiB of memory at most
    small = tmp_path / "small.bin"
    small.write_bytes(os.urandom(600_000))
    capped = make_client(auth=_Static(pat), retry=FAST, throttle=Throttle(1_000_000))
    up = capped.create(endpoint, small.stat().st_size)
    started = time.monotonic()
    capped.send(up.url, small)
    assert time.monotonic() - started >= 0.3  # 600 kB at 1 MB/s, less the allowed burst


def test_tokensets_never_show_their_secrets() -> None:
    t = TokenSet("sat_secret_value", "srt_other_secret")
    assert "secret" not in repr(t) and "secret" not in str(t)
