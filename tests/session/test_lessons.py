"""The guide's lessons: each builds the state it describes, and what its text says happens
does happen in the engine — checked against the engine's runs and against closed forms
worked by hand. No Qt here."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from test_session_imports import loaded_after

from gradient_studio.engine.curvature import curvature_at
from gradient_studio.engine.inspector import StepInspector
from gradient_studio.engine.results import RunResult, Status
from gradient_studio.engine.transforms import Clipping, Training
from gradient_studio.session import Session
from gradient_studio.session.lessons import BY_KEY, LESSONS, OVERLAYS, PLATEAU

TOPICS = ("gradient", "learning-rate", "momentum", "adaptive", "saddle", "vanishing")


def run_of(result: RunResult, name: str) -> int:
    """The index of optimiser ``name``'s batch in ``result``."""
    return next(i for i, b in enumerate(result.batches) if b.choice.name == name)


def trajectory(result: RunResult, name: str):  # type: ignore[no-untyped-def]
    return result.trajectory(run_of(result, name), 0)


def sign_changes(values: np.ndarray) -> int:
    return int(np.sum(np.diff(np.sign(values)) != 0))


@pytest.fixture(scope="module")
def results() -> dict[str, RunResult]:
    """Each lesson's race, run once."""
    return {lesson.key: lesson.session().race().run() for lesson in LESSONS}


# -- what every lesson has ---------------------------------------------------------------------
def test_the_guide_covers_the_issues_six_topics_and_more():
    keys = [lesson.key for lesson in LESSONS]
    assert keys[: len(TOPICS)] == list(TOPICS)
    assert len(LESSONS) >= 6 and len(set(keys)) == len(keys)
    assert all(lesson.title and lesson.text and lesson.drag_next for lesson in LESSONS)


def test_every_link_leads_to_another_lesson():
    linked = [(lesson.key, target) for lesson in LESSONS for target in lesson.links]
    assert linked, "lessons link to each other"
    for key, target in linked:
        assert target in BY_KEY and target != key


def test_the_text_is_rich_text_with_its_key_words_bold_and_no_ascii_formulas():
    for lesson in LESSONS:
        for text in (lesson.text, lesson.drag_next):
            assert "<b>" in text
            assert text.count("<b>") == text.count("</b>")
            assert text.count("<p>") == text.count("</p>")
            assert "`" not in text and "[[" not in text  # every mark turned into rich text
            # Unicode minus, subscripts and superscripts, not code: no x^2, no x_1, no **
            assert not re.search(r"\w\^\d|\w_\d|\*\*|\bsqrt\(", text), lesson.key
            assert " -" not in re.sub(r"<[^>]+>", "", text).replace(" - ", ""), lesson.key


def test_overlays_are_named_as_the_picture_names_them():
    for lesson in LESSONS:
        assert set(lesson.overlays) <= set(OVERLAYS), lesson.key
        o = lesson.overlays
        assert o.get("arrows", "readable") in ("readable", "true")
        assert o.get("field", True) is True
        assert o.get("colour_by", "gradient_norm") == "gradient_norm"
        if "curvature" in o:
            x, y = o["curvature"]  # type: ignore[misc]
            assert all(isinstance(v, float | int) and math.isfinite(v) for v in (x, y))


def test_each_lesson_inspects_a_run_it_races():
    for lesson in LESSONS:
        assert lesson.inspect in lesson.session().ticked, lesson.key


def test_a_lesson_gives_a_new_equal_session_each_time():
    for lesson in LESSONS:
        a, b = lesson.session(), lesson.session()
        assert isinstance(a, Session) and a == b


def test_building_every_lesson_loads_no_function_compiler_and_no_qt():
    code = (
        "from gradient_studio.session.lessons import LESSONS\n"
        "sessions = [lesson.session() for lesson in LESSONS]\n"
    )
    assert loaded_after(code) == set()


# -- 1. what a gradient is ---------------------------------------------------------------------
def test_gradient_lesson_state():
    s = BY_KEY["gradient"].session()
    assert (s.preset, s.start, s.ticked, s.steps) == ("booth", (-8.0, 8.0), ("sgd",), 60)
    assert s.optimizer("sgd").values["lr"] == 0.01
    assert s.playback.step == 0  # the inspector opens on the start
    assert BY_KEY["gradient"].overlays == {"field": True, "arrows": "readable"}


