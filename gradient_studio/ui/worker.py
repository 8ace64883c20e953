"""The worker thread: every piece of engine work the window needs, off the GUI thread.

Two kinds of job, each held in a one-place mailbox, so a newer request replaces an older one
that has not started (latest wins):

* a :class:`LandscapeJob` compiles the function if it is new and evaluates it on a grid;
* a :class:`RaceJob` runs the optimisers with :func:`~gradient_studio.engine.stream`. A newer
  race cancels the running one between chunks; a newer landscape does not (panning during
  a long run must not restart it) but is served between the run's chunks.

Results come back as :class:`Frame` s through the queued ``frame_ready`` signal: a landscape
and the first part of a race arrive together, so contours and paths change at once; a long
race then sends its growing result every ``UPDATE_INTERVAL`` seconds.

One frame is in flight at a time: the worker sends the next only once the window has shown
the last (``frame_shown``), and a long race pauses while the window draws it, so the two
threads do not slow each other down drawing and computing at once.

The thread is a plain loop on a condition variable, not an event loop: nothing queues up
behind a running job, and :meth:`Worker.stop` ends it within one chunk.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

if TYPE_CHECKING:  # the engine itself is imported in the worker thread, on first use
    import sympy
    from numpy.typing import NDArray

    from gradient_studio.engine import Objective, RunResult, Trajectory

FIRST_FRAME_WITHIN = 0.012  # s: a race's first frame goes out by then, finished or not
UPDATE_INTERVAL = 0.1  # s between frames of a long race (at least)
CHUNK = 256  # steps between looks at the mailbox
BREATHER = 0.02  # s the GUI has to itself after each frame of a long race, at least
SHOWN_TIMEOUT = 1.0  # s to wait for the GUI to show a frame before sending the next anyway
# While a race runs, the GUI thread gets the interpreter within this many seconds of asking.
# Python's default, 5 ms, is paid every time Qt calls back into Python: a repaint makes
# dozens of such calls, and would take many times longer beside a running race.
SWITCH_INTERVAL = 0.0002
FORMULA_LIMIT = 400  # characters of a derivative worth showing


# Every worker not yet garbage: the interpreter's exit stops them before Qt's clean-up
# deletes them (with a window still open, a script's end would otherwise abort).
_WORKERS: weakref.WeakSet[Worker] = weakref.WeakSet()


@atexit.register
def _stop_workers() -> None:
    for worker in list(_WORKERS):
        if shiboken6.isValid(worker):  # else its C++ side is gone, and the thread with it
            worker.stop()


@dataclass(frozen=True)
class LandscapeJob:
    text: str
    values: tuple[tuple[str, float], ...]
    xrange: tuple[float, float]
    yrange: tuple[float, float]
    shape: tuple[int, int] = (400, 400)


@dataclass(frozen=True)
class RaceJob:
    text: str
    values: tuple[tuple[str, float], ...]
    choices: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]
    start: tuple[float, float]
    steps: int


@dataclass(frozen=True)
class Landscape:
    """f evaluated over a view, with the compiled function and its derivatives as text."""

    job: LandscapeJob
    objective: Objective
    xs: NDArray[Any]
    ys: NDArray[Any]
    z: NDArray[Any]
    gradient_text: tuple[str, str]
    seconds: float


@dataclass(frozen=True)
class RaceUpdate:
    """A race so far: the engine's RunResult and its trajectories at the time of sending."""

    job: RaceJob
    generation: int
    result: RunResult
    trajectories: list[Trajectory]
    finished: bool
    steps_done: int
    seconds: float


@dataclass(frozen=True)
class Frame:
    landscape: Landscape | None = None
    race: RaceUpdate | None = None


