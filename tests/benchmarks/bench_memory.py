"""Memory over time (issue 10, item 13): a soak of function edits in one window, and windows
opened and closed one after another in one process.

Run: .venv/bin/python tests/benchmarks/bench_memory.py [--quick] [--edits N] [--windows N]

Targets: after a warm-up, 1,000 edits grow the resident set by at most 10 MB in all; a closed
window's memory goes back (the process returns to within a few MB of where one window left
it). The baseline beside each figure is the same process's own resident set after warm-up.

Each edit is a new function never seen before (so it is compiled from scratch, as typing
does), waited for until its landscape and race are on screen.
"""

from __future__ import annotations

import gc
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "")
if not os.environ["QT_QPA_PLATFORM"]:
    del os.environ["QT_QPA_PLATFORM"]

QUICK = "--quick" in sys.argv

from bench_window import wait_for  # noqa: E402 (after the platform is chosen)


def option(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def edit_text(i: int) -> str:
    """The issue's soak function, a new constant each time."""
    return f"6.781 abs(x) + 8.7694 abs(y) + w1 x + {57 + i}e-6 x + {i % 7} x y / 100"


def on_screen(window, text: str) -> bool:
    update, land = window.race_update, window.landscape
    return (
        update is not None
        and update.job.text == text
        and update.finished
        and land is not None
        and land.job.text == text
    )


def soak(app, edits: int, warmup: int) -> list[tuple[int, float, int]]:
    """(edits done, RSS MB, Python objects) every 100 edits after ``warmup``."""
    from gradient_studio.ui import MainWindow

    window = MainWindow()
    window.resize(1280, 820)
    window.show()
    wait_for(app, lambda: window.race_update is not None and window.race_update.finished)
    editor = window.findChild(object, "functionEditor")
    rows = []
    for i in range(warmup + edits):
        text = edit_text(i)
        editor.set_text(text)
        wait_for(app, lambda text=text: on_screen(window, text))
        done = i + 1 - warmup
        if done >= 0 and (done % 100 == 0 or done == edits):
            gc.collect()
            rows.append((done, rss_mb(), len(gc.get_objects())))
            print(f"  {done:5d} edits: {rows[-1][1]:7.1f} MB, {rows[-1][2]:,} objects", flush=True)
    window.close()
    return rows


def windows(app, count: int) -> list[tuple[int, float, float]]:
    """(windows opened and closed, RSS MB, RSS MB after malloc_trim)."""
    from gradient_studio.ui import MainWindow
    from gradient_studio.ui.worker import give_back_memory

    rows = []
    for i in range(count):
        window = MainWindow()
        window.resize(1280, 820)
        window.show()
        wait_for(app, lambda w=window: w.race_update is not None and w.race_update.finished)
        for _ in range(20):
            app.processEvents()
        window.close()
        del window
        for _ in range(5):
            app.processEvents()
        if (i + 1) % 10 == 0 or i == 0:
            gc.collect()
            before = rss_mb()
            give_back_memory()
            rows.append((i + 1, before, rss_mb()))
            print(
                f"  {i + 1:3d} windows: {before:7.1f} MB, {rows[-1][2]:7.1f} after trim", flush=True
            )
    return rows


def main() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    edits = option("--edits", 300 if QUICK else 1000)
    warmup = option("--warmup", 50 if QUICK else 200)
    count = option("--windows", 10 if QUICK else 50)
    print(f"soak: {warmup} edits to warm up, then {edits}")
    rows = soak(app, edits, warmup)
    print(f"windows: {count} opened and closed in turn")
    opened = windows(app, count)
    (_, first, _), (_, last, _) = rows[0], rows[-1]
    growth = last - first
    print()
    print(f"{'benchmark':<52} {'value':>9} {'target':>8}  notes")
    print(
        f"{f'RSS growth over {rows[-1][0] - rows[0][0]} edits after warm-up (MB)':<52} "
        f"{growth:>9.1f} {'<=10':>8}  from {first:.0f} MB to {last:.0f} MB; objects "
        f"{rows[0][2]:,} -> {rows[-1][2]:,}  [{'ok' if growth <= 10 else 'OVER'}]"
    )
    (_, one, one_trim), (n, many, many_trim) = opened[0], opened[-1]
    print(
        f"{f'RSS after {n} windows closed, less after 1 (MB)':<52} {many - one:>9.1f} "
        f"{'<=10':>8}  {one:.0f} -> {many:.0f} MB; after malloc_trim {one_trim:.0f} -> "
        f"{many_trim:.0f}  [{'ok' if many - one <= 10 else 'OVER'}]"
    )


if __name__ == "__main__":
    main()
