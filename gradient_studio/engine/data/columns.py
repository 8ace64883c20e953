"""Which columns of a CSV table are x and y: the ones chosen by header name or by number
(counting from 1), else the ones the header names ``x`` and ``y``, else — with two columns,
or no header — the columns left, in order (the rules in :mod:`.csv_file`'s docstring).
Each refusal is a :class:`DataError` naming the line and what would be right.
"""

from __future__ import annotations

from gradient_studio.engine.data.dataset import DataError

Column = str | int | None


def column_names(header: list[str]) -> str:
    shown = [repr(n) if n else "(unnamed)" for n in header[:8]]
    return ", ".join(shown) + (", …" if len(header) > 8 else "")


def pick_columns(
    header: list[str] | None, width: int, line: int, x_column: Column, y_column: Column
) -> tuple[int, int]:
    """The 0-based columns of x and y (see the module's rules)."""
    if width < 2 and x_column is None and y_column is None:
        message = (
            f"line {line} has only one column; expected x and y separated by commas, "
            "such as 1.5,2.0"
        )
        raise DataError(message, line)
    picked = [
        _picked(header, width, line, c, role) for c, role in ((x_column, "x"), (y_column, "y"))
    ]
    for i, role in enumerate("xy"):
        if picked[i] is None and header is not None:
            picked[i] = _named(header, line, role)
    free = [c for c in range(width) if c not in picked]
    for i, role in enumerate("xy"):
        if picked[i] is None:
            if header is not None and width != 2:
                message = (
                    f"line {line}: the header names no column {role!r} (it has: "
                    f"{column_names(header)}); name one column {role}, or choose the {role} column"
                )
                raise DataError(message, line)
            if not free:
                raise DataError(f"line {line} has no column left for {role}", line)
            picked[i] = free.pop(0)
    xi, yi = picked
    assert xi is not None and yi is not None
    if xi == yi:
        raise DataError(f"line {line}: column {xi + 1} cannot be both x and y", line, xi + 1)
    return xi, yi


def _picked(
    header: list[str] | None, width: int, line: int, column: Column, role: str
) -> int | None:
    if column is None:
        return None
    if isinstance(column, int) and not isinstance(column, bool):
        if not 1 <= column <= width:
            message = (
                f"line {line}: there is no column {column} for {role}; the file has "
                f"{width} column{'s' * (width != 1)} (counting from 1)"
            )
            raise DataError(message, line)
        return column - 1
    if header is None:
        message = (
            f"line {line}: the file has no header row, so the {role} column {column!r} "
            "cannot be found by name; choose it by number (counting from 1)"
        )
        raise DataError(message, line)
    found = _named(header, line, str(column), role)
    if found is None:
        message = (
            f"line {line}: no column is named {column!r} (the header has: {column_names(header)})"
        )
        raise DataError(message, line)
    return found


def _named(header: list[str], line: int, name: str, role: str | None = None) -> int | None:
    matches = [i for i, n in enumerate(header) if n.lower() == name.strip().lower()]
    if len(matches) > 1:
        numbers = " and ".join(str(i + 1) for i in matches[:2])
        message = (
            f"line {line}: two columns are named {header[matches[0]]!r} (columns {numbers}); "
            f"rename one, or choose the {role or name} column by number"
        )
        raise DataError(message, line, matches[1] + 1)
    return matches[0] if matches else None
