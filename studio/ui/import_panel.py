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
        self.summary.setWordWrap(True)
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
        # One row per reason that stopped an import (the episode limit, a full disk, a
        # read-only library), holding the files it left out.
        self._groups: dict[str, QTreeWidgetItem] = {}

    def add(self, result: AddResult) -> None:
        if result.ok:
            return
        grouped = result.limit_reached or result.stopped
        item = QTreeWidgetItem([result.path.name, "" if grouped else result.error or ""])
        item.setToolTip(0, str(result.path))
        item.setToolTip(1, result.error or "")
        if grouped:
            # Every file an import could not take has the same reason: said once, on a
            # row that holds them (unfolded: which files they are matters too).
            reason = result.error or ""
            group = self._groups.get(reason)
            if group is None:
                group = self._groups[reason] = QTreeWidgetItem(["", reason])
                group.setToolTip(1, reason)
                self.tree.addTopLevelItem(group)
                self.tree.setRootIsDecorated(True)
            group.addChild(item)
            group.setExpanded(True)
            n = group.childCount()
            group.setText(0, self.tr("1 file") if n == 1 else
                          self.tr("{0} files").format(n))  # fmt: skip
        else:
            self.tree.addTopLevelItem(item)
        n = self.count()
        text = (self.tr("1 file was not added:") if n == 1 else
                self.tr("{0} files were not added:").format(n))  # fmt: skip
        if result.stopped:  # what to do comes first: the creator must act before retrying
            text = f"{result.error} {text}"
        self.summary.setText(text)

    def count(self) -> int:
        """How many files were not added."""
        grouped = sum(g.childCount() - 1 for g in self._groups.values())
        return self.tree.topLevelItemCount() + grouped

    def clear(self) -> None:
        self.tree.clear()
        self._groups = {}
        self.tree.setRootIsDecorated(False)
        self.summary.setText(self.tr("No import problems."))
