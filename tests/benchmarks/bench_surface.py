"""3-D view benchmarks: a slider step redrawn, the surface turned, the view opened.

Run (software OpenGL, as on a machine without a GPU):
    LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a .venv/bin/python tests/benchmarks/bench_surface.py
(without a display it starts a private Xvfb itself). ``--quick`` runs fewer repeats.

Targets (issue 18): slider to frame with the 3-D view open <= 33 ms median (the contour
redraw takes ~15 ms of that: the 3-D view's share is measured here alone); turning a
200 x 200 surface at >= 30 frames a second under Mesa's llvmpipe; opening the view adds
<= 100 ms (the first OpenGL context and the first picture).

The live baseline beside each figure is the straightforward pyqtgraph.opengl version: a
``GLSurfacePlotItem`` with ``computeNormals`` and the default shader, coloured by the same
colour map, a ``GLLinePlotItem`` per path and a ``GLScatterPlotItem`` for the heads, drawn by
``GLViewMixin.paint`` into a framebuffer and read back (``QOpenGLWidget`` itself cannot draw
on Qt's headless platform). It needs PyOpenGL, which the project does not (``pip install
PyOpenGL``); without it that column reads n/a. Runs alternate between the two; medians.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: virtual_display
from timing import median_ms  # tests/benchmarks/timing.py, beside this script
from virtual_display import ensure_display

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LIBGL_ALWAYS_SOFTWARE", "1")

SIZE = (640, 480)  # a dock beside the contour view
GRID = (400, 400)  # the window's contour grid, which the 3-D view is handed


def alternate(
    ours: Callable[[], object], base: Callable[[], object] | None, repeat: int
) -> tuple[float, float | None]:
    """Medians of ``ours`` and ``base``, timed in alternating blocks (the machine drifts)."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(3):
        a.append(median_ms(ours, repeat))
        if base is not None:
            b.append(median_ms(base, repeat))
    return statistics.median(a), (statistics.median(b) if b else None)


def slider_races(count: int) -> list[tuple[Any, Any, Any]]:
    """Rosenbrock with ``b`` dragged from 100 to 60: the grid and the three paths each time."""
    from gradient_studio.engine import OptimizerChoice, Race

    out = []
    for k in range(count):
        race = Race.create(
            preset="rosenbrock",
            parameters={"b": 100.0 - 40.0 * k / max(count - 1, 1)},
            optimizers=[
                OptimizerChoice("sgd"),
                OptimizerChoice("momentum"),
                OptimizerChoice("adam"),
            ],
            steps=300,
        )
        result = race.run()
        grid = result.objective.grid(race.xrange, race.yrange, shape=GRID)
        out.append((race, result, grid))
    return out


# -- ours ------------------------------------------------------------------------------------
def ours_scene(races: list[Any]) -> Any:
    from gradient_studio.scene.surface.scene import SurfaceScene

    race, result, grid = races[0]
    scene = SurfaceScene()
    scene.set_view(race.xrange, race.yrange, evaluate=False)
    scene.set_grid(*grid)
    scene.set_trajectories(result.trajectories)
    scene.render(*SIZE)
    return scene


def ours_step(
    scene: Any, races: list[Any], *, coarse: bool = False, draw: bool = True
) -> Callable[[], None]:
    i = iter(range(10**9))

    def step() -> None:
        _, result, grid = races[next(i) % len(races)]
        scene.set_grid(*grid)
        scene.set_trajectories(result.trajectories)
        scene.set_step(150)
        if draw:
            scene.render(*SIZE, coarse=coarse)
        else:
            scene.heads()  # the paths laid on the new surface, all but the drawing

    return step


def ours_turn(scene: Any, *, coarse: bool = False) -> Callable[[], None]:
    def turn() -> None:
        scene.orbit(2.0, 0.0)
        scene.render(*SIZE, coarse=coarse)

    return turn


