"""Hypothesis strategies for valid sessions: a preset or a function, then random changes of
every kind a person (or a file) can make, each within the ranges the session keeps."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from gradient_studio.engine import OPTIMIZERS, PRESETS, SCHEDULES
from gradient_studio.engine.schedules import Schedule
from gradient_studio.engine.transforms import Clipping, GradientNoise, Training
from gradient_studio.session import Exercise, Look, Session, limits
from gradient_studio.session.exercise import SECTIONS
from gradient_studio.session.parts import MARKERS

FUNCTIONS = (
    ("a x^2 + b y^2", ("a", "b")),
    ("(x - c)^2 + sin(k y) + w1 x", ("c", "k", "w1")),
    ("x^2 + y^2", ()),
    ("-cos(x) cos(y) exp(-((x - pi)^2 + (y - pi)^2))", ()),
)
PATTERNS = (
    *SECTIONS,
    "*",
    "parameters.a",
    "parameters.*",
    "optimizers.*.lr",
    "optimizers.adam",
    "optimizers.sgd.ticked",
    "optimizers.adam.beta1",
)


def numbers(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def spans(draw, limit=1e6):
    low = draw(numbers(-limit, limit))
    width = draw(st.floats(1e-3, 1e3))
    return (low, low + width)


@st.composite
def schedules(draw):
    """Any schedule, with its options set or left to their defaults; T_max and total_steps
    follow the run's steps (a onecycle shorter than the run is refused, as it should be)."""
    kind = SCHEDULES[draw(st.sampled_from(sorted(SCHEDULES)))]
    options = {}
    for o in kind.options:
        if o.name in ("T_max", "total_steps") or (o.default is not None and draw(st.booleans())):
            continue
        if o.type == "bool":
            options[o.name] = draw(st.booleans())
        elif o.type == "int":
            options[o.name] = draw(st.integers(max(1, int(o.low)), 100))
        else:
            low = o.low if math.isfinite(o.low) else 0.0
            high = o.high if math.isfinite(o.high) else 100.0
            value = draw(numbers(low, high))
            options[o.name] = value if value > low or not o.low_open else (low + high) / 2
    if options.get("base_momentum", 0.85) > options.get("max_momentum", 0.95):
        options["base_momentum"] = options.get("max_momentum", 0.95)
    return Schedule(kind.name, options)


def trainings():
    clip = st.none() | st.builds(Clipping, st.sampled_from(["norm", "value"]), numbers(1e-3, 1e3))
    noise = st.none() | st.builds(
        GradientNoise, numbers(1e-3, 10), numbers(0, 2), st.integers(0, 2**63 - 1)
    )
    return st.builds(Training, schedules(), clip, noise)


@st.composite
def sessions(draw):
    """A valid session reached by a person's changes."""
    if draw(st.booleans()):
        s = Session.from_preset(draw(st.sampled_from(sorted(PRESETS))))
    else:
        text, names = draw(st.sampled_from(FUNCTIONS))
        s = Session.from_function(text, names)
    for _ in range(draw(st.integers(0, 12))):
        s = draw(changes(s))
    return s


@st.composite
def changes(draw, s):
    kind = draw(st.integers(0, 13))
    if kind == 0 and s.parameter_names:
        return s.with_parameter(draw(st.sampled_from(s.parameter_names)), draw(numbers(-1e6, 1e6)))
    if kind == 1 and s.parameters:
        low, high = draw(spans())
        return s.with_parameter_bounds(
            draw(st.sampled_from([p.name for p in s.parameters])), low, high
        )
    if kind == 2:
        return s.with_ticked(draw(st.sets(st.sampled_from(sorted(OPTIMIZERS)))))
    if kind == 3:
        name = draw(st.sampled_from(sorted(OPTIMIZERS)))
        h = draw(st.sampled_from(OPTIMIZERS[name].hyperparameters))
        if h.log:
            value = 10 ** draw(numbers(math.log10(h.low), math.log10(h.high)))
            value = min(max(value, h.low), h.high)
        else:
            value = draw(numbers(h.low, h.high))
        return s.with_hyperparameter(name, h.name, value)
    if kind == 4:
        colour = "#" + draw(st.text("0123456789abcdefABCDEF", min_size=6, max_size=6))
        look = Look(colour, draw(st.none() | st.sampled_from(sorted(MARKERS))))
        return s.with_look(
            draw(st.sampled_from(sorted(OPTIMIZERS))), draw(st.none() | st.just(look))
        )
    if kind == 5:
        point = st.tuples(numbers(-limits.MAX_START, limits.MAX_START), numbers(-1e3, 1e3))
        return s.with_starts(draw(st.lists(point, min_size=1, max_size=4)))
    if kind == 6:
        return s.with_steps(draw(st.integers(1, 5000)))
    if kind == 7:
        return s.with_view(draw(spans()), draw(spans()))
    if kind == 8:
        return s.with_picture(
            colour_map=draw(st.sampled_from(limits.COLORMAPS)),
            levels=draw(st.integers(1, 100)),
            colouring=draw(st.sampled_from(limits.COLOURINGS)),
            arrows=draw(st.booleans()),
        )
    if kind == 9:
        return s.with_training(draw(trainings()))
    if kind == 10:
        step = draw(st.none() | numbers(0, s.steps))
        return s.with_playhead(step).with_speed(draw(numbers(*limits.SPEED)))
    if kind == 11:
        lists = st.lists(st.sampled_from(PATTERNS), max_size=3).map(tuple)
        return s.with_exercise(Exercise(draw(lists), draw(lists), draw(lists)))
    if kind == 12:
        text, names = draw(st.sampled_from(FUNCTIONS))
        return s.with_function(text, names)
    if kind == 13:
        return s.with_preset(draw(st.sampled_from(sorted(PRESETS))))
    return s
