"""Text that changes with every race, drawn without rich-text layout: the legend's lines and
the parameter values in the title. They must read right and look exactly as rich text
drew them, whatever was shown before."""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from gradient_studio.engine import OptimizerChoice, Race
from gradient_studio.scene import PlotScene
from gradient_studio.scene.labels import TITLE_PX
from gradient_studio.scene.legend import Run, TextLine
from gradient_studio.scene.overlays import LEGEND_PX
from gradient_studio.scene.palette import TEXT, format_value
from gradient_studio.scene.paths import _legend_runs, _Path

BOWL = "(x - 1)^2 + 4*(y + 0.5)^2"
ROSENBROCK = "(a - x)^2 + b*(y - x^2)^2"


def _bowl_race(*optimizers: OptimizerChoice, steps: int = 12):
    race = Race.create(
        function=BOWL,
        optimizers=list(optimizers),
        starts=[(-2.5, 2.0)],
        steps=steps,
        xrange=(-3.0, 3.0),
        yrange=(-2.0, 2.5),
    )
    return race.run()


def _stamp(paint, transforms, size=(900, 60), scale=1.0) -> np.ndarray:
    """What ``paint(painter, i)`` draws with each of ``transforms`` in turn, as pixels."""
    image = QImage(round(size[0] * scale), round(size[1] * scale), QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(scale)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    for i, transform in enumerate(transforms):
        painter.setTransform(transform)
        paint(painter, i)
    painter.end()
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4).copy()


def _rich(html: str, px: int) -> pg.LabelItem:
    """How pyqtgraph shows ``html``: the rich text these lines stand in for."""
    return pg.LabelItem(html, color=TEXT, justify="left", size=f"{px}px")


def _runs(html: str) -> list[Run]:
    """The runs of a line of rich text with only ``<i>`` in it."""
    parts = re.split(r"<i>(.*?)</i>", html)
    return [Run(text, italic=bool(i % 2)) for i, text in enumerate(parts) if text]


@pytest.mark.parametrize(
    ("html", "px"),
    [
        ("Adam (lr=0.05) · <i>f</i> = 0.112", 13),
        ("Momentum (lr=0.01) · best <i>f</i> = 1e−12", 13),
        ("Gradient descent (lr=0.09) · <i>diverged</i>", 13),
        ("x + <i>f</i>", 17),  # its last glyph leans out
        ("<i>a</i> = 1, <i>b</i> = −0.5", 14),
    ],
)
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_a_text_line_is_rich_text_without_the_document(qapp, html, px, scale):
    rich, line = _rich(html, px), TextLine(_runs(html), px=px, colour=TEXT)
    assert line.natural_size() == rich.item.boundingRect().size()
    assert line.text == rich.item.toPlainText()
    option = QStyleOptionGraphicsItem()
    transform = QPainter().transform().translate(5.25, 7.5)
    ours = _stamp(lambda p, _: line.paint(p), [transform], (400, 40), scale)
    theirs = _stamp(lambda p, _: rich.item.paint(p, option, None), [transform], (400, 40), scale)
    assert (ours[..., :3] != 255).any()
    np.testing.assert_array_equal(ours, theirs)


def _path(f: float, status: str = "converged") -> _Path:
    return _Path(np.zeros((3, 2)), np.array([3.0, 1.0, f]), 2, status, 0)


def test_legend_words_name_the_optimiser_and_its_final_f():
    assert _legend_runs("Adam (lr=0.05)", [_path(0.1123)], None) == (
        Run("Adam (lr=0.05) · "),
        Run("f", italic=True),
        Run(" = 0.112"),
    )
    best = _legend_runs("Adam", [_path(2.0), _path(3.2e-7), _path(np.nan, "diverged")], None)
    assert "".join(r.text for r in best) == "Adam · best f = 3.2e−7"
    failed = _legend_runs("SGD", [_path(np.inf, "left-domain")], None)
    assert failed == (Run("SGD · "), Run("left domain", italic=True))
    assert _legend_runs("A  <b>\n", [_path(1.0)], None)[0] == Run("A <b> · ")  # one line, literal


def test_legend_words_give_f_at_the_step_shown():
    at = [_legend_runs("Adam", [_path(0.5)], step)[-1].text for step in (0, 1, 1.7, 2, 9, None)]
    assert at == [" = 3", " = 1", " = 1", " = 0.5", " = 0.5", " = 0.5"]
    # A run that diverges at its last step still shows its f before it.
    failing = [_path(np.inf, "diverged")]
    assert _legend_runs("SGD", failing, 1)[-1] == Run(" = 1")
    assert _legend_runs("SGD", failing, 2)[-1] == Run("diverged", italic=True)


def test_the_legend_follows_the_step(scene, bowl_result):
    for step in (0, 5, None):
        scene.set_step(step)
        for line, t in zip(scene.legend.lines(), bowl_result.trajectories, strict=True):
            k = t.stop if step is None else step
            assert line.text == f"{t.label} · f = {format_value(float(t.f[k]))}"


