"""The loss plot's learning-rate curves: what each step used, per optimiser, on a right-hand
log axis that leaves the plot's own scrubbing alone."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from gradient_studio.engine.race import Race
from gradient_studio.engine.results import OptimizerChoice
from gradient_studio.engine.schedules import Schedule
from gradient_studio.engine.transforms import Training
from gradient_studio.ui.loss_plot import LossPlot
from gradient_studio.ui.lr_curves import LearningRateAxis, lr_curve_items
from gradient_studio.ui.styles import race_styles

STEPS = 60


def race(schedule: str, starts=((-1.5, 2.0),)):
    result = Race.create(
        preset="rosenbrock",
        optimizers=[OptimizerChoice(n) for n in ("sgd", "momentum", "adam")],
        starts=list(starts),
        steps=STEPS,
        training=Training(Schedule.parse(schedule)),
    ).run()
    trajectories = list(result.trajectories)
    styles = race_styles([t.optimizer for t in trajectories])
    return trajectories, [styles[t.optimizer] for t in trajectories]


def attached(qtbot, schedule: str, *, shown: bool = False, loss: bool = False):
    """An lr axis on a fresh plot (the loss plot, with its own curves, if ``loss``), with a
    race's curves; on screen."""
    trajectories, styles = race(schedule)
    widget = LossPlot() if loss else pg.PlotWidget()
    qtbot.addWidget(widget)
    if loss:
        widget.set_trajectories(trajectories, [t.label for t in trajectories], styles)
    axis = LearningRateAxis(widget.getPlotItem())
    axis.set_trajectories(trajectories, styles)
    axis.set_visible(shown)
    widget.resize(400, 200)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, axis, trajectories, styles


def test_each_curve_is_the_learning_rate_its_optimiser_used(qtbot):
    trajectories, styles = race("onecycle")
    items = lr_curve_items(trajectories, styles)
    assert len(items) == 3
    for item, t in zip(items, trajectories, strict=True):
        x, y = item.getOriginalDataset()
        np.testing.assert_array_equal(x, np.arange(t.stop + 1))
        lr = t.hyperparameters["lr"]
        expected = Schedule("onecycle").learning_rates(lr, STEPS)[: t.stop]
        np.testing.assert_allclose(y[1:], expected, rtol=1e-15)
        assert y[0] == y[1]  # row 0, the start, shows the first step's
        assert item.opts["logMode"] == [False, True]


def test_one_curve_per_optimiser_from_many_starts(qtbot):
    trajectories, styles = race("cosine", starts=((-1.5, 2.0), (1.5, -0.5)))
    assert len(trajectories) == 6
    items = lr_curve_items(trajectories, styles)
    assert len(items) == 3
    colours = {item.opts["pen"].color().name() for item in items}
    assert colours == {s.colour.lower() for s in styles}


def test_a_learning_rate_of_zero_is_left_out_not_drawn_at_minus_infinity(qtbot):
    widget, axis, _, _ = attached(qtbot, f"cosine:T_max={STEPS - 1}", shown=True)  # 0 at the end
    widget.grab()  # painted without a warning (warnings are errors here)
    y = axis.curves[0].getOriginalDataset()[1]
    assert np.isnan(y[-1]) and np.all(y[:-1] > 0)


def test_the_lr_axis_shows_and_hides_with_its_curves(qtbot):
    _, axis, trajectories, styles = attached(qtbot, "step:step_size=20")
    assert not axis.axis.isVisible() and not any(c.isVisible() for c in axis.curves)
    axis.set_visible(True)
    assert axis.axis.isVisible() and all(c.isVisible() for c in axis.curves)
    assert axis.axis.labelText == "lr"
    axis.set_trajectories(trajectories[:1], styles[:1])  # a new race: its curves only
    assert len(axis.curves) == 1 and len(axis.view.addedItems) == 1
    assert axis.curves[0].isVisible()


def test_values_at_a_step_are_each_optimisers_lr(qtbot):
    _, axis, trajectories, _ = attached(qtbot, "step:step_size=20,gamma=0.5")
    values = axis.values_at(30)  # step 30 uses torch's epoch 29: one decay
    for t in trajectories:
        assert values[t.optimizer] == pytest.approx(t.hyperparameters["lr"] * 0.5)
    assert axis.values_at(10_000)["sgd"] == trajectories[0].lr[trajectories[0].stop]


def _press_move_release(widget, start: QPoint, end: QPoint) -> None:
    left = Qt.MouseButton.LeftButton
    for kind, at, button, buttons in (
        (QEvent.Type.MouseButtonPress, start, left, left),
        (
            QEvent.Type.MouseMove,
            QPoint((start.x() + end.x()) // 2, start.y()),
            Qt.MouseButton.NoButton,
            left,
        ),
        (QEvent.Type.MouseMove, end, Qt.MouseButton.NoButton, left),
        (QEvent.Type.MouseButtonRelease, end, left, Qt.MouseButton.NoButton),
    ):
        event = QMouseEvent(
            kind,
            QPointF(at),
            QPointF(widget.mapToGlobal(at)),
            button,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(widget, event)


def test_the_playhead_still_drags_through_the_lr_view(qtbot):
    plot, _, _, _ = attached(qtbot, "onecycle", shown=True, loss=True)
    plot.set_step(20)
    vb = plot.getPlotItem().vb
    y = sum(vb.viewRange()[1]) / 2
    start = plot.mapFromScene(vb.mapViewToScene(QPointF(20, y)))
    end = plot.mapFromScene(vb.mapViewToScene(QPointF(40, y)))
    moved = []
    plot.playhead_moved.connect(moved.append)
    _press_move_release(plot.viewport(), start, end)
    assert moved and moved[-1] == pytest.approx(40, abs=1.5)
