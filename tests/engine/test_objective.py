"""Objective: exact values, gradients and Hessians against closed forms and differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradient_studio.engine import Objective

ROSENBROCK = "(a - x)^2 + b*(y - x^2)^2"


def rosenbrock(x, y, a=1.0, b=100.0):
    value = (a - x) ** 2 + b * (y - x**2) ** 2
    grad = np.stack([-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)], axis=-1)
    hxx = 2 - 4 * b * (y - x**2) + 8 * b * x**2
    hxy = -4 * b * x
    hyy = 2 * b * np.ones_like(x)
    hess = np.stack([np.stack([hxx, hxy], -1), np.stack([hxy, hyy], -1)], -2)
    return value, grad, hess


def test_value_gradient_hessian_match_the_closed_form_on_a_batch():
    obj = Objective.from_text(ROSENBROCK, {"a": 1.5, "b": 30.0})
    pts = np.random.default_rng(1).uniform(-2, 2, (50, 2))
    value, grad, hess = rosenbrock(pts[:, 0], pts[:, 1], 1.5, 30.0)
    np.testing.assert_allclose(obj.value_at(pts), value, rtol=1e-13)
    np.testing.assert_allclose(obj.gradient_at(pts), grad, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(obj.hessian_at(pts), hess, rtol=1e-12, atol=1e-12)


def test_scalar_point_gives_plain_numbers():
    obj = Objective.from_text(ROSENBROCK)
    assert obj.parameters == ("a", "b")
    assert obj.values == {"a": 1.0, "b": 1.0}
    assert isinstance(obj.value(0.5, 0.5), float)
    assert obj.gradient(1.0, 1.0).shape == (2,)
    assert obj.hessian(1.0, 1.0).shape == (2, 2)


def test_grid_is_row_major_with_cell_centres():
    obj = Objective.from_text("x + 10y")
    xs, ys, z = obj.grid((0.0, 4.0), (-1.0, 1.0), shape=(2, 4))
    np.testing.assert_allclose(xs, [0.5, 1.5, 2.5, 3.5])
    np.testing.assert_allclose(ys, [-0.5, 0.5])
    assert z.shape == (2, 4)
    np.testing.assert_allclose(z, xs[None, :] + 10 * ys[:, None])


def test_with_values_shares_compiled_code_and_changes_the_answer():
    obj = Objective.from_text(ROSENBROCK)
    steeper = obj.with_values({"b": 100.0, "unused": 3.0})
    assert steeper.derivatives is obj.derivatives
    assert steeper.values == {"a": 1.0, "b": 100.0}
    assert steeper.value(0.0, 1.0) == pytest.approx(101.0)
    assert obj.value(0.0, 1.0) == pytest.approx(2.0)


def test_constant_gradient_components_broadcast():
    obj = Objective.from_text("x + 2y")
    g = obj.gradient_at(np.zeros((3, 2)))
    np.testing.assert_array_equal(g, [[1, 2]] * 3)
    np.testing.assert_array_equal(obj.hessian_at(np.zeros((3, 2))), np.zeros((3, 2, 2)))
    assert obj.value_at(np.ones((4, 2))).shape == (4,)


@pytest.mark.parametrize(
    ("text", "point", "expected"),
    [
        ("log(x)", (-1.0, 0.0), np.nan),
        ("sqrt(x)", (-1.0, 0.0), np.nan),
        ("1/x", (0.0, 0.0), np.inf),
    ],
)
def test_outside_the_domain_is_nan_or_inf_quietly(text, point, expected):
    # pytest turns warnings into errors: a numpy RuntimeWarning here would fail the test.
    obj = Objective.from_text(text)
    value = obj.value(*point)
    if np.isnan(expected):
        assert np.isnan(value)
    else:
        assert value == expected
    assert obj.gradient(*point).shape == (2,)


@pytest.mark.parametrize(
    "text", ["abs(x) + abs(y)", "relu(x) + max(x, y) + min(x, y, 1)", "sign(x) y"]
)
def test_kinks_have_hessians_that_evaluate(text):
    obj = Objective.from_text(text)
    h = obj.hessian_at(np.array([[0.3, -0.2], [-1.0, 2.0]]))
    assert np.isfinite(h).all()


def test_abs_gradient_is_the_sign():
    obj = Objective.from_text("abs(x) - 2abs(y)")
    np.testing.assert_array_equal(obj.gradient(-3.0, 2.0), [-1.0, -2.0])


def test_value_and_gradient_together_agree_with_separate_calls():
    obj = Objective.from_text("sin(x) exp(y) + x^3")
    pts = np.random.default_rng(2).normal(size=(10, 2))
    f, g = obj.value_and_gradient(pts[:, 0], pts[:, 1])
    np.testing.assert_allclose(f, obj.value_at(pts))
    np.testing.assert_allclose(g, obj.gradient_at(pts))


def test_gradient_formulas_are_sympy_expressions():
    dfdx, dfdy = Objective.from_text("x^2 y").gradient_formulas()
    assert str(dfdx) == "2*x*y"
    assert str(dfdy) == "x**2"


@pytest.mark.parametrize(
    ("text", "texts"),
    [
        ("x^2 y", ("2*x*y", "x^2")),
        ("(a - x)^2 + b*(y - x^2)^2", ("-2*a - 4*b*x*(-x^2 + y) + 2*x", "2*b*(-x^2 + y)")),
        ("abs(x - 1) + max(x, y)", ("Heaviside(x - y) + sign(x - 1)", "Heaviside(-x + y)")),
        ("2(x + 1) + 2(x + 2) y", ("2*y + 2", "2*x + 4")),
        ("sqrt(-exp(x)) + y", ("-exp(x)/(2*sqrt(-exp(x)))", "1")),  # undefined, never I
        ("e^(a x)", ("a*exp(a*x)", "0")),
    ],
)
def test_gradient_texts_read_in_the_language(text, texts):
    assert Objective.from_text(text).gradient_texts() == texts


def test_gradient_texts_of_a_very_tall_function():
    """Too tall for sympy's recursive printer: printed by SymEngine, still in the language."""
    dfdx, dfdy = Objective.from_text("x" + "^x" * 100).gradient_texts()
    assert dfdy == "0" and "x^x^" not in dfdx and "x^(x^" in dfdx and "log(x)" in dfdx


