"""Maps out: basin maps, sweeps and hyperparameter maps as pictures (PNG, SVG) and numbers
(CSV, JSON), each written atomically.

The numbers need no Qt; the pictures are drawn by the scene's own map pictures
(:mod:`gradient_studio.scene.basins`, :mod:`gradient_studio.scene.sweeps`), laid out as
the race pictures are (see :func:`~gradient_studio.export.images.picture_scale`). Formats:

* basin map CSV — one row per start, ``start_x,start_y,end_x,end_y,f,steps,status,attractor``
  (attractor an id of the JSON's list, −1 for none); JSON — the function, the optimiser, the
  grid, the attractors (``id, x, y, f, kind, share, count``) and the share of each outcome;
* sweep CSV — ``optimizer,lr,final_f,steps,status``; JSON — the same per optimiser, with the
  stability edges and the Hessian's eigenvalues at the start;
* hyperparameter map CSV — ``<x name>,<y name>,final_f,steps,status``; JSON — the axes and
  the same as row-major lists, and the Hessian's eigenvalues at the start.

A file of numbers has at most :data:`~gradient_studio.export.limits.MAX_ROWS` rows.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from gradient_studio.engine.basins import KIND_NAMES, BasinMap
from gradient_studio.engine.final import CODES, FinalStates
from gradient_studio.engine.sweeps import HyperMap, Sweep
from gradient_studio.export.atomic import atomic_write
from gradient_studio.export.limits import MAX_ROWS, check_size

MapLike = BasinMap | Sweep | HyperMap
FORMATS = (".png", ".svg", ".csv", ".json")


def write_map(
    path: str | Path,
    m: MapLike,
    objective: Any = None,
    *,
    size: tuple[int, int] = (1200, 900),
    name: str = "",
    measure: str = "final_f",
) -> Path:
    """Write ``m`` to ``path`` in the format its extension names; ``objective`` (the
    function) titles pictures and is recorded in JSON; ``name`` (a preset's) heads the
    title; ``measure`` is what a sweep's picture shows (``final_f`` or ``steps``)."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise ValueError(
            f"unknown file type {path.suffix or '(none)'!r}; use one of {' '.join(FORMATS)}"
        )
    if ext in (".csv", ".json"):
        check_rows(m)
        text = map_csv(m) if ext == ".csv" else map_json(m, objective)
        return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    width, height = check_size(size)
    scene, scale = map_scene(m, objective, size=(width, height), name=name, measure=measure)
    if ext == ".png":
        from gradient_studio.export.images import png_bytes

        data = png_bytes(scene.render(width, height, scale=scale))
        return atomic_write(path, lambda tmp: tmp.write_bytes(data))
    from gradient_studio.export._svg import svg_text

    w, h = width / scale, height / scale
    scene.lay_out(w, h)
    title = f"{type(m).__name__}: f(x, y) = {getattr(objective, 'text', '')}"
    svg = svg_text(scene.plot, w, h, width, height, title=title)
    if isinstance(m, BasinMap):  # a basin's pixels are categories: never blur them together
        svg = svg.replace("<image ", '<image style="image-rendering:pixelated" ', 1)
    return atomic_write(path, lambda tmp: tmp.write_text(svg, encoding="utf-8"))


def map_scene(
    m: MapLike,
    objective: Any = None,
    *,
    size: tuple[int, int] = (1200, 900),
    name: str = "",
    measure: str = "final_f",
) -> tuple[Any, float]:
    """The picture of ``m`` laid out at ``size``, and its scale (as ``build_scene``)."""
    from gradient_studio.export.images import picture_scale
    from gradient_studio.scene.basins import BasinScene
    from gradient_studio.scene.sweeps import HyperMapScene, SweepScene

    width, height = check_size(size)
    scale = picture_scale(width, height)
    scene: Any
    if isinstance(m, BasinMap):
        scene = BasinScene()
        scene.set_map(m, objective, name=name)
    elif isinstance(m, Sweep):
        scene = SweepScene()
        scene.set_sweep(m, objective, measure=measure, name=name)
    else:
        scene = HyperMapScene()
        scene.set_map(m, objective, name=name)
    scene.lay_out(width / scale, height / scale)
    return scene, scale


def rows_of(m: MapLike) -> int:
    if isinstance(m, Sweep):
        return len(m.lrs) * len(m.curves)
    return len(m.final)


def check_rows(m: MapLike) -> None:
    rows = rows_of(m)
    if rows > MAX_ROWS:
        raise ValueError(
            f"{rows} rows of numbers are too many for one file; at most {MAX_ROWS} fit "
            "(use a smaller grid)"
        )


def _number(v: float) -> float | None:
    """A value for JSON: nan and infinities are null (JSON has no such numbers)."""
    return float(v) if math.isfinite(v) else None


