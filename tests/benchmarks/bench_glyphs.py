"""Issue 14's numbers for the picture: the arrows at the heads and the curvature glyph add at
most 2 ms to a slider-to-frame redraw; the −∇f field at 25 x 25 recomputes and redraws in
at most 10 ms.

Run: .venv/bin/python tests/benchmarks/bench_glyphs.py [--quick] [--wall]

Each figure is the scene with the glyph beside the same scene without it, alternated round
by round (this machine's speed drifts), medians; the difference is what the glyph costs.
Beside the field, a straightforward baseline measured live: the engine's field as one
data-space ``PlotCurveItem`` (``DescentField.segments``), repainted — what a scene that
drew the quiver with pyqtgraph's stock curve would pay; and beside the head arrows, one
``pg.ArrowItem`` per arrow (pyqtgraph's stock arrow), moved to every head.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZE = (900, 700)
#: The process's CPU time: the other helpers on this 2-core machine take the wall clock
#: from it unevenly (``--wall`` to time by the wall clock instead).
CLOCK = time.perf_counter if "--wall" in sys.argv else time.process_time


def alternate(a: Callable[[], object], b: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median ms of ``a`` and of ``b``, called in turn after a warm-up of both."""
    for f in (a, b, a, b):
        f()
    ta, tb = [], []
    for _ in range(rounds):
        for f, out in ((a, ta), (b, tb)):
            t0 = CLOCK()
            f()
            out.append(CLOCK() - t0)
    return statistics.median(ta) * 1e3, statistics.median(tb) * 1e3


def scenes(optimizers: list[str]) -> tuple[Any, Any, Any, list[Any]]:
    """A plain scene and one with glyphs, both showing the Rosenbrock race, and the races a
    slider on b brings (computed beforehand: the engine's share is bench_engine's)."""
    from gradient_studio.engine import OptimizerChoice, Race, run
    from gradient_studio.scene import PlotScene

    race = Race.create(
        preset="rosenbrock", optimizers=[OptimizerChoice(n) for n in optimizers], steps=500
    )
    result = race.run()
    races = [
        run(result.objective.with_values({"b": 100.0 + i}), race.optimizers, race.starts, 500)
        for i in range(40)
    ]
    made = []
    for _ in range(2):
        scene = PlotScene()
        scene.set_view(race.xrange, race.yrange)
        scene.set_objective(result.objective)
        scene.set_trajectories(result.trajectories, step=250)
        scene.lay_out(*SIZE)
        made.append(scene)
    return made[0], made[1], race, races


def painter(scene: Any) -> Callable[[], None]:
    from PySide6.QtGui import QImage, QPainter

    image = QImage(*SIZE, QImage.Format.Format_RGB32)

    def repaint() -> None:
        p = QPainter(image)
        scene.paint(p, *SIZE)
        p.end()

    return repaint


def slider_rows(optimizers: list[str], rounds: int) -> list[tuple[str, float, float, str]]:
    plain, glyphs, _race, races = scenes(optimizers)
    glyphs.set_arrows("readable")
    glyphs.set_curvature(run=0)
    n = len(optimizers)
    counter = iter(range(10**9))

    def slider(scene: Any) -> Callable[[], None]:
        repaint = painter(scene)

        def redraw() -> None:  # what a parameter's slider does: a new f, new runs, a frame
            i = next(counter) % len(races)
            scene.set_objective(races[i].objective)
            scene.set_trajectories(races[i].trajectories)
            repaint()

        return redraw

    def playhead(scene: Any) -> Callable[[], None]:
        repaint = painter(scene)

        def frame() -> None:
            scene.set_step(next(counter) % 500)
            repaint()

        return frame

    rows = []
    ours, theirs = alternate(slider(glyphs), slider(plain), rounds)
    rows.append((f"slider-to-frame redraw, {n} runs: arrows + glyph", ours, theirs, "+≤ 2 ms"))
    ours, theirs = alternate(playhead(glyphs), playhead(plain), rounds)
    rows.append((f"playhead frame, {n} runs: arrows + glyph", ours, theirs, "+≤ 2 ms"))
    glyphs.set_curvature(None)
    true = "true"
    glyphs.set_arrows(true)
    ours, theirs = alternate(slider(glyphs), slider(plain), rounds)
    rows.append((f"slider-to-frame redraw, {n} runs: true-length arrows", ours, theirs, "+≤ 2 ms"))
    glyphs.set_arrows("off")
    glyphs.set_colouring("gradient_norm")
    ours, theirs = alternate(slider(glyphs), slider(plain), rounds)
    rows.append((f"slider-to-frame redraw, {n} runs: colour by ‖∇f‖", ours, theirs, "(info)"))
    return rows


