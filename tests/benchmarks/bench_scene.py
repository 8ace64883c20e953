"""Scene benchmarks: redraw after a parameter change, and whole-process renders to files.

Run: .venv/bin/python tests/benchmarks/bench_scene.py [--quick]
Baselines (this class of machine, from the scene issue): a matplotlib ``contourf`` +
``contour`` + ``draw`` redraw ~100 ms, a straightforward pyqtgraph + contourpy one ~19 ms;
a matplotlib script rendering the Rosenbrock race to PNG ~0.72 s as a whole process;
matplotlib's ``FuncAnimation`` + ``PillowWriter`` ~13 s for the 120-frame GIF. Two of them
are measured here, live, because this machine's speed drifts by half from hour to hour: the
straightforward pyqtgraph + contourpy redraw (:func:`straightforward_redraw`), and the floor
of a render — importing PySide6, pyqtgraph and sympy in a fresh interpreter.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from timing import median_ms  # tests/benchmarks/timing.py, beside this script

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

RACE = [
    "--preset",
    "rosenbrock",
    "--optimizer",
    "sgd",
    "--optimizer",
    "momentum",
    "--optimizer",
    "adam",
    "--steps",
    "500",
]


def process_ms(args: list[str], repeat: int) -> float:
    """Median wall time of a fresh interpreter running ``args`` (with no display)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # render must choose offscreen by itself
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def straightforward_redraw(races: list[Any], xrange: Any, yrange: Any) -> Callable[[], None]:
    """The issue's "straightforward pyqtgraph + contourpy" redraw, to measure beside ours: a
    PlotItem with an ImageItem (viridis, log10 of f), a colour bar, the contour lines of 20
    levels from contourpy as one NaN-separated curve, a 3-pixel antialiased curve per path,
    repainted at 900 x 700. A new race each call, as in ours."""
    import numpy as np
    import pyqtgraph as pg
    from contourpy import LineType, contour_generator
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    widget = pg.PlotWidget(background="w")
    plot = widget.getPlotItem()
    image = pg.ImageItem(axisOrder="row-major")
    plot.addItem(image)
    bar = pg.ColorBarItem(colorMap=pg.colormap.get("viridis"), interactive=False)
    bar.setImageItem(image, insert_in=plot)
    lines = pg.PlotCurveItem(connect="finite", pen=pg.mkPen((0, 0, 0, 100)), antialias=True)
    plot.addItem(lines)
    colours = ["#E69F00", "#56B4E9", "#CC79A7"]
    curves = [plot.plot(pen=pg.mkPen(c, width=3), antialias=True) for c in colours]
    plot.setRange(xRange=xrange, yRange=yrange, padding=0)
    plot.setGeometry(QRectF(0, 0, 900, 700))
    target = QImage(900, 700, QImage.Format.Format_RGB32)
    i = iter(range(10**9))

    def redraw() -> None:
        race = races[next(i) % len(races)]
        xs, ys, z = race.objective.grid(xrange, yrange, shape=(400, 400))
        u = np.log10(z - np.nanmin(z) + 1e-3)
        low, high = float(np.nanmin(u)), float(np.nanmax(u))
        image.setImage(u, autoLevels=False)
        image.setRect(QRectF(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0]))
        bar.setLevels((low, high))
        levels = np.linspace(low, high, 22)[1:-1]
        generator = contour_generator(xs, ys, u, line_type=LineType.ChunkCombinedNan)
        traced = [chunks[0] for (chunks,) in generator.multi_lines(levels) if chunks[0] is not None]
        nan = np.full((1, 2), np.nan)
        points = np.concatenate([part for c in traced for part in (c, nan)])
        lines.setData(points[:, 0], points[:, 1], connect="finite")
        for curve, run in zip(curves, race.trajectories, strict=True):
            curve.setData(run.points[:, 0], run.points[:, 1])
        painter = QPainter(target)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(QRectF(0, 0, 900, 700), QColor("white"))
        widget.scene().render(painter, QRectF(0, 0, 900, 700), plot.geometry())
        painter.end()

    return redraw


