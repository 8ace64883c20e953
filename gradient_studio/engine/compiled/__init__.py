"""The compiled kernel of the maps: thousands of runs, final states only, with numba.

The third implementation of every optimiser, beside the numpy batch and the straight-line
fast path, printed from the same rule text and objective tree (see :mod:`.source`); a test
holds all three to the same numbers. numba is imported here only, and only when a kernel
is asked for: importing the engine, running a race, drawing a picture or rendering never
loads it (a subprocess test checks).

Compiling takes 1–2 s per function and optimiser, so the window's worker asks for kernels
without waiting: :func:`kernel_for` returns a kernel that is ready, else None (the numpy
path serves the picture meanwhile); :func:`compile_async` compiles on one background thread
and returns a future; :func:`prepare` compiles and waits. A kernel compiled once is cached
on disk (see :mod:`.cache`) and loads quickly in later sessions.

Gradient noise has no kernel: its draws follow the race's order over every start, which the
numpy path keeps (:mod:`~gradient_studio.engine.final`).
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import queue
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np

from gradient_studio.engine.compiled.source import LANES, below_tolerance
from gradient_studio.engine.diagnosis import BOUND
from gradient_studio.engine.kernel import OptimizerSpec
from gradient_studio.engine.objective import Derivatives, Objective
from gradient_studio.engine.rows import Rows, columns, plan, power_tables
from gradient_studio.engine.transforms import Training, TransformRule

if TYPE_CHECKING:
    from gradient_studio.engine.final import FinalStates
    from gradient_studio.engine.results import OptimizerChoice

__all__ = ["Kernel", "available", "compile_async", "kernel_for", "prepare"]

THREADS = min(os.cpu_count() or 1, 4)  # the threads one call spreads its blocks over
_KEY = tuple[int, str, tuple[str, ...], frozenset[str]]
_READY: dict[_KEY, Kernel | None] = {}
_PENDING: dict[_KEY, Future[Kernel | None]] = {}
_LOCK = threading.Lock()


class Kernel:
    """One compiled ``final_run`` for one function, optimiser and set of transforms."""

    def __init__(self, spec: OptimizerSpec, scheduled: frozenset[str], function: Any, path: str):
        self.spec = spec
        self.scheduled = tuple(sorted(scheduled))
        self.function = function
        self.path = path

    def run(
        self,
        objective: Objective,
        choice: OptimizerChoice,
        rows: Rows | None,
        training: Training,
        steps: int,
        tol: float,
        lo: int,
        hi: int,
        out: FinalStates,
    ) -> None:
        """Run the starts ``lo:hi`` of ``out`` and write how each ended into it."""
        spec = self.spec
        hyper = columns(spec, choice.resolved, rows.take(slice(lo, hi)) if rows else None)
        m = hi - lo
        if rows is None:
            hyper = {k: np.broadcast_to(v, m) for k, v in hyper.items()}
        scheduled = choice.scheduled(hyper, training, steps)
        width = steps + 1  # a step's lane reads column k even on the last step
        tables, indices, offset = [], [], 0
        for table, index in power_tables(spec, hyper, steps, scheduled):
            tables.append(np.pad(table, ((0, 0), (0, width - table.shape[1]))))
            indices.append(index + offset)
            offset += len(table)
        sched = np.zeros((0, 1, width))
        sched_index = np.zeros(m, dtype=np.int64)
        if scheduled is not None:
            sched = np.stack(
                [np.pad(scheduled.tables[n], ((0, 0), (0, 1)), mode="edge") for n in self.scheduled]
            )
            sched_index = scheduled.index.astype(np.int64)
        args = (
            np.ascontiguousarray(out.starts[lo:hi]),
            np.ascontiguousarray([hyper[h.name] for h in spec.hyperparameters], dtype=np.float64),
            np.array(list(objective.values.values()), dtype=np.float64).reshape(-1),
            np.array(list(training.constants.values()), dtype=np.float64).reshape(-1),
            np.concatenate(tables) if tables else np.zeros((0, width)),
            np.array(indices, dtype=np.int64).reshape(len(indices), m),
            np.ascontiguousarray(sched),
            np.ascontiguousarray(sched_index),
            int(steps),
            below_tolerance(float(tol)),
            float(BOUND),
            out.end[lo:hi],
            out.f[lo:hi],
            out.grad_norm[lo:hi],
            out.steps[lo:hi],
            out.last_move[lo:hi],
            out.code[lo:hi],
        )
        blocks = -(-m // LANES)
        # Parts of a few blocks each, taken in turn by this thread and the helpers: a core
        # that another program keeps busy then takes fewer parts instead of holding the
        # call up with a half of its own.
        parts = min(blocks, THREADS * 4)
        cuts = [blocks * i // parts for i in range(parts + 1)]
        spans: queue.SimpleQueue[tuple[int, int]] = queue.SimpleQueue()
        for span in itertools.pairwise(cuts):
            spans.put(span)
        blocks_of: Callable[..., None] = self.function

        def take() -> None:
            while True:
                try:
                    a, b = spans.get_nowait()
                except queue.Empty:
                    return
                blocks_of(*args, a, b)

        others = [_workers().submit(take) for _ in range(min(THREADS, parts) - 1)]
        take()
        for other in others:
            other.result()


@functools.cache
def _workers() -> ThreadPoolExecutor:
    """Threads that run a call's other blocks (the kernel holds no interpreter lock)."""
    return ThreadPoolExecutor(max_workers=max(1, THREADS - 1), thread_name_prefix="gradient-map")