# -- property: the exact gradient agrees with central differences -------------------------
_LEAVES = st.sampled_from(["x", "y", "2", "0.5", "3", "a"])


def _combine(children):
    unary = st.sampled_from(["sin", "cos", "tanh", "atan", "sigmoid", "softplus", "exp"])
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(unary, children).map(lambda t: f"{t[0]}({t[1]} / 4)"),
        st.tuples(children, children).map(lambda t: f"({t[0]}) / (1 + ({t[1]})^2)"),
        st.tuples(children, st.sampled_from(["2", "3"])).map(lambda t: f"({t[0]})^{t[1]}"),
        st.tuples(children).map(lambda t: f"log(1 + ({t[0]})^2)"),
        st.tuples(children).map(lambda t: f"sqrt(1 + ({t[0]})^2)"),
    )


EXPRESSIONS = st.recursive(_LEAVES, _combine, max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(
    text=EXPRESSIONS,
    x=st.floats(-2, 2),
    y=st.floats(-2, 2),
    a=st.floats(-2, 2),
)
def test_gradient_agrees_with_central_differences(text, x, y, a):
    obj = Objective.from_text(text, {"a": a})
    g = obj.gradient(x, y)
    h = 1e-6
    fd = np.array(
        [
            (obj.value(x + h, y) - obj.value(x - h, y)) / (2 * h),
            (obj.value(x, y + h) - obj.value(x, y - h)) / (2 * h),
        ]
    )
    scale = max(1.0, abs(obj.value(x, y)), *np.abs(g))
    if not (np.isfinite(fd).all() and np.isfinite(g).all()) or scale > 1e6:
        return  # overflowed somewhere: nothing to compare
    np.testing.assert_allclose(g, fd, atol=2e-5 * scale, rtol=1e-4)
