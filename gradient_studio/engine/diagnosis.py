"""How each run ended, in words a person can act on.

Each run ends with one :class:`~gradient_studio.engine.results.Status`, decided from the
first step that triggers one:

* ``diverged`` — a point is not finite or |x| or |y| exceeds 1e8, or f or ∇f is infinite;
  the run keeps the last good step;
* ``left-domain`` — f is undefined (nan) at the new point; the run keeps the step before
  (a start outside the domain keeps the start);
* ``converged`` — ‖∇f‖ fell below the tolerance; the run keeps that step;
* ``max-steps`` — none of the above within the steps.

A run that goes off to infinity with f falling all the way is not a learning rate that is
too large: the function has no minimum there (a saddle, ``x^3``). See
:func:`unbounded_below` for the rule; such runs say so instead of "try a smaller learning
rate", whether they diverged or ran out of steps.

A run that ran out of steps on a plateau — the gradient vanishing while f is still far above
the best value seen (by any run of the race, or the function's known minimum) — is told so,
with what helps: see :func:`compare`, which looks at the whole race once it has finished.

After its last step a run's arrays repeat that step, so they hold no nan or inf.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import NamedTuple, Protocol

import numpy as np
from numpy.typing import NDArray

from gradient_studio.engine.objective import Objective
from gradient_studio.engine.results import Batch, RunResult, Status

Array = NDArray[np.float64]

BOUND = 1e8
TOLERANCE = 1e-8
FAR = 2.0  # how many times further out than its start a run must end to have run off
UNBOUNDED = "f decreases without bound"


class Ending(IntEnum):
    """Why a step ends its run (or that it does not): the codes :func:`diagnose` returns
    for every start at once, each leading to one status."""

    GOING = 0
    OUT_OF_BOUNDS = 1
    UNDEFINED = 2
    INFINITE = 3
    CONVERGED = 4

    @property
    def status(self) -> Status:
        return _STATUS[self]


_STATUS = {
    Ending.GOING: Status.RUNNING,
    Ending.OUT_OF_BOUNDS: Status.DIVERGED,
    Ending.UNDEFINED: Status.LEFT_DOMAIN,
    Ending.INFINITE: Status.DIVERGED,
    Ending.CONVERGED: Status.CONVERGED,
}


class Event(NamedTuple):
    """Run ``start`` ended at step ``step`` for ``ending``."""

    start: int
    step: int
    ending: Ending


def diagnose(p: Array, f: Array, norm: Array, tol: float) -> NDArray[np.int64]:
    """Per start, the :class:`Ending` code of the step with points ``p`` (2, m), values
    ``f`` and gradient norms ``norm``. The first reason that applies wins."""
    with np.errstate(invalid="ignore"):
        out_of_bounds = ~(np.abs(p) <= BOUND).all(axis=0)
        codes: NDArray[np.int64] = np.select(
            [out_of_bounds, np.isnan(f), ~np.isfinite(f) | ~np.isfinite(norm), norm < tol],
            [Ending.OUT_OF_BOUNDS, Ending.UNDEFINED, Ending.INFINITE, Ending.CONVERGED],
            Ending.GOING,
        )
        return codes


def settle(batch: Batch, event: Event) -> None:
    """Record how run ``event.start`` ended at step ``event.step``."""
    j, k, ending = event
    x, y = batch.points[k, j]
    where = f"({x:.4g}, {y:.4g})"
    note = ""
    if ending == Ending.CONVERGED:
        stop = k
    elif ending == Ending.UNDEFINED:
        stop = k - 1
        note = f"left the domain at step {k}: f is undefined at {where}"
        if k == 0:
            note = f"left the domain at step 0: the start {where} is outside the domain"
    elif ending == Ending.INFINITE:
        stop = k - 1
        note = (
            f"diverged at step {k}: f or its gradient is infinite at {where}"
            " — try a smaller learning rate"
        )
    else:
        stop = k - 1
        note = f"gradient exploded at step {k}: try a smaller learning rate or clip the gradient"
    batch.status[j] = ending.status
    batch.stop[j] = max(stop, 0)
    batch.notes[j] = (note,) if note else ()
    if ending != Ending.CONVERGED:
        batch.trouble[j] = k


class FinalState(Protocol):
    """What a stepper can say about a run's optimiser state at its end."""

    @property
    def columns(self) -> range: ...

    def final_state(self, j: int) -> dict[str, float]: ...


