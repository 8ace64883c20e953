"""Map benchmarks: basin maps, sweeps and hyperparameter maps through the compiled kernel,
each beside the numpy path measured live in the same run (alternated call by call), the
first coarse picture before any kernel is ready, compiling a kernel cold and from the disk
cache, and — with torch importable — 10,000 starts x 1,000 Adam steps with full histories
beside torch.optim's batched Adam.

Run: .venv/bin/python tests/benchmarks/bench_maps.py [--quick]
     /tmp/tv-NAME/bin/python tests/benchmarks/bench_maps.py   (a venv with torch, for the last)

Targets (issue 16): basin map 200x200 x 300 Adam steps on Rosenbrock <= 50 ms compiled and
warm, 100x100 <= 10 ms; the first coarse picture <= 50 ms after a change even before the
kernel is ready; a sweep of 14 optimisers x 60 learning rates x 500 steps <= 50 ms; a
hyperparameter map 100x100 x 300 steps <= 50 ms compiled; full histories at least 2x faster
than torch (ratio <= 0.5).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from bench_engine import MANY, alternated, torch_adam  # tests/benchmarks, beside this script

from gradient_studio.engine import OPTIMIZERS, Objective, OptimizerChoice, Training, compiled, run
from gradient_studio.engine.basins import basin_map, refine_basin_maps
from gradient_studio.engine.sweeps import Axis, hyper_map, lr_sweep

ROSENBROCK = Objective.from_text("(1 - x)^2 + 100(y - x^2)^2")
ILL = Objective.from_text("0.5x^2 + 50y^2")
VIEW = ((-2.0, 2.0), (-1.0, 3.0))
ADAM = OptimizerChoice("adam", {"lr": 0.01})


def basins(shape: tuple[int, int], path: bool) -> Callable[[], object]:
    return lambda: basin_map(ROSENBROCK, ADAM, *VIEW, shape, 300, compiled=path)


def sweep(path: bool) -> Callable[[], object]:
    return lambda: lr_sweep(
        ROSENBROCK, list(OPTIMIZERS), (-1.5, 2.0), points=60, steps=500, compiled=path
    )


def phase(name: str, x: Axis, y: Axis, path: bool) -> Callable[[], object]:
    return lambda: hyper_map(ILL, name, x, y, (1.0, 1.0), (100, 100), 300, compiled=path)


def first_picture() -> float:
    """ms from a change (a new parameter value: a function never compiled) to the first,
    coarse basin map, with no kernel ready."""
    times = []
    for i in range(9):
        objective = Objective.from_text(f"(1 - x)^2 + {100 + i}(y - x^2)^2")
        assert compiled.kernel_for(objective, ADAM.spec, Training()) is None
        t0 = time.perf_counter()
        first = next(refine_basin_maps(objective, ADAM, *VIEW, (200, 200), 300))
        times.append((time.perf_counter() - t0) * 1e3)
        assert first.shape == (25, 25) and first.final.path == "numpy"
    return statistics.median(times[1:])


def compile_times() -> tuple[float, float]:
    """A kernel compiled in a fresh process with an empty cache, then loaded from it."""
    code = (
        "import time; t0 = time.perf_counter()\n"
        "from gradient_studio.engine import Objective, OPTIMIZERS, Training, compiled\n"
        "o = Objective.from_text('(1 - x)^2 + 100(y - x^2)^2')\n"
        "t1 = time.perf_counter()\n"
        "compiled.prepare(o, OPTIMIZERS['adam'], Training())\n"
        "print((time.perf_counter() - t1) * 1e3)\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "GRADIENT_STUDIO_CACHE": folder}
        out = [
            float(
                subprocess.run(
                    [sys.executable, "-c", code],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
            for _ in range(2)
        ]
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    repeat = 3 if parser.parse_args().quick else 7
    for name in ("adam", *OPTIMIZERS):  # compile (or load) every kernel before timing
        for objective in (ROSENBROCK, ILL):
            compiled.prepare(objective, OPTIMIZERS[name], Training())
    print(f"{'benchmark':<56} {'ms':>9} {'numpy':>9} {'ratio':>6} {'target':>8}")

    def row(name: str, ms: float, ref: float | None, target: str) -> None:
        beside = f"{ref:>9.1f} {ms / ref:>6.3f}" if ref else f"{'-':>9} {'-':>6}"
        print(f"{name:<56} {ms:>9.1f} {beside} {target:>8}")

    for shape, target in (((200, 200), "<= 50"), ((100, 100), "<= 10")):
        ours, theirs = alternated(basins(shape, True), basins(shape, False), repeat)
        row(f"basin map {shape[0]}x{shape[1]} x 300 Adam steps, Rosenbrock", ours, theirs, target)
    row("first coarse picture (25x25, numpy) after a change", first_picture(), None, "<= 50")
    ours, theirs = alternated(sweep(True), sweep(False), repeat)
    row("sweep 14 optimisers x 60 lrs x 500 steps", ours, theirs, "<= 50")
    lr, momentum = Axis("lr", 1e-4, 0.1, True), Axis("momentum", 0.0, 0.99)
    ours, theirs = alternated(
        phase("momentum", lr, momentum, True), phase("momentum", lr, momentum, False), repeat
    )
    row("hypermap 100x100 x 300, momentum lr x momentum", ours, theirs, "<= 50")
    beta1 = Axis("beta1", 0.0, 0.99)
    ours, theirs = alternated(
        phase("adam", lr, beta1, True), phase("adam", lr, beta1, False), repeat
    )
    row("hypermap 100x100 x 300, Adam lr x beta1", ours, theirs, "<= 50")
    cold, cached = compile_times()
    row("compile the Adam kernel (fresh process, empty cache)", cold, None, "1-2 s")
    row("load the Adam kernel (fresh process, from the cache)", cached, None, "-")
    torch_go = torch_adam(MANY, 1000)
    if torch_go is None:
        print("10,000 starts x 1,000 Adam steps vs torch: torch not importable here")
        return
    obj = ROSENBROCK
    ours, theirs = alternated(
        lambda: run(obj, [OptimizerChoice("adam")], MANY, 1000), torch_go, max(3, repeat // 2)
    )
    print(
        f"{'10,000 x 1,000 Adam, full histories vs torch.optim.Adam':<56} {ours:>9.1f} "
        f"{theirs:>9.1f} {ours / theirs:>6.3f} {'<= 0.5':>8}  (beside: torch)"
    )


if __name__ == "__main__":
    main()