def test_gradient_lesson_numbers_are_the_engines_and_the_hand_worked_ones(results):
    s = StepInspector(results["gradient"], 0, 0).at(0)
    x, y = -8.0, 8.0  # Booth's gradient by hand
    by_hand = (2 * (x + 2 * y - 7) + 4 * (2 * x + y - 5), 4 * (x + 2 * y - 7) + 2 * (2 * x + y - 5))
    assert s.gradient == by_hand == (-50.0, -22.0)
    assert round(s.grad_norm, 1) == 54.6
    assert s.next_point == pytest.approx((-7.5, 8.22))
    text = BY_KEY["gradient"].text
    for quoted in ("∂f/∂x = −50", "∂f/∂y = −22", "‖∇f‖ = 54.6", "−7.5", "8.22"):
        assert quoted in text


# -- 2. learning rate and the stability edge ---------------------------------------------------
def test_learning_rate_lesson_state():
    s = BY_KEY["learning-rate"].session()
    assert (s.preset, s.values, s.start, s.ticked, s.steps) == (
        "ill-conditioned",
        {"a": 1.0, "b": 20.0},
        (-2.8, 1.5),
        ("sgd",),
        60,
    )
    assert s.optimizer("sgd").values["lr"] == 0.045
    assert s.playback.step is None  # the whole run: the zig-zag dying out
    assert BY_KEY["learning-rate"].overlays["curvature"] == s.start


def test_below_the_edge_the_zigzag_dies_out_above_it_grows(results):
    s = BY_KEY["learning-rate"].session()
    c = curvature_at(s.race().objective(), s.start)
    assert c.eigenvalues == pytest.approx((2.0, 40.0))
    assert c.stable_lr == pytest.approx(2 / 40)
    assert "above 0.05 is unstable" in c.stability
    t = trajectory(results["learning-rate"], "sgd")
    y = t.points[:, 1]
    assert y[:3] == pytest.approx([1.5, -1.2, 0.96])  # (1 − 40·0.045)ᵏ·1.5
    assert sign_changes(y[:20]) == 19  # the zig-zag
    assert y[1:20] / y[:19] == pytest.approx(np.full(19, 1 - 40 * 0.045))
    assert t.f[60] < 1e-4  # it settles
    x = t.points[:, 0]
    assert x[1] / x[0] == pytest.approx(1 - 2 * 0.045)  # 0.91: the crawl along
    above = s.with_hyperparameter("sgd", "lr", 0.055).race().run().trajectories[0]
    ratio = above.points[1:20, 1] / above.points[:19, 1]
    assert ratio == pytest.approx(np.full(19, 1 - 40 * 0.055))  # −1.2: it grows
    assert above.f[above.stop] > 1e6 * above.f[0]


# -- 3. momentum -------------------------------------------------------------------------------
def test_momentum_lesson_state():
    s = BY_KEY["momentum"].session()
    assert (s.preset, s.start, s.ticked, s.steps, s.playback.step) == (
        "rosenbrock",
        (-1.5, 2.0),
        ("sgd", "momentum"),
        500,
        18,
    )
    assert s.optimizer("sgd").values["lr"] == s.optimizer("momentum").values["lr"] == 0.001
    assert s.optimizer("momentum").values["momentum"] == 0.9
    assert BY_KEY["momentum"].overlays == {"arrows": "true"}


def test_momentum_steps_against_the_gradient_at_step_18(results):
    r = results["momentum"]
    s = StepInspector(r, run_of(r, "momentum"), 0).at(18)
    gx = s.gradient[0]
    (b,) = s.state
    assert b.symbol == "b" and b.label == "velocity"
    assert round(gx, 1) == 31.6 and round(b.value[0], 1) == -66.6  # type: ignore[index]
    assert b.after[0] == pytest.approx(0.9 * b.value[0] + gx)  # type: ignore[index]
    assert round(b.after[0], 2) == -28.27  # type: ignore[index]
    step = s.step_vector
    assert step is not None and step[0] > 0 > -gx  # towards +x, while downhill is −x
    t = trajectory(r, "momentum")
    assert (round(t.f[18], 2), round(t.f[19], 2)) == (5.72, 6.77)  # f rises for a step
    for quoted in ("31.6", "−66.6", "0.9·(−66.56) + 31.63 = −28.27", "5.72", "6.77"):
        assert quoted in BY_KEY["momentum"].text


