"""A dataset: two read-only float columns, where they came from, and a checksum naming them.

A :class:`Dataset` is a frozen value; every change (standardising x) builds a new one. Its
:attr:`~Dataset.checksum` is the sha256 of the numbers themselves, not of the file's bytes,
so the same data written with other spacing, quoting or precision-preserving digits has the
same checksum, and an exported run names exactly the data it was trained on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
Lines = NDArray[np.int64]

BUILT_IN = "built-in"
_CHECKSUM_PREFIX = b"gradient-studio dataset v1\n"


class DataError(ValueError):
    """Data that cannot be used: one sentence for a person, and where the trouble is.

    ``line`` is the 1-based line of the file (None when the trouble is the file as a whole,
    such as its size); ``column`` the 1-based column of the table, as a spreadsheet counts
    them (None when it is the whole line)."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Standardization:
    """How x was standardised: ``x' = (x - mean) / scale``, with ``scale`` the standard
    deviation (over all rows, ``ddof=0``), or 1 when x is constant and only centring is
    possible."""

    mean: float
    scale: float
    constant: bool
    raw_checksum: str

    def apply(self, x: ArrayLike) -> Array:
        return (np.asarray(x, dtype=np.float64) - self.mean) / self.scale

    def undo(self, x: ArrayLike) -> Array:
        """From standardised x back to the data's own units (for axis labels)."""
        return np.asarray(x, dtype=np.float64) * self.scale + self.mean

    @property
    def summary(self) -> str:
        """One line for the window and the title: the mean and the scale used."""
        if self.constant:
            return f"x is constant ({self.mean:.4g}): centred to 0, scale left at 1"
        return f"x standardised: x' = (x − {self.mean:.4g}) / {self.scale:.4g}"


@dataclass(frozen=True, eq=False, init=False)
class Dataset:
    """Rows of (x, y) as two read-only float64 arrays of equal length (at least one row).

    ``source`` is ``"built-in"`` for the built-in datasets, else the file it was read from
    (or ``"<text>"``); ``columns`` the names of the columns used as x and y and
    ``column_numbers`` where they are in the file (1-based); ``lines`` the file line of
    every row, for messages about a row (None for built-in data: messages say "row").
    Two datasets are equal when they hold the same numbers and say the same things about
    them (name, source, columns, standardisation); ``lines`` does not count.
    """

    name: str
    x: Array
    y: Array
    source: str
    columns: tuple[str, str]
    column_numbers: tuple[int, int]
    lines: Lines | None = field(repr=False)
    standardization: Standardization | None
    checksum: str

    def __init__(
        self,
        name: str,
        x: ArrayLike,
        y: ArrayLike,
        source: str = BUILT_IN,
        columns: tuple[str, str] = ("x", "y"),
        column_numbers: tuple[int, int] = (1, 2),
        lines: ArrayLike | None = None,
        standardization: Standardization | None = None,
    ) -> None:
        xs, ys = _column(x, "x"), _column(y, "y")
        if len(xs) != len(ys):
            raise ValueError(f"x has {len(xs)} rows but y has {len(ys)}")
        if len(xs) == 0:
            raise ValueError("a dataset needs at least one row")
        if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
            raise ValueError("every value of a dataset must be a finite number")
        at: Lines | None = None
        if lines is not None:
            at = np.array(lines, dtype=np.int64)
            if at.shape != xs.shape:
                raise ValueError("lines must give one line number per row")
            at.setflags(write=False)
        values = {
            "name": name,
            "x": xs,
            "y": ys,
            "source": source,
            "columns": columns,
            "column_numbers": column_numbers,
            "lines": at,
            "standardization": standardization,
            "checksum": checksum(xs, ys),
        }
        for key, value in values.items():
            object.__setattr__(self, key, value)

    def __len__(self) -> int:
        return len(self.x)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self._key == other._key  # the checksum stands for the numbers

    def __hash__(self) -> int:
        return hash(self._key)

    @property
    def _key(self) -> tuple[object, ...]:
        s = self
        return (s.name, s.source, s.columns, s.column_numbers, s.standardization, s.checksum)

    @property
    def rows(self) -> int:
        return len(self.x)

    @property
    def is_built_in(self) -> bool:
        return self.source == BUILT_IN

    def where(self, row: int, role: int) -> str:
        """How a message names the x (``role`` 0) or y (1) cell of row ``row`` (0-based)."""
        at = f"line {self.lines[row]}" if self.lines is not None else f"row {row + 1}"
        return f"{at}, {cell_name(self.column_numbers[role], self.columns[role], 'xy'[role])}"

    def check_labels(self) -> None:
        """Raise :class:`DataError` at the first y that is not 0 or 1 (the logistic loss
        needs class labels)."""
        bad = np.flatnonzero((self.y != 0.0) & (self.y != 1.0))
        if len(bad):
            row = int(bad[0])
            line = int(self.lines[row]) if self.lines is not None else None
            message = (
                f"{self.where(row, 1)}: {self.y[row]:g} is not a label — the logistic loss "
                "needs y to be 0 or 1"
            )
            raise DataError(message, line, self.column_numbers[1])

    def standardized(self) -> Dataset:
        """The same rows with x standardised (mean 0, standard deviation 1); y unchanged.

        A constant x can only be centred: its scale stays 1 and ``standardization`` says so.
        Standardising standardised data returns it unchanged."""
        if self.standardization is not None:
            return self
        mean = float(np.mean(self.x))
        constant = bool(self.x.min() == self.x.max())
        scale = 1.0 if constant else float(np.std(self.x))
        how = Standardization(mean, scale, constant, self.checksum)
        x = np.zeros_like(self.x) if constant else how.apply(self.x)
        return Dataset(
            self.name, x, self.y, self.source, self.columns, self.column_numbers, self.lines, how
        )

    def describe(self) -> dict[str, object]:
        """What a JSON export records so that the run can be repeated on the same data."""
        out: dict[str, object] = {
            "name": self.name,
            "source": self.source,
            "rows": self.rows,
            "columns": list(self.columns),
            "checksum": self.checksum,
        }
        if self.standardization is not None:
            s = self.standardization
            out["standardized"] = {
                "mean": s.mean,
                "scale": s.scale,
                "constant": s.constant,
                "raw_checksum": s.raw_checksum,
            }
        return out

    def to_csv(self) -> str:
        """The rows as CSV text with a header ``x,y``; every number is written with the
        shortest digits that read back to the same float, so reading it back gives the
        same checksum."""
        body = "".join(
            f"{a!r},{b!r}\n" for a, b in zip(self.x.tolist(), self.y.tolist(), strict=True)
        )
        return "x,y\n" + body


def cell_name(number: int, name: str, role: str) -> str:
    """``column 2 (y)``, or ``column 3 ('score', used as y)`` when the header names it so."""
    return f"column {number} ({role if name == role else f'{name!r}, used as {role}'})"


def checksum(x: Array, y: Array) -> str:
    """``"sha256:<hex>"`` of the row count and both columns as little-endian float64, with
    -0.0 counted as 0.0: the numbers, not how a file spelled them."""
    h = hashlib.sha256(_CHECKSUM_PREFIX)
    h.update(len(x).to_bytes(8, "little"))
    for column in (x, y):
        h.update((np.asarray(column, dtype="<f8") + 0.0).tobytes())
    return f"sha256:{h.hexdigest()}"


def _column(values: ArrayLike, name: str) -> Array:
    a = np.array(values, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"{name} must be one column of numbers")
    a.setflags(write=False)
    return a
