"""The main window: type a function, drag sliders, watch optimisers race down its landscape.

The window is the controller between three things:

* the :class:`~gradient_studio.ui.session.Session` — what the person has set up;
* the views — side panels, the shared :class:`~gradient_studio.scene.PlotScene` (its plot is
  ``contourView``), the loss plot, the status table and the playback toolbar — which show
  the session and the latest results and report what a person does through ``_on_*``
  handlers here;
* the :class:`~gradient_studio.ui.worker.Worker` thread, which does every piece of engine
  work. Each handler changes the session, shows it, and asks the worker for what changed;
  the worker's frames are shown as they arrive.
"""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QMainWindow,
    QMenu,
    QToolBar,
    QWidget,
)
from superqt.utils import qthrottled

from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.scene import PlotScene
from gradient_studio.scene.view import clamped_view
from gradient_studio.ui import exporting, layout, menus, settings, shortcuts
from gradient_studio.ui.function_editor import FunctionPanel
from gradient_studio.ui.loss_plot import LossPanel
from gradient_studio.ui.optimizer_panel import OptimizerPanel
from gradient_studio.ui.parameter_panel import ParameterPanel
from gradient_studio.ui.playback import Playback, PlaybackControls
from gradient_studio.ui.readout import CursorReadout, StartEntry
from gradient_studio.ui.session import Session, preset_matching
from gradient_studio.ui.status import RaceStatus
from gradient_studio.ui.styles import Style, race_styles
from gradient_studio.ui.worker import Frame, Landscape, LandscapeJob, RaceJob, RaceUpdate, Worker
from gradient_studio.ui.zoom import limit_zoom

if TYPE_CHECKING:
    from gradient_studio.engine import Objective, RunResult

T = TypeVar("T")

GRID = (400, 400)
LANDSCAPE_FAILED = "Could not compute the landscape"
NOTICE_MS = 8000  # how long the status bar shows a notice about something typed
STATUS_INTERVAL = 0.1  # s between updates of the status table while the race plays
VIEW_FOLLOW_MS = 16  # the paths and the landscape follow a zoom or pan at most this often