def finish(batch: Batch, steppers: Sequence[FinalState]) -> None:
    """Close every run still going as max-steps, repeat each run's last step after it,
    tell a function without a minimum from a learning rate that is too large, and add
    what the optimiser has to say about each run."""
    batch.done = batch.steps + 1
    for j, status in enumerate(batch.status):
        if status == Status.RUNNING:
            batch.status[j] = Status.MAX_STEPS
            batch.stop[j] = batch.steps
    for j in _far_off(batch):
        last = int(batch.stop[j])
        if unbounded_below(batch.f[: last + 1, j], batch.points[: last + 1, j]):
            note = f"{UNBOUNDED}: {_short(batch.f[last, j])} at step {last}"
            batch.notes[j] = (f"{note} — this function has no minimum here",)
    notes = batch.choice.spec.notes
    if notes is not None:
        owner = {j: s for s in steppers for j in s.columns}
        for j in range(len(batch.status)):
            batch.notes[j] = (*batch.notes[j], *notes(owner[j].final_state(j)))
    for short in np.flatnonzero(batch.stop < batch.steps).tolist():
        j, last = int(short), int(batch.stop[short])
        batch.store[last + 1 :, :, j] = batch.store[last, :, j]
        batch.f[last + 1 :, j] = batch.f[last, j]
        batch.grad_norm[last + 1 :, j] = batch.grad_norm[last, j]


def _far_off(batch: Batch) -> NDArray[np.intp]:
    """The runs that diverged or ran out of steps far from where they began: the only
    ones :func:`unbounded_below` can be true of (found for every start at once)."""
    n = len(batch.status)
    ends = batch.points[batch.stop, np.arange(n)]
    far = np.hypot(*ends.T) >= FAR * np.maximum(1.0, np.hypot(*batch.points[0].T))
    off = np.array([s in (Status.DIVERGED, Status.MAX_STEPS) for s in batch.status])
    return np.flatnonzero(far & off)


