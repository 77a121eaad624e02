"""``PUT``/``GET /v1/collections/{id}``: desired state, verified, idempotent.

A PUT replaces the whole collection with the body (client-generated id). The
same body twice changes nothing (same revision, 200). Every upload named must
be complete and belong to the caller, and the sha256 of its bytes must equal
the one declared, or the answer is 422 with one problem per episode.
Episodes whose upload changed are processed again (``processing`` for
``processing_s``, then ``ready``, or ``rejected`` with reasons).
"""

from __future__ import annotations

import re
import time
from typing import Any

from tools.series_server.state import MAX_EPISODES, Collection, ServerState

HEX64 = re.compile(r"^[0-9a-f]{64}$")
EPISODE_FIELDS = ("id", "title", "duration_us", "size", "sha256", "upload_id", "free_preview")


class Invalid(Exception):
    def __init__(self, detail: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail, self.errors = detail, errors or []


def _normalise(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Invalid("The body must be a JSON object.")
    title, desc = body.get("title"), body.get("description", "")
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        raise Invalid("title must be a text of 1 to 200 characters.",
                      [{"field": "title", "code": "invalid", "message": "bad title"}])
    if not isinstance(desc, str) or len(desc) > 4000:
        raise Invalid("description must be a text of at most 4000 characters.")
    price = body.get("price")
    if not isinstance(price, dict) or not isinstance(price.get("amount_minor"), int) or \
            price["amount_minor"] < 0 or not re.fullmatch(r"[A-Z]{3}", str(price.get("currency"))):
        raise Invalid("price must be {amount_minor: integer >= 0, currency: ISO 4217 code}.",
                      [{"field": "price", "code": "invalid", "message": "bad price"}])
    cover = body.get("cover")
    if cover is not None and (not isinstance(cover, dict) or not isinstance(
            cover.get("upload_id"), str) or not HEX64.match(str(cover.get("sha256")))):
        raise Invalid("cover must be null or {upload_id, sha256}.")
    episodes = body.get("episodes")
    if not isinstance(episodes, list) or not 1 <= len(episodes) <= MAX_EPISODES:
        raise Invalid(f"episodes must be a list of 1 to {MAX_EPISODES} episodes.")
    clean, seen = [], set()
    for e in episodes:
        ok = isinstance(e, dict) and isinstance(e.get("id"), str) and e["id"] not in seen \
            and isinstance(e.get("title"), str) and isinstance(e.get("duration_us"), int) \
            and e["duration_us"] > 0 and isinstance(e.get("size"), int) \
            and HEX64.match(str(e.get("sha256"))) and isinstance(e.get("upload_id"), str) \
            and isinstance(e.get("free_preview"), bool)
        if not ok:
            raise Invalid("Each episode needs a unique id, title, duration_us > 0, size, "
                          "sha256, upload_id and free_preview.")
        seen.add(e["id"])
        clean.append({k: e[k] for k in EPISODE_FIELDS})
    return {"title": title, "description": desc,
            "price": {"amount_minor": price["amount_minor"], "currency": price["currency"]},
            "cover": None if cover is None else {"upload_id": cover["upload_id"],
                                                 "sha256": cover["sha256"]},
            "episodes": clean}


def _verify_uploads(state: ServerState, owner: str, body: dict[str, Any]) -> None:
    items = [(e["id"], e["upload_id"], e["sha256"], e["size"]) for e in body["episodes"]]
    if body["cover"]:
        items.append(("cover", body["cover"]["upload_id"], body["cover"]["sha256"], None))
    errors = []
    for key, uid, sha, size in items:
        up = state.get_upload(uid)
        if up is None or up.owner != owner:
            errors.append({"episode": key, "code": "upload_missing",
                           "message": "No such upload (expired or never made)."})
        elif not up.complete:
            errors.append({"episode": key, "code": "upload_incomplete",
                           "message": f"The upload has {up.offset} of {up.length} bytes."})
        elif size is not None and size != up.length:
            errors.append({"episode": key, "code": "size_mismatch",
                           "message": f"Declared {size} bytes, uploaded {up.length}."})
        elif state.upload_sha256(up) != sha:
            errors.append({"episode": key, "code": "checksum_mismatch",
                           "message": "The sha256 of the uploaded bytes differs."})
        else:
            up.verified = True
    if errors:
        raise Invalid(f"{len(errors)} file(s) cannot be used.", errors)


def put(state: ServerState, owner: str, cid: str, raw: Any) -> tuple[int, dict[str, Any]]:
    body = _normalise(raw)
    with state.lock:
        state.counters["puts"] += 1
        current = state.collections.get(cid)
        if current is not None and current.owner != owner:
            raise PermissionError(cid)
        _verify_uploads(state, owner, body)
        if current is not None and current.body == body:
            return 200, {}
        now = time.time()
        old = {e["id"]: e for e in current.body["episodes"]} if current else {}
        states: dict[str, dict[str, Any]] = {}
        for e in body["episodes"]:
            prev = old.get(e["id"])
            if prev and prev["upload_id"] == e["upload_id"] and current is not None:
                states[e["id"]] = current.episode_state[e["id"]]
                continue
            status, reasons = state.episode_verdict(state.uploads[e["upload_id"]], e)
            states[e["id"]] = {"status": status, "reasons": reasons,
                               "ready_at": now + state.processing_s}
        if current is None:
            state.collections[cid] = Collection(cid, owner, body, episode_state=states)
            state.counters["collections_created"] += 1
            return 201, {}
        current.body, current.episode_state = body, states
        current.revision += 1
        current.updated = now
        return 200, {}


def resource(state: ServerState, cid: str, base: str) -> dict[str, Any] | None:
    with state.lock:
        c = state.collections.get(cid)
        if c is None:
            return None
        now = time.time()
        episodes = []
        for n, e in enumerate(c.body["episodes"], 1):
            st = c.episode_state[e["id"]]
            if st["status"] == "processing" and st["ready_at"] <= now:
                st["status"] = "ready"
            episodes.append({**e, "position": n, "status": st["status"],
                             "reasons": list(st["reasons"])})
        statuses = {e["status"] for e in episodes}
        overall = ("rejected" if "rejected" in statuses else
                   "processing" if "processing" in statuses else "ready")
        return {"id": c.id, "revision": str(c.revision), "status": overall,
                "url": f"{base}/c/{c.id}",
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(c.created)),
                "updated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(c.updated)),
                **{k: v for k, v in c.body.items() if k != "episodes"}, "episodes": episodes}
