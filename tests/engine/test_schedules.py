"""Learning-rate schedules: values worked out by hand from torch's documented formulas,
option checks, and the text form. The agreement with torch itself is in tests/crosscheck."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradient_studio.engine import OPTIMIZERS
from gradient_studio.engine.schedules import SCHEDULES, Schedule
from gradient_studio.engine.transforms import Training


def rates(text, lr=1.0, steps=6):
    return Schedule.parse(text).learning_rates(lr, steps)


def test_constant_is_the_optimisers_lr():
    np.testing.assert_array_equal(rates("constant", 0.05, 4), [0.05] * 4)


def test_step_decays_every_step_size_steps():
    # steps 1, 2 use lr; 3, 4 lr·γ; 5, 6 lr·γ²  (torch: lr after t-1 calls of step())
    np.testing.assert_allclose(rates("step:step_size=2,gamma=0.5"), [1, 1, 0.5, 0.5, 0.25, 0.25])


def test_step_size_alone_decays_tenfold():
    np.testing.assert_allclose(rates("step:step_size=3", 2.0), [2, 2, 2, 0.2, 0.2, 0.2])


def test_exponential():
    np.testing.assert_allclose(rates("exponential:gamma=0.5", 8.0, 4), [8, 4, 2, 1])


def test_cosine_falls_to_eta_min_at_t_max_then_rises():
    c = [(1 + math.cos(math.pi * e / 4)) / 2 for e in range(6)]
    np.testing.assert_allclose(rates("cosine:T_max=4"), c, atol=1e-15)
    assert rates("cosine:T_max=4")[4] == pytest.approx(0.0, abs=1e-16)  # step 5: e = T_max
    np.testing.assert_allclose(
        rates("cosine:T_max=4,eta_min=0.2"), [0.2 + 0.8 * v for v in c], atol=1e-15
    )


def test_cosine_spans_the_run_by_default():
    lr = Schedule("cosine").learning_rates(1.0, 100)
    assert lr[0] == 1.0 and lr[-1] == pytest.approx((1 + math.cos(math.pi * 99 / 100)) / 2)
    assert (np.diff(lr) < 0).all()


def test_linear_warmup_defaults():
    # factor 1/3 → 1 over 5 steps: 1/3 + (2/3)·min(5, e)/5
    expected = [1 / 3 + (2 / 3) * min(5, e) / 5 for e in range(7)]
    np.testing.assert_allclose(rates("linear", steps=7), expected)


def test_onecycle_by_hand():
    # total 10, pct 0.3: warm-up ends at e = 0.3·10 − 1 = 2; anneal ends at e = 9.
    lr = Schedule("onecycle").learning_rates(1.0, 10)
    initial, low = 1 / 25, 1 / 25 / 1e4
    assert lr[0] == pytest.approx(initial)
    assert lr[1] == pytest.approx(1 + (initial - 1) / 2 * (math.cos(math.pi / 2) + 1))
    assert lr[2] == pytest.approx(1.0)
    assert lr[9] == pytest.approx(low)
    momenta = Schedule("onecycle").momenta(10)
    assert momenta is not None
    assert (momenta[0], momenta[2], momenta[9]) == pytest.approx((0.95, 0.85, 0.95))
    assert Schedule("onecycle", {"cycle_momentum": False}).momenta(10) is None


def test_onecycle_cycles_whichever_momentum_the_optimiser_has():
    training = Training(Schedule("onecycle"))

    def cycled(name):
        spec = OPTIMIZERS[name]
        return set(training.per_step(spec, spec.defaults, 20))

    assert cycled("sgd") == {"lr"}
    assert cycled("momentum") == cycled("nesterov") == {"lr", "momentum"}
    assert cycled("adam") == cycled("nadam") == cycled("radam") == {"lr", "beta1"}
    assert cycled("rmsprop") == cycled("newton") == {"lr"}
    off = Training(Schedule("onecycle", {"cycle_momentum": False}))
    assert set(off.per_step(OPTIMIZERS["adam"], OPTIMIZERS["adam"].defaults, 20)) == {"lr"}
    assert Training().per_step(OPTIMIZERS["adam"], OPTIMIZERS["adam"].defaults, 20) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cosine:T_max=0", "T_max must be at least 1"),
        ("cosine:T_max=2.5", "T_max must be a whole number"),
        ("cosine:eta_min=-1", "eta_min must be at least 0"),
        ("step:step_size=10,gamma=-0.1", "gamma must be above 0"),
        ("step", "step needs step_size"),
        ("exponential", "exponential needs gamma"),
        ("exponential:gamma=0", "gamma must be above 0"),
        ("linear:start_factor=0", r"start_factor must be in \(0, 1\]"),
        ("linear:end_factor=1.5", r"end_factor must be in \[0, 1\]"),
        ("linear:total_iters=0", "total_iters must be at least 1"),
        ("onecycle:pct_start=2", "pct_start"),
        ("onecycle:cycle_momentum=2", "true or false"),
        ("onecycle:cycle_momentum=maybe", "not a number, true or false"),
        ("onecycle:base_momentum=0.99", "must not exceed max_momentum"),
        ("onecycle:div_factor=0", "div_factor must be above 0"),
        ("cosine:T_max", "expected KEY=VALUE"),
        ("cosine:T_max=1,T_max=2", "given twice"),
        ("cosine:T_max=inf", "not a finite number"),
        ("cosine:T_max=1_000", "not a finite number"),
    ],
)
def test_bad_options_are_named(text, message):
    with pytest.raises(ValueError, match=message):
        Schedule.parse(text)


def test_unknown_names_list_what_there_is():
    with pytest.raises(KeyError, match=r"unknown schedule 'cosin'.*cosine"):
        Schedule.parse("cosin")
    with pytest.raises(KeyError, match=r"cosine has no option 'gamma' \(it has: T_max, eta_min\)"):
        Schedule.parse("cosine:gamma=0.1")


def test_onecycle_must_cover_the_run():
    with pytest.raises(ValueError, match="total_steps must be at least the run's 50 steps"):
        Schedule("onecycle", {"total_steps": 49}).learning_rates(1.0, 50)
    assert len(Schedule("onecycle", {"total_steps": 80}).learning_rates(1.0, 50)) == 50


def test_a_schedule_without_a_usable_value_is_refused():
    # pct_start · total_steps = 1: the warm-up has no length (torch divides by zero)
    with pytest.raises(ValueError, match="no usable value at step 1"):
        Schedule("onecycle", {"pct_start": 0.25}).learning_rates(1.0, 4)
    with pytest.raises(ValueError, match="no usable value"):
        Schedule("exponential", {"gamma": 1e3}).learning_rates(1.0, 200)


@pytest.mark.parametrize(
    "text",
    ["constant", "cosine:T_max=100,eta_min=0.0001", "onecycle:cycle_momentum=false,pct_start=0.5"],
)
def test_text_round_trip(text):
    s = Schedule.parse(text)
    assert Schedule.parse(s.text) == s


def test_every_schedule_is_described():
    for kind in SCHEDULES.values():
        assert kind.summary and kind.torch
        for o in kind.options:
            assert o.type in ("int", "float", "bool")


@given(st.text(max_size=40))
def test_any_text_is_a_schedule_or_a_clear_error(text):
    try:
        s = Schedule.parse(text)
    except (KeyError, ValueError) as e:
        assert e.args and "\n" not in str(e.args[0])
        return
    assert s.name in SCHEDULES


@given(
    st.sampled_from(sorted(SCHEDULES)),
    st.dictionaries(
        st.sampled_from(["step_size", "gamma", "T_max", "eta_min", "total_steps", "pct_start"]),
        st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 500),
        max_size=3,
    ),
)
def test_any_options_give_usable_rates_or_a_clear_error(name, options):
    try:
        s = Schedule(name, options)
        lr = s.learning_rates(0.1, 300)
    except (KeyError, ValueError) as e:
        assert "\n" not in str(e.args[0])
        return
    assert len(lr) == 300 and np.isfinite(lr).all() and (lr >= 0).all()
