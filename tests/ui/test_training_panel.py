"""The training panel: every control emits the Training a person means — the same value the
command line builds for the same words — shows a Training without a sound, keeps the last
good value when the engine refuses one, and follows an exercise's locks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from monkey import send_wheel
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QSlider, QWidget

from gradient_studio import cli
from gradient_studio.cli.training import from_args
from gradient_studio.engine.schedules import SCHEDULES, Schedule
from gradient_studio.engine.transforms import Clipping, GradientNoise, Training
from gradient_studio.session.exercise import Access, Exercise
from gradient_studio.ui import training_words as words
from gradient_studio.ui.sliders import FloatSlider
from gradient_studio.ui.sparkline import column_peaks, summary
from gradient_studio.ui.training_controls import StepsBox
from gradient_studio.ui.training_panel import TrainingPanel, describe

STEPS = 200


@pytest.fixture
def panel(qtbot):
    p = TrainingPanel()
    qtbot.addWidget(p)
    p.set_training(Training(), steps=STEPS)
    p.resize(300, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


def find(panel, name):
    widget = panel.findChild(QWidget, name)
    assert widget is not None, name
    return widget


def from_cli(*args: str) -> Training:
    """The Training ``gradient-studio render`` builds from these options."""
    parsed = cli.parser().parse_args(["render", "--preset", "rosenbrock", "--out", "x.png", *args])
    return from_args(parsed)


def emitted(qtbot, panel, action) -> Training:
    with qtbot.waitSignal(panel.training_changed, timeout=1000) as blocker:
        action()
    (training,) = blocker.args
    assert panel.training == training
    return training


def choose(panel, combo_name, data):
    combo = find(panel, combo_name)
    combo.setCurrentIndex(combo.findData(data))


def type_into(qtbot, box: QLineEdit, text: str) -> None:
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, text)
    qtbot.keyClick(box, Qt.Key.Key_Return)


# -- names ---------------------------------------------------------------------------------
def test_every_control_has_an_object_name_and_an_accessible_name(panel):
    names = ["scheduleCombo", "lrSparkline", "clipCombo", "clipValue", "noiseBox", "noiseEta"]
    names += ["noiseGamma", "noiseSeed", "newSeedButton"]
    names += {f"schedule_{o.name}" for kind in SCHEDULES.values() for o in kind.options}
    for name in names:
        assert find(panel, name).accessibleName(), name
    assert panel.objectName() == "trainingPanel"


def test_the_schedule_picker_offers_the_engines_schedules_saying_what_each_does(panel):
    combo = find(panel, "scheduleCombo")
    assert [combo.itemData(i) for i in range(combo.count())] == list(SCHEDULES)
    for i, kind in enumerate(SCHEDULES.values()):
        tip = combo.itemData(i, Qt.ItemDataRole.ToolTipRole)
        assert kind.summary[1:] in tip
        if kind.name != "constant":
            assert f"torch.optim.lr_scheduler.{kind.torch}" in tip


def test_each_option_says_its_key_default_and_range(panel):
    for name in SCHEDULES:
        choose(panel, "scheduleCombo", name)
        for option in SCHEDULES[name].options:
            control = find(panel, f"schedule_{option.name}")
            assert control.toolTip().startswith(f"{option.name} ("), option.name
            assert f"Default {'on' if option.type == 'bool' else option.default_text}" in (
                control.toolTip()
            )


def test_the_drag_ranges_lie_inside_what_the_engine_allows():
    for (schedule, key), drag in words.DRAG_RANGES.items():
        option = SCHEDULES[schedule].option(key)
        assert option.check(drag.low) == drag.low and option.check(drag.high) == drag.high
    shared: dict[str, set[bool]] = {}
    for kind in SCHEDULES.values():
        for option in kind.options:
            if option.type == "float" and (kind.name, option.name) not in words.TYPED:
                shared.setdefault(option.name, set()).add(words.drag_range(kind, option).log)
    assert all(len(logs) == 1 for logs in shared.values())  # one slider per option name


# -- each control emits what the command line builds ---------------------------------------
@pytest.mark.parametrize(
    ("name", "option"),
    [
        ("constant", "constant"),
        ("step", "step:step_size=50"),  # three decays over the 200 steps
        ("exponential", "exponential:gamma=0.9772"),  # a hundredth of the lr at the end
        ("cosine", "cosine"),
        ("linear", "linear"),
        ("onecycle", "onecycle"),
    ],
)
def test_choosing_a_schedule_emits_what_the_command_line_builds(qtbot, panel, name, option):
    if name == "constant":
        panel.set_training(Training(Schedule("cosine")), steps=STEPS)
    training = emitted(qtbot, panel, lambda: choose(panel, "scheduleCombo", name))
    assert training == from_cli("--schedule", option)
    assert panel.changed_by == "scheduleCombo"


def test_only_the_chosen_schedules_options_show(panel):
    for name, kind in SCHEDULES.items():
        choose(panel, "scheduleCombo", name)
        mine = {o.name for o in kind.options}
        if name == "onecycle":
            assert find(panel, "schedule_cycle_momentum").isChecked()
        for key in {o.name for k in SCHEDULES.values() for o in k.options}:
            assert find(panel, f"schedule_{key}").isVisible() == (key in mine), (name, key)


def test_each_schedule_option_emits_the_schedule_with_it(qtbot, panel):
    choose(panel, "scheduleCombo", "cosine")
    box = find(panel, "schedule_T_max")
    assert box.text() == "the run's (200)"
    training = emitted(qtbot, panel, lambda: box.setValue(120))
    assert training == Training(Schedule("cosine", {"T_max": 120}))
    assert training == from_cli("--schedule", "cosine:T_max=120")
    training = emitted(
        qtbot, panel, lambda: type_into(qtbot, find(panel, "schedule_eta_min"), "1e-4")
    )
    assert training == from_cli("--schedule", "cosine:T_max=120,eta_min=1e-4")
    training = emitted(qtbot, panel, lambda: box.setValue(box.minimum()))  # "the run's" again
    assert training == Training(Schedule("cosine", {"eta_min": 1e-4}))
    assert panel.changed_by == "schedule_T_max"

    choose(panel, "scheduleCombo", "linear")
    slider = find(panel, "schedule_start_factor")
    training = emitted(qtbot, panel, lambda: slider.setValue(0.1))
    assert training == from_cli("--schedule", "linear:start_factor=0.1")
    training = emitted(qtbot, panel, lambda: find(panel, "schedule_total_iters").setValue(40))
    assert training == from_cli("--schedule", "linear:start_factor=0.1,total_iters=40")

    choose(panel, "scheduleCombo", "onecycle")
    check = find(panel, "schedule_cycle_momentum")
    training = emitted(qtbot, panel, lambda: check.setChecked(False))
    assert training == from_cli("--schedule", "onecycle:cycle_momentum=false")
    assert not find(panel, "schedule_base_momentum").isVisible()  # nothing to cycle
    training = emitted(qtbot, panel, lambda: check.setChecked(True))
    assert training == Training(Schedule("onecycle"))  # back at the default: left out
    assert find(panel, "schedule_max_momentum").isVisible()
    training = emitted(qtbot, panel, lambda: find(panel, "schedule_pct_start").setValue(0.25))
    assert training == from_cli("--schedule", "onecycle:pct_start=0.25")


def test_a_schedule_chosen_again_has_the_options_it_had(qtbot, panel):
    choose(panel, "scheduleCombo", "step")
    emitted(qtbot, panel, lambda: find(panel, "schedule_gamma").setValue(0.5))
    choose(panel, "scheduleCombo", "exponential")
    assert find(panel, "schedule_gamma").value() == pytest.approx(0.9772)
    training = emitted(qtbot, panel, lambda: choose(panel, "scheduleCombo", "step"))
    assert training == from_cli("--schedule", "step:step_size=50,gamma=0.5")
    assert find(panel, "schedule_gamma").value() == 0.5


def test_clipping_emits_what_the_command_line_builds(qtbot, panel):
    training = emitted(qtbot, panel, lambda: choose(panel, "clipCombo", "norm"))
    assert training == Training(clip=Clipping("norm", 1.0)) == from_cli("--clip-norm", "1")
    assert find(panel, "clipValue").isVisible()
    training = emitted(qtbot, panel, lambda: find(panel, "clipValue").setValue(5.0))
    assert training == from_cli("--clip-norm", "5")
    training = emitted(qtbot, panel, lambda: choose(panel, "clipCombo", "value"))
    assert training == from_cli("--clip-value", "5")  # the threshold stays
    training = emitted(qtbot, panel, lambda: choose(panel, "clipCombo", None))
    assert training == Training() == from_cli()
    assert not find(panel, "clipValue").isVisible()


def test_noise_emits_what_the_command_line_builds(qtbot, panel):
    assert not find(panel, "noiseEta").isVisible()
    training = emitted(qtbot, panel, lambda: find(panel, "noiseBox").setChecked(True))
    assert training == Training(noise=GradientNoise(0.3, 0.55, 0)) == from_cli("--noise", "0.3")
    training = emitted(qtbot, panel, lambda: find(panel, "noiseEta").setValue(1.0))
    training = emitted(qtbot, panel, lambda: find(panel, "noiseGamma").setValue(0.7))
    training = emitted(qtbot, panel, lambda: type_into(qtbot, find(panel, "noiseSeed"), "42"))
    assert training == from_cli("--noise", "1,0.7", "--seed", "42")
    sigma_end = math.sqrt(1.0 / STEPS**0.7)  # σ of the gradient at t = 199, by hand
    assert find(panel, "noiseSummary").text() == (
        f"σ: 1 at the first step → {sigma_end:.2g} at step 200"
    )
    assert panel.changed_by == "noiseSeed"
    training = emitted(qtbot, panel, lambda: find(panel, "newSeedButton").click())
    assert training.noise.seed != 42 and training.noise.eta == 1.0
    assert find(panel, "noiseSeed").text() == str(training.noise.seed)
    seed = training.noise.seed
    emitted(qtbot, panel, lambda: find(panel, "noiseBox").setChecked(False))
    training = emitted(qtbot, panel, lambda: find(panel, "noiseBox").setChecked(True))
    assert training.noise == GradientNoise(1.0, 0.7, seed)  # switched back as it was


# -- showing -------------------------------------------------------------------------------
FULL = Training(
    Schedule("onecycle", {"total_steps": 300, "pct_start": 0.2, "cycle_momentum": False}),
    Clipping("value", 2.5),
    GradientNoise(0.05, 0.3, 77),
)


def test_set_training_shows_every_field_and_emits_nothing(qtbot, panel):
    with qtbot.assertNotEmitted(panel.training_changed):
        panel.set_training(FULL, steps=STEPS)
        assert find(panel, "scheduleCombo").currentData() == "onecycle"
        assert find(panel, "schedule_total_steps").value() == 300
        assert find(panel, "schedule_pct_start").value() == 0.2
        assert find(panel, "schedule_div_factor").value() == 25
        assert find(panel, "schedule_final_div_factor").value() == 1e4
        assert not find(panel, "schedule_cycle_momentum").isChecked()
        assert find(panel, "clipCombo").currentData() == "value"
        assert find(panel, "clipValue").value() == 2.5
        assert find(panel, "noiseBox").isChecked()
        assert find(panel, "noiseEta").value() == 0.05
        assert find(panel, "noiseGamma").value() == 0.3
        assert find(panel, "noiseSeed").text() == "77"
        for name in SCHEDULES:  # every schedule, as a file or Undo would bring it
            panel.set_training(Training(Schedule.parse(_example(name))), steps=STEPS)
            assert find(panel, "scheduleCombo").currentData() == name
        panel.set_training(Training(), steps=STEPS)
        assert find(panel, "clipCombo").currentData() is None
        assert not find(panel, "noiseBox").isChecked()
    assert panel.training == Training()


def _example(name: str) -> str:
    return {"step": "step:step_size=7", "exponential": "exponential:gamma=0.9"}.get(name, name)


def test_a_value_beyond_a_sliders_range_is_shown_as_it_is(qtbot, panel):
    training = Training(Schedule("onecycle", {"div_factor": 0.5}), Clipping("norm", 1e6))
    panel.set_training(training, steps=STEPS)
    assert find(panel, "schedule_div_factor").value() == 0.5
    assert find(panel, "clipValue").value() == 1e6


def test_the_sparkline_shows_the_engines_learning_rates(panel):
    for text in ("cosine", "step:step_size=30", "linear:total_iters=40", "onecycle"):
        for steps in (1, 200, 5000):
            panel.set_training(Training(Schedule.parse(text)), steps=steps)
            values = find(panel, "lrSparkline").values
            expected = Schedule.parse(text).learning_rates(1.0, steps)
            np.testing.assert_array_equal(values, expected)


def test_the_sparkline_is_the_cosine_closed_form_and_exact_for_a_given_lr(panel):
    panel.set_training(Training(Schedule("cosine", {"eta_min": 1e-4})), steps=100, base_lr=1e-3)
    values = find(panel, "lrSparkline").values
    t = np.arange(100)  # torch's last_epoch at steps 1 … 100
    by_hand = (1e-4 + (1e-3 - 1e-4) * (1 + np.cos(np.pi * t / 100)) / 2) / 1e-3
    np.testing.assert_allclose(values, by_hand, rtol=1e-13)
    assert values[-1] > 0.1  # eta_min is a tenth of this optimiser's lr
    assert "× lr: 1 at step 1" in find(panel, "scheduleSummary").text()


def test_the_sparkline_keeps_every_plateau_of_a_long_step_decay():
    values = Schedule("step", {"step_size": 1000, "gamma": 0.5}).learning_rates(1.0, 100_000)
    x, y = column_peaks(values, 200)
    assert len(x) <= 400 and x[0] == 1 and x[-1] == 100_000
    assert set(np.unique(y)) == set(np.unique(values))  # all 100 levels survive
    assert np.all(np.diff(x) >= 0)


def test_the_summary_says_where_the_shape_goes():
    one_cycle = Schedule("onecycle")
    text = summary(one_cycle.learning_rates(1.0, 200), one_cycle.momenta(200))
    assert text.startswith("× lr: 0.04 at step 1 → 1 at step 60 → 4e−6 at step 200")
    assert "momentum 0.95 → 0.85 → 0.95" in text
    assert summary(np.ones(5)) == "× lr: 1 at every step"


def test_the_sparkline_follows_the_runs_steps(panel):
    panel.set_training(Training(Schedule("cosine")), steps=1000)
    assert len(find(panel, "lrSparkline").values) == 1000
    assert find(panel, "schedule_T_max").text() == "the run's (1,000)"
    assert find(panel, "lrSparkline").grab().width() > 0


# -- dragging ------------------------------------------------------------------------------
def test_dragging_a_slider_emits_every_value_it_passes(qtbot, panel):
    choose(panel, "scheduleCombo", "onecycle")
    slider = find(panel, "schedule_pct_start")
    track = slider.findChild(QSlider)
    seen = []
    panel.training_changed.connect(seen.append)
    track.setSliderDown(True)
    for position in range(0, 1001, 10):
        track.setSliderPosition(position)
    track.setSliderDown(False)
    assert len(seen) >= 90
    assert all(t.schedule.name == "onecycle" for t in seen)
    pcts = [t.schedule.options.get("pct_start", 0.3) for t in seen]
    assert pcts == sorted(pcts) and pcts[-1] == 1.0
    assert panel.changed_by == panel.merge_key == "schedule_pct_start"  # one undo step
    assert find(panel, "lrSparkline").values[-1] == pytest.approx(1.0)  # all rising
    emitted(qtbot, panel, lambda: find(panel, "schedule_cycle_momentum").setChecked(False))
    assert panel.merge_key is None  # a switch is its own undo step
    emitted(qtbot, panel, lambda: find(panel, "schedule_total_steps").setValue(400))
    assert panel.merge_key == "schedule_total_steps"


def test_arrowing_up_from_the_runs_steps_starts_at_them(qtbot, panel):
    choose(panel, "scheduleCombo", "onecycle")
    box = find(panel, "schedule_total_steps")
    training = emitted(qtbot, panel, lambda: box.stepBy(1))
    assert training == Training(Schedule("onecycle", {"total_steps": STEPS}))


# -- refusing ------------------------------------------------------------------------------
def finish_typing(panel, box: QLineEdit, text: str) -> list[Training]:
    """What the panel emits when ``text`` is typed into ``box`` and the typing ends."""
    box.setText(text)
    seen: list[Training] = []
    panel.training_changed.connect(seen.append)
    box.editingFinished.emit()
    panel.training_changed.disconnect(seen.append)
    return seen


def message(panel) -> str:
    label = find(panel, "trainingMessage")
    return label.text() if label.isVisible() else ""


def test_a_value_the_engine_refuses_keeps_the_last_good_one_and_says_why(qtbot, panel):
    choose(panel, "scheduleCombo", "onecycle")
    good = panel.training
    with qtbot.assertNotEmitted(panel.training_changed):
        find(panel, "schedule_base_momentum").setValue(0.98)  # above max_momentum 0.95
    assert "base_momentum must not exceed max_momentum" in message(panel)
    assert message(panel).startswith("Not applied: onecycle base_momentum")
    assert message(panel).endswith("The last good value stays.")
    assert find(panel, "schedule_base_momentum").value() == 0.85
    assert panel.training == good

    box = find(panel, "schedule_total_steps")
    with qtbot.assertNotEmitted(panel.training_changed):
        type_into(qtbot, box.lineEdit(), "50")
    assert "at least the run's 200 steps, got 50" in message(panel)
    assert box.steps() is None  # "the run's" again

    emitted(qtbot, panel, lambda: find(panel, "schedule_pct_start").setValue(0.4))
    assert message(panel) == ""  # a good change clears it


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("schedule_eta_min", "-1", "eta_min must be at least 0, got -1"),
        ("schedule_eta_min", "fast", "'fast' is not a number"),
        ("noiseSeed", "abc", "the seed 'abc' is not a whole number"),
        ("noiseSeed", "-3", "the noise seed must be from 0 to 2^63 - 1, got -3"),
        ("noiseSeed", str(2**63), "seed must be from 0 to 2^63 - 1"),
    ],
)
def test_typed_text_the_engine_refuses_is_put_back(qtbot, panel, name, text, says):
    panel.set_training(Training(Schedule("cosine"), noise=GradientNoise(seed=5)), steps=STEPS)
    box = find(panel, name)
    before = box.text()
    with qtbot.assertNotEmitted(panel.training_changed):
        type_into(qtbot, box, text)
    assert says in message(panel)
    assert box.text() == before


def test_a_files_schedule_that_overflows_is_shown_with_why_not_a_crash(panel):
    panel.set_training(Training(Schedule("exponential", {"gamma": 1e10})), steps=STEPS)
    assert "no usable value at step" in find(panel, "scheduleSummary").text()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=12))
def test_any_seed_typed_is_taken_exactly_or_refused_with_a_message(qtbot, panel, text):
    panel.set_training(Training(noise=GradientNoise(seed=5)), steps=STEPS)
    box = find(panel, "noiseSeed")
    seen = finish_typing(panel, box, text)
    try:
        seed = int(text.strip())
    except ValueError:
        seed = None
    if seed is not None and 0 <= seed < 2**63 and seed != 5:
        assert seen == [Training(noise=GradientNoise(seed=seed))]
    else:
        assert seen == []
        assert box.text() == "5"
        if seed != 5:
            assert message(panel)


# -- exercises and the wheel ---------------------------------------------------------------
def test_an_exercise_locks_or_hides_the_training_tools(panel):
    panel.set_access(Exercise(locked=("*",), free=("optimizers.sgd.lr",)).access)
    for name in ("scheduleCombo", "clipCombo", "noiseBox", "newSeedButton"):
        assert not find(panel, name).isEnabled()
    assert find(panel, "trainingLocked").isVisible()
    assert not panel.hidden_by_exercise
    panel.set_access(Exercise(hidden=("training",)).access)
    assert panel.hidden_by_exercise
    assert not find(panel, "scheduleCombo").isVisible()
    panel.set_access({"training.noise": Access.HIDDEN, "training.clip": Access.LOCKED})
    assert find(panel, "scheduleCombo").isEnabled() and find(panel, "scheduleCombo").isVisible()
    assert not find(panel, "clipCombo").isEnabled() and not find(panel, "noiseBox").isVisible()
    panel.set_access(Exercise().access)
    assert find(panel, "noiseBox").isVisible() and find(panel, "clipCombo").isEnabled()
    assert not find(panel, "trainingLocked").isVisible()


def test_the_wheel_over_an_unfocused_picker_scrolls_past_it(qtbot, panel):
    choose(panel, "scheduleCombo", "cosine")
    for name in ("scheduleCombo", "schedule_T_max"):
        control = find(panel, name)
        control.clearFocus()
        with qtbot.assertNotEmitted(panel.training_changed):
            send_wheel(control, QPointF(control.rect().center()), -120)
        assert panel.training == Training(Schedule("cosine"))
    combo = find(panel, "scheduleCombo")
    combo.setFocus()  # with the focus, the wheel goes through the schedules as usual
    with qtbot.waitSignal(panel.training_changed, timeout=1000):
        send_wheel(combo, QPointF(combo.rect().center()), -120)
    assert combo.currentData() == "linear"


def test_steps_box_reads_the_runs_steps_at_its_lowest(qtbot):
    box = StepsBox(1, follows_run=True)
    qtbot.addWidget(box)
    box.show_steps(None, 500)
    assert box.steps() is None and box.text() == "the run's (500)"
    box.show_steps(42, 500)
    assert box.steps() == 42 and box.text() == "42 steps"


def test_controls_are_the_kind_their_option_needs(panel):
    kinds = {"int": StepsBox, "bool": QCheckBox, "float": FloatSlider}
    for kind in SCHEDULES.values():
        for option in kind.options:
            control = find(panel, f"schedule_{option.name}")
            expected = QLineEdit if (kind.name, option.name) in words.TYPED else kinds[option.type]
            assert isinstance(control, expected), option.name
    assert math.isclose(find(panel, "clipValue").minimum(), words.CLIP_RANGE.low)


def test_a_folded_section_can_say_what_the_training_is():
    assert describe(Training()) == "constant lr"
    assert describe(FULL) == "one-cycle · clip value at 2.5 · noise η 0.05"
    assert describe(Training(Schedule("cosine"), Clipping("norm", 1.0))) == (
        "cosine annealing · clip norm at 1"
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=12) | st.floats(allow_nan=True).map(repr))
def test_any_lowest_lr_typed_is_taken_exactly_or_refused_with_a_message(qtbot, panel, text):
    panel.set_training(Training(Schedule("cosine")), steps=STEPS)
    box = find(panel, "schedule_eta_min")
    seen = finish_typing(panel, box, text)
    try:
        value = float(text.strip().replace("−", "-").replace(",", "."))
    except ValueError:
        value = math.nan
    if math.isfinite(value) and value > 0:
        assert seen == [Training(Schedule("cosine", {"eta_min": value}))]
    else:
        assert seen == []
        assert box.text() == "0"
        if value != 0:
            assert message(panel).startswith("Not applied: ")
