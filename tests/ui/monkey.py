"""A seeded random person at the real window: the monkey of issue 10.

It clicks and drags the landscape, zooms with the wheel (huge deltas too), types function
texts and numbers into every value box (``1e308``, ``-1e308``, ``nan``, ``inf``, empty,
garbage), ticks optimisers, picks presets, presses the playback keys, resizes the window and
exports to a folder under random names and extensions. It records what goes wrong:

* an exception anywhere on the GUI thread (``sys.excepthook``, which Qt's slots and virtual
  methods end in), with the actions that led to it;
* a Qt warning the app causes (a message handler);
* a job the worker could not do ("Could not compute …"), for a function the editor took;
* a stall of the GUI thread: a heartbeat timer that should tick every 10 ms, with the action
  that was going on. Exports are left out: they show a wait cursor or a progress dialog.

Used by ``tests/ui/test_monkey.py`` (a short run in every ``pytest``) and by
``tests/benchmarks/bench_monkey.py`` (5,000 actions at the real 50 ms threshold).
"""

from __future__ import annotations

import contextlib
import math
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QEvent,
    QEventLoop,
    QObject,
    QPoint,
    QPointF,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QLineEdit, QMessageBox, QWidget

NUMBERS = (
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "",
    "1e5",
    "-1e5",
    "0",
    "-0",
    "1e-320",
    "0.001",
    "0.5",
    "2",
    "-3.5",
    "10",
    "1,5",
    "−2",
    "abc",
    "1e",
    "..",
    "999999999999999999999",
)
WORDS = ("x", "y", "a", "b", "w1", "pi", "e", "2", "0.5", "57e-6", "1e5", "3")
FUNCTIONS = ("sin", "cos", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "softplus", "relu")
GARBAGE = ("x +", "(y", "sinn(x)", "x^^2", "", "   ", "1/", "max(x)", "x y z", "ü", "§§")
EXTENSIONS = (".png", ".svg", ".gif", ".csv", ".json", ".txt", "", ".PNG", ".gif.png", "/")
WHEEL = (120, -120, 240, -240, 1200, -1200, 120_000, -120_000, 2**31 - 1, -(2**31))
IGNORED_MESSAGES = (
    "propagateSizeHints",  # the offscreen platform's, at show()
)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key (QTest's own typing only knows ASCII)."""
    for char in text:
        if char.isascii():
            QTest.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)


def send_wheel(target: QWidget, pos: QPointF, delta: int) -> None:
    """One wheel event of ``delta`` (120 is a notch; positive zooms in) at ``pos``."""
    event = QWheelEvent(
        pos,
        QPointF(target.mapToGlobal(pos)),
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(target, event)


def random_function(rng: random.Random, depth: int = 0) -> str:
    """A function text in the window's language, or (sometimes) one it refuses."""
    if depth == 0 and rng.random() < 0.15:
        return rng.choice(GARBAGE)
    roll = rng.random()
    if depth > 2 or roll < 0.35:
        return rng.choice(WORDS)
    if roll < 0.55:
        return f"{rng.choice(FUNCTIONS)}({random_function(rng, depth + 1)})"
    if roll < 0.65:
        return f"({random_function(rng, depth + 1)})^{rng.choice(('2', '3', '0.5', 'a'))}"
    op = rng.choice((" + ", " - ", " ", "*", "/", " + "))
    return f"{random_function(rng, depth + 1)}{op}{random_function(rng, depth + 1)}"


@dataclass
class Stall:
    seconds: float
    action: str


@dataclass
class Findings:
    exceptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failed_jobs: list[str] = field(default_factory=list)
    export_errors: list[str] = field(default_factory=list)  # those that are bugs, not refusals
    stalls: list[Stall] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)

    def worst_stall(self) -> Stall | None:
        return max(self.stalls, key=lambda s: s.seconds, default=None)


