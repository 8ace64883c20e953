"""The code that evaluates a function and its derivatives, printed from SymEngine trees.

The trees (see ``expression`` and ``differentiation``) are printed as numpy code (batches and
grids) or as plain-float ``math`` code (the straight-line fast path), their common
subexpressions found by SymEngine and computed once. Every number is printed from its value
and every name is one of ours, so the source holds nothing a person typed.

Values stay real: a power that is not real (``(-2.0)**0.5``) is nan, as numpy answers it,
and parameters enter the numpy code as numpy floats, so that arithmetic on them alone
overflows to inf (``a^400`` with a = 10) instead of raising as Python's floats do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
import symengine as se

from gradient_studio.engine.expression.building import to_float
from gradient_studio.engine.expression.names import ELEMENTARY
from gradient_studio.engine.expression.trees import postorder

# numpy's names where they differ from the language's (np.asin is new in numpy 2)
_NUMPY_NAMES = {"asin": "arcsin", "acos": "arccos", "atan": "arctan"}


_LONG = 60  # a base printed longer than this is computed once before a small power of it
_CHUNK = 24  # no printed expression nests deeper than this (see Printer._chunk)
_WIDE = 32  # no printed sum or product chains more terms than this (see Printer._wide)


class _Tall(Exception):
    """A tree too tall to print in one expression: it is printed in pieces."""


class Printer:
    """Prints SymEngine trees as Python: with ``np.`` for arrays or ``math.`` for floats.

    Names are given by ``names`` (symbol name → identifier); every number is printed from
    its value, so the source holds nothing but our identifiers, operators and numbers.
    """

    def __init__(self, names: dict[str, str], module: str) -> None:
        self.names = names
        self.numpy = module == "np"
        self.m = module
        # Bases of small powers, printed once: (u*u) with u's whole text twice would double
        # the source at every level of ((x + y)^2 + y)^2.
        self.bases: dict[se.Basic, str] = {}
        self.pending: list[str] = []
        self.partial_sums = 0
        self.depth = 0

    def __call__(self, node: se.Basic) -> str:
        if node in self.bases:
            return self.bases[node]
        self.depth += 1
        if self.depth > _CHUNK:
            raise _Tall
        try:
            return self._print(node)
        finally:
            self.depth -= 1

    def _print(self, node: se.Basic) -> str:
        if node.is_Symbol:
            return self.names[str(node)]
        if node.is_Number:
            return self._number(node)
        kind = type(node).__name__
        if kind == "Add":
            terms = [self(a) for a in node.args]
            return self._wide(
                [terms[0], *(f" - {t[1:]}" if t.startswith("-") else f" + {t}" for t in terms[1:])]
            )
        if kind == "Mul":
            return self._mul(node)
        if kind == "Pow":
            return self._pow(*node.args)
        return self._function(kind, node)

    def _number(self, node: se.Basic) -> str:
        if node.is_Integer and abs(int(node)) < 2**53:
            whole = int(node)
            return f"({whole})" if whole < 0 else str(whole)
        value = to_float(node)  # nan for anything not real
        return f"({value!r})" if value < 0 or value != value else repr(value)

    def _atom(self, node: se.Basic) -> str:
        text = self(node)
        simple = node.is_Symbol or (node.is_Number and not text.startswith("("))
        return text if simple or type(node).__name__ not in ("Add", "Mul", "Pow") else f"({text})"

    def _mul(self, node: se.Basic) -> str:
        top: list[str] = []
        bottom: list[str] = []
        negate = False
        for factor in node.args:
            if (
                type(factor).__name__ == "Pow"
                and factor.args[1].is_Number
                and to_float(factor.args[1]) < 0
            ):
                bottom.append(self._atom(factor.args[0] ** (-factor.args[1])))
            elif factor == -1:
                negate = True
            else:
                top.append(self._atom(factor))
        sign = "-" if negate else ""
        numerator = self._wide([top[0], *(f"*{t}" for t in top[1:])]) if top else "1"
        if not bottom:
            return f"{sign}{numerator}"
        return f"{sign}{numerator}/({self._wide([bottom[0], *(f'*{t}' for t in bottom[1:])])})"

    def _wide(self, pieces: list[str]) -> str:
        """``pieces`` (a term, then each further one with its operator: `` + t``, ``*t``)
        joined; beyond ``_WIDE`` of them the running result becomes a statement of its own.
        Python adds ``a + b + c`` as ``(a + b) + c``, so the arithmetic is the same, but no
        chain is long enough for Python's compiler or ``ast`` to recurse along it too far."""
        text = "".join(pieces[:_WIDE])
        for i in range(_WIDE, len(pieces), _WIDE - 1):
            name = f"_w{self.partial_sums}"
            self.partial_sums += 1
            self.pending.append(f"{name} = {text}")
            text = name + "".join(pieces[i : i + _WIDE - 1])
        return text

    def _pow(self, base: se.Basic, exp: se.Basic) -> str:
        if type(base).__name__ == "Exp1":
            return f"{self.m}.exp({self(exp)})"
        b = self._atom(base)
        if exp.is_Integer and 2 <= int(exp) <= 4:
            b = self._hoisted(base, b) if len(b) > _LONG else b
            return "(" + "*".join([b] * int(exp)) + ")"
        if exp.is_Integer and int(exp) == -1:
            return f"(1/{b})"
        if exp.is_Number and to_float(exp) == 0.5:
            return f"{self.m}.sqrt({self(base)})"
        if exp.is_Number and to_float(exp) == -0.5:
            return f"(1/{self.m}.sqrt({self(base)}))"
        if self.numpy:
            return f"{b}**{self._atom(exp)}"
        # Python's float ** gives a complex number for (-8.0) ** (1/3); math.pow raises.
        return f"math.pow({self(base)}, {self(exp)})"

    def _hoisted(self, node: se.Basic, text: str) -> str:
        """The name of a statement computing ``node`` (printed as ``text``), to come before
        the current one."""
        if node not in self.bases:
            self.bases[node] = name = f"_b{len(self.bases)}"
            self.pending.append(f"{name} = {text}")
        return self.bases[node]

    def _chunk(self, tree: se.Basic) -> None:
        """Give every subtree ``_CHUNK`` levels above the last one so treated a statement of
        its own, innermost first: no printed expression nests deeper, so neither this printer
        nor Python's compiler (both recurse once a level) needs much of a thread's stack for
        a function hundreds of levels tall."""
        levels: dict[se.Basic, int] = {}
        for node in postorder(tree, lambda n: not n.args or n in self.bases):
            level = 1 + max(levels.get(a, 0) for a in node.args)
            if level >= _CHUNK - 1:
                self._hoisted(node, self(node))
                level = 0
            levels[node] = level

    def statement(self, name: str, node: se.Basic) -> list[str]:
        """``name = node`` as statements: the pieces it needs first."""
        try:
            text = self(node)
        except _Tall:
            self.depth = 0
            self._chunk(node)
            text = self(node)
        pending, self.pending = self.pending, []
        return [*pending, f"{name} = {text}"]

    def _function(self, kind: str, node: se.Basic) -> str:
        args = [self(a) for a in node.args]
        name = kind.lower()
        if name in ELEMENTARY:
            return f"{self.m}.{_NUMPY_NAMES.get(name, name) if self.numpy else name}({args[0]})"
        if kind == "Abs" or (kind == "FunctionSymbol" and node.get_name() == "abs"):
            return f"{'np.abs' if self.numpy else 'abs'}({args[0]})"
        if kind == "sign" or (kind == "FunctionSymbol" and node.get_name() == "sign"):
            return f"{'np.sign' if self.numpy else '_sign'}({args[0]})"
        if kind in ("Max", "Min"):
            if not self.numpy:
                return f"{kind.lower()}({', '.join(args)})"
            pick = f"np.{'maximum' if kind == 'Max' else 'minimum'}"
            while len(args) > 1:  # in pairs: 350 arguments nest 9 calls deep, not 349
                pairs = [args[i : i + 2] for i in range(0, len(args), 2)]
                args = [f"{pick}({p[0]}, {p[1]})" if len(p) == 2 else p[0] for p in pairs]
            return args[0]
        if kind == "FunctionSymbol" and node.get_name() == "Heaviside":
            return f"{'np.heaviside' if self.numpy else '_heaviside'}({args[0]}, 0.5)"
        if kind in ("Exp1", "E"):
            return f"{self.m}.e"
        if kind == "Pi":
            return f"{self.m}.pi"
        if kind == "Constant":
            return f"{self.m}.{'pi' if str(node) == 'pi' else 'e'}"
        raise NotImplementedError(f"cannot print {kind}")


