"""The window's menus: File (exports, quit), View (how the landscape is drawn), Race (the
playback commands with their shortcuts) and Help.

The View menu's choices are how the picture looks, not what is computed, so its handlers
talk to the scene directly; the exporters read the same choices back from :class:`Menus`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from gradient_studio import __version__
from gradient_studio.scene.palette import COLORMAPS
from gradient_studio.ui import exporting

if TYPE_CHECKING:
    from gradient_studio.ui.window import MainWindow

LEVELS = (10, 15, 20, 30, 40)
COLOURING = (("Automatic", None), ("Logarithmic", True), ("Linear", False))
ABOUT = """<h3>Gradient Studio {version}</h3>
<p>A playground for gradient-based optimisation: type f(x, y), drop a start point and watch
optimisers race downhill.</p>
<p><b>Try:</b> drag a learning-rate slider and watch every path change; click the landscape
to move the start; press Space to play the race, → to step, R to start over.</p>
<p>MIT licence.</p>"""


@dataclass
class Menus:
    """The menu actions the window and the exporters need to reach."""

    colormap: str = "viridis"
    levels: int = 20
    log_colour: bool | None = None
    arrows: bool = False
    actions: dict[str, QAction] = field(default_factory=dict)

    def picture_options(self) -> dict[str, object]:
        """The View menu's choices as the image exporters take them."""
        return {
            "colormap": self.colormap,
            "levels": self.levels,
            "log_colour": self.log_colour,
            "arrows": self.arrows,
        }


def build(window: MainWindow) -> Menus:
    menus = Menus()
    bar = window.menuBar()
    _file_menu(bar.addMenu("&File"), window, menus)
    _view_menu(bar.addMenu("&View"), window, menus)
    race = bar.addMenu("&Race")
    for action in (
        window.controls.play_action,
        window.controls.step_action,
        window.controls.reset_action,
    ):
        race.addAction(action)
    help_menu = bar.addMenu("&Help")
    about = _action(
        window, menus, "about", "&About Gradient Studio", None, "Version and a short guide"
    )
    about.triggered.connect(
        lambda: QMessageBox.about(
            window, "About Gradient Studio", ABOUT.format(version=__version__)
        )
    )
    help_menu.addAction(about)
    return menus


def _action(
    window: MainWindow, menus: Menus, key: str, text: str, shortcut: object, tip: str
) -> QAction:
    action = QAction(text, window)
    action.setObjectName(f"action_{key}")
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    menus.actions[key] = action
    return action


def _file_menu(menu: QMenu, window: MainWindow, menus: Menus) -> None:
    for key, text, shortcut, tip, handler in (
        (
            "export_image",
            "Export &Image…",
            "Ctrl+E",
            "Save the picture as PNG or SVG",
            exporting.export_image,
        ),
        (
            "export_animation",
            "Export &Animation…",
            "Ctrl+Shift+E",
            "Save the descent as an animated GIF",
            exporting.export_animation,
        ),
        (
            "export_trajectories",
            "Export &Trajectories…",
            "Ctrl+Shift+S",
            "Save every step's x, y, f and ‖∇f‖ as CSV or JSON",
            exporting.export_trajectories,
        ),
    ):
        action = _action(window, menus, key, text, shortcut, tip)
        action.triggered.connect(lambda _=False, h=handler: h(window))
        menu.addAction(action)
    menu.addSeparator()
    quit_action = _action(
        window, menus, "quit", "&Quit", QKeySequence.StandardKey.Quit, "Close Gradient Studio"
    )
    quit_action.triggered.connect(window.close)
    menu.addAction(quit_action)


def _view_menu(menu: QMenu, window: MainWindow, menus: Menus) -> None:
    scene = window.scene

    def choose_colormap(name: str) -> None:
        menus.colormap = name
        scene.set_colormap(name)

    def choose_levels(count: int) -> None:
        menus.levels = count
        scene.set_levels(count)

    def choose_colouring(log: bool | None) -> None:
        menus.log_colour = log
        scene.set_log_colour(log)

    def choose_arrows(show: bool) -> None:
        menus.arrows = show
        scene.set_arrows(show)

    _radio(
        menu.addMenu("&Colour map"),
        window,
        [(n, n, n == menus.colormap) for n in COLORMAPS],
        choose_colormap,
    )
    _radio(
        menu.addMenu("Contour &levels"),
        window,
        [(str(n), n, n == menus.levels) for n in LEVELS],
        choose_levels,
    )
    _radio(
        menu.addMenu("Log &colouring"),
        window,
        [(t, v, v is menus.log_colour) for t, v in COLOURING],
        choose_colouring,
    )
    arrows = _action(
        window,
        menus,
        "arrows",
        "−∇f &arrows",
        "G",
        "Show the direction of steepest descent at each moving head",
    )
    arrows.setCheckable(True)
    arrows.toggled.connect(choose_arrows)
    menu.addAction(arrows)
    window.addAction(arrows)
    menu.addSeparator()
    reset = _action(
        window, menus, "reset_view", "&Reset View", "Ctrl+0", "Show the function's own range again"
    )
    reset.triggered.connect(window.reset_view)
    menu.addAction(reset)
    window.addAction(reset)


def _radio(
    menu: QMenu, window: MainWindow, items: list[tuple[str, object, bool]], choose: object
) -> None:
    group = QActionGroup(window)
    for text, value, checked in items:
        action = QAction(text, window)
        action.setCheckable(True)
        action.setChecked(checked)
        action.triggered.connect(lambda _=False, v=value: choose(v))  # type: ignore[operator]
        group.addAction(action)
        menu.addAction(action)
