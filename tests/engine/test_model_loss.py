"""A model's loss over data as a landscape: its value, exact gradient and Hessian against
closed forms and numpy's least squares, the two paths (moments, rows) against each other,
bounded chunks on a grid, and the runner on it (Newton's one step, the fast path)."""

from __future__ import annotations

import numpy as np
import pytest

from gradient_studio.engine import OptimizerChoice, run
from gradient_studio.engine import runner as runner_module
from gradient_studio.engine.data import DATASETS, DataError, Dataset
from gradient_studio.engine.models import Model, ModelObjective, per_row

RNG = np.random.default_rng(7)
X = RNG.uniform(-2.0, 2.0, 57)
Y = 1.3 * X - 0.4 + RNG.normal(0.0, 0.3, 57)
DATA = Dataset("test", X, Y)
LABELS = Dataset("labels", X, (X + RNG.normal(0.0, 0.8, 57) > 0) * 1.0)
POINTS = RNG.uniform(-1.5, 1.5, (9, 2))


def build(text: str, data: Dataset = DATA, loss: str = "mse", axes=None, **values: float):
    return ModelObjective.build(Model.parse(text, loss, axes), data, values)


def linear() -> ModelObjective:
    return build("w*x + b", DATASETS["linear"].load())


def test_linear_regression_minimum_is_numpys_least_squares():
    data = DATASETS["linear"].load()
    design = np.column_stack([data.x, np.ones_like(data.x)])
    (w, b), residual, *_ = np.linalg.lstsq(design, data.y, rcond=None)
    objective = linear()
    assert objective.moment_path
    assert np.abs(objective.gradient(w, b)).max() < 1e-9
    assert objective.value(w, b) == pytest.approx(residual[0] / data.rows, rel=1e-9)
    assert objective.value(w + 0.01, b) > objective.value(w, b)


def test_newton_lands_on_the_least_squares_minimum_in_one_step():
    data = DATASETS["linear"].load()
    design = np.column_stack([data.x, np.ones_like(data.x)])
    best = np.linalg.lstsq(design, data.y, rcond=None)[0]
    newton = OptimizerChoice("newton", {"lr": 1.0, "damping": 1e-8})  # its least damping
    (t,) = run(linear(), [newton], [(0.2, -8.0)], 3).trajectories
    # The damping shifts λ_min = 0.039 by 1e-8: 12 units along the valley, 3e-6 short.
    assert np.abs(t.points[1] - best).max() < 1e-5
    assert np.abs(t.points[2] - best).max() < 1e-10
    assert t.status == "converged"


def test_the_hessian_of_linear_regression_is_the_closed_form_and_kappa_is_in_the_thousands():
    data = DATASETS["linear"].load()
    mx, mxx = data.x.mean(), (data.x * data.x).mean()
    closed = 2.0 * np.array([[mxx, mx], [mx, 1.0]])
    h = linear().hessian(0.7, -3.0)
    assert np.allclose(h, closed, rtol=1e-12)
    eigen = np.linalg.eigvalsh(h)
    assert 5_000 < eigen[1] / eigen[0] < 5_600  # κ ≈ 5,300, as the lesson says
    assert 2.0 / eigen[1] == pytest.approx(0.0097, abs=5e-5)  # the stability edge 2/L


def test_normalising_the_inputs_makes_the_bowl_round():
    data = DATASETS["linear"].load().standardized()
    h = build("w*x + b", data).hessian(0.3, 17.0)
    assert np.allclose(h, 2.0 * np.eye(2), atol=1e-12)  # κ = 1


@pytest.mark.parametrize(
    ("text", "axes", "values"),
    [("w*x + b", None, {}), ("w2*w1*x", None, {}), ("w^L*x + b", ("w", "b"), {"L": 3.0})],
)
def test_the_moment_path_equals_the_row_path(text, axes, values):
    """Σ mean(feature)·weights against the mean over the rows, value to Hessian."""
    objective = build(text, axes=axes, **values)
    assert objective.moment_path
    rows = objective.rows
    args = tuple(objective.values.values())
    a, b = np.abs(POINTS[:, 0]) + 0.2, POINTS[:, 1]  # w^L with L = 3 needs no sign care
    with np.errstate(all="ignore"):
        for moment, row in (
            (objective.derivatives.value_and_gradient_function, rows.value_and_gradient_function),
            (objective.derivatives.hessian_function, rows.hessian_function),
        ):
            for m, r in zip(moment(a, b, *args), row(a, b, *args), strict=True):
                assert np.allclose(m, r, rtol=1e-12, atol=1e-12)


