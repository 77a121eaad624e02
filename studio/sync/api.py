"""Client of the Series Platform API (docs/platform-api.md) for one target.

JSON calls only; uploads go through :mod:`studio.sync.tus` at
:attr:`SeriesApi.uploads_url`. ``PUT /v1/collections/{id}`` registers the
desired state under a client-generated id (repeating it changes nothing),
``GET`` reads it back with each episode's processing status.

Every call is retried on transient failures (connection errors, timeouts,
408/429/5xx with ``Retry-After`` honoured) up to the :class:`RetryPolicy`;
a 401 renews the sign-in once through the :class:`Authenticator`, a second
401 raises :class:`AuthRequired`. When the last attempt got no answer at all, the
:class:`RetriesExhausted` raised is an :class:`Unreachable`. Errors carry the server's problem
``detail`` and, for 422, the list of problems per episode.

Threading: thread-safe (httpx's client is); calls block their caller.
"""

from __future__ import annotations

from typing import Any

import httpx

from studio.i18n import ntr, tr
from studio.sync.errors import AuthRequired, RetriesExhausted, ServerRejected, Unreachable
from studio.sync.kit import DesiredCollection, RemoteCollection, RemoteEpisode
from studio.sync.retry import (
    RETRY_STATUSES,
    RetryPolicy,
    WaitFn,
    describe_exception,
    describe_status,
    pause,
    retry_after_of,
    server_detail,
)
from studio.sync.tus import Authenticator
from studio.tasks import CancelToken

API_PREFIX = "/v1"


def parse_collection(data: dict[str, Any]) -> RemoteCollection:
    """A collection resource (GET/PUT answer) as a :class:`RemoteCollection`."""
    episodes = tuple(
        RemoteEpisode(str(e["id"]), str(e.get("status", "processing")),
                      tuple(str(r) for r in e.get("reasons", [])))
        for e in data.get("episodes", [])
    )  # fmt: skip
    return RemoteCollection(
        id=str(data["id"]), revision=str(data.get("revision", "")),
        status=str(data.get("status", "processing")),
        desired=DesiredCollection.from_json(data), episodes=episodes, url=data.get("url"),
    )  # fmt: skip


class SeriesApi:
    """The JSON side of the API at ``base_url`` (e.g. ``https://series.example``)."""

    def __init__(self, base_url: str, http: httpx.Client, auth: Authenticator | None = None,
                 retry: RetryPolicy | None = None,
                 on_wait: WaitFn | None = None) -> None:  # fmt: skip
        self.base_url = base_url.rstrip("/")
        self.http = http
        self.auth = auth
        self.retry = retry or RetryPolicy()
        self.on_wait = on_wait  # told before a long pause between attempts

    @property
    def uploads_url(self) -> str:
        return f"{self.base_url}{API_PREFIX}/uploads"

    def _call(self, method: str, path: str, *, json: Any = None,
              cancel: CancelToken | None = None) -> httpx.Response:  # fmt: skip
        url = f"{self.base_url}{API_PREFIX}{path}"
        failures, refreshed = 0, False
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            used = self.auth.headers() if self.auth is not None else {}
            after, answered = None, True
            try:
                r = self.http.request(method, url, json=json,
                                      headers={"Accept": "application/json", **used})
            except httpx.TransportError as exc:
                what, answered = describe_exception(exc), False
            else:
                if r.status_code == 401 and self.auth is not None:
                    if refreshed:
                        raise AuthRequired(tr("The server refused the sign-in even after "
                                              "renewing it."))
                    self.auth.refresh(used)
                    refreshed = True
                    continue
                if r.status_code not in RETRY_STATUSES:
                    return r
                what, after = describe_status(r), retry_after_of(r)
            failures += 1
            if failures >= self.retry.max_attempts:
                raise (RetriesExhausted if answered else Unreachable)(
                    ntr("The request to the server failed after {attempts} attempt; the last "
                        "one: {what}.", "The request to the server failed after {attempts} "
                        "attempts in a row; the last one: {what}.", failures).format(
                        attempts=failures, what=what),
                    attempts=failures, what=what)
            pause(self.retry, failures, what, after, cancel, self.on_wait)

    @staticmethod
    def _rejected(r: httpx.Response, doing: str) -> ServerRejected:
        problems: list[dict] = []
        try:
            data = r.json()
            if isinstance(data, dict) and isinstance(data.get("errors"), list):
                problems = [p for p in data["errors"] if isinstance(p, dict)]
        except ValueError:
            pass
        detail = server_detail(r)
        message = tr("{doing}: {what}.").format(doing=doing, what=describe_status(r))
        return ServerRejected(f"{message} {detail}".strip(), status=r.status_code,
                              problems=problems)  # fmt: skip

    def me(self, cancel: CancelToken | None = None) -> dict[str, Any]:
        """The signed-in account (``GET /v1/me``): ``{"id": ..., "name": ...}``."""
        r = self._call("GET", "/me", cancel=cancel)
        if r.status_code != 200:
            raise self._rejected(r, tr("Reading the account"))
        return r.json()

    def put_collection(self, remote_id: str, desired: DesiredCollection,
                       cancel: CancelToken | None = None) -> RemoteCollection:  # fmt: skip
        r = self._call("PUT", f"/collections/{remote_id}", json=desired.to_json(), cancel=cancel)
        if r.status_code not in (200, 201):
            raise self._rejected(r, tr("Registering the collection"))
        return parse_collection(r.json())

    def get_collection(self, remote_id: str,
                       cancel: CancelToken | None = None) -> RemoteCollection | None:  # fmt: skip
        r = self._call("GET", f"/collections/{remote_id}", cancel=cancel)
        if r.status_code in (404, 410):
            return None
        if r.status_code != 200:
            raise self._rejected(r, tr("Reading the collection"))
        return parse_collection(r.json())
