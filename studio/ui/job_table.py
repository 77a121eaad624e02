"""What the Export and Publish dialogs share: a table with a progress bar per row,
and a status line that shows a failure in red.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QProgressBar, QTableWidget, QWidget

ERROR_COLOUR = "#c62828"
BAR_STEPS = 1000  # a bar's range: tenths of a percent


def job_table(headers: list[str], accessible_name: str, stretch: int,
              parent: QWidget | None = None) -> QTableWidget:  # fmt: skip
    """A read-only table of whole rows, one per job, with ``stretch`` the column that grows."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setAccessibleName(accessible_name)
    return table


def put_bar(table: QTableWidget, row: int, column: int, text: str | None = None) -> QProgressBar:
    """An empty progress bar in a cell; ``text`` is shown on it instead of the percentage."""
    bar = QProgressBar()
    bar.setRange(0, BAR_STEPS)
    bar.setValue(0)
    if text is not None:
        bar.setFormat(text)
    table.setCellWidget(row, column, bar)
    return bar


def set_fraction(bar: QProgressBar, fraction: float | None) -> None:
    bar.setValue(round(BAR_STEPS * min(1.0, max(0.0, fraction or 0.0))))


def show_error(label: QLabel, exc: BaseException | str) -> None:
    """The message in red, as typed: a file name with ``<`` or ``&`` is not read as markup."""
    text = html.escape(str(exc)).replace("\n", "<br>")
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(f"<span style='color:{ERROR_COLOUR}'>{text}</span>")
