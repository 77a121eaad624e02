"""Faults injected on demand, so that tests meet every kind of failure for real.

A rule matches a request by method and path prefix and fires ``times`` times:

- ``drop``: cut the connection without an answer; for a PATCH, after storing
  ``after_bytes`` bytes of the body (a network drop mid-upload).
- ``status``: answer ``status`` at once (e.g. 500, 503, or 429), with
  ``Retry-After: retry_after`` when given.
- ``stall``: stop for ``seconds`` (for a PATCH, after ``after_bytes`` bytes),
  then go on; a client with a shorter timeout gives up and retries.
- ``expire``: the upload addressed expires now (404/410 from then on).
- ``expire-token``: the access token presented expires now (401).
- ``lose-answer``: handle the request fully, then cut the connection instead
  of answering (did the server create it or not? the client cannot know).

Rules come from the constructor or ``POST /admin/faults`` (a JSON rule or a
list); ``DELETE /admin/faults`` clears them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

ACTIONS = {"drop", "status", "stall", "expire", "expire-token", "lose-answer"}


@dataclass
class Fault:
    action: str
    method: str = "*"
    path_prefix: str = "/"
    times: int = 1
    status: int = 503
    retry_after: float | None = None
    after_bytes: int = 0
    seconds: float = 1.0
    skip: int = 0  # let this many matching requests through first
    fired: int = field(default=0)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        if data.get("action") not in ACTIONS:
            raise ValueError(f"unknown fault action {data.get('action')!r}")
        known = set(cls.__dataclass_fields__) - {"fired"}
        return cls(**{k: v for k, v in data.items() if k in known})


class Faults:
    def __init__(self, rules: list[Fault] | None = None) -> None:
        self._lock = threading.Lock()
        self.rules: list[Fault] = list(rules or [])
        self.log: list[dict[str, Any]] = []

    def add(self, rule: Fault) -> None:
        with self._lock:
            self.rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def match(self, method: str, path: str) -> Fault | None:
        """The first rule for this request that still has to fire (and count it)."""
        with self._lock:
            for rule in self.rules:
                if rule.method not in ("*", method) or not path.startswith(rule.path_prefix):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                rule.fired += 1
                rule.times -= 1
                if rule.times <= 0:
                    self.rules.remove(rule)
                self.log.append({"action": rule.action, "method": method, "path": path})
                return rule
        return None
