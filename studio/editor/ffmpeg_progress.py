"""Parse what ``ffmpeg -progress pipe:1`` prints, and keep ffmpeg's last words.

ffmpeg writes blocks of ``key=value`` lines, each ending with
``progress=continue`` or ``progress=end``. Pure code: no processes here.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class FFmpegProgress:
    out_time_us: int  # how much of the output is written, in microseconds
    frame: int | None = None
    fps: float | None = None
    speed: float | None = None  # 2.0 = twice realtime
    total_size: int | None = None
    done: bool = False


class ProgressParser:
    """Feed lines with :meth:`feed`; it returns an :class:`FFmpegProgress` at each block end."""

    def __init__(self) -> None:
        self._block: dict[str, str] = {}

    def feed(self, line: str) -> FFmpegProgress | None:
        line = line.strip()
        if not line or "=" not in line:
            return None
        key, _, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if key != "progress":
            self._block[key] = value
            return None
        block, self._block = self._block, {}
        return FFmpegProgress(
            out_time_us=_out_time(block),
            frame=_int(block.get("frame")),
            fps=_float(block.get("fps")),
            speed=_float(block.get("speed", "").rstrip("x")),
            total_size=_int(block.get("total_size")),
            done=value == "end",
        )


def _out_time(block: dict[str, str]) -> int:
    # out_time_us and out_time_ms are both microseconds (a historic misnomer);
    # out_time is HH:MM:SS.micro. Any may read N/A before the first packet.
    for key in ("out_time_us", "out_time_ms"):
        v = _int(block.get(key))
        if v is not None:
            return max(0, v)
    text = block.get("out_time", "")
    try:
        sign = -1 if text.startswith("-") else 1
        h, m, s = text.lstrip("-").split(":")
        return max(0, sign * round((int(h) * 3600 + int(m) * 60 + float(s)) * 1_000_000))
    except ValueError:
        return 0


def _int(v: str | None) -> int | None:
    try:
        return int(v) if v not in (None, "", "N/A") else None
    except ValueError:
        return None


def _float(v: str | None) -> float | None:
    try:
        return float(v) if v not in (None, "", "N/A") else None
    except ValueError:
        return None


class StderrTail:
    """The last ``n`` meaningful lines ffmpeg wrote to stderr, for error messages."""

    def __init__(self, n: int = 12) -> None:
        self.lines: deque[str] = deque(maxlen=n)

    def feed(self, line: str) -> None:
        line = line.rstrip()
        if line and not line.startswith(("frame=", "size=")):
            self.lines.append(line)

    def text(self) -> str:
        return "\n".join(self.lines)
