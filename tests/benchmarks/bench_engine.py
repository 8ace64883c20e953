"""Engine benchmarks: steps per start, steps for many starts, and compiling a function.

Run: .venv/bin/python tests/benchmarks/bench_engine.py
Baselines (this class of machine, from the engine issue): torch.optim ~230 ms for 1,000 Adam
steps from one start and ~410 ms for 10,000 starts x 1,000 steps; a straightforward numpy
loop ~14 ms and ~135 ms (measured again here, live, as "numpy loop").
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from sympy.core.cache import clear_cache
from timing import median_ms  # tests/benchmarks/timing.py, beside this script

from gradient_studio.engine import Objective, OptimizerChoice, run

ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"
LONG = " + ".join(
    f"{i % 5 + 1}sin({i % 3 + 1}x + {i % 4}y)cos(x y / {i + 2}) + exp(-(x - {i % 3})^2 / 8)"
    for i in range(8)
)


def numpy_loop(starts: np.ndarray, steps: int) -> np.ndarray:
    """The straightforward numpy Adam the issue compares against (no statuses, no f)."""
    p = starts.copy()
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    out = np.empty((steps + 1, *p.shape))
    out[0] = p
    for k in range(1, steps + 1):
        x, y = p[:, 0], p[:, 1]
        g = np.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], axis=1)
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        p = p - 1e-3 / (1 - 0.9**k) * m / (np.sqrt(v) / math.sqrt(1 - 0.999**k) + 1e-8)
        out[k] = p
    return out


def main() -> None:
    obj = Objective.from_text(ROSENBROCK)
    adam = [OptimizerChoice("adam")]
    one = (-1.5, 2.0)
    many = np.random.default_rng(0).uniform(-2, 2, (10_000, 2))
    rows = [
        (
            "1,000 Adam steps, 1 start (Rosenbrock)",
            median_ms(lambda: run(obj, adam, one, 1000), 30),
            1.0,
            median_ms(lambda: numpy_loop(np.array([one]), 1000), 10),
            "torch.optim ~230",
        ),
        (
            "10,000 starts x 1,000 Adam steps",
            median_ms(lambda: run(obj, adam, many, 1000), 5),
            100.0,
            median_ms(lambda: numpy_loop(many, 1000), 5),
            "torch.optim ~410",
        ),
        (
            "compile Rosenbrock (parse, grad, Hessian, code)",
            median_ms(_fresh(ROSENBROCK), 15),
            20.0,
            float("nan"),
            "sympy diff + lambdify(cse=True) ~11",
        ),
        (
            f"compile a {len(LONG)}-character expression",
            median_ms(_fresh(LONG), 15),
            20.0,
            float("nan"),
            "sympy diff + lambdify(cse=True) ~230",
        ),
        (
            f"  the same, sympy caches cleared first ({len(LONG)} chars)",
            median_ms(lambda: _compile(LONG, cold=True), 7),
            20.0,
            float("nan"),
            "",
        ),
    ]
    print(f"{'benchmark':<54} {'median ms':>10} {'target':>8} {'numpy loop':>11}  baseline")
    for name, ms, target, ref, baseline in rows:
        flag = "ok" if ms <= target else "OVER"
        print(f"{name:<54} {ms:>10.2f} {target:>8.1f} {ref:>11.1f}  {baseline}  [{flag}]")


def _compile(text: str, cold: bool = False) -> None:
    if cold:
        clear_cache()  # sympy remembers results: the worst case, nothing remembered
    d = Objective.from_text(text).derivatives
    d.value_and_gradient_function  # noqa: B018 - code is generated on first use
    d.value_function  # noqa: B018
    d.hessian_function  # noqa: B018


def _fresh(text: str) -> Callable[[], None]:
    """Compile a new variant each time (a constant changes), as when a person edits."""
    counter = iter(range(10**6))
    return lambda: _compile(text.replace("1", f"1.{next(counter) + 1}", 1))


if __name__ == "__main__":
    main()
