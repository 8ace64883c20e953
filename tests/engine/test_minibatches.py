"""Minibatches: every row once per epoch, reproducible from the seed, and the full batch
exactly today's deterministic path, to the last bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradient_studio.engine import OptimizerChoice, run
from gradient_studio.engine.data import DATASETS, Dataset
from gradient_studio.engine.minibatches import Minibatches
from gradient_studio.engine.models import Model, ModelObjective

CHOICES = [
    OptimizerChoice("sgd", {"lr": 0.004}),
    OptimizerChoice("momentum", {"lr": 0.002}),
    OptimizerChoice("adam", {"lr": 0.05}),
    OptimizerChoice("newton", {"lr": 0.5}),
]


@given(rows=st.integers(1, 300), size=st.integers(1, 300), seed=st.integers(0, 2**63 - 1))
def test_every_row_once_per_epoch_in_order_last_batch_shorter(rows, size, seed):
    size = min(size, rows)
    batches = Minibatches(rows, size, seed)
    per_epoch = -(-rows // size)
    assert batches.per_epoch == per_epoch
    for epoch in range(2):
        seen = [batches.rows_at(epoch * per_epoch + i) for i in range(per_epoch)]
        if size == rows:
            assert all(s is None for s in seen)
            continue
        assert all(np.array_equal(s, np.sort(s)) for s in seen)  # in the data's order
        assert [len(s) for s in seen[:-1]] == [size] * (per_epoch - 1)
        assert 1 <= len(seen[-1]) <= size
        assert np.array_equal(np.sort(np.concatenate(seen)), np.arange(rows))


def test_the_same_seed_draws_the_same_batches_and_another_does_not():
    a, b, c = Minibatches(100, 10, 3), Minibatches(100, 10, 3), Minibatches(100, 10, 4)
    assert all(np.array_equal(a.rows_at(k), b.rows_at(k)) for k in range(25))
    assert not all(np.array_equal(a.rows_at(k), c.rows_at(k)) for k in range(25))
    assert not np.array_equal(a.rows_at(0), a.rows_at(10))  # epoch 1 is a new permutation


def test_the_draws_are_pinned_so_a_seed_repeats_anywhere():
    """PCG64's raw stream and a stable sort: the same on every numpy. A change here makes
    exported runs unrepeatable: change the format's version with it."""
    batches = Minibatches(10, 3, 0)
    drawn = [batches.rows_at(k).tolist() for k in range(8)]
    assert drawn == [[1, 2, 3], [0, 6, 8], [4, 5, 7], [9], [4, 5, 7], [1, 8, 9], [0, 2, 6], [3]]


@pytest.mark.parametrize(
    ("rows", "size", "seed", "message"),
    [(10, 0, 0, "from 1 to the 10 rows"), (10, 11, 0, "from 1 to the 10 rows"),
     (0, 1, 0, "at least one row"), (10, 2, -1, "seed")],
)  # fmt: skip
def test_bad_batches_are_refused_with_a_sentence(rows, size, seed, message):
    with pytest.raises(ValueError, match=message):
        Minibatches(rows, size, seed)


def _objective(text: str, dataset: str, loss: str = "mse", axes=None) -> ModelObjective:
    return ModelObjective.build(Model.parse(text, loss, axes), DATASETS[dataset].load())


@pytest.mark.parametrize(
    ("text", "dataset", "loss", "axes"),
    [("w*x + b", "linear", "mse", None), ("w2*tanh(w1*x)", "tanh-unit", "mse", ("w1", "w2")),
     ("sigmoid(w*x + b)", "separable-plus-one", "logistic", None)],
)  # fmt: skip
def test_a_batch_of_every_row_is_the_full_batch_bit_for_bit(text, dataset, loss, axes):
    objective = _objective(text, dataset, loss, axes)
    rows = objective.data.rows
    full = run(objective, CHOICES, [(0.4, -0.3), (1.0, 0.5)], 150)
    batched = run(
        objective.with_batches(Minibatches(rows, rows, 9)), CHOICES, [(0.4, -0.3), (1.0, 0.5)], 150
    )
    for a, b in zip(full.trajectories, batched.trajectories, strict=True):
        assert np.array_equal(a.points, b.points)
        assert np.array_equal(a.f, b.f)
        assert np.array_equal(a.grad_norm, b.grad_norm)
        assert a.status == b.status


