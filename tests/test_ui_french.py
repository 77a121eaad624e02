"""The window in French: real widgets on a real library, every visible text translated.

A text counts as untranslated when, once its data (titles, file names, numbers,
timecodes, punctuation, markup) is taken out, it is an English source text of
resources/i18n/studio_fr.ts (the window) or fr.po (the layers below) whose French
translation says something else. Other tests read English: the ``french`` fixture
puts English back however a test ends.

Set STUDIO_SCREENSHOTS=/some/folder to save the French window and export dialog
there (fr_main.png, fr_export.png) at 1280x800, to look at them.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import string
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QPoint, QSettings, Qt, QTranslator
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QTreeWidget,
    QWidget,
)

from studio import actions
from studio import i18n as core
from studio.app import AppContext
from studio.ui import i18n as ui_i18n

pytestmark = pytest.mark.usefixtures("qapp")

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "i18n" / "studio_fr.ts"
QM = TS.with_suffix(".qm")
PO = ROOT / "resources" / "i18n" / "fr.po"
NB = "\u00a0"


# -- the catalogues ---------------------------------------------------------------------


def ts_messages() -> list[dict]:
    out = []
    for context in ET.parse(TS).getroot().iter("context"):
        for m in context.iter("message"):
            t = m.find("translation")
            out.append({"context": context.findtext("name"), "source": m.findtext("source"),
                        "comment": m.findtext("comment") or "", "translation": t.text or "",
                        "type": t.get("type", "")})
    return out


def english_french_pairs() -> list[tuple[str, str]]:
    """(English source, French translation) of the window's and the core's catalogues."""
    pairs = [(m["source"], m["translation"]) for m in ts_messages()
             if m["type"] not in ("vanished", "obsolete")]
    for e in core.parse_po(PO.read_text(encoding="utf-8"), "fr.po"):
        if not e.msgid:
            continue
        if e.msgid_plural is None:
            pairs.append((e.msgid, e.msgstr))
        else:
            forms = [e.msgstr_plural[i] for i in sorted(e.msgstr_plural)]
            pairs += [(e.msgid, forms[0]), (e.msgid_plural, forms[-1])]
    return pairs


_TAG = re.compile(r"<[^>]+>")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_WORD = re.compile(r"[^\W\d_]+")


def normalise(text: str, data: tuple[str, ...] = ()) -> str:
    """The words of ``text`` without markup, mnemonics, data, numbers and punctuation."""
    text = _TAG.sub(" ", text).replace("&", "")
    for d in data:
        text = text.replace(d, " ")
    text = _PLACEHOLDER.sub(" ", text)
    return " ".join(w.casefold() for w in _WORD.findall(text))


class Untranslated(dict):
    """Normalised English texts whose French differs -> the English source; ``templates``
    holds those with placeholders as patterns, for texts whose values are words too
    ("{episode} lasts {duration}..." with "Episode 2 'Market'" in it)."""

    templates: list[tuple[re.Pattern, str]]


@pytest.fixture(scope="module")
def untranslated() -> Untranslated:
    out = Untranslated()
    out.templates = []
    for en, fr in english_french_pairs():
        key = normalise(en)
        if not key or key == normalise(fr):
            continue
        out.setdefault(key, en)
        if _PLACEHOLDER.search(en) and len(key.split()) >= 3:
            pattern = ".+?".join(re.escape(part) for part in _PLACEHOLDER.split(en))
            out.templates.append((re.compile(pattern, re.S), en))
    return out


# -- collecting what the widgets show ---------------------------------------------------


def widget_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every text a person can see or hear in ``root`` and its children."""
    out: list[tuple[str, str]] = []

    def add(where: str, text: str | None) -> None:
        if text:
            out.append((where, text))

    for w in [root, *root.findChildren(QWidget)]:
        name = f"{type(w).__name__}({w.objectName() or w.accessibleName() or '?'})"
        if w.isWindow() or isinstance(w, QDockWidget):
            add(f"{name}.windowTitle", w.windowTitle())
        add(f"{name}.toolTip", w.toolTip())
        add(f"{name}.statusTip", w.statusTip())
        add(f"{name}.whatsThis", w.whatsThis())
        add(f"{name}.accessibleName", w.accessibleName())
        add(f"{name}.accessibleDescription", w.accessibleDescription())
        if isinstance(w, QLabel):
            add(f"{name}.text", w.text())
        if isinstance(w, QAbstractButton):
            add(f"{name}.text", w.text())
        if isinstance(w, QLineEdit | QPlainTextEdit):
            add(f"{name}.placeholderText", w.placeholderText())
        if isinstance(w, QLineEdit):
            add(f"{name}.text", w.text())
        if isinstance(w, QGroupBox):
            add(f"{name}.title", w.title())
        if isinstance(w, QMenu):
            add(f"{name}.title", w.title())
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                add(f"{name}.tabText[{i}]", w.tabText(i))
                add(f"{name}.tabToolTip[{i}]", w.tabToolTip(i))
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                add(f"{name}.item[{i}]", w.itemText(i))
        if isinstance(w, QAbstractSpinBox):
            add(f"{name}.specialValueText", w.specialValueText())
        if isinstance(w, QSpinBox | QDoubleSpinBox):
            add(f"{name}.prefix", w.prefix())
            add(f"{name}.suffix", w.suffix())
        if isinstance(w, QProgressBar):
            add(f"{name}.format", w.format())
        if isinstance(w, QTreeWidget):
            header = w.headerItem()
            for c in range(w.columnCount()):
                add(f"{name}.header[{c}]", header.text(c))
            for r in range(w.topLevelItemCount()):
                item = w.topLevelItem(r)
                for c in range(w.columnCount()):
                    add(f"{name}.item[{r},{c}]", item.text(c))
                    add(f"{name}.item[{r},{c}].toolTip", item.toolTip(c))
        elif isinstance(w, QTableWidget):
            for c in range(w.columnCount()):
                head = w.horizontalHeaderItem(c)
                add(f"{name}.header[{c}]", head.text() if head else "")
            for r in range(w.rowCount()):
                for c in range(w.columnCount()):
                    item = w.item(r, c)
                    if item is not None:
                        add(f"{name}.item[{r},{c}]", item.text())
                        add(f"{name}.item[{r},{c}].toolTip", item.toolTip())
        elif isinstance(w, QListWidget):
            for r in range(w.count()):
                add(f"{name}.item[{r}]", w.item(r).text())
                add(f"{name}.item[{r}].toolTip", w.item(r).toolTip())
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for r in range(model.rowCount()):
                index = model.index(r, 0)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                             Qt.ItemDataRole.AccessibleTextRole):
                    value = model.data(index, role)
                    if isinstance(value, str):
                        add(f"{name}.row[{r}].{role.name}", value)
    for a in root.findChildren(QAction):
        name = f"QAction({a.text() or a.objectName() or '?'})"
        add(f"{name}.text", a.text())
        add(f"{name}.toolTip", a.toolTip())
        add(f"{name}.statusTip", a.statusTip())
        add(f"{name}.iconText", a.iconText())
        if a.menu() is not None:
            add(f"{name}.menu.title", a.menu().title())
    return out


