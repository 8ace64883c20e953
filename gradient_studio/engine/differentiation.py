"""Exact derivatives in SymEngine, kinks included.

SymEngine differentiates the smooth functions in C++, in well under a millisecond for a
400-character function, but leaves ``abs``, ``sign``, ``min`` and ``max`` underived. Their
rules are written here, for a real argument (the language has no other): ``|u|' =
sign(u)·u'``; ``max(a, b)' = H(a − b)·a' + H(b − a)·b'`` with the step ``H`` (½ at a tie), and
``min`` the mirror image; ``sign`` and ``H`` are flat, their derivative 0 wherever it exists
(sympy's DiracDelta, zero almost everywhere). These are the derivatives sympy gives for
real arguments, without sympy.

Each kink is stood in for by a fresh symbol, innermost first, so that SymEngine does all the
smooth work and the chain rule adds each kink's own derivative:
``d/dx f = ∂f/∂x + Σ_k ∂f/∂s_k · d/dx s_k``. A ``min`` or ``max`` of many arguments is split in
halves, so its derivative grows as n log n, not n².
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import symengine as se
from symengine.lib import symengine_wrapper as _se

from gradient_studio.engine.expression.names import SIGN
from gradient_studio.engine.expression.trees import postorder

__all__ = ["HEAVISIDE", "derivatives", "differentiate"]

HEAVISIDE = se.Function("Heaviside")
_KINKS = (_se.Max, _se.Min)
_NAMED = ("abs", "sign", "Heaviside")  # functions SymEngine knows only by name (names.ABS)


def _is_kink(node: se.Basic) -> bool:
    if isinstance(node, _KINKS):
        return True
    return isinstance(node, _se.FunctionSymbol) and node.get_name() in _NAMED


def _kinks(expr: se.Basic) -> list[se.Basic]:
    """The distinct kink nodes of ``expr``, each after the kinks inside it."""
    return [node for node in postorder(expr) if _is_kink(node)]


def _halves(
    args: Sequence[se.Basic],
    join: Callable[..., se.Basic],
    slope: Callable[[se.Basic], se.Basic],
    larger: bool,
) -> se.Basic:
    """The derivative of ``join(*args)`` (``Max`` if ``larger``, else ``Min``), given the
    derivative ``slope(a)`` of each argument, as a balanced tree of two-way choices."""
    if len(args) == 1:
        return slope(args[0])
    mid = len(args) // 2
    low, high = args[:mid], args[mid:]
    d_low, d_high = _halves(low, join, slope, larger), _halves(high, join, slope, larger)
    if d_low == 0 and d_high == 0:
        return se.Integer(0)
    a = low[0] if len(low) == 1 else join(*low)
    b = high[0] if len(high) == 1 else join(*high)
    a_wins, b_wins = (a - b, b - a) if larger else (b - a, a - b)
    return HEAVISIDE(a_wins) * d_low + HEAVISIDE(b_wins) * d_high


def differentiate(expr: se.Basic, v: se.Symbol) -> se.Basic:
    """``d expr / d v`` for a real ``v``, with the kinks' rules above."""
    kinks = _kinks(expr)
    if not kinks:
        return expr.diff(v)
    stand_in: dict[se.Basic, se.Basic] = {}
    defined: list[tuple[se.Basic, se.Basic]] = []  # (symbol, kink over inner symbols)
    for i, kink in enumerate(kinks):
        symbol = se.Symbol(f"_kink{i}")
        defined.append((symbol, kink.xreplace(stand_in)))
        stand_in[kink] = symbol
    slopes: dict[se.Basic, se.Basic] = {}

    def total(u: se.Basic) -> se.Basic:
        d = u.diff(v)
        for s in u.free_symbols:
            if s in slopes and slopes[s] != 0:
                d += u.diff(s) * slopes[s]
        return d

    for symbol, kink in defined:
        args = kink.args
        if isinstance(kink, _se.FunctionSymbol) and kink.get_name() == "abs":
            slopes[symbol] = SIGN(args[0]) * total(args[0])
        elif isinstance(kink, _se.Max | _se.Min):
            join = se.Max if isinstance(kink, _se.Max) else se.Min
            slopes[symbol] = _halves(args, join, total, isinstance(kink, _se.Max))
        else:  # sign, Heaviside: flat wherever the derivative exists
            slopes[symbol] = se.Integer(0)
    back = {s: k for k, s in stand_in.items()}
    return total(expr.xreplace(stand_in)).xreplace(back)


def _diff(expr: se.Basic, v: se.Symbol) -> se.Basic:
    return expr.diff(v)


def derivatives(
    f: se.Basic, x: se.Symbol, y: se.Symbol, smooth: bool = False
) -> tuple[list[se.Basic], Callable[[], list[se.Basic]]]:
    """``([fx, fy], hessian)``, ``hessian()`` giving ``[fxx, fxy, fyy]`` when first asked.
    ``smooth`` says ``f`` has no kinks, sparing the look for them."""
    d: Callable[[se.Basic, se.Symbol], se.Basic] = _diff if smooth else differentiate
    grad = [d(f, x), d(f, y)]

    def hessian() -> list[se.Basic]:
        return [d(grad[0], x), d(grad[0], y), d(grad[1], y)]

    return grad, hessian
