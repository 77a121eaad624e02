"""Terminal output: tables, progress lines, one-line errors."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from studio.i18n import tr
from studio.tasks import Progress


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def say(text: str = "") -> None:
    print(text, flush=True)


def error(text: str) -> None:
    print(tr("studio: error: {message}").format(message=text), file=sys.stderr, flush=True)


class ProgressLine:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, label: str, stream=None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.start = time.monotonic()
        self._last = 0.0

    def __call__(self, p: Progress) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and p.done != p.total:
            return
        self._last = now
        frac = p.fraction or 0.0
        bar = "#" * int(frac * 30)
        count = f"{int(p.done)}/{int(p.total)}" if p.total else f"{int(p.done)}"
        name = p.label[:40]
        self.stream.write(f"\r{self.label} [{bar:<30}] {count} {name:<40}")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()
