"""The worker thread: latest wins, a long run never stalls the GUI, closing ends it cleanly."""

from __future__ import annotations

import gc
import itertools
import time

import pytest
from PySide6.QtCore import QObject, QTimer

from gradient_studio.ui.worker import LandscapeJob, RaceJob, Worker

ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"
SLOW = (("sgd", (("lr", 1e-5),)), ("momentum", (("lr", 1e-5),)), ("adam", (("lr", 1e-4),)))


def find(window, name: str):
    return window.findChild(QObject, name)


@pytest.fixture
def worker(qtbot):
    w = Worker()
    w.frame_ready.connect(lambda frame: w.frame_shown())  # as the window acknowledges
    w.start()
    yield w
    w.stop()


def race(steps: int, lr: float = 1e-3) -> RaceJob:
    return RaceJob(ROSENBROCK, (), (("sgd", (("lr", lr),)),), (-1.5, 2.0), steps)


def test_a_newer_race_cancels_and_replaces_an_older_one(qtbot, worker):
    frames = []
    worker.frame_ready.connect(frames.append)
    long = RaceJob(ROSENBROCK, (), SLOW, (-1.5, 2.0), 1_000_000)
    worker.request_race(long)
    qtbot.waitUntil(lambda: bool(frames), timeout=5000)  # the long race is under way
    short = [race(100, lr) for lr in (1e-4, 2e-4, 3e-4, 4e-4)]
    for job in short:
        worker.request_race(job)
    qtbot.waitUntil(
        lambda: frames[-1].race.job == short[-1] and frames[-1].race.finished, timeout=5000
    )
    qtbot.wait(100)
    assert frames[-1].race.job == short[-1]  # latest wins
    assert not any(f.race.finished for f in frames if f.race.job == long)
    assert not any(f.race.job in short[:-1] and f.race.finished for f in frames[1:])


def test_a_landscape_is_served_during_a_long_race_without_cancelling_it(qtbot, worker):
    frames = []
    worker.frame_ready.connect(frames.append)
    long = RaceJob(ROSENBROCK, (), SLOW, (-1.5, 2.0), 100_000)
    worker.request_race(long)
    qtbot.waitUntil(lambda: bool(frames), timeout=5000)
    worker.request_landscape(LandscapeJob(ROSENBROCK, (), (-1.0, 1.0), (-1.0, 1.0), (50, 60)))
    qtbot.waitUntil(lambda: any(f.landscape is not None for f in frames), timeout=5000)
    qtbot.waitUntil(
        lambda: frames[-1].race is not None and frames[-1].race.finished, timeout=20_000
    )
    (land,) = [f.landscape for f in frames if f.landscape is not None]
    assert land.z.shape == (50, 60)
    assert frames[-1].race.job == long


def test_a_failure_is_reported_not_raised(qtbot, worker):
    with qtbot.waitSignal(worker.job_failed, timeout=5000) as failed:
        worker.request_landscape(LandscapeJob("x +", (), (-1, 1), (-1, 1)))
    assert failed.args[0] == "landscape"


def test_the_gui_keeps_ticking_during_a_100000_step_run(qtbot, window):
    ticks = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    for name, lr in (("sgd", 1e-5), ("momentum", 1e-5), ("adam", 1e-4)):
        find(window, f"lr_{name}").blockSignals(True)
        find(window, f"lr_{name}").setValue(lr)
        find(window, f"lr_{name}").blockSignals(False)
        window.session.set_hyperparameter(name, "lr", lr)
    # As in the app, which keeps what start-up loaded out of the garbage collector's full
    # passes (gradient_studio.ui.app): a pass over this test process's own objects (every
    # test module, hypothesis, earlier windows) stops every thread for 100 ms or more.
    gc.collect()
    gc.freeze()
    try:
        heartbeat.start()
        began = time.perf_counter()
        find(window, "stepsSpin").setValue(100_000)
        qtbot.waitUntil(
            lambda: window.result.steps == 100_000 and window.race_update.finished,
            timeout=30_000,
        )
        heartbeat.stop()
    finally:
        gc.unfreeze()
    took = time.perf_counter() - began
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert took > 0.1  # long enough for the heartbeat to mean something
    assert len(ticks) > took / 0.05
    # Not a speed figure (bench_load.py measures stalls beside a busy machine's own): the
    # run is off the GUI thread, so no gap comes near the seconds it would take on it, even
    # on a loaded machine.
    assert max(gaps) < 0.5, f"the GUI thread stalled for {max(gaps) * 1e3:.0f} ms"
    assert window.playback.last >= 40_000


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform's, at show()
def test_closing_mid_run_leaves_no_thread_and_no_warning(qtbot, window):
    window.session.steps = 1_000_000
    for name in ("sgd", "momentum", "adam"):
        window.session.set_hyperparameter(name, "lr", 1e-5)
    with qtbot.waitSignal(window.worker.busy_changed, timeout=5000):
        find(window, "stepsSpin").setValue(1_000_000)
    qtbot.wait(50)
    assert window.worker.isRunning()
    began = time.perf_counter()
    window.close()
    assert time.perf_counter() - began < 1.0
    assert not window.worker.isRunning()


def test_a_slow_window_gets_as_long_to_itself_as_it_took_to_draw(qtbot):
    """However slow a long race's frames are to show, the next comes no sooner than the last
    took: the GUI spends at most half its time drawing and input gets in between."""
    draw = 0.15  # s each frame takes to show
    worker = Worker()
    arrived = []

    def show(frame):
        arrived.append(time.perf_counter())
        time.sleep(draw)  # a slow paint
        worker.frame_shown()

    worker.frame_ready.connect(show)
    worker.start()
    try:
        worker.request_race(RaceJob(ROSENBROCK, (), SLOW, (-1.5, 2.0), 1_000_000))
        qtbot.waitUntil(lambda: len(arrived) >= 5, timeout=20_000)
    finally:
        worker.stop()
    gaps = [b - a for a, b in itertools.pairwise(arrived[1:])]  # the first is the compile
    assert min(gaps) >= 2 * draw * 0.9, [round(g, 3) for g in gaps]
