"""A stand-in for the system browser (``BROWSER="python fake_browser.py %s"``): opens the
authorization page, which approves at once, and follows its redirect to the app's
loopback listener, as a browser would. ``FAKE_BROWSER_STATE`` replaces the state."""

from __future__ import annotations

import os
import sys
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx


def visit(url: str, state: str | None = None) -> int:
    r = httpx.get(url, follow_redirects=False, timeout=10)
    where = r.headers.get("Location")
    if r.status_code != 302 or not where:
        return 1
    if state is not None:
        parts = urlsplit(where)
        query = [(k, state if k == "state" else v) for k, v in parse_qsl(parts.query)]
        where = urlunsplit(parts._replace(query=urlencode(query)))
    httpx.get(where, timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(visit(sys.argv[1], os.environ.get("FAKE_BROWSER_STATE")))
