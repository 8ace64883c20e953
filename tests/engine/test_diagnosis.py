"""Vanishing and exploding gradients, and local minima, told apart in the run's notes."""

import pytest

from gradient_studio.engine import Objective, OptimizerChoice, Race, run
from gradient_studio.engine.diagnosis import compare

PLATEAU = Objective.from_text("tanh(x)^2 + y^2/10")  # flat far out along x, a bowl in y


def notes(result):
    return {t.optimizer: t.notes for t in result.trajectories}


def test_a_run_stalled_on_a_tanh_plateau_is_told_so_when_another_run_got_lower():
    result = run(
        PLATEAU,
        [OptimizerChoice("sgd", {"lr": 0.1}), OptimizerChoice("adam", {"lr": 0.1})],
        (4.0, 1.0),
        300,
    )
    sgd, adam = result.trajectories
    assert sgd.status == "max-steps" and adam.f[-1] < 1e-9
    (note,) = sgd.notes
    assert note.startswith("stalled on a plateau: ‖∇f‖ = 0.00323 at step 300 while f = 0.998")
    assert "far above the best value seen" in note and "try a larger learning rate" in note
    assert adam.notes == ()


def test_the_known_minimum_is_enough_to_tell_a_plateau():
    result = run(PLATEAU, [OptimizerChoice("sgd", {"lr": 0.1})], (4.0, 1.0), 300)
    assert notes(result)["sgd"] == ()  # alone, it has nothing to compare with
    compare(result, 0.0, [(0.0, 0.0)])
    assert notes(result)["sgd"][0].startswith("stalled on a plateau")
    assert "far above the function's minimum, 0 " in notes(result)["sgd"][0]
    compare(result, 0.0, [(0.0, 0.0)])  # again: the note is replaced, not repeated
    assert len(notes(result)["sgd"]) == 1


def test_a_run_in_a_local_minimum_is_not_on_a_plateau():
    result = Race.create(preset="rastrigin", optimizers=[OptimizerChoice("sgd")]).run()
    (note,) = result.trajectory(0, 0).notes
    assert note.startswith("stopped in a local minimum: f = 8.95")
    assert "above the function's minimum, 0" in note and "another start" in note


def test_an_exploding_quadratic_suggests_a_smaller_rate_or_clipping():
    t = run(Objective.from_text("x^2 + 3y^2"), [OptimizerChoice("sgd", {"lr": 1.5})], (1, 1), 300)
    (note,) = t.trajectory(0, 0).notes
    assert note == "gradient exploded at step 9: try a smaller learning rate or clip the gradient"


@pytest.mark.parametrize(
    "preset", ["rosenbrock", "booth", "matyas", "ill-conditioned", "himmelblau", "beale"]
)
def test_ordinary_races_are_not_called_stalled(preset):
    names = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adadelta", "newton"]
    result = Race.create(preset=preset, optimizers=[OptimizerChoice(n) for n in names]).run()
    for t in result.trajectories:
        assert not any(n.startswith(("stalled", "stopped in")) for n in t.notes), (
            t.optimizer,
            t.notes,
        )


def test_a_slow_run_down_a_stretched_bowl_is_not_stalled():
    # gradient descent creeping along the shallow axis of a 1:100 bowl, far from done
    obj = Objective.from_text("x^2/100 + y^2")
    result = run(
        obj,
        [OptimizerChoice("sgd", {"lr": 0.01}), OptimizerChoice("adam", {"lr": 0.5})],
        (10.0, 1.0),
        200,
    )
    assert result.trajectory(0, 0).f[-1] > 0.5 and result.trajectory(1, 0).f[-1] < 0.01
    assert notes(result)["sgd"] == ()


def test_a_function_without_a_minimum_is_not_compared():
    result = Race.create(
        preset="monkey-saddle",
        optimizers=[OptimizerChoice("sgd"), OptimizerChoice("adagrad"), OptimizerChoice("rprop")],
    ).run()
    for t in result.trajectories:
        assert not any(n.startswith("stalled") for n in t.notes)
