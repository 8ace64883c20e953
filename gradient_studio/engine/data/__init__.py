"""Data to train a model on: a person's CSV file, or a built-in dataset chosen to teach.

:class:`Dataset` is the frozen value everything downstream takes: two read-only float64
columns ``x`` and ``y``, its name, where it came from and a checksum of its numbers (so an
exported run names exactly the data it used). :meth:`Dataset.standardized` is the "normalise
inputs" view. :func:`load_csv` reads a file and :func:`parse_csv` text already in memory;
both raise :class:`DataError` with the line and column of the first problem (the format is
described in :mod:`~gradient_studio.engine.data.csv_file`). :data:`DATASETS` holds the
built-in ones, each built on first use.

numpy only: importing this package loads neither sympy nor Qt.
"""

from __future__ import annotations

from gradient_studio.engine.data.builtin import DATASETS, BuiltInDataset
from gradient_studio.engine.data.csv_file import MAX_BYTES, MAX_ROWS, load_csv, parse_csv
from gradient_studio.engine.data.dataset import DataError, Dataset, Standardization

__all__ = [
    "DATASETS",
    "MAX_BYTES",
    "MAX_ROWS",
    "BuiltInDataset",
    "DataError",
    "Dataset",
    "Standardization",
    "load_csv",
    "parse_csv",
]
