"""Fixtures for the window: a real MainWindow driven through its widgets' objectNames.

Every test also checks that it leaves nothing running behind: a ``QThread`` still running or
a timer our code started still active fails the test (napari's ``_dangling_qthreads`` and
``_dangling_qtimers``), since either would outlive the window it belongs to.
"""

from __future__ import annotations

import traceback
import weakref

import pytest


def _started_here() -> str | None:
    """Where in gradient_studio the current call comes from, or None if from elsewhere
    (pyqtgraph's own timers are pyqtgraph's business)."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if "gradient_studio" in frame.filename:
            return f"{frame.filename}:{frame.lineno} in {frame.name}"
    return None


@pytest.fixture(autouse=True)
def _dangling_qthreads_and_timers(monkeypatch, qapp):
    from PySide6.QtCore import QThread, QTimer

    threads: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    timers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    thread_start, timer_start = QThread.start, QTimer.start

    def start_thread(self, *args):
        threads[self] = "".join(traceback.format_stack(limit=6)[:-1])
        thread_start(self, *args)

    def start_timer(self, *args):
        where = _started_here()
        if where is not None:
            timers[self] = where
        timer_start(self, *args)

    monkeypatch.setattr(QThread, "start", start_thread)
    monkeypatch.setattr(QTimer, "start", start_timer)
    yield
    problems = []
    for thread, where in list(threads.items()):
        try:
            if thread.isRunning():
                problems.append(f"a QThread is still running, started at:\n{where}")
                thread.wait(5000)
        except RuntimeError:  # its C++ object is gone, so it is not running
            pass
    for timer, where in list(timers.items()):
        try:
            if timer.isActive():
                problems.append(f"a QTimer is still active, started at {where}")
                timer.stop()
        except RuntimeError:
            pass
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture(autouse=True)
def _own_settings(tmp_path):
    """Every test remembers window sizes in its own empty folder, never a person's."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield tmp_path


@pytest.fixture
def window(qtbot):
    """The default window (Rosenbrock: sgd, momentum, adam), shown at 900 x 700, with its
    first race on screen; closed at the end of the test."""
    from gradient_studio.ui import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    # No event has been processed yet, so the first paths cannot have been shown already.
    with qtbot.waitSignal(w.trajectories_updated, timeout=10_000):
        w.resize(900, 700)
        w.show()
    qtbot.waitUntil(lambda: w.race_update.finished, timeout=10_000)
    yield w
    w.close()
