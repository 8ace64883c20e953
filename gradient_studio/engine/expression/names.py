"""Every name the language knows: the variables ``x`` and ``y``, the constants, the symbols
of parameters, and the functions, each with its float value and its SymEngine tree.

This is the one list of the language's functions: the parser, the code generator
(:data:`ELEMENTARY`) and the title in the picture (``scene/formula``) all read it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import symengine as se

from gradient_studio.engine.expression import arithmetic

__all__ = [
    "ABS",
    "CONSTANTS",
    "ELEMENTARY",
    "FUNCTIONS",
    "FUNCTIONS_BY_NAME",
    "KINKS",
    "SIGN",
    "VARIABLES",
    "Function",
    "X",
    "Y",
    "parameter_symbol",
]

VARIABLES = ("x", "y")
X = se.Symbol("x")
Y = se.Symbol("y")
CONSTANTS: dict[str, tuple[float, se.Basic]] = {"pi": (math.pi, se.pi), "e": (math.e, se.E)}

# sign and abs as functions SymEngine knows by name only: its own sign() recurses until the
# stack overflows on sqrt(-x) (SymEngine 0.14) and makes sign(sqrt(-2)) complex; its Abs turns
# abs(x - 1) into abs(1 - x), and the derivative shown into -sign(1 - x).
SIGN = se.Function("sign")
ABS = se.Function("abs")

# One SymEngine node each, named as in the language, in numpy and in Python's math module.
ELEMENTARY = ("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "log")


def parameter_symbol(name: str) -> se.Symbol:
    """The SymEngine symbol of the parameter called ``name``."""
    return se.Symbol(name)


class Function(NamedTuple):
    arity: int  # -2 for "two or more"
    number: Callable[..., float]  # the float value, for folding constants
    build: Callable[..., se.Basic]  # (*args) -> tree


def _log_base(base: int) -> Callable[[se.Basic], se.Basic]:
    return lambda z: se.log(z) / se.log(base)


def _sigmoid(z: se.Basic) -> se.Basic:
    return 1 / (1 + se.exp(-z))


def _softplus(z: se.Basic) -> se.Basic:
    return se.log(1 + se.exp(z))


_DOMAIN = {"asin", "acos", "sin", "cos", "tan"}  # math raises ValueError outside the domain

FUNCTIONS_BY_NAME: dict[str, Function] = {
    **{
        name: Function(
            1,
            arithmetic.real(getattr(math, name)) if name in _DOMAIN else getattr(math, name),
            getattr(se, name),
        )
        for name in ELEMENTARY
        if name != "log"
    },
    "exp": Function(1, math.exp, se.exp),
    "log": Function(1, arithmetic.log(math.log), se.log),
    "ln": Function(1, arithmetic.log(math.log), se.log),
    "log10": Function(1, arithmetic.log(math.log10), _log_base(10)),
    "log2": Function(1, arithmetic.log(math.log2), _log_base(2)),
    "sqrt": Function(1, arithmetic.real(math.sqrt), se.sqrt),
    "abs": Function(1, abs, ABS),
    "sign": Function(1, arithmetic.sign, SIGN),
    "min": Function(-2, arithmetic.extreme(min), se.Min),
    "max": Function(-2, arithmetic.extreme(max), se.Max),
    "sigmoid": Function(1, arithmetic.sigmoid, _sigmoid),
    "softplus": Function(1, arithmetic.softplus, _softplus),
    "relu": Function(1, arithmetic.extreme(lambda vs: max(vs[0], 0.0)), lambda z: se.Max(0, z)),
}
FUNCTIONS: tuple[str, ...] = tuple(FUNCTIONS_BY_NAME)
KINKS = frozenset({"abs", "sign", "min", "max", "relu"})  # not differentiable everywhere
