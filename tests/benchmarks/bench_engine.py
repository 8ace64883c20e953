"""Engine benchmarks: steps per start, steps for many starts, the training tools beside the
bare optimiser, and compiling a function.

Run: .venv/bin/python tests/benchmarks/bench_engine.py [--baseline-tree /path/to/old/checkout]

Every ratio is measured live, the two sides alternated call by call (this machine is shared
and its speed drifts): each training tool against the bare optimiser in the same process;
with ``--baseline-tree``, today's code against that checkout's (run in a child process fed
the same cases in turn); with torch importable, torch.optim's batched Adam. Targets: 1,000
Adam steps from one start ≤ 1 ms; each tool ≤ 1.2x the bare optimiser in both paths;
10,000 starts x 1,000 Adam steps no slower than the baseline tree.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from sympy.core.cache import clear_cache
from timing import median_ms  # tests/benchmarks/timing.py, beside this script

from gradient_studio.engine import (
    Clipping,
    GradientNoise,
    Objective,
    OptimizerChoice,
    Schedule,
    Training,
    run,
)
from gradient_studio.engine.transforms import NoiseDraws

ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"
LONG = " + ".join(
    f"{i % 5 + 1}sin({i % 3 + 1}x + {i % 4}y)cos(x y / {i + 2}) + exp(-(x - {i % 3})^2 / 8)"
    for i in range(8)
)
ONE = (-1.5, 2.0)
MANY = np.random.default_rng(0).uniform(-2, 2, (10_000, 2))
TRAININGS = {
    "cosine schedule": Training(Schedule("cosine")),
    "one-cycle (lr and beta1 per step)": Training(Schedule("onecycle")),
    "clip by norm": Training(clip=Clipping("norm", 1.0)),
    "clip by value": Training(clip=Clipping("value", 1.0)),
    "noise": Training(noise=GradientNoise()),
    "all three (one-cycle, clip norm, noise)": Training(
        Schedule("onecycle"), Clipping("norm", 1.0), GradientNoise()
    ),
}

# The child process runs this with the baseline tree first on sys.path: it reads a case
# ("one" or "many") a line and answers the milliseconds of one run.
CHILD = """
import sys, time
import numpy as np
from gradient_studio.engine import Objective, OptimizerChoice, run
obj = Objective.from_text(sys.argv[1])
adam = [OptimizerChoice("adam")]
cases = {"one": (-1.5, 2.0), "many": np.random.default_rng(0).uniform(-2, 2, (10_000, 2))}
for line in sys.stdin:
    starts = cases[line.strip()]
    t0 = time.perf_counter()
    run(obj, adam, starts, 1000)
    print((time.perf_counter() - t0) * 1e3, flush=True)
"""


def numpy_loop(starts: np.ndarray, steps: int) -> np.ndarray:
    """The straightforward numpy Adam the engine issue compares against (no statuses, no f)."""
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


def torch_adam(starts: np.ndarray, steps: int) -> Callable[[], object] | None:
    """torch.optim's Adam moving every start as one tensor, if torch is importable."""
    try:
        import torch
    except ImportError:
        return None

    def go() -> object:
        p = torch.tensor(starts, dtype=torch.float64)
        opt = torch.optim.Adam([p], lr=1e-3)
        out = torch.empty((steps + 1, *p.shape), dtype=torch.float64)
        out[0] = p
        for k in range(steps):
            x, y = p[:, 0], p[:, 1]
            p.grad = torch.stack([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], 1)
            opt.step()
            out[k + 1] = p
        return out

    return go