def unbounded_below(f: Array, points: Array) -> bool:
    """Whether a run's values ``f`` and ``points`` (one row per step) show a function with
    no minimum along the path, rather than a step too large for a bowl or a run that is
    still on its way to a minimum.

    A step too large for a bowl overshoots: each step lands higher, so f *grows* while the
    point flies off. A run on its way to a minimum slows down: f falls by less each step.
    With no minimum the point goes off downhill without slowing: over the last fifth of the
    run (at least two steps) f fell at nine steps in ten and ends at the run's lowest, it fell
    by at least as much in the second half of that stretch as in the first, the point moved
    away from the origin at nine steps in ten, and it ended at least twice as far out as it
    started (and at least 2 away)."""
    n = len(f)
    if n < 3:
        return False
    tail = max(2, (n - 1) // 5)
    drops = -np.diff(f[-tail - 1 :])
    radius = np.hypot(points[-tail - 1 :, 0], points[-tail - 1 :, 1])
    half = tail // 2
    early, late = drops[:half].mean() if half else drops[0], drops[half:].mean()
    start, end = float(np.hypot(*points[0])), float(radius[-1])
    return bool(
        (drops > 0).mean() >= 0.9
        and f[-1] <= f.min()
        and late >= early
        and (np.diff(radius) > 0).mean() >= 0.9
        and end >= FAR * max(1.0, start)
    )


def _short(v: float) -> str:
    """A value in a sentence: ``-121``, ``-6.5e9``."""
    if 1e-3 <= abs(v) < 1e5:
        return f"{v:.3g}"
    mantissa, _, exponent = f"{v:.2g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


# -- notes that need the whole race ---------------------------------------------------------

PLATEAU = "stalled on a plateau"
LOCAL_MINIMUM = "stopped in a local minimum"
MOVED = 0.05  # a stalled run moved less than this share of its distance to the best point
EXPLAINS = 0.1  # the slope or curvature towards the best point explains less than this


def compare(
    result: RunResult,
    minimum: float | None = None,
    minima: Sequence[tuple[float, float]] = (),
) -> None:
    """Tell the runs that stalled on a plateau or stopped in a local minimum, once the race
    has finished.

    Both are runs that ended with f far above the best value known — the lowest f any run
    of the race reached, or the function's known ``minimum`` at ``minima`` — without the
    gradient to get there: following ∇f from the last point towards the best point, the
    slope (gᵀd) would close less than a tenth of the gap. (For a quadratic bowl it closes
    twice the gap, so a slow run in a stretched bowl is never called either.) Then the
    curvature along the way tells the two apart:

    * **plateau** (a vanishing gradient): the run ran out of steps while moving less than
      5% of the way, and f barely curves towards the best point either (½ dᵀHd under a
      tenth of the gap): tanh or a sigmoid far out, a flat shelf;
    * **local minimum**: f curves up around the last point (a bowl, λ₁ > 0): the run is in
      a hollow with a lower one elsewhere.

    Running it again replaces its notes, so a caller that knows the minimum may repeat it."""
    ours = (PLATEAU, LOCAL_MINIMUM)
    for batch in result.batches:
        batch.notes = [
            tuple(n for n in notes if not n.startswith(ours)) if notes else notes
            for notes in batch.notes
        ]
    if any(n.startswith(UNBOUNDED) for b in result.batches for ns in b.notes if ns for n in ns):
        return  # f has no minimum along some run: "far above the best" means nothing here
    best, where = _best(result, minimum, minima)
    if best is None:
        return
    known = minimum is not None and best == minimum
    than = (
        f"the function's minimum, {_short(best)}"
        if known
        else f"the best value seen, {_short(best)}"
    )
    for batch, j, note in _stuck(result.objective, result.batches, best, where, than):
        batch.notes[j] = (note, *batch.notes[j])


def _best(
    result: RunResult, minimum: float | None, minima: Sequence[tuple[float, float]]
) -> tuple[float | None, NDArray[np.float64]]:
    """The lowest f known — a run's or the function's minimum — and the points it is at.
    (A finished run's arrays repeat its last step, so a column's minimum is its run's.)"""
    best, where = np.inf, np.empty((0, 2))
    for batch in result.batches:
        # a run thrown out went through values no descent can reach
        ok = np.array([s in (Status.MAX_STEPS, Status.CONVERGED) for s in batch.status])
        f = np.where(np.isfinite(batch.f) & ok, batch.f, np.inf)
        flat = int(np.argmin(f))
        i, j = divmod(flat, f.shape[1])
        if f[i, j] < best:
            best, where = float(f[i, j]), batch.points[i, j][np.newaxis].copy()
    if minimum is not None and minimum <= best and len(minima):
        best, where = float(minimum), np.asarray(minima, dtype=np.float64)
    return (best if np.isfinite(best) else None), where


def _stuck(
    objective: Objective,
    batches: Sequence[Batch],
    best: float,
    where: NDArray[np.float64],
    than: str,
) -> list[tuple[Batch, int, str]]:
    """The notes of the runs stuck above ``best``: every candidate of every batch looked
    at in one evaluation of ∇f and the Hessian."""
    rows: list[tuple[Batch, int]] = []
    parts: list[tuple[NDArray[np.float64], ...]] = []
    for batch in batches:
        columns = np.arange(len(batch.status))
        end = batch.f[batch.stop, columns]
        ok = np.array([s in (Status.MAX_STEPS, Status.CONVERGED) for s in batch.status])
        above = np.flatnonzero(ok & np.isfinite(end) & (end - best > 1e-9 * max(1.0, abs(best))))
        if len(above):
            stop = batch.stop[above]
            rows += [(batch, j) for j in above.tolist()]
            here, middle = batch.points[stop, above], batch.points[stop // 2, above]
            parts.append((stop.astype(np.float64), here, middle, end[above] - best))
    if not rows:
        return []
    last = np.concatenate([p[0] for p in parts]).astype(np.int64)
    points = np.concatenate([p[1] for p in parts])
    middle = np.concatenate([p[2] for p in parts])
    gaps = np.concatenate([p[3] for p in parts])
    nearest = np.argmin(np.hypot(*(where[np.newaxis] - points[:, np.newaxis]).T), axis=0)
    d = where[nearest] - points
    with np.errstate(all="ignore"):
        g = objective.gradient_at(points)
        h = objective.hessian_at(points)
        slope = np.einsum("mi,mi->m", g, d)
        bend = np.einsum("mi,mij,mj->m", d, h, d) / 2
        lowest = np.linalg.eigvalsh(np.where(np.isfinite(h), h, 0.0))[:, 0]
    limit = EXPLAINS * gaps
    stuck = np.abs(slope) < limit  # else the gradient leads the way down
    bowl = ((lowest > 0) & (bend >= limit)).tolist()
    flat = (np.hypot(*(points - middle).T) < MOVED * np.hypot(*d.T)) & (np.abs(bend) < limit)
    notes = []
    for i in np.flatnonzero(stuck).tolist():
        batch, j = rows[i]
        k = int(last[i])
        f_end = _short(float(batch.f[k, j]))
        if bowl[i]:
            note = (
                f"{LOCAL_MINIMUM}: f = {f_end} at step {k}, above {than} — try another "
                "start, or momentum to carry the run over the rim"
            )
        elif batch.status[j] == Status.MAX_STEPS and flat[i]:
            norm = _short(float(batch.grad_norm[k, j]))
            note = (
                f"{PLATEAU}: ‖∇f‖ = {norm} at step {k} while f = {f_end} is far above "
                f"{than} — try a larger learning rate, an adaptive method (Adam, RMSprop) or "
                "another start"
            )
        else:
            continue
        notes.append((batch, j, note))
    return notes
