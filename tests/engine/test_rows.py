"""Runs with hyperparameters of their own in one batch, and what names a run."""

import numpy as np
import pytest

from gradient_studio.engine import (
    OPTIMIZERS,
    Clipping,
    Objective,
    OptimizerChoice,
    Schedule,
    Training,
    run,
)
from gradient_studio.engine.rows import Rows, plan

ROSENBROCK = Objective.from_text("(1 - x)^2 + 100(y - x^2)^2")
TRAININGS = [Training(), Training(Schedule("cosine"), Clipping("norm", 1.0))]


@pytest.mark.parametrize("training", TRAININGS, ids=["plain", "cosine+clip"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_batch_of_learning_rates_is_the_runs_one_by_one(name, training, path):
    lr0 = OPTIMIZERS[name].defaults["lr"]
    lrs = [lr0, lr0 * 3, lr0 / 2]
    batch = run(
        ROSENBROCK,
        [OptimizerChoice(name, per_row={"lr": lrs})],
        [(-1.5, 2.0)] * 3,
        40,
        training=training,
    )
    for j, lr in enumerate(lrs):
        alone = run(
            ROSENBROCK, [OptimizerChoice(name, {"lr": lr})], [(-1.5, 2.0)], 40, training=training
        ).trajectory(0, 0)
        t = batch.trajectory(0, j)
        np.testing.assert_array_equal(t.points, alone.points)
        np.testing.assert_array_equal(t.lr, alone.lr)
        assert t.status == alone.status
        assert t.hyperparameters["lr"] == lr
        assert f"lr={lr:g}" in t.label


def test_any_hyperparameter_per_row(path):
    momenta = [0.0, 0.5, 0.9, 0.99]
    choice = OptimizerChoice("momentum", {"lr": 1e-3}, per_row={"momentum": momenta})
    batch = run(ROSENBROCK, [choice], [(-1.0, 1.0), (0.5, 0.5), (1.5, 2.0), (-1.0, 1.0)], 30)
    for j, mu in enumerate(momenta):
        start = tuple(batch.starts[j])
        alone = run(
            ROSENBROCK, [OptimizerChoice("momentum", {"lr": 1e-3, "momentum": mu})], [start], 30
        ).trajectory(0, 0)
        np.testing.assert_array_equal(batch.trajectory(0, j).points, alone.points)


def test_two_adam_runs_are_two_runs():
    result = run(
        ROSENBROCK,
        [OptimizerChoice("adam", {"lr": 0.1}), OptimizerChoice("adam", {"lr": 0.01})],
        [(-1.5, 2.0)],
        5,
    )
    a, b = result.trajectories
    assert a.optimizer == b.optimizer == "adam"  # the name, for styling
    assert a.key != b.key and len({a.key, b.key}) == 2
    assert a.key.hyperparameters != b.key.hyperparameters
    assert "lr=0.1" in str(a.key) and "(-1.5, 2)" in str(a.key)
    same_start_again = run(ROSENBROCK, [OptimizerChoice("adam", {"lr": 0.1})], [(-1.5, 2.0)], 9)
    assert same_start_again.trajectories[0].key == a.key  # named by what it is


def test_per_row_values_are_checked():
    with pytest.raises(ValueError, match="between"):
        OptimizerChoice("momentum", per_row={"momentum": [0.5, 1.5]})
    with pytest.raises(KeyError, match="no hyperparameter"):
        OptimizerChoice("sgd", per_row={"beta1": [0.5]})
    with pytest.raises(ValueError, match="3 values for 2 runs"):
        Rows.of(OPTIMIZERS["sgd"], {"lr": [0.1, 0.2, 0.3]}, 2)
    with pytest.raises(ValueError, match="3 values for 2 runs"):
        run(
            ROSENBROCK,
            [OptimizerChoice("sgd", per_row={"lr": [0.1, 0.2, 0.3]})],
            [(0, 0), (1, 1)],
            3,
        )


def test_powers_are_cut_out_of_the_per_step_text():
    adam = plan(OPTIMIZERS["adam"])
    assert [(p.text, p.reads) for p in adam.powers] == [
        ("beta1 ** t", ("beta1",)),
        ("(1 - beta2 ** t) ** 0.5", ("beta2",)),
    ]
    assert adam.lines[0] == "step_size = lr / (1 - _pw0)"
    radam = plan(OPTIMIZERS["radam"])
    assert ("(rect_num / rect_den) ** 0.5", ("beta2",)) in [(p.text, p.reads) for p in radam.powers]
    assert plan(OPTIMIZERS["sgd"]).powers == ()
