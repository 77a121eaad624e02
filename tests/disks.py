"""Real small and read-only disks for tests (a tmpfs, a read-only bind mount), and file
permissions that stop the code under test even when the tests run as root.

Mounting needs root (CI runs as root); where it is not permitted, the test is
skipped, saying why. As root, chmod stops nothing: an ordinary user is imitated
by a child process that drops root's override capabilities (CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH, CAP_FOWNER) from its bounding set before exec, as `setpriv`
does: it stays uid 0 (its Python under /root stays reachable) but a 0555 folder
stops it. Not root: the modes stop the child as they are.
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


_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER = 1, 2, 3
_PR_CAPBSET_DROP = 24


def _drop_root_override() -> None:  # runs in the child, before exec
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH, _CAP_FOWNER):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_as_ordinary_user(code: str, **env: str):
    """Run Python ``code`` in a child that file permissions apply to; its output."""
    import os
    import subprocess
    import sys

    root = os.geteuid() == 0 if hasattr(os, "geteuid") else False
    if root and not sys.platform.startswith("linux"):
        pytest.skip("imitating an ordinary user as root needs Linux capabilities")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env},
                          preexec_fn=_drop_root_override if root else None)  # fmt: skip
    return proc
