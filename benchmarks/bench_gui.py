"""GUI responsiveness: importing 80 clips and opening an 80-episode collection.

Each figure is measured against a baseline in the same run:
- the longest gap between event-loop ticks while 80 clips import, against the
  longest gap of the same window idle for as long (the event loop's own jitter);
- the import's wall time in the window, against `studio add` of the same files;
- opening an 80-episode collection with its posters cached, against opening it
  with a cold cache (posters decoded from the media).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_probe import prepare_media
from benchmarks.registry import Result, Row, register

TICK_MS = 5


def _app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


class _Ticks:
    """Records the longest gap between ticks of a fast QTimer (the GUI's responsiveness)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.longest


def _spin(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)


@register("gui", "the window while importing 80 clips, and opening an 80-episode collection")
def run() -> Result:
    clips = prepare_media()
    app = _app()
    work = Path(tempfile.mkdtemp(prefix="studio-bench-gui-"))
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    os.environ["STUDIO_CACHE_DIR"] = str(work / "cache")
    from studio.app import AppContext
    from studio.ui.main_window import MainWindow

    ctx = AppContext.open(work / "library.sqlite")
    w = MainWindow(ctx, use_multimedia=False)
    w.resize(1400, 900)
    w.show()
    c = w.controller.new_collection("Benchmark")
    ticks = _Ticks()
    done = {"finished": False}
    w.controller.importFinished.connect(lambda *_: done.update(finished=True))
    ticks.start()
    t0 = time.perf_counter()
    w.import_paths([str(p) for p in clips])
    while not done["finished"]:
        app.processEvents()
        time.sleep(0.001)
    gui_import = time.perf_counter() - t0
    gap_import = ticks.stop()
    _spin(app, 1.0)  # let posters settle
    ticks.start()
    _spin(app, min(gui_import, 5.0))
    gap_idle = ticks.stop()
    episodes = ctx.library.episode_count(c.id)

    cli_lib = work / "cli.sqlite"
    env = dict(os.environ, STUDIO_LIBRARY=str(cli_lib))
    subprocess.run([sys.executable, "-m", "studio", "new", "B"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "studio", "add", "B", *map(str, clips)], env=env,
                   check=True, capture_output=True)  # fmt: skip
    cli_import = time.perf_counter() - t0

    def open_until_posters(clear_cache: bool) -> float:
        if clear_cache:
            w.loader.cache.clear()
        w.controller.open_collection(None)
        _spin(app, 0.2)
        shown = {"n": 0}

        def count(*_):
            shown["n"] += 1

        w.loader.posterReady.connect(count)
        start = time.perf_counter()
        w.controller.open_collection(c.id)
        while shown["n"] < episodes:
            app.processEvents()
            time.sleep(0.0005)
        took = time.perf_counter() - start
        w.loader.posterReady.disconnect(count)
        return took

    cold = open_until_posters(clear_cache=True)
    warm = min(open_until_posters(clear_cache=False) for _ in range(3))
    w.close()
    ctx.close()
    rows = [
        Row("longest event-loop gap while importing 80 clips (target < 100 ms) vs idle",
            gap_import * 1000, gap_idle * 1000, "ms"),
        Row("import of 80 clips: in the window vs `studio add`", gui_import, cli_import, "s"),
        Row("open an 80-episode collection until every poster shows, cached (target < 500 ms)"
            " vs cold cache", warm * 1000, cold * 1000, "ms"),
    ]  # fmt: skip
    notes = [f"{episodes} episodes imported; media: {clips[0].parent}",
             f"targets: gap < 100 ms: {'MET' if gap_import < 0.1 else 'NOT MET'}; "
             f"open < 500 ms: {'MET' if warm < 0.5 else 'NOT MET'}"]  # fmt: skip
    return Result(rows, notes)
