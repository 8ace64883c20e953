"""The window's menus: File (exports, quit), View (how the landscape is drawn), Race (the
playback commands with their shortcuts) and Help.

The View menu's choices are how the picture looks, not what is computed, so they go straight
to the picture (:class:`PictureSettings`, the scene); the exporters read the same choices
back from :class:`Menus`. Every other command is the window's (:class:`Commands`): this
module does not know the window itself.

Actions are connected to bound methods only, never to closures holding the window: Qt keeps
a connected closure alive as long as its action, and the action lives as long as the window,
so each closed window stayed in memory for good.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from gradient_studio import __version__
from gradient_studio.scene.palette import COLORMAPS

if TYPE_CHECKING:
    from gradient_studio.export import PictureStyle

LEVELS = (10, 15, 20, 30, 40)
COLOURING = (("Automatic", None), ("Logarithmic", True), ("Linear", False))
ABOUT = """<h3>Gradient Studio {version}</h3>
<p>A playground for gradient-based optimisation: type f(x, y), drop a start point and watch
optimisers race downhill.</p>
<p><b>Try:</b> drag a learning-rate slider and watch every path change; click the landscape
to move the start; press Space to play the race, → to step, R to start over.</p>
<p>MIT licence.</p>"""


class Commands(Protocol):
    """What the menus ask the window to do."""

    def export_image(self) -> None: ...
    def export_animation(self) -> None: ...
    def export_trajectories(self) -> None: ...
    def reset_view(self) -> None: ...
    def close(self) -> bool: ...


class PictureSettings(Protocol):
    """How the picture is drawn: the View menu's choices (the scene has these)."""

    def set_colormap(self, name: str) -> None: ...
    def set_levels(self, count: int) -> None: ...
    def set_log_colour(self, log: bool | None = None) -> None: ...
    def set_arrows(self, show: bool) -> None: ...


class Menus(QObject):
    """The menu bar of ``window``: the File and View commands, ``race`` (the playback
    actions) under Race, and Help. ``actions`` holds every command by name, e.g.
    ``actions["export_image"]``; :meth:`add_help` puts more under Help."""

    def __init__(
        self,
        window: QMainWindow,
        commands: Commands,
        picture: PictureSettings,
        race: Sequence[QAction],
    ) -> None:
        super().__init__(window)
        self.colormap = "viridis"
        self.levels = 20
        self.log_colour: bool | None = None
        self.arrows = False
        self.actions: dict[str, QAction] = {}
        self._picture = picture
        bar = window.menuBar()
        self._file_menu(bar.addMenu("&File"), commands)
        self._view_menu(bar.addMenu("&View"), commands)
        race_menu = bar.addMenu("&Race")
        for action in race:
            race_menu.addAction(action)
        self.help_menu = bar.addMenu("&Help")
        about = self._action(
            "about", "&About Gradient Studio", None, "Version and a short guide", self.show_about
        )
        self.help_menu.addAction(about)

    def picture_options(self) -> dict[str, object]:
        """The View menu's choices as the image exporters take them."""
        return {
            "colormap": self.colormap,
            "levels": self.levels,
            "log_colour": self.log_colour,
            "arrows": self.arrows,
        }

    def picture_style(self) -> PictureStyle:
        """The View menu's choices as the exporters' :class:`PictureStyle`."""
        from gradient_studio.export import PictureStyle

        return PictureStyle(
            colormap=self.colormap,
            levels=self.levels,
            arrows=self.arrows,
            log_colour=self.log_colour,
        )

    def add_help(self, action: QAction) -> None:
        """Put ``action`` in the Help menu, before About."""
        self.help_menu.insertAction(self.actions["about"], action)

    def show_about(self) -> None:
        QMessageBox.about(self._owner(), "About Gradient Studio", ABOUT.format(version=__version__))

    # -- building --------------------------------------------------------------------------
    def _owner(self) -> QMainWindow:
        # The window is asked for, not kept: a reference here would make a cycle
        # window -> menus -> window that only the garbage collector could end.
        owner = self.parent()
        assert isinstance(owner, QMainWindow)
        return owner

    def _action(
        self,
        key: str,
        text: str,
        shortcut: QKeySequence.StandardKey | str | None,
        tip: str,
        command: Callable[[], object] | None = None,
    ) -> QAction:
        action = QAction(text, self._owner())
        action.setObjectName(f"action_{key}")
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        if command is not None:
            action.triggered.connect(command)
        self.actions[key] = action
        return action

    def _file_menu(self, menu: QMenu, commands: Commands) -> None:
        for key, text, shortcut, tip, command in (
            (
                "export_image",
                "Export &Image…",
                "Ctrl+E",
                "Save the picture as PNG or SVG",
                commands.export_image,
            ),
            (
                "export_animation",
                "Export &Animation…",
                "Ctrl+Shift+E",
                "Save the descent as an animated GIF",
                commands.export_animation,
            ),
            (
                "export_trajectories",
                "Export &Trajectories…",
                "Ctrl+Shift+S",
                "Save every step's x, y, f and ‖∇f‖ as CSV or JSON",
                commands.export_trajectories,
            ),
        ):
            menu.addAction(self._action(key, text, shortcut, tip, command))
        menu.addSeparator()
        quit_action = self._action(
            "quit", "&Quit", QKeySequence.StandardKey.Quit, "Close Gradient Studio", commands.close
        )
        menu.addAction(quit_action)

    def _view_menu(self, menu: QMenu, commands: Commands) -> None:
        self._radio(
            menu.addMenu("&Colour map"),
            [(n, n, n == self.colormap) for n in COLORMAPS],
            self._on_colormap_triggered,
        )
        self._radio(
            menu.addMenu("Contour &levels"),
            [(str(n), n, n == self.levels) for n in LEVELS],
            self._on_levels_triggered,
        )
        self._radio(
            menu.addMenu("Log &colouring"),
            [(t, v, v is self.log_colour) for t, v in COLOURING],
            self._on_colouring_triggered,
        )
        arrows = self._action(
            "arrows",
            "−∇f &arrows",
            "G",
            "Show the direction of steepest descent at each moving head",
        )
        arrows.setCheckable(True)
        arrows.toggled.connect(self._on_arrows_toggled)
        menu.addAction(arrows)
        self._owner().addAction(arrows)
        menu.addSeparator()
        reset = self._action(
            "reset_view",
            "&Reset View",
            "Ctrl+0",
            "Show the function's own range again",
            commands.reset_view,
        )
        menu.addAction(reset)
        self._owner().addAction(reset)

    def _radio(
        self,
        menu: QMenu,
        items: list[tuple[str, object, bool]],
        choose: Callable[[QAction], None],
    ) -> None:
        group = QActionGroup(self)
        for text, value, checked in items:
            action = QAction(text, self._owner())
            action.setCheckable(True)
            action.setChecked(checked)
            action.setData(value)
            group.addAction(action)
            menu.addAction(action)
        group.triggered.connect(choose)

    # -- what a person chooses -------------------------------------------------------------
    def _on_colormap_triggered(self, action: QAction) -> None:
        self.colormap = str(action.data())
        self._picture.set_colormap(self.colormap)

    def _on_levels_triggered(self, action: QAction) -> None:
        self.levels = int(action.data())
        self._picture.set_levels(self.levels)

    def _on_colouring_triggered(self, action: QAction) -> None:
        data = action.data()
        self.log_colour = None if data is None else bool(data)
        self._picture.set_log_colour(self.log_colour)

    def _on_arrows_toggled(self, show: bool) -> None:
        self.arrows = show
        self._picture.set_arrows(show)
