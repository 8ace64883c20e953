"""Real float arithmetic with numpy's rules, for folding constants: outside a function's
domain the answer is nan, and an overflow from finite operands raises ``OverflowError``."""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = [
    "add",
    "divide",
    "extreme",
    "log",
    "multiply",
    "power",
    "real",
    "sigmoid",
    "sign",
    "softplus",
]


def _checked(result: float, *operands: float) -> float:
    if math.isinf(result) and all(math.isfinite(v) for v in operands):
        raise OverflowError
    return result


def add(a: float, b: float) -> float:
    return _checked(a + b, a, b)


def multiply(a: float, b: float) -> float:
    return _checked(a * b, a, b)


def divide(a: float, b: float) -> float:
    if b == 0:
        return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)
    return _checked(a / b, a, b)


def power(a: float, b: float) -> float:
    if a == 0 and b < 0:
        return math.inf
    if a < 0 and not b.is_integer():
        return math.nan
    try:
        return _checked(math.pow(a, b), a, b)
    except ValueError:
        return math.nan


def real(fn: Callable[[float], float]) -> Callable[[float], float]:
    """``fn`` with numpy's real-valued rule: outside its domain it gives nan."""

    def apply(v: float) -> float:
        try:
            return fn(v)
        except ValueError:
            return math.nan

    return apply


def log(fn: Callable[[float], float]) -> Callable[[float], float]:
    return lambda v: -math.inf if v == 0 else fn(v) if v > 0 else math.nan


def sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


def softplus(v: float) -> float:
    return v if math.isnan(v) else max(v, 0.0) + math.log1p(math.exp(-abs(v)))


def sign(v: float) -> float:
    return v if math.isnan(v) else float((v > 0) - (v < 0))


def extreme(pick: Callable[..., float]) -> Callable[..., float]:
    return lambda *vs: math.nan if any(math.isnan(v) for v in vs) else pick(vs)
