"""Race: the plain description of a run, with defaults filled in and a JSON round trip."""

import json

import numpy as np
import pytest

from gradient_studio.engine import (
    PRESETS,
    Clipping,
    ExpressionError,
    GradientNoise,
    OptimizerChoice,
    Race,
    Schedule,
    Training,
)


def test_preset_fills_in_function_view_start_and_learning_rates():
    race = Race.create(
        preset="rosenbrock", optimizers=[OptimizerChoice("sgd"), OptimizerChoice("adam")]
    )
    p = PRESETS["rosenbrock"]
    assert race.function == p.text
    assert race.starts == (p.start,)
    assert (race.xrange, race.yrange, race.steps) == (p.xrange, p.yrange, p.steps)
    assert [c.resolved["lr"] for c in race.optimizers] == [p.gd_lr, p.step_lr]
    assert dict(race.parameters) == {"a": 1.0, "b": 100.0}


def test_explicit_values_beat_the_shared_lr_which_beats_the_preset():
    race = Race.create(
        preset="booth",
        optimizers=[OptimizerChoice("sgd", {"lr": 0.2}), OptimizerChoice("adam")],
        lr=0.01,
    )
    assert [c.resolved["lr"] for c in race.optimizers] == [0.2, 0.01]


def test_defaults_without_a_preset():
    race = Race.create(function="x^2 + y^2")
    assert race.starts == ((-1.5, 1.5),)
    assert race.steps == 200
    assert [c.name for c in race.optimizers] == ["sgd"]
    assert race.optimizers[0].resolved["lr"] == 1e-3


def test_round_trip_through_json_reproduces_the_numbers():
    race = Race.create(
        function="a x^2 + sin(3y)",
        parameters={"a": 2.5},
        optimizers=[OptimizerChoice("adam", {"lr": 0.05, "beta1": 0.8}), OptimizerChoice("rprop")],
        starts=[(1.0, -1.0), (0.5, 0.5)],
        steps=120,
        xrange=(-3, 3),
        yrange=(-2, 2),
    )
    again = Race.from_dict(json.loads(json.dumps(race.to_dict())))
    a, b = race.run(), again.run()
    for x, y in zip(a.batches, b.batches, strict=True):
        np.testing.assert_array_equal(x.points, y.points)
    assert again.to_dict() == race.to_dict()


def test_bad_inputs_are_named():
    with pytest.raises(ExpressionError):
        Race.create(function="sin(")
    with pytest.raises(KeyError, match="unknown preset 'rosenbrok'"):
        Race.create(preset="rosenbrok")
    with pytest.raises(ValueError, match="x range"):
        Race.create(function="x", xrange=(1, -1))
    with pytest.raises(ValueError, match="steps"):
        Race.create(function="x", steps=0)


def test_the_default_start_is_well_inside_the_default_view():
    race = Race.create(function="x^3 + y^2")
    (x, y), (x0, x1), (y0, y1) = race.starts[0], race.xrange, race.yrange
    margin = 0.1
    assert x0 + margin * (x1 - x0) <= x <= x1 - margin * (x1 - x0)
    assert y0 + margin * (y1 - y0) <= y <= y1 - margin * (y1 - y0)


def test_training_round_trips_and_repeats_the_noisy_run_exactly():
    race = Race.create(
        preset="rosenbrock",
        optimizers=[OptimizerChoice("sgd"), OptimizerChoice("adam")],
        starts=[(-1.5, 2.0), (0.5, 0.5)],
        steps=150,
        training=Training(
            Schedule("cosine"), Clipping("norm", 5.0), GradientNoise(0.2, 0.5, seed=17)
        ),
    )
    data = json.loads(json.dumps(race.to_dict()))
    assert data["training"] == {
        "schedule": {"name": "cosine", "T_max": 150, "eta_min": 0.0},
        "clip": {"norm": 5.0},
        "noise": {"eta": 0.2, "gamma": 0.5, "seed": 17},
    }
    again = Race.from_dict(data)
    assert again.training.to_dict(150) == race.training.to_dict(150)
    for x, y in zip(race.run().batches, again.run().batches, strict=True):
        np.testing.assert_array_equal(x.points, y.points)
        np.testing.assert_array_equal(x.lr, y.lr)
    plain = Race.from_dict({k: v for k, v in data.items() if k != "training"})
    assert plain.training == Training()


def test_a_one_cycle_shorter_than_the_race_is_refused():
    with pytest.raises(ValueError, match="total_steps must be at least the run's 100 steps"):
        Race.create(
            function="x^2", steps=100, training=Training(Schedule("onecycle", {"total_steps": 50}))
        )
