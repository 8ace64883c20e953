"""The long monkey (issue 10): 5,000 seeded random actions at the real window, with the GUI
held to the real 50 ms (``tests/ui/test_monkey.py`` runs 120 in every ``pytest``).

Run: .venv/bin/python tests/benchmarks/bench_monkey.py [--quick] [--actions N] [--seed S]
(offscreen unless a display is set; under ``xvfb-run`` it draws as on a screen).

It prints every distinct problem found (an exception, a Qt warning, a job the worker could
not do, an export error that is a bug) with the actions before it, the longest stalls of the
GUI thread with what was being done, and the heartbeat's gaps beside those of the same
window left idle (the live baseline: what the machine itself costs). It ends with the
threads and timers left running after the window closed, which must be none. The exit
status is 1 if anything was found.
"""

from __future__ import annotations

import gc
import itertools
import os
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "")
if not os.environ["QT_QPA_PLATFORM"]:
    del os.environ["QT_QPA_PLATFORM"]
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))

STALL_LIMIT = 0.05  # s: the GUI thread never blocks longer on anything a person does


def option(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))] if ordered else float("nan")


def idle_gaps(app, window, seconds: float) -> list[float]:
    """The heartbeat's gaps with the window on screen and nobody touching it."""
    from PySide6.QtCore import QTimer

    beats: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    timer.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)
    timer.stop()
    return [b - a for a, b in itertools.pairwise(beats)]


def leftovers(window) -> list[str]:
    from PySide6.QtCore import QTimer

    left = [f"timer {t.objectName() or t}" for t in window.findChildren(QTimer) if t.isActive()]
    if window.worker.isRunning():
        left.append("the worker thread")
    return left


def main() -> int:
    warnings.simplefilter("error")  # as in the test suite
    import monkey as monkeys
    from PySide6.QtWidgets import QApplication

    from gradient_studio.ui import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    count = option("--actions", 1000 if "--quick" in sys.argv else 5000)
    seed = option("--seed", 1)
    window = MainWindow()
    window.resize(1280, 820)
    window.show()
    while window.race_update is None or not window.race_update.finished:
        app.processEvents()
    idle = idle_gaps(app, window, 2.0)
    gc.freeze()  # as the app does once start-up is done (gradient_studio.ui.app)
    with tempfile.TemporaryDirectory() as folder:
        monkey = monkeys.Monkey(window, seed, Path(folder), stall_limit=STALL_LIMIT)
        began = time.perf_counter()
        monkey.run(count)
        took = time.perf_counter() - began
        exported = len(os.listdir(folder))
    window.close()
    for _ in range(20):
        app.processEvents()
    left = leftovers(window)
    found = monkey.found

    print(f"platform: {os.environ.get('QT_QPA_PLATFORM', 'display')}; seed {seed}")
    print(f"{monkeys.summary(monkey)}; {took:.0f} s; {exported} files exported")
    print("actions:", ", ".join(f"{k} {v}" for k, v in sorted(monkey.counts.items())))
    seen: set[str] = set()
    distinct = []
    for problem in monkey.problems()[:-1]:
        last = [line for line in problem.splitlines() if line.strip()][-1]
        key = re.sub(r"#\d+ |\d+ ms|during .*", "", last)[:160]
        if problem.startswith("GUI stalled") or key in seen:
            continue
        seen.add(key)
        distinct.append(problem)
    for problem in distinct:
        print("\n*", problem[:2500])
    stalls = sorted(found.stalls, key=lambda s: -s.seconds)
    print(f"\nlongest stalls (of {len(stalls)} over {STALL_LIMIT * 1e3:.0f} ms):")
    for stall in stalls[:12]:
        print(f"  {stall.seconds * 1e3:6.0f} ms  {stall.action}")
    gaps = found.gaps
    print()
    print(f"{'heartbeat gap (10 ms timer)':<34} {'monkey':>9} {'idle window':>12}")
    for name, q in (("median (ms)", 0.5), ("p99 (ms)", 0.99), ("max (ms)", 1.0)):
        print(f"{name:<34} {percentile(gaps, q) * 1e3:>9.1f} {percentile(idle, q) * 1e3:>12.1f}")
    print(
        f"{'over 50 ms':<34} {sum(g > STALL_LIMIT for g in gaps):>9d} "
        f"{sum(g > STALL_LIMIT for g in idle):>12d}"
    )
    print(f"\nleft running after closing: {', '.join(left) or 'nothing'}")
    bad = distinct or found.stalls or left
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
