"""The rules engine's problems, live; a click takes the creator to the episode or field."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from studio.domain.rules import Problem, is_ready


class ChecksPanel(QWidget):
    problemActivated = Signal(object)  # Problem

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Publishing status"))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Severity"), self.tr("Episode"), self.tr("Problem"),
                                   self.tr("How to fix")])  # fmt: skip
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.setAccessibleName(self.tr("Problems"))
        width = self.tree.fontMetrics().horizontalAdvance  # the severity column fits its words
        severities = (self.tr("Error"), self.tr("Warning"))
        self.tree.setColumnWidth(0, max(90, 24 + max(map(width, severities))))
        self.tree.setColumnWidth(1, 70)
        self.tree.setColumnWidth(2, 460)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.status)
        layout.addWidget(self.tree)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        self.problems: list[Problem] = []
        self.set_problems([], collection_open=False)

    def summary_text(self, problems: list[Problem]) -> str:
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = len(problems) - errors
        if is_ready(problems):
            if not warnings:
                return self.tr("Ready to publish")
            if warnings == 1:
                return self.tr("Ready to publish (1 warning)")
            return self.tr("Ready to publish ({0} warnings)").format(warnings)
        text = self.tr("1 problem to fix") if errors == 1 else \
            self.tr("{0} problems to fix").format(errors)  # fmt: skip
        if warnings:
            text += ", " + (self.tr("1 warning") if warnings == 1 else
                            self.tr("{0} warnings").format(warnings))  # fmt: skip
        return text

    def set_problems(self, problems: list[Problem], *, collection_open: bool = True) -> None:
        """Show the open collection's problems (with no collection open, there is nothing
        to check: no "Ready to publish")."""
        self.problems = problems
        self.tree.clear()
        if not collection_open:
            self.status.setText(self.tr("Open or create a collection to check it."))
            return
        text = self.summary_text(problems)
        color = "#2e7d32" if is_ready(problems) else "#c62828"
        self.status.setText(f"<b style='color:{color}'>{text}</b>")
        for p in problems:
            sev = self.tr("Error") if p.severity == "error" else self.tr("Warning")
            item = QTreeWidgetItem([sev, str(p.episode_position or "–"), p.message, p.fix or ""])
            item.setData(0, Qt.ItemDataRole.UserRole, p)
            item.setForeground(0, QColor("#c62828" if p.severity == "error" else "#b26a00"))
            item.setToolTip(2, p.message)
            item.setToolTip(3, p.fix or "")
            self.tree.addTopLevelItem(item)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        self.problemActivated.emit(item.data(0, Qt.ItemDataRole.UserRole))
