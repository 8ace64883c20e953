"""Derivatives for a person to read: SymEngine trees as sympy expressions in the person's own
names, and as text in the function language.

This is the one place the engine loads sympy (about a third of a second), and only when a
formula is asked for: computing, racing and rendering never do. The conversion is a loop
over the tree, so that a tree hundreds of levels tall converts on any thread's stack; such a
tall tree is built as it stands (unevaluated), where sympy's own tidying would recurse.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import symengine as se

from gradient_studio.engine.expression.trees import postorder

if TYPE_CHECKING:
    import sympy

__all__ = ["EVALUATED_HEIGHT", "height", "text", "to_sympy"]

# Up to this height sympy tidies each node as it is built (collecting 2(x + 1) + 2(x + 2) into
# 4x + 6), which asks its assumptions, recursively; taller trees are built as they stand.
EVALUATED_HEIGHT = 30


def height(tree: se.Basic) -> int:
    """The number of levels of ``tree``."""
    levels: dict[se.Basic, int] = {}
    for node in postorder(tree):
        levels[node] = 1 + max((levels[a] for a in node.args), default=0)
    return levels[tree]


def _leaf(node: se.Basic, names: Mapping[str, str]) -> Any:
    import sympy

    if node.is_Symbol:
        return sympy.Symbol(names.get(node.name, node.name), real=True)
    if node.is_Integer:
        return sympy.Integer(int(node))
    if node.is_Rational:
        p, q = node.get_num_den()
        return sympy.Rational(int(p), int(q))
    if node.is_Float:
        return sympy.Float(repr(float(node)))
    return node._sympy_()  # pi, E, oo, nan, zoo


def _node(node: se.Basic, args: list[Any], evaluate: bool) -> Any:
    import sympy

    kind = type(node).__name__
    if kind == "FunctionSymbol":
        name = node.get_name()
        known = {"Heaviside": sympy.Heaviside, "sign": sympy.sign, "abs": sympy.Abs}
        return (
            known[name](*args, evaluate=evaluate) if name in known else sympy.Function(name)(*args)
        )
    if kind == "Pow" and args[0] == sympy.E:  # SymEngine's exp(u) is E**u
        return sympy.exp(args[1], evaluate=False)
    build = {
        "Add": sympy.Add,
        "Mul": sympy.Mul,
        "Pow": sympy.Pow,
        "Abs": sympy.Abs,
        "Max": sympy.Max,
        "Min": sympy.Min,
    }.get(kind) or getattr(sympy, kind)
    # Sums and products tidied (2(x + 1) + 2(x + 2) is 4x + 6); powers and functions as they
    # stand, as sympy would rework them by its assumptions (sqrt(-exp(x)) into I*exp(x/2)).
    return build(*args, evaluate=evaluate and kind in ("Add", "Mul"))


def to_sympy(tree: se.Basic, names: Mapping[str, str]) -> sympy.Expr:
    """``tree`` as a sympy expression, its symbols renamed by ``names`` and real."""
    import sympy

    result = _converted(tree, names, height(tree) <= EVALUATED_HEIGHT)
    if result.has(sympy.I):  # sympy's tidying found sqrt(-exp(x)) to be I*exp(x/2)
        result = _converted(tree, names, False)
    _forget()
    return result


def _converted(tree: se.Basic, names: Mapping[str, str], evaluate: bool) -> sympy.Expr:
    done: dict[se.Basic, Any] = {}
    for node in postorder(tree):
        args = node.args
        done[node] = _node(node, [done[a] for a in args], evaluate) if args else _leaf(node, names)
    result: sympy.Expr = done[tree]
    return result


def _forget() -> None:
    """Empty sympy's caches: they grew by ~16,000 objects over 1,000 functions' formulas,
    and nothing else here uses sympy."""
    from sympy.core.cache import clear_cache

    clear_cache()


def text(tree: se.Basic, names: Mapping[str, str]) -> str:
    """``tree`` as text in the function language (``x^2``), as sympy prints it while the tree
    is short; a taller one as SymEngine prints it, as sympy's printer recurses (a 200-level
    tree overflows a 256 kB thread stack)."""
    if height(tree) <= EVALUATED_HEIGHT:
        printed = str(to_sympy(tree, names))
        _forget()
    else:
        printed = str(tree.xreplace({se.Symbol(k): se.Symbol(v) for k, v in names.items()}))
    return printed.replace("**", "^")
