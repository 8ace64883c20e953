"""Timing shared by the benchmark scripts: medians after a warm-up run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of ``repeat`` calls, after one warm-up call (first-touch memory
    and cold caches belong to no one's steady state)."""
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3
