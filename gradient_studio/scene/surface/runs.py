"""The runs on the surface: each trajectory's steps laid over the drawn surface, and what of
them shows at a step (the lines behind the heads, and the heads, where the balls rest)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gradient_studio.scene.palette import optimizer_style
from gradient_studio.scene.surface.frame import Strip
from gradient_studio.scene.surface.geometry import Box, Mesh, drape, surface_height
from gradient_studio.scene.surface.program import rgba

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Run:
    """One trajectory, and (once laid) its line over the surface."""

    optimizer: str
    label: str
    colour: str
    points: Array  # (n, 2) data units, up to the step it stopped at
    last: int
    start: tuple[float, float]
    draped: Array  # (m, 3) box coordinates; z is nan off the surface
    index: NDArray[np.intp]  # step k's vertex in ``draped``


def from_trajectories(trajectories: Sequence[Any], colours: Sequence[str] | None) -> list[Run]:
    """Runs from engine ``Trajectory`` objects; ``colours`` is one per trajectory, or None
    for the contour view's (each optimiser's ``optimizer_style(name).colour``)."""
    if colours is not None and len(colours) != len(trajectories):
        raise ValueError(f"{len(colours)} colours for {len(trajectories)} trajectories")
    out = []
    for i, t in enumerate(trajectories):
        colour = colours[i] if colours is not None else optimizer_style(t.optimizer).colour
        # A copy: a running race's arrays fill in place.
        points = np.array(t.points, dtype=np.float64).reshape(-1, 2)
        last = max(0, min(len(points) - 1, int(getattr(t, "stop", len(points) - 1))))
        first = getattr(t, "start", points[0] if len(points) else (0.0, 0.0))
        out.append(
            Run(
                optimizer=str(t.optimizer),
                label=str(getattr(t, "label", t.optimizer)),
                colour=colour,
                points=points[: last + 1],
                last=last,
                start=(float(first[0]), float(first[1])),
                draped=np.empty((0, 3)),
                index=np.empty(0, np.intp),
            )
        )
    return out


def laid(run: Run, mesh: Mesh | None, box: Box) -> Run:
    """``run`` with its line laid over ``mesh`` (heights nan without one)."""
    if mesh is None:
        draped, index = run.points.copy(), np.arange(len(run.points))
        z = np.full(len(draped), np.nan)
    else:
        draped, index = drape(mesh, run.points)
        z = surface_height(mesh, draped[:, 0], draped[:, 1])
    bx, by = box.floor_xy(draped[:, 0], draped[:, 1])
    return replace(run, draped=np.column_stack([bx, by, z]), index=index)


def starts(runs: Sequence[Run]) -> list[tuple[float, float]]:
    """The runs' start points, each once, in order."""
    out: list[tuple[float, float]] = []
    for r in runs:
        if r.start not in out:
            out.append(r.start)
    return out


def at_step(
    runs: Sequence[Run], step: float | None, lift: float
) -> tuple[NDArray[np.float32], list[Strip], NDArray[np.float32], list[str]]:
    """What shows at ``step``: line vertices (lifted by ``lift``) and their strips, one per
    piece on the surface, and the heads with their colours."""
    vertices: list[Array] = []
    strips: list[Strip] = []
    heads: list[Array] = []
    colours: list[str] = []
    first = 0
    for r in runs:
        line, head = upto(r, step)
        colour = rgba(r.colour)
        for piece in _finite_pieces(line):
            piece = piece.copy()
            piece[:, 2] += lift
            vertices.append(piece)
            strips.append(Strip(first, len(piece), colour))
            first += len(piece)
        if head is not None and np.isfinite(head).all():
            heads.append(head)
            colours.append(r.colour)
    lines = np.vstack(vertices).astype(np.float32) if vertices else np.empty((0, 3), np.float32)
    return lines, strips, np.array(heads, np.float32).reshape(-1, 3), colours


def upto(run: Run, step: float | None) -> tuple[Array, Array | None]:
    """The laid line up to ``step`` and the head's point (box coordinates). A step between
    two whole steps puts the head part-way along the segment, as the contour view does."""
    if len(run.draped) == 0:
        return np.empty((0, 3)), None
    if step is None or step >= run.last:
        end = int(run.index[run.last])
        return run.draped[: end + 1], run.draped[end]
    step = max(0.0, step)
    k = int(step)
    at = run.index[k] + (step - k) * (run.index[k + 1] - run.index[k])
    j = int(at)
    t = at - j
    if t == 0.0 or j + 1 >= len(run.draped):
        return run.draped[: j + 1], run.draped[j]
    head = run.draped[j] + t * (run.draped[j + 1] - run.draped[j])
    return np.vstack([run.draped[: j + 1], head]), head


def _finite_pieces(line: Array) -> list[Array]:
    """The stretches of points on the surface (a finite height), each of 2+ points: a run
    that leaves the view or crosses a hole in the domain is drawn in pieces."""
    if len(line) == 0:
        return []
    ok = np.isfinite(line).all(axis=1)
    if ok.all():
        return [line] if len(line) > 1 else []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], ok.astype(np.int8), [0]])))
    return [line[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a > 1]
