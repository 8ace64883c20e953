"""A rule's statements run one at a time and written out with their numbers.

The step inspector shows an optimiser's update as a person would check it by hand::

    m = m + (1 − β₁)·(∂f/∂x − m) = 0.01 + (1 − 0.9)·((−12.5) − 0.01) = −1.241

Nothing here is written per optimiser: :func:`trace` walks the statements of the rule text
(the same ``per_step`` / ``per_coord`` / ``joint`` text of
:mod:`~gradient_studio.engine.kernel` that every engine path is built from), evaluates each
one with the same operations on the same numbers, and keeps what it read and what it gave.
:class:`Line` then prints the statement twice — with the documentation's symbols, and with
the numbers put in — so a new optimiser is written out for free and the text cannot drift
from what runs.

Arithmetic follows the engine's: step-wide statements on Python floats (``sqrt`` is
``math.sqrt``), per-coordinate and joint ones on numpy float64 scalars, quietly (division
by zero gives inf, as in the array path). Each operation is the same IEEE operation as the
compiled paths' on the same operands, so the values agree to the last bit.
"""

from __future__ import annotations

import ast
import functools
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

MINUS = "\u2212"
_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.Gt: operator.gt,
    ast.LtE: operator.le,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
}
_COMPARE_TEXT = {ast.Lt: "<", ast.Gt: ">", ast.LtE: "≤", ast.GtE: "≥", ast.Eq: "="}


def _where(c: Any, a: Any, b: Any) -> Any:
    return a if c else b


# numpy on scalars: the same results as numpy on the runner's arrays, quietly.
ARRAY_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sqrt": np.sqrt,
    "abs": np.abs,
    "sign": np.sign,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "where": _where,
    "clip": np.clip,
}
SCALAR_FUNCTIONS: dict[str, Callable[..., Any]] = {**ARRAY_FUNCTIONS, "sqrt": math.sqrt}


@functools.cache
def statements(text: str) -> tuple[ast.Assign, ...]:
    """The assignments of rule ``text``, parsed once."""
    lines = "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())
    body = ast.parse(lines).body
    out = tuple(s for s in body if isinstance(s, ast.Assign))
    if len(out) != len(body):
        raise ValueError("rule text must be assignments only")
    return out


def evaluate(
    node: ast.expr, env: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]
) -> Any:
    """The value of ``node`` with the names of ``env``, as the engine computes it."""
    if isinstance(node, ast.Constant):
        return _constant(node)
    if isinstance(node, ast.Name):
        return env[node.id]
    if isinstance(node, ast.BinOp):
        op = _BINARY[type(node.op)]
        return op(evaluate(node.left, env, functions), evaluate(node.right, env, functions))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -evaluate(node.operand, env, functions)
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        left = evaluate(node.left, env, functions)
        return _COMPARE[type(node.ops[0])](left, evaluate(node.comparators[0], env, functions))
    if isinstance(node, ast.IfExp):  # Python's: only the branch taken is evaluated
        branch = node.body if evaluate(node.test, env, functions) else node.orelse
        return evaluate(branch, env, functions)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = [evaluate(a, env, functions) for a in node.args]
        return functions[node.func.id](*args)
    raise ValueError(f"the rule language has no {ast.unparse(node)!r}")


def _constant(node: ast.Constant) -> float:
    if not isinstance(node.value, int | float):
        raise ValueError(f"the rule language has no constant {node.value!r}")
    return float(node.value)


def _names(node: ast.AST) -> list[str]:
    seen: dict[str, None] = {}
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and not (
            isinstance(n.ctx, ast.Load) and n.id in SCALAR_FUNCTIONS
        ):
            seen.setdefault(n.id, None)
    return list(seen)


@dataclass(frozen=True)
class Line:
    """One statement at one step: ``target = expression`` with the values it read.

    ``symbols`` gives each name the symbol a formula writes it with (a name without one is
    written as it is); ``label`` says in words what the target is ("first moment")."""

    target: str
    symbol: str  # how the target is written
    expression: ast.expr
    operands: tuple[tuple[str, float], ...]
    value: float
    symbols: tuple[tuple[str, str], ...]
    label: str = ""

    def formula(self) -> str:
        """The right-hand side in symbols: ``m + (1 − β₁)·(∂f/∂x − m)``."""
        return render(self.expression, _SymbolLeaves(dict(self.symbols)))

    def numbers(self, digits: int = 6) -> str:
        """The right-hand side with the numbers put in: ``0.01 + (1 − 0.9)·((−12.5) − 0.01)``."""
        return render(self.expression, _NumberLeaves(dict(self.operands), digits))

    def text(self, digits: int = 6) -> str:
        """``symbol = formula = numbers = value``, leaving out a part that says nothing new."""
        parts = [self.symbol]
        result = number(self.value, digits)
        if isinstance(self.expression, ast.Compare):
            result = "true" if self.value else "false"
        for part in (self.formula(), self.numbers(digits)):
            if _unwrapped(part) != _unwrapped(parts[-1]):
                parts.append(part)
        if _unwrapped(result) == _unwrapped(parts[-1]) and len(parts) > 1:
            parts[-1] = result  # "= (−2.5)" said nothing the result does not
        else:
            parts.append(result)
        return " = ".join(parts)