def redraw_rows(repeat: int) -> list[tuple[str, float, float | None, str]]:
    from PySide6.QtGui import QImage, QPainter

    from gradient_studio.engine import OptimizerChoice, Race, run
    from gradient_studio.scene import PlotScene

    race = Race.create(
        preset="rosenbrock",
        optimizers=[OptimizerChoice("sgd"), OptimizerChoice("momentum"), OptimizerChoice("adam")],
        steps=500,
    )
    result = race.run()
    base = result.objective
    scene = PlotScene()  # 400 x 400 grid, as the window has it
    scene.set_view(race.xrange, race.yrange)
    scene.set_objective(base)
    scene.set_trajectories(result.trajectories)
    scene.lay_out(900, 700)
    image = QImage(900, 700, QImage.Format.Format_RGB32)
    b = iter(range(10**9))

    def repaint() -> None:
        painter = QPainter(image)
        scene.paint(painter, 900, 700)
        painter.end()

    # The paths a slider drag brings: a different race for every value of b (computed
    # beforehand: the engine's share is measured in bench_engine.py).
    races = [
        run(base.with_values({"b": 100.0 + i}), race.optimizers, race.starts, race.steps)
        for i in range(50)
    ]

    def redraw() -> None:
        # What a parameter slider does: a new b, then the landscape, the paths, the repaint.
        i = next(b) % 50
        scene.set_objective(races[i].objective)
        scene.set_trajectories(races[i].trajectories)
        repaint()

    xs_ys_z = base.grid(race.xrange, race.yrange, shape=(400, 400))
    plain = straightforward_redraw(races, race.xrange, race.yrange)
    ours, theirs = [], []
    for _ in range(5):  # alternated, so that the machine's drift falls on both alike
        ours.append(median_ms(redraw, max(4, repeat // 5)))
        theirs.append(median_ms(plain, max(4, repeat // 5)))
    return [
        (
            "redraw after a parameter change (400x400, 900x700)",
            statistics.median(ours),
            12.0,
            "matplotlib ~100, pyqtgraph+contourpy ~19",
        ),
        (
            "  straightforward pyqtgraph + contourpy, measured now",
            statistics.median(theirs),
            None,
            "~19 when the issue was written",
        ),
        (
            "  of which: evaluate f on the grid",
            median_ms(lambda: base.grid(race.xrange, race.yrange, shape=(400, 400)), repeat),
            None,
            "",
        ),
        (
            "  of which: colours + contour lines",
            median_ms(lambda: scene.set_grid(*xs_ys_z), repeat),
            None,
            "",
        ),
        (
            "  of which: paths + legend",
            median_ms(lambda: scene.set_trajectories(races[next(b) % 50].trajectories), repeat),
            None,
            "",
        ),
        ("  of which: repaint", median_ms(repaint, repeat), None, ""),
        (
            "one animation step (set_step + repaint)",
            median_ms(lambda: (scene.set_step(next(b) % 500), repaint()), repeat),
            None,
            "",
        ),
    ]


def worst_path_rows(repeat: int) -> list[tuple[str, float, float | None, str]]:
    """Issue 10's worst paths: one repaint of the picture with them at 1280 x 820 and at
    2520 x 1265 (the old code took 5.2 s and 14.7 s for the first, 0.52 s for the second)."""
    from PySide6.QtGui import QImage, QPainter

    from gradient_studio.engine import Race
    from gradient_studio.scene import PlotScene

    sys.path.insert(0, str(Path(__file__).parents[1] / "scene"))
    from worst_paths import STEPS, WORST

    rows: list[tuple[str, float, float | None, str]] = []
    for name, options in WORST.items():
        result = Race.create(**options, steps=STEPS).run()
        scene = PlotScene()
        scene.set_view(result.race.xrange, result.race.yrange)
        scene.set_objective(result.objective)
        scene.set_trajectories(result.trajectories)
        for width, height in ((1280, 820), (2520, 1265)):
            scene.lay_out(width, height)
            image = QImage(width, height, QImage.Format.Format_RGB32)

            def repaint(scene: PlotScene = scene, image: QImage = image) -> None:
                painter = QPainter(image)
                scene.paint(painter, image.width(), image.height())
                painter.end()

            with scene.without("landscape"):
                paths = median_ms(repaint, repeat)
            rows.append((f"{name}, {width}x{height}: paths", paths, 30.0, "old: 5200-14700, 520"))
            rows.append(("  whole repaint", median_ms(repaint, repeat), None, ""))
            grow = iter(range(10**9))

            def step(scene: PlotScene = scene, repaint: Any = repaint, grow: Any = grow) -> None:
                scene.set_step(9000 + next(grow) % 1000)
                repaint()

            rows.append(
                ("  one animation step (set_step + repaint)", median_ms(step, repeat), None, "")
            )
    return rows


def main() -> None:
    quick = "--quick" in sys.argv
    rows = redraw_rows(20 if quick else 60)
    rows += worst_path_rows(5 if quick else 15)
    runs = 3 if quick else 7
    with tempfile.TemporaryDirectory() as folder:
        png = str(Path(folder) / "race.png")
        gif = str(Path(folder) / "race.gif")
        floor = process_ms(["-c", "import PySide6.QtWidgets, pyqtgraph, sympy"], runs)
        cli = ["-m", "gradient_studio", "render", *RACE]
        rows += [
            ("import PySide6 + pyqtgraph + sympy (the floor)", floor, None, "~700"),
            (
                "gradient-studio render ... --out race.png (1200x900)",
                process_ms([*cli, "--out", png], runs),
                1000.0,
                "matplotlib ~720",
            ),
            (
                "gradient-studio render ... --out race.gif (120 x 640x480)",
                process_ms([*cli, "--out", gif], max(3, runs - 2)),
                2000.0,
                "matplotlib FuncAnimation ~13000",
            ),
        ]
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  {'median ms':>10}  {'target':>8}  baseline (ms)")
    for name, ms, target, baseline in rows:
        goal = f"{target:>8.0f}" if target is not None else f"{'':>8}"
        flag = "" if target is None else ("  ok" if ms <= target else "  OVER")
        print(f"{name:<{width}}  {ms:>10.1f}  {goal}  {baseline}{flag}")


if __name__ == "__main__":
    main()
