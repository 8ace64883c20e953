"""Trajectories as numbers: CSV for spreadsheets, JSON for programs and for replaying.

The CSV has one row per optimiser, start and step, from step 0 (the start) to the step the
run stopped at. The JSON holds the race's inputs (enough to run it again) and, per run, the
points, f, ‖∇f‖, status and notes; values that are not finite are written as null.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

from gradient_studio import __version__
from gradient_studio.export.atomic import atomic_write


def _cell(v: float) -> str:
    return repr(float(v)) if math.isfinite(v) else ""


def write_csv(path: str | Path, result: Any) -> Path:
    several = len(result.starts) > 1
    header = ["optimizer", "lr"]
    header += ["start_x", "start_y"] if several else []
    header += ["step", "x", "y", "f", "grad_norm", "status"]

    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            out.writerow(header)
            for t in result.trajectories:
                lead = [t.optimizer, repr(t.hyperparameters["lr"])]
                lead += [repr(t.start[0]), repr(t.start[1])] if several else []
                for k in range(t.stop + 1):
                    x, y = t.points[k]
                    row = [k, _cell(x), _cell(y), _cell(t.f[k]), _cell(t.grad_norm[k])]
                    out.writerow([*lead, *row, t.status])

    return atomic_write(path, write)


def _numbers(values: Any) -> list[Any]:
    return [
        _numbers(v) if hasattr(v, "__len__") else (float(v) if math.isfinite(v) else None)
        for v in values
    ]


def run_record(result: Any) -> dict[str, Any]:
    """The whole result as plain data: the race's inputs and every run."""
    race = result.race.to_dict() if result.race is not None else None
    return {
        "gradient_studio": __version__,
        "race": race,
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
            }
            for t in result.trajectories
        ],
    }


def write_json(path: str | Path, result: Any) -> Path:
    text = json.dumps(run_record(result), allow_nan=False, ensure_ascii=False)
    return atomic_write(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
