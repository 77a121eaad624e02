"""The task indicator in the status bar: what runs in the background, with cancel."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.ui.operations import Task, TaskManager


class _TaskRow(QWidget):
    def __init__(self, task: Task, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task = task
        self.label = QLabel(task.label)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(True)
        self.cancel = QPushButton(self.tr("Cancel"))
        self.cancel.setEnabled(task.cancellable)
        self.cancel.setAccessibleName(self.tr("Cancel {0}").format(task.label))
        self.cancel.clicked.connect(self._cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(self.label, 2)
        row.addWidget(self.bar, 3)
        row.addWidget(self.cancel)

    def _cancel(self) -> None:
        self.task.cancel()
        self.cancel.setEnabled(False)
        self.cancel.setText(self.tr("Cancelling…"))

    def refresh(self) -> None:
        p = self.task.progress
        if p is None or not p.total:
            self.bar.setRange(0, 0)
            return
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(1000 * (p.fraction or 0)))
        if p.label:
            self.bar.setFormat(f"%p%  {p.label}")


class TaskIndicator(QWidget):
    """A compact summary in the status bar; a click shows every task with its Cancel."""

    def __init__(self, manager: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.button = QToolButton()
        self.button.setAutoRaise(True)
        self.button.setAccessibleName(self.tr("Background tasks"))
        self.button.setToolTip(self.tr("Background tasks: click to see them and cancel"))
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setMaximumHeight(14)
        self.bar.setTextVisible(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.bar)
        self.panel = QFrame(self, Qt.WindowType.Popup)
        self.panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.panel.setMinimumWidth(420)
        self.rows_layout = QVBoxLayout(self.panel)
        self.rows: dict[int, _TaskRow] = {}
        self.button.clicked.connect(self.show_panel)
        manager.taskStarted.connect(self._started)
        manager.taskProgress.connect(self._progress)
        manager.taskFinished.connect(self._finished)
        self._update()

    def _started(self, task: Task) -> None:
        row = _TaskRow(task, self.panel)
        self.rows[task.id] = row
        self.rows_layout.addWidget(row)
        self._update()

    def _progress(self, task: Task) -> None:
        if task.id in self.rows:
            self.rows[task.id].refresh()
        self._update()

    def _finished(self, task: Task) -> None:
        row = self.rows.pop(task.id, None)
        if row is not None:
            row.setParent(None)
            row.deleteLater()
        self._update()
        if not self.rows:
            self.panel.hide()

    def _update(self) -> None:
        tasks = self.manager.tasks()
        self.setVisible(bool(tasks))
        if not tasks:
            return
        first = tasks[0]
        text = first.label if len(tasks) == 1 else \
            self.tr("{0} tasks — {1}").format(len(tasks), first.label)  # fmt: skip
        self.button.setText(text)
        fractions = [t.progress.fraction for t in tasks if t.progress and t.progress.fraction]
        if fractions and len(fractions) == len(tasks):
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * sum(fractions) / len(fractions)))
        else:
            self.bar.setRange(0, 0)

    def show_panel(self) -> None:
        self.panel.adjustSize()
        pos = self.mapToGlobal(self.rect().topLeft())
        self.panel.move(pos.x(), pos.y() - self.panel.height())
        self.panel.show()
