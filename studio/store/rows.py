"""Conversions between domain objects and library rows."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from fractions import Fraction
from typing import Any

from studio.domain.models import Collection, Cover, Episode, MediaInfo, MediaRecord
from studio.domain.money import Money
from studio.domain.timecode import TimeRange

_FRACTIONS = {"sample_aspect_ratio", "frame_rate"}


def info_to_json(info: MediaInfo, probe_version: int = 0) -> str:
    data = asdict(info)
    data["probe_version"] = probe_version
    for key in _FRACTIONS:
        if data[key] is not None:
            data[key] = f"{data[key].numerator}/{data[key].denominator}"
    return json.dumps(data, sort_keys=True)


def info_from_json(text: str) -> MediaInfo:
    data: dict[str, Any] = json.loads(text)
    known = {f.name for f in fields(MediaInfo)}
    data = {k: v for k, v in data.items() if k in known}
    for key in _FRACTIONS:
        if data.get(key) is not None:
            data[key] = Fraction(data[key])
    return MediaInfo(**data)


def collection_from_row(row: dict) -> Collection:
    price = Money(row["price_minor"], row["currency"]) if row["price_minor"] is not None else None
    cover = None
    if row["cover_media"] or row["cover_image"]:
        cover = Cover(row["cover_media"], row["cover_time_us"], row["cover_image"])
    return Collection(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        price=price,
        cover=cover,
        profile=row["profile"],
    )


def collection_to_row(c: Collection) -> dict:
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "price_minor": c.price.minor if c.price else None,
        "currency": c.price.currency if c.price else "USD",
        "cover_media": c.cover.media_fingerprint if c.cover else None,
        "cover_time_us": c.cover.time if c.cover else None,
        "cover_image": c.cover.image_path if c.cover else None,
        "profile": c.profile,
    }


def episode_from_row(row: dict) -> Episode:
    return Episode(
        id=row["id"],
        collection_id=row["collection_id"],
        media_fingerprint=row["media"],
        title=row["title"],
        trim=TimeRange(row["in_us"], row["out_us"]),
        position=row["position"],
        free_preview=bool(row["free_preview"]),
    )


def episode_to_row(e: Episode) -> dict:
    return {
        "id": e.id,
        "collection_id": e.collection_id,
        "media": e.media_fingerprint,
        "title": e.title,
        "in_us": e.trim.start,
        "out_us": e.trim.end,
        "position": e.position,
        "free_preview": int(e.free_preview),
    }


def probe_version(row: dict) -> int:
    return int(json.loads(row["info"]).get("probe_version", 0))


def media_from_row(row: dict) -> MediaRecord:
    return MediaRecord(
        fingerprint=row["fingerprint"],
        path=row["path"],
        size=row["size"],
        mtime=row["mtime"],
        info=info_from_json(row["info"]),
        missing=bool(row["missing"]),
        probe_version=probe_version(row),
    )


def media_to_row(m: MediaRecord) -> dict:
    return {
        "fingerprint": m.fingerprint,
        "path": m.path,
        "size": m.size,
        "mtime": m.mtime,
        "info": info_to_json(m.info, m.probe_version),
        "missing": int(m.missing),
    }