def trace(
    text: str,
    env: dict[str, Any],
    functions: Mapping[str, Callable[..., Any]],
    symbols: Mapping[str, str],
    labels: Mapping[str, str] | None = None,
    targets: Mapping[str, str] | None = None,
) -> list[Line]:
    """Run the statements of ``text`` in ``env`` (updated in place, as the rule updates its
    names) and return one :class:`Line` per statement.

    ``symbols`` writes each name; a name in ``targets`` is written differently once
    assigned (a transform's ``g`` reads ∂f/∂x and gives g_x)."""
    labels = labels or {}
    current = dict(symbols)
    lines = []
    for statement in statements(text):
        (target,) = statement.targets
        assert isinstance(target, ast.Name)
        name = target.id
        names = _names(statement.value)
        operands = tuple((n, float(env[n])) for n in names)
        value = evaluate(statement.value, env, functions)
        env[name] = value
        shown = tuple((n, current[n]) for n in names if n in current)
        if targets and name in targets:
            current[name] = targets[name]
        symbol = current.get(name, name)
        lines.append(
            Line(name, symbol, statement.value, operands, float(value), shown, labels.get(name, ""))
        )
    return lines


# -- writing it out -------------------------------------------------------------------------


def number(v: float, digits: int = 6) -> str:
    """A number as the inspector prints it: ``digits`` significant digits, a true minus."""
    if v != v:
        return "nan"
    if math.isinf(v):
        return "∞" if v > 0 else f"{MINUS}∞"
    if v == int(v) and abs(v) < 1e15:
        return str(int(v)).replace("-", MINUS)
    return f"{v:.{digits}g}".replace("-", MINUS)


class _SymbolLeaves:
    def __init__(self, symbols: dict[str, str]) -> None:
        self.symbols = symbols

    def name(self, name: str) -> tuple[str, int]:
        """The text of a name and how tightly it holds together."""
        text = self.symbols.get(name, name)
        return text, _precedence(text)

    def branch(self, node: ast.expr) -> bool | None:
        return None  # a formula shows both branches of a choice


class _NumberLeaves:
    def __init__(self, values: dict[str, float], digits: int) -> None:
        self.values = values
        self.digits = digits

    def name(self, name: str) -> tuple[str, int]:
        text = number(self.values[name], self.digits)
        return (f"({text})" if text.startswith(MINUS) else text), _ATOM

    def branch(self, node: ast.expr) -> bool | None:
        return bool(evaluate(node, self.values, ARRAY_FUNCTIONS))


def _unwrapped(text: str) -> str:
    """``text`` without parentheses around all of it."""
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1]
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def _precedence(text: str) -> int:
    """How tightly a symbol holds together in a formula: ``β₁``, ``∂f/∂x`` and
    ``(1 − β₂ᵗ)`` are atoms, ``g·g₋`` a product, ``ρₜ > 5`` a comparison."""
    if text.startswith("∂") and " " not in text:
        return _ATOM  # ∂f/∂x is one quantity, however it is written
    depth, top = 0, set()
    for c in text:
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth == 0 and c in " +−-·/<>":
            top.add(c)
    if not top:
        return _ATOM
    if top & {"<", ">"}:
        return _COMPARISON
    return _PRODUCT if top <= {"·", "/"} else _SUM


_ATOM, _POWER, _UNARY, _PRODUCT, _SUM, _COMPARISON, _CHOICE = 9, 8, 7, 6, 5, 4, 1
_SUPERSCRIPT = {"t": "ᵗ"}


def render(node: ast.expr, leaves: _SymbolLeaves | _NumberLeaves) -> str:
    """``node`` written as mathematics: ``·`` for products, ``−``, ``√``, ``|x|``, ``βᵗ``."""
    return _render(node, leaves)[0]


def _wrap(part: tuple[str, int], at_least: int) -> str:
    text, precedence = part
    return f"({text})" if precedence < at_least else text


