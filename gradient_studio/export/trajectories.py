"""Trajectories as numbers: CSV for spreadsheets, JSON for programs and for replaying.

The CSV has one row per optimiser, start and step, from step 0 (the start) to the step the
run stopped at; its ``lr`` is the learning rate the step to that row used (a schedule changes
it; row 0 shows the first step's). Its two coordinate columns are named after the axes:
``x,y`` for a function, the weights (``w,b``) for a model's loss. The JSON holds the race's
inputs (enough to run it again, the schedule, clipping, noise and seed included; for a model,
the dataset's name, source and checksum, the batch size and seed, and the names of the axes
its points are in), and, per run, the points, f, ‖∇f‖, lr, status and notes; values that are
not finite are written as null.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gradient_studio import __version__
from gradient_studio.export.atomic import atomic_write

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from gradient_studio.engine.results import RunResult


def _cell(v: float) -> str:
    return repr(float(v)) if math.isfinite(v) else ""


_COLUMNS = ("optimizer", "lr", "step", "f", "grad_norm", "status")


def axis_names(result: RunResult) -> tuple[str, str]:
    """The names of the two coordinates: the objective's axes (``x, y`` for a function)."""
    a, b = getattr(result.objective, "axes", ("x", "y"))
    return str(a), str(b)


def _columns(result: RunResult) -> tuple[str, str]:
    """The coordinate columns: the axes' names, or ``axis_<name>`` for a name that is
    already a column's (a weight called ``f`` or ``lr``)."""
    a, b = axis_names(result)

    def column(n: str) -> str:
        return f"axis_{n}" if n in _COLUMNS or n.startswith("start_") else n

    return column(a), column(b)


def write_csv(path: str | Path, result: RunResult) -> Path:
    several = len(result.starts) > 1
    a, b = _columns(result)
    header = ["optimizer", "lr"]
    header += [f"start_{a}", f"start_{b}"] if several else []
    header += ["step", a, b, "f", "grad_norm", "status"]

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(header)
            for t in result.trajectories:
                start = [repr(t.start[0]), repr(t.start[1])] if several else []
                for k in range(t.stop + 1):
                    x, y = t.points[k]
                    row = [k, _cell(x), _cell(y), _cell(t.f[k]), _cell(t.grad_norm[k])]
                    out.writerow([t.optimizer, _cell(t.lr[k]), *start, *row, t.status])

    return atomic_write(path, write)


def _numbers(values: ArrayLike) -> list[Any]:
    """Numbers as nested lists of floats, with None where a value is not finite."""
    a = np.asarray(values, dtype=np.float64)
    out = a.astype(object)
    out[~np.isfinite(a)] = None
    numbers: list[Any] = out.tolist()
    return numbers


def run_record(result: RunResult) -> dict[str, Any]:
    """The whole result as plain data: the race's inputs and every run."""
    race = result.race.to_dict() if result.race is not None else None
    axes = axis_names(result)
    named = {"axes": list(axes)} if axes != ("x", "y") else {}  # a model's weights
    return {
        "gradient_studio": __version__,
        "race": race,
        **named,
        "runs": [
            {
                "optimizer": t.optimizer,
                "label": t.label,
                "hyperparameters": dict(t.hyperparameters),
                "start": list(t.start),
                "status": t.status,
                "stop": t.stop,
                "notes": list(t.notes),
                "points": _numbers(t.points),
                "f": _numbers(t.f),
                "grad_norm": _numbers(t.grad_norm),
                "lr": _numbers(t.lr),
            }
            for t in result.trajectories
        ],
    }


def write_json(path: str | Path, result: RunResult) -> Path:
    text = json.dumps(run_record(result), allow_nan=False, ensure_ascii=False)

    def write(tmp: Path) -> None:
        tmp.write_text(text + "\n", encoding="utf-8")

    return atomic_write(path, write)