class Monkey:
    """Random actions on ``window``, seeded; see the module docstring."""

    def __init__(self, window: Any, seed: int, folder: Path, *, stall_limit: float = 0.05) -> None:
        self.window = window
        self.rng = random.Random(seed)
        self.seed = seed
        self.folder = folder
        self.stall_limit = stall_limit
        self.pauses = (0.0, 0.005, 0.02, 0.05)  # s between actions
        self.typing_pauses = (0.0, 0.01, 0.05)  # s between keys typed
        self.move_pause = 0.005  # s between the mouse moves of a drag
        self.found = Findings()
        self.log: list[str] = []
        self.counts: dict[str, int] = {}
        self._action = "start"
        self._quiet = False  # an export: no stall counted
        self._last_beat = 0.0
        self.seconds: dict[str, float] = {}  # time spent in each kind of action

    # -- running ---------------------------------------------------------------------------
    def run(self, count: int) -> Findings:
        weights, actions = zip(*ACTIONS, strict=True)
        first = list(actions)  # every kind once, in a random order; then at random
        self.rng.shuffle(first)
        with self._watching():
            for i in range(count):
                act = first[i] if i < len(first) else self.rng.choices(actions, weights)[0]
                name = act.__name__
                self._action = f"#{i} {name}"
                began = time.perf_counter()
                try:
                    detail = act(self)
                except Exception:  # the monkey's own mistake, or the window's: both fail
                    self.found.exceptions.append(f"{self._action}: {traceback.format_exc()}")
                    detail = "raised"
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - began
                self._action = f"#{i} {name} {detail}"
                self.log.append(self._action)
                self.counts[name] = self.counts.get(name, 0) + 1
                self._settle(self.rng.choice(self.pauses))
            self._action = "the end"
            self._settle(0.3)
        return self.found

    def problems(self) -> list[str]:
        """Everything wrong, each with the seed and the last actions before it."""
        found, out = self.found, []
        out += [f"exception in {e}" for e in found.exceptions]
        out += [f"Qt warning: {w}" for w in found.warnings]
        out += [f"worker failed: {f}" for f in found.failed_jobs]
        out += [f"export error: {e}" for e in found.export_errors]
        out += [f"GUI stalled {s.seconds * 1e3:.0f} ms during {s.action}" for s in found.stalls]
        if out:
            out.append(f"seed {self.seed}; last actions:\n  " + "\n  ".join(self.log[-12:]))
        return out

    @contextlib.contextmanager
    def _watching(self) -> Iterator[None]:
        previous_hook = sys.excepthook

        def hook(kind: type[BaseException], error: BaseException, tb: Any) -> None:
            text = "".join(traceback.format_exception(kind, error, tb))
            self.found.exceptions.append(f"{self._action}: {text}")

        def messages(mode: QtMsgType, context: Any, message: str) -> None:
            if mode == QtMsgType.QtFatalMsg:  # Qt aborts next: say why first
                print(f"Qt fatal: {message} (during {self._action})", file=sys.stderr)
            serious = mode not in (QtMsgType.QtDebugMsg, QtMsgType.QtInfoMsg)
            if serious and not any(m in message for m in IGNORED_MESSAGES):
                where = "".join(traceback.format_stack(limit=10)[:-1])
                self.found.warnings.append(f"{message} (during {self._action}), from:\n{where}")

        def failed(kind: str, message: str) -> None:
            self.found.failed_jobs.append(f"{kind}: {message} (during {self._action})")

        heartbeat = QTimer()
        heartbeat.setInterval(10)
        heartbeat.timeout.connect(self._beat)
        sys.excepthook = hook
        previous_handler = qInstallMessageHandler(messages)
        self.window.worker.job_failed.connect(failed)
        patches = self._patch_dialogs()
        self._last_beat = time.perf_counter()
        heartbeat.start()
        try:
            yield
        finally:
            heartbeat.stop()
            self.window.worker.job_failed.disconnect(failed)
            qInstallMessageHandler(previous_handler)
            sys.excepthook = previous_hook
            for owner, name, value in patches:
                setattr(owner, name, value)

    def _beat(self) -> None:
        now = time.perf_counter()
        gap = now - self._last_beat
        self._last_beat = now
        if self._quiet:
            return
        self.found.gaps.append(gap)
        if gap > self.stall_limit:
            self.found.stalls.append(Stall(gap, self._action))

    def _settle(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        app = QApplication.instance()
        assert app is not None
        while True:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            if time.perf_counter() >= end:
                break
            time.sleep(0.002)

    @contextlib.contextmanager
    def _unwatched(self) -> Iterator[None]:
        self._quiet = True
        try:
            yield
        finally:
            self._settle(0.0)
            self._last_beat = time.perf_counter()
            self._quiet = False

    def _patch_dialogs(self) -> list[tuple[Any, str, Any]]:
        """Modal dialogs answer at once: the export dialog with a random name (once; a
        second ask, after a failed save, is cancelled), message boxes by closing."""
        from gradient_studio.ui import exporting

        rng, folder = self.rng, self.folder
        asked: dict[int, int] = {}

        def size_dialog_exec(dialog: QDialog) -> int:
            # Type a name and a size, press Save; a refused name is given up on.
            asked[id(dialog)] = asked.get(id(dialog), 0) + 1
            if asked[id(dialog)] > 1 or rng.random() < 0.1:
                return int(QDialog.DialogCode.Rejected)
            dialog.path_edit.setText(str(folder / self._file_name()))  # type: ignore[attr-defined]
            for box in (dialog.width_box, dialog.height_box):  # type: ignore[attr-defined]
                box.setValue(rng.choice((16, 64, 120, 200)))
            dialog.frames.setValue(rng.choice((2, 3, 5)))  # type: ignore[attr-defined]
            dialog.setResult(int(QDialog.DialogCode.Rejected))
            dialog.accept()
            return dialog.result()

        def save_name(*args: Any, **kwargs: Any) -> tuple[str, str]:
            return (str(folder / self._file_name()) if rng.random() < 0.9 else ""), ""

        def show_error(parent: QWidget, title: str, error: BaseException, path: Path) -> None:
            # A file that cannot be written, or a race still running, is the person's to
            # hear about; any other error is a bug.
            if not isinstance(error, OSError | RuntimeError):
                self.found.export_errors.append(f"{title}: {error!r} (during {self._action})")

        patches = [
            (exporting.SizeDialog, "exec", exporting.SizeDialog.exec),
            (QFileDialog, "getSaveFileName", QFileDialog.getSaveFileName),
            (QMessageBox, "exec", QMessageBox.exec),
            (exporting, "show_error", exporting.show_error),
        ]
        exporting.show_error = show_error  # type: ignore[assignment]
        exporting.SizeDialog.exec = size_dialog_exec  # type: ignore[method-assign]
        QFileDialog.getSaveFileName = staticmethod(save_name)  # type: ignore[method-assign]
        QMessageBox.exec = lambda box: int(QMessageBox.StandardButton.Ok)  # type: ignore[method-assign]
        return patches

    def _file_name(self) -> str:
        stem = self.rng.choice(("race", "a b", "ünï", "x" * 40, ".hidden", "r"))
        return stem + self.rng.choice(EXTENSIONS)

    # -- where things are ------------------------------------------------------------------
    def find(self, name: str) -> Any:
        return self.window.findChild(QObject, name)

    @property
    def view(self) -> QWidget:
        return self.find("contourView").viewport()  # type: ignore[no-any-return]

    def _point(self, widget: QWidget) -> QPoint:
        return QPoint(
            self.rng.randrange(max(1, widget.width())), self.rng.randrange(max(1, widget.height()))
        )

    def _value_boxes(self) -> list[QLineEdit]:
        boxes = []
        for name in ("parameterPanel", "optimizerPanel", "speedSlider"):
            panel = self.find(name)
            if panel is not None:
                boxes += [b for b in panel.findChildren(QLineEdit) if b.isVisible()]
        return boxes

    # -- the actions -----------------------------------------------------------------------
    def click_landscape(self) -> str:
        where = self._point(self.view)
        QTest.mouseClick(
            self.view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where
        )
        return f"at {where.x()},{where.y()}"

    def wheel(self) -> str:
        delta = self.rng.choice(WHEEL)
        notches = self.rng.choice((1, 1, 5, 40))
        target = self.view if self.rng.random() < 0.85 else self.find("lossPlot").viewport()
        pos = QPointF(self._point(target))
        for _ in range(notches):
            send_wheel(target, pos, delta)
        return f"{notches} x {delta}"

    def _drag(self, widget: QWidget, start: QPoint, moves: int, button: Qt.MouseButton) -> None:
        QTest.mousePress(widget, button, Qt.KeyboardModifier.NoModifier, start)
        point = start
        for _ in range(moves):
            point = point + QPoint(self.rng.randint(-60, 60), self.rng.randint(-60, 60))
            QTest.mouseMove(widget, point)
            self._settle(self.move_pause)
        QTest.mouseRelease(widget, button, Qt.KeyboardModifier.NoModifier, point)

    def drag_view(self) -> str:
        button = self.rng.choice((Qt.MouseButton.LeftButton,) * 3 + (Qt.MouseButton.RightButton,))
        self._drag(self.view, self._point(self.view), self.rng.randint(1, 8), button)
        return button.name

    def drag_start(self) -> str:
        x, y = self.window.session.start
        vb = self.window.scene.plot.vb
        scene_point = vb.mapViewToScene(QPointF(x, y))
        start = self.find("contourView").mapFromScene(scene_point)
        self._drag(self.view, start, self.rng.randint(1, 6), Qt.MouseButton.LeftButton)
        return f"from {x:.3g},{y:.3g}"

    def type_function(self) -> str:
        text = random_function(self.rng)
        editor = self.find("functionEditor")
        editor.setFocus()
        QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(editor, Qt.Key.Key_Delete)
        for char in text:
            type_text(editor, char)
            self._settle(self.rng.choice(self.typing_pauses))
        return repr(text)

    def paste_function(self) -> str:
        text = random_function(self.rng)
        self.find("functionEditor").set_text(text)
        return repr(text)

    def type_number(self) -> str:
        boxes = self._value_boxes()
        if not boxes:
            return "no box"
        box = self.rng.choice(boxes)
        text = self.rng.choice(NUMBERS)
        box.setFocus()
        box.selectAll()
        type_text(box, text)
        if self.rng.random() < 0.8:
            QTest.keyClick(box, Qt.Key.Key_Return)
        else:
            self.find("functionEditor").setFocus()  # leaving the box finishes the edit too
        return f"{text!r} into {box.accessibleName() or box.parent().objectName()}"

    def type_steps(self) -> str:
        spin = self.find("stepsSpin")
        text = self.rng.choice(("1", "2", "50", "500", "2000", "20000", "abc", "", "-5", "1e9"))
        spin.setFocus()
        spin.selectAll()
        QTest.keyClicks(spin, text)
        QTest.keyClick(spin, Qt.Key.Key_Return)
        return repr(text)

    def toggle_optimiser(self) -> str:
        from gradient_studio.engine import OPTIMIZERS

        name = self.rng.choice(list(OPTIMIZERS))
        box = self.find(f"optimizer_{name}")
        box.click()
        return f"{name} {'on' if box.isChecked() else 'off'}"

    def drag_slider(self) -> str:
        from PySide6.QtWidgets import QSlider

        sliders = [
            s
            for name in ("parameterPanel", "optimizerPanel")
            for s in self.find(name).findChildren(QSlider)
            if s.isVisible()
        ]
        if not sliders:
            return "no slider"
        track = self.rng.choice(sliders)
        name = track.accessibleName()
        for _ in range(self.rng.randint(1, 12)):
            if not shiboken6.isValid(track):  # its function was replaced mid-drag
                return f"{name}, which went away"
            track.setValue(self.rng.randint(track.minimum(), track.maximum()))
            self._settle(self.move_pause)
        return name

    def choose_preset(self) -> str:
        combo = self.find("presetCombo")
        index = self.rng.randrange(combo.count())
        combo.setCurrentIndex(index)
        combo.activated.emit(index)
        return combo.itemText(index)

    def press_key(self) -> str:
        keys = (
            (Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_Right, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_Left, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_R, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_G, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_Home, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_End, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier),
            (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
        )
        key, modifier = self.rng.choice(keys)
        view = self.find("contourView")
        view.setFocus()
        QTest.keyClick(view, key, modifier)
        return f"{modifier.name}+{key.name}"

    def scrub(self) -> str:
        playhead = self.find("playheadSlider")
        value = self.rng.randint(playhead.minimum(), max(playhead.minimum(), playhead.maximum()))
        playhead.setValue(value)
        return str(value)

    def resize(self) -> str:
        size = self.rng.choice(((640, 480), (800, 600), (1280, 820), (1600, 1000), (400, 300)))
        self.window.resize(*size)
        return f"{size[0]}x{size[1]}"

    def loss_plot(self) -> str:
        plot = self.find("lossPlot").viewport()
        self._drag(plot, self._point(plot), self.rng.randint(1, 4), Qt.MouseButton.LeftButton)
        return "drag"

    def export(self) -> str:
        key = self.rng.choice(("export_image", "export_animation", "export_trajectories"))
        with self._unwatched():
            self.window.menus.actions[key].trigger()
        return key


# How often each action comes, relatively. Plain functions, not bound methods: a list of
# the monkey's own bound methods would make a cycle holding the window until the garbage
# collector runs, which would then destroy the window at some random later moment.
ACTIONS: list[tuple[float, Callable[[Monkey], str]]] = [
    (6, Monkey.click_landscape),
    (6, Monkey.wheel),
    (5, Monkey.drag_view),
    (2, Monkey.drag_start),
    (5, Monkey.type_function),
    (3, Monkey.paste_function),
    (9, Monkey.type_number),
    (2, Monkey.type_steps),
    (5, Monkey.toggle_optimiser),
    (4, Monkey.drag_slider),
    (2, Monkey.choose_preset),
    (4, Monkey.press_key),
    (2, Monkey.scrub),
    (2, Monkey.resize),
    (1, Monkey.loss_plot),
    (1, Monkey.export),
]


def summary(monkey: Monkey) -> str:
    gaps = sorted(monkey.found.gaps) or [math.nan]
    return (
        f"{len(monkey.log)} actions, {len(gaps)} heartbeats, longest gap {gaps[-1] * 1e3:.0f} ms, "
        f"p99 {gaps[int(0.99 * (len(gaps) - 1))] * 1e3:.0f} ms"
    )
