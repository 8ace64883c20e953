"""The function language: valid text against trees built by hand and values computed with
``math``, every error with its column, pathological inputs, and property tests."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import symengine as se
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from symengine.lib.symengine_wrapper import ComplexBase, ComplexInfinity, FunctionSymbol

from gradient_studio.engine import Objective
from gradient_studio.engine.expression import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    Expression,
    ExpressionError,
    X,
    Y,
    parameter_symbol,
    parse_expression,
)
from gradient_studio.engine.expression.names import ABS, SIGN

A, B = parameter_symbol("a"), parameter_symbol("b")
POINTS = [(0.3, -1.7), (1.1, 0.6), (-2.3, 2.9), (2.0, 0.25)]
PARAMS = {"a": 0.7, "b": -1.3, "c": 2.2}


NAMED: dict[str, Callable[[float], float]] = {
    "sign": lambda u: u if math.isnan(u) else float((u > 0) - (u < 0)),
    "abs": abs,
}


def evaluate(expr: Expression, x: float, y: float) -> float:
    """The tree's value through SymEngine's own evaluator (C++ doubles, not our printed
    code), never complex. SymEngine cannot evaluate the language's sign and abs (functions it
    knows by name only): each is evaluated from its argument's value, innermost first."""
    args = [X, Y, *map(parameter_symbol, expr.parameters)]
    env = [x, y, *(PARAMS[n] for n in expr.parameters)]
    tree = expr.tree
    while named := [
        n for n in _nodes(tree) if isinstance(n, FunctionSymbol) and n.get_name() in NAMED
    ]:
        inner = next(n for n in named if not any(m in named for m in _nodes(n.args[0])))
        u = _lambdify(args, inner.args[0], env)
        symbol = se.Symbol(f"_named{len(args)}")
        args, env = [*args, symbol], [*env, NAMED[inner.get_name()](u)]
        tree = tree.xreplace({inner: symbol})
    return _lambdify(args, tree, env)


def _lambdify(args: list[se.Basic], tree: se.Basic, env: list[float]) -> float:
    value = se.Lambdify(args, [tree], real=True)(np.array(env))
    assert not np.iscomplexobj(value)
    return float(value[0])


def _nodes(tree: se.Basic) -> list[se.Basic]:
    out, stack = [], [tree]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.args)
    return out


def is_real(tree: se.Basic) -> bool:
    """No imaginary unit, complex infinity or other complex number anywhere in ``tree``."""
    return not any(isinstance(n, ComplexBase | ComplexInfinity) for n in _nodes(tree))


# -- valid input: (text, tree built by hand, value computed with math) ------------------------

