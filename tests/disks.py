"""Real small and read-only disks for tests: a tmpfs, or a read-only bind mount.

Mounting needs root (CI runs as root); where it is not permitted, the test is
skipped, saying why.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(args: list[str], where: Path) -> None:
    proc = subprocess.run(["mount", *args, str(where)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"mounting is not permitted here: {proc.stderr.strip()}")


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


@contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` (``"4m"``) mounted at ``where`` (made if needed)."""
    where.mkdir(parents=True, exist_ok=True)
    _mount(["-t", "tmpfs", "-o", f"size={size}", "tmpfs"], where)
    try:
        yield where
    finally:
        _umount(where)


def fill(disk: Path, leave: int = 0, chunk: int = 65536) -> Path:
    """Fill ``disk`` to the last byte, or but for about ``leave`` bytes; returns the file
    that fills it (delete it to free the space)."""
    junk = disk / "junk"
    with open(junk, "wb", buffering=0) as f:
        try:
            if leave:
                while shutil.disk_usage(disk).free > leave + 4096:
                    f.write(b"\0" * min(chunk, shutil.disk_usage(disk).free - leave - 4096))
            else:
                while True:
                    f.write(b"\0" * chunk)
        except OSError:
            pass  # full
    if not leave:  # what is left is smaller than a chunk: fill that too
        with open(junk, "ab", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 512)
            except OSError:
                pass
    return junk


@contextmanager
def read_only_view(folder: Path, where: Path) -> Iterator[Path]:
    """``folder`` seen read-only at ``where`` (a bind mount remounted read-only): even
    root cannot write there."""
    where.mkdir(parents=True, exist_ok=True)
    _mount(["--bind", str(folder)], where)
    try:
        remount = subprocess.run(["mount", "-o", "remount,ro,bind", str(where)],
                                 capture_output=True, text=True)  # fmt: skip
        if remount.returncode != 0:
            pytest.skip(f"a read-only remount is not permitted here: {remount.stderr.strip()}")
        yield where
    finally:
        _umount(where)
