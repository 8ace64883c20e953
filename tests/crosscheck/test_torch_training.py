"""Schedules and clipping against torch.optim.lr_scheduler and torch.nn.utils: 200 steps on
Rosenbrock through the real runner, in both engine paths, to 1e-9.

Not collected by default (torch is no dependency); run with a Python that has torch::

    python -m pytest tests/crosscheck -q -p no:cacheprovider

Each start is its own torch parameter with its own optimiser and scheduler, as each start is
its own run here (``clip_grad_norm_`` takes one norm per parameter list). The gradient is
Rosenbrock's, by hand, in float64 on both sides. One-cycle on plain gradient descent runs
torch with ``cycle_momentum=False``: torch would give SGD a momentum of 0.95 (its default
momentum of 0 is replaced), while gradient descent here has none to cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

from gradient_studio.engine import OPTIMIZERS, Objective, OptimizerChoice, run
from gradient_studio.engine import runner as runner_module
from gradient_studio.engine.schedules import SCHEDULES, Schedule
from gradient_studio.engine.transforms import Clipping, Training

torch = pytest.importorskip("torch")
lr_scheduler = torch.optim.lr_scheduler

STEPS = 200
TOLERANCE = 1e-9
STARTS = np.array([[-1.5, 2.0], [0.0, 1.0], [1.2, 1.0], [-1.2, 0.0], [0.5, 2.0]])
ROSENBROCK = Objective.from_text("(1 - x)^2 + 100(y - x^2)^2")
WORST: dict[str, float] = {}

HYPER = {"sgd": {"lr": 1e-3}, "momentum": {"lr": 5e-4}, "adam": {"lr": 2e-2}}
SCHEDULE_CASES = {
    "constant": Schedule(),
    "step": Schedule("step", {"step_size": 30, "gamma": 0.5}),
    "exponential": Schedule("exponential", {"gamma": 0.99}),
    "cosine": Schedule("cosine"),
    "cosine-and-back": Schedule("cosine", {"T_max": 70, "eta_min": 1e-5}),
    "linear": Schedule("linear"),
    "linear-warmup": Schedule("linear", {"start_factor": 0.05, "total_iters": 60}),
    "onecycle": Schedule("onecycle"),
    "onecycle-no-momentum": Schedule("onecycle", {"cycle_momentum": False}),
    "onecycle-tuned": Schedule(
        "onecycle",
        {"total_steps": 250, "pct_start": 0.2, "div_factor": 10, "final_div_factor": 100},
    ),
}


def gradient(p: np.ndarray) -> np.ndarray:
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def torch_scheduler(optimizer: Any, schedule: Schedule, cycle: bool) -> Any:
    o = schedule.resolved(STEPS)
    name = schedule.name
    if name == "constant":
        return lr_scheduler.LambdaLR(optimizer, lambda _: 1.0)
    if name == "step":
        return lr_scheduler.StepLR(optimizer, int(o["step_size"]), o["gamma"])
    if name == "exponential":
        return lr_scheduler.ExponentialLR(optimizer, o["gamma"])
    if name == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, int(o["T_max"]), o["eta_min"])
    if name == "linear":
        return lr_scheduler.LinearLR(
            optimizer, o["start_factor"], o["end_factor"], int(o["total_iters"])
        )
    return lr_scheduler.OneCycleLR(
        optimizer,
        max_lr=optimizer.param_groups[0]["lr"],
        total_steps=int(o["total_steps"]),
        pct_start=float(o["pct_start"]),
        div_factor=o["div_factor"],
        final_div_factor=o["final_div_factor"],
        cycle_momentum=cycle,
        base_momentum=o["base_momentum"],
        max_momentum=o["max_momentum"],
    )


def torch_optimizer(name: str, h: Mapping[str, float], param: Any) -> Any:
    if name == "sgd":
        return torch.optim.SGD([param], lr=h["lr"])
    if name == "momentum":
        return torch.optim.SGD([param], lr=h["lr"], momentum=h["momentum"])
    return torch.optim.Adam([param], lr=h["lr"], betas=(h["beta1"], h["beta2"]), eps=h["eps"])


def theirs(name: str, training: Training) -> tuple[np.ndarray, np.ndarray]:
    """torch's points (steps + 1, n, 2) and the lr each step used (steps,)."""
    hyper = OPTIMIZERS[name].resolve(HYPER[name])
    cycle = training.schedule.cycles_momentum() and name != "sgd"
    points = np.empty((STEPS + 1, *STARTS.shape))
    points[0] = STARTS
    lrs = np.empty(STEPS)
    for j, start in enumerate(STARTS):
        param = torch.tensor(start.copy())
        optimizer = torch_optimizer(name, hyper, param)
        scheduler = torch_scheduler(optimizer, training.schedule, cycle)
        for k in range(STEPS):
            param.grad = torch.from_numpy(gradient(param.detach().numpy()))
            if training.clip is not None and training.clip.by == "norm":
                torch.nn.utils.clip_grad_norm_([param], training.clip.threshold)
            elif training.clip is not None:
                torch.nn.utils.clip_grad_value_([param], training.clip.threshold)
            lrs[k] = optimizer.param_groups[0]["lr"]
            optimizer.step()
            scheduler.step()
            points[k + 1, j] = param.detach().numpy()
    return points, lrs


