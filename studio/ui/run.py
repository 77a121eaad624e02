"""Start the Qt application and the main window."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from studio import __version__
from studio.app import AppContext
from studio.domain.errors import UserError


def run_gui(library_path: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Series Studio")
    app.setOrganizationName("Series Studio")  # QSettings are read under these names
    app.setApplicationVersion(__version__)
    from studio.ui import i18n
    from studio.ui.settings import THEMES, apply_theme, prefs

    # Before anything is built or said: widgets and messages take their texts when made.
    settings = prefs()
    i18n.install(app, str(settings.value("ui/language", "system") or "system"))
    theme = str(settings.value("ui/theme", "system") or "system")
    apply_theme(app, theme if theme in THEMES else "system")
    # --library and STUDIO_LIBRARY win; then the library chosen in Settings.
    import os

    from studio.app import LIBRARY_ENV
    from studio.ui.settings import library_path_setting

    if library_path is None and not os.environ.get(LIBRARY_ENV):
        library_path = library_path_setting()
    try:
        ctx = AppContext.open(library_path)
    except UserError as exc:
        QMessageBox.critical(None, "Series Studio", str(exc))
        return 2
    from studio.ui.main_window import MainWindow

    window = MainWindow(ctx)
    window.show()
    try:
        return app.exec()
    finally:
        ctx.close()
