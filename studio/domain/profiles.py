"""Publish profiles: a platform's limits, loaded from ``studio/resources/profiles/*.toml``.

Every limit keeps the document it comes from (:class:`Limit`); values without a
primary source are marked "unconfirmed" and can be overridden with
:meth:`PublishProfile.with_limit`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from functools import cache
from importlib.resources import files
from typing import Any

from studio.domain.errors import InvalidValue, LimitReached, NotFound
from studio.domain.models import MediaInfo
from studio.domain.money import Money
from studio.domain.timecode import US

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
# WebM is Matroska restricted to these codecs; FFmpeg calls both "matroska,webm".
_WEBM_VIDEO = frozenset({"vp8", "vp9", "av1"})
_WEBM_AUDIO = frozenset({"vorbis", "opus"})


class ProfileError(InvalidValue):
    """A profile file cannot be read: names the file and the key."""


@dataclass(frozen=True)
class Limit:
    """One value of a profile with where it comes from."""

    name: str  # field of PublishProfile, e.g. "max_duration"
    key: str  # place in the TOML file, e.g. "episodes.max_duration_seconds"
    value: Any  # converted: microseconds, Money, Fraction, ...
    source: str  # a document, or "unconfirmed..."

    @property
    def confirmed(self) -> bool:
        return not self.source.lower().startswith("unconfirmed")


@dataclass(frozen=True)
class PublishProfile:
    """What a platform accepts. Durations in microseconds, sizes in bytes or pixels."""

    id: str
    name: str
    min_episodes: int
    max_episodes: int
    min_duration: int
    max_duration: int
    currencies: tuple[str, ...]
    min_price: Money
    max_price: Money
    containers: frozenset[str]
    video_codecs: frozenset[str]
    min_frame_rate: Fraction
    max_frame_rate: Fraction
    min_side: int
    max_side: int
    max_file_size: int
    recommended_size: tuple[int, int]
    max_title_length: int
    max_description_length: int
    max_episode_title_length: int
    max_caption_length: int
    limits: tuple[Limit, ...] = ()

    # -- sources -------------------------------------------------------------

    def limit(self, name: str) -> Limit:
        """The value of field ``name`` with its source."""
        for lim in self.limits:
            if lim.name == name:
                return lim
        raise KeyError(f"{self.id} has no limit named {name!r}")

    def source(self, name: str) -> str:
        return self.limit(name).source

    def with_limit(self, name: str, value: Any, source: str = "your setting") -> PublishProfile:
        """A copy with one limit replaced (``value`` as in the TOML file, e.g. seconds)."""
        lim = self.limit(name)
        _, convert = _SPEC[lim.key]
        try:
            typed = convert(value)
        except _Bad as exc:
            raise InvalidValue(f"{lim.key} {exc}") from None
        limits = tuple(replace(x, value=typed, source=source) if x is lim else x
                       for x in self.limits)
        changed = replace(self, **{name: typed}, limits=limits)
        problem = _inconsistency(changed)
        if problem:
            raise InvalidValue(problem)
        return changed

    # -- checks for single actions ---------------------------------------------

    def price_issue(self, price: Money) -> tuple[str, str] | None:
        """``(kind, message)`` with kind "currency", "too_low" or "too_high", or None."""
        if price.currency not in self.currencies:
            accepted = " or ".join(self.currencies)
            return ("currency", f"The price {price} is in {price.currency}, but "
                    f"{with_article(self.name, start=False)} is priced in {accepted}.")
        if price.currency != self.min_price.currency:
            return None  # no range known for this currency
        if price < self.min_price:
            return ("too_low", f"The price {price} is below the {self.name} minimum "
                    f"of {self.min_price}.")
        if price > self.max_price:
            return ("too_high", f"The price {price} is above the {self.name} maximum "
                    f"of {self.max_price}.")
        return None

    def price_hint(self) -> str:
        return f"Choose a price from {self.min_price} to {self.max_price}."

    def check_price(self, price: Money) -> None:
        """Raise InvalidValue when ``price`` cannot be set on a collection."""
        issue = self.price_issue(price)
        if issue:
            raise InvalidValue(issue[1], hint=self.price_hint())

    def check_episode_count(self, n: int, *, current: int | None = None) -> None:
        """Raise LimitReached when a collection would hold ``n`` episodes, too many.

        ``current`` is how many it holds now (default: ``n - 1``, adding one).
        """
        if n <= self.max_episodes:
            return
        current = n - 1 if current is None else current
        limit = f"{with_article(self.name)} holds at most {self.max_episodes} episodes"
        if current >= self.max_episodes:
            message = f"{limit}; this collection already has {current}."
        else:
            message = (f"{limit}; this collection has {current}, so only "
                       f"{self.max_episodes - current} more fit.")
        raise LimitReached(message, hint="Remove an episode or start a second collection.")

    # -- media predicates (shared by the rules and export planning) ------------

    def container_accepted(self, info: MediaInfo) -> bool:
        names = info.container_names & self.containers
        if names == {"webm"}:  # FFmpeg's "matroska,webm" is also plain MKV
            return (info.video_codec in _WEBM_VIDEO
                    and (info.audio_codec is None or info.audio_codec in _WEBM_AUDIO))
        return bool(names)

    def video_codec_accepted(self, info: MediaInfo) -> bool:
        return info.video_codec in self.video_codecs

    def frame_rate_accepted(self, rate: Fraction) -> bool:
        return self.min_frame_rate <= rate <= self.max_frame_rate


def text_length(text: str) -> int:
    """Length as platforms count it: UTF-16 code units (an emoji counts as 2)."""
    return len(text.encode("utf-16-le")) // 2


def with_article(name: str, *, start: bool = True) -> str:
    """``A TikTok Series`` (``a TikTok Series`` inside a sentence)."""
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article.capitalize() if start else article} {name}"


# -- loading ---------------------------------------------------------------------


class _Bad(Exception):
    """A value of the wrong kind; the message completes 'KEY ...'."""


def _int(minimum: int = 0) -> Callable[[Any], int]:
    def convert(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise _Bad(f"must be a whole number, not {v!r}")
        if v < minimum:
            raise _Bad(f"must be at least {minimum}, not {v}")
        return v

    return convert


def _fraction(v: Any) -> Fraction:
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise _Bad(f"must be a number such as 30 or \"30000/1001\", not {v!r}")
    try:
        value = Fraction(str(v))
    except (ValueError, ZeroDivisionError):
        raise _Bad(f"must be a number such as 30 or \"30000/1001\", not {v!r}") from None
    if value <= 0:
        raise _Bad(f"must be above 0, not {v}")
    return value


def _seconds(v: Any) -> int:
    return round(_fraction(v) * US)


def _money(v: Any) -> Money:
    if not isinstance(v, str):
        raise _Bad(f"must be a price in quotes such as \"1.00 USD\", not {v!r}")
    try:
        return Money.parse(v)
    except InvalidValue as exc:
        raise _Bad(f"is not a price: {exc}") from None


def _names(v: Any) -> frozenset[str]:
    if not isinstance(v, list) or not v or not all(isinstance(x, str) and x for x in v):
        raise _Bad(f"must be a non-empty list of names, not {v!r}")
    return frozenset(x.lower() for x in v)


def _currencies(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v):
        raise _Bad(f"must be a non-empty list of currency codes, not {v!r}")
    if not all(re.fullmatch(r"[A-Z]{3}", x) for x in v):
        raise _Bad(f"must hold ISO 4217 codes such as \"USD\", not {v!r}")
    return tuple(v)


def _size(v: Any) -> tuple[int, int]:
    if (not isinstance(v, list) or len(v) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in v)):
        raise _Bad(f"must be [width, height] in pixels, not {v!r}")
    return (v[0], v[1])


# TOML key -> (PublishProfile field, converter)
_SPEC: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "episodes.min_count": ("min_episodes", _int(0)),
    "episodes.max_count": ("max_episodes", _int(1)),
    "episodes.min_duration_seconds": ("min_duration", _seconds),
    "episodes.max_duration_seconds": ("max_duration", _seconds),
    "price.currencies": ("currencies", _currencies),
    "price.min": ("min_price", _money),
    "price.max": ("max_price", _money),
    "media.containers": ("containers", _names),
    "media.video_codecs": ("video_codecs", _names),
    "media.min_frame_rate": ("min_frame_rate", _fraction),
    "media.max_frame_rate": ("max_frame_rate", _fraction),
    "media.min_side": ("min_side", _int(1)),
    "media.max_side": ("max_side", _int(1)),
    "media.max_file_size_bytes": ("max_file_size", _int(1)),
    "media.recommended_size": ("recommended_size", _size),
    "text.collection_title_max": ("max_title_length", _int(1)),
    "text.description_max": ("max_description_length", _int(1)),
    "text.episode_title_max": ("max_episode_title_length", _int(1)),
    "text.caption_max": ("max_caption_length", _int(1)),
}
_TOP = {"id", "name", "format"} | {k.split(".")[0] for k in _SPEC}
assert {f for f, _ in _SPEC.values()} | {"id", "name", "limits"} == {
    f.name for f in fields(PublishProfile)
}


def _inconsistency(p: PublishProfile) -> str | None:
    pairs = [("min_episodes", "max_episodes"), ("min_duration", "max_duration"),
             ("min_frame_rate", "max_frame_rate"), ("min_side", "max_side")]
    for lo, hi in pairs:
        if getattr(p, lo) > getattr(p, hi):
            return f"{p.limit(lo).key} is above {p.limit(hi).key}."
    if p.min_price.currency != p.max_price.currency:
        return "price.min and price.max are in different currencies."
    if p.min_price.currency not in p.currencies:
        return f"price.min is in {p.min_price.currency}, which is not in price.currencies."
    if p.min_price > p.max_price:
        return "price.min is above price.max."
    return None


def profile_from_toml(text: str, filename: str) -> PublishProfile:
    """Build a profile from TOML text; errors name ``filename`` and the key."""

    def fail(message: str) -> ProfileError:
        return ProfileError(f"The publish profile {filename} is broken: {message}")

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"it is not valid TOML ({exc}).") from None
    for top in data:
        if top not in _TOP:
            raise fail(f"unknown key '{top}'.")
    header: dict[str, str] = {}
    for key in ("id", "name"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"'{key}' must be a non-empty string.")
        header[key] = value.strip()
    for table in {k.split(".")[0] for k in _SPEC}:
        section = data.get(table)
        if not isinstance(section, dict):
            raise fail(f"the table [{table}] is missing.")
        for sub in section:
            if f"{table}.{sub}" not in _SPEC:
                raise fail(f"unknown key '{table}.{sub}'.")
    values: dict[str, Any] = {}
    limits: list[Limit] = []
    for key, (name, convert) in _SPEC.items():
        table, sub = key.split(".")
        entry = data[table].get(sub)
        if entry is None:
            raise fail(f"'{key}' is missing.")
        if not isinstance(entry, dict) or set(entry) != {"value", "source"}:
            raise fail(f"'{key}' must be a table {{ value = ..., source = \"...\" }}.")
        source = entry["source"]
        if not isinstance(source, str) or not source.strip():
            raise fail(f"'{key}.source' must name a document or say \"unconfirmed\".")
        try:
            values[name] = convert(entry["value"])
        except _Bad as exc:
            raise fail(f"'{key}.value' {exc}.") from None
        limits.append(Limit(name, key, values[name], source.strip()))
    profile = PublishProfile(**header, **values, limits=tuple(limits))
    problem = _inconsistency(profile)
    if problem:
        raise fail(problem)
    return profile


def _profiles_dir() -> Any:
    return files("studio.resources") / "profiles"


def available_profiles() -> list[str]:
    """Names accepted by :func:`load_profile`, sorted."""
    return sorted(p.name[: -len(".toml")] for p in _profiles_dir().iterdir()
                  if p.name.endswith(".toml") and _NAME.fullmatch(p.name[: -len(".toml")]))


@cache
def load_profile(name: str) -> PublishProfile:
    """The profile shipped as ``profiles/<name>.toml``."""
    available = available_profiles()
    if name not in available:
        raise NotFound(
            f"There is no publish profile named '{name}'.",
            hint=f"Available: {', '.join(available) or 'none'}.",
        )
    filename = f"{name}.toml"
    text = (_profiles_dir() / filename).read_text(encoding="utf-8")
    profile = profile_from_toml(text, filename)
    if profile.id != name:
        raise ProfileError(
            f"The publish profile {filename} is broken: its id is '{profile.id}', not '{name}'."
        )
    return profile