def test_tanh_unit_derivatives_are_the_hand_worked_ones():
    objective = build("w2*tanh(w1*x)", axes=("w1", "w2"))
    assert not objective.moment_path
    for w1, w2 in POINTS:
        t = np.tanh(w1 * X)
        r = w2 * t - Y
        dt = (1 - t * t) * X
        f, g = objective.value_and_gradient(w1, w2)
        assert f == pytest.approx(np.mean(r * r), rel=1e-12)
        assert g == pytest.approx([np.mean(2 * r * w2 * dt), np.mean(2 * r * t)], rel=1e-11)
        h11 = np.mean(2 * (w2 * dt) ** 2 + 2 * r * w2 * (-2 * t * (1 - t * t) * X * X))
        h12 = np.mean(2 * t * w2 * dt + 2 * r * dt)
        h22 = np.mean(2 * t * t)
        assert objective.hessian(w1, w2) == pytest.approx(
            np.array([[h11, h12], [h12, h22]]), rel=1e-10, abs=1e-12
        )


def test_logistic_loss_and_gradient_are_the_cross_entropy():
    objective = build("sigmoid(w*x + b)", LABELS, "logistic")
    y = LABELS.y
    for w, b in POINTS:
        p = 1.0 / (1.0 + np.exp(-(w * X + b)))
        cross_entropy = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        f, g = objective.value_and_gradient(w, b)
        assert f == pytest.approx(cross_entropy, rel=1e-12)
        assert g == pytest.approx([np.mean((p - y) * X), np.mean(p - y)], rel=1e-11)
        s = p * (1 - p)
        closed = [[np.mean(s * X * X), np.mean(s * X)], [np.mean(s * X), np.mean(s)]]
        assert objective.hessian(w, b) == pytest.approx(np.array(closed), rel=1e-10)


def test_a_logistic_model_without_a_sigmoid_reads_its_output_as_the_log_odds():
    with_sigmoid = build("sigmoid(w*x + b)", LABELS, "logistic")
    log_odds = build("w*x + b", LABELS, "logistic")
    assert with_sigmoid.value(0.8, 0.1) == pytest.approx(log_odds.value(0.8, 0.1), rel=1e-14)
    assert np.allclose(with_sigmoid.predict([[0.8, 0.1]], X), log_odds.predict([[0.8, 0.1]], X))


def test_separable_data_gives_a_finite_loss_far_out():
    objective = build("sigmoid(w*x + b)", DATASETS["separable"].load(), "logistic")
    f, g = objective.value_and_gradient(1e3, 0.0)
    assert 0.0 <= f < 1e-100 and np.isfinite(g).all()
    assert np.isfinite(objective.hessian(1e3, 0.0)).all()
    x = DATASETS["separable"].load().x
    assert objective.value(-1e3, 0.0) == pytest.approx(1e3 * np.mean(np.abs(x)), rel=1e-9)


def test_logistic_needs_labels():
    with pytest.raises(DataError, match="is not a label"):
        build("sigmoid(w*x + b)", DATA, "logistic")


