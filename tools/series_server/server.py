"""The reference Series Platform API server (see docs/platform-api.md).

    server = SeriesServer(tmp_path).start()      # a thread, on 127.0.0.1 and a free port
    ... server.url ...
    server.stop()

or ``python -m tools.series_server --port 0`` (prints ``{"url": ...}`` on one
line once listening). It is a test and trial server: one account, automatic
consent, admin endpoints under ``/admin`` for fault injection and inspection.
Never expose it beyond 127.0.0.1.
"""

from __future__ import annotations

import tempfile
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

from tools.series_server.faults import Fault, Faults
from tools.series_server.handler import Handler
from tools.series_server.state import ServerState


class SeriesServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, data_dir: str | Path | None = None, *, host: str = "127.0.0.1",
                 port: int = 0, token_ttl: float = 3600.0, upload_ttl: float | None = None,
                 processing_s: float = 0.2, faults: list[Fault] | None = None,
                 max_size: int = 8 << 30, admin: bool = True, verbose: bool = False) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the reference server only listens on the loopback interface")
        self._tmp = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="series-server-")
            data_dir = self._tmp.name
        super().__init__((host, port), Handler)
        self.state = ServerState(Path(data_dir), token_ttl=token_ttl, upload_ttl=upload_ttl,
                                 processing_s=processing_s)
        self.faults = Faults(faults)
        self.max_size, self.admin, self.verbose = max_size, admin, verbose
        self._thread: threading.Thread | None = None

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001
        """A client that goes away (killed, timed out) is normal here: stay quiet."""
        import sys

        if self.verbose or not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    url = base_url

    def start(self) -> SeriesServer:
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="series-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(5)
        if self._tmp is not None:
            self._tmp.cleanup()
