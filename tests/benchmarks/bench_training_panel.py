"""The training panel's sparkline and one step of a drag, beside a straightforward
pyqtgraph sparkline (a PlotWidget of the same size given the same values).

Each row changes the schedule every call (pct_start of one-cycle moves), so nothing is
served from a cache; the lr values are the engine's in both columns. Each call ends with
the event loop painting what changed (``processEvents``, offscreen), as in the window.
Runs alternate with the baseline and report medians.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_training_panel.py
"""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).parent))
import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication
from timing import median_ms

from gradient_studio.engine.schedules import Schedule
from gradient_studio.engine.transforms import Training
from gradient_studio.ui.sparkline import ScheduleSparkline
from gradient_studio.ui.training_panel import TrainingPanel

ROUNDS = 5  # alternating rounds; each a median of REPEAT calls
REPEAT = 20


def schedules():
    """A new one-cycle every call: pct_start walks through 0.1 … 0.9."""
    for i in itertools.count():
        yield Schedule("onecycle", {"pct_start": 0.1 + (i % 800) / 1000})


def main() -> None:
    app = QApplication.instance() or QApplication([])
    ours = ScheduleSparkline()
    ours.resize(230, 64)
    ours.show()
    theirs = pg.PlotWidget(background="w")
    theirs.getPlotItem().hideAxis("bottom")
    theirs.getPlotItem().hideAxis("left")
    curve = theirs.plot(pen=pg.mkPen("#1f5fa8", width=1.8))
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)
    theirs.resize(230, 64)
    theirs.show()
    panel = TrainingPanel()
    panel.resize(300, 700)
    panel.show()
    app.processEvents()
    print(f"{'steps':>9} {'what':<36} {'median ms':>10}   {'pyqtgraph PlotWidget':>20}")
    for steps in (200, 10_000, 1_000_000):
        fresh = schedules()
        repeat = REPEAT if steps < 1_000_000 else 5

        def sparkline(steps=steps, fresh=fresh):
            ours.set_schedule(next(fresh), steps)
            app.processEvents()  # paints what update() asked for, as the window's loop does

        def baseline(steps=steps, fresh=fresh):
            values = next(fresh).learning_rates(1.0, steps)
            curve.setData(np.arange(1, steps + 1, dtype=np.float64), values)
            app.processEvents()  # the scene and the view paint what changed

        def values_only(steps=steps, fresh=fresh):
            next(fresh).learning_rates(1.0, steps)

        panel.set_training(Training(Schedule("onecycle")), steps=steps)
        slider = panel.findChild(object, "schedule_pct_start")
        values = itertools.cycle(np.linspace(0.1, 0.9, 400).round(4).tolist())

        def drag_step(slider=slider, values=values):
            slider.setValue(next(values))
            app.processEvents()

        rows: dict[str, list[float]] = {"sparkline": [], "baseline": [], "values": [], "drag": []}
        for _ in range(ROUNDS):
            rows["sparkline"].append(median_ms(sparkline, repeat))
            rows["baseline"].append(median_ms(baseline, repeat))
            rows["values"].append(median_ms(values_only, repeat))
            rows["drag"].append(median_ms(drag_step, repeat))
        med = {k: float(np.median(v)) for k, v in rows.items()}
        print(
            f"{steps:>9,} {'sparkline: engine values + paint':<36} {med['sparkline']:>10.3f}"
            f"   {med['baseline']:>20.3f}"
        )
        print(f"{steps:>9,} {'  of which the engine lr values':<36} {med['values']:>10.3f}")
        print(f"{steps:>9,} {'one drag step of the whole panel':<36} {med['drag']:>10.3f}")
    ours.close()
    theirs.close()
    panel.close()


if __name__ == "__main__":
    main()