VALID: list[tuple[str, se.Expr, Callable[[float, float], float]]] = [
    ("x^2 + y^2", X**2 + Y**2, lambda x, y: x * x + y * y),
    ("x**2 - 3*y", X**2 - 3 * Y, lambda x, y: x * x - 3 * y),
    ("-x^2", -(X**2), lambda x, y: -(x * x)),
    ("2^3^2", se.Integer(512), lambda x, y: 512.0),
    ("2^-1", se.Rational(1, 2), lambda x, y: 0.5),
    ("x^-2", X**-2, lambda x, y: x**-2),
    ("-2^2", se.Integer(-4), lambda x, y: -4.0),
    ("(-2)^2", se.Integer(4), lambda x, y: 4.0),
    ("x^y^2", X ** (Y**2), lambda x, y: x ** (y * y) if x > 0 else math.nan),
    ("2^-x^2", 2 ** -(X**2), lambda x, y: 2 ** -(x * x)),
    ("-x^-y", -(X**-Y), lambda x, y: -(x**-y) if x > 0 else math.nan),
    ("x - y - 1", X - Y - 1, lambda x, y: x - y - 1),
    ("x / y / 2", X / Y / 2, lambda x, y: x / y / 2),
    ("x - -y", X + Y, lambda x, y: x + y),
    ("+x", X, lambda x, y: x),
    ("--x", X, lambda x, y: x),
    ("x*-y", -X * Y, lambda x, y: -x * y),
    ("2x", 2 * X, lambda x, y: 2 * x),
    ("3(x+1)", 3 * (X + 1), lambda x, y: 3 * (x + 1)),
    ("(x+1)(y-1)", (X + 1) * (Y - 1), lambda x, y: (x + 1) * (y - 1)),
    ("2 pi x", 2 * se.pi * X, lambda x, y: 2 * math.pi * x),
    ("x y", X * Y, lambda x, y: x * y),
    ("2sin(x)", 2 * se.sin(X), lambda x, y: 2 * math.sin(x)),
    ("sin(x)cos(y)", se.sin(X) * se.cos(Y), lambda x, y: math.sin(x) * math.cos(y)),
    ("1/2x", X / 2, lambda x, y: x / 2),
    ("x/2y", X * Y / 2, lambda x, y: x / 2 * y),
    ("2x^2", 2 * X**2, lambda x, y: 2 * x * x),
    ("-2x", -2 * X, lambda x, y: -2 * x),
    ("2^3x", 8 * X, lambda x, y: 8 * x),
    ("e^x", se.exp(X), lambda x, y: math.exp(x)),
    ("pi", se.pi, lambda x, y: math.pi),
    ("e", se.E, lambda x, y: math.e),
    ("2e", 2 * se.E, lambda x, y: 2 * math.e),
    ("2e3x", 2000 * X, lambda x, y: 2000 * x),
    ("2 e^x", 2 * se.exp(X), lambda x, y: 2 * math.exp(x)),
    ("1e-3 x", se.RealDouble(0.001) * X, lambda x, y: 0.001 * x),
    ("2E+5", se.Integer(200000), lambda x, y: 2e5),
    (".5x", se.RealDouble(0.5) * X, lambda x, y: 0.5 * x),
    ("5.", se.RealDouble(5.0), lambda x, y: 5.0),
    ("2.5", se.RealDouble(2.5), lambda x, y: 2.5),
    ("007", se.Integer(7), lambda x, y: 7.0),
    ("  x\t+\ny  ", X + Y, lambda x, y: x + y),
    ("sin(x)+cos(x)+tan(x)", se.sin(X) + se.cos(X) + se.tan(X),
     lambda x, y: math.sin(x) + math.cos(x) + math.tan(x)),
    ("asin(x/3)+acos(x/3)", se.asin(X / 3) + se.acos(X / 3), lambda x, y: math.pi / 2),
    ("atan(x)", se.atan(X), lambda x, y: math.atan(x)),
    ("sinh(x)-cosh(x)+tanh(y)", se.sinh(X) - se.cosh(X) + se.tanh(Y),
     lambda x, y: math.sinh(x) - math.cosh(x) + math.tanh(y)),
    ("exp(x)", se.exp(X), lambda x, y: math.exp(x)),
    ("log(x^2)", se.log(X**2), lambda x, y: math.log(x * x)),
    ("ln(y^2)", se.log(Y**2), lambda x, y: math.log(y * y)),
    ("log10(x^2)", se.log(X**2) / se.log(10), lambda x, y: math.log10(x * x)),
    ("log2(y^2)", se.log(Y**2) / se.log(2), lambda x, y: math.log2(y * y)),
    ("sqrt(x^2+y^2)", se.sqrt(X**2 + Y**2), lambda x, y: math.hypot(x, y)),
    ("abs(x)", ABS(X), lambda x, y: abs(x)),
    ("sign(x)", SIGN(X), lambda x, y: math.copysign(1, x)),
    ("min(x, y)", se.Min(X, Y), lambda x, y: min(x, y)),
    ("max(x, y, 1)", se.Max(X, Y, 1), lambda x, y: max(x, y, 1)),
    ("min(x, y, -1, x*y)", se.Min(X, Y, -1, X * Y), lambda x, y: min(x, y, -1, x * y)),
    ("sigmoid(x)", 1 / (1 + se.exp(-X)), lambda x, y: 1 / (1 + math.exp(-x))),
    ("softplus(y)", se.log(1 + se.exp(Y)), lambda x, y: math.log(1 + math.exp(y))),
    ("relu(x)", se.Max(0, X), lambda x, y: max(x, 0.0)),
    ("a*x^2 + b*y", A * X**2 + B * Y, lambda x, y: 0.7 * x * x - 1.3 * y),
    ("sin(pi/2)", se.Integer(1), lambda x, y: 1.0),
    ("pi/2 x", se.pi * X / 2, lambda x, y: math.pi / 2 * x),
    ("x - x", se.Integer(0), lambda x, y: 0.0),
    ("(1 - x)^2 + 100 (y - x^2)^2", (1 - X) ** 2 + 100 * (Y - X**2) ** 2,
     lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2),
]  # fmt: skip


