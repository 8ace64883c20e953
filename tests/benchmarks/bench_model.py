"""Model-mode benchmarks (issue 15), beside a straightforward numpy implementation measured
live in the same run.

Run: .venv/bin/python tests/benchmarks/bench_model.py

* **race**: 1,000 rows, 3 optimisers (gradient descent, momentum, Adam) × 500 full-batch
  steps through the real runner, for a model on the moment path (``w*x + b``) and two on the
  row path (``w2*tanh(w1*x)``, ``sigmoid(w*x + b)`` with the logistic loss). Target ≤ 20 ms.
  Baseline: the same three optimisers written out in numpy with the gradient by hand
  (``mean(2 r x)`` …), one start each, as anyone would write them.
* **landscape**: the loss of a 1,000-row model on a grid: 100 × 100, and the coarse grid
  the window shows first after a change (:meth:`ModelObjective.coarse_shape`: the full
  400 × 400 on the moment path, else at most 2 M cells × rows, 48 × 48 at 1,000 rows;
  target ≤ 100 ms); the full 400 × 400 grid goes in ~2 MB chunks
  (:meth:`ModelObjective.grid_parts`), and the longest chunk is what a worker holds between
  two chances to stop. Baseline: the loss broadcast over ``(cells, rows)`` in one numpy
  expression, the straightforward way (all of it at once in memory).
* **minibatch**: the same race with batches of 32 rows (each step: the batch's gradient,
  and the loss over every row, which the run records); the baseline likewise, by hand.

Runs alternate with their baseline; medians after a warm-up (the machine is shared).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from gradient_studio.engine import OptimizerChoice, run
from gradient_studio.engine.data import Dataset
from gradient_studio.engine.minibatches import Minibatches
from gradient_studio.engine.models import Model, ModelObjective

ROWS = 1_000
STEPS = 500
REPEAT = 7


def _data() -> dict[str, Dataset]:
    rng = np.random.default_rng(1)
    x_lin = rng.uniform(8, 12, ROWS)
    x = rng.uniform(-3, 3, ROWS)
    return {
        "linear": Dataset("linear-1000", x_lin, 1.5 * x_lin + 4 + rng.normal(0, 0.5, ROWS)),
        "tanh": Dataset("tanh-1000", x, 2 * np.tanh(1.2 * x) + rng.normal(0, 0.1, ROWS)),
        "logistic": Dataset("logistic-1000", x, (x + rng.normal(0, 0.7, ROWS) > 0) * 1.0),
    }


CASES = {
    "w*x + b (moment path)": ("w*x + b", "mse", "linear", (0.2, -8.0), (0.005, 0.005, 0.1)),
    "w2*tanh(w1*x) (row path)": ("w2*tanh(w1*x)", "mse", "tanh", (0.3, -0.4), (0.05,) * 3),
    "sigmoid(w*x+b), logistic":
        ("sigmoid(w*x + b)", "logistic", "logistic", (0.0, -3.0), (1.0, 1.0, 0.1)),
}  # fmt: skip


def _objective(case: str, data: dict[str, Dataset]) -> ModelObjective:
    text, loss, name, _, _ = CASES[case]
    axes = ("w1", "w2") if "tanh" in text else None
    return ModelObjective.build(Model.parse(text, loss, axes), data[name])


def _ours(objective: ModelObjective, case: str) -> Callable[[], object]:
    _, _, _, start, lrs = CASES[case]
    choices = [
        OptimizerChoice(n, {"lr": lr})
        for n, lr in zip(("sgd", "momentum", "adam"), lrs, strict=True)
    ]
    return lambda: run(objective, choices, [start], STEPS, tol=0.0)


def _numpy_gradient(case: str, x: np.ndarray, y: np.ndarray) -> Callable[[float, float], tuple]:
    if case.startswith("w*x"):

        def grad(a: float, b: float) -> tuple:
            r = a * x + b - y
            return float(np.mean(r * r)), 2 * float(np.mean(r * x)), 2 * float(np.mean(r))
    elif "tanh" in case:

        def grad(a: float, b: float) -> tuple:
            t = np.tanh(a * x)
            r = b * t - y
            return (
                float(np.mean(r * r)),
                2 * float(np.mean(r * b * (1 - t * t) * x)),
                2 * float(np.mean(r * t)),
            )
    else:

        def grad(a: float, b: float) -> tuple:
            z = a * x + b
            s = 1 / (1 + np.exp(-z))
            return (
                float(np.mean(np.logaddexp(0, z) - y * z)),
                float(np.mean((s - y) * x)),
                float(np.mean(s - y)),
            )

    return grad


def _baseline(
    case: str, data: dict[str, Dataset], batches: Minibatches | None = None
) -> Callable[[], object]:
    """Gradient descent, momentum and Adam by hand, one start each, 500 steps (with
    ``batches``: each step's gradient on the same rows as ours, the loss on every row)."""
    _, _, name, start, lrs = CASES[case]
    d = data[name]
    x, y = np.asarray(d.x), np.asarray(d.y)
    full = _numpy_gradient(case, x, y)
    if batches is None:
        grad = full
    else:
        drawn = [batches.rows_at(k) for k in range(STEPS)]
        cursor = iter(range(10**9))

        def grad(a: float, b: float) -> tuple:
            rows = drawn[next(cursor) % STEPS]
            f = full(a, b)[0]
            _, ga, gb = _numpy_gradient(case, x[rows], y[rows])(a, b)
            return f, ga, gb

    def race() -> object:
        out = []
        for rule, lr in zip(("sgd", "momentum", "adam"), lrs, strict=True):
            p = np.array(start, dtype=float)
            m = np.zeros(2)
            v = np.zeros(2)
            for k in range(1, STEPS + 1):
                _, ga, gb = grad(p[0], p[1])
                g = np.array([ga, gb])
                if rule == "sgd":
                    p = p - lr * g
                elif rule == "momentum":
                    m = 0.9 * m + g
                    p = p - lr * m
                else:
                    m = 0.9 * m + 0.1 * g
                    v = 0.999 * v + 0.001 * g * g
                    p = p - lr * (m / (1 - 0.9**k)) / (np.sqrt(v / (1 - 0.999**k)) + 1e-8)
            out.append(p)
        return out

    return race


def _grid_baseline(case: str, data: dict[str, Dataset], n: int) -> Callable[[], object]:
    name = CASES[case][2]
    d = data[name]
    x, y = np.asarray(d.x), np.asarray(d.y)
    a, b = np.meshgrid(np.linspace(-1, 4, n), np.linspace(-12, 14, n))
    a, b = a.reshape(-1, 1), b.reshape(-1, 1)

    def grid() -> object:
        if case.startswith("w*x"):
            r = a * x + b - y
            return (r * r).mean(axis=1)
        if "tanh" in case:
            r = b * np.tanh(a * x) - y
            return (r * r).mean(axis=1)
        z = a * x + b
        return (np.logaddexp(0, z) - y * z).mean(axis=1)

    return grid


def _alternate(ours: Callable[[], object], base: Callable[[], object], repeat: int) -> tuple:
    ours()
    base()
    a, b = [], []
    for _ in range(repeat):
        t = time.perf_counter()
        ours()
        a.append(time.perf_counter() - t)
        t = time.perf_counter()
        base()
        b.append(time.perf_counter() - t)
    return statistics.median(a) * 1e3, statistics.median(b) * 1e3


def _chunks(objective: ModelObjective) -> tuple[float, float, int]:
    """The full 400 × 400 grid by parts: total ms, the longest part's ms, the parts."""
    times = []
    t0 = time.perf_counter()
    last = t0
    parts = 0
    for _ in objective.grid_parts((-1, 4), (-12, 14), (400, 400)):
        now = time.perf_counter()
        times.append(now - last)
        last = now
        parts += 1
    return (last - t0) * 1e3, max(times) * 1e3, parts


def main() -> None:
    data = _data()
    print(f"Model mode, {ROWS:,} rows (medians of {REPEAT}, alternating with the baseline)\n")
    print(f"{'':34} {'ours ms':>9} {'numpy ms':>9} {'target':>8}")
    for case in CASES:
        objective = _objective(case, data)
        ours, base = _alternate(_ours(objective, case), _baseline(case, data), REPEAT)
        print(f"race 3 x {STEPS} steps  {case:<24} {ours:9.1f} {base:9.1f} {'≤ 20':>8}")
    for case in CASES:
        objective = _objective(case, data)
        schedule = Minibatches(ROWS, 32, 0)
        batches = objective.with_batches(schedule)
        ours, base = _alternate(_ours(batches, case), _baseline(case, data, schedule), 3)
        print(f"race, batches of 32    {case:<24} {ours:9.1f} {base:9.1f} {'':>8}")
    for case in CASES:
        objective = _objective(case, data)
        ours, base = _alternate(
            lambda o=objective: o.grid((-1, 4), (-12, 14), (100, 100)),
            _grid_baseline(case, data, 100),
            REPEAT,
        )
        print(f"grid 100 x 100         {case:<24} {ours:9.1f} {base:9.1f} {'≤ 100':>8}")
    for case in CASES:
        objective = _objective(case, data)
        shape = objective.coarse_shape((400, 400))
        ours, base = _alternate(
            lambda o=objective, s=shape: o.grid((-1, 4), (-12, 14), s),
            _grid_baseline(case, data, 100),
            REPEAT,
        )
        name = f"coarse {shape[0]} x {shape[1]}"
        print(f"{name:<22} {case:<24} {ours:9.1f} {base:9.1f} {'≤ 100':>8}")
    for case in CASES:
        objective = _objective(case, data)
        runs = [_chunks(objective) for _ in range(3)]
        total = statistics.median(r[0] for r in runs)
        longest = statistics.median(r[1] for r in runs)
        print(
            f"full grid 400 x 400    {case:<24} {total:9.1f} {'':>9} {'':>8}"
            f"  ({runs[0][2]} parts, longest {longest:.1f} ms)"
        )


def _slider_step(rows: int) -> None:
    """A slider drag's engine and pane work, no window: the parameter moved, the race rerun
    (3 optimisers × 300 steps), the coarse landscape, the pane redrawn at the playhead."""
    from gradient_studio.scene.model_view import ModelView

    rng = np.random.default_rng(2)
    x = rng.uniform(-2, 2, rows)
    cases = {
        "w^L*x + b, L slider": ("w^L*x + b", ("w", "b"), x + 0.5, "L", (1.12, 0.0)),
        "w2*tanh(w1*x) + c, c slider":
            ("w2*tanh(w1*x) + c", ("w1", "w2"), 2 * np.tanh(1.2 * x), "c", (0.3, -0.4)),
    }  # fmt: skip
    view = ModelView()
    choices = [OptimizerChoice(n, {"lr": 0.01}) for n in ("sgd", "momentum", "adam")]
    for name, (text, axes, y, slider, start) in cases.items():
        data = Dataset("d", x, y + rng.normal(0, 0.1, rows))
        base = ModelObjective.build(Model.parse(text, "mse", axes), data, {slider: 1.0})
        values = iter(np.linspace(0.5, 3.0, 1000))

        def step(
            base: ModelObjective = base, slider: str = slider, values: Any = values, start=start
        ) -> None:
            objective = base.with_values({slider: float(next(values))})
            result = run(objective, choices, [start], 300)
            objective.grid((-2, 2), (-2, 3), objective.coarse_shape((400, 400)))
            view.set_objective(objective)
            view.set_trajectories(result.trajectories, step=150)

        def pane_only(values: Any = values) -> None:
            view.set_step(float(next(values)) * 10)

        total = statistics.median(_times(step, 9))
        pane = statistics.median(_times(pane_only, 50))
        print(
            f"slider step, {rows:>5} rows  {name:<28} {total:7.1f} ms"
            f"   (pane.set_step {pane:.2f} ms)"
        )
    view.widget.close()


def _times(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1e3)
    return out


if __name__ == "__main__":
    main()
    print("\nSlider to frame (engine and model pane; the window's paint is not included):")
    for n in (100, 1_000):
        _slider_step(n)
