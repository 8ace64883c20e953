"""Every name the language knows: the variables ``x`` and ``y``, the constants, the symbols
of parameters, and the functions, each with its float value and its sympy tree."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from typing import NamedTuple

import sympy

from gradient_studio.engine.expression import arithmetic

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "FUNCTIONS_BY_NAME",
    "Function",
    "X",
    "Y",
    "parameter_symbol",
]

X = sympy.Symbol("x", real=True)
Y = sympy.Symbol("y", real=True)
CONSTANTS = {"pi": (math.pi, sympy.pi), "e": (math.e, sympy.E)}


@cache
def parameter_symbol(name: str) -> sympy.Symbol:
    """The real sympy symbol of the parameter called ``name``."""
    return sympy.Symbol(name, real=True)


def _balanced(join: Callable[..., sympy.Expr], *zs: sympy.Expr) -> sympy.Expr:
    """``Min``/``Max`` as a balanced tree of unevaluated two-argument nodes."""
    items = list(zs)
    while len(items) > 1:
        pairs = [items[i : i + 2] for i in range(0, len(items), 2)]
        items = [join(*p, evaluate=False) if len(p) == 2 else p[0] for p in pairs]
    return items[0]


def _sigmoid_tree(z: sympy.Expr, evaluate: bool) -> sympy.Expr:
    e = sympy.exp(sympy.Mul(-1, z, evaluate=evaluate), evaluate=evaluate)
    return sympy.Pow(sympy.Add(1, e, evaluate=evaluate), -1, evaluate=evaluate)


def _softplus_tree(z: sympy.Expr, evaluate: bool) -> sympy.Expr:
    e = sympy.exp(z, evaluate=evaluate)
    return sympy.log(sympy.Add(1, e, evaluate=evaluate), evaluate=evaluate)


def _log_tree(base: int) -> Callable[[sympy.Expr, bool], sympy.Expr]:
    def build(z: sympy.Expr, evaluate: bool) -> sympy.Expr:
        ln = sympy.log(z, evaluate=evaluate)
        return sympy.Mul(ln, sympy.Pow(sympy.log(base), -1), evaluate=evaluate)

    return build


class Function(NamedTuple):
    arity: int  # -2 for "two or more"
    number: Callable[..., float]
    build: Callable[..., sympy.Expr]  # (*args, evaluate) -> tree


def _unary(f: Callable[..., sympy.Expr]) -> Callable[[sympy.Expr, bool], sympy.Expr]:
    return lambda z, evaluate: f(z, evaluate=evaluate)


FUNCTIONS_BY_NAME: dict[str, Function] = {
    "sin": Function(1, arithmetic.real(math.sin), _unary(sympy.sin)),
    "cos": Function(1, arithmetic.real(math.cos), _unary(sympy.cos)),
    "tan": Function(1, arithmetic.real(math.tan), _unary(sympy.tan)),
    "asin": Function(1, arithmetic.real(math.asin), _unary(sympy.asin)),
    "acos": Function(1, arithmetic.real(math.acos), _unary(sympy.acos)),
    "atan": Function(1, math.atan, _unary(sympy.atan)),
    "sinh": Function(1, math.sinh, _unary(sympy.sinh)),
    "cosh": Function(1, math.cosh, _unary(sympy.cosh)),
    "tanh": Function(1, math.tanh, _unary(sympy.tanh)),
    "exp": Function(1, math.exp, _unary(sympy.exp)),
    "log": Function(1, arithmetic.log(math.log), _unary(sympy.log)),
    "ln": Function(1, arithmetic.log(math.log), _unary(sympy.log)),
    "log10": Function(1, arithmetic.log(math.log10), _log_tree(10)),
    "log2": Function(1, arithmetic.log(math.log2), _log_tree(2)),
    "sqrt": Function(1, arithmetic.real(math.sqrt), _unary(sympy.sqrt)),
    "abs": Function(1, abs, _unary(sympy.Abs)),
    "sign": Function(1, arithmetic.sign, _unary(sympy.sign)),
    "min": Function(-2, arithmetic.extreme(min), lambda *zs, evaluate: _balanced(sympy.Min, *zs)),
    "max": Function(-2, arithmetic.extreme(max), lambda *zs, evaluate: _balanced(sympy.Max, *zs)),
    "sigmoid": Function(1, arithmetic.sigmoid, _sigmoid_tree),
    "softplus": Function(1, arithmetic.softplus, _softplus_tree),
    "relu": Function(
        1,
        arithmetic.extreme(lambda vs: max(vs[0], 0.0)),
        lambda z, evaluate: _balanced(sympy.Max, 0, z),
    ),
}
FUNCTIONS: tuple[str, ...] = tuple(FUNCTIONS_BY_NAME)
