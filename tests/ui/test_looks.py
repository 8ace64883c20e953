"""What the window's own widgets look like: readable text, honest axes, agreeing colours."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from gradient_studio.engine import OPTIMIZERS
from gradient_studio.ui import theme
from gradient_studio.ui.loss_plot import PALE, tick_texts
from gradient_studio.ui.styles import race_styles


def find(window, name: str):
    widget = window.findChild(QObject, name)
    assert widget is not None, f"no widget named {name!r}"
    return widget


def style_colour(widget) -> str:
    (colour,) = re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", widget.styleSheet())[:1]
    return colour


# -- contrast --------------------------------------------------------------------------------


def test_contrast_is_the_wcag_ratio():
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert theme.contrast("#b8b8b8", "#efefef") < 2  # palette(mid) on Fusion: what it was


@pytest.mark.parametrize("background", ["#efefef", "#ffffff", "#2b2b2b", "#000000"])
def test_quiet_text_is_quieter_yet_readable_on_any_background(background):
    text = "#000000" if QColor(background).lightness() > 128 else "#ffffff"
    quiet = theme.quiet_colour(text, background)
    assert theme.AA <= theme.contrast(quiet, background) < theme.contrast(text, background)


def test_every_hint_and_note_in_the_window_reaches_aa(window):
    window_colour = window.palette().color(QPalette.ColorRole.Window)
    quiet = [
        find(window, "functionHint"),
        find(window, "viewHint"),
        find(window, "lossReadout"),
        find(window, "parameterPanel").findChild(QLabel),
    ]
    quiet += [box for box in find(window, "param_a").findChildren(QLineEdit)][:2]  # bounds
    for widget in quiet:
        assert theme.contrast(style_colour(widget), window_colour) >= theme.AA, widget
    editor = find(window, "functionEditor")
    placeholder = editor.palette().color(QPalette.ColorRole.PlaceholderText)
    assert theme.contrast(placeholder, editor.palette().color(QPalette.ColorRole.Base)) >= 4.5
    for colour in (theme.ERROR, theme.NOTE, theme.TEXT):  # errors, notes, table text
        assert theme.contrast(colour, window_colour) >= theme.AA
        assert theme.contrast(colour, "#ffffff") >= theme.AA
    hint = find(window, "functionHint")
    assert theme.contrast(style_colour(hint), window_colour) < 10  # and it is quieter


# -- the loss plot's axes and read-out -------------------------------------------------------


def test_tick_texts_keep_one_notation_and_the_minus_sign():
    assert tick_texts([-0.006, -0.004, 0.0, 0.004, 0.008], 0.002) == [
        "−0.006",
        "−0.004",
        "0",
        "0.004",
        "0.008",
    ]
    assert tick_texts([0, 200_000, 400_000], 200_000) == ["0", "200\u2009000", "400\u2009000"]
    assert tick_texts([-2e-7, 0, 2e-7], 2e-7) == ["−2e−7", "0", "2e−7"]
    assert tick_texts([-2.0, -1.0, 0.0, 1.0, 2.0], 1.0, log=True) == [
        "0.01",
        "0.1",
        "1",
        "10",
        "100",
    ]
    assert tick_texts([-20.0, -10.0, 0.0, 10.0], 10.0, log=True) == [
        "10⁻²⁰",
        "10⁻¹⁰",
        "10⁰",
        "10¹⁰",
    ]


def test_the_loss_plot_never_scales_its_axes_and_fits_its_numbers(qtbot, window):
    plot = window.loss.plot
    window.loss.log_box.setChecked(False)  # linear: f in 0.0001 … 0.0004 after a zoom
    plot.getPlotItem().setYRange(-0.0006, 0.0004, padding=0)
    qtbot.wait(50)
    plot.grab()
    left = plot.getPlotItem().getAxis("left")
    assert "x0.001" not in left.labelString() and "(x" not in left.labelString()
    texts = left.tickStrings([-0.0006, 0.0, 0.0004], 1.0, 0.0002)
    assert texts[0] == "−6e−4"  # within ±0.001: powers of ten, as the picture's axes
    # Every tick text fits beside the title, whatever its length: the axis makes room.
    widest = max(plot.fontMetrics().horizontalAdvance(t) for t in texts)
    title = left.label.boundingRect().height() * 0.8
    assert left.width() >= widest + title


def test_hovering_the_loss_plot_shows_every_value_on_the_screen(qtbot, window):
    for name in OPTIMIZERS:
        find(window, f"optimizer_{name}").setChecked(True)
    qtbot.waitUntil(lambda: len(window.loss.plot._runs) == len(OPTIMIZERS), timeout=10_000)
    plot = window.loss.plot
    vb = plot.getPlotItem().vb
    where = plot.mapFromScene(vb.mapViewToScene(QPointF(100, 1.0)))
    plot.scene().sigMouseMoved.emit(plot.mapToScene(where))
    card = find(window, "lossValues")
    assert card.isVisible()
    text = card.text()
    assert re.search(r"step (99|100|101)<", text)  # the step under the pointer, to a pixel
    for spec in OPTIMIZERS.values():
        assert spec.display_name.replace("'", "&#x27;") in text or spec.display_name in text
    assert card.parentWidget() is window
    assert window.rect().contains(card.geometry()), (card.geometry(), window.rect())
    # Near the right-hand edge it goes to the pointer's left, still whole.
    edge = plot.mapFromScene(vb.mapViewToScene(QPointF(window.playback.last, 1.0)))
    plot.scene().sigMouseMoved.emit(plot.mapToScene(edge))
    assert window.rect().contains(card.geometry())
    QApplication.sendEvent(plot, QEvent(QEvent.Type.Leave))
    assert not card.isVisible()


# -- colours ---------------------------------------------------------------------------------


def swatch_colour(image: QImage) -> str:
    """The colour at the middle of a swatch (inside its dark casing)."""
    return image.pixelColor(image.width() // 2, image.height() // 2).name()


def test_each_optimiser_has_one_colour_in_every_view(qtbot, window):
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        find(window, "optimizer_rmsprop").click()
    qtbot.waitUntil(lambda: window._pending_panes is None)
    styles = race_styles(window.session.selected)
    names = [t.optimizer for t in window.result.trajectories]
    picture = {n: g.colour.lower() for n, g in zip(names, window.scene.paths.groups, strict=True)}
    table = find(window, "statusTable")
    for row, name in enumerate(names):
        colour = styles[name].colour.lower()
        assert picture[name] == colour
        swatch = window.optimizer_panel.rows[name].swatch.pixmap().toImage()
        assert swatch_colour(swatch) == colour
        icon = table.item(row, 0).data(Qt.ItemDataRole.DecorationRole).toImage()
        assert swatch_colour(icon) == colour
        assert window.loss.plot.f_curves[row].opts["pen"].color().name() == colour
    assert window.optimizer_panel.rows["nesterov"].swatch.pixmap().isNull()  # not racing


def test_switching_the_loss_scale_over_negative_values_is_quiet(qtbot, window):
    combo = find(window, "presetCombo")
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        combo.activated.emit(combo.findData("six-hump-camel"))  # its minima are below 0
    qtbot.waitUntil(lambda: window._pending_panes is None)
    plot = window.loss.plot
    assert not plot.log_y  # chosen by itself: f is negative
    # A race on a function above 0 switches to log y with the camel's values still shown
    # (the switch measured them on a log scale: nan, and a warning, which is an error here).
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        combo.activated.emit(combo.findData("rosenbrock"))
    qtbot.waitUntil(lambda: window._pending_panes is None)
    assert plot.log_y
    for log in (False, True):
        window.loss.log_box.setChecked(log)
        plot.grab()
    shown = plot.ends.getData()[1]
    assert shown is not None and len(shown) == 3 and np.isfinite(shown).all()


def test_an_unticked_optimiser_leaves_no_curve_behind(qtbot, window):
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        find(window, "optimizer_momentum").click()  # three racing → two
    qtbot.waitUntil(lambda: window._pending_panes is None)
    plot = window.loss.plot
    drawn = [
        c
        for c in (*plot.f_curves, *plot.grad_curves)
        if c.curve.getData()[0] is not None and len(c.curve.getData()[0])
    ]
    assert len(drawn) == 4  # f and ‖∇f‖ for each of the two
    assert len(plot.ends.scatter.data) == 2


def looks(window) -> dict[str, tuple[str, ...]]:
    """Each racing optimiser's colour as the picture, the panel, the table and the loss
    plot show it (and the picture's mark)."""
    table = find(window, "statusTable")
    out = {}
    for row, t in enumerate(window.result.trajectories):
        group = window.scene.paths.groups[row]
        swatch = window.optimizer_panel.rows[t.optimizer].swatch.pixmap().toImage()
        icon = table.item(row, 0).data(Qt.ItemDataRole.DecorationRole).toImage()
        out[t.optimizer] = (
            group.colour.lower(),
            group.marker,
            swatch_colour(swatch),
            swatch_colour(icon),
            window.loss.plot.f_curves[row].opts["pen"].color().name(),
        )
    return out


def test_fourteen_optimisers_keep_their_colours_whatever_else_is_ticked(qtbot, window):
    names = list(OPTIMIZERS)
    seen: dict[str, tuple[str, ...]] = {}
    for name in [n for n in names if n not in window.session.selected]:
        with qtbot.waitSignal(window.trajectories_updated, timeout=10_000):
            find(window, f"optimizer_{name}").click()
        qtbot.waitUntil(lambda: window._pending_panes is None, timeout=10_000)
        for optimizer, look in looks(window).items():
            assert len(set(look[:1] + look[2:])) == 1, (optimizer, look)  # one colour
            assert seen.setdefault(optimizer, look) == look, optimizer  # never changes
    assert len(seen) == 14
    assert len({(look[0], look[1]) for look in seen.values()}) == 14  # all tellable apart
    with qtbot.waitSignal(window.trajectories_updated, timeout=10_000):
        find(window, "optimizer_sgd").click()  # one fewer: the others stay as they were
    qtbot.waitUntil(lambda: window._pending_panes is None, timeout=10_000)
    assert all(seen[n] == look for n, look in looks(window).items())


def test_a_pale_optimiser_is_seen_on_the_white_loss_plot(qtbot, window):
    with qtbot.waitSignal(window.trajectories_updated, timeout=5000):
        find(window, "optimizer_newton").click()  # white, as on the dark landscape
    qtbot.waitUntil(lambda: window._pending_panes is None)
    plot = window.loss.plot
    names = [t.optimizer for t in window.result.trajectories]
    for row, name in enumerate(names):
        colour = plot.f_curves[row].opts["pen"].color()
        cased = plot.casings[row].isVisible()
        assert cased == (name == "newton"), name
        line = plot.casings[row].opts["pen"].color() if cased else colour
        assert theme.contrast(line, "#ffffff") >= PALE  # every line stands off the white
        grad = plot.grad_curves[row].opts["pen"].color()
        assert theme.contrast(grad, "#ffffff") >= PALE, name