@functools.cache
def available() -> bool:
    """Whether numba can be imported here (it is a dependency; a broken install is not)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def _key(derivatives: Derivatives, spec: OptimizerSpec, training: Training) -> _KEY:
    names = frozenset(training.per_step(spec, spec.defaults, 2))
    return (id(derivatives), spec.name, tuple(r.name for r in training.rules), names)


def kernel_for(objective: Objective, spec: OptimizerSpec, training: Training) -> Kernel | None:
    """The kernel for this function, optimiser and training if it is compiled; else None,
    at once (nothing is compiled here: see :func:`compile_async`)."""
    return _READY.get(_key(objective.derivatives, spec, training))


def prepare(objective: Objective, spec: OptimizerSpec, training: Training) -> Kernel | None:
    """The kernel, compiled now if need be (1–2 s; less from the disk cache); None where
    there can be none: gradient noise, numba missing, or a function the printer cannot
    express as plain floats."""
    d = objective.derivatives
    key = _key(d, spec, training)
    with _LOCK:
        if key in _READY:
            return _READY[key]
    kernel = _compile(d, spec, training.rules, key[3]) if _compilable(objective, training) else None
    with _LOCK:
        if key not in _READY:
            _READY[key] = kernel
            weakref.finalize(d, _READY.pop, key, None)
        return _READY[key]


def _compilable(objective: Objective, training: Training) -> bool:
    """Whether a kernel can do what the numpy path does: not for gradient noise (its draws
    follow the race's order), nor a minibatch objective (its function changes every step),
    nor derivatives printed as a call into Python (a model's loss summed over data rows)."""
    if training.noise is not None or objective.stochastic:
        return False
    lines_of = getattr(objective.derivatives, "scalar_lines", None)
    if lines_of is None:
        return True
    try:
        return lines_of(False) is None
    except (NotImplementedError, TypeError, ValueError):
        return False


@functools.cache
def _compiler() -> ThreadPoolExecutor:
    """The one thread that compiles kernels (made on first use)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="gradient-kernels")


def compile_async(
    objective: Objective,
    spec: OptimizerSpec,
    training: Training,
    done: Callable[[Kernel | None], None] | None = None,
    *,
    separate: bool = True,
) -> Future[Kernel | None]:
    """Compile the kernel in the background; the future gives what :func:`prepare` would,
    and ``done`` (if given) is called with it on the compiling thread. Asking again for the
    same kernel while it compiles returns the same future.

    With ``separate`` (the default) a child process compiles it into the disk cache and
    this process then loads it from there (~0.1 s): numba's compiler holds the interpreter
    lock for up to a tenth of a second at a time, which in this process would stall a
    window's drawing; loading stalls it for a few milliseconds."""
    key = _key(objective.derivatives, spec, training)
    with _LOCK:
        pending = _PENDING.get(key)
        if pending is None:
            how = _prepare_elsewhere if separate else prepare
            pending = _compiler().submit(how, objective, spec, training)
            _PENDING[key] = pending
            pending.add_done_callback(lambda _: _PENDING.pop(key, None))
    if done is not None:
        pending.add_done_callback(lambda f: done(f.result() if not f.exception() else None))
    return pending


def _prepare_elsewhere(
    objective: Objective, spec: OptimizerSpec, training: Training
) -> Kernel | None:
    """:func:`prepare`, the compiling done by a child process that fills the disk cache."""
    if (
        _compilable(objective, training)
        and kernel_for(objective, spec, training) is None
        and available()
    ):
        from gradient_studio.engine.compiled.cache import cache_folder

        order = {
            "text": objective.text,
            "optimizer": spec.name,
            "rules": [r.name for r in training.rules],
            "scheduled": sorted(_key(objective.derivatives, spec, training)[3]),
        }
        env = {**os.environ, "GRADIENT_STUDIO_CACHE": str(cache_folder().parent)}
        # A failure there (a function the child cannot rebuild from its text) leaves the
        # compiling to this process: the answer is the same, only slower to the eye.
        subprocess.run(
            [sys.executable, "-m", "gradient_studio.engine.compiled", json.dumps(order)],
            env=env,
            capture_output=True,
            timeout=300,
            check=False,
        )
    return prepare(objective, spec, training)


def _compile(
    d: Derivatives,
    spec: OptimizerSpec,
    rules: tuple[TransformRule, ...],
    scheduled: frozenset[str],
) -> Kernel | None:
    if not available():
        return None
    import numba

    from gradient_studio.engine.compiled.cache import load_kernel, write_kernel
    from gradient_studio.engine.compiled.source import kernel_source

    try:
        text = kernel_source(d, spec, rules, scheduled, numba.__version__)
    except (SyntaxError, TypeError, ValueError, NotImplementedError):
        return None  # the printer cannot express this function as plain floats
    path = write_kernel(text)
    module = load_kernel(path)
    kernel = Kernel(spec, scheduled, module.final_run, str(path))
    constants = sum(len(rule.constants) for rule in rules)
    _warm_up(kernel, spec, len(d.expression.parameters), constants, scheduled)
    return kernel


def _warm_up(
    kernel: Kernel, spec: OptimizerSpec, parameters: int, constants: int, scheduled: frozenset[str]
) -> None:
    """Compile (or load from the disk cache) by one call with arguments of the real types."""
    h, q = len(spec.hyperparameters), len(plan(spec).powers)
    kernel.function(
        np.zeros((1, 2)),
        np.zeros((h, 1)),
        np.ones(parameters),
        np.ones(constants),
        np.zeros((q, 2)),
        np.zeros((q, 1), dtype=np.int64),
        np.zeros((len(scheduled), 1, 2)),
        np.zeros(1, dtype=np.int64),
        0,
        1.0,
        1.0,
        np.zeros((1, 2)),
        np.zeros(1),
        np.zeros(1),
        np.zeros(1, dtype=np.int64),
        np.zeros(1),
        np.zeros(1, dtype=np.int8),
        0,
        1,
    )