def stock_arrows(scene: Any, count: int) -> Callable[[], None]:
    """The baseline for the head arrows: pyqtgraph's own ``ArrowItem``, ``count`` of them,
    moved to every head each frame."""
    import math

    import pyqtgraph as pg

    items = [
        pg.ArrowItem(headLen=12, tailLen=34, tailWidth=3, brush="#E69F00") for _ in range(count)
    ]
    for item in items:
        scene.plot.addItem(item)
    repaint = painter(scene)
    counter = iter(range(10**9))

    def frame() -> None:
        k = next(counter) % 500
        scene.set_step(k)
        for i, item in enumerate(items):
            t = scene.paths._paths[i % len(scene.paths._paths)]
            p = t.points[min(k, t.last)]
            item.setPos(float(p[0]), float(p[1]))
            item.setStyle(angle=math.degrees(k * 0.01 + i))
        repaint()

    return frame


def field_rows(rounds: int) -> list[tuple[str, float, float, str]]:
    import numpy as np
    import pyqtgraph as pg

    from gradient_studio.engine.field import descent_field

    plain, glyphs, race, _races = scenes(["sgd", "momentum", "adam"])
    glyphs.set_field(True)
    (x0, x1), (y0, y1) = race.xrange, race.yrange
    views = [((x0 + 0.01 * i, x1 + 0.01 * i), (y0, y1)) for i in range(40)]
    counter = iter(range(10**9))

    def pan(scene: Any) -> Callable[[], None]:
        repaint = painter(scene)

        def frame() -> None:  # a pan: the landscape and (with it on) the field re-evaluated
            scene.set_view(*views[next(counter) % len(views)])
            repaint()

        return frame

    rows = []
    ours, theirs = alternate(pan(glyphs), pan(plain), rounds)
    rows.append(("pan: view + landscape + repaint, with the 25x25 field", ours, theirs, "+≤ 10 ms"))

    # The field alone: recompute over a new view and paint just it, against the stock way.
    item = glyphs.glyphs.field.item
    from PySide6.QtGui import QImage, QPainter

    image = QImage(*SIZE, QImage.Format.Format_RGB32)
    transform = item.sceneTransform()
    curve = pg.PlotCurveItem(connect="finite", antialias=True, pen=pg.mkPen("#ffffff", width=1.5))
    plain.plot.addItem(curve)
    objective = race.objective()

    def ours_field() -> None:
        view = views[next(counter) % len(views)]
        glyphs.glyphs.field.show(objective, *view)
        p = QPainter(image)
        p.setTransform(transform)
        item.paint(p, None, None)
        p.end()

    def stock_field() -> None:
        view = views[next(counter) % len(views)]
        f = descent_field(objective, *view, (25, 25))
        line = f.segments(0.6 * (view[0][1] - view[0][0]) / 25)
        curve.setData(line[:, 0], line[:, 1], connect="finite")
        p = QPainter(image)
        p.setTransform(curve.sceneTransform())
        curve.paint(p, None, None)
        p.end()

    ours, theirs = alternate(ours_field, stock_field, rounds)
    rows.append(
        ("  the field alone: recompute + paint (stock: one PlotCurveItem)", ours, theirs, "≤ 10 ms")
    )
    del np
    return rows


def arrow_rows(rounds: int) -> list[tuple[str, float, float, str]]:
    plain, glyphs, _race, _races = scenes(["sgd", "momentum", "adam"])
    glyphs.set_arrows("readable")
    repaint = painter(glyphs)
    counter = iter(range(10**9))

    def ours() -> None:
        glyphs.set_step(next(counter) % 500)
        repaint()

    stock = stock_arrows(plain, 9)
    a, b = alternate(ours, stock, rounds)
    return [("playhead frame, 9 arrows: ours vs 9 pg.ArrowItem", a, b, "(baseline)")]


def main() -> None:
    from gradient_studio.scene.qt import ensure_app

    ensure_app()
    quick = "--quick" in sys.argv
    rounds = 15 if quick else 61
    rows = slider_rows(["sgd", "momentum", "adam"], rounds)
    if not quick:
        from gradient_studio.engine import OPTIMIZERS

        rows += slider_rows(list(OPTIMIZERS), rounds)
    rows += field_rows(rounds)
    rows += arrow_rows(rounds)
    print(f"{'':<66} {'with ms':>8} {'without':>8} {'added':>7}  target")
    for name, ours, theirs, target in rows:
        print(f"{name:<66} {ours:8.2f} {theirs:8.2f} {ours - theirs:+7.2f}  {target}")


if __name__ == "__main__":
    main()
