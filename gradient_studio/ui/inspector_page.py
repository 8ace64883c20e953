"""The step inspector's page: one :class:`~gradient_studio.engine.inspector.StepInspection`
as lines a student can read and check by hand.

Headings in words ("The gradient ∇f — points uphill, …"), each number beside what it is,
every statement of the rule as a short derivation with its equals signs lined up::

    y₁₁ = y₁₀ − η·∂f/∂y
        = 2.00142 − 0.001·(−4.25548)
        = 2.00567

and the symbols explained once, at the end. Every number and statement is the inspection's
own text (the engine's :class:`~gradient_studio.engine.rule_text.Line`): nothing is computed
here, so the page cannot disagree with what ran or with ``StepInspection.text()``.

The page is a list of :class:`Block` (plain data, no Qt); :mod:`~gradient_studio.ui.page_writer`
lays them out. (This page as HTML tables cost 1.4–14 ms a step through ``setHtml``, most of it
Qt's table layout; written block by block it costs 0.3–0.8 ms.)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gradient_studio.engine.inspector import StepInspection, Value
from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.engine.rule_text import Line, number

DIGITS = 6  # significant digits by default
EXACT = 17  # every bit of a float64
GRADIENT = "The gradient ∇f — points uphill, the direction of fastest increase"
SELECT_HINT = "To inspect a run, click a path, a legend entry or a row of the table."
TROUBLE = ("diverged", "domain")  # an ending that went wrong (in red)
#: What the clipping and noise lines write (their symbols are the transforms' own).
TRANSFORM_WORDS = (
    ("g_x, g_y", "the gradient after noise and clipping: what the rule is given"),
    ("ξ_x, ξ_y", "the noise drawn for this step"),
    ("‖g‖", "the length of g"),
    ("c", "the clip threshold"),
    ("r, s", "how much clipping shortens g (s = 1: not at all)"),
)


class Kind(enum.Enum):
    NOTE = "note"  # quiet words
    HEADING = "heading"  # a section, in words
    LABEL = "label"  # a quiet caption inside a section ("For x:")
    ROW = "row"  # a statement, and beside it in quiet words what it is
    COLUMNS = "columns"  # cells side by side: the state's x and y
    EQUATION = "equation"  # "lhs = formula": the first line of a statement
    CONTINUED = "continued"  # "= …", lined up under the equation's first "="
    WARNING = "warning"  # why the run stops here


@dataclass(frozen=True)
class Block:
    """One line of the page. ``cells`` are its parts: a ROW's statement and words, a
    COLUMNS row's cells, an equation's left-hand side and right-hand side (a CONTINUED
    line's left-hand side is the one it lines up under)."""

    kind: Kind
    cells: tuple[str, ...]

    @property
    def text(self) -> str:
        if self.kind is Kind.EQUATION:
            return f"{self.cells[0]} = {self.cells[1]}"
        if self.kind is Kind.CONTINUED:
            return f"= {self.cells[1]}"
        return "   ".join(c for c in self.cells if c)


def equation(line: Line, digits: int) -> list[str]:
    """``line``'s text cut at its equals signs: ``[lhs, formula, numbers, result]`` (the
    parts ``Line.text`` shows), which joined with " = " give that text back exactly."""
    text = line.text(digits)
    head = f"{line.symbol} = "
    if not text.startswith(head):
        return [text]
    parts, rest = [line.symbol], text[len(head) :]
    formula = line.formula()  # (a formula may hold "=": a comparison)
    if rest.startswith(f"{formula} = "):
        parts.append(formula)
        rest = rest[len(formula) + 3 :]
    return [*parts, *rest.rsplit(" = ", 1)]  # the numbers, then the result (never an "=")


def _value(v: tuple[float, float] | float, digits: int) -> str:
    if isinstance(v, tuple):
        return f"({number(v[0], digits)}, {number(v[1], digits)})"
    return number(v, digits)


def _subscript(k: int) -> str:
    return str(k).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _plural(k: int) -> str:
    return f"{k} step{'s' * (k != 1)}"


class _Page:
    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def add(self, kind: Kind, *cells: str) -> None:
        self.blocks.append(Block(kind, cells))

    def rows(self, rows: Iterable[tuple[str, str]]) -> None:
        for statement, words in rows:
            self.add(Kind.ROW, statement, words)

    def equations(self, label: str, lines: Sequence[Line], digits: int) -> None:
        if not lines:
            return
        if label:
            self.add(Kind.LABEL, label)
        for line in lines:
            lhs, *rhs = equation(line, digits)
            if not rhs:  # nothing to line up
                self.add(Kind.ROW, lhs, "")
                continue
            self.add(Kind.EQUATION, lhs, rhs[0])
            for part in rhs[1:]:
                self.add(Kind.CONTINUED, lhs, part)


def blocks(s: StepInspection, digits: int = DIGITS) -> list[Block]:
    """The page of inspection ``s``, top to bottom."""
    k, p = s.step, _Page()
    x, y = f"x{_subscript(k)}", f"y{_subscript(k)}"
    if s.next_point is not None and k == 0:
        p.add(
            Kind.NOTE,
            "Where the run starts (point 0), the gradient there, and its first step "
            "(t = 1), to point 1.",
        )
    elif s.next_point is not None:
        p.add(
            Kind.NOTE,
            f"Where the run is after {_plural(k)} (point {k}), the gradient there, and the "
            f"step it takes next: its step t = {k + 1}, to point {k + 1}.",
        )
    else:
        p.add(Kind.NOTE, f"Where the run is at point {k}, its last.")
    p.add(Kind.HEADING, "Where the run is")
    p.rows(
        [
            (f"{x} = {number(s.point[0], digits)}", ""),
            (f"{y} = {number(s.point[1], digits)}", ""),
            (f"f = {number(s.f, digits)}", "the height of the landscape here"),
        ]
    )
    p.add(Kind.HEADING, GRADIENT)
    gx, gy = s.gradient
    p.rows(
        [
            (f"∂f/∂x = {number(gx, digits)}", "slope along x: how fast f rises as x grows"),
            (f"∂f/∂y = {number(gy, digits)}", "slope along y"),
            (f"‖∇f‖ = {number(s.grad_norm, digits)}", "its length: how steep f is here"),
        ]
    )
    spec = OPTIMIZERS.get(s.optimizer)
    if s.hessian is not None and spec is not None and spec.needs_hessian:
        (hxx, hxy), (_, hyy) = s.hessian
        p.add(Kind.HEADING, "The curvature — how the slope itself changes (the Hessian H)")
        p.rows(
            [
                (f"∂²f/∂x² = {number(hxx, digits)}", "along x"),
                (f"∂²f/∂x∂y = {number(hxy, digits)}", "x and y together"),
                (f"∂²f/∂y² = {number(hyy, digits)}", "along y"),
            ]
        )
    if s.takes_step:
        _step(p, s, digits)
    if s.ending:
        p.add(Kind.HEADING, "Why the run stops here")
        trouble = any(word in s.ending for word in TROUBLE)
        p.add(Kind.WARNING if trouble else Kind.NOTE, s.ending[0].upper() + s.ending[1:] + ".")
    _symbols(p, s, x, y)
    return p.blocks


def _step(p: _Page, s: StepInspection, digits: int) -> None:
    k = s.step
    if s.transform_lines:
        p.add(Kind.HEADING, "The gradient the optimiser is given — after noise and clipping")
        p.rows((f"{v.symbol} = {_value(v.value, digits)}", v.label) for v in s.constants)
        p.equations("", s.transform_lines, digits)
    p.add(Kind.HEADING, "Settings for this step")
    p.rows(
        (f"{v.symbol} = {_value(v.value, digits)}", _hyperparameter_words(s, v))
        for v in s.hyperparameters
    )
    p.add(Kind.ROW, f"t = {k + 1}", f"the step count: this is step {k + 1}")
    if s.state:
        p.add(Kind.HEADING, f"What {s.display_name} remembers from the steps before")
        _state(p, s.state, digits)
    p.add(Kind.HEADING, "The step, worked out")
    spec = OPTIMIZERS.get(s.optimizer)
    if spec is not None and spec.summary:
        p.add(Kind.NOTE, spec.summary)
    p.equations("Once for this step:", s.step_lines, digits)
    if len(s.rule_lines) == 1:
        p.equations("Both coordinates together:", s.rule_lines[0], digits)
    else:
        for axis, block in zip(("x", "y"), s.rule_lines, strict=False):
            p.equations(f"For {axis}:", block, digits)
    p.equations("The new point:", s.point_lines, digits)


def _state(p: _Page, values: Sequence[Value], digits: int) -> None:
    """Before and after the step, x and y side by side."""
    if any(isinstance(v.value, tuple) for v in values):
        p.add(Kind.COLUMNS, "", "x", "y")
    for v in values:
        for when, value in (("before", v.value), ("after", v.after)):
            if isinstance(value, tuple):
                p.add(Kind.COLUMNS, f"{v.symbol} {when}", *(number(c, digits) for c in value))
            elif value is not None:
                p.add(Kind.COLUMNS, f"{v.symbol} {when}", number(value, digits))


def _hyperparameter_words(s: StepInspection, v: Value) -> str:
    spec = OPTIMIZERS.get(s.optimizer)
    h = next((h for h in spec.hyperparameters if h.name == v.name), None) if spec else None
    if h is None:
        return v.label
    label = "" if h.label.startswith(v.symbol) else h.label
    words = f"{label}: {h.description}" if label and h.description else label or h.description
    return words + ("; set by the schedule for this step" if v.name in s.scheduled else "")


def _symbols(p: _Page, s: StepInspection, x: str, y: str) -> None:
    k = s.step
    rows = [(f"{x}, {y}", f"the point after {_plural(k)}" if k else "the start")]
    if s.next_point is not None:
        following = f"x{_subscript(k + 1)}, y{_subscript(k + 1)}"
        rows.append((following, f"where this step lands: point {k + 1}"))
    rows += list(s.legend)
    if s.transform_lines:
        rows += list(TRANSFORM_WORDS)
    rows.append(("·   √", "times, square root"))
    p.add(Kind.HEADING, "Symbols")
    p.rows(rows)