def test_a_stochastic_run_repeats_from_its_seed_and_differs_with_another():
    objective = _objective("w*x + b", "linear")

    def race(seed: int):
        return run(objective.with_batches(Minibatches(40, 4, seed)), CHOICES, [(1.0, 1.0)], 120)

    a, b, c = race(5), race(5), race(6)
    for x, y, z in zip(a.trajectories, b.trajectories, c.trajectories, strict=True):
        assert np.array_equal(x.points, y.points)
        assert not np.array_equal(x.points, z.points)


def test_a_stochastic_step_uses_its_batchs_gradient_and_records_the_full_loss():
    objective = _objective("w*x + b", "linear")
    batches = Minibatches(40, 5, 1)
    (t,) = run(objective.with_batches(batches), [CHOICES[0]], [(1.0, 1.0)], 30).trajectories
    data = objective.data
    for k in range(30):
        rows = batches.rows_at(k)
        w, b = t.points[k]
        r = w * data.x[rows] + b - data.y[rows]
        gradient = np.array([np.mean(2 * r * data.x[rows]), np.mean(2 * r)])
        assert np.allclose(t.points[k + 1], t.points[k] - 0.004 * gradient, rtol=1e-13)
        assert t.f[k] == pytest.approx(objective.value(w, b), rel=1e-13)  # the full loss
        assert t.grad_norm[k] == pytest.approx(np.hypot(*gradient), rel=1e-12)


def test_newton_on_a_minibatch_uses_the_batchs_hessian():
    objective = _objective("w*x + b", "linear")
    batches = Minibatches(40, 8, 2)
    newton = OptimizerChoice("newton", {"lr": 1.0, "damping": 1e-8})
    (t,) = run(objective.with_batches(batches), [newton], [(1.0, 1.0)], 1).trajectories
    x, y = objective.data.x[batches.rows_at(0)], objective.data.y[batches.rows_at(0)]
    best = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    assert np.abs(t.points[1] - best).max() < 1e-5  # the batch's own least squares


def test_a_stochastic_run_never_says_converged():
    """One row's gradient can vanish by chance: a noisy run ends by its steps or diverging."""
    data = Dataset("exact", [1.0, 2.0, 3.0], [2.0, 4.0, 6.0])  # y = 2x exactly
    objective = ModelObjective.build(Model.parse("w*x + b"), data)
    (t,) = run(
        objective.with_batches(Minibatches(3, 1, 0)), [CHOICES[0]], [(2.0, 0.0)], 20
    ).trajectories
    assert t.status == "max-steps" and t.stop == 20
    (t,) = run(objective, [CHOICES[0]], [(2.0, 0.0)], 20).trajectories
    assert t.status == "converged" and t.stop == 0  # the full batch's gradient is 0 there


@pytest.mark.parametrize(
    ("text", "dataset", "loss", "axes"),
    [("w*x + b", "linear", "mse", None), ("w2*tanh(w1*x)", "tanh-unit", "mse", ("w1", "w2")),
     ("sigmoid(w*x + b)", "separable-plus-one", "logistic", None)],
)  # fmt: skip
def test_the_fast_path_draws_the_same_batches_as_the_numpy_path(
    text, dataset, loss, axes, monkeypatch
):
    from gradient_studio.engine import runner as runner_module

    objective = _objective(text, dataset, loss, axes)
    stochastic = objective.with_batches(Minibatches(objective.data.rows, 5, 8))
    fast = run(stochastic, CHOICES, [(0.4, -0.3)], 80)
    assert stochastic.derivatives.scalar_runs  # the straight-line loops did the work
    monkeypatch.setattr(runner_module, "FAST_PATH_MAX_STARTS", 0)
    slow = run(stochastic, CHOICES, [(0.4, -0.3)], 80)
    for a, b in zip(fast.trajectories, slow.trajectories, strict=True):
        assert a.stop == b.stop == 80 and a.status == b.status == "max-steps"
        assert np.allclose(a.points, b.points, rtol=1e-9, atol=1e-12)
        assert np.allclose(a.f, b.f, rtol=1e-9)


def test_a_slider_drag_keeps_the_stochastic_fast_loops():
    objective = _objective("w^L*x + b", "deep-chain", "mse", ("w", "b")).with_values({"L": 2.0})
    batches = Minibatches(30, 4, 0)
    first = objective.with_batches(batches)
    moved = first.with_values({"L": 3.0})
    assert moved.derivatives is first.derivatives  # the same compiled loops
    assert moved.with_batches(Minibatches(30, 4, 1)).derivatives is not first.derivatives
