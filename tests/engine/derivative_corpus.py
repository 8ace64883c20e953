"""The functions whose derivatives are held to the same numbers across changes of the parser
and the code generator: every preset (as of the change that built SymEngine trees directly)
and a varied list that touches each function, operator and simplification of the language.

``python tests/engine/derivative_corpus.py OUT.json`` evaluates them with the code it is run
on; ``tests/engine/data/derivatives_sympy_parser.json`` was written so by the sympy-tree code
(commit af1c3aa, /work/main's environment), before the parser built SymEngine trees. See
``test_derivative_regression``.
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from typing import Any

import numpy as np

PRESETS = [
    ("(a - x)^2 + b*(y - x^2)^2", {"a": 1.0, "b": 100.0}),
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", {}),
    ("(1.5 - x + x y)^2 + (2.25 - x + x y^2)^2 + (2.625 - x + x y^3)^2", {}),
    ("(x + 2y - 7)^2 + (2x + y - 5)^2", {}),
    ("0.26(x^2 + y^2) - 0.48x y", {}),
    ("2x^2 - 1.05x^4 + x^6/6 + x y + y^2", {}),
    ("(4 - 2.1x^2 + x^4/3)x^2 + x y + (4y^2 - 4)y^2", {}),
    (
        "(1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6x y + 3y^2))"
        " (30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36x y + 27y^2))",
        {},
    ),
    ("20 + x^2 - 10cos(2 pi x) + y^2 - 10cos(2 pi y)", {}),
    ("-20exp(-0.2sqrt(0.5(x^2 + y^2))) - exp(0.5(cos(2 pi x) + cos(2 pi y))) + e + 20", {}),
    ("sin(3 pi x)^2 + (x - 1)^2 (1 + sin(3 pi y)^2) + (y - 1)^2 (1 + sin(2 pi y)^2)", {}),
    ("(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y)/2", {}),
    ("x^2 - y^2", {}),
    ("x^3 - 3x y^2", {}),
    ("a x^2 + b y^2", {"a": 1.0, "b": 25.0}),
]

VARIED = [
    "x^2 + 3y^2", "2(x + 1)", "2(x + 1) y", "-3(x - y)^2", "x x", "x^2 x^3", "(x y)^2",
    "(2x)^0.5 + y", "sqrt(8) x + y^2", "sqrt(x^2)", "sqrt(x^2 + y^2)", "(x^2)^0.5 + y",
    "(x^2)^(3/2) + y", "(x^3)^(1/3) + y", "exp(x)^2 + y", "exp(log(x)) + y", "log(exp(x)) + y",
    "e^(x y)", "e^x + pi y", "1/(1 + x^2 + y^2)", "x^-1 + y", "(x + y)^-2", "x/y", "x/(2y)",
    "1/2x + y/3", "x^(1/2) + y^(3/2)", "x^0.75 y", "x^y", "y^x + 1", "x^x", "2^x + 3^y",
    "10^(x/4) y", "sin(x) cos(y)", "tan(x/3) + y^2", "atan(y/x)", "asin(x/3) + acos(y/3)",
    "sinh(x/2) - cosh(y/2) + tanh(x y)", "exp(-(x^2 + y^2))", "x exp(-x^2 - y^2)",
    "log(1 + x^2 + y^2)", "ln(x^2 + 1) + log10(y^2 + 1) + log2(x^2 + y^2 + 1)",
    "sigmoid(x) + softplus(y)", "sigmoid(x y) softplus(x - y)", "relu(x) + relu(-y)",
    "abs(x) + abs(y)", "abs(x - y^2) + 0.1x^2", "sign(x) y^2 + x^2", "max(x, y)^2 + x",
    "min(x, y, 1) + x^2", "max(x^2, y^2, x y) + y", "min(abs(x), abs(y)) + x^2",
    "abs(sin(x)) abs(cos(y))", "max(0, 1 - x y) + 0.1(x^2 + y^2)",
    "6.781 abs(x) + 8.7694 abs(y) + w1 x + 57e-6 x",
    "a x^2 + b y^2 + c x y", "a sin(b x) + c y^2", "(a - x)^2 + b*(y - x^2)^2 + c",
    "a^2 x + b^3 y", "x^a + y^b", "a^x + y", "exp(a x) + log(b + y^2)", "sqrt(a^2 + x^2 + y^2)",
    "(-2)^a x + y^2", "2^a x", "a/b x + c/b y", "pi/2 x + e y", "2 pi x y", "0.1x^4 - x^2 + y^2",
    "(x^2 + y^2)^2 - 2(x^2 - y^2)", "x^4 + y^4 - 4x y + 1", "cos(x) + cos(y) + cos(x + y)",
    "sin(x)^2 + cos(y)^2", "sin(sin(sin(x))) + y", "exp(sin(x) + cos(y))",
    "(1 - x)^2 + 100(y - x^2)^2", "x^6 + y^6 - x^3 y^3", "1e-3 x^2 + 1e3 y^2",
    "2.5x^2 + .5y^2 - 1.25x y", "x^2/2 + y^2/3", "(x + 1)^10/1000 + y^2",
    "(x - 1)(y + 2)(x + y)", "3(x + 1)(y - 1)", "-x^2 - y^2", "--x + +y",
    "x^y^2", "2^-x^2 + y", "-x^-y + 1", "x - x + y", "x^2 + x^2 + y", "sqrt(-exp(x)) + y^2",
    "sqrt(x) + sqrt(y)", "log(x) + log(y)", "1/x + 1/y", "tan(x) tan(y)",
    "max(x, y, -1, x y) + min(x, 0.5)", "relu(x - 1) relu(y + 1)", "abs(x y - 1)",
    "+".join(f"(x + {k})^2 + sqrt(y + {k})" for k in range(1, 30)),
    "x" + "^x" * 20,
    "sin(" * 30 + "x" + ")" * 30 + " + y",
]  # fmt: skip

VALUES = {"a": 0.7, "b": -1.3, "c": 2.2, "w1": 0.4}
POINTS = [(0.3, -1.7), (1.1, 0.6), (-2.3, 2.9), (2.0, 0.25), (0.0, 0.0), (0.5, 0.5)]


def corpus() -> list[tuple[str, dict[str, float]]]:
    return PRESETS + [(text, VALUES) for text in VARIED]


def _tree(expr: Any) -> str:
    """A tree as SymEngine prints it; a long one by its digest."""
    text = str(expr)
    return text if len(text) <= 400 else "sha256:" + _digest(text)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _without_conversions(source: str) -> str:
    """The generated code without the lines turning parameters into numpy floats (which
    change no finite value), so that code is compared by the arithmetic it does."""
    return "".join(line for line in source.splitlines(True) if "= _float(" not in line)


def _hex(values: Any) -> list[str]:
    return [float(v).hex() for v in np.ravel(np.asarray(values, dtype=np.float64))]


def evaluate(text: str, values: dict[str, float]) -> dict[str, Any]:
    """Values, gradients and Hessians (numpy code on a batch, and ``math`` code point by
    point, as the fast path prints it) and the SymEngine trees they were printed from."""
    from gradient_studio.engine import Objective, codegen

    objective = Objective.from_text(text, values)
    d = objective.derivatives
    pts = np.array(POINTS)
    exprs = [d.value, *d.gradient, *d.hessian]
    names = {"_x": "px", "_y": "py", **{p: p for p in d.parameter_names}}
    body = codegen.lines(
        exprs, ["fv", "gx", "gy", "hxx", "hxy", "hyy"], codegen.Printer(names, "math")
    )
    args = ", ".join(["px", "py", *d.parameter_names])
    source = f"def f({args}):\n" + "".join(f"    {line}\n" for line in body)
    source += "    return [fv, gx, gy, hxx, hxy, hyy]\n"
    namespace = {**codegen.MATH_NAMESPACE, "math": math}
    exec(compile(source, "<corpus>", "exec"), namespace)
    scalar = []
    for x, y in POINTS:
        try:
            scalar.append(_hex(namespace["f"](x, y, *objective.values.values())))
        except (ArithmeticError, ValueError):
            scalar.append(None)  # the fast path hands such a start to numpy
    printed = [
        d.value_and_gradient_function.source,
        d.hessian_function.source,
        source,
    ]
    return {
        "text": text,
        "sources": [_digest(_without_conversions(code)) for code in printed],
        "values": objective.values,
        "trees": [_tree(e) for e in exprs],
        "value": _hex(objective.value_at(pts)),
        "gradient": _hex(objective.gradient_at(pts)),
        "hessian": _hex(objective.hessian_at(pts)),
        "scalar": scalar,
        "formulas": [str(g) for g in objective.gradient_formulas()],
    }


def main(out: str) -> None:
    records = []
    for text, values in corpus():
        records.append(evaluate(text, values))
    with open(out, "w") as f:
        json.dump({"points": POINTS, "records": records}, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
