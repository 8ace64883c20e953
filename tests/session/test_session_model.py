"""The session model: what a first launch shows, each change a person makes, what every
change refuses, and what a session makes (the engine's Race, the exporters' PictureStyle)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradient_studio.engine import OPTIMIZERS, PRESETS, OptimizerChoice, Race
from gradient_studio.engine.schedules import Schedule
from gradient_studio.engine.transforms import Clipping, Training
from gradient_studio.session import Look, Session, SessionError, limits
from gradient_studio.session.model import preset_matching

# The window's own session (ui/session.py) is what this model replaces: until the window
# moves over, its behaviour is the reference for presets and functions.
from gradient_studio.ui.session import Session as WindowSession


def test_a_first_launch_is_the_telling_rosenbrock_race():
    s = Session.default()
    assert s.function == PRESETS["rosenbrock"].text and s.preset == "rosenbrock"
    assert s.values == {"a": 1.0, "b": 100.0}
    assert s.ticked == ("sgd", "momentum", "adam")
    assert s.start == (-1.5, 2.0) and s.steps == 500
    assert s.view.x == (-2.0, 2.0) and s.view.y == (-1.0, 3.0) and s.home == s.view
    assert s.optimizer("sgd").values == {"lr": 1e-3}
    assert s.optimizer("adam").values["lr"] == 0.05
    assert s.optimizer("adadelta").values["lr"] == 1.0  # sizes its own steps: its default
    assert s.playback.step is None and s.known_preset is PRESETS["rosenbrock"]
    assert not s.exercise


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_a_preset_sets_what_the_window_sets_today(name):
    old = WindowSession.from_preset("rosenbrock")
    old.apply_preset(name)
    new = Session.default().with_preset(name)
    assert new.function == old.text and new.preset == old.preset
    assert new.parameter_names == old.parameters and new.values == old.values
    assert new.start == old.start and new.steps == old.steps
    assert (new.view.x, new.view.y) == old.view and (new.home.x, new.home.y) == old.home
    assert {o.name: o.values for o in new.optimizers} == old.hyper
    assert new.ticked == tuple(old.selected)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_a_presets_parameters_are_in_the_order_its_function_names_them(name):
    from gradient_studio.engine.expression import parse_expression

    s = Session.from_preset(name)
    assert s.parameter_names == parse_expression(s.function).parameters


def test_a_function_keeps_values_by_name_and_finds_its_preset():
    s = Session.default().with_parameter("b", 20.0)
    s = s.with_function("a x^2 + c y^2")
    assert s.parameter_names == ("a", "c") and s.values == {"a": 1.0, "c": 1.0}
    assert s.parameter("b").value == 20.0  # remembered for when it comes back
    assert s.preset is None
    s = s.with_function("(a - x)^2 + b*(y - x^2)^2")
    assert s.values == {"a": 1.0, "b": 20.0} and s.preset == "rosenbrock"
    assert s.known_preset is None  # b is not the preset's 100
    assert s.with_parameter("b", 100.0).known_preset is PRESETS["rosenbrock"]
    assert s.title == "Rosenbrock"
    window = WindowSession.from_preset()
    window.set_value("b", 20.0)
    window.set_function("a x^2 + c y^2", ("a", "c"))
    window.set_function("(a - x)^2 + b*(y - x^2)^2", ("a", "b"))
    assert window.values == s.values


def test_preset_matching_ignores_spaces():
    assert preset_matching("x^2-y^2") == "saddle"
    assert preset_matching("x^2 - y^3") is None


def test_the_oldest_unused_values_go_past_the_limit(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PARAMETERS", 3)
    s = Session.from_function("p1 + p2 + x", ("p1", "p2"))
    s = s.with_function("p3 + x", ("p3",)).with_function("p4 + x", ("p4",))
    assert [p.name for p in s.parameters] == ["p2", "p3", "p4"]


def test_a_value_beyond_its_slider_widens_it_as_the_slider_does():
    s = Session.from_function("a x^2 + y^2", ("a",))
    assert (s.parameter("a").low, s.parameter("a").high) == (-5.0, 5.0)
    s = s.with_parameter("a", 100.0)
    assert (s.parameter("a").low, s.parameter("a").high) == (-5.0, 200.0)
    s = s.with_parameter("a", -30.0)
    assert (s.parameter("a").low, s.parameter("a").high) == (-60.0, 200.0)
    s = s.with_parameter_bounds("a", 0.0, 1.0)
    assert s.parameter("a").value == 0.0  # moved inside, as the slider's value is
    big = s.with_parameter("a", 9e99)
    assert big.parameter("a").high == limits.MAX_VALUE and big.values["a"] == 9e99


@given(st.floats(-limits.MAX_VALUE, limits.MAX_VALUE, allow_nan=False))
def test_the_slider_always_holds_its_value(value):
    p = Session.from_function("a x + y", ("a",)).with_parameter("a", value).parameter("a")
    assert p.low <= p.value == value <= p.high and p.low < p.high


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda s: s.with_parameter("a", math.nan), "parameters.a.value", "finite"),
        (lambda s: s.with_parameter("a", 1e101), "parameters.a.value", "outside"),
        (lambda s: s.with_parameter("zz", 1.0), "parameters.zz", "no parameter"),
        (lambda s: s.with_parameter_bounds("a", 2.0, 1.0), "parameters.a.high", "above low"),
        (
            lambda s: s.with_hyperparameter("adam", "lr", 50),
            "optimizers.adam.hyperparameters.lr",
            "50 is outside 1e-05…10",
        ),
        (
            lambda s: s.with_hyperparameter("adam", "momentum", 0.5),
            "optimizers.adam.hyperparameters.momentum",
            "of adam",
        ),
        (lambda s: s.with_hyperparameter("adamm", "lr", 0.1), "optimizers.adamm", "did you mean"),
        (lambda s: s.with_ticked(["sgd", "sgdd"]), "optimizers.sgdd", "unknown optimiser"),
        (lambda s: s.with_start(math.inf, 0), "starts[0]", "finite"),
        (lambda s: s.with_starts([]), "starts", "1 to 10,000"),
        (lambda s: s.with_steps(0), "steps", "from 1 to 1000000"),
        (lambda s: s.with_steps(10.5), "steps", "whole"),
        (lambda s: s.with_view((1, 0), (0, 1)), "view.x", "low to high"),
        (lambda s: s.with_picture(levels=500), "picture.levels", "1 to 100"),
        (lambda s: s.with_picture(colour_map="jet"), "picture.colour_map", "unknown colour map"),
        (lambda s: s.with_playhead(-1), "playback.step", "outside"),
        (lambda s: s.with_playhead(600), "playback.step", "past the last step"),
        (lambda s: s.with_speed(1e6), "playback.speed", "outside 1…1000"),
        (lambda s: s.with_preset("nope"), "function", "unknown preset"),
        (lambda s: s.with_function("x +* y"), "function", "column"),
        (lambda s: s.with_look("adam", Look("blue")), "colour", "#rrggbb"),
        (
            lambda s: s.with_training(Training(Schedule("onecycle", {"total_steps": 10}))),
            "training.schedule",
            "at least the run's",
        ),
    ],
)
def test_each_change_refuses_what_a_session_cannot_hold(change, path, words):
    s = Session.default().with_function("(a - x)^2 + b*(y - x^2)^2", ("a", "b"))
    with pytest.raises(SessionError) as info:
        change(s)
    assert info.value.path == path, str(info.value)
    assert words in str(info.value)


def test_replace_checks_every_field_too():
    s = Session.default()
    with pytest.raises(SessionError, match="steps"):
        dataclasses.replace(s, steps=-1)
    with pytest.raises(SessionError, match="optimizers"):
        dataclasses.replace(s, optimizers=s.optimizers[:3])
    with pytest.raises(SessionError, match=r"parameters\.a"):
        dataclasses.replace(s, parameters=s.parameters[1:])
    with pytest.raises(SessionError, match="preset"):
        dataclasses.replace(s, preset="nope")


def test_a_session_is_a_value():
    s = Session.default()
    assert s == Session.default() and hash(s) == hash(Session.default())
    assert s.with_hyperparameter("adam", "lr", 0.05) == s
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.steps = 3  # type: ignore[misc]


def test_ticks_keep_the_panels_order_and_steps_keep_the_playhead_inside():
    s = Session.default().with_ticked(["rmsprop", "sgd"])
    assert s.ticked == ("sgd", "rmsprop")
    assert s.choices() == (
        ("sgd", (("lr", 1e-3),)),
        ("rmsprop", s.optimizer("rmsprop").hyperparameters),
    )
    s = s.with_playhead(400.5).with_steps(100)
    assert s.playback.step == 100.0
    assert s.with_playhead(None).with_steps(10).playback.step is None


def test_the_race_is_the_engines_race_of_the_ticked_optimisers():
    s = (
        Session.default()
        .with_ticked(["sgd", "adam"])
        .with_hyperparameter("adam", "lr", 0.02)
        .with_starts([(0.5, 0.5), (-1.0, 2.0)])
        .with_steps(50)
        .with_view((-3.0, 3.0), (-2.0, 4.0))
        .with_training(Training(Schedule("cosine"), Clipping("norm", 2.0)))
    )
    expected = Race.create(
        preset="rosenbrock",
        optimizers=[
            OptimizerChoice("sgd", {"lr": 1e-3}),
            OptimizerChoice("adam", {"lr": 0.02, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
        ],
        starts=[(0.5, 0.5), (-1.0, 2.0)],
        steps=50,
        xrange=(-3.0, 3.0),
        yrange=(-2.0, 4.0),
        training=Training(Schedule("cosine"), Clipping("norm", 2.0)),
    )
    assert s.race().to_dict() == expected.to_dict()
    moved = s.with_parameter("b", 10.0).race()
    assert moved.preset is None and moved.parameters["b"] == 10.0  # no Rosenbrock minima


def test_no_race_without_a_ticked_optimiser():
    with pytest.raises(SessionError, match="no optimiser is ticked"):
        Session.default().with_ticked([]).race()


def test_the_picture_style_is_the_view_menus_choices():
    s = Session.default().with_picture(
        colour_map="magma", levels=30, colouring="logarithmic", arrows=True
    )
    style = s.picture_style()
    assert (style.colormap, style.levels, style.log_colour, style.arrows) == (
        "magma",
        30,
        True,
        True,
    )
    assert Session.default().picture_style().log_colour is None


def test_every_optimiser_is_in_a_session_in_the_engines_order():
    assert tuple(o.name for o in Session.default().optimizers) == tuple(OPTIMIZERS)