def alternated(
    a: Callable[[], object], b: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Medians (ms) of ``a`` and ``b`` called in turn, after one warm-up call each."""
    a(), b()
    ta, tb = [], []
    for _ in range(repeat):
        for fn, times in ((a, ta), (b, tb)):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return statistics.median(ta) * 1e3, statistics.median(tb) * 1e3


class Baseline:
    """Today's cases run by another checkout, one call per request."""

    def __init__(self, tree: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(tree)}
        self.child = subprocess.Popen(
            [sys.executable, "-c", CHILD, ROSENBROCK],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def __call__(self, case: str) -> float:
        assert self.child.stdin and self.child.stdout
        self.child.stdin.write(case + "\n")
        self.child.stdin.flush()
        return float(self.child.stdout.readline())


def against_baseline(
    ours: Callable[[], object], baseline: Baseline, case: str, repeat: int
) -> tuple[float, float]:
    ours(), baseline(case)
    ta, tb = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        ours()
        ta.append((time.perf_counter() - t0) * 1e3)
        tb.append(baseline(case))
    return statistics.median(ta), statistics.median(tb)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline-tree", type=Path, help="a checkout to compare against")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    options = parser.parse_args()
    r1, rn = (15, 3) if options.quick else (41, 7)
    obj = Objective.from_text(ROSENBROCK)
    adam = [OptimizerChoice("adam")]

    def engine(starts: object, training: Training | None = None) -> Callable[[], object]:
        return lambda: run(obj, adam, starts, 1000, training=training)

    print(f"{'benchmark':<58} {'ms':>9} {'beside':>9} {'ratio':>6} {'target':>7}")

    def row(name: str, ms: float, ref: float, target: float | None, what: str) -> None:
        ratio = ms / ref
        if target is None:  # for reading the others, no target of its own
            print(f"{name:<58} {ms:>9.2f} {ref:>9.2f} {ratio:>6.2f} {'-':>7}  {what}")
            return
        flag = "ok" if ratio <= target else "OVER"
        print(f"{name:<58} {ms:>9.2f} {ref:>9.2f} {ratio:>6.2f} {target:>7.2f}  {what} [{flag}]")

    one_ms = median_ms(engine(ONE), r1)
    loop_ms = median_ms(lambda: numpy_loop(np.array([ONE]), 1000), 11)
    print(f"{'1,000 Adam steps, 1 start (target <= 1 ms)':<58} {one_ms:>9.3f}")
    row("  vs a straightforward numpy loop", one_ms, loop_ms, 1.0, "numpy loop")
    baseline = Baseline(options.baseline_tree) if options.baseline_tree else None
    if baseline is not None:
        ours, theirs = against_baseline(engine(ONE), baseline, "one", r1)
        row("  vs the baseline tree", ours, theirs, 1.05, "baseline")
        ours, theirs = against_baseline(engine(MANY), baseline, "many", rn)
        row("10,000 starts x 1,000 Adam steps vs the baseline tree", ours, theirs, 1.0, "baseline")
    torch_go = torch_adam(MANY, 1000)
    if torch_go is not None:
        ours, theirs = alternated(engine(MANY), torch_go, rn)
        row("10,000 starts x 1,000 Adam steps vs torch.optim.Adam", ours, theirs, 0.5, "torch")
    for label, training in TRAININGS.items():
        ours, bare = alternated(engine(ONE, training), engine(ONE), r1)
        row(f"1 start, {label}", ours, bare, 1.2, "bare Adam")
    for label, training in TRAININGS.items():
        ours, bare = alternated(engine(MANY, training), engine(MANY), rn)
        row(f"10,000 starts, {label}", ours, bare, 1.2, "bare Adam")

    def draws() -> None:  # what the noise costs before any step is taken
        noise = NoiseDraws(GradientNoise(), len(MANY), 1000, keep=False)
        for a in range(0, 1000, noise.block_rows):
            noise.rows(a, min(a + noise.block_rows, 1000))

    ours, bare = alternated(draws, engine(MANY), rn)
    row("  the noise draws alone (20M normals)", ours, bare, None, "bare Adam")

    for label, text, cold in (
        ("compile Rosenbrock (parse, grad, Hessian, code)", ROSENBROCK, False),
        (f"compile a {len(LONG)}-character expression", LONG, False),
        (f"  the same, sympy caches cleared first ({len(LONG)} chars)", LONG, True),
    ):
        ms = median_ms(partial(_compile, text, cold=True) if cold else _fresh(text), 7)
        print(f"{label:<58} {ms:>9.2f}  (target 20 ms)")


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
