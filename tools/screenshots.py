"""Make the README's screenshots: the app on the demo collection, light and dark.

    python tools/screenshots.py [--size 1280x800] [--out docs/screenshots]

Runs offscreen (no display needed). The player uses its frame preview here,
because a real video surface does not show in a widget grab.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="1280x800")
    default_out = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    ap.add_argument("--out", default=str(default_out))
    ap.add_argument("--themes", default="light,dark")
    ap.add_argument("--suffix", default="")
    args = ap.parse_args()
    width, height = map(int, args.size.split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="studio-shots-"))
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    os.environ["STUDIO_CACHE_DIR"] = str(work / "cache")

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from studio import actions
    from studio.app import AppContext
    from studio.demo import create_demo
    from studio.ui.export_dialog import ExportDialog
    from studio.ui.main_window import MainWindow
    from studio.ui.settings import apply_theme

    app = QApplication(sys.argv)
    app.setOrganizationName("Series Studio")
    app.setApplicationName("Series Studio")
    ctx = AppContext.open(work / "library.sqlite")
    demo = create_demo(ctx, episodes=5)
    eps = ctx.library.episodes(demo.id)
    actions.trim_episode(ctx.library, eps[1], "1.3", "33")
    actions.trim_episode(ctx.library, eps[2], None, "27")

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    for theme in args.themes.split(","):
        apply_theme(app, theme)
        w = MainWindow(ctx, use_multimedia=False)
        w.resize(width, height)
        w.show()
        w.controller.open_collection(demo.id)
        wait(300)
        w.episodes.select_id(w.controller.view.episodes[1].id)
        wait(2500)
        w.player.seek(6_000_000)
        wait(800)
        tag = f"{theme}{args.suffix}"
        w.grab().save(str(out / f"main-{tag}.png"))
        w.timeline.grab().save(str(out / f"timeline-{tag}.png"))
        w.checks_dock.grab().save(str(out / f"checks-{tag}.png"))
        dialog = ExportDialog(w.controller, w)
        dialog.show()
        wait(2500)
        dialog.grab().save(str(out / f"export-{tag}.png"))
        dialog.close()
        w.close()
        print(f"saved {theme} screenshots to {out}")
    ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
