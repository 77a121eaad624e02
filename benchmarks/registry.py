"""Benchmark registry, result rows, the comparison table and the on-demand media cache.

A benchmark is a function returning :class:`Row` objects: one figure measured
for our code and for a baseline in the same run. Register it with
``@register("name", "what it measures")`` in a ``benchmarks/bench_*.py`` module.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import pkgutil
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import imageio_ffmpeg
import platformdirs


@dataclass(frozen=True)
class Row:
    """One figure: ours against the baseline (``None`` when there is no baseline)."""

    figure: str
    ours: float
    baseline: float | None
    unit: str  # "s", "ms", "count", ...
    better: Literal["lower", "higher"] = "lower"

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.ours / self.baseline  # type: ignore[operator]


@dataclass(frozen=True)
class Result:
    rows: list[Row]
    notes: list[str]


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    run: Callable[[], Result]


REGISTRY: dict[str, Benchmark] = {}


def register(name: str, description: str) -> Callable[[Callable[[], Result]], Callable[[], Result]]:
    def wrap(func: Callable[[], Result]) -> Callable[[], Result]:
        if name in REGISTRY:
            raise ValueError(f"benchmark {name!r} registered twice")
        REGISTRY[name] = Benchmark(name, description, func)
        return func

    return wrap


def discover() -> dict[str, Benchmark]:
    """Import every ``benchmarks.bench_*`` module so that its benchmarks register."""
    package = importlib.import_module("benchmarks")
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("bench_"):
            importlib.import_module(f"benchmarks.{module.name}")
    return REGISTRY


# numbers and table ----------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (pct in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    k = (len(ordered) - 1) * pct / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "count":
        return f"{value:g}"
    return f"{value:.3f} {unit}" if value < 10 else f"{value:.1f} {unit}"


def format_table(name: str, result: Result) -> str:
    header = ("figure", "ours", "baseline", "ratio ours/baseline")
    lines = []
    for row in result.rows:
        ratio = row.ratio
        if ratio is None:
            ratio_text = "-"
        else:
            ratio_text = f"{ratio:.3f}x ({row.better} is better)"
        lines.append((row.figure, _num(row.ours, row.unit), _num(row.baseline, row.unit),
                      ratio_text))
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(4)]
    out = [f"== {name}"]
    for i, cells in enumerate([header, *lines]):
        out.append("  ".join(c.ljust(w) if j == 0 else c.rjust(w)
                             for j, (c, w) in enumerate(zip(cells, widths, strict=True))))
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    out.extend(f"  {note}" for note in result.notes)
    return "\n".join(out)


# media cache ---------------------------------------------------------------------------


def ffmpeg_exe() -> str:
    return imageio_ffmpeg.get_ffmpeg_exe()


def cache_dir() -> Path:
    """Where benchmark media lives (outside the repo); ``$STUDIO_BENCH_CACHE`` overrides."""
    folder = os.environ.get("STUDIO_BENCH_CACHE") or platformdirs.user_cache_dir(
        "series-studio-bench"
    )
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def media_folder(name: str, recipe: object) -> Path:
    """A cache folder for one media set, keyed by a hash of its recipe (any JSON value)."""
    key = json.dumps({"recipe": recipe, "ffmpeg": Path(ffmpeg_exe()).name}, sort_keys=True)
    folder = cache_dir() / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