def ours(name: str, training: Training, fast: bool, monkeypatch: Any) -> Any:
    if not fast:
        monkeypatch.setattr(runner_module, "FAST_PATH_MAX_STARTS", 0)
    choice = OptimizerChoice(name, HYPER[name])
    result = run(ROSENBROCK, [choice], STARTS, STEPS, training=training)
    batch = result.batches[0]
    assert all(s == "max-steps" for s in batch.status)
    return batch


def largest_difference(a: np.ndarray, b: np.ndarray) -> float:
    assert np.isfinite(a).all() and np.isfinite(b).all()
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b))))


def check(label: str, name: str, training: Training, monkeypatch: Any) -> None:
    expected, lrs = theirs(name, training)
    for fast in (True, False):
        batch = ours(name, training, fast, monkeypatch)
        np.testing.assert_allclose(batch.lr[1:], lrs, rtol=1e-12, atol=0)
        worst = largest_difference(batch.points, expected)
        key = f"{label} {name} {'fast' if fast else 'array'}"
        WORST[key] = worst
        assert worst < TOLERANCE, key
        monkeypatch.undo()


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("label", SCHEDULE_CASES)
def test_schedule_matches_torch(label: str, name: str, monkeypatch: Any) -> None:
    check(label, name, Training(SCHEDULE_CASES[label]), monkeypatch)


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize(
    "clip", [Clipping("norm", 5.0), Clipping("norm", 50.0), Clipping("value", 2.0)], ids=str
)
@pytest.mark.parametrize("schedule", ["constant", "cosine", "onecycle"])
def test_clipping_matches_torch(name: str, clip: Clipping, schedule: str, monkeypatch: Any) -> None:
    training = Training(SCHEDULE_CASES[schedule], clip)
    check(f"{schedule} clip-{clip.by}={clip.threshold:g}", name, training, monkeypatch)


@pytest.mark.parametrize("label", SCHEDULE_CASES)
def test_learning_rates_over_a_long_run_match_torch(label: str) -> None:
    """1,000 steps: torch's step-by-step recursion against the closed forms used here."""
    schedule = SCHEDULE_CASES[label]
    steps = 1000
    if schedule.name == "onecycle":
        schedule = Schedule("onecycle", {**schedule.options, "total_steps": steps})
    param = torch.zeros(2)
    optimizer = torch.optim.Adam([param], lr=0.05)
    scheduler = torch_scheduler_for(optimizer, schedule, steps)
    expected_lr, expected_beta1 = [], []
    for _ in range(steps):
        expected_lr.append(optimizer.param_groups[0]["lr"])
        expected_beta1.append(optimizer.param_groups[0]["betas"][0])
        optimizer.step()
        scheduler.step()
    np.testing.assert_allclose(schedule.learning_rates(0.05, steps), expected_lr, rtol=1e-12)
    momenta = schedule.momenta(steps)
    if momenta is not None:
        np.testing.assert_allclose(momenta, expected_beta1, rtol=1e-12)


def torch_scheduler_for(optimizer: Any, schedule: Schedule, steps: int) -> Any:
    global STEPS
    saved, STEPS = STEPS, steps
    try:
        return torch_scheduler(optimizer, schedule, schedule.cycles_momentum())
    finally:
        STEPS = saved


def test_every_schedule_is_checked() -> None:
    assert {s.name for s in SCHEDULE_CASES.values()} == set(SCHEDULES)


def test_report_the_worst_differences() -> None:
    """Prints the worst difference per case (run with -s); runs last in this file."""
    if WORST:
        key = max(WORST, key=WORST.__getitem__)
        print(f"\nworst of {len(WORST)} cases: {WORST[key]:.3g} ({key})")
        for label, clipped in (("with clipping", True), ("schedules alone", False)):
            group = {k: v for k, v in WORST.items() if ("clip" in k) == clipped}
            if group:
                worst = max(group, key=group.__getitem__)
                print(f"worst {label}: {group[worst]:.3g} ({worst})")