def _cell(v: float) -> str:
    return (
        repr(float(v)) if math.isfinite(v) else ("nan" if v != v else ("inf" if v > 0 else "-inf"))
    )


def _table(header: list[str], rows: Iterable[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _status(final: FinalStates) -> list[str]:
    return [CODES[c].value for c in final.code.tolist()]


def map_csv(m: MapLike) -> str:
    """The numbers of ``m`` as CSV text (see the module for the columns)."""
    if isinstance(m, BasinMap):
        f = m.final
        status = _status(f)
        return _table(
            ["start_x", "start_y", "end_x", "end_y", "f", "steps", "status", "attractor"],
            (
                [_cell(sx), _cell(sy), _cell(ex), _cell(ey), _cell(fv), n, s, a]
                for (sx, sy), (ex, ey), fv, n, s, a in zip(
                    f.starts.tolist(),
                    f.end.tolist(),
                    f.f.tolist(),
                    f.steps.tolist(),
                    status,
                    m.attractor.tolist(),
                    strict=True,
                )
            ),
        )
    if isinstance(m, Sweep):
        lines = []
        for name, curve in m.curves.items():
            f = curve.final
            for lr, fv, n, s in zip(
                m.lrs.tolist(), f.f.tolist(), f.steps.tolist(), _status(f), strict=True
            ):
                lines.append([name, _cell(lr), _cell(fv), n, s])
        return _table(["optimizer", "lr", "final_f", "steps", "status"], lines)
    f = m.final
    xs = [v for _ in m.ys for v in m.xs.tolist()]
    ys = [v for v in m.ys.tolist() for _ in m.xs]
    return _table(
        [m.x.name, m.y.name, "final_f", "steps", "status"],
        (
            [_cell(x), _cell(y), _cell(fv), n, s]
            for x, y, fv, n, s in zip(
                xs, ys, f.f.tolist(), f.steps.tolist(), _status(f), strict=True
            )
        ),
    )


def _function(objective: Any) -> dict[str, Any]:
    if objective is None:
        return {}
    values: Mapping[str, float] = getattr(objective, "values", {}) or {}
    return {"function": objective.text, "parameters": {k: float(v) for k, v in values.items()}}


def map_json(m: MapLike, objective: Any = None) -> str:
    """The numbers of ``m`` as JSON text (see the module for the fields)."""
    data: dict[str, Any] = _function(objective)
    if isinstance(m, BasinMap):
        data |= {
            "map": "basins",
            "optimizer": {"name": m.choice.name, "hyperparameters": m.choice.resolved},
            "steps": m.steps,
            "grid": {
                "xrange": [float(m.xs[0]), float(m.xs[-1])],
                "yrange": [float(m.ys[0]), float(m.ys[-1])],
                "cols": len(m.xs),
                "rows": len(m.ys),
            },
            "attractors": [a.to_dict() for a in m.attractors],
            "shares": {KIND_NAMES[k]: m.share(k) for k in range(len(KIND_NAMES))},
        }
    elif isinstance(m, Sweep):
        data |= {
            "map": "sweep",
            "start": list(m.start),
            "steps": m.steps,
            "lr": m.lrs.tolist(),
            "optimizers": {
                name: {
                    "hyperparameters": {k: v for k, v in c.choice.resolved.items() if k != "lr"},
                    "final_f": [_number(v) for v in c.final.f.tolist()],
                    "steps": c.final.steps.tolist(),
                    "status": _status(c.final),
                }
                for name, c in m.curves.items()
            },
            "stability": [
                {"optimizer": s.optimizer, "lr": s.lr, "label": s.label} for s in m.marks
            ],
            "hessian_eigenvalues": [_number(v) for v in m.eigenvalues],
        }
    else:
        data |= {
            "map": "hyperparameters",
            "optimizer": {
                "name": m.choice.name,
                "hyperparameters": {
                    k: v for k, v in m.choice.resolved.items() if k not in (m.x.name, m.y.name)
                },
            },
            "start": list(m.start),
            "steps": m.steps,
            "x": _axis(m.x, m.xs.tolist()),
            "y": _axis(m.y, m.ys.tolist()),
            "final_f": _grid(m, [_number(v) for v in m.final.f.tolist()]),
            "steps_taken": _grid(m, m.final.steps.tolist()),
            "status": _grid(m, _status(m.final)),
            "hessian_eigenvalues": [_number(v) for v in m.eigenvalues],
        }
    return json.dumps(data, indent=1, allow_nan=False) + "\n"


def _axis(a: Any, values: list[float]) -> dict[str, Any]:
    return {"name": a.name, "low": a.low, "high": a.high, "log": a.log, "values": values}


def _grid(m: HyperMap, flat: list[Any]) -> list[list[Any]]:
    cols = len(m.xs)
    return [flat[i : i + cols] for i in range(0, len(flat), cols)]


WRITERS: dict[str, Callable[..., Path]] = {ext: write_map for ext in FORMATS}
