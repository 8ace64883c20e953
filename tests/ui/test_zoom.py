"""Zooming the landscape with the wheel, however hard: never an exception or a warning, and
the view stays where its numbers mean something (issue 10, item 8)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from monkey import send_wheel
from PySide6.QtCore import QObject, QPointF

from gradient_studio.ui.zoom import LARGEST, narrowest

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("propagateSizeHints"),  # the offscreen platform's, at show()
]


def wheel(widget, delta: int, *, times: int = 1) -> None:
    """``times`` wheel events of ``delta`` (120 is one notch) over the middle of ``widget``."""
    viewport = widget.viewport()
    for _ in range(times):
        send_wheel(viewport, QPointF(viewport.width() / 2, viewport.height() / 2), delta)


def view_of(window) -> tuple[tuple[float, float], tuple[float, float]]:
    (x0, x1), (y0, y1) = window.scene.plot.vb.viewRange()
    return (x0, x1), (y0, y1)


def assert_sane(window) -> None:
    for low, high in (*view_of(window), *window.session.view):
        assert math.isfinite(low) and math.isfinite(high) and low < high
        assert low >= -LARGEST and high <= LARGEST
        assert high - low >= 0.999 * narrowest(low, high)


def test_zooming_out_1300_notches_stops_at_the_largest_view(qtbot, window):
    view = window.findChild(QObject, "contourView")
    wheel(view, -120, times=1300)  # the 1,251 notches reached ±3.8e161, then nan
    assert_sane(window)
    (x0, x1), _ = view_of(window)
    assert x1 - x0 == pytest.approx(2 * LARGEST)
    wheel(view, -120, times=10)  # and every further notch is quietly nothing
    assert_sane(window)
    with qtbot.waitSignal(window.landscape_updated, timeout=10_000):
        wheel(view, 120)
    assert np.isfinite(window.landscape.xs).all() and abs(window.landscape.xs).max() <= LARGEST


@pytest.mark.parametrize("delta", [2**31 - 1, -(2**31), 120_000, -120_000])
def test_one_huge_wheel_event_zooms_as_ten_notches_do(window, delta):
    view = window.findChild(QObject, "contourView")
    home = window.session.home
    spans = []
    for times, step in ((3, delta), (30, 120 if delta > 0 else -120)):
        window.scene.set_view(*home, evaluate=False)
        (x0, x1), _ = view_of(window)
        wheel(view, step, times=times)
        assert_sane(window)
        (u0, u1), _ = view_of(window)
        spans.append((u1 - u0) / (x1 - x0))
    assert spans[0] == pytest.approx(spans[1], rel=1e-6)
    assert spans[0] < 1 if delta > 0 else spans[0] > 1


@pytest.mark.parametrize("at", [(0.3, 0.3), (7e5, -3e5)])
def test_zooming_in_stops_while_the_grid_still_has_distinct_points(qtbot, window, at):
    window.scene.set_view((at[0] - 1, at[0] + 1), (at[1] - 1, at[1] + 1), evaluate=False)
    view = window.findChild(QObject, "contourView")
    wheel(view, 120, times=400)  # far past the limit: 72 notches reach 1e-9 of the span
    assert_sane(window)
    (x0, x1), _ = view_of(window)
    assert x1 - x0 < 1e-3 * max(1.0, abs(at[0]))  # it did zoom in a long way
    with qtbot.waitSignal(window.landscape_updated, timeout=10_000):
        wheel(view, -120)
    xs, ys = window.landscape.xs, window.landscape.ys
    assert (np.diff(xs) > 0).all() and (np.diff(ys) > 0).all()


def test_the_loss_plot_zooms_its_steps_within_limits_too(window):
    plot = window.findChild(QObject, "lossPlot")
    wheel(plot, -120, times=300)
    wheel(plot, 2**31 - 1, times=5)
    wheel(plot, 120, times=400)
    (x0, x1), _ = plot.getPlotItem().getViewBox().viewRange()
    assert math.isfinite(x0) and math.isfinite(x1) and x1 - x0 >= narrowest(x0, x1) * 0.999