def test_the_legend_shows_each_new_races_final_f(scene):
    for steps in (3, 7, 20):
        result = _bowl_race(
            OptimizerChoice("sgd", {"lr": 0.02}), OptimizerChoice("adam", {"lr": 0.05}), steps=steps
        )
        scene.set_trajectories(result.trajectories)
        for line, t in zip(scene.legend.lines(), result.trajectories, strict=True):
            assert line.text == f"{t.label} · f = {format_value(float(t.f[-1]))}"
            assert line.runs == _legend_runs(t.label, [_path(float(t.f[-1]))], None)


def _legend_geometry(scene: PlotScene) -> list[tuple[float, ...]]:
    items = [scene.legend, *(item for row in scene.legend.items for item in row)]
    return [item.geometry().getRect() for item in items]


def test_the_legend_fits_its_words_whatever_came_before(qapp, bowl_result):
    long = _bowl_race(OptimizerChoice("nesterov", {"lr": 0.000123456}), OptimizerChoice("adam"))
    short = _bowl_race(OptimizerChoice("sgd", {"lr": 0.5}), OptimizerChoice("adam"))
    three = _bowl_race(OptimizerChoice("sgd"), OptimizerChoice("adam"), OptimizerChoice("adamax"))
    fresh = PlotScene()
    fresh.set_trajectories(short.trajectories)
    fresh.lay_out(900, 700)
    s = PlotScene()
    for result in (short, long, three, short):  # three optimisers: new rows, then fewer
        s.set_trajectories(result.trajectories)
        for line in s.legend.lines():  # nothing cut off, nothing outside the card
            assert line.size().width() >= line.natural_size().width()
            assert s.legend.rect().contains(line.geometry())
    s.lay_out(900, 700)
    assert _legend_geometry(s) == _legend_geometry(fresh)


def test_a_long_legend_keeps_its_size_frame_after_frame(qapp):
    names = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamax"]
    result = _bowl_race(*(OptimizerChoice(n, {"lr": 0.01}) for n in names), steps=6)
    s = PlotScene()
    s.set_trajectories(result.trajectories)
    sizes = set()
    for step in range(4):  # an animation repaints the legend with every frame
        s.set_step(step)
        s.render(640, 480)
        sizes.add(s.legend.geometry().size().toTuple())
    pitch = [line.geometry().y() for line in s.legend.lines()]
    assert len(sizes) == 1
    assert np.allclose(np.diff(pitch), LEGEND_PX + 11 - 4)  # a line's height, overlapped


def _title_and_reference(s: PlotScene) -> tuple[np.ndarray, np.ndarray]:
    """The title as drawn, and as its whole one-line rich text would be drawn in its place."""
    title, option = s.title, QStyleOptionGraphicsItem()
    parts = [title.item, title.values]

    def paint(p, i):
        if isinstance(parts[i], TextLine):
            parts[i].paint(p)
        else:
            parts[i].paint(p, option, None)

    ours = _stamp(paint, [part.sceneTransform() for part in parts])
    px = title._shown[1]
    rich = _rich(title.texts[0], px)
    theirs = _stamp(lambda p, _: rich.item.paint(p, option, None), [title.item.sceneTransform()])
    return ours, theirs


@pytest.mark.parametrize(
    ("text", "name", "values"),
    [
        (ROSENBROCK, "Rosenbrock", {"a": 1.0, "b": 100.0}),
        (ROSENBROCK, "", {"a": 1.5, "b": 0.000123}),
        ("x + f", "", {"f": 3.0}),  # the formula ends leaning into the values
    ],
)
def test_title_values_are_drawn_as_the_whole_title_would_be(qapp, text, name, values):
    s = PlotScene()
    s.set_title(text, name=name, values=values)
    s.lay_out(900, 700)
    assert s.title.values.isVisible()
    assert s.title.texts[0].startswith(s.title.head)
    ours, theirs = _title_and_reference(s)
    assert (ours[..., :3] != 255).any()
    np.testing.assert_array_equal(ours, theirs)


def test_a_new_value_refits_the_title_at_once(qapp):
    s = PlotScene()
    s.lay_out(420, 600)
    for b in (100.0, 101.5, 0.25):
        s.set_title(ROSENBROCK + " + x y", name="Rosenbrock", values={"a": 1.0, "b": b})
        # No lay_out: a live window repaints now, not at its next resize.
        assert s.title.line_count() > 1
        assert s.title.item.boundingRect().width() <= 420
        assert s.title.item.toPlainText().endswith(f"b = {format_value(b)}")


def test_a_title_looks_the_same_whatever_came_before(qapp):
    titles = [
        (ROSENBROCK, "Rosenbrock", {"a": 1.0, "b": 101.5}),
        ("x + f", "", {"f": 3.0}),
        ("a*(x^2 + y - 11)^2 + b*(x + y^2 - 7)^2 + c*sin(x y)", "Long", {"a": 1, "b": 2, "c": 3}),
        ("x^2 + y^2", "Bowl", None),
        ("", "", {"a": 1.0}),
        (ROSENBROCK, "", {"a": 1.0, "b": 0.000123}),
    ]
    s = PlotScene()
    for width in (330, 560, 900):
        for text, name, values in titles:
            s.set_title(text, name=name, values=values)
            seen = s.render(width, 120)
            fresh = PlotScene()
            fresh.set_title(text, name=name, values=values)
            assert seen == fresh.render(width, 120), (width, text, name)


