"""Runs of one optimiser with hyperparameters that differ from run to run, in one batch.

A learning-rate sweep is sixty runs of one optimiser from one start, each with its own lr; a
hyperparameter map is ten thousand runs, each with its own (lr, momentum). They move as one
batch: :class:`Rows` gives every run (row) its own values of any hyperparameters, and
:func:`build_rows` compiles the optimiser's rule text for a batch whose hyperparameters are
arrays with one value per row.

Per-step values. An optimiser's ``per_step`` lines (bias corrections such as lr/(1 − β₁ᵗ))
are step-wide scalars when every run shares the hyperparameters. When rows differ they are
computed per row — but their powers (β₁ᵗ) cost far more than the rest, and each depends on
only a few hyperparameters, which take few distinct values (a sweep varies lr; β₁ᵗ is the
same for all its rows). So :func:`plan` cuts every power out of the ``per_step`` text, and
:func:`power_tables` computes each once per step for each distinct value of what it reads,
with Python's floats — the C library's ``pow``, as the single-run paths compute it. The rest
of the ``per_step`` text, cheap arithmetic, then runs per row reading those tables. The
numpy batch, the straight-line fast path and the compiled kernel read the same tables and
do the same arithmetic after them, so they agree exactly.
"""

from __future__ import annotations

import ast
import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gradient_studio.engine.kernel import (
    NUMPY_FUNCTIONS,
    Array,
    Optimizer,
    OptimizerSpec,
    OptimizerState,
    checked,
    indent,
    rule_body,
    state_type,
    statements,
)

Index = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Rows:
    """Hyperparameters with one value per run: ``values[name]`` has one number per row.

    Built with :meth:`of`, which checks every value against the hyperparameter's range."""

    values: Mapping[str, Array]
    count: int

    @classmethod
    def of(cls, spec: OptimizerSpec, values: Mapping[str, ArrayLike], count: int) -> Rows:
        """Per-row ``values`` of ``spec``'s hyperparameters for ``count`` runs: each a
        number (shared) or ``count`` numbers. ``KeyError`` for a name ``spec`` lacks,
        ``ValueError`` for a value outside the hyperparameter's range or a wrong length."""
        out: dict[str, Array] = {}
        for name, given in values.items():
            h = spec.hyperparameter(name)
            column = np.array(given, dtype=np.float64).reshape(-1)
            if len(column) == 1:
                column = np.full(count, column[0])
            if len(column) != count:
                raise ValueError(f"{name}: {len(column)} values for {count} runs")
            bad = ~((column >= h.low) & (column <= h.high))
            if bad.any():
                v = float(column[np.argmax(bad)])
                raise ValueError(
                    f"{spec.name} {name} must be between {h.low:g} and {h.high:g}, got {v:g}"
                )
            column.flags.writeable = False
            out[name] = column
        return cls(out, count)

    def row(self, j: int) -> dict[str, float]:
        """Row ``j``'s own values."""
        return {name: float(column[j]) for name, column in self.values.items()}

    def take(self, index: Index | slice) -> Rows:
        """The rows ``index`` (a slice or an index array), in that order."""
        values = {name: column[index] for name, column in self.values.items()}
        count = len(np.arange(self.count)[index])
        return Rows(values, count)


def columns(spec: OptimizerSpec, hyper: Mapping[str, float], rows: Rows | None) -> dict[str, Array]:
    """Every hyperparameter of ``spec`` as one value per row: ``rows``' own, else ``hyper``."""
    n = rows.count if rows is not None else 1
    given = rows.values if rows is not None else {}
    return {
        h.name: given[h.name] if h.name in given else np.full(n, float(hyper[h.name]))
        for h in spec.hyperparameters
    }


# -- per-step values ------------------------------------------------------------------------


@dataclass(frozen=True)
class Power:
    """One power in an optimiser's ``per_step`` text: ``text`` (e.g. ``beta1 ** t``), named
    ``name`` in the per-row lines, after the statements ``before`` it needs; it depends on
    the step and on the hyperparameters ``reads``."""

    name: str
    text: str
    before: tuple[str, ...]
    reads: tuple[str, ...]


@dataclass(frozen=True)
class PerStepPlan:
    """An optimiser's ``per_step`` text cut in two: its :attr:`powers`, and the per-row
    :attr:`lines` that read them by name."""

    powers: tuple[Power, ...]
    lines: tuple[str, ...]


