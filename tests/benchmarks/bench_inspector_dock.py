"""The step inspector dock per playhead move (issue 14: ≤ 2 ms a step for a 1,000-step run),
beside the straightforward dock measured live in the same run: the engine's own
``StepInspection.html()`` put into a ``QTextBrowser`` with ``setHtml``.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_inspector_dock.py

Each row walks the playhead through the run (a new step every call, as playing does) at a
dock width of 320 px; "+ paint" adds repainting the page, as the next frame does. Ours and
the baseline alternate in blocks of 20 moves (this machine's speed drifts; alternating every
call made each widget's paint pay for the other's); medians.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QTextBrowser

from gradient_studio.engine import OptimizerChoice, Race
from gradient_studio.engine.inspector import StepInspector
from gradient_studio.ui.inspector import StepInspectorDock

STEPS = 1000
MOVES = 400
BLOCK = 20  # moves of one, then of the other
WIDTH = 320
HYPER = {
    "sgd": {},
    "momentum": {},
    "adam": {"lr": 0.01},
    "newton": {"lr": 0.01, "damping": 1.0},
}  # each run lasts its 1,000 steps


def straightforward(browser: QTextBrowser, engine: StepInspector) -> Callable[[int], None]:
    """The baseline dock: the engine's own HTML, set whole."""

    def show(k: int) -> None:
        browser.setHtml(engine.at(k).html())

    return show


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    race = Race.create(
        preset="rosenbrock",
        optimizers=[OptimizerChoice(n, h) for n, h in HYPER.items()],  # type: ignore[arg-type]
        steps=STEPS,
    )
    result = race.run()
    print(f"{'optimiser':<10} {'ours':>7} {'+ paint':>8} {'setHtml':>8} {'+ paint':>8}  (ms)")
    for i, name in enumerate(HYPER):
        last = result.trajectory(i, 0).stop
        dock = StepInspectorDock()
        dock.resize(WIDTH, 900)
        dock.show()
        dock.set_run(result, i, 0, name)
        baseline = QTextBrowser()
        baseline.resize(WIDTH - 12, 820)
        baseline.show()
        engine = StepInspector(result, i, 0)
        app.processEvents()
        times: dict[str, list[float]] = {k: [] for k in ("ours", "ours+", "base", "base+")}
        for block in range(MOVES // BLOCK):
            for key, call, view in (
                ("ours", dock.set_step, dock.browser),
                ("base", straightforward(baseline, engine), baseline),
            ):
                for move in range(block * BLOCK, (block + 1) * BLOCK):
                    k = (move * 7) % (last + 1)  # a new step every call, over the run
                    t0 = time.perf_counter()
                    call(k)
                    t1 = time.perf_counter()
                    view.viewport().repaint()
                    t2 = time.perf_counter()
                    times[key].append(t1 - t0)
                    times[key + "+"].append(t2 - t0)
        m = {k: statistics.median(v) * 1e3 for k, v in times.items()}
        print(
            f"{name:<10} {m['ours']:>7.2f} {m['ours+']:>8.2f} {m['base']:>8.2f} {m['base+']:>8.2f}"
        )
        dock.close()
        baseline.close()


if __name__ == "__main__":
    main()