def test_momentum_reaches_the_far_end_and_mu_matters(results):
    r = results["momentum"]
    gd, momentum = trajectory(r, "sgd"), trajectory(r, "momentum")
    assert round(gd.f[500], 2) == 4.47 and round(momentum.f[500], 4) == 0.0044
    assert np.hypot(*(momentum.points[500] - (1, 1))) < 0.15  # the far end: the minimum
    s = BY_KEY["momentum"].session()
    for mu, f in ((0.99, 0.097), (0.5, 2.76)):
        t = s.with_hyperparameter("momentum", "momentum", mu).race().run().trajectories[1]
        assert t.optimizer == "momentum" and float(f"{t.f[500]:.2g}") == pytest.approx(f, 0.05)
        assert str(f) in BY_KEY["momentum"].drag_next


# -- 4. adaptive methods -----------------------------------------------------------------------
def test_adaptive_lesson_state():
    s = BY_KEY["adaptive"].session()
    assert (s.preset, s.values, s.start, s.ticked, s.steps) == (
        "ill-conditioned",
        {"a": 1.0, "b": 20.0},
        (-2.8, 1.5),
        ("sgd", "rmsprop", "adam"),
        100,
    )
    lrs = [s.optimizer(n).values["lr"] for n in ("sgd", "rmsprop", "adam")]
    assert lrs == [0.045, 0.1, 0.1]
    b = s.parameter("b")
    assert b.low <= 20 and b.high >= 200  # the slider reaches what the lesson asks


def test_gradient_descent_zigzags_where_rmsprop_and_adam_do_not(results):
    r = results["adaptive"]
    assert sign_changes(trajectory(r, "sgd").points[:30, 1]) >= 20
    assert sign_changes(trajectory(r, "rmsprop").points[:30, 1]) == 0
    assert sign_changes(trajectory(r, "adam").points[:30, 1]) <= 1
    s = StepInspector(r, run_of(r, "adam"), 0).at(0)
    assert s.gradient == pytest.approx((-5.6, 60.0))
    assert s.step_vector == pytest.approx((0.1, -0.1))  # about η in each coordinate
    assert [v.symbol for v in s.state] == ["m", "v"]
    assert [v.label for v in s.state] == ["first moment", "second moment"]


def test_a_steeper_bowl_throws_gradient_descent_out_and_not_the_adaptive_ones():
    s = BY_KEY["adaptive"].session()
    eta = 0.045
    assert 1 / 22.2 > eta > 1 / 22.3  # the edge 2/λ₂ = 2/(2b) crosses η at b = 22.2
    below = s.with_parameter("b", 22).race().run()
    assert trajectory(below, "sgd").f[100] < trajectory(below, "sgd").f[0]
    past = trajectory(s.with_parameter("b", 22.5).race().run(), "sgd")
    assert past.f[100] > 100 * past.f[0]  # the zig-zag grows
    assert trajectory(s.with_parameter("b", 25).race().run(), "sgd").status == Status.DIVERGED
    steep = s.with_parameter("b", 200).race().run()
    gd = trajectory(steep, "sgd")
    assert gd.status == Status.DIVERGED and gd.trouble_step == 7
    assert gd.notes[0].startswith("gradient exploded at step 7")
    assert trajectory(steep, "rmsprop").status == Status.CONVERGED
    assert trajectory(steep, "adam").f[100] < 0.01


# -- 5. saddles and Newton's method ------------------------------------------------------------
def test_saddle_lesson_state():
    s = BY_KEY["saddle"].session()
    assert (s.preset, s.start, s.ticked, s.steps) == (
        "saddle",
        (-1.8, 0.05),
        ("sgd", "adam", "newton"),
        150,
    )
    assert s.optimizer("newton").values == {"lr": 1.0, "damping": 1.0}
    assert s.optimizer("sgd").values["lr"] == s.optimizer("adam").values["lr"] == 0.05


def test_newtons_step_lands_on_the_saddle_and_the_runs_escape(results):
    s = BY_KEY["saddle"].session()
    c = curvature_at(s.race().objective(), s.start)
    assert c.kind.name == "SADDLE" and c.eigenvalues == pytest.approx((-2.0, 2.0))
    assert c.newton_step is not None
    landing = np.add(s.start, c.newton_step)
    assert landing == pytest.approx((0.0, 0.0), abs=1e-15)  # −H⁻¹∇f, H = diag(2, −2)
    assert c.newton_step == pytest.approx((1.8, -0.05))
    r = results["saddle"]
    for t in r.trajectories:
        assert t.notes[0].startswith("f decreases without bound"), t.optimizer
    assert any("eigenvalues shifted" in n for n in trajectory(r, "newton").notes)