@pytest.mark.parametrize(("text", "tree", "reference"), VALID, ids=[v[0] for v in VALID])
def test_valid_text_gives_the_tree_and_values_expected(
    text: str, tree: se.Basic, reference: Callable[[float, float], float]
) -> None:
    expr = parse_expression(text)
    assert expr.text == text
    assert expr.tree == tree or se.expand(expr.tree - tree) == 0
    for x, y in POINTS:
        expected = reference(x, y)
        if math.isfinite(expected):
            assert evaluate(expr, x, y) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_whole_literals_stay_exact_and_decimals_are_floats() -> None:
    assert parse_expression("3x^2").tree.diff(X) == 6 * X
    assert parse_expression("x^2/2").tree.diff(X) == X
    assert isinstance(parse_expression("1e3").tree, se.Integer)
    assert isinstance(parse_expression("1000000000000000").tree, se.Integer)
    assert isinstance(parse_expression("10000000000000001").tree, se.Float)
    assert isinstance(parse_expression("2.0").tree, se.Float)


def test_parameters_come_in_order_of_first_appearance() -> None:
    expr = parse_expression("b*x + alpha*y + b + w1 - lr_2 + alpha")
    assert expr.parameters == ("b", "alpha", "w1", "lr_2")
    assert expr.tree.free_symbols == {X, Y, *map(parameter_symbol, expr.parameters)}
    assert parse_expression("a - a + x").parameters == ("a",)  # typed, though it cancels
    assert parse_expression("x^2 + pi + e").parameters == ()
    assert parse_expression("x0 + x2 y + ab + sum*angle").parameters == (
        "x0",
        "x2",
        "ab",
        "sum",
        "angle",
    )
    assert parameter_symbol("a") == parameter_symbol("a") != X


def test_functions_are_the_documented_ones() -> None:
    documented = "sin cos tan asin acos atan sinh cosh tanh exp log ln log10 log2 sqrt abs sign"
    assert set(FUNCTIONS) == {*documented.split(), "min", "max", "sigmoid", "softplus", "relu"}
    for name in FUNCTIONS:
        text = f"{name}(x, y)" if name in ("min", "max") else f"{name}(x/4)"
        value = evaluate(parse_expression(text), 0.5, 0.25)
        assert math.isfinite(value), name


def test_expression_is_frozen() -> None:
    expr = parse_expression("x")
    with pytest.raises(AttributeError):
        expr.text = "y"  # type: ignore[misc]


# -- outside the domain: parses, evaluates to inf/nan, never complex ------------------------


@pytest.mark.parametrize(
    ("text", "x", "expected"),
    [
        ("1/0", 1.0, math.inf),
        ("-1/0", 1.0, -math.inf),
        ("0/0", 1.0, math.nan),
        ("x/0", -2.0, -math.inf),
        ("log(-1)", 1.0, math.nan),
        ("log(0)", 1.0, -math.inf),
        ("sqrt(-1)", 1.0, math.nan),
        ("sqrt(-1) + x", 1.0, math.nan),
        ("sqrt(x)", -1.0, math.nan),
        ("sqrt(-exp(x))", 1.0, math.nan),
        ("log(x)", -1.0, math.nan),
        ("asin(2)", 1.0, math.nan),
        ("(-8)^(1/3)", 1.0, math.nan),
        ("x^0.5", -4.0, math.nan),
        ("max(sqrt(-1), x)", 1.0, math.nan),
        ("1/x", 0.0, math.inf),
        ("tan(pi/2)", 1.0, math.tan(math.pi / 2)),
        ("sigmoid(-1000)", 1.0, 0.0),
        ("softplus(1000)", 1.0, 1000.0),
        ("exp(-1000)", 1.0, 0.0),
        ("1^(1/0)", 1.0, 1.0),
        ("(-2)^a", 1.0, math.nan),
        ("(-exp(x))^(1/3)", 1.0, math.nan),
    ],
)
def test_outside_the_domain_is_inf_or_nan_when_evaluated(
    text: str, x: float, expected: float
) -> None:
    expr = parse_expression(text)
    assert is_real(expr.tree)
    value = evaluate(expr, x, 0.5)
    assert value == expected or (math.isnan(value) and math.isnan(expected))


