"""Building the SymEngine tree node by node, with the guards that keep it real and small:
constants folded with a float shadow (an overflow is an error), nothing complex, no huge
exact numbers, no tree taller than the limit."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import symengine as se
from symengine.lib import symengine_wrapper as _se

from gradient_studio.engine.expression import arithmetic
from gradient_studio.engine.expression.errors import error_at, too_deep, too_large
from gradient_studio.engine.expression.limits import (
    EXACT_HEIGHT,
    EXACT_LIMIT,
    EXACT_POWER,
    MAX_DEPTH,
    SYMBOLIC_POWER,
)
from gradient_studio.engine.expression.names import ABS, FUNCTIONS_BY_NAME, KINKS, X, Y
from gradient_studio.engine.expression.tokens import Token
from gradient_studio.engine.expression.trees import postorder

__all__ = ["TreeBuilder", "Value", "as_float", "exactly", "to_float"]

# SymEngine answers some undefined operations by raising (sin(oo)): those are nan too.
_UNDEFINED = (RuntimeError, ValueError, TypeError, ArithmeticError)
_NOT_REAL = (_se.ComplexBase, _se.ComplexInfinity)
_NOT_FINITE = (se.nan, se.oo, -se.oo, se.zoo)


class Value(NamedTuple):
    """A parsed piece: its tree, its float value if constant, and its span in the text."""

    expr: se.Basic
    number: float | None
    start: int
    end: int


class _Facts(NamedTuple):
    height: int
    symbolic: bool  # depends on x, y or a parameter
    impure: bool  # holds what numpy cannot evaluate as a real: I, zoo, a huge rational


def _impure(node: se.Basic) -> bool:
    """Whether numpy cannot evaluate ``node`` as a real number: I, zoo, (-1)**(1/3), a
    rational too big for a float."""
    if node.is_Rational:
        p, q = node.get_num_den()
        return bool(max(abs(int(p)), int(q)) > EXACT_LIMIT)
    if node.is_Pow:  # (-1)**(1/3) is complex; (-2)**a is left to numpy: nan where not real
        base, exp = node.args
        return bool(base.is_Number and exp.is_Number and to_float(base) < 0 and not exp.is_Integer)
    return isinstance(node, _NOT_REAL)


def to_float(node: se.Basic) -> float:
    """A constant tree's value as a float: ±inf beyond the float range, nan where it has no
    real value."""
    if node.is_Rational:
        p, q = (int(v) for v in node.get_num_den())
        try:
            return p / q  # correctly rounded, however large p and q are
        except OverflowError:
            return math.inf if p > 0 else -math.inf
    try:
        return float(node)
    except OverflowError:
        return math.inf
    except _UNDEFINED:
        return math.nan


def _distributed(expr: se.Basic) -> se.Basic:
    """A number times a sum, multiplied out (2(x + 1) is 2x + 2), as sympy writes it: the
    derivatives' formulas read as they always have."""
    args: tuple[se.Basic, ...] = expr.args if expr.is_Mul else ()
    if len(args) == 2 and args[0].is_Number and args[1].is_Add:
        return se.Add(*(args[0] * term for term in args[1].args))
    return expr


def as_float(number: float) -> se.Basic:
    """A SymEngine double that prints (in the generated code) back to exactly ``number``."""
    return se.RealDouble(number)


def _same(expr: se.Basic) -> se.Basic:
    return expr


def exactly(build: Callable[..., se.Basic], *exprs: se.Basic) -> Callable[[], se.Basic] | None:
    """``build(*exprs)`` for later, or None once a Float is involved: the result would be
    a Float anyway."""
    return None if any(e.is_Float for e in exprs) else partial(build, *exprs)