def lines(
    exprs: Sequence[se.Basic], outputs: Sequence[str], printer: Printer, prefix: str = "_c"
) -> list[str]:
    """Assignments computing ``outputs`` from ``exprs``, common subexpressions once."""
    shared, reduced = se.cse(list(exprs))
    names = dict(printer.names)
    printer.bases, printer.pending = {}, []
    out = []
    for i, (sym, expr) in enumerate(shared):
        printer.names[str(sym)] = f"{prefix}{i}"
        out += printer.statement(f"{prefix}{i}", expr)
    for name, expr in zip(outputs, reduced, strict=True):
        out += printer.statement(name, expr)
    printer.names = names
    return out


def _sign(v: float) -> float:
    return 0.0 if v == 0 else (1.0 if v > 0 else -1.0) if v == v else v


def _heaviside(v: float, at_zero: float) -> float:
    return at_zero if v == 0 else (1.0 if v > 0 else 0.0) if v == v else v


MATH_NAMESPACE: dict[str, Any] = {
    "_sign": _sign,
    "_heaviside": _heaviside,
    "inf": float("inf"),
    "nan": float("nan"),
}


class CompiledFunction(Protocol):
    """Generated numpy code, ``fn(x, y, *parameters) -> [values...]``, with its text."""

    source: str

    def __call__(self, *args: Any) -> list[Any]: ...


def numpy_function(
    exprs: Sequence[se.Basic], x: str, y: str, parameters: Sequence[str]
) -> CompiledFunction:
    """Compile ``exprs`` into ``fn(x, y, *parameters) -> [values...]`` over numpy arrays."""
    own = [f"_p{i}" for i in range(len(parameters))]
    names = {x: "x", y: "y", **dict(zip(parameters, own, strict=True))}
    outputs = [f"_out{i}" for i in range(len(exprs))]
    # Parameters as numpy floats: 10.0 ** 400 raises in Python, np.float64(10) ** 400 is inf.
    body = [f"{p} = _float({p})" for p in own] + lines(exprs, outputs, Printer(names, "np"))
    source = (
        f"def compiled({', '.join(['x', 'y', *own])}):\n"
        + "".join(f"    {line}\n" for line in body)
        + f"    return [{', '.join(outputs)}]\n"
    )
    namespace: dict[str, Any] = {"np": np, "inf": np.inf, "nan": np.nan, "_float": np.float64}
    exec(compile(source, "<objective>", "exec"), namespace)  # printed by Printer, see above
    function: CompiledFunction = namespace["compiled"]
    function.source = source
    return function
