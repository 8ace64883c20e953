"""The scene as an object: built once, updated in place, rendered without an event loop."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest
from PySide6.QtCore import Qt

from gradient_studio.scene import PlotScene
from gradient_studio.scene.palette import colormap_lut, optimizer_style
from gradient_studio.scene.simplify import clipped as _clip_polyline


def rgb(image, x, y):
    c = image.pixelColor(round(x), round(y))
    return np.array([c.red(), c.green(), c.blue()], dtype=float)


def test_render_has_the_requested_size(scene):
    image = scene.render(900, 700)
    assert (image.width(), image.height()) == (900, 700)
    image = scene.render(1500, 1200, scale=1.5)
    assert (image.width(), image.height()) == (1500, 1200)


def test_updates_happen_in_place(scene, bowl_result):
    items = (scene.landscape.image, scene.contours.light, scene.paths.casing, scene.starts)
    scene.set_colormap("magma")
    scene.set_levels(12)
    scene.set_log_colour(True)
    scene.set_view((-4.0, 4.0), (-3.0, 3.0))
    scene.set_trajectories(bowl_result.trajectories)
    scene.set_step(3)
    scene.set_arrows(True)
    assert items == (scene.landscape.image, scene.contours.light, scene.paths.casing, scene.starts)
    assert scene.scale.log
    with pytest.raises(ValueError):
        scene.set_colormap("rainbow")
    with pytest.raises(ValueError):
        scene.set_levels(0)


def test_the_minimum_is_the_low_end_of_the_colour_map(scene):
    image = scene.render(900, 700)
    x, y = scene.pixel_of(1.0, -0.5)
    low, high = colormap_lut("viridis")[0, :3], colormap_lut("viridis")[-1, :3]
    here = rgb(image, x, y)
    assert np.abs(here - low).max() <= 12
    assert np.abs(here - low).sum() < np.abs(here - high).sum()


def test_a_path_stands_out_from_the_landscape_beneath(scene, bowl_result):
    image = scene.render(900, 700)
    with scene.without("race"):
        landscape = scene.render(900, 700)
    first = bowl_result.trajectories[0].points
    mid = (first[0] + first[1]) / 2  # halfway along the first step
    x, y = scene.pixel_of(*mid)
    assert np.abs(rgb(image, x, y) - rgb(landscape, x, y)).sum() > 60


def test_steps_draw_the_paths_partway_and_fractions_glide(scene, bowl_result):
    scene.set_step(0)
    assert len(scene.paths.heads.points()) == len(bowl_result.trajectories)
    x, y = scene.paths.curves[0].getData()
    assert np.isfinite(x).sum() == 1
    scene.set_step(2.5)
    x, y = scene.paths.curves[0].getData()
    points = bowl_result.trajectories[0].points
    head = points[2] + 0.5 * (points[3] - points[2])
    assert np.allclose([x[np.isfinite(x)][-1], y[np.isfinite(y)][-1]], head)
    scene.set_step(None)
    assert len(scene.paths.heads.points()) == 0  # every path has reached its end marker
    assert scene.last_step == max(t.stop for t in bowl_result.trajectories)


def test_legend_names_each_optimiser_with_its_f(scene, bowl_result):
    lines = scene.legend.lines()
    assert len(lines) == 2
    assert lines[0].text.startswith(bowl_result.trajectories[0].label)
    assert " · f = " in lines[0].text
    assert [run.text for run in lines[0].runs if run.italic] == ["f"]


def test_legend_follows_a_changed_learning_rate(scene, bowl_result):
    from gradient_studio.engine import OptimizerChoice, Race

    race = Race.create(
        function="(x - 1)^2 + 4*(y + 0.5)^2",
        optimizers=[OptimizerChoice("sgd", {"lr": 0.07}), OptimizerChoice("adam", {"lr": 0.05})],
        starts=[(-2.5, 2.0)],
        steps=12,
    )
    scene.set_trajectories(race.run().trajectories)
    texts = [line.text for line in scene.legend.lines()]
    assert len(texts) == 2
    assert texts[0].startswith("Gradient descent (lr=0.07)")
    scene.set_trajectories(bowl_result.trajectories)
    assert scene.legend.lines()[0].text.startswith(bowl_result.trajectories[0].label)


def test_paths_take_their_optimisers_own_colours(scene, bowl_result):
    pens = [curve.opts["pen"].color().name() for curve in scene.paths.curves[:2]]
    names = [t.optimizer for t in bowl_result.trajectories]
    assert pens == [optimizer_style(n).colour.lower() for n in names] == ["#e69f00", "#cc79a7"]


def test_an_optimiser_keeps_its_colour_whatever_else_is_ticked(qapp):
    from gradient_studio.engine import OptimizerChoice, Race
    from gradient_studio.scene import PlotScene

    scene = PlotScene(grid=(20, 20))

    def adam_pen(*names: str) -> str:
        race = Race.create(
            function="x^2 + y^2", optimizers=[OptimizerChoice(n) for n in names], steps=3
        )
        scene.set_trajectories(race.run().trajectories)
        return scene.paths.curves[list(names).index("adam")].opts["pen"].color().name()

    assert adam_pen("sgd", "momentum", "adam") == adam_pen("nesterov", "adam") == adam_pen("adam")


def test_nan_outside_the_domain_is_transparent(qapp):
    class HalfPlane:
        text = "sqrt(x)"
        values: ClassVar[dict[str, float]] = {}

        def grid(self, xrange, yrange, shape):
            rows, cols = shape
            xs = np.linspace(*xrange, cols)
            ys = np.linspace(*yrange, rows)
            with np.errstate(invalid="ignore"):
                return xs, ys, np.sqrt(xs)[None, :].repeat(rows, axis=0)

        def gradient(self, x, y):
            return np.zeros((*np.shape(x), 2))

    s = PlotScene()
    s.set_view((-1.0, 1.0), (-1.0, 1.0))
    s.set_objective(HalfPlane())
    image = s.render(800, 600)
    x, y = s.pixel_of(-0.5, 0.3)
    assert tuple(rgb(image, x, y)) == (255.0, 255.0, 255.0)  # the white ground shows through
    x, y = s.pixel_of(0.5, 0.3)
    assert tuple(rgb(image, x, y)) != (255.0, 255.0, 255.0)


def test_title_shows_the_function_and_fits(qapp, rosenbrock_result):
    s = PlotScene()
    s.set_objective(rosenbrock_result.objective, name="Rosenbrock")
    s.lay_out(800, 600)
    text = s.title.texts[0]
    assert "Rosenbrock" in text and "<sup>2</sup>" in text and "<i>b</i> = 100" in text
    assert s.title.values.isVisible() and s.title.values.text.endswith("a = 1, b = 100")
    s.set_title("(1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6x y + 3y^2)) " * 3, name="Long")
    s.lay_out(800, 600)
    assert s.plot.geometry().width() == 800  # a long title wraps; it never widens the plot
    assert s.title.item.boundingRect().width() <= 800


def test_start_markers_report_drags_and_never_move_themselves(qapp, scene):
    starts = scene.starts
    assert len(starts.starts) == 1
    assert not starts.draggable
    starts.set_draggable(True)
    moved, finished = [], []
    starts.start_moved.connect(lambda i, x, y: moved.append((i, x, y)))
    starts.start_move_finished.connect(lambda i, x, y: finished.append((i, x, y)))
    scene.lay_out(800, 600)

    class Drag:
        def __init__(self, start, finish):
            self._start, self._finish = start, finish
            self.accepted = False

        def button(self):
            from PySide6.QtCore import Qt

            return Qt.MouseButton.LeftButton

        def isStart(self):
            return self._start

        def isFinish(self):
            return self._finish

        def buttonDownPos(self):
            from PySide6.QtCore import QPointF

            return QPointF(*starts.starts[0])

        def pos(self):
            from PySide6.QtCore import QPointF

            return QPointF(0.5, 0.25)

        def accept(self):
            self.accepted = True

        def ignore(self):
            self.accepted = False

    for event in (Drag(True, False), Drag(False, False), Drag(False, True)):
        starts.mouseDragEvent(event)
        assert event.accepted
    assert moved == [(0, 0.5, 0.25), (0, 0.5, 0.25)]
    assert finished == [(0, 0.5, 0.25)]
    np.testing.assert_allclose(starts.starts, [scene.paths._paths[0].points[0]])  # unmoved
    starts.set_draggable(False)
    event = Drag(True, False)
    starts.mouseDragEvent(event)
    assert not event.accepted


def test_clipping_cuts_lines_at_the_box_and_keeps_inside_runs_joined():
    box = (0.0, 1.0, 0.0, 1.0)
    inside = np.array([[0.1, 0.1], [0.5, 0.5], [0.9, 0.2]])
    assert _clip_polyline(inside, box) is inside
    out = _clip_polyline(np.array([[0.5, 0.5], [1.5, 0.5], [0.5, 0.25], [0.2, 0.25]]), box)
    rows = [tuple(r) for r in out]
    assert rows[0] == (0.5, 0.5) and rows[1] == (1.0, 0.5)
    assert np.isnan(rows[2]).all()
    assert rows[3] == (1.0, 0.375) and rows[4] == (0.5, 0.25) and rows[5] == (0.2, 0.25)
    far = _clip_polyline(np.array([[0.5, 0.5], [1e300, 1e300], [np.inf, 0.0]]), box)
    assert np.nanmax(np.abs(far)) <= 1.0


def test_without_restores_every_item(scene):
    before = [item.opacity() for part in scene._parts().values() for item in part]
    with scene.without("landscape"), scene.without("race"):
        pass
    after = [item.opacity() for part in scene._parts().values() for item in part]
    assert before == after


def test_the_widget_embeds_and_exporting_keeps_its_layout(qtbot, bowl_result):
    s = PlotScene()
    qtbot.addWidget(s.widget)
    s.set_view(bowl_result.race.xrange, bowl_result.race.yrange)
    s.set_objective(bowl_result.objective)
    s.set_trajectories(bowl_result.trajectories)
    s.widget.resize(700, 500)
    s.widget.show()
    qtbot.waitExposed(s.widget)
    before = s.plot.geometry()
    image = s.render(1200, 900, scale=1.5)  # an export of what the window shows
    assert (image.width(), image.height()) == (1200, 900)
    assert s.plot.geometry() == before
    shot = s.widget.grab().toImage()
    assert shot.width() >= 700
    assert s.widget.objectName() == "plot_scene"


def test_a_live_window_refits_its_title_as_it_resizes(qtbot, rosenbrock_result):
    s = PlotScene()
    qtbot.addWidget(s.widget)
    s.set_objective(rosenbrock_result.objective, name="Rosenbrock")
    s.set_title("(1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6x y + 3y^2))", name="Long")
    s.widget.resize(1200, 600)
    s.widget.show()
    qtbot.waitExposed(s.widget)
    qtbot.waitUntil(lambda: s.title.line_count() == 1)
    s.widget.resize(420, 600)
    qtbot.waitUntil(lambda: s.title.line_count() > 1)
    assert s.title.item.boundingRect().width() <= 420


def _fourteen(steps: int = 40):
    from gradient_studio.engine import OPTIMIZERS, OptimizerChoice, Race

    race = Race.create(
        preset="rosenbrock", optimizers=[OptimizerChoice(n) for n in OPTIMIZERS], steps=steps
    )
    return race.run()


def test_the_legend_fits_inside_the_plot_even_with_all_fourteen(qapp):
    from gradient_studio.scene import PlotScene

    result = _fourteen()
    for size in ((800, 600), (640, 480), (500, 360), (1600, 1000)):
        scene = PlotScene(grid=(40, 40))
        scene.set_view(result.race.xrange, result.race.yrange)
        scene.view_pixels(*size)  # laid out at that size first, as the exporters do
        scene.set_trajectories(result.trajectories)
        scene.lay_out(*size)
        view = scene.plot.vb.sceneBoundingRect()
        assert view.contains(scene.legend.sceneBoundingRect()), size
    assert not PlotScene().legend.collapsed


def _folded_fourteen(qapp):
    """A 360x260 scene with all fourteen racing: too small for the open legend."""
    from gradient_studio.scene import PlotScene

    scene = PlotScene(grid=(40, 40))
    result = _fourteen()
    scene.set_view(result.race.xrange, result.race.yrange)
    scene.view_pixels(360, 260)
    scene.set_trajectories(result.trajectories)
    scene.lay_out(360, 260)
    return scene, result


def test_a_legend_too_big_for_its_view_folds_and_a_click_opens_it(qapp):
    scene, _ = _folded_fourteen(qapp)
    legend = scene.legend
    assert legend.collapsed and legend.heading.text == "▸ legend (14)"
    heading = legend.heading.geometry()
    assert heading.width() >= legend.heading.natural_size().width() > 50  # shown whole
    assert legend.rect().contains(heading)
    assert not any(line.isVisible() for line in legend.lines())
    legend.set_collapsed(False)  # what a click does
    assert not legend.collapsed and all(line.isVisible() for line in legend.lines())


def test_new_rows_for_a_folded_legend_replace_the_old_without_a_qt_warning(qapp):
    from PySide6.QtCore import qInstallMessageHandler

    scene, result = _folded_fourteen(qapp)
    assert scene.legend.collapsed
    said: list[str] = []
    previous = qInstallMessageHandler(lambda _kind, _where, text: said.append(text))
    try:
        scene.set_trajectories(result.trajectories[:3])  # a new race while folded
        scene.lay_out(800, 600)
    finally:
        qInstallMessageHandler(previous)
    assert said == []
    assert len(scene.legend.lines()) == 3
    scene.legend.set_collapsed(False)
    assert all(line.isVisible() for line in scene.legend.lines())


def test_a_click_on_the_legend_is_the_legends(qapp, scene):
    scene.lay_out(800, 600)
    box = scene.legend.sceneBoundingRect()
    assert scene.over_legend(box.center())
    assert not scene.over_legend(scene.plot.vb.sceneBoundingRect().center())

    class Click:
        accepted = False

        def button(self):
            return Qt.MouseButton.LeftButton

        def accept(self):
            self.accepted = True

        def ignore(self):
            self.accepted = False

    click = Click()
    scene.legend.mouseClickEvent(click)
    assert click.accepted and scene.legend.collapsed  # accepted: not a click on the landscape
    scene.legend.mouseClickEvent(click)
    assert not scene.legend.collapsed


def test_the_legend_goes_where_it_covers_least_of_the_race(qapp):
    from gradient_studio.engine import OptimizerChoice, Race
    from gradient_studio.scene import PlotScene

    # A race along the top of the view, right to left: the legend goes below it.
    race = Race.create(
        function="(y - 1.6)^2 + 0.01*x^2",
        optimizers=[OptimizerChoice("sgd", {"lr": 0.2}), OptimizerChoice("adam", {"lr": 0.1})],
        starts=[(1.9, 1.9)],
        steps=200,
        xrange=(-2.0, 2.0),
        yrange=(-2.0, 2.0),
    )
    result = race.run()
    scene = PlotScene(grid=(40, 40))
    scene.set_view(race.xrange, race.yrange)
    scene.view_pixels(800, 600)
    scene.set_trajectories(result.trajectories)
    scene.lay_out(800, 600)
    legend, view = scene.legend.sceneBoundingRect(), scene.plot.vb.sceneBoundingRect()
    assert legend.center().y() > view.center().y()  # a bottom corner
