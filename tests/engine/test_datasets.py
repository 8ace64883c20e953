"""The built-in datasets teach what their lessons say: every figure in a lesson is computed
here again from the data with numpy (closed forms, least squares, eigenvalues, Newton's
method written out), never taken from the dataset module."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.typing import ArrayLike, NDArray

from gradient_studio.engine.data import DATASETS

Array = NDArray[np.float64]


def _data(name: str) -> tuple[Array, Array]:
    d = DATASETS[name].load()
    return d.x, d.y


def _mse_hessian_of_line(x: Array) -> Array:
    """The Hessian of mean((w x + b - y)²) in (w, b): 2·[[mean x², mean x], [mean x, 1]]."""
    return 2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])


def _logistic(x: Array, y: Array, w: float, b: float) -> float:
    z = w * x + b
    return float(np.mean(np.logaddexp(0.0, z) - y * z))  # softplus(z) - y z, stably


def _tanh_unit_loss(x: Array, y: Array, w1: ArrayLike, w2: ArrayLike) -> Array:
    a, b = np.asarray(w1)[..., None], np.asarray(w2)[..., None]
    return np.asarray(np.mean((b * np.tanh(a * x) - y) ** 2, axis=-1))


def test_the_datasets_in_the_order_the_list_shows_them() -> None:
    assert list(DATASETS) == [
        "linear",
        "separable",
        "separable-plus-one",
        "tanh-unit",
        "two-layer",
        "deep-chain",
    ]
    for name, spec in DATASETS.items():
        d = spec.load()
        assert spec.name == name == d.name and d.is_built_in and d.lines is None
        assert 20 <= len(d) == spec.rows <= 200
        assert spec.description and "\n" not in spec.description and len(spec.description) < 90
        assert len(spec.lesson) > 200 and spec.loss in ("mse", "logistic") and spec.model
        assert spec.load() is d  # built once


# Repeating an exported run needs the same data on every machine and numpy version: these
# are the checksums the data had when made. Change a dataset on purpose and update them;
# the JSON of runs made before will then (rightly) no longer match it.
CHECKSUMS = {
    "linear": "sha256:63f2e0f34fe5487febf2498c1d69a64bca99540ec368339bdc9607eac28f72a6",
    "separable": "sha256:a22343d8421788cef466188038d518c634dd6c2e6f1b6e2edbf94bcb7afc71c7",
    "separable-plus-one": "sha256:35632a3680558adcdf34052b418ddf10e74b7f7a216b2d5f8885dbf722304772",
    "tanh-unit": "sha256:e5efe017a7aac05246c31842c9d8f3aaabdba9a1777b33390fa992fde63c6001",
    "two-layer": "sha256:339cd11558afce689353cfa04b3aaf821a993ce4cf5ba09e3c17fd3bb4eb4a0e",
    "deep-chain": "sha256:119b9fbc3e91948f07794321c3e1ca369772a33d767b29613e351d0545d5bca8",
}


@pytest.mark.parametrize("name", list(CHECKSUMS))
def test_every_built_in_dataset_is_the_same_everywhere(name: str) -> None:
    assert DATASETS[name].load().checksum == CHECKSUMS[name]


def test_logistic_datasets_hold_labels_and_the_others_do_not() -> None:
    for spec in DATASETS.values():
        d = spec.load()
        if spec.loss == "logistic":
            d.check_labels()
        else:
            with pytest.raises(ValueError, match=r"^row \d+, column 2 \(y\): .* is not a label"):
                d.check_labels()


def test_a_built_in_dataset_reads_back_from_its_csv() -> None:
    from gradient_studio.engine.data import parse_csv

    for spec in DATASETS.values():
        d = spec.load()
        assert parse_csv(d.to_csv()).checksum == d.checksum


# -- 1. linear regression on raw inputs ----------------------------------------------------------


def test_linear_raw_is_ill_conditioned_as_its_lesson_says() -> None:
    x = DATASETS["linear"].load().x
    lesson = DATASETS["linear"].lesson
    assert x.min() == 8 and x.max() == 12
    h = _mse_hessian_of_line(x)
    assert np.array_equal(h / 2, [[102, 10], [10, 1]]) and "[[102, 10], [10, 1]]" in lesson
    low, high = np.linalg.eigvalsh(h)
    kappa = high / low
    assert 1000 < kappa < 10_000
    assert f"κ ≈ {round(kappa, -2):,.0f}" in lesson  # κ ≈ 5,300
    assert f"2/L ≈ {2 / high:.2g}" in lesson  # 0.0097
    mean, std = np.mean(x), np.std(x)
    assert f"x' = (x − {mean:.4g}) / {std:.4g}" in lesson


def test_linear_normalised_is_a_round_bowl() -> None:
    d = DATASETS["linear"].load().standardized()
    low, high = np.linalg.eigvalsh(_mse_hessian_of_line(d.x))
    assert high / low == pytest.approx(1.0, abs=1e-9)
    assert np.allclose(_mse_hessian_of_line(d.x), 2 * np.eye(2), atol=1e-12)


def test_linear_minimum_matches_least_squares_and_one_normalised_step_reaches_it() -> None:
    x, y = _data("linear")
    (w, b), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
    assert f"w = {w:.2f}, b = {b:.2f}" in DATASETS["linear"].lesson
    d = DATASETS["linear"].load().standardized()
    (ws, bs), *_ = np.linalg.lstsq(np.column_stack([d.x, np.ones_like(d.x)]), d.y, rcond=None)
    p = np.array([-3.0, 7.0])  # any start
    residual = p[0] * d.x + p[1] - d.y
    gradient = 2 * np.array([np.mean(residual * d.x), np.mean(residual)])
    assert np.allclose(p - 0.5 * gradient, [ws, bs], atol=1e-12)
    assert "one step of 0.5 lands on the minimum" in DATASETS["linear"].lesson


# -- 2. logistic regression ---------------------------------------------------------------------


def test_separable_labels_have_no_minimum_the_loss_creeps_to_zero() -> None:
    x, y = _data("separable")
    assert x[y == 0].max() < 0 < x[y == 1].min()
    losses = [_logistic(x, y, w, 0.0) for w in (1, 2, 4, 8, 16, 32, 64)]
    assert all(a > b > 0 for a, b in itertools.pairwise(losses))
    assert losses[-1] < 1e-6


def _newton_logistic(x: Array, y: Array, steps: int = 50) -> tuple[Array, float]:
    p = np.zeros(2)
    g = np.full(2, np.inf)
    for _ in range(steps):
        s = 1 / (1 + np.exp(-(p[0] * x + p[1])))
        g = np.array([np.mean((s - y) * x), np.mean(s - y)])
        v = s * (1 - s)
        h = np.array([[np.mean(v * x * x), np.mean(v * x)], [np.mean(v * x), np.mean(v)]])
        p = p - np.linalg.solve(h, g)
    return p, float(np.abs(g).max())


def test_one_point_on_the_wrong_side_gives_a_finite_minimum() -> None:
    x, y = _data("separable-plus-one")
    sx, sy = _data("separable")
    assert np.array_equal(x[:-1], sx) and np.array_equal(y[:-1], sy)
    assert (x[-1], y[-1]) == (1.0, 0.0)
    p, g = _newton_logistic(x, y)
    assert g < 1e-12 and np.abs(p).max() < 10
    assert f"(w, b) ≈ ({p[0]:.1f}, {p[1]:.1f})".replace("-", "−") in (
        DATASETS["separable-plus-one"].lesson
    )
    # and the loss grows again far out along the slope that helped before
    assert _logistic(x, y, 64, 0) > _logistic(x, y, p[0], p[1]) + 1


# -- 3. one tanh unit -----------------------------------------------------------------------


def test_tanh_unit_has_a_saddle_at_the_origin_and_mirror_minima() -> None:
    x, y = _data("tanh-unit")
    # At the origin the gradient is 0 and the Hessian is [[0, -2 mean(xy)], [-2 mean(xy), 0]]
    # (worked by hand from the loss): one curvature up, one down.
    h = np.array([[0.0, -2 * np.mean(x * y)], [-2 * np.mean(x * y), 0.0]])
    e = 1e-4

    def f(a: float, b: float) -> float:
        return float(_tanh_unit_loss(x, y, a, b))

    numeric = np.array(
        [
            [
                (f(e, 0) - 2 * f(0, 0) + f(-e, 0)) / e**2,
                (f(e, e) - f(e, -e) - f(-e, e) + f(-e, -e)) / (4 * e * e),
            ],
            [0.0, (f(0, e) - 2 * f(0, 0) + f(0, -e)) / e**2],
        ]
    )
    numeric[1, 0] = numeric[0, 1]
    assert np.allclose(numeric, h, atol=1e-5)
    low, high = np.linalg.eigvalsh(h)
    assert low < 0 < high
    # two minima, mirror images: the same loss at (w1, w2) and (-w1, -w2)
    w1, w2 = np.meshgrid(np.linspace(-4, 4, 241), np.linspace(-4, 4, 241))
    loss = _tanh_unit_loss(x, y, w1, w2)
    assert np.allclose(loss, loss[::-1, ::-1], rtol=1e-13, atol=0)
    i = np.unravel_index(np.argmin(np.where(w1 > 0, loss, np.inf)), loss.shape)
    best = (abs(w1[i]), abs(w2[i]))
    assert best == pytest.approx((1.3, 2.0), abs=0.06)
    assert loss[i] < 0.1 * f(0, 0)
    assert "(1.3, 2) and (−1.3, −2)" in DATASETS["tanh-unit"].lesson


def test_tanh_unit_saturates_into_a_plateau_far_along_w1() -> None:
    x, y = _data("tanh-unit")

    def slope_along_w1(w1: float) -> float:
        e = 1e-6
        return float(_tanh_unit_loss(x, y, w1 + e, 2.0) - _tanh_unit_loss(x, y, w1 - e, 2.0)) / (
            2 * e
        )

    assert abs(slope_along_w1(8.0)) < 0.02 * abs(slope_along_w1(0.5))


# -- 4. two-layer linear network --------------------------------------------------------------


def test_two_layer_minima_lie_along_w1_w2_equals_the_least_squares_slope() -> None:
    x, y = _data("two-layer")
    (c,), *_ = np.linalg.lstsq(x[:, None], y, rcond=None)
    assert f"w1·w2 = {c:.2f}" in DATASETS["two-layer"].lesson

    def loss(w1: float, w2: float) -> float:
        return float(np.mean((w2 * w1 * x - y) ** 2))

    on_valley = [loss(a, c / a) for a in (0.5, 1.0, 2.0, 4.0)]
    assert np.ptp(on_valley) < 1e-12 and all(v < loss(1.0, c * 1.1) for v in on_valley)
    # sharpness at a minimum: the Hessian 2 mean(x²) [[w2², w1 w2], [w1 w2, w1²]] there has
    # largest eigenvalue 2 mean(x²)(w1² + w2²): least where w1 = w2
    sharp = [
        np.linalg.eigvalsh(2 * np.mean(x * x) * np.array([[b * b, a * b], [a * b, a * a]]))[-1]
        for a, b in ((np.sqrt(c), np.sqrt(c)), (2.0, c / 2), (4.0, c / 4))
    ]
    assert sharp[0] < sharp[1] < sharp[2]


# -- 5. the deep chain ------------------------------------------------------------------------


def test_deep_chain_minimum_stays_near_w_1_for_every_depth() -> None:
    x, y = _data("deep-chain")
    (slope, b), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)
    assert slope == pytest.approx(1.0, abs=0.05) and b == pytest.approx(0.5, abs=0.1)
    for depth in (1, 3, 10):
        assert abs(slope) ** (1 / depth) == pytest.approx(1.0, abs=0.02)
    # the gradient along w at w = 1.1, b = 0.5 grows with depth like L w^(L-1)
    grads = []
    for depth in (1, 5, 10):
        residual = 1.1**depth * x + 0.5 - y
        grads.append(abs(np.mean(2 * residual * depth * 1.1 ** (depth - 1) * x)))
    assert grads[0] < grads[1] < grads[2] and grads[2] > 10 * grads[0]