def test_gradients_differentiate_and_compile() -> None:
    text = "a*sigmoid(x y) + relu(x) + log10(y^2) + max(x, y)"
    for extra in ("", " - (2x)^9999999999"):
        objective = Objective.from_text(text + extra, {"a": 0.5})
        f, g = objective.value_and_gradient(np.array([0.3, -0.2]), np.array([0.4, 0.9]))
        assert f.dtype == g.dtype == np.float64
    objective = Objective.from_text(text, {"a": 0.5})
    h = 1e-6  # central differences, at points away from the kinks
    for x, y in [(0.3, 0.4), (-0.2, 0.9)]:
        fx = (objective.value(x + h, y) - objective.value(x - h, y)) / (2 * h)
        fy = (objective.value(x, y + h) - objective.value(x, y - h)) / (2 * h)
        np.testing.assert_allclose(objective.gradient(x, y), [fx, fy], rtol=1e-6)


def test_long_and_tall_texts_keep_their_values() -> None:
    """Past the first powers, or over tall subtrees, nodes are built unevaluated: same values."""
    many = "+".join(f"(x+{k})^2 + sqrt(y+{k})" for k in range(1, 60))
    expected = sum((0.3 + k) ** 2 + math.sqrt(0.5 + k) for k in range(1, 60))
    assert evaluate(parse_expression(many), 0.3, 0.5) == pytest.approx(expected, rel=1e-12)
    tall, value = "x", 0.3
    for k in range(40):
        tall, value = f"({tall} + 1)^0.5 + {k}/(y^2+1)", (value + 1) ** 0.5 + k / 1.25
    assert evaluate(parse_expression(tall), 0.3, 0.5) == pytest.approx(value, rel=1e-12)