def test_the_grid_is_chunked_and_the_same_in_parts(monkeypatch):
    objective = build("w2*tanh(w1*x)", axes=("w1", "w2"))
    whole = objective.grid((-2, 2), (-3, 3), (30, 40))
    monkeypatch.setattr(per_row, "ROW_CHUNK", 57 * 7)  # 7 cells a chunk
    assert objective.rows.chunk == 7
    parts, unfilled = [], []
    for part in objective.grid_parts((-2, 2), (-3, 3), (30, 40)):
        parts.append(part)  # (a worker could stop here)
        unfilled.append(int(np.isnan(part.z).sum()))
    assert len(parts) == -(-1200 // 7)
    assert [p.done for p in parts] == [*list(range(7, 1200, 7)), 1200]
    assert unfilled == [1200 - p.done for p in parts]  # not computed yet: nan
    assert parts[-1].finished and not parts[0].finished
    assert np.array_equal(parts[-1].z, whole[2])
    assert np.array_equal(objective.grid((-2, 2), (-3, 3), (30, 40))[2], whole[2])


def test_the_coarse_grid_shrinks_with_the_rows_on_the_row_path():
    big = Dataset("big", np.linspace(-2, 2, 1000), np.linspace(-1, 1, 1000))
    assert build("w2*tanh(w1*x)", big, axes=("w1", "w2")).coarse_shape((400, 400)) == (48, 48)
    assert build("w*x + b", big).coarse_shape((400, 400)) == (400, 400)  # moments: no rows
    assert build("w2*tanh(w1*x)", DATA).coarse_shape((400, 400)) == (187, 187)
    assert build("w2*tanh(w1*x)", DATA).coarse_shape((30, 40)) == (30, 40)  # small enough


def test_predictions_for_the_model_pane_are_in_the_datas_own_units():
    data = DATASETS["linear"].load()
    normalised = build("w*x + b", data.standardized())
    s = data.standardization or data.standardized().standardization
    xs = np.array([8.0, 10.0, 12.0])
    out = normalised.predict([[2.0, 19.0], [0.0, 1.0]], xs)
    assert out.shape == (2, 3)
    assert np.allclose(out[0], 2.0 * (xs - s.mean) / s.scale + 19.0)
    assert np.allclose(out[1], 1.0)
    assert np.allclose(normalised.raw_x, data.x)


def test_the_title_and_formulas_name_the_model_not_a_sum_of_rows():
    objective = linear()
    assert objective.title.startswith("w*x + b")
    assert "linear (40 rows)" in objective.title
    gw, gb = objective.gradient_texts()
    assert gw.startswith("mean(") and "x" in gw and "y" in gw
    assert len(gw) < 60 and len(gb) < 60
    assert "x' = (x − 10)" in build("w*x + b", DATASETS["linear"].load().standardized()).title


@pytest.mark.parametrize(
    ("text", "loss", "data", "axes"),
    [
        ("w2*tanh(w1*x)", "mse", DATA, ("w1", "w2")),
        ("tanh(w*x) + b", "mse", DATA, None),  # ∂z/∂b = 1: a number for every row
        ("sigmoid(w*x + b)", "logistic", LABELS, None),
        ("w*x + b", "logistic", LABELS, None),  # ∂²z = 0 everywhere
    ],
)
def test_the_row_sums_at_one_point_are_the_batch_sums(text, loss, data, axes):
    """The fast path's per-point floats (dot products) against the array path's sums."""
    objective = build(text, data, loss, axes)
    assert not objective.moment_path
    rows, args = objective.rows, tuple(objective.values.values())
    for a, b in POINTS:
        scalar = rows.scalar_with_hessian(a, b, *args)
        with np.errstate(all="ignore"):
            batch = [*rows.value_and_gradient_function(a, b, *args)]
            batch += rows.hessian_function(a, b, *args)
        assert np.allclose(scalar, [float(v) for v in batch], rtol=1e-12, atol=1e-14)
        assert scalar[:3] == pytest.approx(rows.scalar_value_and_gradient(a, b, *args), rel=1e-15)


def test_the_fast_path_and_the_array_path_agree_on_a_row_model(monkeypatch):
    objective = build("w2*tanh(w1*x)", axes=("w1", "w2"))
    choices = ["sgd", "momentum", "adam", OptimizerChoice("newton", {"lr": 0.5})]
    fast = run(objective, choices, [(0.3, -0.4)], 200)
    monkeypatch.setattr(runner_module, "FAST_PATH_MAX_STARTS", 0)
    slow = run(objective, choices, [(0.3, -0.4)], 200)
    for a, b in zip(fast.trajectories, slow.trajectories, strict=True):
        assert a.stop == b.stop and a.status == b.status
        assert np.allclose(a.points, b.points, rtol=1e-10, atol=1e-12)
        assert np.allclose(a.f, b.f, rtol=1e-10)


def test_parameters_are_sliders_and_share_the_compiled_code():
    objective = build("w^L*x + b", axes=("w", "b"), L=2.0)
    assert objective.parameters == ("L",)
    moved = objective.with_values({"L": 3.0})
    assert isinstance(moved, ModelObjective) and moved.derivatives is objective.derivatives
    assert moved.value(1.2, 0.1) == pytest.approx(np.mean((1.2**3 * X + 0.1 - Y) ** 2))
