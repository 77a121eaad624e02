"""File sizes and transfer speeds as the creator reads them, in the current language.

The one place sizes are written for people, by the window and the ``studio``
command alike: ``6.7 MB`` in English, ``6,7 Mo`` in French (decimal comma, a
no-break space before the unit, octets: Ko/Mo/Go). Decimal units (1 kB = 1000
bytes), as file managers and upload services count them. Pure Python, no Qt;
safe on any thread (it only reads the current language, see :mod:`studio.i18n`).
"""

from __future__ import annotations

from studio.i18n import N_, decimal, ntr, tr

__all__ = ["format_size", "format_speed", "unit_suffix"]

# Each unit is its own message, so that a translation chooses the unit's name and
# the space before it (French: "{size}\u00a0Mo").
_UNITS = {"kB": N_("{size} kB"), "MB": N_("{size} MB"), "GB": N_("{size} GB"),
          "TB": N_("{size} TB")}


def format_size(n_bytes: float) -> str:
    """``n_bytes`` in the largest unit that keeps it below 1000, with one decimal.

    ``512 bytes``, ``6.7 MB``, ``1.2 GB``; in French ``6,7 Mo``.
    """
    if abs(n_bytes) < 1000:
        n = int(n_bytes)
        return ntr("{n} byte", "{n} bytes", n).format(n=n)
    value = float(n_bytes)
    *smaller, largest = _UNITS.values()
    for unit in smaller:
        value /= 1000
        if abs(value) < 999.95:  # 999.96 kB would read "1000.0 kB": say 1.0 MB
            return tr(unit).format(size=decimal(f"{value:.1f}"))
    return tr(largest).format(size=decimal(f"{value / 1000:.1f}"))


def format_speed(bytes_per_second: float) -> str:
    """A transfer speed: ``6.7 MB/s`` (French ``6,7 Mo/s``)."""
    return tr("{size}/s").format(size=format_size(bytes_per_second))


def unit_suffix(unit: str) -> str:
    """What follows the number for ``unit`` ("kB", "MB", "GB" or "TB"): ``" MB"``, in
    French ``"\u00a0Mo"``; for a spin box that counts in that unit."""
    return tr(_UNITS[unit]).split("{size}", 1)[1]