def test_the_title_shrinks_its_values_with_it(qapp):
    s = PlotScene()
    s.set_title(ROSENBROCK, name="Rosenbrock", values={"a": 1.0, "b": 100.0})
    s.lay_out(900, 700)
    assert s.title.values.px == TITLE_PX
    s.lay_out(560, 700)
    assert s.title._shown[1] < TITLE_PX
    assert s.title.values.px == s.title._shown[1]
    ours, theirs = _title_and_reference(s)
    np.testing.assert_array_equal(ours, theirs)


def _axis_texts(axis) -> list[str]:
    low, high = axis.range
    length = axis.width() if axis.orientation in ("left", "right") else axis.height()
    length = max(length, axis.geometry().width(), axis.geometry().height())
    texts = []
    for spacing, values in axis.tickValues(low, high, length):
        texts += axis.tickStrings(values, 1.0, spacing)
    return texts


def test_no_axis_or_colour_bar_shows_a_scale_factor_after_a_zoom(qapp):
    from gradient_studio.engine import Objective

    scene = PlotScene(grid=(200, 200))
    scene.set_view((-0.0065, 0.0095), (-0.001, 0.001))
    scene.set_objective(Objective.from_text("0.5*x"))  # f from −0.0033 to 0.0048 over the view
    scene.render(800, 600)
    bottom = scene.plot.getAxis("bottom")
    texts = _axis_texts(bottom)
    assert {"−0.006", "−0.004", "0", "0.004", "0.008"} <= set(texts)
    bar = scene.landscape.colour_bar.axis
    for axis in (bottom, scene.plot.getAxis("left"), bar):
        assert "(x" not in axis.labelString()
        assert axis.autoSIPrefixScale == 1.0
    ticks = [text for _, text in scene.scale.ticks()]
    assert "0.004" in ticks and all("e" not in t for t in ticks)


def _contrast(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """WCAG contrast ratio between sRGB colours (last axis)."""
    from gradient_studio.scene.palette import luminance

    la, lb = luminance(a), luminance(b)
    return (np.maximum(la, lb) + 0.05) / (np.minimum(la, lb) + 0.05)


@pytest.mark.parametrize("colormap", ["viridis", "magma", "cividis"])
def test_every_text_in_the_picture_reaches_a_contrast_of_4_5(qapp, rosenbrock_result, colormap):
    from PySide6.QtGui import QColor

    scene = PlotScene(colormap=colormap, grid=(80, 80))
    race = rosenbrock_result.race
    scene.set_view(race.xrange, race.yrange)
    scene.set_objective(rosenbrock_result.objective, name="Rosenbrock")
    scene.set_trajectories(rosenbrock_result.trajectories)
    scene.set_step_counter(True)
    scene.set_step(40)
    # Every glyph on, so that the key beside the legend holds all its lines.
    scene.set_arrows("readable")
    scene.set_field(True)
    scene.set_curvature((-1.0, 1.0))
    scene.render(800, 600)
    axes = [scene.plot.getAxis(k) for k in ("left", "bottom")] + [scene.landscape.colour_bar.axis]
    texts = [(line, line.colour) for line in scene.legend.lines()]
    texts += [(line, line.colour) for line in scene.overlays.key.lines()]
    assert len(scene.overlays.key.lines()) > 10
    texts += [(scene.title, QColor(TEXT)), (scene.step_note.item, QColor(TEXT))]  # not its card
    texts += [(axis, axis.textPen().color()) for axis in axes]
    for item, _ in texts:
        item.setOpacity(0.0)
    behind = scene.render(800, 600)
    for item, _ in texts:
        item.setOpacity(1.0)
    pixels = np.frombuffer(behind.constBits(), np.uint8).reshape(600, -1, 4)[:, :800, 2::-1]
    origin = scene.plot.geometry().topLeft()
    for item, colour in texts:
        # Inside its box, clear of the frame lines and tick marks at its edges.
        own = item.rect() if hasattr(item, "rect") else item.boundingRect()  # not its overhang
        box = item.mapRectToScene(own).translated(-origin).adjusted(3, 3, -3, -3)
        x0, y0 = max(0, int(box.left())), max(0, int(box.top()))
        x1, y1 = min(800, int(box.right())), min(600, int(box.bottom()))
        ground = pixels[y0:y1, x0:x1].reshape(-1, 3)
        assert len(ground), item
        ink = np.array([colour.red(), colour.green(), colour.blue()])
        worst = float(_contrast(ground, ink[None, :]).min())
        assert worst >= 4.5, (type(item).__name__, worst)
