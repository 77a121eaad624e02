"""sync: our tus client uploading a 2 GiB file against ``curl -T`` to the same server.

Both send the same file, warm in the page cache, to one reference server
(``python -m tools.series_server``, a subprocess on 127.0.0.1) in the same run:
curl as one raw tus PATCH of the whole file (the fastest a client can do, and
no resumability), ours through :class:`studio.sync.tus.TusClient` in a child
process with its defaults (the file streamed from disk in 1 MiB blocks, in one
PATCH; then once with sha1 checksums, 16 MiB per PATCH). Each side runs five
times, alternating who goes first; the median counts. Also measured: the peak
memory growth of our child during the upload (VmHWM reset through
/proc/self/clear_refs), and resuming after a SIGKILL in the middle: the time
from starting a new process to the first new byte the server accepts, and the
bytes sent twice (a client that restarts sends again all the server had).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.registry import Result, Row, cache_dir, median, register

SIZE = 2 << 30  # 2 GiB
ROUNDS = 5
ROOT = Path(__file__).resolve().parents[1]


def big_file() -> Path:
    """The 2 GiB file, made once (64 MiB random blocks) and cached outside the repo."""
    path = cache_dir() / "sync-2GiB.bin"
    if path.exists() and path.stat().st_size == SIZE:
        return path
    print(f"  writing {path} (2 GiB, once) ...", flush=True)
    tmp = path.with_suffix(".part")
    block = os.urandom(64 << 20)
    with tmp.open("wb") as f:
        for i in range(SIZE // len(block)):
            f.write(i.to_bytes(8, "little") + block[8:])
    os.replace(tmp, path)
    return path


def server_dir() -> Path:
    """Where the server stores uploads: RAM (/dev/shm) when it has room, so that the
    disk's write-back does not add noise to both sides; else the cache folder."""
    shm = Path("/dev/shm")
    if shm.is_dir() and shutil.disk_usage(shm).free > 3 * SIZE:
        return shm
    return cache_dir()


def _warm(path: Path) -> None:
    with path.open("rb") as f:
        while f.read(64 << 20):
            pass


def _pin(pid: int, cpu: int) -> None:
    """Keep the server and the clients on different CPUs (the same for both clients)."""
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(pid, {cpu})


class Server:
    def __init__(self, data: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tools.series_server", "--port", "0", "--data", str(data),
             "--personal-token"], cwd=ROOT, stdout=subprocess.PIPE, text=True)  # fmt: skip
        _pin(self.proc.pid, 0)
        info = json.loads(self.proc.stdout.readline())  # type: ignore[union-attr]
        self.url, self.token = info["url"], info["personal_token"]
        self.headers = {"Authorization": f"Bearer {self.token}", "Tus-Resumable": "1.0.0"}

    def create(self) -> str:
        r = httpx.post(f"{self.url}/v1/uploads", headers={**self.headers,
                                                          "Upload-Length": str(SIZE)})
        return r.headers["Location"]

    def offset(self, url: str) -> int:
        return int(httpx.head(url, headers=self.headers).headers["Upload-Offset"])

    def received(self) -> int:
        """Bytes the server has stored in all (its counter)."""
        return int(httpx.get(f"{self.url}/admin/state").json()["counters"]["bytes_received"])

    def drop(self, url: str) -> None:
        httpx.delete(url, headers=self.headers)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        if self.proc.stdout:
            self.proc.stdout.close()


def _curl(server: Server, path: Path, work: Path) -> float:
    url = server.create()
    headers = work / "curl-headers.txt"  # not in argv: the token stays out of `ps`
    headers.write_text("\n".join(f"{k}: {v}" for k, v in {
        **server.headers, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream",
        "Expect": ""}.items()) + "\n")  # fmt: skip
    started = time.perf_counter()
    subprocess.run(["curl", "-sS", "--fail", "-X", "PATCH", "-T", str(path), "-H", f"@{headers}",
                    "-o", os.devnull, url], check=True)  # fmt: skip
    seconds = time.perf_counter() - started
    assert server.offset(url) == SIZE
    server.drop(url)
    return seconds


