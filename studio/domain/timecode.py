"""Times as integer microseconds; timecodes parsed and formatted.

Accepted input: ``62.5`` and ``62.5s`` (seconds), ``1:02`` (m:ss),
``1:02:03`` (h:mm:ss), ``00:01:02.500``, ``1m2.5s``, and ``00:01:02:15``
(hh:mm:ss:ff, frames at a given frame rate, non-drop-frame as in editing apps).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from studio.domain.errors import InvalidValue
from studio.i18n import decimal, tr

US = 1_000_000

_UNITS = re.compile(r"^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?$")
_MS = re.compile(r"^(\d+(?:\.\d+)?)ms$")


def _seconds_to_us(text: str) -> int:
    value = Fraction(text)
    return int(value * US + Fraction(1, 2)) if value >= 0 else int(value * US)


def parse_timecode(text: str, frame_rate: Fraction | None = None) -> int:
    """Return microseconds for a timecode typed by the creator."""
    raw = text.strip().lower().replace(",", ".")
    if not raw:
        raise InvalidValue(tr("The time is empty; type a time such as 1:02 or 62.5s."))
    if raw.startswith("-"):
        raise InvalidValue(tr("The time '{text}' is negative.").format(text=text.strip()))
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        return _seconds_to_us(raw)
    m = _MS.match(raw)
    if m:
        return int(Fraction(m.group(1)) * 1000 + Fraction(1, 2))
    m = _UNITS.match(raw)
    if m and any(m.groups()):
        h, mi, s = (Fraction(g) if g else Fraction(0) for g in m.groups())
        return int((h * 3600 + mi * 60 + s) * US + Fraction(1, 2))
    parts = raw.split(":")
    if 2 <= len(parts) <= 4 and all(re.fullmatch(r"\d+(\.\d+)?", p) for p in parts):
        if len(parts) == 4:
            if frame_rate is None:
                raise InvalidValue(
                    tr("'{text}' counts frames; it needs the clip's frame rate.").format(
                        text=text.strip())
                )
            hh, mm, ss, ff = parts
            if any("." in p for p in parts):
                raise InvalidValue(tr("'{text}' mixes frames and decimals.").format(
                    text=text.strip()))
            if int(ff) >= _frames_per_second(frame_rate):
                raise InvalidValue(
                    tr("'{text}' has frame {frame}, but a second has only {frames} frames at "
                       "{rate} fps.").format(text=text.strip(), frame=ff,
                                             frames=_frames_per_second(frame_rate),
                                             rate=decimal(f"{float(frame_rate):g}"))
                )
            _check_sexagesimal(text, [mm, ss])
            # Frames counted as editing apps do (non-drop-frame): at 29.97 fps a
            # "second" of timecode is 30 frames, so 00:00:01:29 is frame 59.
            seconds = int(hh) * 3600 + int(mm) * 60 + int(ss)
            frame = seconds * _frames_per_second(frame_rate) + int(ff)
            # Round up: the first microsecond that shows this frame, never the one before.
            return math.ceil(Fraction(frame) / Fraction(frame_rate) * US)
        if any("." in p for p in parts[:-1]):
            raise InvalidValue(tr("'{text}' is not a time; only seconds take decimals.").format(
                text=text.strip()))
        _check_sexagesimal(text, parts[1:])
        total = Fraction(0)
        for p in parts:
            total = total * 60 + Fraction(p)
        return int(total * US + Fraction(1, 2))
    raise InvalidValue(
        tr("'{text}' is not a time; type it like 1:02, 00:01:02.500 or 62.5s.").format(
            text=text.strip())
    )


def _frames_per_second(rate: Fraction) -> int:
    return -(-rate.numerator // rate.denominator)  # ceil: 29.97 -> 30


def _check_sexagesimal(text: str, parts: list[str]) -> None:
    for p in parts:
        if Fraction(p) >= 60:
            raise InvalidValue(tr("'{text}' is not a time: {part} is not below 60.").format(
                text=text.strip(), part=p))


def format_duration(us: int) -> str:
    """Short human form: ``0:45``, ``21:04``, ``1:02:03`` (whole seconds, rounded down)."""
    sign = "-" if us < 0 else ""
    total = abs(us) // US
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{sign}{h}:{m:02d}:{s:02d}" if h else f"{sign}{m}:{s:02d}"


def format_timecode(us: int, frame_rate: Fraction | None = None, *, up: bool = False) -> str:
    """Exact form: ``00:01:02.500``, or ``00:01:02:15`` when a frame rate is given (the
    frame on screen at ``us``, counted as editing apps do: see parse_timecode).

    Milliseconds are cut, or with ``up`` rounded up: an in point (a frame's start) is
    shown rounded up, so that reading the text back lands in the same frame, not the
    one before (frame 155 at 30 fps starts at 5.1666... s: 5.167, not 5.166); an out
    point (the next frame's start) is shown cut, for the same reason."""
    sign = "-" if us < 0 else ""
    us = abs(us)
    if up and frame_rate is None:
        us = -(-us // 1000) * 1000
    if frame_rate is not None:
        frame = int(Fraction(us, US) * Fraction(frame_rate))
        seconds, ff = divmod(frame, _frames_per_second(Fraction(frame_rate)))
        h, rem = divmod(seconds, 3600)
        m, s = divmod(rem, 60)
        return f"{sign}{h:02d}:{m:02d}:{s:02d}:{ff:02d}"
    seconds, rest = divmod(us, US)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{sign}{h:02d}:{m:02d}:{s:02d}.{rest // 1000:03d}"


@dataclass(frozen=True)
class TimeRange:
    """A half-open range [start, end) in integer microseconds."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0:
            raise InvalidValue(tr("The in point {start} is negative.").format(
                start=format_timecode(self.start)))
        if self.end <= self.start:
            raise InvalidValue(
                tr("The in point {start} is not before the out point {end}.").format(
                    start=format_timecode(self.start), end=format_timecode(self.end))
            )

    @property
    def duration(self) -> int:
        return self.end - self.start

    def __contains__(self, t: int) -> bool:
        return self.start <= t < self.end
