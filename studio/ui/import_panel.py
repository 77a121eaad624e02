"""Files that could not be imported, each with its reason. Never blocks the creator."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.actions import AddResult


class ImportProblemsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel(self.tr("No import problems."))
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setToolTip(self.tr("Forget these import problems"))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("File"), self.tr("Why it was not added")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName(self.tr("Import problems"))
        self.tree.setColumnWidth(0, 260)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.tree)
        self.clear_button.clicked.connect(self.clear)
        self._over_limit: QTreeWidgetItem | None = None  # the row of the files past the limit

    def add(self, result: AddResult) -> None:
        if result.ok:
            return
        item = QTreeWidgetItem([result.path.name, "" if result.limit_reached else
                                result.error or ""])  # fmt: skip
        item.setToolTip(0, str(result.path))
        item.setToolTip(1, result.error or "")
        if result.limit_reached:
            # Every file past the episode limit has the same reason: said once, on a
            # row that holds them (unfolded: which files they are matters too).
            if self._over_limit is None:
                self._over_limit = QTreeWidgetItem(["", result.error or ""])
                self._over_limit.setToolTip(1, result.error or "")
                self.tree.addTopLevelItem(self._over_limit)
                self.tree.setRootIsDecorated(True)
            self._over_limit.addChild(item)
            self._over_limit.setExpanded(True)
            n = self._over_limit.childCount()
            self._over_limit.setText(0, self.tr("1 file") if n == 1 else
                                     self.tr("{0} files").format(n))  # fmt: skip
        else:
            self.tree.addTopLevelItem(item)
        n = self.count()
        self.summary.setText(self.tr("1 file was not added:") if n == 1 else
                             self.tr("{0} files were not added:").format(n))  # fmt: skip

    def count(self) -> int:
        """How many files were not added."""
        grouped = self._over_limit.childCount() - 1 if self._over_limit is not None else 0
        return self.tree.topLevelItemCount() + grouped

    def clear(self) -> None:
        self.tree.clear()
        self._over_limit = None
        self.tree.setRootIsDecorated(False)
        self.summary.setText(self.tr("No import problems."))
