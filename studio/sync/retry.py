"""Retrying, pacing and measuring network transfers.

- :class:`RetryPolicy`: exponential backoff with jitter, bounded attempts, and
  ``Retry-After`` honoured (capped) for 429 and 503.
- :class:`Throttle`: an optional bandwidth cap, a token bucket that any number
  of upload threads may share (it holds a lock).
- :class:`SpeedMeter`: bytes per second over a sliding window; :class:`Tracker`
  turns positions into throttled :class:`TransferProgress` callbacks. One of
  each per transfer (not shared between threads).
- :func:`wait`: sleep that wakes up at once when the :class:`CancelToken` is set;
  :func:`pause` waits before a retry and first tells a :data:`WaitFn` about a long
  pause (:class:`Waiting`, said by :func:`waiting_message`), so that a creator
  never stares at a silent terminal while the server asked us to wait.
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from studio.i18n import tr
from studio.tasks import CancelToken

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a transient failure.

    ``max_attempts`` counts consecutive failures without progress; the delay
    before attempt n is ``min(max_delay, base_delay * 2**(n-1))`` scaled by a
    random factor in [0.5, 1] (jitter, so that clients do not retry in step).
    A ``Retry-After`` from the server replaces it, up to ``max_retry_after``.
    """

    max_attempts: int = 8
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 300.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(max(0.0, retry_after), self.max_retry_after)
        cap = min(self.max_delay, self.base_delay * (2 ** max(0, attempt - 1)))
        return cap * random.uniform(0.5, 1.0)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def retry_after_of(response: httpx.Response) -> float | None:
    """``Retry-After`` of a 429 or 503 answer (other statuses do not carry a usable one)."""
    if response.status_code not in (429, 503):
        return None
    return parse_retry_after(response.headers.get("Retry-After"))


NOTICE_AFTER = 2.0  # seconds: a shorter pause before a retry is not worth a line


@dataclass(frozen=True)
class Waiting:
    """A pause before trying a request again, long enough to tell the creator about."""

    seconds: float  # how long this pause lasts
    until: float  # when the next attempt starts (time.time())
    what: str  # the failure that caused it, in words
    attempt: int  # the attempt that comes next
    attempts: int  # the most there will be
    asked: float | None = None  # what the server's Retry-After asked for (maybe more)


WaitFn = Callable[[Waiting], None]


def pause(policy: RetryPolicy, failures: int, what: str, after: float | None,
          cancel: CancelToken | None, on_wait: WaitFn | None) -> None:  # fmt: skip
    """Wait before attempt ``failures + 1``, telling ``on_wait`` first when it is long."""
    seconds = policy.delay(failures, after)
    if on_wait is not None and seconds >= NOTICE_AFTER:
        on_wait(Waiting(seconds, time.time() + seconds, what, failures + 1,
                        policy.max_attempts, after))  # fmt: skip
    wait(seconds, cancel)


def say_duration(seconds: float) -> str:
    """``45 s``, ``5 min``, ``2 min 30 s``."""
    s = max(0, round(seconds))
    if s < 100:
        return tr("{n} s").format(n=s)
    minutes, s = divmod(s, 60)
    if s == 0:
        return tr("{m} min").format(m=minutes)
    return tr("{m} min {s} s").format(m=minutes, s=s)


def waiting_message(w: Waiting) -> str:
    """``The server answered 503 (Service Unavailable) and asked to wait 30 s; trying again at
    14:02:10 (attempt 2 of 8)…``: why nothing moves, until when, and how many tries are left."""
    what = w.what[:1].upper() + w.what[1:]
    clock = time.strftime("%H:%M:%S", time.localtime(w.until))
    fields = {"what": what, "clock": clock, "attempt": w.attempt, "attempts": w.attempts,
              "wait": say_duration(w.seconds)}  # fmt: skip
    if w.asked is not None and w.asked > w.seconds + 0.5:
        return tr("{what}; waiting {wait} at most, then trying again at {clock} (attempt "
                  "{attempt} of {attempts})…").format(**fields)
    if w.asked is not None:
        return tr("{what}; trying again at {clock} (attempt {attempt} of {attempts})…").format(
            **fields)
    return tr("{what}; trying again in {wait}, at {clock} (attempt {attempt} of "
              "{attempts})…").format(**fields)


def wait(seconds: float, cancel: CancelToken | None) -> None:
    """Sleep ``seconds``; return early (raising :class:`Cancelled`) if cancelled."""
    end = time.monotonic() + max(0.0, seconds)
    while True:
        if cancel is not None:
            cancel.raise_if_cancelled()
        left = end - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.05))


