"""Pictures of a race on a model's loss: the landscape and, beside it, the model pane.

:func:`build_model_figure` is what :func:`~gradient_studio.export.images.build_scene` gives
for a model's race: a :class:`ModelFigure`, the window's own
:class:`~gradient_studio.scene.PlotScene` (its axes named after the weights, its title the
loss) on the left and a :class:`~gradient_studio.scene.model_view.ModelView` (the data and
each optimiser's model at the same step) on the right. It answers the calls the PNG and GIF
writers make of a scene, so both draw it unchanged; :func:`figure_svg` puts the two plots'
SVG side by side in one document.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from gradient_studio.export.limits import check_size

if TYPE_CHECKING:
    from PySide6.QtGui import QImage, QPainter

    from gradient_studio.scene import PlotScene
    from gradient_studio.scene.model_view import ModelView

PANE_SHARE = 0.4  # of the picture's width, for the model pane


def is_model_result(result: Any) -> bool:
    """Whether ``result`` is a race on a model's loss (its objective predicts from data)."""
    return callable(getattr(result.objective, "predict", None))


class ModelFigure:
    """The landscape (left) and the model pane (right), painted as one picture."""

    def __init__(self, scene: PlotScene, pane: ModelView, share: float = PANE_SHARE) -> None:
        self.scene = scene
        self.pane = pane
        self.share = share
        self._steps = scene.last_step
        self._step_titles = True

    # -- what the writers call of a scene ----------------------------------------------------
    @property
    def last_step(self) -> int:
        return self.scene.last_step

    @property
    def plot(self) -> Any:
        return self.scene.plot

    def set_step(self, step: float | None) -> None:
        self.scene.set_step(step)
        self.pane.set_step(step)
        self._title_pane(step)

    def set_step_counter(self, show: bool) -> None:
        self.scene.set_step_counter(show)

    def path_colours(self) -> list[str]:
        return self.scene.path_colours()

    @contextlib.contextmanager
    def without(self, part: str) -> Iterator[None]:
        with self.scene.without(part):
            yield

    def widths(self, width: float) -> tuple[float, float]:
        """The logical widths of the landscape and the pane in a picture ``width`` wide."""
        pane = round(width * self.share)
        return width - pane, pane

    def lay_out(self, width: float, height: float) -> None:
        left, right = self.widths(width)
        self.scene.lay_out(left, height)
        self.pane.lay_out(right, height)

    def paint(
        self, painter: QPainter, width: float, height: float, *, background: bool = True
    ) -> None:
        left, right = self.widths(width)
        self.scene.paint(painter, left, height, background=background)
        painter.save()
        painter.translate(left, 0)
        self.pane.paint(painter, right, height)
        painter.restore()

    def render(
        self, width: int, height: int, *, scale: float = 1.0, over: QImage | None = None
    ) -> QImage:
        from gradient_studio.scene.drawing import render_painted

        return render_painted(self.paint, width, height, scale=scale, over=over)

    def _title_pane(self, step: float | None) -> None:
        last = self.scene.last_step
        at = last if step is None else max(0, min(int(step), last))
        self.pane.set_title(f"Step {at}  ·  {self._pane_name}")

    _pane_name = "The data"


def build_model_figure(
    result: Any,
    build_scene: Any,
    *,
    size: tuple[int, int],
    step: float | None,
    style: Any,
) -> tuple[ModelFigure, float]:
    """The figure for a model's ``result`` at ``size`` and ``step``, laid out, and its scale;
    ``build_scene(result, size=…, step=…, style=…)`` builds the landscape's plot."""
    from gradient_studio.export.images import picture_scale
    from gradient_studio.scene.model_view import ModelView

    width, height = check_size(size)
    scale = picture_scale(width, height)
    left = max(1, round(width * (1 - PANE_SHARE)))
    scene, _ = build_scene(
        result, size=(left, height), step=step, style=style, scale=scale, model_pane=False
    )
    objective = result.objective
    race = getattr(result, "race", None)
    a, b = objective.axes
    scene.plot.setLabel("bottom", _name(a))
    scene.plot.setLabel("left", _name(b))
    preset = _model_preset(race)
    normalized = objective.data.standardization is not None
    scene.set_minima(preset.minima if preset is not None and not normalized else ())
    values = getattr(objective, "values", {})
    scene.set_title(
        loss_text(objective.model.text, objective.model.loss),
        name=preset.title if preset is not None else "",
        values=values,
        lhs=f"<i>L</i>({_name(a)}, {_name(b)})",
    )
    pane = ModelView()
    pane.set_objective(objective)
    pane.set_trajectories(result.trajectories, step=step)
    figure = ModelFigure(scene, pane)
    data = objective.data
    figure._pane_name = f"{data.name}, {data.rows:,} rows"
    batches = getattr(objective, "batches", None)  # (normalising: the x axis says so)
    if batches is not None and not batches.full:
        figure._pane_name += f" · batch {batches.size}, seed {batches.seed}"
    figure._title_pane(step)
    figure.lay_out(width / scale, height / scale)
    if scene.legend.collapsed:  # too narrow for its values: the pane names the runs
        scene.legend.setVisible(False)
    else:
        pane.set_legend(False)  # the landscape's names them, with their values
    return figure, scale


