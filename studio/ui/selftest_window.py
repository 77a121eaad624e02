"""The Qt half of ``studio self-test`` (studio/cli/selftest_commands.py): window, translations.

Each check returns one line of detail or raises. The QApplication made here
keeps its settings (QSettings) in the folder named by STUDIO_SELFTEST_SETTINGS,
never in the user's own. Runs on the GUI thread of the self-test's process.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings, QTimer, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

SETTINGS_ENV = "STUDIO_SELFTEST_SETTINGS"


def _isolate_settings() -> None:
    folder = os.environ.get(SETTINGS_ENV)
    if folder:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)


def _app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Series Studio")
        app.setOrganizationName("Series Studio")
        _isolate_settings()
    return app  # type: ignore[return-value]


def _process_events(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def check_french() -> str:
    """The window's French (studio_fr.qm) and Qt's own (qtbase_fr.qm) load."""
    from studio.ui import i18n

    app = _app()
    try:
        i18n.install(app, "fr")
        window = QCoreApplication.translate("MainWindow", "&File")
        if window != "&Fichier":
            raise RuntimeError(f"studio_fr.qm is not loaded ('&File' -> {window!r})")
        files = [Path(t.filePath()).name for t in getattr(app, "_studio_translators", [])]
        if "qtbase_fr.qm" not in files:
            raise RuntimeError(f"Qt's qtbase_fr.qm is not loaded (loaded: {files})")
    finally:
        i18n.install(app, "en")
    return f"window {window!r}, Qt's qtbase_fr.qm"


def check_window(library: Path, clip: Path | None) -> str:
    """Open the main window on a new library (with the clip as an episode), then close it."""
    from studio import actions
    from studio.app import AppContext
    from studio.ui.main_window import MainWindow

    _app()
    ctx = AppContext.open(library)
    try:
        if clip is not None:
            collection = ctx.library.create_collection("Self-test", "tiktok-series")
            actions.add_files(ctx.library, collection, [clip])
        started = time.perf_counter()
        window = MainWindow(ctx, use_multimedia=False)
        window.show()
        deadline = time.monotonic() + 30
        while not (window.windowHandle() and window.windowHandle().isExposed()):
            if time.monotonic() > deadline:
                raise RuntimeError("the window was never shown")
            _process_events(0.01)
        shown = time.perf_counter() - started
        _process_events(0.5)  # posters and checks load on workers meanwhile
        size = window.size()
        window.close()
        if window.isVisible():
            raise RuntimeError("the window did not close")
    finally:
        ctx.close()
    return (f"{size.width()}x{size.height()} on the {QGuiApplication.platformName()} platform, "
            f"built and shown in {shown:.2f} s, then closed")


def check_multimedia() -> str:
    """Qt Multimedia loads and has its FFmpeg backend (the plugin is in the installation)."""
    from studio.ui.player import Player

    _app()
    problem = Player.backend_problem()
    if problem:
        raise RuntimeError(problem)
    return f"Qt {qVersion()} Multimedia with a media backend and a video output"


def startup_child() -> int:
    """Start the app exactly as ``studio`` does, say when the main window is shown, quit.

    The library is STUDIO_LIBRARY; the parent process times this from its start.
    """
    from studio.cli.selftest_commands import STARTUP_MARK
    from studio.ui.main_window import MainWindow
    from studio.ui.run import run_gui

    app = _app()

    def shown() -> None:
        window = next((w for w in app.topLevelWidgets() if isinstance(w, MainWindow)), None)
        if window is None or window.windowHandle() is None \
                or not window.windowHandle().isExposed():  # fmt: skip
            QTimer.singleShot(5, shown)
            return
        print(STARTUP_MARK, flush=True)
        window.close()
        app.quit()

    QTimer.singleShot(0, shown)
    return run_gui()
