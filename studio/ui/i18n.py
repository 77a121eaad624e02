"""Choose the interface language and install Qt's translators for it.

The window's own strings come from resources/i18n/studio_<lang>.qm (Qt
Linguist), Qt's standard dialogs from Qt's qtbase_<lang>.qm, and messages of
the layers below (rules, errors, plans) from studio.i18n's catalogue.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

SUPPORTED = ("en", "fr")


def resolve(code: str | None) -> str:
    """'system' or None -> the system locale's language when supported, else English."""
    if code in SUPPORTED:
        return code
    system = QLocale.system().name().split("_")[0]
    return system if system in SUPPORTED else "en"


def install(app: QApplication, code: str | None) -> str:
    """Install translators for ``code`` (replacing earlier ones); returns the language used.

    Call it before building widgets: a widget takes its texts when it is made.
    Also makes the language's number format the default (QLocale), for spin boxes.
    """
    lang = resolve(code)
    for old in getattr(app, "_studio_translators", []):
        app.removeTranslator(old)
    app._studio_translators = []
    if not hasattr(app, "_studio_default_locale"):
        app._studio_default_locale = QLocale()
    system = QLocale.system()
    if lang == "en" or system.name().split("_")[0] == lang:
        QLocale.setDefault(app._studio_default_locale)
    else:
        QLocale.setDefault(QLocale(lang))
    try:
        from studio import i18n as core

        core.set_language(lang)
    except ImportError:  # pragma: no cover - the core catalogue is optional
        pass
    if lang == "en":
        return lang
    qm = resources.files("studio.resources") / "i18n" / f"studio_{lang}.qm"
    ours = QTranslator(app)
    data = qm.read_bytes() if qm.is_file() else b""
    if data and ours.load(data):
        ours._studio_data = data  # QTranslator reads the bytes in place: keep them alive
        app.installTranslator(ours)
        app._studio_translators.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        app._studio_translators.append(qt)
    return lang
