"""Data benchmarks: loading a 100,000-row CSV (issue 15: ≤ 0.5 s), beside the straightforward
ways, measured live in the same run.

Run: .venv/bin/python tests/benchmarks/bench_data.py

Each row times ``load_csv`` on a file and, alternately, the baselines on the same file:
``numpy.loadtxt`` (numpy's C parser: no header detection, no column picking, no messages
naming a line) and the ``csv`` module with ``float`` per cell. Runs alternate, since this
machine's speed drifts; medians after a warm-up.
"""

from __future__ import annotations

import csv
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from gradient_studio.engine.data import DataError, load_csv

ROWS = 100_000
TARGET_MS = 500.0


def _files(folder: Path) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    x, y = rng.normal(10.0, 3.0, ROWS), rng.normal(0.0, 1.0, ROWS)
    pairs = list(zip(x.tolist(), y.tolist(), strict=True))
    plain = "x,y\n" + "".join(f"{a!r},{b!r}\n" for a, b in pairs)
    wide = '"id","x","note","y"\n' + "".join(
        f"{i},{a:.6f},n{i % 7},{b:.6f}\n" for i, (a, b) in enumerate(pairs)
    )
    bad = plain[:-1] + "x\n"  # the very last cell is not a number: the whole file is read
    out = {}
    for name, text in (("plain", plain), ("wide", wide), ("bad-last-cell", bad)):
        path = folder / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        out[name] = path
    return out


def _ours(path: Path) -> Callable[[], object]:
    def load() -> object:
        try:
            return load_csv(path)
        except DataError as e:
            return e

    return load


def _loadtxt(path: Path, columns: tuple[int, int]) -> Callable[[], object]:
    def load() -> object:
        try:
            return np.loadtxt(path, delimiter=",", skiprows=1, usecols=columns, comments=None)
        except ValueError as e:
            return e

    return load


def _csv_module(path: Path, columns: tuple[int, int]) -> Callable[[], object]:
    i, j = columns

    def load() -> object:
        try:
            with path.open(newline="", encoding="utf-8") as f:
                rows = csv.reader(f)
                next(rows)
                return np.array([(float(r[i]), float(r[j])) for r in rows])
        except ValueError as e:
            return e

    return load


def _alternating(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Median ms of each function, the functions called in turn ``repeat`` times."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return [statistics.median(t) * 1e3 for t in times]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = _files(Path(folder))
        print(f"{ROWS:,} rows; median ms of 9 alternating runs after a warm-up\n")
        header = (
            f"{'file':<16} {'MB':>5} {'load_csv':>9} {'target':>7} {'loadtxt':>8} {'csv+float':>10}"
        )
        print(header)
        for name, path in files.items():
            columns = (1, 3) if name == "wide" else (0, 1)
            ours, loadtxt, csv_module = _alternating(
                [_ours(path), _loadtxt(path, columns), _csv_module(path, columns)], 9
            )
            flag = "ok" if ours <= TARGET_MS else "OVER"
            size = path.stat().st_size / 1e6
            print(
                f"{name:<16} {size:>5.1f} {ours:>9.1f} {TARGET_MS:>7.0f} {loadtxt:>8.1f}"
                f" {csv_module:>10.1f}  [{flag}]"
            )


if __name__ == "__main__":
    main()