class MainWindow(QMainWindow):
    """Gradient Studio's window, built with the Rosenbrock race ready to watch.

    ``trajectories_updated`` is emitted once new paths are painted in the picture (the loss
    plot and the status table take them in the same pass; a long race's progress, in the
    next); ``landscape_updated`` once a new landscape is painted.
    """

    trajectories_updated = Signal()
    landscape_updated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("Gradient Studio")
        self.setAccessibleName("Gradient Studio")
        self.session = Session.from_preset()
        # The race on screen: the worker's update (``finished``, ``steps_done`` as shown),
        # its RunResult (which a long race goes on filling in) and the job it came from.
        self.race_update: RaceUpdate | None = None
        self.result: RunResult | None = None
        self.race_job: RaceJob | None = None
        self.landscape: Landscape | None = None
        self.last_export_folder: Path | None = None
        self._showing_race = False
        self._status_shown = 0.0  # when the table last showed the playhead's values

        self.scene = PlotScene()
        self.scene.widget.setObjectName("contourView")
        self.scene.widget.setAccessibleName("Landscape with the optimisers' paths")
        self.scene.starts.set_draggable(True)
        # The axes and colour bar stay put while paths move: on screen they are kept as
        # pixmaps instead of being redrawn every animation frame.
        for item in (
            *(self.scene.plot.getAxis(k) for k in ("left", "bottom", "top", "right")),
            self.scene.landscape.colour_bar,
        ):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.function_panel = FunctionPanel()
        self.parameter_panel = ParameterPanel()
        self.optimizer_panel = OptimizerPanel()
        self.loss = LossPanel()
        self.status = RaceStatus()
        # The mouse may zoom the landscape and the loss plot's steps only as far as their
        # numbers mean something (pyqtgraph alone zooms into overflow).
        limit_zoom(self.scene.widget)
        limit_zoom(self.loss.plot, y=False)
        self.start_entry = StartEntry()
        self.readout = CursorReadout()
        self.readout.follow(self.scene.widget, weakly(self._objective_shown))
        self.playback = Playback(self)
        toolbar = QToolBar("Playback")
        toolbar.setObjectName("playbackToolbar")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.controls = PlaybackControls(self.playback, toolbar, self)
        layout.arrange(self)
        self.indicator = layout.ComputeIndicator(self.statusBar())
        self.statusBar().addWidget(self.status.summary, 1)
        self.statusBar().addPermanentWidget(self.readout)
        self.menus = menus.Menus(
            self,
            commands=self,
            picture=self.scene,
            race=(self.controls.play_action, self.controls.step_action, self.controls.reset_action),
        )
        self._add_key_commands()
        self.keys = shortcuts.KeyRouter(self)
        if not settings.restore(self):
            layout.share_out(self)
        # The worker is not the window's child: Qt would delete a running thread with it.
        # It stops when the window is closed, destroyed in any way, or the app quits.
        self.worker = Worker()
        self.worker.stop_with(self)
        self._pending_panes: tuple[RaceUpdate, list[str], list[Style]] | None = None
        self._panes_timer = QTimer(self)
        self._panes_timer.setSingleShot(True)
        self._panes_timer.setInterval(0)
        self._panes_timer.timeout.connect(self._show_panes)
        # A wheel or a trackpad sends dozens of zoom steps a second: the view box moves with
        # each, the paths and the landscape follow at most every VIEW_FOLLOW_MS.
        self._follow_view = qthrottled(self._show_view, timeout=VIEW_FOLLOW_MS, parent=self)
        self._connect()
        self.worker.start()
        self._show_session()
        self._request(landscape=True, race=True)

    # -- building --------------------------------------------------------------------------
    def _connect(self) -> None:
        self.function_panel.function_edited.connect(self._on_function_panel_function_edited)
        self.function_panel.preset_chosen.connect(self._on_function_panel_preset_chosen)
        self.parameter_panel.value_changed.connect(self._on_parameter_panel_value_changed)
        self.optimizer_panel.selection_changed.connect(self._on_optimizer_panel_selection_changed)
        self.optimizer_panel.hyperparameter_changed.connect(
            self._on_optimizer_panel_hyperparameter_changed
        )
        self.controls.steps_edited.connect(self._on_controls_steps_edited)
        self.playback.step_changed.connect(self._on_playback_step_changed)
        self.playback.playing_changed.connect(self._on_playback_playing_changed)
        self.loss.plot.playhead_moved.connect(self._on_loss_playhead_moved)
        self.scene.widget.scene().sigMouseClicked.connect(self._on_contour_view_clicked)
        self.scene.starts.start_moved.connect(self._on_start_marker_moved)
        self.scene.starts.start_move_finished.connect(self._on_start_marker_moved)
        self.start_entry.start_edited.connect(self.set_start)
        self.start_entry.notice.connect(self._on_notice)
        self.parameter_panel.notice.connect(self._on_notice)
        self.scene.plot.vb.sigRangeChangedManually.connect(self._on_contour_view_range_changed)
        self.worker.frame_ready.connect(self._on_worker_frame_ready)
        self.worker.job_failed.connect(self._on_worker_job_failed)
        self.worker.busy_changed.connect(self._on_worker_busy_changed)

    def _add_key_commands(self) -> None:
        """Step back and go to the end in the Race menu; Help ▸ Keyboard Shortcuts."""
        titled = {a.text(): a.menu() for a in self.menuBar().actions()}
        race, help_menu = titled["&Race"], titled["&Help"]
        assert isinstance(race, QMenu) and isinstance(help_menu, QMenu)
        for action in (self.controls.back_action, self.controls.end_action):
            race.insertAction(self.controls.reset_action, action)
        keys = shortcuts.help_action(self)
        keys.triggered.connect(self._on_shortcuts_action_triggered)
        help_menu.insertAction(help_menu.actions()[0], keys)

    def _on_shortcuts_action_triggered(self) -> None:
        dialog = shortcuts.dialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exec()

    # -- asking the worker -----------------------------------------------------------------
    def _request(self, *, landscape: bool = False, race: bool = False) -> None:
        s = self.session
        values = tuple(s.values.items())
        if landscape:
            self.worker.request_landscape(LandscapeJob(s.text, values, *s.view, GRID))
        if race:
            self.worker.request_race(RaceJob(s.text, values, s.choices(), s.start, s.steps))

    # -- showing the session ---------------------------------------------------------------
    def _show_session(self) -> None:
        """Show everything the session holds (after a preset, or at start)."""
        s = self.session
        self.function_panel.set_text(s.text)
        self.function_panel.set_preset(s.preset)
        self.parameter_panel.set_parameters(s.parameters, s.values)
        self.optimizer_panel.set_selected(s.selected)
        self.optimizer_panel.set_hyperparameters(s.hyper)
        self._show_colours()
        self.controls.set_steps(s.steps)
        self.scene.set_title(s.text, name=s.title, values=s.values)
        self.scene.set_view(*s.view, evaluate=False)
        self._show_start()
        self._show_minima()

    def _show_colours(self) -> None:
        self.optimizer_panel.set_styles(race_styles(self.session.selected))

    def _show_start(self) -> None:
        self.scene.set_starts([self.session.start])
        self.start_entry.set_start(*self.session.start)

    def _show_minima(self) -> None:
        preset = self.session.known_preset
        self.scene.set_minima(preset.minima if preset is not None else ())

    def _objective_shown(self) -> Objective | None:
        return self.landscape.objective if self.landscape is not None else None

    def _show_landscape(self, landscape: Landscape) -> None:
        if landscape.job.text != self.session.text:
            return  # an edit overtook it; its own landscape is on the way
        self.landscape = landscape
        name = self.session.title
        self.scene.set_objective(
            landscape.objective, title=landscape.job.text, name=name, evaluate=False
        )
        self.scene.set_grid(landscape.xs, landscape.ys, landscape.z)
        self.function_panel.set_gradient(*landscape.gradient_text)
        if self.statusBar().currentMessage().startswith(LANDSCAPE_FAILED):
            self.statusBar().clearMessage()  # said of a landscape this one replaces

    def _show_race(self, update: RaceUpdate) -> bool:
        """Draw ``update``'s paths; False if its function has been replaced meanwhile (a
        race of a text that is gone leaves nothing on screen)."""
        if update.job.text != self.session.text:
            return False
        trajectories = update.trajectories
        names = [OPTIMIZERS[t.optimizer].display_name for t in trajectories]
        by_name = race_styles([t.optimizer for t in trajectories])
        styles = [by_name[t.optimizer] for t in trajectories]
        self.race_update, self.result, self.race_job = update, update.result, update.job
        last = max((t.stop for t in trajectories), default=0)
        self._showing_race = True  # the playhead moving here is drawn below, once
        try:
            self.playback.set_race(last, complete=update.finished)
        finally:
            self._showing_race = False
        step = self.playback.step
        # New paths are drawn at the step they are set to: once, not at the old step first.
        self.scene.paths.step = step
        self.scene.set_trajectories(trajectories)
        self._pending_panes = (update, names, styles)
        self._report(update)
        return True

    def _show_panes(self) -> None:
        """The loss plot and the status table for the race shown last."""
        self._panes_timer.stop()
        if self._pending_panes is None:
            return
        update, names, styles = self._pending_panes
        self._pending_panes = None
        if update.job.text != self.session.text:
            self.worker.frame_shown()
            return  # its function was replaced: its rows and notes would be stale
        trajectories, step = update.trajectories, self.playback.step
        self.loss.plot.set_trajectories(trajectories, names, styles)
        self.loss.show_log_y()
        self.loss.plot.set_step(step)
        preset = self.session.known_preset
        minima = preset.minima if preset is not None and update.job.text == preset.text else None
        self.status.set_race(trajectories, names, styles, minima, step)
        if not update.finished and self.loss.plot.isVisible():
            self.loss.plot.viewport().repaint()  # a race still going waits: paint it now
        self.worker.frame_shown()

    def _report(self, update: RaceUpdate) -> None:
        job = update.job
        if update.finished:
            self.indicator.set_finished(len(job.choices), job.steps, update.seconds)
        else:
            self.indicator.set_progress(update.steps_done, job.steps)

    # -- what a person does ----------------------------------------------------------------
    def _on_function_panel_function_edited(self, text: str, parameters: tuple[str, ...]) -> None:
        self.session.set_function(text, parameters)
        if self.session.preset is None:
            self.session.preset = preset_matching(text)
        self.function_panel.set_preset(self.session.preset)
        self.parameter_panel.set_parameters(self.session.parameters, self.session.values)
        self.scene.set_title(text, name=self.session.title, values=self.session.values)
        self._show_minima()
        self._request(landscape=True, race=True)

    def _on_function_panel_preset_chosen(self, name: str) -> None:
        self.session.apply_preset(name)
        self._show_session()
        self._request(landscape=True, race=True)

    def _on_parameter_panel_value_changed(self, name: str, value: float) -> None:
        self.session.set_value(name, value)
        self._show_minima()
        self._request(landscape=True, race=True)

    def _on_optimizer_panel_selection_changed(self, names: list[str]) -> None:
        self.session.set_selected(names)
        self._show_colours()
        self._request(race=True)

    def _on_optimizer_panel_hyperparameter_changed(self, name: str, key: str, value: float) -> None:
        self.session.set_hyperparameter(name, key, value)
        self._request(race=True)

    def _on_controls_steps_edited(self, steps: int) -> None:
        self.session.steps = steps
        self._request(race=True)

    def _on_contour_view_clicked(self, event: Any) -> None:
        vb = self.scene.plot.vb
        if (
            event.button() != Qt.MouseButton.LeftButton
            or event.double()
            or not vb.sceneBoundingRect().contains(event.scenePos())
        ):
            return
        point = vb.mapSceneToView(event.scenePos())
        self.set_start(point.x(), point.y())

    def _on_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, NOTICE_MS)

    def _on_start_marker_moved(self, index: int, x: float, y: float) -> None:
        self.set_start(x, y)

    def _on_contour_view_range_changed(self, *_: Any) -> None:
        vb = self.scene.plot.vb
        (x0, x1), (y0, y1) = vb.viewRange()
        view = clamped_view((x0, x1), (y0, y1))  # the zoom limits keep it close already
        if view != ((x0, x1), (y0, y1)):
            vb.setRange(xRange=view[0], yRange=view[1], padding=0)
        self.session.view = view
        self._follow_view()

    def _show_view(self) -> None:
        self.scene.set_view(*self.session.view, evaluate=False)
        self._request(landscape=True)

    def _on_playback_step_changed(self, step: float) -> None:
        if self._showing_race:
            return
        self.scene.set_step(step)
        self.loss.plot.set_step(step)
        now = time.perf_counter()
        # Numbers changing faster than this cannot be read, and the table costs a frame.
        if not self.playback.playing or now - self._status_shown >= STATUS_INTERVAL:
            self._status_shown = now
            self.status.set_step(step)

    def _on_playback_playing_changed(self, playing: bool) -> None:
        if not playing:
            self.status.set_step(self.playback.step)

    def _on_loss_playhead_moved(self, step: float) -> None:
        self.playback.seek(step)

    # -- the worker's side -----------------------------------------------------------------
    def _on_worker_frame_ready(self, frame: Frame) -> None:
        """Show a frame: the picture first, painted at once (the signals mean "on
        screen"), then the loss plot and table. The worker waits for ``frame_shown``."""
        try:
            if frame.landscape is not None:
                self._show_landscape(frame.landscape)
            race_shown = frame.race is not None and self._show_race(frame.race)
            if self.scene.widget.isVisible():
                self.scene.widget.viewport().repaint()
            if frame.landscape is not None and self.landscape is frame.landscape:
                self.landscape_updated.emit()
            if race_shown:
                self.trajectories_updated.emit()
                # The plot and table next time round the event loop, so the GUI's own
                # events come in between (drawing a finished 100,000-step race all in one
                # go stalled the window ~50 ms). The race waits until both are on screen:
                # two threads sharing the interpreter would make both slower.
                self._panes_timer.start()
        finally:
            if not self._panes_timer.isActive():
                self.worker.frame_shown()  # else once the panes are shown too

    def _on_worker_job_failed(self, kind: str, message: str) -> None:
        if kind == "race":  # said where the race's own words go, until the next race
            self.status.set_failure(f"Could not compute the race: {message}")
            return
        self.statusBar().showMessage(f"{LANDSCAPE_FAILED}: {message}", 15000)

    def _on_worker_busy_changed(self, busy: bool) -> None:
        self.indicator.set_busy(busy)

    # -- public ----------------------------------------------------------------------------
    def set_start(self, x: float, y: float) -> None:
        """Start every optimiser from ``(x, y)``, as a click on the landscape does (a point
        that is not a pair of finite numbers is ignored)."""
        if not (math.isfinite(x) and math.isfinite(y)):
            return
        self.session.start = (float(x), float(y))
        self._show_start()
        self._request(race=True)

    def reset_view(self) -> None:
        """Show the function's own range again (after panning or zooming)."""
        self.session.view = self.session.home
        self.scene.set_view(*self.session.home, evaluate=False)
        self._request(landscape=True)

    def export(self, path: str | Path, **options: Any) -> Path:
        """Write what is on screen to ``path`` (.png .svg .gif .csv .json); raises on error.
        A picture shows the race at the playhead's step unless ``step`` says otherwise
        (``step=None``: the whole race). The menus' Export commands call this after asking
        where."""
        if Path(path).suffix.lower() in exporting.IMAGE_FORMATS:
            options.setdefault("step", self.shown_step())  # what is on screen
        return exporting.write(
            path, self.race_update, self.session.view, self.menus.picture_style(), **options
        )

    def shown_step(self) -> float:
        """The playhead's step: what Export Image draws unless asked for the whole race."""
        return self.playback.step

    def export_image(self) -> None:
        """File ▸ Export Image…: ask where and how big, then write PNG or SVG."""
        exporting.export_image(self)

    def export_animation(self) -> None:
        """File ▸ Export Animation…: ask where, how big and how many frames; write a GIF."""
        exporting.export_animation(self)

    def export_trajectories(self) -> None:
        """File ▸ Export Trajectories…: ask where, then write CSV or JSON."""
        exporting.export_trajectories(self)

    def shutdown(self) -> None:
        """Stop the clock, the timers and the worker thread (closing does this)."""
        self.playback.stop()
        self.function_panel.stop()
        self.keys.stop()
        self.indicator.stop()
        self._panes_timer.stop()
        self._follow_view.cancel()
        self._follow_view.flush(restart_timer=False)  # stops its timer
        self.statusBar().clearMessage()  # and the timer of a message shown for a while
        if self.worker.isRunning():
            self.worker.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.isVisible():
            settings.save(self)
        self.shutdown()
        super().closeEvent(event)


def weakly(method: Callable[[], T]) -> Callable[[], T | None]:
    """``method`` (a bound method) called through a weak reference, for a widget that keeps
    a callable: kept plainly, it would keep its window alive after the window is closed."""
    ref = weakref.WeakMethod(method)

    def call() -> T | None:
        bound = ref()
        return bound() if bound is not None else None

    return call