def _ours(server: Server, path: Path, *args: str, kill_after: float | None = None) -> dict:
    env = dict(os.environ, BENCH_TOKEN=server.token, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_sync", *args, str(path)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)  # fmt: skip
    if kill_after is not None:
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        return {}
    out, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"upload child failed ({proc.returncode})")
    return json.loads(out)


@register("sync", "2 GiB tus upload to the reference server vs curl -T; memory; resume")
def run() -> Result:
    if shutil.which("curl") is None:
        raise RuntimeError("curl is needed for the baseline")
    path = big_file()
    _warm(path)
    with tempfile.TemporaryDirectory(dir=server_dir(), prefix="sync-server-") as tmp:
        work = Path(tmp)
        server = Server(work / "data")
        mask = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        _pin(0, 1)  # this process and its children (curl, our client)
        try:
            _curl(server, path, work)  # warm-up: the server's first 2 GiB is slower
            curl_s, ours_s, sha_s, growth = [], [], [], []
            for n in range(ROUNDS):
                if n % 2:
                    curl_s.append(_curl(server, path, work))
                url = server.create()
                r = _ours(server, path, "upload", url, "nocheck")
                server.drop(url)
                ours_s.append(r["seconds"])
                growth.append(r["growth"])
                if not n % 2:
                    curl_s.append(_curl(server, path, work))
            url = server.create()
            r = _ours(server, path, "upload", url, "sha1")
            sha_s.append(r["seconds"])
            growth.append(r["growth"])
            server.drop(url)
            url = server.create()  # resume: kill a child mid-way, then a new one resumes
            _ours(server, path, "upload", url, "nocheck", kill_after=median(ours_s) / 2)
            had = server.offset(url)
            received = server.received()
            launched = time.time()
            resumed = _ours(server, path, "resume", url, "nocheck")
            resent = server.received() - received - (SIZE - had)
            assert server.offset(url) == SIZE
            server.drop(url)
        finally:
            server.stop()
            if mask is not None:
                os.sched_setaffinity(0, mask)
    gb = SIZE / 1e9
    return Result(
        rows=[
            Row("throughput, 2 GiB upload", gb / median(ours_s), gb / median(curl_s), "GB/s",
                "higher"),
            Row("throughput with sha1 per PATCH", gb / sha_s[0], gb / median(curl_s), "GB/s",
                "higher"),
            Row("peak memory growth during the upload", max(growth) / 1e6, None, "MB"),
            Row("resume after SIGKILL: new process to first new byte",
                resumed["first_byte_at"] - launched, None, "s"),
            Row("resume after SIGKILL: bytes sent twice (restart: all it had)", resent / 1e6,
                had / 1e6, "MB"),
        ],
        notes=[f"curl runs {', '.join(f'{s:.2f}' for s in curl_s)} s; ours "
               f"{', '.join(f'{s:.2f}' for s in ours_s)} s; with sha1 {sha_s[0]:.2f} s",
               f"killed at {had / 2**30:.2f} GiB; the resume took {resumed['seconds']:.2f} s "
               f"for the remaining {(SIZE - had) / 2**30:.2f} GiB",
               f"server storage: {server_dir()}; server and clients pinned to CPUs 0 and 1; "
               "targets: throughput >= 0.8 x curl, memory growth < 100 MB"],
    )


# -------------------------------------------------------------------- the child
def _rss(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _child(mode: str, url: str, check: str, path: str) -> None:
    from studio.sync.tus import TusClient

    class Token:
        def headers(self) -> dict[str, str]:
            return {"Authorization": f"Bearer {os.environ['BENCH_TOKEN']}"}

        def refresh(self, failed) -> None:
            raise RuntimeError("401")

    client = TusClient(auth=Token(), checksum=check == "sha1")
    client.capabilities(url.rsplit("/", 1)[0])
    before = _rss("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
    except OSError:
        pass
    start_offset = client.head(url).offset if mode == "resume" else 0
    first: list[float] = []
    started = time.perf_counter()

    def progress(p) -> None:
        if not first and p.sent > start_offset:
            first.append(time.time())

    client.send(url, path, progress=progress)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "growth": max(0, _rss("VmHWM") - before),
                      "first_byte_at": first[0] if first else None}))  # fmt: skip


if __name__ == "__main__":
    _child(*sys.argv[1:5])
