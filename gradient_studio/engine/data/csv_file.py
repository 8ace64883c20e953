"""Reading a person's CSV file into a :class:`Dataset`, or saying in one sentence why not.

The file format
---------------
* UTF-8 text (a byte-order mark is skipped), lines ending in ``\\n``, ``\\r\\n`` or ``\\r``;
  at most :data:`MAX_BYTES` bytes and :data:`MAX_ROWS` rows of data, checked before anything
  else is read.
* Cells separated by ``;`` if the first line has one (the European spreadsheet export),
  else by ``,`` if it has one, else by a tab. Quotes work as in spreadsheets (``"x"``; a
  quoted cell may hold the separator). Spaces and tabs around a cell are ignored; blank lines
  anywhere, and rows whose cells are all empty, are skipped.
* A header row is optional: the first row is a header when none of its cells is a number
  (an empty cell, as pandas writes over its index, is allowed). With a header, x and y are
  the columns named ``x`` and ``y`` (any case); when the header has only two columns, a role
  no column is named for takes the other one, so ``hours,score`` reads as x = hours,
  y = score. Without a header, x and y are the first two columns. ``x_column`` and
  ``y_column`` pick a column by header name or by number, counting from 1 as the messages
  do. Other columns are ignored, but every row must have the same number of cells.
* Every x and y cell is a finite decimal number in ASCII: ``12``, ``-0.5``, ``.5``,
  ``1e-3``, ``+2E5``. Not ``nan``, ``inf``, ``1,5`` (write ``1.5``), ``1_000`` or an empty
  cell. With ``labels=True`` (the logistic loss) every y is 0 or 1.

Nothing in the file is evaluated. A file that breaks a rule raises :class:`DataError` with
the first problem, its line, its column and what would be right.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from gradient_studio.engine.data.columns import Column, pick_columns
from gradient_studio.engine.data.dataset import Array, DataError, Dataset, cell_name

__all__ = ["MAX_BYTES", "MAX_ROWS", "load_csv", "parse_csv"]

MAX_ROWS = 100_000
MAX_BYTES = 10_000_000  # 10 MB: 100,000 rows of x,y at full precision take ~4 MB
MAX_ROW_CHARS = 100_000  # a wide table's row fits; one row of millions of cells does not

# What a number looks like; float() alone would also take "nan", "1_000" and "١٢".
_NUMBER = re.compile(r"[ \t]*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[ \t]*\Z")
# A cell with only these characters is a number exactly when float() reads it.
_NOT_NUMERIC = re.compile(r"[^0-9eE+\-. \t,]")
_MISSING = frozenset({"na", "n/a", "null", "none", "missing", "?", "-", "--"})
_NOT_FINITE = frozenset({"nan", "inf", "infinity"})
_SAVE_AS = "save it as CSV UTF-8 (in a spreadsheet: Save As ▸ CSV UTF-8)"


def load_csv(
    path: str | os.PathLike[str],
    *,
    x_column: Column = None,
    y_column: Column = None,
    labels: bool = False,
) -> Dataset:
    """Read the CSV file at ``path`` (see the module's description of the format); its name
    is the file's name without the extension. Raises :class:`DataError`."""
    p = Path(path)
    shown = str(p)
    try:
        with p.open("rb") as file:
            _check_size(os.fstat(file.fileno()).st_size, shown)
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise DataError(f"there is no file {shown!r}") from None
    except IsADirectoryError:
        raise DataError(f"{shown!r} is a folder, not a CSV file") from None
    except PermissionError:
        raise DataError(f"{shown!r} cannot be read: permission denied") from None
    except OSError as e:
        raise DataError(f"{shown!r} cannot be read: {e.strerror or e}") from None
    _check_size(len(data), shown)  # a file that grew while we read it
    return parse_csv(
        data, name=p.stem, source=shown, x_column=x_column, y_column=y_column, labels=labels
    )


def parse_csv(
    data: str | bytes,
    *,
    name: str = "data",
    source: str = "<text>",
    x_column: Column = None,
    y_column: Column = None,
    labels: bool = False,
) -> Dataset:
    """The contents of a CSV file (bytes as read, or text) as a :class:`Dataset`."""
    text = _decode(data) if isinstance(data, bytes) else _checked_text(data)
    table = _Table(text, x_column, y_column)
    x, y = _numbers(table.cells[0]), _numbers(table.cells[1])
    if not isinstance(x, np.ndarray) or not isinstance(y, np.ndarray):
        # The first bad cell of the file: by line, then by column.
        bad = [
            (row, table.columns[role], role)
            for role, row in enumerate((x, y))
            if isinstance(row, int)
        ]
        row, _, role = min(bad)
        raise table.cell_error(row, role)
    dataset = Dataset(
        name,
        x,
        y,
        source,
        columns=table.names,
        column_numbers=(table.columns[0] + 1, table.columns[1] + 1),
        lines=np.array(table.lines, dtype=np.int64),
    )
    if labels:
        dataset.check_labels()
    return dataset


def _check_size(size: int, shown: str) -> None:
    if size > MAX_BYTES:
        raise DataError(
            f"{shown!r} is {size / 1e6:.1f} MB; a data file can be at most "
            f"{MAX_BYTES / 1e6:.0f} MB ({MAX_ROWS:,} rows)"
        )


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _decode(data: bytes) -> str:
    """The bytes as text, refusing what is not UTF-8 text with the line where it shows."""
    _check_size(len(data), "the data")
    if data.startswith(b"PK\x03\x04"):
        message = (
            f"this is a zip archive, perhaps an Excel workbook (.xlsx), not CSV text: {_SAVE_AS}"
        )
        raise DataError(f"line 1: {message}", 1)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(f"line 1: the file is UTF-16 text; {_SAVE_AS}", 1)
    nul = data.find(b"\0")
    if nul >= 0:
        line = _line_at(data, nul)
        message = (
            f"line {line}: the file holds a NUL byte, so it is binary, not CSV text; {_SAVE_AS}"
        )
        raise DataError(message, line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = _line_at(data, e.start)
        byte = data[e.start]
        message = (
            f"line {line}: byte 0x{byte:02x} is not UTF-8 (a Latin-1 or Windows accent?); "
            f"the file must be UTF-8 text: {_SAVE_AS}"
        )
        raise DataError(message, line) from None


def _checked_text(text: str) -> str:
    if len(text) > MAX_BYTES:
        _check_size(len(text.encode("utf-8", "surrogatepass")), "the data")
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        message = f"line {line}: the text holds a NUL character, so it is binary, not CSV text"
        raise DataError(message, line)
    return text.removeprefix("\ufeff")


def _separator(text: str) -> str:
    first = re.search(r"\S[^\r\n]*", text)
    line = first.group() if first else ""
    return next((s for s in (";", ",", "\t") if s in line), ",")


class _Table:
    """The x and y cells of every row as text, with their lines, from one pass over the file."""

    def __init__(self, text: str, x_column: Column, y_column: Column) -> None:
        self.header: list[str] | None = None
        self.first_line = 0  # the header's line, or the first row's
        self.width = 0
        self.columns = (0, 1)
        self.names = ("x", "y")
        self.cells: tuple[list[str], list[str]] = ([], [])
        self.lines: list[int] = []
        self._read(text, x_column, y_column)

    def _read(self, text: str, x_column: Column, y_column: Column) -> None:
        row_size = [0]  # characters of the row being read, so no row can fill the memory

        def source() -> Iterator[str]:
            for physical in io.StringIO(text, newline=""):
                row_size[0] += len(physical)
                if row_size[0] > MAX_ROW_CHARS:
                    line = last + 1
                    message = (
                        f"line {line}: the row is longer than {MAX_ROW_CHARS:,} characters, "
                        "far longer than a row of numbers"
                    )
                    raise DataError(message, line)
                yield physical

        reader = csv.reader(
            source(), delimiter=_separator(text), skipinitialspace=True, strict=True
        )
        xs, ys, lines = self.cells[0], self.cells[1], self.lines
        xi = yi = width = 0
        last = 0  # the line the previous row ended on
        try:
            for row in reader:
                start, last = last + 1, reader.line_num
                row_size[0] = 0
                if not (row and row[0].strip(" \t")) and not "".join(row).strip(" \t"):
                    continue  # a blank line, or a spreadsheet's empty row ",,"
                if not width:
                    width = self._first_row(row, start, x_column, y_column)
                    xi, yi = self.columns
                    if self.header is not None:
                        continue
                elif len(row) != width:
                    self._ragged(row, start)
                if len(lines) == MAX_ROWS:
                    message = (
                        f"line {start}: more than {MAX_ROWS:,} rows of data; Gradient Studio "
                        f"reads up to {MAX_ROWS:,} (use a sample of the rows)"
                    )
                    raise DataError(message, start)
                xs.append(row[xi])
                ys.append(row[yi])
                lines.append(start)
        except csv.Error as e:
            line = last + 1
            raise DataError(f"line {line}: {_quoting_problem(e)}", line) from None
        if not lines:
            where = self.first_line + 1 if self.header is not None else last + 1
            what = "the header has no rows of data after it" if self.header else "the file is empty"
            message = f"line {where}: {what}; expected rows of x,y numbers such as 1.5,2.0"
            raise DataError(message, where)

    def _first_row(self, row: list[str], line: int, x_column: Column, y_column: Column) -> int:
        """Learn the header (if this is one), the width and the x and y columns."""
        self.width = len(row)
        self.first_line = line
        if all(not _is_number(c) for c in row) and any(c.strip() for c in row):
            self.header = [c.strip() for c in row]
        self.columns = pick_columns(self.header, self.width, line, x_column, y_column)
        if self.header is not None:
            self.names = (self.header[self.columns[0]], self.header[self.columns[1]])
        return self.width

    def cell_error(self, row: int, role: int) -> DataError:
        """The error for the x (``role`` 0) or y (1) cell of data row ``row``."""
        cell = self.cells[role][row]
        line, number = self.lines[row], self.columns[role] + 1
        where = cell_name(number, self.names[role], "xy"[role])
        problem = _cell_problem(cell)
        if line == self.first_line and self.header is None and not _is_number(cell):
            problem += f" (if line {line} is a header, every column needs a name, not a number)"
        return DataError(f"line {line}, {where}: {problem}", line, number)

    def _ragged(self, row: list[str], line: int) -> None:
        n, width = len(row), self.width
        column = min(n, width) + 1
        message = (
            f"line {line}, column {column}: the row has {n} cell{'s' * (n != 1)} but line "
            f"{self.first_line} has {width}; every row needs the same number of columns"
        )
        raise DataError(message, line, column)


def _quoting_problem(error: csv.Error) -> str:
    text = str(error)
    if "end of data" in text:
        return 'a quote (") opened here is never closed'
    if "field larger" in text:
        return f"a cell is longer than {csv.field_size_limit():,} characters"
    return f"a quoted cell must end at its closing quote ({text})"


def _is_number(cell: str) -> bool:
    return _NUMBER.match(cell) is not None


def _numbers(cells: list[str]) -> Array | int:
    """The cells as floats, or the index of the first that is not a finite number in our
    sense; no cell is looked at one by one in Python unless one is bad."""
    # Cells joined by commas: a cell holding a comma (or any character outside the set) is
    # found by one search, or fails float() below, so the comma count is the cell's index.
    joined = ",".join(cells)
    found = _NOT_NUMERIC.search(joined)
    limit = joined.count(",", 0, found.start()) if found else len(cells)
    bad = found is not None
    try:
        values = np.fromiter(map(float, cells[:limit]), dtype=np.float64, count=limit)
    except ValueError:
        limit, bad = next(i for i, c in enumerate(cells[:limit]) if not _is_number(c)), True
        values = np.fromiter(map(float, cells[:limit]), dtype=np.float64, count=limit)
    infinite = np.flatnonzero(~np.isfinite(values))  # 1e999 reads as inf, and comes first
    if len(infinite):
        return int(infinite[0])
    return limit if bad else values


def _cell_problem(cell: str) -> str:
    """Why ``cell`` is not a finite number, and what to write instead."""
    s = cell.strip(" \t")
    shown = repr(s if len(s) <= 40 else s[:37] + "...")
    word = s.strip().lower().lstrip("+-")
    if not s.strip():
        return "the cell is empty; every row needs a number for x and for y"
    if s.strip().lower() in _MISSING:
        return (
            f"{shown} marks a missing value; every row needs a number for x and for y "
            "(fill it in or delete the row)"
        )
    if word in _NOT_FINITE:
        return f"{shown} is not allowed; every value must be a finite number"
    if _is_number(s):
        return f"{shown} is too large for a number (the largest is about 1.8e308)"
    hints: tuple[tuple[Callable[[str], bool], str, str], ...] = (
        (lambda c: not c.isprintable() or c.isspace(), "an invisible character", ""),
        (lambda c: c == "\u2212", "a typographic minus '−'", "-"),
        (lambda c: c == ",", "a decimal comma", "."),
        (lambda c: c == "_", "an underscore", ""),
    )
    for odd, what, instead in hints:
        mended = "".join(instead if odd(c) else c for c in s)
        if mended != s and _is_number(mended):
            hidden = next(c for c in s if odd(c))
            what = f"{what} (U+{ord(hidden):04X})" if what.startswith("an invisible") else what
            return f"{shown} is not a number: it holds {what}; write {mended.strip()!r}"
    return f"{shown} is not a number"