def offenders(texts: list[tuple[str, str]], untranslated: Untranslated,
              data: tuple[str, ...]) -> list[str]:
    """The texts (whole, or one of their lines) that are an English source left as is."""
    data = tuple(sorted({d for d in data if d}, key=len, reverse=True))
    found = []
    for where, text in texts:
        for part in {text, *text.splitlines()}:
            key = normalise(part, data)
            if key in untranslated:
                found.append(f"{where}: {part!r} (source {untranslated[key]!r})")
                continue
            plain = _TAG.sub("", part)
            for pattern, source in untranslated.templates:
                if pattern.fullmatch(plain):
                    found.append(f"{where}: {part!r} (source {source!r})")
                    break
    return sorted(set(found))


# -- the fixtures -----------------------------------------------------------------------


@pytest.fixture
def french(qapp):
    """French for one test; English again afterwards (translators gone), whatever happens."""
    assert ui_i18n.install(qapp, "fr") == "fr"
    try:
        yield qapp
    finally:
        ui_i18n.install(qapp, "en")
        core.set_language("en")
        for t in getattr(qapp, "_studio_translators", []):
            qapp.removeTranslator(t)
        qapp._studio_translators = []
        assert QCoreApplication.translate("MainWindow", "&File") == "&File"
        assert core.language() == "en"


