"""Money parsing/formatting and timecodes, with property-based round trips."""

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.domain.errors import InvalidValue
from studio.domain.money import Money
from studio.domain.timecode import (
    US,
    TimeRange,
    format_duration,
    format_timecode,
    parse_timecode,
)

# -- Money ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9.99", Money(999, "USD")),
        ("9,99", Money(999, "USD")),
        ("$9.99", Money(999, "USD")),
        ("1,234.50", Money(123450, "USD")),
        ("9.99 EUR", Money(999, "EUR")),
        ("9.99USD", Money(999, "USD")),
        ("1 234,50 €", Money(123450, "EUR")),
        ("1.234.567,89", Money(123456789, "USD")),
        ("  190 ", Money(19000, "USD")),
        ("500 JPY", Money(500, "JPY")),
    ],
)
def test_money_parse(text: str, expected: Money) -> None:
    assert Money.parse(text) == expected


@pytest.mark.parametrize("text", ["abc", "-1", "", "   ", "0.999", "1.234,567", "1.2.3"])
def test_money_parse_refuses(text: str) -> None:
    with pytest.raises(InvalidValue) as err:
        Money.parse(text)
    assert err.value.message.endswith(".")


def test_money_parse_says_what_is_wrong() -> None:
    """'190.001' was read as 190001 ('above the maximum'), 'abc' as a currency."""
    with pytest.raises(InvalidValue, match="unclear: three digits"):
        Money.parse("190.001", currency="USD")
    with pytest.raises(InvalidValue, match="unclear"):
        Money.parse("4,999")
    with pytest.raises(InvalidValue, match="is not a price"):
        Money.parse("abc", currency="USD")
    assert Money.parse("1,234.50") == Money(123450) and Money.parse("1.234.567") == Money(123456700)


def test_money_parse_currency_conflict() -> None:
    with pytest.raises(InvalidValue, match="EUR"):
        Money.parse("9.99 EUR", currency="USD")


def test_money_format() -> None:
    assert Money(999).format() == "9.99 USD"
    assert Money(5).format() == "0.05 USD"
    assert Money(-1).format() == "-0.01 USD"
    assert Money(500, "JPY").format() == "500 JPY"
    assert Money(1500, "KWD").format() == "1.500 KWD"


def test_money_refuses_bad_currency() -> None:
    with pytest.raises(InvalidValue):
        Money(100, "usd")


@given(
    minor=st.integers(min_value=0, max_value=10**12),
    currency=st.sampled_from(["USD", "EUR", "JPY", "KWD", "GBP"]),
)
def test_money_format_parse_round_trip(minor: int, currency: str) -> None:
    money = Money(minor, currency)
    assert Money.parse(money.format()) == money


# -- timecodes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("62.5", 62_500_000),
        ("62.5s", 62_500_000),
        ("1:02", 62_000_000),
        ("1:02:03", 3_723_000_000),
        ("00:01:02.500", 62_500_000),
        ("1m2.5s", 62_500_000),
        ("250ms", 250_000),
    ],
)
def test_parse_timecode(text: str, expected: int) -> None:
    assert parse_timecode(text) == expected


@pytest.mark.parametrize("text", ["", "-1", "1:75", "abc", "00:00:01:10"])
def test_parse_timecode_refuses(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_timecode(text)


def test_parse_timecode_frames() -> None:
    assert parse_timecode("00:00:01:15", Fraction(30)) == 1_500_000
    with pytest.raises(InvalidValue, match="frame 30"):
        parse_timecode("00:00:01:30", Fraction(30))


def test_format_duration() -> None:
    assert format_duration(45 * US) == "0:45"
    assert format_duration(1264 * US + 999_999) == "21:04"
    assert format_duration(3723 * US) == "1:02:03"


@given(st.integers(min_value=0, max_value=200 * 3600 * US))
def test_timecode_round_trip_to_milliseconds(us: int) -> None:
    assert parse_timecode(format_timecode(us)) == us - us % 1000


RATES = [Fraction(24), Fraction(25), Fraction(30), Fraction(60), Fraction(24000, 1001),
         Fraction(30000, 1001), Fraction(60000, 1001)]


@given(us=st.integers(min_value=0, max_value=30 * 3600 * US), rate=st.sampled_from(RATES))
def test_frame_timecode_round_trip_lands_on_same_frame(us: int, rate: Fraction) -> None:
    text = format_timecode(us, rate)
    back = parse_timecode(text, rate)
    assert format_timecode(back, rate) == text
    assert back <= us  # the start of the frame that shows at ``us``
    frame = us * rate // US
    assert back * rate // US == frame and back == math.ceil(frame / rate * US)


def test_frame_timecodes_at_29_97_count_frames_as_editing_apps_do() -> None:
    """Non-drop-frame: a timecode 'second' is 30 frames. 00:00:01:29 is frame 59 (it was
    read as 1 s + 29/29.97 s, inside frame 58); at 10 minutes the two readings are 18
    frames apart."""
    ntsc = Fraction(30000, 1001)
    assert parse_timecode("00:00:01:29", ntsc) == math.ceil(Fraction(59 * 1001, 30000) * US)
    assert format_timecode(parse_timecode("00:00:01:29", ntsc), ntsc) == "00:00:01:29"
    assert format_timecode(math.ceil(Fraction(18000 * 1001, 30000) * US), ntsc) == "00:10:00:00"


def test_timerange_refuses_empty_and_reversed() -> None:
    with pytest.raises(InvalidValue):
        TimeRange(5 * US, 5 * US)
    with pytest.raises(InvalidValue):
        TimeRange(5 * US, 4 * US)
    with pytest.raises(InvalidValue):
        TimeRange(-1, 4 * US)
    r = TimeRange(1 * US, 3 * US)
    assert r.duration == 2 * US
    assert 1 * US in r and 3 * US not in r


@given(frame=st.integers(min_value=0, max_value=20 * 60 * 120), rate=st.sampled_from(RATES))
def test_in_and_out_points_shown_in_milliseconds_read_back_to_the_same_frames(
        frame: int, rate: Fraction) -> None:  # fmt: skip
    """The inspector shows the trim to the millisecond; typing the text back, or pressing
    Enter on it, must keep the same frames. Cut to the millisecond, the in point of frame
    155 at 30 fps (5.1666... s) read back as 5.166, in frame 154: each Enter moved it
    one frame earlier."""
    start = math.ceil(frame * US / rate)  # where the packet index says frame ``frame`` starts
    following = math.ceil((frame + 1) * US / rate)
    shown_in = parse_timecode(format_timecode(start, up=True))
    shown_out = parse_timecode(format_timecode(following))
    # The in point is the frame on screen at the time; the out point, the first frame
    # starting at or after it (cut_points.cut_points).
    assert start <= shown_in < following
    assert start < shown_out <= following
