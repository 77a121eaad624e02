"""The Qt binding itself must not corrupt the interpreter: PySide6 6.12.0 dropped a
reference to True at every Signal.emit(), so a player sending 30 positions a second
crashed the app after a couple of minutes (and at every exit). The project pins a
release without that bug; this test fails if one comes back."""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal(int)


def test_emitting_signals_leaves_the_interpreter_intact(qapp):
    emitter = _Emitter()
    seen = []
    emitter.changed.connect(seen.append)
    gc.collect()
    before = sys.getrefcount(True)
    for i in range(2000):
        emitter.changed.emit(i)
    gc.collect()
    assert len(seen) == 2000
    assert sys.getrefcount(True) >= before - 10  # unchanged, give or take other threads
