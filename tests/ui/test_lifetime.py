"""However a window ends — closed, deleted later, dropped, its parent gone, the app quitting,
the script simply ending — its worker thread stops first (issue 10, item 11). Qt aborts the
process when a running thread's QThread is deleted, so each way runs in its own process,
mid-race, where an abort would show as the exit status."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import gc, os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import shiboken6
    from PySide6.QtCore import QEvent, QTimer
    from PySide6.QtWidgets import QApplication, QWidget
    from gradient_studio.ui import MainWindow

    app = QApplication([])

    def racing(parent=None):
        window = MainWindow(parent)
        window.show()
        for name in ("sgd", "momentum", "adam"):
            window.session.set_hyperparameter(name, "lr", 1e-5)
        window.findChild(QWidget, "stepsSpin").setValue(1_000_000)  # a long race
        end = time.perf_counter() + 20
        while window.race_update is None or window.race_update.job.steps != 1_000_000:
            assert time.perf_counter() < end, "the long race never started"
            app.processEvents()
            time.sleep(0.005)
        assert window.worker.isRunning() and not window.race_update.finished
        return window

    for how in sys.argv[1:]:
        parent = QWidget() if how == "parent" else None
        window = racing(parent)
        worker = window.worker
        began = time.perf_counter()
        if how == "close":
            window.close()
        elif how == "deleteLater":
            window.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        elif how == "del":
            del window
            gc.collect()
        elif how == "parent":
            del window
            parent.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        elif how == "delete":
            shiboken6.delete(window)
        elif how == "quit":
            QTimer.singleShot(50, app.quit)
            app.exec()
        if how == "exit":  # the interpreter ends with the window open and racing
            print("exit: ending", flush=True)
            break
        assert not worker.isRunning(), f"{how}: the worker still runs"
        print(f"{how}: stopped in {time.perf_counter() - began:.3f} s", flush=True)
        window = parent = worker = None
        for _ in range(10):
            app.processEvents()
    """
)
# Each process ends its windows one way after another; the app's quitting and the
# interpreter's end get a process of their own.
PROCESSES = (("close", "deleteLater", "del", "parent", "delete"), ("quit",), ("exit",))
ENDINGS = tuple(how for endings in PROCESSES for how in endings)


@pytest.fixture(scope="module")
def endings():
    """Every process run at once (each takes a second or two to start)."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, *hows],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for hows in PROCESSES
    ]
    done = {}
    for hows, run in zip(PROCESSES, runs, strict=True):
        out, err = run.communicate(timeout=120)
        for how in hows:
            done[how] = (run.returncode, out, err)
    return done


@pytest.mark.parametrize("how", ENDINGS)
def test_the_worker_stops_however_the_window_ends(endings, how):
    code, out, err = endings[how]
    assert "QThread: Destroyed" not in err
    assert code == 0, err[-2000:]
    (line,) = [line for line in out.splitlines() if line.startswith(f"{how}:")]
    if how != "exit":
        seconds = float(line.split("stopped in ")[1].split()[0])
        assert seconds < 1.0  # within a chunk of the race, not at its end


def test_a_closed_window_is_freed_by_its_last_reference_alone(qtbot):
    """No closure, connection or cycle keeps a closed window: it goes when it is dropped,
    without waiting for the garbage collector (which could run on the worker's thread)."""
    import gc
    import weakref

    from gradient_studio.ui import MainWindow

    window = MainWindow()
    with qtbot.waitSignal(window.trajectories_updated, timeout=10_000):
        window.show()
    window.close()
    gone = weakref.ref(window)
    gc.collect()
    gc.disable()
    try:
        del window
        assert gone() is None
    finally:
        gc.enable()