def test_deepest_accepted_tree_still_differentiates() -> None:
    objective = Objective.from_text("sin(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH)
    assert 0 < objective.gradient(0.1, 0.0)[0] < 1


def test_parameters_with_awkward_names_compile() -> None:
    values = {"lambda": 3.0, "None": 4.0, "x0": 5.0, "if": 6.0}
    objective = Objective.from_text("lambda x + None y + x0 + if", values)
    assert objective.value(1.0, 2.0) == 3.0 + 8.0 + 5.0 + 6.0


# -- errors: the sentence and where to underline -------------------------------------------

EQUATION = "an equation is not a function: type only the right-hand side"
ERRORS: list[tuple[str, str, int]] = [
    ("", "the function is empty", 1),
    ("   \t", "the function is empty", 1),
    ("sinn(x)", "unknown function 'sinn' at column 1 — did you mean 'sin'?", 1),
    ("2 + Sqrt(x)", "unknown function 'Sqrt' at column 5 — did you mean 'sqrt'?", 5),
    ("a(x+1)", "unknown function 'a' at column 1 — to multiply, write a*(x+1)", 1),
    ("x(2)", "'x' cannot be used as a function (at column 1) — to multiply, write x*(2)", 1),
    ("2 y(x)", "'y' cannot be used as a function (at column 3) — to multiply, write y*(x)", 3),
    ("pi(x)", "'pi' cannot be used as a function", 1),
    ("sin(x", "missing ')' to close the '(' at column 4", 4),
    ("2*(x+1", "missing ')' to close the '(' at column 3", 3),
    ("max(x, (y", "missing ')' to close the '(' at column 8", 8),
    ("sin(", "missing ')' to close the '(' at column 4", 4),
    ("x)", "unmatched ')' at column 2", 2),
    (")", "unmatched ')' at column 1", 1),
    ("(x))", "unmatched ')' at column 4", 4),
    ("x +", "'+' at column 3 needs something after it", 3),
    ("x ^", "'^' at column 3 needs something after it", 3),
    ("-", "'-' at column 1 needs something after it", 1),
    ("(x -)", "'-' at column 4 needs something after it", 4),
    ("* x", "'*' at column 1 needs something before it", 1),
    ("(/x)", "'/' at column 2 needs something before it", 2),
    ("x * * y", "two operators in a row: '*' at column 5 follows '*'", 5),
    ("x + * y", "two operators in a row: '*' at column 5 follows '+'", 5),
    ("x ^ / 2", "two operators in a row: '/' at column 5 follows '^'", 5),
    ("x***2", "two operators in a row: '*' at column 4 follows '**'", 4),
    ("y = x^2", f"{EQUATION} ('=' at column 3)", 3),
    ("x == y", f"{EQUATION} ('=' at column 3)", 3),
    ("f(x, y) = x", "an equation is not a function", 9),
    ("x < y", "a comparison is not a function ('<' at column 3)", 3),
    ("x != y", "a comparison is not a function ('!' at column 3)", 3),
    ("x, y", "',' at column 2 can only separate the arguments of min or max", 2),
    ("(x, y)", "',' at column 3 can only separate the arguments of min or max", 3),
    (", x", "',' at column 1 can only separate the arguments of min or max", 1),
    ("sin(x, y)", "sin takes 1 argument, got 2 at column 1", 1),
    ("2 + exp()", "exp takes 1 argument, got 0 at column 5", 5),
    ("max(x)", "max takes 2 or more arguments, got 1 at column 1", 1),
    ("max(,x)", "missing argument before ',' at column 5", 5),
    ("max(x,)", "missing argument after ',' at column 6", 6),
    ("min(x,,y)", "missing argument after ',' at column 6", 6),
    ("()", "empty parentheses at column 1", 1),
    ("x + ( )", "empty parentheses at column 5", 5),
    ("(x)2", "missing operator before '2' at column 4 — write '*' to multiply", 4),
    ("x 2", "missing operator before '2' at column 3", 3),
    ("2 3", "missing operator before '3' at column 3", 3),
    ("1.2.3", "the number at column 1 has two decimal points", 1),
    ("x + 1e999", "the number 1e999 is too large at column 5", 5),
    ("9^9^9^9", "the number 9^9^9 is too large at column 3", 3),
    ("10^10^10", "the number 10^10^10 is too large at column 1", 1),
    ("2^9999999999", "the number 2^9999999999 is too large at column 1", 1),
    ("exp(exp(exp(1000)))", "the number exp(1000) is too large at column 9", 9),
    ("x + 1e308*10", "the number 1e308*10 is too large at column 5", 5),
    ("cosh(1000)", "the number cosh(1000) is too large at column 1", 1),
    ("sin x", "'sin' at column 1 is a function: put its argument in parentheses, as in sin(x)", 1),
    ("xy", "'xy' at column 1 would be a parameter named xy — to multiply, write x*y", 1),
    ("2xyx", "'xyx' at column 2 would be a parameter named xyx — to multiply, write x*y*x", 2),
    ("sinx", "'sinx' at column 1 would be a parameter named sinx — did you mean sin(x)?", 1),
    ("1+cos2y", "'cos2y' at column 3 would be a parameter named cos2y — did you mean cos(2y)?", 3),
    ("sinhx", "'sinhx' at column 1 would be a parameter named sinhx — did you mean sinh(x)?", 1),
    ("(-2)^x", "a negative number to a power that depends on x or y is not real, at column 1", 1),
    ("x $ 2", "unexpected dollar sign '$' at column 3", 3),
    ("[x]", "unexpected square bracket '[' at column 1 — use ( and ) for grouping", 1),
    ("{x}", "unexpected curly brace '{' at column 1", 1),
    ("x; y", "unexpected semicolon ';' at column 2", 2),
    ("'x'", "unexpected quote mark \"'\" at column 1 — names need no quotes", 1),
    ('"x"', "unexpected quote mark '\"' at column 1", 1),
    (".", "unexpected decimal point '.' at column 1", 1),
    ("x.y", "unexpected decimal point '.' at column 2", 2),
    ("x @ y", "unexpected at sign '@' at column 3", 3),
    ("|x|", "unexpected vertical bar '|' at column 1 — for an absolute value write abs(...)", 1),
    ("x!", "unexpected exclamation mark '!' at column 2", 2),
    ("_x", "unexpected underscore '_' at column 1 — names must start with a letter", 1),
    ("x\x00", "unexpected invisible character U+0000 at column 2", 2),
    ("α x", "unexpected character 'α' at column 1 — use 'alpha'", 1),
    ("2λ", "unexpected character 'λ' at column 2 — use 'lambda'", 2),
    ("Ω", "unexpected character 'Ω' at column 1 — use 'Omega'", 1),
    ("2π", "unexpected character 'π' at column 2 — use 'pi'", 2),
    ("2 × x", "unexpected character '×' at column 3 — use '*'", 3),
    ("2·x", "unexpected character '·' at column 2 — use '*'", 2),
    ("x − y", "unexpected character '−' at column 3 — use '-'", 3),
    ("x²", "unexpected character '²' at column 2 — use '^2'", 2),
    ("√x", "unexpected character '√' at column 1 — use 'sqrt(...)'", 1),
    ("café", "unexpected character 'é' at column 4 — names use only the letters", 4),
    ("x２", "unexpected character '２' at column 2", 2),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message", "column"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_text_says_what_and_where(text: str, message: str, column: int) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    error = caught.value
    assert error.message.startswith(message)
    assert str(error) == error.message
    assert isinstance(error, ValueError)
    assert error.column == column
    assert error.length >= 1
    assert error.column - 1 + error.length <= max(len(text), 1)


def test_error_lengths_cover_the_offending_text() -> None:
    cases = {"sinn(x)": 4, "9^9^9^9": 5, "x == y": 2, "()": 2, "sin(x, y)": 9, "x**2 **": 2}
    for text, length in cases.items():
        with pytest.raises(ExpressionError) as caught:
            parse_expression(text)
        assert caught.value.length == length, text


def test_limits() -> None:
    assert parse_expression("x" + " + x" * ((MAX_LENGTH - 1) // 4)).tree == 500 * X
    with pytest.raises(ExpressionError, match="too long: 2,001 characters") as caught:
        parse_expression("x" * (MAX_LENGTH + 1))
    assert (caught.value.column, caught.value.length) == (MAX_LENGTH + 1, 1)
    parse_expression("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH)
    parse_expression("-" * MAX_DEPTH + "x")
    parse_expression("x" + "^x" * MAX_DEPTH)
    for text, column in [
        ("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), MAX_DEPTH + 1),
        ("-" * (MAX_DEPTH + 1) + "x", MAX_DEPTH + 1),
        ("x" + "^x" * (MAX_DEPTH + 1), 2 * MAX_DEPTH + 2),
        ("sin(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), 4 * MAX_DEPTH + 4),
    ]:
        with pytest.raises(ExpressionError) as caught:
            parse_expression(text)
        assert caught.value.message == f"nested more than 100 levels deep at column {column}"
        assert caught.value.column == column


def test_sympy_tree_is_never_deeper_than_the_limit() -> None:
    """sigmoid(z) is four levels of tree, so 25 of them nest past 100 levels."""
    parse_expression("sigmoid(" * 24 + "x" + ")" * 24)
    with pytest.raises(ExpressionError, match="nested more than 100 levels deep"):
        parse_expression("sigmoid(" * 26 + "x" + ")" * 26)


# -- pathological input: always an answer, never a hang or another exception ---------------

PATHOLOGICAL = [
    "9^9^9^9", "10^10^10", "1e999", "2^9999999999", "2^-9999999999", "x^1e300",
    "exp(exp(exp(1000)))", "1/0", "(" * 999 + "x" + ")" * 1000, "(" * MAX_LENGTH,
    "x" * MAX_LENGTH, ("x " * (MAX_LENGTH // 2)).strip(), "*".join("x" * (MAX_LENGTH // 2)),
    "__import__('os')", "x.__class__", "lambda: 0", "[x]", "x if y else 1",
    "-" * (MAX_LENGTH - 1) + "x", "^".join("x" * (MAX_LENGTH // 2)), "é" * MAX_LENGTH,
    "(2x)^9999999999", "(x/3)^(10^10)", "(2x)^(9^9)", "(sqrt(2)x)^99999999", "(2 pi x)^(2^64)",
    "9" * MAX_LENGTH, "9" * 300 + "." + "9" * 300, "1" + "*999999999999999" * 120,
    "x" + "*999999999999999" * 120, "1" + "/3" * 999, "x" + "/3" * 999, "(x+1)^1000000",
    "min(" + ",".join(f"a{i}" for i in range(350)) + ")", "max(" + ",".join("x" * 900) + ")",
    "+".join(f"a{i}*x^{i}" for i in range(200)), "sin(x)" * 333, "(x+1)" * 333,
    "sigmoid(" * 100 + "x" + ")" * 100, "softplus(" * 100 + "x" + ")" * 100,
    "tan(" * 100 + "1" + ")" * 100, "exp(" * 100 + "0" + ")" * 100, "x/(1+" * 99 + "y" + ")" * 99,
    "sqrt(" * 99 + "-exp(x)" + ")" * 99, "1.0000001^" * 180 + "2", "\x00" * MAX_LENGTH,
]  # fmt: skip


@pytest.mark.parametrize("text", PATHOLOGICAL, ids=range(len(PATHOLOGICAL)))
def test_pathological_input_gets_an_answer(text: str) -> None:
    assert len(text) <= MAX_LENGTH
    try:
        expr = parse_expression(text)
    except ExpressionError as error:
        assert error.message
    else:
        assert isinstance(expr.tree, se.Basic)


def test_recursion_never_escapes_even_on_a_nearly_full_stack() -> None:
    def at_depth(n: int) -> None:
        if n:
            return at_depth(n - 1)
        with pytest.raises(ExpressionError):
            parse_expression("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH + "+")

    at_depth(sys.getrecursionlimit() - 150)


def test_engine_does_not_import_qt() -> None:
    code = (
        "import sys, gradient_studio.engine.expression as e; e.parse_expression('sin(x)');"
        "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


# -- properties ----------------------------------------------------------------------------

GRAMMAR_ALPHABET = "xy0123456789.+-*/^() eapisncolgqrtmd,"


def answers(text: str) -> None:
    try:
        expr = parse_expression(text)
    except ExpressionError as error:
        assert error.message and error.column >= 1 and error.length >= 1
    else:
        assert isinstance(expr.tree, se.Basic)
        assert is_real(expr.tree)


@settings(max_examples=2000, deadline=None, database=None)
@given(st.text())
def test_any_text_gets_an_answer(text: str) -> None:
    answers(text)


@settings(max_examples=2000, deadline=None, database=None)
@given(st.text(alphabet=GRAMMAR_ALPHABET))
def test_text_from_the_grammars_alphabet_gets_an_answer(text: str) -> None:
    answers(text)


class Undefined(Exception):
    """The reference value does not exist: outside the domain, a pole, or an overflow."""


def real_power(a: float, b: float) -> float:
    if (a < 0 and not b.is_integer()) or (a == 0 and b < 0):
        raise Undefined
    return math.pow(a, b)


def safe_log(fn: Callable[[float], float]) -> Callable[[float], float]:
    def apply(v: float) -> float:
        if v <= 0:
            raise Undefined
        return fn(v)

    return apply


REFERENCE: dict[str, Callable[..., float]] = {
    "sin": math.sin, "cos": math.cos, "tan": math.tan, "asin": math.asin, "acos": math.acos,
    "atan": math.atan, "sinh": math.sinh, "cosh": math.cosh, "tanh": math.tanh, "exp": math.exp,
    "log": safe_log(math.log), "ln": safe_log(math.log), "log10": safe_log(math.log10),
    "log2": safe_log(math.log2), "sqrt": math.sqrt, "abs": abs,
    "sign": lambda v: float((v > 0) - (v < 0)), "min": min, "max": max,
    "sigmoid": lambda v: 1 / (1 + math.exp(-v)), "softplus": lambda v: math.log1p(math.exp(v)),
    "relu": lambda v: max(v, 0.0),
}  # fmt: skip

# A generated piece: its text, its precedence (1 sum, 2 product, 3 sign, 4 power, 5 atom)
# and its value at a point (x, y, parameters) computed with math.
Piece = tuple[str, int, Callable[[dict[str, float]], float]]

ATOMS: list[Piece] = [
    *((str(n), 5, lambda env, n=n: float(n)) for n in (0, 1, 2, 3, 7, 10)),
    ("0.5", 5, lambda env: 0.5), ("2.25", 5, lambda env: 2.25), (".5", 5, lambda env: 0.5),
    ("1e-1", 5, lambda env: 0.1),
    *((name, 5, lambda env, name=name: env[name]) for name in ("x", "y", "a", "b", "c")),
    ("pi", 5, lambda env: math.pi), ("e", 5, lambda env: math.e),
]  # fmt: skip


def wrap(piece: Piece, least: int) -> Piece:
    text, prec, value = piece
    return (f"({text})", 5, value) if prec < least else piece


def joined(left: str, right: str) -> str:
    """Juxtaposed for implicit multiplication, with a space where the tokens would merge."""
    merges = left[-1].isalnum() and right[0].isalpha()
    return f"{left} {right}" if merges or right[0] in "eE" else left + right


@st.composite
def combine(draw: st.DrawFn, children: st.SearchStrategy[Piece]) -> Piece:
    kind = draw(st.sampled_from(["+", "-", "*", "/", "implicit", "^", "**", "neg", "call"]))
    if kind == "call":
        name = draw(st.sampled_from(FUNCTIONS))
        count = draw(st.integers(2, 3)) if name in ("min", "max") else 1
        args = [draw(children) for _ in range(count)]
        text = f"{name}({', '.join(a[0] for a in args)})"
        fn = REFERENCE[name]
        return text, 5, lambda env: float(fn(*(a[2](env) for a in args)))
    if kind == "neg":
        child_text, _, child_value = wrap(draw(children), 3)
        return f"-{child_text}", 3, lambda env: -child_value(env)
    left, right = draw(children), draw(children)
    if kind in "+-":
        (lt, _, lv), (rt, _, rv) = wrap(left, 1), wrap(right, 2)
        if kind == "+":
            return f"{lt} + {rt}", 1, lambda env: lv(env) + rv(env)
        return f"{lt} - {rt}", 1, lambda env: lv(env) - rv(env)
    if kind in ("*", "/", "implicit"):
        (lt, _, lv), (rt, _, rv) = wrap(left, 2), wrap(right, 4 if kind == "implicit" else 3)
        if kind == "implicit" and (
            (lt[-1].isalpha() and rt[0] == "(") or rt[0].isdigit() or rt[0] == "."
        ):
            kind = "*"
        if kind == "/":
            return f"{lt}/{rt}", 2, lambda env: lv(env) / rv(env)
        text = joined(lt, rt) if kind == "implicit" else f"{lt}*{rt}"
        return text, 2, lambda env: lv(env) * rv(env)
    (lt, _, lv), (rt, _, rv) = wrap(left, 5), wrap(right, 3)
    return f"{lt}{kind}{rt}", 4, lambda env: real_power(lv(env), rv(env))


EXPRESSIONS = st.recursive(st.sampled_from(ATOMS), combine, max_leaves=12)


def reference_value(value: Callable[[dict[str, float]], float], env: dict[str, float]) -> float:
    try:
        result = value(env)
    except (Undefined, ValueError, OverflowError, ZeroDivisionError):
        return math.nan
    return result if math.isfinite(result) and abs(result) < 1e8 else math.nan


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(EXPRESSIONS, st.floats(-3, 3), st.floats(-3, 3))
def test_valid_expressions_parse_and_match_an_independent_evaluation(
    piece: Piece, x: float, y: float
) -> None:
    text, _, value = piece
    env = {"x": x, "y": y, **PARAMS}
    expected = reference_value(value, env)
    try:
        expr = parse_expression(text)
    except ExpressionError as error:  # the only two refusals a grammatical text can get
        assert "is too large" in error.message or "negative number to a power" in error.message
        assert "negative" in error.message or math.isnan(expected)
        return
    nearby = reference_value(value, {k: v * (1 + 1e-9) + 1e-12 for k, v in env.items()})
    if math.isnan(expected) or not math.isclose(expected, nearby, rel_tol=1e-5, abs_tol=1e-7):
        return  # undefined there, or so ill-conditioned that rounding decides the value
    assert evaluate(expr, x, y) == pytest.approx(expected, rel=1e-6, abs=1e-6), text