class _Cut(ast.NodeTransformer):
    """Replace each outermost ``**`` by a name; the same text gets the same name."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        if isinstance(node.op, ast.Pow):
            text = ast.unparse(node)
            name = self.found.setdefault(text, f"_pw{len(self.found)}")
            return ast.copy_location(ast.Name(name, ast.Load()), node)
        return self.generic_visit(node)


def _names(tree: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


@functools.cache
def plan(spec: OptimizerSpec) -> PerStepPlan:
    """The powers and per-row lines of ``spec``'s ``per_step`` text."""
    hyper = {h.name for h in spec.hyperparameters}
    cut = _Cut()
    lines: list[str] = []
    reads: dict[str, set[str]] = {}  # step-wide name -> the hyperparameters it depends on
    powers: list[Power] = []
    source = statements(spec.per_step).splitlines() if spec.per_step.strip() else []
    for i, line in enumerate(source):
        tree = ast.parse(line)
        before = len(cut.found)
        new_tree = cut.visit(ast.parse(line))
        lines.append(ast.unparse(new_tree))
        for text, name in list(cut.found.items())[before:]:
            used = _names(ast.parse(text))
            depends = (used & hyper) | {r for u in used & set(reads) for r in reads[u]}
            powers.append(Power(name, text, tuple(source[:i]), tuple(sorted(depends))))
        statement = tree.body[0]
        if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
            used = _names(statement.value)
            reads[statement.targets[0].id] = (used & hyper) | {
                r for u in used & set(reads) for r in reads[u]
            }
    return PerStepPlan(tuple(powers), tuple(lines))


def _safe_pow(a: float, b: float) -> float:
    """``a ** b`` as the C library computes it, nan where it is not a real number (a power
    under a condition is tabled for every row; the rows whose condition fails drop it)."""
    try:
        value = a**b
    except (ArithmeticError, ValueError):
        return math.nan
    return value if isinstance(value, float) else math.nan


class _Guard(ast.NodeTransformer):
    """The outermost power through :func:`_safe_pow`."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Pow):
            call = ast.Call(ast.Name("_safe_pow", ast.Load()), [node.left, node.right], [])
            return ast.copy_location(call, node)
        return node


@functools.cache
def _table_function(spec: OptimizerSpec, power: Power, scheduled: frozenset[str]) -> Any:
    """``table(steps, hyper..., per-step lists...) -> list`` of the power at t = 1 … steps."""
    hyper = [h.name for h in spec.hyperparameters]
    steps_values = "".join(f"            {n} = _steps_{n}[k]\n" for n in sorted(scheduled))
    guarded = _Guard().visit(ast.parse("\n".join([*power.before, f"_value = {power.text}"])))
    body = indent(ast.unparse(ast.fix_missing_locations(guarded)), 12)
    source = (
        f"def table(steps, {', '.join(hyper)}, {', '.join(f'_steps_{n}' for n in hyper)}):\n"
        "    out = []\n"
        "    for k in range(steps):\n"
        "        t = k + 1.0\n"
        "        try:\n"
        f"{steps_values}{body}\n"
        "        except ArithmeticError:\n"
        "            _value = nan\n"
        "        out.append(_value)\n"
        "    return out\n"
    )
    namespace: dict[str, Any] = {"_safe_pow": _safe_pow, "sqrt": math.sqrt, "nan": math.nan}
    exec(compile(source, f"<per-step {spec.name} {power.name}>", "exec"), namespace)  # our text
    return namespace["table"]


@dataclass(frozen=True)
class Scheduled:
    """Per-step values of the scheduled hyperparameters of a batch: ``tables[name]`` is
    ``(distinct rows, steps)``, step t at column t − 1, and ``index`` each run's row."""

    tables: Mapping[str, Array]
    index: Index

    def take(self, index: Index | slice) -> Scheduled:
        return Scheduled(self.tables, self.index[index])


def schedule_rows(
    per_step: Callable[[Mapping[str, float]], Mapping[str, Sequence[float]]],
    lr: Array,
    hyper: Mapping[str, float],
) -> Scheduled | None:
    """The scheduled values of a batch whose runs have the learning rates ``lr``:
    ``per_step(hyper)`` gives one run's (a schedule reads only the base lr)."""
    distinct, index = np.unique(lr, return_inverse=True)
    per_lr = [per_step({**hyper, "lr": float(v)}) for v in distinct]
    if not per_lr or not per_lr[0]:
        return None
    tables = {name: np.array([p[name] for p in per_lr], dtype=np.float64) for name in per_lr[0]}
    return Scheduled(tables, index.astype(np.intp).reshape(-1))


def _distinct(keys: list[NDArray[Any]], n: int) -> tuple[NDArray[Any], Index]:
    """The distinct rows of the columns ``keys`` and each row's place among them."""
    if not keys or all((k == k[0]).all() for k in keys):
        return np.stack([k[:1] for k in keys], axis=1) if keys else np.empty((1, 0)), np.zeros(
            n, np.intp
        )
    stacked = np.stack(keys, axis=1)
    distinct, index = np.unique(stacked, axis=0, return_inverse=True)
    return distinct, index.astype(np.intp).reshape(-1)