class Worker(QThread):
    """Runs landscape and race jobs one at a time; see the module docstring."""

    frame_ready = Signal(object)  # Frame
    job_failed = Signal(str, str)  # kind ("landscape" or "race"), message
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("engineWorker")
        self._lock = threading.Condition()
        self._landscape_job: LandscapeJob | None = None
        self._race_job: tuple[int, RaceJob] | None = None
        self._race_generation = 0
        self._stopping = False
        self._shown = threading.Event()  # the GUI has shown the last frame sent
        self._shown.set()
        self._breather = 0.0  # no frame before this time (just after a long race's frame)
        self._compiled: dict[str, Objective] = {}  # text -> Objective with default values
        self._formulas: dict[str, tuple[str, str]] = {}  # function text -> (∂f/∂x, ∂f/∂y)
        _WORKERS.add(self)

    # -- the GUI thread's side -------------------------------------------------------------
    def request_landscape(self, job: LandscapeJob) -> None:
        with self._lock:
            self._landscape_job = job
            self._lock.notify()

    def request_race(self, job: RaceJob) -> int:
        """Queue ``job``, cancelling any race running or waiting; returns its generation."""
        with self._lock:
            self._race_generation += 1
            self._race_job = (self._race_generation, job)
            self._lock.notify()
            return self._race_generation

    def frame_shown(self) -> None:
        """The GUI has shown a frame: a long race may send its next one. (A frame in flight
        at a time, so a GUI slower than the race is never flooded.)"""
        self._shown.set()

    def stop_with(self, owner: QObject) -> None:
        """Stop when ``owner`` is destroyed, however that happens (``deleteLater``, its
        parent's end, the last reference dropped), or when the application quits.

        Qt aborts the process when a ``QThread`` is deleted while its thread runs, so the
        worker must not be a child of ``owner`` (Qt would delete it first), and the stop
        must hold the worker itself: by the time ``destroyed`` is sent, ``owner``'s Python
        side may already be gone."""
        worker = self

        def stop(*_: object) -> None:
            if shiboken6.isValid(worker):
                worker.stop()

        owner.destroyed.connect(stop)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)  # a bound method: no reference kept

    def stop(self) -> None:
        """End the thread (cancelling whatever runs) and wait for it; then let go of the
        compiled functions and hand the freed memory back to the system."""
        with self._lock:
            self._stopping = True
            self._landscape_job = self._race_job = None
            self._lock.notify()
        self._shown.set()  # nothing waits for the GUI any more
        self.wait()
        if self._compiled:
            self._compiled.clear()
            self._formulas.clear()
            give_back_memory()

    # -- the worker thread -----------------------------------------------------------------
    def run(self) -> None:
        while True:
            with self._lock:
                while not (self._stopping or self._landscape_job or self._race_job):
                    self._lock.wait()
                if self._stopping:
                    return
                land, race = self._landscape_job, self._race_job
                self._landscape_job = self._race_job = None
            self.busy_changed.emit(True)
            landscape = self._serve_landscape(land, send=race is None) if land else None
            if race is not None:
                switch = sys.getswitchinterval()
                sys.setswitchinterval(min(switch, SWITCH_INTERVAL))
                try:
                    self._serve_race(*race, landscape)
                finally:
                    sys.setswitchinterval(switch)
            with self._lock:
                idle = not (self._landscape_job or self._race_job)
            if idle:
                self.busy_changed.emit(False)

    def _cancelled(self, generation: int) -> bool:
        return self._stopping or self._race_generation != generation

    def _serve_landscape(self, job: LandscapeJob, *, send: bool) -> Landscape | None:
        try:
            landscape = self._landscape(job)
        except Exception as error:
            self.job_failed.emit("landscape", _describe(error))
            return None
        if send:
            self._emit(Frame(landscape=landscape))
        return landscape

    def _serve_race(self, generation: int, job: RaceJob, landscape: Landscape | None) -> None:
        from gradient_studio.engine import OptimizerChoice, stream

        began = time.perf_counter()
        try:
            objective = self._objective(job.text).with_values(dict(job.values))
            choices = [OptimizerChoice(name, dict(hyper)) for name, hyper in job.choices]
            runs = stream(
                objective,
                choices,
                [job.start],
                job.steps,
                chunk=CHUNK,
                cancelled=lambda: self._cancelled(generation),
            )
            due = began + FIRST_FRAME_WITHIN
            result = None
            chunk_began, done_before = time.perf_counter(), 0
            for result in runs:
                if result.finished or self._cancelled(generation):
                    break
                now, done = time.perf_counter(), result.steps_done
                # Seconds to the end at the last chunk's pace (the first chunk's pace
                # includes compiling): a race about to finish is sent whole, not in parts.
                pace = (now - chunk_began) / max(1, done - done_before)
                to_go = pace * (job.steps - done) if done_before else 0.0
                chunk_began, done_before = now, max(done, 1)
                if now >= due and to_go > FIRST_FRAME_WITHIN:
                    # The race waits while the GUI draws it: two threads sharing the
                    # interpreter would each take twice as long.
                    if not self._emit(
                        self._frame(generation, job, result, landscape, began),
                        generation,
                        wait=True,
                    ):
                        break
                    landscape = None
                    due = time.perf_counter() + UPDATE_INTERVAL
                if self._landscape_job is not None:  # a pan or zoom during a long run
                    with self._lock:
                        land, self._landscape_job = self._landscape_job, None
                    if land is not None:
                        self._serve_landscape(land, send=True)
        except Exception as error:
            self.job_failed.emit("race", _describe(error))
            return
        if result is not None and not self._cancelled(generation):
            self._emit(self._frame(generation, job, result, landscape, began), generation)
        elif landscape is not None:
            self._emit(Frame(landscape=landscape))

    def _emit(self, frame: Frame, generation: int | None = None, *, wait: bool = False) -> bool:
        """Send ``frame`` once the GUI has shown the previous one (one frame in flight, so a
        GUI slower than the worker is never flooded); with ``wait``, also wait until the GUI
        has shown this one. False if the race was cancelled meanwhile (nothing sent)."""

        def shown() -> bool:
            deadline = time.perf_counter() + SHOWN_TIMEOUT
            while not self._shown.wait(0.02):
                if self._stopping or (generation is not None and self._cancelled(generation)):
                    return False
                if time.perf_counter() > deadline:  # nobody is showing frames: go on
                    break
            return True

        if not shown():
            return False
        rest = self._breather - time.perf_counter()
        if rest > 0:
            time.sleep(rest)  # the GUI's own events (input, timers) between two frames
        self._shown.clear()
        sent = time.perf_counter()
        self.frame_ready.emit(frame)
        if not wait:
            return True
        ok = shown()
        # The GUI has at least as long to itself as it took to show the frame: however
        # slow a long race is to draw, the window spends at most half its time drawing it.
        now = time.perf_counter()
        self._breather = now + max(BREATHER, now - sent)
        return ok

    def _frame(
        self,
        generation: int,
        job: RaceJob,
        result: RunResult,
        landscape: Landscape | None,
        began: float,
    ) -> Frame:
        update = RaceUpdate(
            job,
            generation,
            result,
            result.trajectories,
            result.finished,
            result.steps_done,
            time.perf_counter() - began,
        )
        return Frame(landscape=landscape, race=update)

    def _objective(self, text: str) -> Objective:
        objective = self._compiled.get(text)
        if objective is None:
            from gradient_studio.engine import Objective

            objective = Objective.from_text(text)
            if len(self._compiled) > 32:
                self._compiled.clear()
                self._formulas.clear()
            self._compiled[text] = objective
        return objective

    def _landscape(self, job: LandscapeJob) -> Landscape:
        began = time.perf_counter()
        objective = self._objective(job.text).with_values(dict(job.values))
        xs, ys, z = objective.grid(job.xrange, job.yrange, job.shape)
        formulas = self._formulas.get(job.text)
        if formulas is None:
            gx, gy = objective.gradient_formulas()
            formulas = self._formulas[job.text] = (_formula(gx), _formula(gy))
        return Landscape(job, objective, xs, ys, z, formulas, time.perf_counter() - began)


def give_back_memory() -> None:
    """Return the heap's free pages to the system (glibc keeps them otherwise). Where the C
    library is not glibc, nothing to do."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
        return trim
    except (OSError, AttributeError):
        return None


def _formula(expr: sympy.Expr) -> str:
    """A derivative as text in the function language (``x^2``, implicit products)."""
    text = str(expr).replace("**", "^")
    if len(text) > FORMULA_LIMIT:
        text = text[:FORMULA_LIMIT].rsplit(" ", 1)[0] + " …"
    return text


def _describe(error: Exception) -> str:
    message = getattr(error, "message", None) or str(error) or type(error).__name__
    return str(message)