# -- the straightforward pyqtgraph.opengl version ------------------------------------------------
def baseline(races: list[Any]) -> Any | None:
    try:
        import pyqtgraph.opengl as gl  # needs PyOpenGL
        from OpenGL import GL
    except ImportError:
        return None
    import numpy as np
    from pyqtgraph.opengl.GLViewWidget import GLViewMixin
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QOffscreenSurface, QOpenGLContext
    from PySide6.QtOpenGL import QOpenGLFramebufferObject

    from gradient_studio.scene.palette import ColourScale, colormap_lut

    class View(GLViewMixin, QObject):  # type: ignore[misc]
        def width(self) -> int:
            return SIZE[0]

        def height(self) -> int:
            return SIZE[1]

        def devicePixelRatioF(self) -> float:
            return 1.0

        def update(self) -> None:
            pass

        def isValid(self) -> bool:
            return True

    context = QOpenGLContext()
    context.create()
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    context.makeCurrent(surface)
    view = View()
    view.setBackgroundColor("w")
    view.setCameraPosition(distance=10, elevation=55, azimuth=-105)
    fbo = QOpenGLFramebufferObject(*SIZE, QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
    items: dict[str, Any] = {}
    lut = colormap_lut("viridis").astype(np.float32) / 255.0

    def show(race: Any, result: Any, grid: Any) -> None:
        xs, ys, z = grid
        xs, ys, z = xs[::2], ys[::2], z[::2, ::2]  # 200 x 200, as ours
        scale = ColourScale.fit(z)
        u = scale.u(z)
        t = np.clip((u - scale.low) / (scale.high - scale.low), 0, 1)
        heights = (t * 4.0).T  # GLSurfacePlotItem wants z[x, y]
        colours = lut[(t * 255).astype(int).T]
        if "surface" not in items:
            items["surface"] = gl.GLSurfacePlotItem(
                x=xs, y=ys, z=heights, colors=colours, computeNormals=True
            )
            view.addItem(items["surface"])
        else:
            items["surface"].setData(z=heights, colors=colours)
        for k, tr in enumerate(result.trajectories):
            p = tr.points[:151]
            f = np.clip((scale.u(tr.f[:151]) - scale.low) / (scale.high - scale.low), 0, 1) * 4.0
            pos = np.column_stack([p, f + 0.02])
            if f"line{k}" not in items:
                items[f"line{k}"] = gl.GLLinePlotItem(
                    pos=pos, color=(1, 0.5, 0, 1), width=2.4, antialias=True
                )
                view.addItem(items[f"line{k}"])
            else:
                items[f"line{k}"].setData(pos=pos)
        heads = np.array([[*tr.points[min(150, tr.stop)], 4.0 * 0.5] for tr in result.trajectories])
        if "heads" not in items:
            items["heads"] = gl.GLScatterPlotItem(pos=heads, size=15, color=(1, 0, 0, 1))
            view.addItem(items["heads"])
        else:
            items["heads"].setData(pos=heads)

    def paint() -> None:
        context.makeCurrent(surface)
        fbo.bind()
        GL.glViewport(0, 0, *SIZE)
        view.paint(region=(0, 0, *SIZE), viewport=(0, 0, *SIZE))
        fbo.release()
        fbo.toImage()

    show(*races[0])
    for item in view.items:
        item.initialize()
    paint()
    i = iter(range(10**9))

    def step() -> None:
        show(*races[next(i) % len(races)])
        paint()

    def step_cpu() -> None:
        show(*races[next(i) % len(races)])

    def turn() -> None:
        view.orbit(2.0, 0.0)
        paint()

    return {"step": step, "step_cpu": step_cpu, "turn": turn}


# -- opening the view, in fresh processes --------------------------------------------------------
OPEN = """
import time, sys
from gradient_studio.scene.qt import ensure_app
app = ensure_app()
from gradient_studio.engine import Race
from gradient_studio.scene import PlotScene
race = Race.create(preset="rosenbrock"); result = race.run()
PlotScene()  # the window's contour view is up already
grid = result.objective.grid(race.xrange, race.yrange, shape=(400, 400))
if sys.argv[1] == "warm":
    from gradient_studio.scene.surface import prepare
    prepare()  # the window, idle after its first paint
    app.processEvents()
t0 = time.perf_counter()
if sys.argv[1] == "baseline":
    import pyqtgraph.opengl as gl
    from pyqtgraph.opengl.GLViewWidget import GLViewMixin
    from OpenGL import GL
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QOpenGLContext, QOffscreenSurface
    from PySide6.QtOpenGL import QOpenGLFramebufferObject
    class View(GLViewMixin, QObject):
        width = lambda self: 640
        height = lambda self: 480
        devicePixelRatioF = lambda self: 1.0
        update = lambda self: None
        isValid = lambda self: True
    c = QOpenGLContext(); c.create(); s = QOffscreenSurface(); s.setFormat(c.format()); s.create()
    c.makeCurrent(s)
    view = View()
    xs, ys, z = grid
    item = gl.GLSurfacePlotItem(x=xs[::2], y=ys[::2], z=z[::2, ::2].T / 500.0, computeNormals=True)
    view.addItem(item); item.initialize()
    both = QOpenGLFramebufferObject.Attachment.CombinedDepthStencil
    fbo = QOpenGLFramebufferObject(640, 480, both)
    fbo.bind(); GL.glViewport(0, 0, 640, 480)
    view.paint(region=(0, 0, 640, 480), viewport=(0, 0, 640, 480))
    fbo.toImage()
else:
    from gradient_studio.ui.surface_view import SurfaceView
    view = SurfaceView()
    view.scene.set_view(race.xrange, race.yrange, evaluate=False)
    view.scene.set_grid(*grid)
    view.scene.set_trajectories(result.trajectories)
    view.resize(640, 480); view.show()
    while view.canvas.frames == 0:
        app.processEvents()
print((time.perf_counter() - t0) * 1e3)
"""


def open_ms(kind: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", OPEN, kind], capture_output=True, text=True, check=True
        )
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def main() -> None:
    quick = "--quick" in sys.argv
    repeat = 5 if quick else 15
    ensure_display()
    from gradient_studio.scene.qt import ensure_app

    ensure_app()
    from gradient_studio.scene.surface import opengl_available

    ok, renderer = opengl_available()
    if not ok:
        raise SystemExit(f"no OpenGL here: {renderer}")
    races = slider_races(6)
    scene = ours_scene(races)
    base = baseline(races)
    rows = []

    def row(name: str, ours: float, theirs: float | None, target: str) -> None:
        rows.append((name, ours, theirs, target))

    a, b = alternate(ours_step(scene, races), base and base["step"], repeat)
    row("slider step: new grid + paths, drawn (ms)", a, b, "<= 18 (33 - contour's 15)")
    a, _ = alternate(ours_step(scene, races, coarse=True), None, repeat)
    row("  the same, drawn coarse as while dragging (ms)", a, None, "")
    a, b = alternate(ours_step(scene, races, draw=False), base and base["step_cpu"], repeat)
    row("  of which: the numpy work, before any drawing (ms)", a, b, "")
    scene.set_step(None)
    a, b = alternate(ours_turn(scene), base and base["turn"], repeat)
    row("turning, 200 x 200 surface (ms a frame)", a, b, "<= 33 (30 fps)")
    rows.append(("  = frames a second", 1e3 / a, (1e3 / b) if b else None, ">= 30"))
    a, _ = alternate(ours_turn(scene, coarse=True), None, repeat)
    row("  turning while dragging, coarse (ms a frame)", a, None, "<= 33 (30 fps)")
    rows.append(("  = frames a second", 1e3 / a, None, ">= 30"))
    scene.close()
    n = 3 if quick else 5
    cold = [open_ms("cold", 1) for _ in range(n)]
    warm = [open_ms("warm", 1) for _ in range(n)]
    have_base = base is not None
    basic = [open_ms("baseline", 1) for _ in range(n)] if have_base else []
    row(
        "opening the view, first context in the process (ms)",
        statistics.median(cold),
        statistics.median(basic) if basic else None,
        "<= 100",
    )
    row("opening the view after surface.prepare() (ms)", statistics.median(warm), None, "<= 100")

    print(f"OpenGL: {renderer}; picture {SIZE[0]} x {SIZE[1]}; medians of alternating runs")
    print(f"{'':58} {'ours':>9} {'baseline':>9}  target")
    for name, ours_v, base_v, target in rows:
        theirs = f"{base_v:9.1f}" if base_v is not None else f"{'n/a':>9}"
        print(f"{name:58} {ours_v:9.1f} {theirs}  {target}")


if __name__ == "__main__":
    main()