def _render(node: ast.expr, leaves: _SymbolLeaves | _NumberLeaves) -> tuple[str, int]:
    if isinstance(node, ast.Constant):
        return number(_constant(node)), _ATOM
    if isinstance(node, ast.Name):
        return leaves.name(node.id)
    if isinstance(node, ast.UnaryOp):
        return f"{MINUS}{_wrap(_render(node.operand, leaves), _UNARY)}", _UNARY
    if isinstance(node, ast.BinOp):
        return _binary(node, leaves)
    if isinstance(node, ast.Compare):
        left = _wrap(_render(node.left, leaves), _SUM)
        right = _wrap(_render(node.comparators[0], leaves), _SUM)
        return f"{left} {_COMPARE_TEXT[type(node.ops[0])]} {right}", _COMPARISON
    if isinstance(node, ast.IfExp):
        return _choice(node.test, node.body, node.orelse, leaves)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _call(node.func.id, node.args, leaves)
    return ast.unparse(node), _ATOM


def _binary(node: ast.BinOp, leaves: _SymbolLeaves | _NumberLeaves) -> tuple[str, int]:
    op = type(node.op)
    if op is ast.Pow:
        if isinstance(node.right, ast.Constant) and node.right.value == 0.5:
            return f"√{_wrap(_render(node.left, leaves), _ATOM)}", _ATOM
        base = _wrap(_render(node.left, leaves), _ATOM)
        if isinstance(leaves, _SymbolLeaves) and isinstance(node.right, ast.Name):
            sup = _SUPERSCRIPT.get(node.right.id)
            if sup and _precedence(base) == _ATOM:
                return f"{base}{sup}", _POWER
        return f"{base}^{_wrap(_render(node.right, leaves), _ATOM)}", _POWER
    right_node = _taken(node.right, leaves)
    if op is ast.Add and (positive := strip_minus(right_node)) is not None:
        return _binary(ast.BinOp(node.left, ast.Sub(), positive), leaves)
    precedence = _SUM if op in (ast.Add, ast.Sub) else _PRODUCT
    sign = {ast.Add: "+", ast.Sub: MINUS, ast.Mult: "·", ast.Div: "/"}[op]
    left = _wrap(_render(node.left, leaves), precedence)
    # a + (b − c) keeps its parentheses: read left to right, the text is the order the
    # numbers were added in (floating-point sums depend on it)
    right = _wrap(_render(right_node, leaves), precedence + 1)
    spaced = f" {sign} " if precedence == _SUM else sign
    return f"{left}{spaced}{right}", precedence


def _call(
    name: str, args: list[ast.expr], leaves: _SymbolLeaves | _NumberLeaves
) -> tuple[str, int]:
    parts = [_render(a, leaves) for a in args]
    if name in ("sqrt", "math_sqrt"):
        return f"√{_wrap(parts[0], _ATOM)}", _ATOM
    if name == "abs":
        return f"|{_unwrapped(parts[0][0])}|", _ATOM
    if name == "where":
        test, body, orelse = args
        return _choice(test, body, orelse, leaves)
    shown = {"maximum": "max", "minimum": "min"}.get(name, name)
    return f"{shown}({', '.join(p[0] for p in parts)})", _ATOM


def _choice(
    test: ast.expr, body: ast.expr, orelse: ast.expr, leaves: _SymbolLeaves | _NumberLeaves
) -> tuple[str, int]:
    taken = leaves.branch(test)
    if taken is not None:  # with numbers: only the branch the step took
        return _render(body if taken else orelse, leaves)
    a, c, b = (_render(n, leaves) for n in (body, test, orelse))
    return f"({a[0]} if {c[0]} else {b[0]})", _ATOM


def _taken(node: ast.expr, leaves: _SymbolLeaves | _NumberLeaves) -> ast.expr:
    """With numbers, a choice (``where``, ``a if c else b``) is the branch the step took."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "where":
        test, body, orelse = node.args
    elif isinstance(node, ast.IfExp):
        test, body, orelse = node.test, node.body, node.orelse
    else:
        return node
    taken = leaves.branch(test)
    return node if taken is None else _taken(body if taken else orelse, leaves)


def strip_minus(node: ast.expr) -> ast.expr | None:
    """``node`` without its leading minus sign — ``−a``, ``(−a)·b``, ``−a·b/c`` — or None
    if it has none. Negation is exact in floating point, so ``p + (−a)·b`` and ``p − a·b``
    are the same number: the inspector writes the update as a subtraction."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return node.operand
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult | ast.Div):
        left = strip_minus(node.left)
        if left is not None:
            return ast.BinOp(left, node.op, node.right)
    return None
