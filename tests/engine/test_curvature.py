"""Curvature at a point and the gradient field, against closed forms."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradient_studio.engine import Objective
from gradient_studio.engine.curvature import PointKind, curvature_at, eigen
from gradient_studio.engine.field import arrow, descent_field, gradient_norm_grid

ROSENBROCK = Objective.from_text("(1 - x)^2 + 100(y - x^2)^2")
HIMMELBLAU = Objective.from_text("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")


def test_rosenbrock_at_its_minimum():
    c = curvature_at(ROSENBROCK, (1.0, 1.0))
    # H = [[802, -400], [-400, 200]]: λ = 501 ∓ √(301² + 400²)
    r = math.hypot(301, 400)
    assert c.hessian == ((802.0, -400.0), (-400.0, 200.0))
    assert c.eigenvalues[0] == pytest.approx(501 - r, rel=1e-12)  # 0.3994, kept to its digits
    assert c.eigenvalues[1] == pytest.approx(501 + r, rel=1e-14)
    assert c.eigenvalues == pytest.approx((0.399, 1001.6), abs=1e-3)
    assert c.kind is PointKind.BOWL and c.gradient == (0.0, 0.0)
    assert c.condition_number == pytest.approx((501 + r) / (501 - r))
    assert c.stable_lr == pytest.approx(2 / (501 + r))
    assert c.stability == "gradient descent with a learning rate above 0.002 is unstable here"
    assert c.best_rate is None and "zero" in c.best_step_note
    assert c.newton_step == (0.0, 0.0)


@pytest.mark.parametrize(
    ("a", "b", "c"), [(2.0, 0.0, 20.0), (3.0, 1.0, 1.0), (1.0, -2.0, -5.0), (-4.0, 0.5, -1.0)]
)
def test_any_quadratic_matches_numpy(a, b, c):
    obj = Objective.from_text(f"{a / 2} x^2 + {b} x y + {c / 2} y^2 + x - 2y")
    cur = curvature_at(obj, (0.3, -0.7))
    values, vectors = np.linalg.eigh(np.array([[a, b], [b, c]]))
    assert cur.eigenvalues == pytest.approx(tuple(values), rel=1e-12, abs=1e-12)
    for i in range(2):  # the same eigenvector, up to its sign
        assert abs(np.dot(cur.direction(i), vectors[:, i])) == pytest.approx(1.0)
    # Newton's step lands on the quadratic's centre, where ∇f = H(x + n) + (1, −2) = 0
    centre = np.linalg.solve(np.array([[a, b], [b, c]]), [-1.0, 2.0])
    assert np.add((0.3, -0.7), cur.newton_step) == pytest.approx(centre)


def test_the_saddle_x2_minus_y2():
    c = curvature_at(Objective.from_text("x^2 - y^2"), (0.5, 0.2))
    assert c.kind is PointKind.SADDLE and c.eigenvalues == (-2.0, 2.0)
    assert c.condition_number == 1.0 and c.stable_lr == 1.0
    assert c.newton_step == pytest.approx((-0.5, -0.2))  # straight to the saddle point
    assert "saddle" in c.newton_note
    (u, v) = c.asymptotes()
    for d in (u, v):  # the directions where f does not curve: y = ±x
        assert abs(d[0]) == pytest.approx(abs(d[1])) and math.hypot(*d) == pytest.approx(1)
    # g = (1, −0.4): gᵀg = 1.16, gᵀHg = 2 − 0.32 = 1.68
    assert c.best_rate == pytest.approx(1.16 / 1.68)
    assert c.best_step == pytest.approx((-1.16 / 1.68, 0.4 * 1.16 / 1.68))
    assert c.ellipse(1.0) is None and c.glyph(1.0).shape == (5, 2)


def test_along_a_direction_that_curves_down_there_is_no_best_step():
    c = curvature_at(Objective.from_text("x^2 - y^2"), (0.1, 1.0))  # g mostly along −y
    assert c.best_rate is None and c.best_step is None
    assert "gᵀHg ≤ 0" in c.best_step_note


@pytest.mark.parametrize(
    "point",
    [(0.086677, 2.884255), (3.385154, 0.073852), (-3.073026, -0.081353), (-0.127961, -1.953715)],
)
def test_himmelblaus_saddles(point):
    c = curvature_at(HIMMELBLAU, point)
    assert c.kind is PointKind.SADDLE and math.hypot(*c.gradient) < 1e-3
    assert c.eigenvalues[0] < 0 < c.eigenvalues[1]
    assert c.asymptotes() is not None and "saddle" in c.newton_note
    # Newton's step from beside the saddle goes back to it
    near = curvature_at(HIMMELBLAU, (point[0] + 0.01, point[1] - 0.01))
    assert np.add(near.point, near.newton_step) == pytest.approx(point, abs=1e-3)


def test_himmelblaus_maximum_is_a_dome_without_a_stability_edge():
    top = curvature_at(HIMMELBLAU, (-0.270845, -0.923039))
    assert top.kind is PointKind.DOME and top.f == pytest.approx(181.617, abs=1e-3)
    assert top.stable_lr is None and "no learning rate" in top.stability
    assert "top" in top.newton_note
    dome = curvature_at(Objective.from_text("-x^2 - 10y^2"), (1.0, 1.0))
    assert dome.condition_number == pytest.approx(10.0)


def test_flat_directions():
    trough = curvature_at(Objective.from_text("x^2"), (1.0, 3.0))
    assert trough.kind is PointKind.TROUGH and trough.condition_number is None
    assert trough.stable_lr == pytest.approx(1.0) and trough.newton_step is None
    plane = curvature_at(Objective.from_text("x + 2y"), (0.0, 0.0))
    assert plane.kind is PointKind.FLAT and plane.stable_lr is None
    assert plane.condition_number is None and plane.glyph(1.0).shape == (0, 2)


def test_the_models_ellipse_passes_through_the_point_around_newtons_target():
    c = curvature_at(Objective.from_text("x^2 + 10y^2 + x y"), (1.0, 1.0))
    e = c.model_ellipse()
    centre = np.add(c.point, c.newton_step)
    assert e.centre == pytest.approx(tuple(centre))
    curve = e.polyline(400)
    assert np.min(np.hypot(*(curve - c.point).T)) < 0.02  # it goes through the point
    assert e.radii[0] > e.radii[1]  # long along the gentle direction


def test_the_glyph_of_a_bowl_is_its_ellipse_with_the_long_axis_given():
    c = curvature_at(Objective.from_text("x^2 + 4y^2"), (0.0, 0.0))
    glyph = c.glyph(0.5, segments=360)
    assert np.max(np.hypot(*glyph.T)) == pytest.approx(0.5)
    assert np.max(np.abs(glyph[:, 1])) == pytest.approx(0.25)  # √(λ₁/λ₂) as long across


def test_outside_the_domain_the_curvature_is_undefined():
    c = curvature_at(Objective.from_text("sqrt(x) + y^2"), (-1.0, 0.0))
    assert not c.defined and c.glyph(1.0).shape == (0, 2)


symmetric = st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)).filter(
    lambda t: max(map(abs, t)) > 1e-6
)


@settings(max_examples=300, deadline=None)
@given(symmetric)
def test_eigenvectors_are_orthonormal_and_rebuild_the_hessian(abc):
    a, b, c = abc
    values, vectors = eigen(((a, b), (b, c)))
    v = np.array(vectors)
    assert values[0] <= values[1]
    np.testing.assert_allclose(v.T @ v, np.eye(2), atol=1e-12)
    scale = max(map(abs, abc))
    np.testing.assert_allclose(v @ np.diag(values) @ v.T, [[a, b], [b, c]], atol=1e-9 * scale)
    np.testing.assert_allclose(values, np.linalg.eigvalsh([[a, b], [b, c]]), atol=1e-9 * scale)


# -- the field -------------------------------------------------------------------------


def test_the_field_points_downhill_with_unit_length_on_the_grids_layout():
    field = descent_field(ROSENBROCK, (-2.0, 2.0), (-1.0, 3.0), (20, 25))
    xs, ys, _ = ROSENBROCK.grid((-2.0, 2.0), (-1.0, 3.0), (20, 25))
    np.testing.assert_array_equal(field.xs, xs)
    np.testing.assert_array_equal(field.ys, ys)
    assert field.directions.shape == (20, 25, 2) and field.magnitude.shape == (20, 25)
    i, j = 7, 11
    g = ROSENBROCK.gradient(xs[j], ys[i])
    assert field.directions[i, j] == pytest.approx(-g / np.hypot(*g))
    assert field.magnitude[i, j] == pytest.approx(np.hypot(*g))
    np.testing.assert_allclose(np.hypot(*field.directions.reshape(-1, 2).T), 1.0)


def test_where_the_gradient_vanishes_the_field_has_no_direction():
    field = descent_field(Objective.from_text("x^2 + y^2"), (-1.0, 1.0), (-1.0, 1.0), (3, 3))
    assert field.magnitude[1, 1] == 0 and np.isnan(field.directions[1, 1]).all()
    assert field.segments(0.1).shape == (8 * 7 - 1, 2)  # eight arrows of seven rows


def test_a_field_too_dense_is_refused():
    with pytest.raises(ValueError, match="arrows"):
        descent_field(ROSENBROCK, (-1.0, 1.0), (-1.0, 1.0), (1000, 1000))


def test_log_gradient_norm_grid_shows_a_plateau_low():
    obj = Objective.from_text("tanh(x)^2")
    xs, ys, z = gradient_norm_grid(obj, (-6.0, 6.0), (-1.0, 1.0), (4, 12))
    assert z.shape == (4, 12)
    assert z[0, 0] == pytest.approx(math.log10(abs(obj.gradient(xs[0], ys[0])[0])))
    assert z[0, 0] < -3 < z[0, 5]  # far out the gradient vanishes


def test_an_arrow_is_a_shaft_and_a_head():
    a = arrow((1.0, 2.0), (3.0, 0.0))
    assert a[0].tolist() == [1.0, 2.0] and a[1].tolist() == [4.0, 2.0]
    assert np.isnan(a[2]).all() and a[4].tolist() == [4.0, 2.0]
    assert a[3, 0] < 4.0 and a[5, 0] < 4.0 and a[3, 1] == pytest.approx(4.0 - a[5, 1])
    assert arrow((0.0, 0.0), (0.0, 0.0)).shape == (0, 2)
    assert arrow((0.0, 0.0), (math.nan, 1.0)).shape == (0, 2)


def test_the_arrows_at_every_head_follow_the_playhead():
    from gradient_studio.engine import OptimizerChoice, run
    from gradient_studio.engine.field import heads

    obj = Objective.from_text("x^2 + 10y^2")
    choices = [OptimizerChoice("sgd", {"lr": 0.01}), OptimizerChoice("sgd", {"lr": 0.5})]
    result = run(obj, choices, [(1.0, 1.0), (-1.0, 0.5)], 20)
    at = heads(result, 3)
    assert at.points.shape == at.gradient.shape == at.step.shape == (4, 2)
    for row, t in enumerate(result.trajectories):
        k = min(3, t.stop)
        assert at.points[row].tolist() == t.points[k].tolist()
        assert at.gradient[row] == pytest.approx(obj.gradient(*t.points[k]))
        if k < t.stop:
            assert at.step[row].tolist() == (t.points[k + 1] - t.points[k]).tolist()
        else:
            assert np.isnan(at.step[row]).all()
    # gradient descent's step is −η∇f exactly
    assert at.step[0] == pytest.approx(-0.01 * at.gradient[0])
