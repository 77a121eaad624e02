"""Progress and cancellation for long work, shared by the CLI and the GUI.

Workers receive a :class:`CancelToken` and a progress callback; they poll the
token between units of work and raise :class:`Cancelled` when it is set.
Nothing here knows about threads or Qt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    done: float
    total: float | None = None
    label: str = ""

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, max(0.0, self.done / self.total))


ProgressCallback = Callable[[Progress], None]


class Cancelled(Exception):
    """The user cancelled; not an error to report."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def no_progress(_: Progress) -> None:
    """A progress callback that ignores progress."""