def test_gradient_descent_needs_longer_to_leave_nearer_the_ridge():
    s = BY_KEY["saddle"].session()
    escapes = []
    for y0 in (0.05, 0.005):
        t = trajectory(s.with_start(-1.8, y0).race().run(), "sgd")
        escapes.append(int(np.argmax(np.abs(t.points[:, 1]) > 1)))
    # y grows by 1 + 2η = 1.1 a step: |y| > 1 after ⌈ln(1/y₀)/ln 1.1⌉ steps
    assert escapes == [math.ceil(math.log(1 / y0) / math.log(1.1)) for y0 in (0.05, 0.005)]
    assert escapes == [32, 56]
    text = BY_KEY["saddle"].text + BY_KEY["saddle"].drag_next
    assert "32 steps" in text and "56 steps" in text and "another 24" in text


# -- 6. vanishing and exploding gradients ------------------------------------------------------
def test_vanishing_lesson_state():
    s = BY_KEY["vanishing"].session()
    assert (s.function, s.preset, s.start, s.ticked, s.steps) == (
        PLATEAU,
        None,
        (4.0, 0.5),
        ("sgd", "adam"),
        300,
    )
    assert tuple(s.view) == ((-5.0, 5.0), (-3.0, 3.0)) and s.home == s.view
    assert BY_KEY["vanishing"].overlays["colour_by"] == "gradient_norm"


def test_plain_descent_stalls_on_the_plateau_and_adam_does_not(results):
    r = results["vanishing"]
    s = StepInspector(r, run_of(r, "sgd"), 0).at(0)
    sech2 = 1 / math.cosh(4.0) ** 2
    assert s.gradient == pytest.approx((2 * math.tanh(4.0) * sech2, 1.0))  # by hand
    assert round(s.gradient[0], 5) == 0.00268
    gd = trajectory(r, "sgd")
    assert gd.notes[0].startswith("stalled on a plateau")
    assert gd.points[300][0] > 3.9 and abs(gd.points[300][1]) < 1e-20  # slid down in y only
    assert trajectory(r, "adam").f[300] < 1e-12
    c = curvature_at(r.objective, (4.0, 0.5))
    assert c.eigenvalues[1] == pytest.approx(2.0) and c.stable_lr == pytest.approx(1.0)


def test_a_larger_learning_rate_crosses_the_plateau_then_explodes_and_clipping_holds_it():
    s = BY_KEY["vanishing"].session()
    crossing = trajectory(s.with_hyperparameter("sgd", "lr", 0.9).race().run(), "sgd")
    assert crossing.status == Status.CONVERGED and crossing.stop == 291
    too_far = s.with_hyperparameter("sgd", "lr", 1.2)
    exploded = trajectory(too_far.race().run(), "sgd")
    assert exploded.notes[0].startswith("gradient exploded at step 57")
    clipped = too_far.with_training(Training(clip=Clipping("norm", 1.0))).race().run()
    held = trajectory(clipped, "sgd")
    assert held.status == Status.MAX_STEPS and np.all(np.abs(held.points) < 10)
    assert "291" in BY_KEY["vanishing"].drag_next and "step 57" in BY_KEY["vanishing"].drag_next


# -- 7. local minima ---------------------------------------------------------------------------
def test_where_a_run_starts_decides_which_valley_it_ends_in(results):
    r = results["local-minima"]
    gd, momentum, adam = (trajectory(r, n) for n in ("sgd", "momentum", "adam"))
    assert gd.points[gd.stop] == pytest.approx((-1.748, 0.874), abs=1e-3)
    assert gd.notes[0].startswith("stopped in a local minimum")
    assert momentum.points[momentum.stop] == pytest.approx((1.748, -0.874), abs=1e-3)
    assert round(gd.f[gd.stop], 3) == round(momentum.f[momentum.stop], 3) == 0.299
    assert adam.points[adam.stop] == pytest.approx((0.0, 0.0), abs=1e-6)
    elsewhere = BY_KEY["local-minima"].session().with_start(-0.5, -1.5).race().run()
    t = trajectory(elsewhere, "sgd")
    assert t.points[t.stop] == pytest.approx((0.0, 0.0), abs=1e-6)