class TreeBuilder:
    """Makes checked nodes for one text, remembering what it learnt about each subtree."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.facts: dict[se.Basic, _Facts] = {}
        self.smooth = True  # no abs, sign, min or max built (see Expression.smooth)

    # -- nodes over parsed pieces ------------------------------------------------------------

    def invert(self, item: Value, tok: Token) -> Value:
        """``-item`` or ``1/item``: a negated term, or the divisor in a product."""
        start, neg = (tok.start, True) if tok.text == "-" else (item.start, False)
        if item.number is None:
            return self.make(_distributed(-item.expr) if neg else 1 / item.expr, start, item.end)
        number = (
            -item.number
            if neg
            else self.compute(arithmetic.divide, [1.0, item.number], start, item.end)
        )
        exact = partial(lambda e: -e if neg else 1 / e, item.expr)
        return self.constant(number, exact, start, item.end)

    def join(self, ops: str, exprs: list[se.Basic], start: int, end: int) -> Value:
        """A sum (``ops`` "+-") or product of ``exprs``, built as one node."""
        expr = se.Add(*exprs) if ops == "+-" else _distributed(se.Mul(*exprs))
        return self.make(expr, start, end)

    def call(self, name: str, args: list[Value], start: int, end: int) -> Value:
        """``name(*args)``, its arguments already counted: folded when they are constants."""
        function = FUNCTIONS_BY_NAME[name]
        numbers, exprs = [a.number for a in args], [a.expr for a in args]
        if all(n is not None for n in numbers):
            number = self.compute(function.number, numbers, start, end)
            exact = exactly(function.build, *exprs)
            if function.arity != 1 or name == "relu":  # the winning argument, or 0
                won = (a.expr for a in args if a.number == number)
                exact = partial(next, won, se.Integer(0))
            elif name == "sign":  # -1, 0 or 1 (or nan, folded as such)
                exact = partial(se.Integer, int(number) if math.isfinite(number) else 0)
            elif name in ("sigmoid", "softplus") and abs(numbers[0] or 0.0) > 700:
                exact = None  # exp(-z) would overflow in numpy
            return self.constant(number, exact, start, end)
        if any(n is not None and math.isnan(n) for n in numbers):
            return self.constant(math.nan, None, start, end)
        if name == "sqrt":  # a power, so that sqrt(x^2) is |x|
            return self.power(args[0], Value(se.Rational(1, 2), 0.5, end, end))._replace(
                start=start
            )
        self.smooth = self.smooth and name not in KINKS
        try:
            expr = function.build(*exprs)
        except _UNDEFINED:  # sin(oo*x)
            return self.constant(math.nan, None, start, end)
        return self.make(expr, start, end)

    def power(self, base: Value, exponent: Value) -> Value:
        """``base ** exponent``, never asking SymEngine for a huge exact number."""
        start, end, e = base.start, exponent.end, exponent.expr
        if base.number is not None and exponent.number is not None:
            number = self.compute(arithmetic.power, [base.number, exponent.number], start, end)
            cheap = not e.is_Rational or max(abs(int(n)) for n in e.get_num_den()) <= EXACT_POWER
            exact = exactly(lambda b, x: b**x, base.expr, e) if cheap else None
            return self.constant(number, exact, start, end)
        huge = e.is_Rational and max(abs(int(n)) for n in e.get_num_den()) > SYMBOLIC_POWER
        if exponent.number is not None and huge:
            e = as_float(exponent.number)
        # (-2)^a, (-pi)^a are real only for a whole a: numpy's power answers nan elsewhere.
        if base.number is not None and base.number < 0 and e.free_symbols & {X, Y}:
            message = "a negative number to a power that depends on x or y is not real"
            hint = "for minus a power write -2^x, which is -(2^x)"
            raise error_at(f"{message}, at column {start + 1} — {hint}", start, end)
        b = base.expr
        if exponent.number is not None and not e.is_Integer and b.is_Pow:
            inner, even = b.args
            if even.is_Integer and int(even) % 2 == 0:  # (u^2)^(1/2) is |u| for a real u
                b, e, self.smooth = ABS(inner), even * e, False
        try:
            expr = b**e
        except _UNDEFINED:
            return self.constant(math.nan, None, start, end)
        return self.make(expr, start, end)

    # -- building and checking nodes ---------------------------------------------------------

    def compute(
        self, fn: Callable[..., float], args: list[float | None], start: int, end: int
    ) -> float:
        try:
            return float(fn(*args)) + 0.0  # -0.0 becomes 0.0
        except OverflowError:
            raise too_large(self.text, start, end) from None

    def constant(
        self, number: float, exact: Callable[[], se.Basic] | None, start: int, end: int
    ) -> Value:
        """A folded constant: nan or oo when not finite, else the exact tree when it is small,
        real and not a Float, else one Float."""
        if not math.isfinite(number):
            expr = se.nan if math.isnan(number) else se.oo if number > 0 else -se.oo
            return Value(expr, number, start, end)
        try:
            expr = exact() if exact and (number == 0 or 1e-300 < abs(number) < 1e300) else None
        except _UNDEFINED:
            expr = None
        if expr is not None:
            facts = self.inspect(expr)
            tall = expr.is_Float or facts.impure or facts.height > EXACT_HEIGHT
            if tall or any(expr.has(v) for v in _NOT_FINITE):  # 1 ** oo is nan
                expr = None
        return Value(as_float(number) if expr is None else expr, number, start, end)

    def make(self, expr: se.Basic, start: int, end: int) -> Value:
        """A node built from something symbolic: make it real, check its height, and fold it if
        SymEngine reduced it to a constant (``x - x``)."""
        facts = self.inspect(expr)
        if facts.impure:
            bad = self._impure_nodes(expr)
            expr = expr.xreplace(
                {a: as_float(to_float(a)) if a.is_Rational else se.nan for a in bad}
            )
            facts = self.inspect(expr)
            expr = se.nan if facts.impure else expr
        if facts.height - 1 > MAX_DEPTH:  # height counts nodes, depth counts levels
            raise too_deep(start, end)
        if facts.symbolic:
            return Value(expr, None, start, end)
        number = to_float(expr)
        if math.isinf(number) and expr not in (se.oo, -se.oo):
            raise too_large(self.text, start, end)
        return self.constant(number, partial(_same, expr), start, end)

    def _impure_nodes(self, expr: se.Basic) -> set[se.Basic]:
        """The outermost nodes of ``expr`` that are impure themselves (not only below)."""
        found, stack = set(), [expr]
        while stack:
            node = stack.pop()
            if _impure(node):
                found.add(node)
            elif self._facts(node).impure:
                stack.extend(node.args)
        return found

    def inspect(self, expr: se.Basic) -> _Facts:
        """Height and contents of ``expr``, visiting only nodes not seen before."""
        for node in postorder(expr, lambda n: not n.args or n in self.facts):
            below = [self._facts(a) for a in node.args]
            self.facts[node] = _Facts(
                1 + max(f.height for f in below),
                any(f.symbolic for f in below),
                _impure(node) or any(f.impure for f in below),
            )
        return self._facts(expr)

    def _facts(self, node: se.Basic) -> _Facts:
        """What :meth:`inspect` found. Atoms are not stored: tiny Floats share a hash, and so
        many of them in one dict would make every lookup slow."""
        if node.args:
            return self.facts[node]
        return _Facts(1, node.is_Symbol, _impure(node))
