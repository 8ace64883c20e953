"""What changed: the views' work, Undo's words, and which changes merge into one step."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from session_strategies import changes, sessions

from gradient_studio.engine.schedules import Schedule
from gradient_studio.engine.transforms import Training
from gradient_studio.session import Exercise, Look, Session
from gradient_studio.session.changes import (
    carried,
    changed,
    describe_change,
    merge_key,
    undoable,
    what_changed,
)

S = Session.default()
R = S.with_function("(a - x)^2 + b*(y - x^2)^2 + c", ("a", "b", "c"))

# (change, its name in Undo's menu, its merge key, landscape, race, styles, picture)
CASES = [
    (
        S.with_hyperparameter("adam", "lr", 0.1),
        "learning rate of Adam",
        "optimizers.adam.lr",
        False,
        True,
        False,
        False,
    ),
    (
        S.with_hyperparameter("adam", "beta1", 0.8),
        "β₁ of Adam",
        "optimizers.adam.beta1",
        False,
        True,
        False,
        False,
    ),
    (
        S.with_hyperparameter("rmsprop", "lr", 0.1),
        "learning rate of RMSprop",
        "optimizers.rmsprop.lr",
        False,
        False,
        False,
        False,
    ),  # not racing: nothing to run
    (
        S.with_ticked(["sgd", "momentum", "adam", "nesterov"]),
        "tick Nesterov momentum",
        "optimizers.nesterov.ticked",
        False,
        True,
        True,
        False,
    ),
    (
        S.with_ticked(["sgd", "adam"]),
        "untick Momentum",
        "optimizers.momentum.ticked",
        False,
        True,
        True,
        False,
    ),
    (S.with_ticked([]), "optimisers", None, False, True, True, False),
    (
        S.with_look("adam", Look("#ff0000")),
        "look of Adam",
        "optimizers.adam.look",
        False,
        False,
        True,
        False,
    ),
    (S.with_parameter("b", 20.0), "parameter b", "parameters.b", True, True, False, False),
    (S.with_parameter("b", 300.0), "parameter b", "parameters.b", True, True, False, False),
    (
        S.with_parameter_bounds("b", 0.0, 150.0),
        "range of parameter b",
        "parameters.b.range",
        False,
        False,
        False,
        False,
    ),
    (S.with_function("a x^2 + y^2", ("a",)), "function", None, True, True, False, False),
    (S.with_preset("himmelblau"), "preset Himmelblau", None, True, True, False, False),
    (S.with_start(0.5, 0.5), "start", "starts", False, True, False, False),
    (S.with_starts([(0.5, 0.5), (1.0, 1.0)]), "starts", "starts", False, True, False, False),
    (S.with_steps(100), "number of steps", "steps", False, True, False, False),
    (S.with_view((-3.0, 3.0), (-1.0, 3.0)), "view", "view", True, False, False, False),
    (
        S.with_picture(colour_map="magma"),
        "colour map",
        "picture.colour_map",
        False,
        False,
        False,
        True,
    ),
    (S.with_picture(levels=30, arrows=True), "picture options", None, False, False, False, True),
    (
        S.with_training(Training(Schedule("cosine"))),
        "schedule",
        "training.schedule",
        False,
        True,
        False,
        False,
    ),
    (S.with_exercise(Exercise(locked=("*",))), "exercise", None, False, False, False, False),
    (
        S.with_start(0.5, 0.5).with_steps(20),
        "start and number of steps",
        None,
        False,
        True,
        False,
        False,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[1] for c in CASES])
def test_each_change_is_named_merged_and_followed(case):
    new, label, key, landscape, race, styles, picture = case
    assert describe_change(S, new) == label
    assert merge_key(S, new) == key
    c = what_changed(S, new)
    assert (c.landscape, c.race, c.styles, c.picture) == (landscape, race, styles, picture)
    assert c and undoable(S, new)


def test_choosing_the_same_preset_again_is_named_as_a_preset():
    moved = S.with_parameter("a", 3.0).with_hyperparameter("sgd", "lr", 0.01)
    assert describe_change(moved, moved.with_preset("rosenbrock")) == "preset Rosenbrock"


def test_the_playhead_is_not_an_undo_step_and_undo_leaves_it_where_it_is():
    playing = S.with_playhead(120.0).with_speed(300.0)
    assert not undoable(S, playing) and what_changed(S, playing).playhead
    assert describe_change(S, playing) == "playback"
    slid = playing.with_hyperparameter("adam", "lr", 0.2)
    back = carried(S, slid)  # Undo of the slider, with the clock's playback kept
    assert back.optimizer("adam").values["lr"] == 0.05
    assert back.playback == slid.playback
    short = S.with_steps(50)
    assert carried(short, playing).playback.step == 50.0


def test_no_change_is_nothing():
    assert changed(S, S) == [] and not what_changed(S, S)
    assert describe_change(S, S) == "nothing" and merge_key(S, S) is None


def test_a_drag_merges_because_every_step_of_it_has_the_same_key():
    keys = set()
    s = S
    for lr in (0.06, 0.07, 0.08, 0.09):
        new = s.with_hyperparameter("adam", "lr", lr)
        keys.add(merge_key(s, new))
        s = new
    assert keys == {"optimizers.adam.lr"}


@settings(max_examples=60)
@given(sessions(), sessions())
def test_any_two_sessions_are_compared_and_named(a, b):
    label = describe_change(a, b)
    assert label and "\n" not in label
    assert bool(what_changed(a, b)) == (a != b)
    if merge_key(a, b) is not None:
        assert a != b


@settings(max_examples=60)
@given(sessions().flatmap(lambda s: changes(s).map(lambda n: (s, n))))
def test_a_change_that_touches_the_function_or_its_values_redraws_the_landscape(pair):
    old, new = pair
    c = what_changed(old, new)
    if old.function != new.function or old.values != new.values or old.view != new.view:
        assert c.landscape
    if old.choices() != new.choices() or old.starts != new.starts or old.steps != new.steps:
        assert c.race
    if old.training != new.training or old.values != new.values:
        assert c.race
