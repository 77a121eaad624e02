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
from functools import cache, reduce
from importlib.resources import files
from typing import Any

from studio.domain.errors import InvalidValue, LimitReached, NotFound
from studio.domain.models import MediaInfo
from studio.domain.money import Money
from studio.domain.timecode import US
from studio.i18n import decimal, tr

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
            accepted = reduce(lambda a, b: tr("{first} or {second}").format(first=a, second=b),
                              self.currencies)
            return ("currency", tr("The price {price} is in {currency}, but {a_profile} is "
                                   "priced in {accepted}.").format(
                price=said_money(price), currency=price.currency,
                a_profile=with_article(self.name, start=False), accepted=accepted))
        if price.currency != self.min_price.currency:
            return None  # no range known for this currency
        if price < self.min_price:
            return ("too_low", tr("The price {price} is below the {profile} minimum of "
                                  "{minimum}.").format(price=said_money(price), profile=self.name,
                                                       minimum=said_money(self.min_price)))
        if price > self.max_price:
            return ("too_high", tr("The price {price} is above the {profile} maximum of "
                                   "{maximum}.").format(price=said_money(price), profile=self.name,
                                                        maximum=said_money(self.max_price)))
        return None

    def price_hint(self) -> str:
        return tr("Choose a price from {minimum} to {maximum}.").format(
            minimum=said_money(self.min_price), maximum=said_money(self.max_price))

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
        if current >= self.max_episodes:
            message = tr("{a_profile} holds at most {maximum} episodes; this collection already "
                         "has {current}.")
        else:
            message = tr("{a_profile} holds at most {maximum} episodes; this collection has "
                         "{current}, so only {free} more fit.")
        raise LimitReached(
            message.format(a_profile=with_article(self.name), maximum=self.max_episodes,
                           current=current, free=self.max_episodes - current),
            hint=tr("Remove an episode or start a second collection."))

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
    """``A TikTok Series`` (``a TikTok Series`` inside a sentence), in the current language."""
    if name[:1].lower() in "aeiou":
        template = tr("An {profile}") if start else tr("an {profile}")
    else:
        template = tr("A {profile}") if start else tr("a {profile}")
    return template.format(profile=name)


def said_money(price: Money) -> str:
    """``9.99 USD`` as written in a message of the current language (``9,99 USD`` in French)."""
    return decimal(price.format())


# -- loading ---------------------------------------------------------------------


class _Bad(Exception):
    """A value of the wrong kind; the message completes 'KEY ...'."""


def _int(minimum: int = 0) -> Callable[[Any], int]:
    def convert(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            raise _Bad(tr("must be a whole number, not {value}").format(value=repr(v)))
        if v < minimum:
            raise _Bad(tr("must be at least {minimum}, not {value}").format(minimum=minimum,
                                                                             value=v))
        return v

    return convert


def _fraction(v: Any) -> Fraction:
    def bad() -> _Bad:
        return _Bad(tr('must be a number such as 30 or "30000/1001", not {value}').format(
            value=repr(v)))

    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise bad()
    try:
        value = Fraction(str(v))
    except (ValueError, ZeroDivisionError):
        raise bad() from None
    if value <= 0:
        raise _Bad(tr("must be above 0, not {value}").format(value=v))
    return value


def _seconds(v: Any) -> int:
    return round(_fraction(v) * US)


def _money(v: Any) -> Money:
    if not isinstance(v, str):
        raise _Bad(tr('must be a price in quotes such as "1.00 USD", not {value}').format(
            value=repr(v)))
    try:
        return Money.parse(v)
    except InvalidValue as exc:
        raise _Bad(tr("is not a price: {problem}").format(problem=exc)) from None


def _names(v: Any) -> frozenset[str]:
    if not isinstance(v, list) or not v or not all(isinstance(x, str) and x for x in v):
        raise _Bad(tr("must be a non-empty list of names, not {value}").format(value=repr(v)))
    return frozenset(x.lower() for x in v)


def _currencies(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list) or not v or not all(isinstance(x, str) for x in v):
        raise _Bad(tr("must be a non-empty list of currency codes, not {value}").format(
            value=repr(v)))
    if not all(re.fullmatch(r"[A-Z]{3}", x) for x in v):
        raise _Bad(tr('must hold ISO 4217 codes such as "USD", not {value}').format(
            value=repr(v)))
    return tuple(v)


def _size(v: Any) -> tuple[int, int]:
    if (not isinstance(v, list) or len(v) != 2
            or not all(isinstance(x, int) and not isinstance(x, bool) and x > 0 for x in v)):
        raise _Bad(tr("must be [width, height] in pixels, not {value}").format(value=repr(v)))
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
            return tr("{low} is above {high}.").format(low=p.limit(lo).key, high=p.limit(hi).key)
    if p.min_price.currency != p.max_price.currency:
        return tr("price.min and price.max are in different currencies.")
    if p.min_price.currency not in p.currencies:
        return tr("price.min is in {currency}, which is not in price.currencies.").format(
            currency=p.min_price.currency)
    if p.min_price > p.max_price:
        return tr("price.min is above price.max.")
    return None


def profile_from_toml(text: str, filename: str) -> PublishProfile:
    """Build a profile from TOML text; errors name ``filename`` and the key."""

    def fail(message: str) -> ProfileError:
        return ProfileError(tr("The publish profile {file} is broken: {problem}").format(
            file=filename, problem=message))

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(tr("it is not valid TOML ({error}).").format(error=exc)) from None
    for top in data:
        if top not in _TOP:
            raise fail(tr("unknown key '{key}'.").format(key=top))
    header: dict[str, str] = {}
    for key in ("id", "name"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(tr("'{key}' must be a non-empty string.").format(key=key))
        header[key] = value.strip()
    for table in {k.split(".")[0] for k in _SPEC}:
        section = data.get(table)
        if not isinstance(section, dict):
            raise fail(tr("the table [{table}] is missing.").format(table=table))
        for sub in section:
            if f"{table}.{sub}" not in _SPEC:
                raise fail(tr("unknown key '{key}'.").format(key=f"{table}.{sub}"))
    values: dict[str, Any] = {}
    limits: list[Limit] = []
    for key, (name, convert) in _SPEC.items():
        table, sub = key.split(".")
        entry = data[table].get(sub)
        if entry is None:
            raise fail(tr("'{key}' is missing.").format(key=key))
        if not isinstance(entry, dict) or set(entry) != {"value", "source"}:
            raise fail(tr('\'{key}\' must be a table {{ value = ..., source = "..." }}.').format(
                key=key))
        source = entry["source"]
        if not isinstance(source, str) or not source.strip():
            raise fail(tr('\'{key}.source\' must name a document or say "unconfirmed".').format(
                key=key))
        try:
            values[name] = convert(entry["value"])
        except _Bad as exc:
            raise fail(tr("'{key}.value' {problem}.").format(key=key, problem=exc)) from None
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
            tr("There is no publish profile named '{name}'.").format(name=name),
            hint=tr("Available: {names}.").format(names=", ".join(available) or tr("none")),
        )
    filename = f"{name}.toml"
    text = (_profiles_dir() / filename).read_text(encoding="utf-8")
    profile = profile_from_toml(text, filename)
    if profile.id != name:
        raise ProfileError(
            tr("The publish profile {file} is broken: its id is '{id}', not '{name}'.").format(
                file=filename, id=profile.id, name=name)
        )
    return profile