def describe_exception(exc: BaseException) -> str:
    """What went wrong on the wire, in words (never the request's headers)."""
    if isinstance(exc, httpx.ConnectTimeout):
        return tr("could not connect in time")
    if isinstance(exc, httpx.TimeoutException):
        return tr("the server stopped answering (no data for a while)")
    if isinstance(exc, httpx.ConnectError):
        return tr("could not connect to the server")
    if isinstance(exc, httpx.RemoteProtocolError):
        return tr("the server closed the connection")
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return tr("the connection was cut")
    if isinstance(exc, OSError):
        return tr("network error ({error})").format(error=exc.strerror or type(exc).__name__)
    return type(exc).__name__


def describe_status(response: httpx.Response) -> str:
    """``the server answered 503 (Service Unavailable)``, with the 429 wait when given."""
    status, reason = response.status_code, response.reason_phrase or "?"
    after = retry_after_of(response)
    seconds = f"{after:g}" if after is not None else ""
    if status == 429:
        if after is None:
            return tr("the server said too many requests (429)")
        return tr("the server said too many requests (429) and asked to wait {seconds} s").format(
            seconds=seconds)
    if after is not None:
        return tr("the server answered {status} ({reason}) and asked to wait {seconds} s").format(
            status=status, reason=reason, seconds=seconds)
    return tr("the server answered {status} ({reason})").format(status=status, reason=reason)


class Throttle:
    """A bandwidth cap in bytes per second (None: no cap), shared by threads.

    :meth:`take` blocks the caller just long enough to keep the average rate
    under the cap, with a burst of at most a quarter of a second's worth.
    """

    def __init__(self, rate: float | None) -> None:
        self.rate = rate if rate and rate > 0 else None
        self._lock = threading.Lock()
        self._allowance = 0.0
        self._last = time.monotonic()

    @property
    def block_limit(self) -> int | None:
        """The largest read worth doing at once under the cap (a tenth of a second)."""
        return None if self.rate is None else max(4096, int(self.rate / 10))

    def take(self, n: int, cancel: CancelToken | None = None) -> None:
        if self.rate is None:
            return
        with self._lock:
            now = time.monotonic()
            self._allowance = min(self.rate / 4, self._allowance + (now - self._last) * self.rate)
            self._last = now
            self._allowance -= n
            debt = -self._allowance / self.rate if self._allowance < 0 else 0.0
        if debt > 0:
            wait(debt, cancel)


@dataclass(frozen=True)
class TransferProgress:
    sent: int  # bytes of the file the server has or is being sent now
    total: int
    speed: float  # bytes per second, recent average

    @property
    def eta_s(self) -> float | None:
        return (self.total - self.sent) / self.speed if self.speed > 0 else None


ProgressFn = Callable[[TransferProgress], None]


class Tracker:
    """Progress of one file across PATCHes: throttled callbacks with the speed."""

    def __init__(self, total: int, progress: ProgressFn | None) -> None:
        self.total, self.progress = total, progress
        self.meter = SpeedMeter()
        self.position = 0
        self._last = 0.0

    def at(self, position: int, force: bool = False) -> None:
        self.position = position
        speed = self.meter.add(position)
        now = time.monotonic()
        if self.progress is not None and (force or now - self._last >= 0.1):
            self._last = now
            self.progress(TransferProgress(position, self.total, speed))


class SpeedMeter:
    """Bytes per second over the last ``window`` seconds. One per transfer."""

    def __init__(self, window: float = 3.0) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def reset(self) -> None:
        self._samples.clear()

    def add(self, position: int, now: float | None = None) -> float:
        """Record that the transfer reached ``position`` bytes; return the current speed."""
        now = time.monotonic() if now is None else now
        self._samples.append((now, position))
        while len(self._samples) > 2 and now - self._samples[0][0] > self.window:
            self._samples.popleft()
        return self.speed

    @property
    def speed(self) -> float:
        if len(self._samples) < 2:
            return 0.0
        (t0, p0), (t1, p1) = self._samples[0], self._samples[-1]
        return (p1 - p0) / (t1 - t0) if t1 > t0 else 0.0


def server_detail(response: httpx.Response, limit: int = 300) -> str:
    """The server's own explanation: a problem+json ``detail``/``title``, an OAuth
    ``error_description``, or the start of a plain-text body. Never a header."""
    text = ""
    kind = response.headers.get("Content-Type", "")
    try:
        if "json" in kind:
            data = response.json()
            if isinstance(data, dict):
                text = str(data.get("detail") or data.get("error_description")
                           or data.get("title") or data.get("error") or "")  # fmt: skip
        elif kind.startswith("text/plain"):
            text = response.text
    except (ValueError, UnicodeDecodeError, httpx.ResponseNotRead):
        text = ""
    text = " ".join(text.split())
    return text[:limit]
