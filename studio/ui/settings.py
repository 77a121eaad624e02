"""App preferences (QSettings) and the Settings dialog: library, cache, render defaults,
language and theme."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.app import default_library_path
from studio.domain.sizes import format_size, unit_suffix
from studio.ui import file_dialogs

LANGUAGES = {"system": "System", "en": "English", "fr": "Français"}
THEMES = ["system", "light", "dark"]


def reframe_combo(saved: object) -> QComboBox:
    """The "landscape clips" choice of the Export dialog and of Settings, on ``saved``."""
    t = QCoreApplication
    combo = QComboBox()
    for key, text in (("none", t.translate("RenderChoices", "Keep as is")),
                      ("pad_blur", t.translate("RenderChoices", "Blurred background")),
                      ("center_crop", t.translate("RenderChoices", "Centre crop")),
                      ("follow_faces", t.translate("RenderChoices", "Follow faces"))):
        combo.addItem(text, key)
    combo.setCurrentIndex(max(0, combo.findData(saved)))  # an unknown value: keep as is
    return combo


def prefs() -> QSettings:
    return QSettings()


def library_path_setting() -> str | None:
    value = prefs().value("library/path", "")
    return str(value) if value else None


def apply_theme(app: QApplication, theme: str) -> None:
    """Fusion with a light or dark palette; 'system' keeps the platform's look."""
    if not hasattr(app, "_studio_default_palette"):
        app._studio_default_palette = QPalette(app.palette())
        app._studio_default_style = app.style().name()
    app.setStyleSheet("")
    if theme == "system":
        app.setStyle(app._studio_default_style)
        app.setPalette(app._studio_default_palette)
        return
    app.setStyle("Fusion")
    if theme == "light":
        app.setPalette(app.style().standardPalette())
        return
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2e", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f1f22", QPalette.ColorRole.AlternateBase: "#27272b",
        QPalette.ColorRole.ToolTipBase: "#3a3a3f", QPalette.ColorRole.ToolTipText: "#f0f0f0",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#35353a",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Highlight: "#3d7eff", QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#7fb0ff", QPalette.ColorRole.Mid: "#44444a",
        QPalette.ColorRole.PlaceholderText: "#8a8a90",
        # Fusion draws frames and check boxes with these: without them the
        # outlines vanish into the dark window colour.
        QPalette.ColorRole.Light: "#5a5a60", QPalette.ColorRole.Midlight: "#48484e",
        QPalette.ColorRole.Dark: "#141416", QPalette.ColorRole.Shadow: "#0c0c0e",
    }  # fmt: skip
    for role, color in roles.items():
        p.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.WindowText):  # fmt: skip
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a80"))
    # The palette first: widgets already polished by a style sheet keep the palette they
    # had (a window switched to Dark at run time was half light); setting the sheet after
    # polishes every widget again with the new palette.
    app.setPalette(p)
    # Fusion outlines check boxes with the window colour darkened: invisible on dark grey.
    app.setStyleSheet(
        "QCheckBox::indicator, QTreeView::indicator, QTableView::indicator {"
        " width: 12px; height: 12px; border: 1px solid #9a9aa0; border-radius: 2px;"
        " background: #1f1f22; }"
        "QCheckBox::indicator:checked, QTreeView::indicator:checked,"
        " QTableView::indicator:checked { background: #3d7eff; border-color: #7fb0ff; }"
    )


class SettingsDialog(QDialog):
    cacheCleared = Signal()

    def __init__(self, cache_size_bytes: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        s = prefs()
        self.library = QLineEdit(library_path_setting() or str(default_library_path()))
        self.library.setAccessibleName(self.tr("Library file"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.cache_limit = QSpinBox()
        self.cache_limit.setRange(64, 100_000)
        self.cache_limit.setSuffix(unit_suffix("MB"))
        self.cache_limit.setValue(int(s.value("cache/limit_mb", 512)))
        self.cache_limit.setAccessibleName(self.tr("Thumbnail cache size"))
        self.cache_used = QLabel(self.tr("{0} used").format(format_size(cache_size_bytes)))
        clear = QPushButton(self.tr("Clear cache"))
        clear.clicked.connect(self._clear)
        self.language = QComboBox()
        self.language.setAccessibleName(self.tr("Language"))
        for code, name in LANGUAGES.items():
            self.language.addItem(self.tr("System") if code == "system" else name, code)
        self.language.setCurrentIndex(max(0, list(LANGUAGES).index(
            s.value("ui/language", "system"))))
        self.theme = QComboBox()
        self.theme.setAccessibleName(self.tr("Theme"))
        for code, name in zip(THEMES, [self.tr("System"), self.tr("Light"), self.tr("Dark")],
                              strict=True):  # fmt: skip
            self.theme.addItem(name, code)
        self.theme.setCurrentIndex(max(0, THEMES.index(s.value("ui/theme", "system"))))
        self.note = QLabel(self.tr("A new library or language takes effect at the next start."))
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: gray")
        lib_row = QHBoxLayout()
        lib_row.addWidget(self.library, 1)
        lib_row.addWidget(browse)
        cache_row = QHBoxLayout()
        cache_row.addWidget(self.cache_limit)
        cache_row.addWidget(self.cache_used)
        cache_row.addWidget(clear)
        form = QFormLayout()
        form.addRow(self.tr("Library"), lib_row)
        form.addRow(self.tr("Cache"), cache_row)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Theme"), self.theme)
        # Default render settings (the Export dialog starts from these and remembers changes).
        self.reframe = reframe_combo(s.value("export/reframe", "none"))
        self.reframe.setAccessibleName(self.tr("Landscape clips"))
        self.normalize = QCheckBox(self.tr("Normalise loudness to"))
        self.normalize.setChecked(s.value("export/normalize", "true") == "true")
        self.lufs = QDoubleSpinBox()
        self.lufs.setRange(-40.0, -5.0)
        self.lufs.setSingleStep(0.5)
        self.lufs.setSuffix(" LUFS")
        self.lufs.setValue(float(s.value("export/lufs", -14.0)))
        self.lufs.setAccessibleName(self.tr("Loudness target"))
        loud = QHBoxLayout()
        loud.addWidget(self.normalize)
        loud.addWidget(self.lufs)
        loud.addStretch()
        form.addRow(self.tr("Landscape clips"), self.reframe)
        form.addRow(self.tr("Sound"), loud)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                               QDialogButtonBox.StandardButton.Cancel)  # fmt: skip
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(box)

    def _browse(self) -> None:
        path = file_dialogs.save_file_name(
            self, self.tr("Library file"), self.library.text(),
            self.tr("Series Studio library (*.sqlite)"), confirm_overwrite=False)  # fmt: skip
        if path:
            self.library.setText(path)

    def _clear(self) -> None:
        self.cacheCleared.emit()
        self.cache_used.setText(self.tr("{0} used").format(format_size(0)))

    def accept(self) -> None:
        s = prefs()
        s.setValue("library/path", self.library.text().strip())
        s.setValue("cache/limit_mb", self.cache_limit.value())
        s.setValue("ui/language", self.language.currentData())
        s.setValue("ui/theme", self.theme.currentData())
        s.setValue("export/reframe", self.reframe.currentData())
        s.setValue("export/normalize", "true" if self.normalize.isChecked() else "false")
        s.setValue("export/lufs", self.lufs.value())
        apply_theme(QApplication.instance(), self.theme.currentData())
        super().accept()
