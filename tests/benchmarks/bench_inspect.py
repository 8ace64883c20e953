"""Issue 14's numbers: the step inspector per playhead move (≤ 2 ms after the first call,
for a 1,000-step run), the −∇f field at 25×25 (≤ 10 ms) and the curvature at a point
(≤ 0.2 ms), each beside a straightforward baseline measured live in the same run.

Run: .venv/bin/python tests/benchmarks/bench_inspect.py

Baselines:

* inspector — replaying the optimiser's state from the start to the playhead on every move
  with its compiled numpy ``(init, update)`` pair: what an inspector without checkpoints
  does (ours also prints the step's text);
* field — ``Objective.gradient`` called point by point over the 625 arrows;
* curvature — ``Objective.value_and_gradient``, ``Objective.hessian_at`` and
  ``numpy.linalg.eigh``;
* log ‖∇f‖ grid — ``Objective.grid``, the f grid it stands in for.

Ours and the baseline alternate round by round (this machine's speed drifts); medians.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable, Iterator

import numpy as np

from gradient_studio.engine import Objective, OptimizerChoice, Race, run
from gradient_studio.engine.curvature import curvature_at
from gradient_studio.engine.diagnosis import compare
from gradient_studio.engine.field import descent_field, gradient_norm_grid
from gradient_studio.engine.inspector import StepInspector
from gradient_studio.engine.kernel import Optimizer

ROUNDS = 41


def alternate(ours: Callable[[], object], baseline: Callable[[], object]) -> tuple[float, float]:
    """Median milliseconds of each, run in turn after a warm-up of both."""
    ours(), baseline()
    a, b = [], []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        ours()
        t1 = time.perf_counter()
        baseline()
        t2 = time.perf_counter()
        a.append(t1 - t0)
        b.append(t2 - t1)
    return statistics.median(a) * 1e3, statistics.median(b) * 1e3


def row(name: str, ours: float, base: float, target: str) -> None:
    print(f"{name:<56} {ours:>9.3f} {base:>11.3f} {base / ours:>8.1f}x  {target}")


def inspector_rows() -> None:
    # learning rates at which every run lasts its 1,000 steps
    hyper = {"sgd": 1e-3, "momentum": 1e-3, "adam": 0.01, "radam": 0.01, "adadelta": 1.0}
    hyper["newton"] = 1e-3
    race = Race.create(
        preset="rosenbrock",
        optimizers=[OptimizerChoice(n, {"lr": lr}) for n, lr in hyper.items()],
        steps=1000,
    )
    result = race.run()
    objective = result.objective
    rng = random.Random(0)
    for i, choice in enumerate(result.choices):
        last = result.trajectory(i, 0).stop
        t0 = time.perf_counter()
        inspector = StepInspector(result, i, 0)
        inspector.at(last)  # the first call: replays the whole run, keeping checkpoints
        first = (time.perf_counter() - t0) * 1e3
        ks = [rng.randrange(0, last + 1) for _ in range(4 * ROUNDS)]
        moves = iter(ks + ks)  # both see the same steps

        def move(inspector: StepInspector = inspector, moves: Iterator[int] = moves) -> object:
            inspector._cache.clear()  # a step not seen before: no help from the cache
            return inspector.at(next(moves)).text()

        optimizer = choice.build()

        def replay(moves: Iterator[int] = moves, optimizer: Optimizer = optimizer) -> object:
            p = result.starts[:1].copy()
            state = optimizer.init(p)
            needs = optimizer.spec.needs_hessian
            for _ in range(next(moves)):
                g = objective.gradient_at(p)
                u, state = optimizer.update(g, state, p, objective.hessian_at(p) if needs else None)
                p = p + u
            return state

        ours, base = alternate(move, replay)
        name = f"inspector + text, {choice.spec.display_name} (first {first:.1f} ms)"
        row(name, ours, base, f"≤ 2 ms ({last} steps)")


def field_rows() -> None:
    objective = Objective.from_text("(1 - x)^2 + 100(y - x^2)^2")
    view = ((-2.0, 2.0), (-1.0, 3.0))

    def ours() -> object:
        return descent_field(objective, *view, (25, 25)).segments(0.1)

    xs = np.linspace(-2, 2, 25)
    ys = np.linspace(-1, 3, 25)

    def pointwise() -> object:
        return [objective.gradient(x, y) for y in ys for x in xs]

    row("−∇f field 25×25 with arrow polylines", *alternate(ours, pointwise), "≤ 10 ms")

    def norm_grid() -> object:
        return gradient_norm_grid(objective, *view, (400, 400))

    def f_grid() -> object:
        return objective.grid(*view, (400, 400))

    row("log ‖∇f‖ grid 400×400 (baseline: f grid)", *alternate(norm_grid, f_grid), "-")


def curvature_rows() -> None:
    objective = Objective.from_text("(1 - x)^2 + 100(y - x^2)^2")
    point = (-1.2, 1.0)

    def ours() -> object:
        return curvature_at(objective, point).condition_number

    def numpy() -> object:
        objective.value_and_gradient(*point)
        return np.linalg.eigh(objective.hessian_at(np.array(point)))

    row("curvature at a point", *alternate(ours, numpy), "≤ 0.2 ms")


def diagnosis_rows() -> None:
    objective = Objective.from_text("20 + x^2 - 10cos(2 pi x) + y^2 - 10cos(2 pi y)")
    starts = np.random.default_rng(0).uniform(-5, 5, (2000, 2))
    result = run(objective, ["sgd", "adam"], starts, 100)

    def ours() -> object:
        compare(result, 0.0, [(0.0, 0.0)])
        return result

    def race() -> object:
        return run(objective, ["sgd", "adam"], starts, 100)

    row("stuck-run notes, 2 × 2000 runs (baseline: the run)", *alternate(ours, race), "-")


def main() -> None:
    print(f"{'':<56} {'ours ms':>9} {'baseline ms':>11} {'ratio':>9}  target")
    inspector_rows()
    field_rows()
    curvature_rows()
    diagnosis_rows()


if __name__ == "__main__":
    main()