def plain_title(result: Any) -> str:
    """The title as plain text (an SVG's ``<title>``)."""
    objective = result.objective
    preset = _model_preset(getattr(result, "race", None))
    a, b = objective.axes
    text = f"L({a}, {b}) = {loss_text(objective.model.text, objective.model.loss)}"
    return f"{preset.title}: {text}" if preset is not None else text


def loss_text(model: str, loss: str) -> str:
    """The loss in the function language, for the title: ``mean((w*x + b - y)^2)``."""
    if loss == "logistic":
        z = _sigmoid_inner(model) or model
        return f"mean(softplus({z}) - y*({z}))"
    return f"mean(({model} - y)^2)"


def _sigmoid_inner(model: str) -> str | None:
    text = model.strip()
    if not (text.startswith("sigmoid(") and text.endswith(")")):
        return None
    inner, depth = text[len("sigmoid(") : -1], 0
    for ch in inner:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return None  # sigmoid(a) * (b): the last bracket is not sigmoid's
    return inner.strip()


def _name(weight: str) -> str:
    from gradient_studio.scene.formula import formula_html

    return formula_html(weight)


def _model_preset(race: Any) -> Any:
    name = getattr(race, "preset", None)
    if not name:
        return None
    from gradient_studio.engine.models import MODEL_PRESETS

    return MODEL_PRESETS.get(name)


def figure_svg(figure: ModelFigure, width: int, height: int, scale: float, title: str) -> str:
    """The figure as one SVG: the landscape's and the pane's own SVG (pyqtgraph's exporter,
    as for a function's picture) side by side, each moved into place as a group (nested
    ``<svg>`` elements would be more direct, but SVG Tiny viewers such as Qt's skip them)."""
    from gradient_studio.export._svg import svg_text

    w, h = width / scale, height / scale
    left, right = figure.widths(w)
    figure.lay_out(w, h)
    parts = []
    offset = 0.0
    for i, (plot, part) in enumerate(((figure.scene.plot, left), (figure.pane.plot, right))):
        text = svg_text(plot, part, h, round(part * scale), height)
        parts.append(_group(text, f"p{i}_", offset))
        offset += part
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.2" baseProfile="tiny" width="{width}" height="{height}" '
        f'viewBox="0 0 {w:g} {h:g}">\n'
        f"<title>{html.escape(title)}</title>\n<desc>Gradient Studio</desc>\n"
        + "\n".join(parts)
        + "\n</svg>\n"
    )


_OPEN = re.compile(r"<svg\b[^>]*>", re.DOTALL)
_IDS = re.compile(r'\bid="([^"]+)"')


def _group(text: str, prefix: str, x: float) -> str:
    """One exported SVG document's drawing as a group moved ``x`` to the right, its ids
    prefixed so the two documents' clip paths cannot collide."""
    opening = _OPEN.search(text)
    if opening is None:
        raise ValueError("the exporter wrote no <svg> element")
    body = text[opening.end() : text.rindex("</svg>")]
    body = re.sub(r"<title>.*?</title>|<desc>.*?</desc>", "", body, flags=re.DOTALL)
    for name in set(_IDS.findall(body)):
        body = body.replace(f'id="{name}"', f'id="{prefix}{name}"')
        body = body.replace(f"url(#{name})", f"url(#{prefix}{name})")
        body = body.replace(f'href="#{name}"', f'href="#{prefix}{name}"')
    return f'<g transform="translate({x:g},0)">{body}</g>'