def power_tables(
    spec: OptimizerSpec,
    hyper: Mapping[str, Array],
    steps: int,
    scheduled: Scheduled | None = None,
) -> list[tuple[Array, Index]]:
    """For each power of ``spec``'s plan: its values ``(distinct rows, steps)`` — step t at
    column t − 1 — and each run's row, for runs with the per-row ``hyper``."""
    names = frozenset(scheduled.tables) if scheduled is not None else frozenset()
    n = len(next(iter(hyper.values()))) if hyper else 1
    out = []
    for power in plan(spec).powers:
        table = _table_function(spec, power, names)
        keys: list[NDArray[Any]] = []
        for name in power.reads:
            keys.append(scheduled.index if scheduled is not None and name in names else hyper[name])
        distinct, index = _distinct(keys, n)
        first = np.zeros(len(distinct), np.intp)
        first[index[::-1]] = np.arange(n)[::-1]  # a row of each distinct key
        values = np.empty((len(distinct), max(steps, 0)))
        for u, j in enumerate(first.tolist()):
            args = [float(hyper[h.name][j]) for h in spec.hyperparameters]
            lists = [
                scheduled.tables[h.name][scheduled.index[j]].tolist()
                if scheduled is not None and h.name in names
                else None
                for h in spec.hyperparameters
            ]
            values[u] = _cached_row(table, steps, tuple(args), tuple(map(_tuple, lists)))
        out.append((values, index))
    return out


def _tuple(values: list[float] | None) -> tuple[float, ...] | None:
    return None if values is None else tuple(values)


@functools.lru_cache(maxsize=4096)
def _cached_row(
    table: Any, steps: int, args: tuple[float, ...], lists: tuple[tuple[float, ...] | None, ...]
) -> list[float]:
    """One distinct row's table (a drag of a function's parameter reruns the same ones)."""
    values: list[float] = table(steps, *args, *lists)
    return values


# -- the numpy batch ------------------------------------------------------------------------


class _Vectorise(ast.NodeTransformer):
    """``a if c else b`` on arrays: ``where(c, a, b)``."""

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        self.generic_visit(node)
        call = ast.Call(ast.Name("where", ast.Load()), [node.test, node.body, node.orelse], [])
        return ast.copy_location(call, node)


@functools.cache
def _compiled_rows(spec: OptimizerSpec, scheduled: frozenset[str]) -> Callable[..., Any]:
    names = [n for n, _ in spec.state]
    powers = plan(spec).powers
    hyper = [h.name for h in spec.hyperparameters]
    per_step = "\n".join(plan(spec).lines)
    per_step = ast.unparse(ast.fix_missing_locations(_Vectorise().visit(ast.parse(per_step))))
    reads = "".join(
        f"        {p.name} = _tables[{i}][_indices[{i}], count - 1]\n" for i, p in enumerate(powers)
    )
    steps_values = "".join(
        f"        {n} = _steps[{n!r}][_steps_index, count - 1]\n" for n in sorted(scheduled)
    )
    unpack = "".join(f"        {n} = state.{n}\n" for n in names)
    body = rule_body(spec)
    source = (
        f"def _factory({', '.join(hyper)}, _tables, _indices, _steps, _steps_index):\n"
        "    def update(grads, state, params, hessian=None):\n"
        "        count = state.count + 1\n"
        "        t = float(count)\n"
        f"{steps_values}{reads}{indent(per_step, 8) if per_step else ''}\n"
        f"{unpack}{body}"
        f"        return u, _State(count, {', '.join(names)})\n"
        "    return update\n"
    )
    namespace: dict[str, Any] = {"np": np, "_State": state_type(spec), **NUMPY_FUNCTIONS}
    exec(compile(source, f"<optimizer rows {spec.name}>", "exec"), namespace)  # our text only
    factory: Callable[..., Any] = namespace["_factory"]
    return factory


def build_rows(
    spec: OptimizerSpec,
    hyper: Mapping[str, Array],
    steps: int,
    scheduled: Scheduled | None = None,
) -> Optimizer:
    """``spec`` as an ``(init, update)`` pair over a batch whose hyperparameters are per row
    (``hyper[name]`` one value per row, in the batch's order): as
    :func:`~gradient_studio.engine.kernel.build`, for at most ``steps`` steps."""
    names = frozenset(scheduled.tables) if scheduled is not None else frozenset()
    shape = (-1,) if spec.joint else (-1, 1)  # broadcast against (n,) or (n, 2)
    tables = power_tables(spec, hyper, steps, scheduled)
    factory = _compiled_rows(spec, names)
    update = factory(
        **{k: np.asarray(v).reshape(shape) for k, v in hyper.items()},
        _tables=[table for table, _ in tables],
        _indices=[index.reshape(shape) for _, index in tables],
        _steps=dict(scheduled.tables) if scheduled is not None else {},
        _steps_index=scheduled.index.reshape(shape) if scheduled is not None else None,
    )
    first = {k: np.asarray(v, dtype=np.float64) for k, v in hyper.items()}
    if scheduled is not None:
        for name, table in scheduled.tables.items():
            first[name] = table[scheduled.index, 0]
    state = state_type(spec)

    def init(params: Array) -> OptimizerState:
        params = np.asarray(params, dtype=np.float64)
        like = params[..., 0] if spec.joint else params
        values = {}
        for name, v in spec.state:
            start = first[v].reshape(shape) if isinstance(v, str) else float(v)
            values[name] = np.broadcast_to(start, like.shape).astype(np.float64, copy=True)
        made: OptimizerState = state(0, **values)
        return made

    shared = {k: float(v[0]) for k, v in hyper.items()}
    return Optimizer(spec, shared, init, checked(spec, update), {})
