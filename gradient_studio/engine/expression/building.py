"""Building the sympy tree node by node, with the guards that keep it real, small and quick:
constants folded with a float shadow (an overflow is an error), nothing complex, no huge
exact numbers, and sympy's simplification only where it stays cheap."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import sympy
from sympy.calculus.accumulationbounds import AccumulationBounds

from gradient_studio.engine.expression import arithmetic
from gradient_studio.engine.expression.errors import error_at, too_deep, too_large
from gradient_studio.engine.expression.limits import (
    EVALUATED_HEIGHT,
    EVALUATED_POWERS,
    EXACT_HEIGHT,
    EXACT_LIMIT,
    EXACT_POWER,
    MAX_DEPTH,
    SYMBOLIC_POWER,
)
from gradient_studio.engine.expression.names import FUNCTIONS_BY_NAME, X, Y
from gradient_studio.engine.expression.tokens import Token

__all__ = ["TreeBuilder", "Value", "as_float", "exactly"]


class Value(NamedTuple):
    """A parsed piece: its sympy tree, its float value if constant, and its span in the text."""

    expr: sympy.Expr
    number: float | None
    start: int
    end: int


class _Facts(NamedTuple):
    height: int
    symbolic: bool  # depends on x, y or a parameter
    impure: bool  # holds what numpy cannot evaluate as a real: I, zoo, a huge rational


_IMPURE_TYPES = (sympy.Rational, sympy.Pow, AccumulationBounds, type(sympy.I), type(sympy.zoo))


def _impure(node: sympy.Basic) -> bool:
    """Whether numpy cannot evaluate ``node`` as a real number: I, zoo, (-1)**(1/3), a
    rational too big for a float."""
    if node.is_Rational:
        return bool(max(abs(node.p), node.q) > EXACT_LIMIT)
    if node.is_Pow:  # (-2)**a is complex in Python, not nan, whenever a is not whole
        return bool(
            node.base.is_Number and node.base.is_extended_negative and not node.exp.is_integer
        )
    return isinstance(node, _IMPURE_TYPES)


def as_float(number: float) -> sympy.Float:
    """A sympy Float that prints (in lambdify's code) back to exactly ``number``."""
    return sympy.Float(repr(number))


def _same(expr: sympy.Expr) -> sympy.Expr:
    return expr


def exactly(
    build: Callable[..., sympy.Expr], *exprs: sympy.Expr
) -> Callable[[], sympy.Expr] | None:
    """``build(*exprs)`` for later, or None once a Float is involved: the result would be
    a Float anyway, and exact work on it (``tan(tan(1.0))``) is slow for nothing."""
    return None if any(e.is_Float for e in exprs) else partial(build, *exprs)


class TreeBuilder:
    """Makes checked nodes for one text: remembers what it learnt about each subtree, and how
    many costly evaluations (powers) are left to spend."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.facts: dict[sympy.Basic, _Facts] = {}
        self.budget = EVALUATED_POWERS

    # -- nodes over parsed pieces ------------------------------------------------------------

    def invert(self, item: Value, tok: Token) -> Value:
        """``-item`` or ``1/item``: a negated term, or the divisor in a product."""
        start, neg = (tok.start, True) if tok.text == "-" else (item.start, False)
        ev = self.shallow(item.expr)
        expr = (
            sympy.Mul(-1, item.expr, evaluate=ev) if neg else sympy.Pow(item.expr, -1, evaluate=ev)
        )
        if item.number is None:
            return self.make(expr, start, item.end)
        number = (
            -item.number
            if neg
            else self.compute(arithmetic.divide, [1.0, item.number], start, item.end)
        )
        return self.constant(number, partial(_same, expr), start, item.end)

    def call(self, name: str, args: list[Value], start: int, end: int) -> Value:
        """``name(*args)``, its arguments already counted: folded when they are constants."""
        function = FUNCTIONS_BY_NAME[name]
        numbers, exprs = [a.number for a in args], [a.expr for a in args]
        if all(n is not None for n in numbers):
            number = self.compute(function.number, numbers, start, end)
            exact = exactly(partial(function.build, evaluate=True), *exprs)
            if function.arity != 1 or name == "relu":  # the winning argument, or 0
                won = (a.expr for a in args if a.number == number)
                exact = partial(next, won, sympy.S.Zero)
            elif name in ("sigmoid", "softplus") and abs(numbers[0] or 0.0) > 700:
                exact = None  # exp(-z) would overflow in numpy
            return self.constant(number, exact, start, end)
        if any(n is not None and math.isnan(n) for n in numbers):
            return self.constant(math.nan, None, start, end)
        if name == "sqrt":  # a power, so that sympy can see a negative base (see power)
            half = Value(sympy.S.Half, 0.5, end, end)
            return self.power(args[0], half)._replace(start=start)
        return self.make(function.build(*exprs, evaluate=False), start, end)

    def power(self, base: Value, exponent: Value) -> Value:
        """``base ** exponent``, never asking sympy for a huge exact number."""
        start, end, e = base.start, exponent.end, exponent.expr
        if base.number is not None and exponent.number is not None:
            number = self.compute(arithmetic.power, [base.number, exponent.number], start, end)
            cheap = not e.is_Rational or max(abs(e.p), e.q) <= EXACT_POWER
            return self.constant(
                number, exactly(sympy.Pow, base.expr, e) if cheap else None, start, end
            )
        if exponent.number is not None and e.is_Rational and max(abs(e.p), e.q) > SYMBOLIC_POWER:
            e = as_float(exponent.number)
        if base.number is not None and base.number < 0 and e.has(X, Y):
            message = "a negative number to a power that depends on x or y is not real"
            hint = "for minus a power write -2^x, which is -(2^x)"
            raise error_at(f"{message}, at column {start + 1} — {hint}", start, end)
        # A fractional power of something sympy can prove negative is nan everywhere, but
        # sympy (now, or in diff later) makes it complex: sqrt(-exp(x)) is I*exp(x/2). Evaluated
        # now, make sees the I; unevaluated, ask directly, while the budget lasts.
        evaluate = self.shallow(base.expr, e, costly=True)
        fraction = exponent.number is not None and not exponent.number.is_integer()
        if fraction and not evaluate and self.spend() and base.expr.is_extended_negative:
            return self.constant(math.nan, None, start, end)
        return self.make(sympy.Pow(base.expr, e, evaluate=evaluate), start, end)

    # -- building and checking sympy nodes ---------------------------------------------------

    def compute(
        self, fn: Callable[..., float], args: list[float | None], start: int, end: int
    ) -> float:
        try:
            return float(fn(*args)) + 0.0  # -0.0 becomes 0.0
        except OverflowError:
            raise too_large(self.text, start, end) from None

    def constant(
        self, number: float, exact: Callable[[], sympy.Expr] | None, start: int, end: int
    ) -> Value:
        """A folded constant: nan or oo when not finite, else the exact tree when it is small,
        real and not a Float, else one Float."""
        if not math.isfinite(number):
            expr = sympy.nan if math.isnan(number) else sympy.oo if number > 0 else -sympy.oo
            return Value(expr, number, start, end)
        try:
            expr = exact() if exact and (number == 0 or 1e-300 < abs(number) < 1e300) else None
        except (ValueError, TypeError, ArithmeticError):
            expr = None
        if expr is not None:
            facts = self.inspect(expr)
            tall = expr.is_Float or facts.impure or facts.height > EXACT_HEIGHT
            if tall or expr.has(sympy.nan, sympy.oo, -sympy.oo):  # 1 ** oo is nan in sympy
                expr = None
        return Value(as_float(number) if expr is None else expr, number, start, end)

    def make(self, expr: sympy.Expr, start: int, end: int) -> Value:
        """A node built from something symbolic: make it real, check its height, and fold it if
        sympy reduced it to a constant (``x - x``)."""
        facts = self.inspect(expr)
        if facts.impure:
            bad = [a for a in expr.atoms(*_IMPURE_TYPES) if _impure(a)]
            expr = expr.xreplace({a: sympy.Float(a) if a.is_Rational else sympy.nan for a in bad})
            facts = self.inspect(expr)
            expr = sympy.nan if facts.impure else expr
        if facts.height - 1 > MAX_DEPTH:  # height counts nodes, depth counts levels
            raise too_deep(start, end)
        if facts.symbolic:
            return Value(expr, None, start, end)
        try:
            number = float(expr)
        except TypeError:
            number = math.nan
        except OverflowError:
            raise too_large(self.text, start, end) from None
        if math.isinf(number) and expr not in (sympy.oo, -sympy.oo):
            raise too_large(self.text, start, end)
        return self.constant(number, partial(_same, expr), start, end)

    def shallow(self, *exprs: sympy.Expr, costly: bool = False) -> bool:
        """Whether a node over ``exprs`` may be evaluated (simplified) by sympy. Over tall trees
        that takes time quadratic in the height, and evaluating a power (``costly``) asks
        sympy's assumptions, ~1 ms each on new terms: the first few are paid for, the rest of a
        long text's powers stay as typed."""
        short = max(self.inspect(e).height for e in exprs) <= EVALUATED_HEIGHT
        return short and (not costly or self.spend())

    def spend(self, cost: int = 1) -> bool:
        self.budget -= cost
        return self.budget >= 0

    def inspect(self, expr: sympy.Basic) -> _Facts:
        """Height and contents of ``expr``, in a loop visiting only nodes not seen before."""
        stack = [expr]
        while stack:
            node = stack[-1]
            if not node.args or node in self.facts:
                stack.pop()
                continue
            todo = [a for a in node.args if a.args and a not in self.facts]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            below = [self._facts(a) for a in node.args]
            self.facts[node] = _Facts(
                1 + max(f.height for f in below),
                any(f.symbolic for f in below),
                _impure(node) or any(f.impure for f in below),
            )
        return self._facts(expr)

    def _facts(self, node: sympy.Basic) -> _Facts:
        """What :meth:`inspect` found. Atoms are not stored: tiny Floats share a hash, and so
        many of them in one dict would make every lookup slow."""
        if node.args:
            return self.facts[node]
        return _Facts(1, isinstance(node, sympy.Symbol), _impure(node))
