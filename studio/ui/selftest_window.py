"""The Qt half of ``studio self-test`` (studio/cli/selftest_commands.py): window, translations.

Each check returns one line of detail or raises. The QApplication made here
keeps its settings (QSettings) in the folder named by STUDIO_SELFTEST_SETTINGS,
never in the user's own. Runs on the GUI thread of the self-test's process.

Qt's own messages (the offscreen platform's "does not support propagateSizeHints()",
Qt Multimedia's "Couldn't load pipewire-0.3 library" and its FFmpeg version line)
are not the self-test's: while a check runs they are collected instead of going
to stderr, and shown only when that check fails, as notes of its error (the
self-test prints them under the check's FAIL line).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QSettings,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
    qVersion,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

SETTINGS_ENV = "STUDIO_SELFTEST_SETTINGS"
T = TypeVar("T")
P = ParamSpec("P")


@contextmanager
def qt_messages() -> Iterator[list[str]]:
    """Collect Qt's messages (not its debug ones) instead of printing them; when the
    block raises, add them to the error as notes. A fatal message is printed at once:
    Qt aborts the process after it. Qt may call the handler from any of its threads
    (list.append is atomic); once the block is left, the previous handler is back."""
    seen: list[str] = []

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if kind == QtMsgType.QtFatalMsg:
            print(message, file=sys.stderr, flush=True)
        elif kind != QtMsgType.QtDebugMsg:
            category = context.category or "qt"
            seen.append(message if category == "default" else f"{category}: {message}")

    previous = qInstallMessageHandler(handler)
    try:
        yield seen
    except Exception as exc:
        for line in seen:
            exc.add_note(line)
        raise
    finally:
        qInstallMessageHandler(previous)


def _quiet(check: Callable[P, T]) -> Callable[P, T]:
    """Run ``check`` inside :func:`qt_messages`."""

    @wraps(check)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        with qt_messages():
            return check(*args, **kwargs)

    return run


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


@_quiet
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


@_quiet
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


@_quiet
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
