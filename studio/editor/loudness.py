"""Loudness: measure (EBU R128) and normalise to a target, audio only.

Measuring runs ffmpeg's ``ebur128`` filter over the trimmed range (about
450x realtime); normalising uses ``loudnorm`` in linear mode with those
measurements, so the whole episode gets one gain (no pumping) while true
peaks stay under the limit.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import ffmpeg

from studio.domain.errors import UserError
from studio.editor.ffmpeg_run import compile_args, run_ffmpeg
from studio.i18n import tr
from studio.tasks import CancelToken

SILENCE_LUFS = -60.0


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP
    lra: float  # LU
    threshold: float  # LUFS, the relative gate of the integrated measurement

    @property
    def silent(self) -> bool:
        return not math.isfinite(self.integrated) or self.integrated < SILENCE_LUFS


_FIELDS = {
    "I": re.compile(r"^\s*I:\s+(-?[\d.]+|-inf)\s+LUFS"),
    "Threshold": re.compile(r"^\s*Threshold:\s+(-?[\d.]+|-inf)\s+LUFS"),
    "LRA": re.compile(r"^\s*LRA:\s+(-?[\d.]+)\s+LU"),
    "Peak": re.compile(r"^\s*Peak:\s+(-?[\d.]+|-inf)\s+dBFS"),
}


def parse_ebur128_summary(lines: list[str]) -> Loudness:
    """Read the ``Summary:`` block ebur128 logs at the end."""
    try:
        start = max(i for i, line in enumerate(lines) if "Summary:" in line)
    except ValueError:
        raise UserError(tr("The loudness measurement produced no summary.")) from None
    found: dict[str, float] = {}
    for line in lines[start:]:
        for key, rx in _FIELDS.items():
            m = rx.match(line)
            if m and key not in found:
                found[key] = float(m.group(1))
    missing = {"I", "Threshold", "LRA", "Peak"} - set(found)
    if missing:
        raise UserError(tr("The loudness summary lacks {fields}.").format(
            fields=", ".join(sorted(missing))))
    return Loudness(found["I"], found["Peak"], found["LRA"], found["Threshold"])


def measure(
    path: str | Path,
    start_us: int = 0,
    duration_us: int | None = None,
    *,
    cancel: CancelToken | None = None,
) -> Loudness:
    """EBU R128 integrated loudness, true peak and range of the audio in a range."""
    kwargs: dict = {"ss": f"{start_us / 1e6:.6f}"}
    if duration_us is not None:
        kwargs["t"] = f"{duration_us / 1e6:.6f}"
    src = ffmpeg.input(str(path), **kwargs)
    graph = (
        src["a:0"].filter("ebur128", peak="true", framelog="quiet")
        .output("-", f="null")
        .global_args("-loglevel", "info")
    )  # fmt: skip
    lines = run_ffmpeg(compile_args(graph), cancel=cancel,
                       what=tr("Measuring the loudness of {name}").format(name=Path(path).name))
    return parse_ebur128_summary(lines)


def normalize_filter(measured: Loudness, target: float = -14.0, true_peak: float = -1.0):
    """ffmpeg-python filter arguments that bring ``measured`` to ``target`` LUFS.

    Returns ``None`` for silence (no gain can make it loud, and trying would
    only amplify noise).
    """
    if measured.silent:
        return None
    return {
        "I": f"{target:.1f}",
        "TP": f"{true_peak:.1f}",
        "LRA": f"{max(11.0, min(50.0, measured.lra + 1.0)):.1f}",
        "measured_I": f"{measured.integrated:.2f}",
        "measured_TP": f"{min(99.0, measured.true_peak):.2f}",
        "measured_LRA": f"{measured.lra:.2f}",
        "measured_thresh": f"{measured.threshold:.2f}",
        "linear": "true",
    }
