"""CSV files of archives: columns named in the account's language, errors naming file and line.

A column is known by a *field* (``"video_id"``) and the names it has in each
language; :func:`read_table` finds the header row (it may follow a preamble,
as in old Takeout playlist files), reads the rows it can and reports the first
broken one (an unclosed quote, say) by file and line, keeping the rows before it.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from studio.i18n import tr
from studio.ingest.model import ArchiveProblem

Columns = Mapping[str, Sequence[str]]  # field -> its names, in every language known


@dataclass
class Table:
    rows: list[dict[str, str]] = field(default_factory=list)  # field -> value, plus "_line"
    preamble: list[list[str]] = field(default_factory=list)  # rows before the header row
    problem: ArchiveProblem | None = None


def header_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name.replace("\ufeff", "")).casefold().split())


def map_header(row: Sequence[str], columns: Columns) -> dict[str, int]:
    """Field -> index of its column in ``row`` (fields whose column is absent are left out)."""
    where = {header_key(name): i for i, name in enumerate(row)}
    found: dict[str, int] = {}
    for fld, names in columns.items():
        for name in names:
            if header_key(name) in where:
                found[fld] = where[header_key(name)]
                break
    return found


def decode(data: bytes, file: str) -> tuple[str, ArchiveProblem | None]:
    """UTF-8 text (a BOM is dropped); bytes that are not UTF-8 are replaced and reported."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problem = ArchiveProblem(file, tr("{file}, line {line}: the text is not UTF-8; the "
                                          "characters that are not were replaced.").format(
            file=file, line=line), line=line, severity="warning")  # fmt: skip
        return data.decode("utf-8-sig", errors="replace"), problem


def _csv_fault(message: str) -> str:
    if "end of data" in message or "EOF" in message:
        return tr("a quoted text is never closed")
    if "expected after" in message:
        return tr("a quote is misplaced")
    return message


def read_table(text: str, file: str, columns: Columns, required: Sequence[str]) -> Table:
    """The rows of ``text`` below the first row that names every ``required`` field."""
    table = Table()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: dict[str, int] | None = None
    line = 0
    try:
        for row in reader:
            start, line = line + 1, reader.line_num
            if header is None:
                found = map_header(row, columns)
                if all(f in found for f in required):
                    header = found
                else:
                    table.preamble.append(row)
                continue
            if not any(cell.strip() for cell in row):
                continue
            values = {f: (row[i] if i < len(row) else "") for f, i in header.items()}
            values["_line"] = str(start)
            table.rows.append(values)
    except csv.Error as exc:
        table.problem = ArchiveProblem(file, tr(
            "{file}, line {line}: {fault}; the rows from there on were not read.").format(
            file=file, line=line + 1, fault=_csv_fault(str(exc))), line=line + 1)
        return table
    if header is None:
        wanted = "; ".join(" / ".join(columns[f]) for f in required)
        first = ", ".join(table.preamble[0])[:120] if table.preamble else ""
        table.problem = ArchiveProblem(file, tr(
            "{file} does not have the expected columns ({columns}); its first line is: "
            "{first}").format(file=file, columns=wanted, first=first or "-"))
    return table


def preamble_values(table: Table, columns: Columns) -> dict[str, str]:
    """The fields of a two-row preamble (a header row, then its values), as old files have."""
    for i in range(len(table.preamble) - 1):
        found = map_header(table.preamble[i], columns)
        if found:
            values = table.preamble[i + 1]
            return {f: values[j] for f, j in found.items() if j < len(values)}
    return {}


def parse_timestamp(text: str) -> datetime | None:
    """``2021-02-17T09:41:23+00:00``, ``...Z``, ``2019-03-05 12:00:00 UTC``, in UTC; else None."""
    text = text.strip()
    if not text:
        return None
    if text.endswith(" UTC"):
        text = text[:-4] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def parse_ms(text: str) -> int | None:
    """Milliseconds as written (``"61000"``, ``"61000.0"``) to microseconds; None if blank."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return int(value * 1000) if value >= 0 else None