@pytest.fixture
def library(tmp_path, clip_vertical, clip_long):
    """A real library: one collection with a vertical clip and a clip too long for it."""
    ctx = AppContext.open(tmp_path / "library.sqlite")
    lib = ctx.library
    collection = lib.create_collection("Cuisine de rue")
    vertical, long = tmp_path / "tournage-vertical.mp4", tmp_path / "prise-longue.mp4"
    shutil.copy(clip_vertical, vertical)
    shutil.copy(clip_long, long)
    results = actions.add_files(lib, collection, [vertical, long])
    assert all(r.ok for r in results)
    yield ctx
    ctx.close()


def data_of(ctx: AppContext, tmp_path: Path) -> tuple[str, ...]:
    """The creator's data a text may quote: titles, file names and paths."""
    out = [str(tmp_path), str(ctx.library_path)]
    for c in ctx.library.collections():
        out.append(c.title)
        for e in ctx.library.episodes(c.id):
            media = ctx.library.media(e.media_fingerprint)
            out += [e.title, media.path, Path(media.path).name, Path(media.path).stem]
    return tuple(out)


def screenshot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("STUDIO_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / name))


# -- the window in French ---------------------------------------------------------------


def test_the_window_and_the_export_dialog_speak_french(french, qtbot, library, tmp_path,
                                                       untranslated):
    from studio.ui.export_dialog import ExportDialog
    from studio.ui.help import ShortcutsDialog, about_text
    from studio.ui.main_window import MainWindow
    from studio.ui.settings import SettingsDialog

    w = MainWindow(library, use_multimedia=False)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    view = w.controller.view
    assert view is not None and len(view.episodes) == 2  # opened at start: checks ran then
    qtbot.waitUntil(lambda: w.checks.tree.topLevelItemCount() > 0)
    vertical = view.episodes[0]

    # the collection page (no episode selected), then an episode
    assert w.inspector.currentWidget() is w.inspector.collection_page
    screenshot(w, "fr_collection.png")
    w.episodes.select_id(vertical.id)
    assert w.inspector.currentWidget() is w.inspector.episode_page
    qtbot.waitUntil(lambda: w.player.displayed_image() is not None, timeout=20_000)
    qtbot.waitUntil(lambda: not w.tasks.tasks(), timeout=60_000)
    screenshot(w, "fr_main.png")

    texts = widget_texts(w)
    texts += [("timeline.tip(in)", w.timeline._handle_tip("in")),
              ("timeline.tip(out)", w.timeline._handle_tip("out")),
              ("timeline.tip", w.timeline._tip(QPoint(w.timeline.width() // 2, 5))),
              ("statusBar", w.statusBar().currentMessage()),
              ("about", about_text())]

    dialog = ExportDialog(w.controller, w)
    qtbot.addWidget(dialog)
    dialog.resize(1280, 800)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=60_000)
    screenshot(dialog, "fr_export.png")
    texts += widget_texts(dialog)
    shortcuts = ShortcutsDialog(w)
    qtbot.addWidget(shortcuts)
    texts += widget_texts(shortcuts)
    settings = SettingsDialog(0, w)
    qtbot.addWidget(settings)
    texts += widget_texts(settings)

    bad = offenders(texts, untranslated, data_of(library, tmp_path))
    assert not bad, f"{len(bad)} English text(s) in the French window:\n" + "\n".join(bad)

    # a few exact texts
    menus = [a.text() for a in w.menuBar().actions()]
    assert menus == ["&Fichier", "&Édition", "&Lecture", "&Affichage", "Aid&e"]
    assert w.import_action.text() == "&Importer des clips…"
    assert w.undo_action.text() == "&Annuler"
    assert w.checks_dock.windowTitle() == "Vérifications"
    assert w.library_dock.windowTitle() == "Bibliothèque"
    summary = w.checks.status.text()
    assert "à corriger" in summary, summary
    assert "à corriger" in w.ready.text()
    messages = [w.checks.tree.topLevelItem(i).text(2)
                for i in range(w.checks.tree.topLevelItemCount())]
    assert any(m == "La collection n’a pas de prix." for m in messages), messages
    assert any(re.search(r"dure .* après découpe\u00a0; la limite est de", m)
               for m in messages), messages
    severities = {w.checks.tree.topLevelItem(i).text(0)
                  for i in range(w.checks.tree.topLevelItemCount())}
    assert severities <= {"Erreur", "Avertissement"} and "Erreur" in severities
    assert w.inspector.episode_page.heading.text() == "Épisode 1"
    assert "i/s" in w.inspector.episode_page.facts.text()
    assert w.inspector.collection_page.price.placeholderText() == f"ex.{NB}: 4,99"
    assert dialog.windowTitle() == f"Exporter «{NB}Cuisine de rue{NB}»"
    strategies = {"Copie directe", "Coupe intelligente", "Réencodage"}
    for row in range(dialog.table.rowCount()):
        assert dialog.table.item(row, 2).text() in strategies
        reason = dialog.table.item(row, 3).text()
        assert normalise(reason) not in untranslated and reason, reason
    assert dialog.estimate.text().startswith(f"Durée estimée{NB}:")
    assert dialog.lufs.text().startswith("-14,0")  # French decimal mark in the spin box

    # an edit's undo text, and the rules re-run in French after it
    w.controller.set_episode_title(vertical.id, "Le marché")
    assert w.undo_action.text() == "&Annuler le renommage de l’épisode 1"
    assert "à corriger" in w.checks.status.text()
    dialog.close()
    w.close()


def test_the_publish_dialog_says_the_platform_s_state_in_french(french, qtbot, library):
    """QA: "Publiée : identifiant distant …, état ready." (the state was not translated)."""
    from types import SimpleNamespace

    from studio.ui.main_window import MainWindow
    from studio.ui.publish_dialog import PublishDialog

    w = MainWindow(library, use_multimedia=False)
    qtbot.addWidget(w)
    dialog = PublishDialog(w)
    qtbot.addWidget(dialog)
    dialog._done(SimpleNamespace(remote_id="c-42", status="ready"))
    assert dialog.status.text() == f"Publiée{NB}: identifiant distant c-42, état prête."
    dialog.close()
    w.close()


def test_sizes_in_the_window_read_like_6_7_mo_in_french(french, qtbot, library):
    """QA: the episode's facts said "6.7 MB" in French; it is "6,7 Mo" (no-break space)."""
    from studio.ui.main_window import MainWindow
    from studio.ui.publish_dialog import _speed
    from studio.ui.settings import SettingsDialog

    w = MainWindow(library, use_multimedia=False)
    qtbot.addWidget(w)
    w.episodes.select_id(w.controller.view.episodes[0].id)
    last_line = w.inspector.episode_page.facts.text().splitlines()[-1]
    assert re.fullmatch(rf"\d+:\d\d, \d+,\d{NB}(Ko|Mo)", last_line), last_line
    settings = SettingsDialog(6_700_000, w)
    qtbot.addWidget(settings)
    assert settings.cache_used.text() == f"Espace occupé{NB}: 6,7{NB}Mo"
    assert settings.cache_limit.text().endswith(f"{NB}Mo")
    assert _speed(2_500_000) == f"2,5{NB}Mo/s"
    settings.close()
    w.close()


@pytest.mark.parametrize("state", ["ready", "processing", "rejected", "damaged", "missing"])
def test_the_window_and_the_command_say_a_collection_s_state_alike(french, qtbot, library,
                                                                   state):
    """QA: a published collection was "prête" in the window but "prêt" in the command."""
    from types import SimpleNamespace

    from studio.cli.sync_commands import status_word
    from studio.ui.main_window import MainWindow
    from studio.ui.publish_dialog import PublishDialog

    w = MainWindow(library, use_multimedia=False)
    qtbot.addWidget(w)
    dialog = PublishDialog(w)
    qtbot.addWidget(dialog)
    dialog._done(SimpleNamespace(remote_id="c-42", status=state))
    said = re.fullmatch(f"Publiée{NB}: identifiant distant c-42, état (.+)\\.",
                        dialog.status.text())
    assert said, dialog.status.text()
    assert said.group(1) == status_word(state)
    feminine = {"ready": "prête", "rejected": "refusée", "damaged": "endommagée",
                "missing": "manquante"}  # une collection
    if state in feminine:
        assert status_word(state) == feminine[state]
    dialog.close()
    w.close()


def test_the_archive_table_of_the_command_says_what_the_window_says(french):
    """The command's import table said "ajouté, prêt, manquant" of videos that the window
    (and the command's own summary) calls "ajoutées, prêtes"."""
    from studio.cli.archive_commands import _STATUS

    words = {k: core.tr(v) for k, v in _STATUS.items()}
    assert words["ready"] == "prête"
    assert QCoreApplication.translate("ArchiveImportDialog", "1 video ready to import") \
        .startswith("Vidéo prête")
    summary = QCoreApplication.translate(
        "ArchiveImportDialog", "Archive imported: {0} added, {1} skipped, {2} failed.")
    assert f"{{0}} {words['added']}s, {{1}} {words['skipped']}s, {{2}} {words['failed']}" \
        in summary, (words, summary)
    assert (words["ambiguous"], words["missing"]) == ("ambiguë", "manquante")


def test_the_window_is_english_again_after_french(qtbot, library):
    """What the fixture promises: no French left for the tests that read English."""
    from studio.ui.main_window import MainWindow

    assert QCoreApplication.translate("MainWindow", "&File") == "&File"
    w = MainWindow(library, use_multimedia=False)
    qtbot.addWidget(w)
    assert w.menuBar().actions()[0].text() == "&File"
    assert "to fix" in w.checks.status.text()
    w.close()


def test_run_gui_installs_the_saved_language_and_theme_first(qapp, monkeypatch, tmp_path):
    import studio.ui.main_window as main_window
    import studio.ui.settings as settings_module
    from studio.ui.run import run_gui

    seen = {}

    class FakeWindow:
        def __init__(self, ctx) -> None:
            seen["language"] = core.language()
            seen["file"] = QCoreApplication.translate("MainWindow", "&File")
            seen["rule"] = core.tr("Ready to publish")

        def show(self) -> None:
            pass

    names = qapp.applicationName(), qapp.organizationName()
    monkeypatch.setattr(main_window, "MainWindow", FakeWindow)
    monkeypatch.setattr(settings_module, "apply_theme",
                        lambda app, theme: seen.setdefault("theme", (theme, "language" in seen)))
    monkeypatch.setattr(type(qapp), "exec", lambda self: 0)
    try:
        qapp.setApplicationName("Series Studio")
        qapp.setOrganizationName("Series Studio")
        QSettings().setValue("ui/language", "fr")
        QSettings().setValue("ui/theme", "dark")
        assert run_gui(str(tmp_path / "library.sqlite")) == 0
    finally:
        QSettings().remove("ui/language")
        QSettings().remove("ui/theme")
        ui_i18n.install(qapp, "en")
        qapp.setApplicationName(names[0])
        qapp.setOrganizationName(names[1])
    assert seen == {"language": "fr", "file": "&Fichier", "rule": "Prêt à publier",
                    "theme": ("dark", False)}
    assert core.language() == "en"
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"


def test_install_follows_the_setting_and_english_removes_everything(qapp):
    try:
        assert ui_i18n.install(qapp, "fr") == "fr"
        assert core.language() == "fr"
        assert QLocale().language() == QLocale.Language.French
        assert QCoreApplication.translate("QShortcut", "Space") == "Espace"  # Qt's own
        assert ui_i18n.install(qapp, "de") in ("en", "fr")  # unsupported: the system's
    finally:
        assert ui_i18n.install(qapp, "en") == "en"
    assert qapp._studio_translators == [] and core.language() == "en"
    assert QCoreApplication.translate("MainWindow", "&File") == "&File"


# -- the catalogue ----------------------------------------------------------------------


def _fields(text: str) -> list[str]:
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)


def test_every_text_of_the_window_is_translated():
    messages = [m for m in ts_messages() if m["type"] not in ("vanished", "obsolete")]
    assert len(messages) > 250
    problems = []
    for m in messages:
        where = f"[{m['context']}] {m['source']!r}"
        fr = m["translation"]
        if m["type"] == "unfinished" or not fr.strip():
            problems.append(f"{where}: not translated")
            continue
        if _fields(fr) != _fields(m["source"]):
            problems.append(f"{where}: placeholders differ in {fr!r}")
        if m["source"].count("&") != fr.count("&"):
            problems.append(f"{where}: the mnemonic (&) is lost in {fr!r}")
        if re.search(r" [:;?!]|« | »", fr):
            problems.append(f"{where}: a plain space where a no-break one goes: {fr!r}")
        if "'" in fr:
            problems.append(f"{where}: a straight apostrophe (’ is the French one): {fr!r}")
    assert not problems, "\n".join(problems)


def test_the_compiled_qm_matches_the_ts():
    translator = QTranslator()
    assert translator.load(str(QM))
    stale = [f"[{m['context']}] {m['source']!r}" for m in ts_messages()
             if m["type"] not in ("vanished", "obsolete")
             and translator.translate(m["context"], m["source"], m["comment"] or None)
             != m["translation"]]
    assert not stale, "run tools/ui_translations.py --release:\n" + "\n".join(stale)


@pytest.mark.skipif(shutil.which("pyside6-lupdate") is None, reason="needs pyside6-lupdate")
def test_the_ts_holds_every_text_of_the_code():
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "ui_translations.py"), "--check"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_window_code_only_translates_texts_lupdate_can_find():
    """lupdate reads literal texts in self.tr() and QCoreApplication.translate() only."""
    problems = []
    for path in sorted((ROOT / "studio" / "ui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            where = f"{path.name}:{node.lineno}: {ast.unparse(node)[:80]}"
            literal = [isinstance(a, ast.Constant) and isinstance(a.value, str)
                       for a in node.args]
            if name == "tr":
                if not (literal and literal[0]):
                    problems.append(f"{where}: tr() of a text that is not a literal")
                if isinstance(f, ast.Attribute) and not (
                        isinstance(f.value, ast.Name) and f.value.id == "self"):
                    problems.append(f"{where}: tr() on another object files the text under "
                                    "that variable's name; use QCoreApplication.translate")
            elif name == "translate" and not (len(literal) >= 2 and all(literal[:2])):
                problems.append(f"{where}: translate() needs a literal context and text")
            elif isinstance(f, ast.Name) and f.id in ("_tr", "t", "_"):
                problems.append(f"{where}: lupdate does not see calls through an alias")
    assert not problems, "\n".join(problems)
