"""The step inspector: the run's own numbers, its rule written out, checkable by hand.

The hand-worked checks read the numbers out of the printed text and redo each optimiser's
step with the formulas of its documentation (torch.optim), written here independently of
the rule text the engine runs.
"""

import ast
import math
import re

import numpy as np
import pytest

from gradient_studio.engine import (
    Clipping,
    GradientNoise,
    Objective,
    OptimizerChoice,
    Schedule,
    Training,
    run,
)
from gradient_studio.engine.inspector import StepInspector
from gradient_studio.engine.optimizers import OPTIMIZERS

ROSENBROCK = Objective.from_text("(1 - x)^2 + 10(y - x^2)^2 + 0.1 sin(3x)")
STARTS = [(-1.2, 1.0), (0.5, -0.3)]
TRAININGS = {
    "plain": Training(),
    "schedule, clip norm, noise": Training(
        Schedule("onecycle"), Clipping("norm", 3.0), GradientNoise(0.3, 0.55, seed=4)
    ),
    "clip value": Training(Schedule("cosine"), Clipping("value", 0.5)),
}


def choice(name):
    return OptimizerChoice(name, {} if name in ("newton", "adadelta") else {"lr": 2e-3})


def inspectors(name, training, steps=40):
    result = run(ROSENBROCK, [choice(name)], STARTS, steps, training=training)
    return result, [StepInspector(result, 0, j) for j in range(len(STARTS))]


# -- the numbers are the run's --------------------------------------------------------------


@pytest.mark.parametrize("training", TRAININGS, ids=str)
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_point_is_the_runners_to_the_last_bit(name, training, path):
    result, found = inspectors(name, TRAININGS[training])
    for j, inspector in enumerate(found):
        t = result.trajectory(0, j)
        previous = None
        for k in range(t.stop + 1):
            step = inspector.at(k)
            assert step.point == tuple(t.points[k]), (k, step.point, t.points[k])
            assert step.f == t.f[k] and step.grad_norm == pytest.approx(t.grad_norm[k], rel=1e-15)
            if k < t.stop:
                assert step.next_point == tuple(t.points[k + 1])
            if previous is not None:  # the state after a step is the state before the next
                assert [v.value for v in step.state] == [v.after for v in previous.state]
            previous = step


def test_the_first_step_starts_from_the_optimisers_initial_state():
    _, (inspector, _) = inspectors("rprop", Training())
    (prev, size) = inspector.at(0).state
    assert (prev.value, size.value) == ((0.0, 0.0), (2e-3, 2e-3))  # Rprop's η starts at lr
    assert (size.symbol, size.label) == ("Δ", "step size (starts at lr)")


def test_a_run_that_diverged_shows_the_step_that_threw_it_out():
    obj = Objective.from_text("x^2 + 3y^2")
    result = run(obj, [OptimizerChoice("sgd", {"lr": 1.5})], (1.0, 1.0), 50)
    t = result.trajectory(0, 0)
    last = StepInspector(result, 0, 0).at(t.stop)
    assert t.status == "diverged" and t.trouble_step == t.stop + 1
    assert last.next_point is not None and abs(last.next_point[1]) > 1e8
    assert "diverged" in last.ending


def test_a_converged_run_has_no_step_after_its_last_point():
    obj = Objective.from_text("x^2 + y^2")
    result = run(obj, [OptimizerChoice("sgd", {"lr": 0.5})], (1.0, 1.0), 50)
    inspection = StepInspector(result, 0, 0).at(result.trajectory(0, 0).stop)
    assert inspection.next_point is None and inspection.point_lines == ()
    assert "converged" in inspection.ending and "converged" in inspection.text()


def test_steps_outside_the_run_are_refused():
    _, (inspector, _) = inspectors("sgd", Training(), steps=5)
    with pytest.raises(IndexError, match="outside"):
        inspector.at(6)
    with pytest.raises(IndexError):
        inspector.at(-1)


def test_a_streaming_result_is_inspected_as_far_as_it_has_gone():
    from gradient_studio.engine import stream

    runs = stream(ROSENBROCK, [choice("adam")], STARTS[0], 300, chunk=100)
    partial = next(runs)
    inspector = StepInspector(partial, 0, 0)
    assert inspector.last == 99
    early = inspector.at(99)
    *_, whole = runs
    assert inspector.last == 300
    assert inspector.at(99).next_point == tuple(whole.trajectory(0, 0).points[100])
    assert early.point == inspector.at(99).point


# -- the printed arithmetic holds ---------------------------------------------------------


def evaluate(text):
    """Redo the printed arithmetic with plain Python (the test's own small evaluator)."""
    text = text.replace("−", "-").replace("·", "*").replace("^", "**")
    text = re.sub(r"√([0-9.]+(e[-+]?[0-9]+)?)", r"sqrt(\1)", text).replace("√", "sqrt")
    text = re.sub(r"\|([^|]*)\|", r"abs(\1)", text)
    functions = {"sqrt": math.sqrt, "abs": abs, "max": max, "min": min}
    functions["sign"] = lambda v: math.copysign(1.0, v) if v else 0.0
    functions["clip"] = lambda v, lo, hi: min(max(v, lo), hi)

    operators = {
        ast.Add: lambda a, b: a + b,
        ast.Sub: lambda a, b: a - b,
        ast.Mult: lambda a, b: a * b,
        ast.Div: lambda a, b: a / b,
        ast.Pow: lambda a, b: a**b,
    }

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand)
        if isinstance(node, ast.BinOp):
            return operators[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.Call):
            return functions[node.func.id](*(walk(a) for a in node.args))
        raise AssertionError(f"unexpected {ast.dump(node)}")

    return walk(ast.parse(text, mode="eval"))


def all_lines(step):
    blocks = [line for block in step.rule_lines for line in block]
    return [*step.transform_lines, *step.step_lines, *blocks, *step.point_lines]


@pytest.mark.parametrize("training", TRAININGS, ids=str)
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_printed_line_is_its_own_arithmetic(name, training):
    _, (inspector, _) = inspectors(name, TRAININGS[training])
    for k in (0, 1, 7, 20):
        for line in all_lines(inspector.at(min(k, inspector.last))):
            if isinstance(line.expression, ast.Compare):
                continue
            exact = evaluate(line.numbers(17))
            assert exact == pytest.approx(line.value, rel=1e-15, abs=1e-300), line.text(17)
            # and at the default six digits, as a person checks it with a calculator
            rough = evaluate(line.numbers())
            assert rough == pytest.approx(line.value, rel=2e-3, abs=1e-9), line.text()


# -- hand-worked steps from the printed numbers -------------------------------------------

HYPER = {"η": "lr", "β₁": "beta1", "β₂": "beta2", "ε": "eps", "μ": "momentum", "α": "alpha"}
HYPER |= {"ρ": "rho", "η₋": "eta_minus", "η₊": "eta_plus", "η_min": "step_min"}
HYPER |= {"η_max": "step_max", "λ": "weight_decay", "ψ": "momentum_decay", "δ": "damping"}


def num(text):
    return float(text.strip().replace("−", "-").replace("∞", "inf"))


def parse(text):
    """The printed inspection as numbers: point, gradient, hyperparameters, t, the state
    before, and per coordinate (or "b" for both) the state after and the new point."""
    out = {"hyper": {}, "before": {}, "after": {"x": {}, "y": {}, "b": {}}, "next": {}}
    axis, rows = None, text.splitlines()[1:]
    for i, raw in enumerate(rows):
        line = raw.strip()
        parts = line.split(" = ")
        if line in ("x:", "y:", "both coordinates:"):
            axis = line[0]
        elif re.match(r"^x[₀-₉]+ = \S+   y[₀-₉]+ = \S+$", line):
            xs, ys = line.split("   ")
            out["point"] = (num(xs.split(" = ")[1]), num(ys.split(" = ")[1]))
        elif line.startswith("∂f/∂x = "):
            gx, gy, _ = line.split("   ")
            out["gradient"] = (num(gx.split(" = ")[1]), num(gy.split(" = ")[1]))
        elif line.startswith("η = "):  # the hyperparameters; the state follows
            for item in line.split("   "):
                symbol, value = item.replace(" (scheduled)", "").split(" = ")
                if symbol == "t":
                    out["t"] = num(value)
                else:
                    out["hyper"][HYPER[symbol]] = num(value)
            state = rows[i + 1] if i + 1 < len(rows) else ""
            state = state.removeprefix("state before: ") if state.startswith("state") else ""
            for item in state.split("   ") if state else []:
                symbol, value = item.split(" = ")
                if value.startswith("("):
                    x, y = value.strip("()").split(", ")
                    out["before"][symbol] = (num(x), num(y))
                else:
                    out["before"][symbol] = num(value)
        elif re.match(r"^[xy][₀-₉]+$", parts[0]) and len(parts) > 2:
            out["next"][parts[0][0]] = num(parts[-1])
        elif axis is not None and raw.startswith("  "):
            out["after"][axis][parts[0]] = num(parts[-1])
    return out


def hand_step(name, p, g, h, t, state):
    """One coordinate's step by the documented formulas: (new point, new state by symbol)."""
    if name == "sgd":
        return p - h["lr"] * g, {}
    if name in ("momentum", "nesterov"):
        b = h["momentum"] * state["b"] + g
        step = g + h["momentum"] * b if name == "nesterov" else b
        return p - h["lr"] * step, {"b": b}
    if name == "adagrad":
        acc = state["s"] + g * g
        return p - h["lr"] * g / (math.sqrt(acc) + h["eps"]), {"s": acc}
    if name == "rmsprop":
        v = h["alpha"] * state["v"] + (1 - h["alpha"]) * g * g
        return p - h["lr"] * g / (math.sqrt(v) + h["eps"]), {"v": v}
    if name == "adadelta":
        v = h["rho"] * state["v"] + (1 - h["rho"]) * g * g
        delta = math.sqrt(state["a"] + h["eps"]) / math.sqrt(v + h["eps"]) * g
        a = h["rho"] * state["a"] + (1 - h["rho"]) * delta * delta
        return p - h["lr"] * delta, {"v": v, "a": a}
    if name == "rprop":
        agree = g * state["g₋"]
        size = state["Δ"]
        if agree > 0:
            size = min(size * h["eta_plus"], h["step_max"])
        elif agree < 0:
            size, g = max(size * h["eta_minus"], h["step_min"]), 0.0
        return p - math.copysign(size, g) * (g != 0), {"Δ": size, "g₋": g}
    b1, b2, eps, lr = h["beta1"], h["beta2"], h["eps"], h["lr"]
    m = b1 * state["m"] + (1 - b1) * g
    if name == "adamax":
        n = max(b2 * state["n"], abs(g) + eps)
        return p - lr / (1 - b1**t) * m / n, {"m": m, "n": n}
    v = b2 * state["v"] + (1 - b2) * g * g
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    if name == "adam":
        return p - lr * m_hat / (math.sqrt(v_hat) + eps), {"m": m, "v": v}
    if name == "adamw":
        shrunk = p * (1 - lr * h["weight_decay"])
        return shrunk - lr * m_hat / (math.sqrt(v_hat) + eps), {"m": m, "v": v}
    if name == "amsgrad":
        v_max = max(state["v̂"], v)
        return p - lr * m_hat / (math.sqrt(v_max / (1 - b2**t)) + eps), {"m": m, "v": v, "v̂": v_max}
    if name == "nadam":
        psi = h["momentum_decay"]
        mu, mu_next = (b1 * (1 - 0.5 * 0.96 ** (i * psi)) for i in (t, t + 1))
        product = state["Πμ"] * mu
        d = math.sqrt(v / (1 - b2**t)) + eps
        new = (
            p
            - lr * (1 - mu) / (1 - product) * g / d
            - lr * mu_next / (1 - product * mu_next) * m / d
        )
        return new, {"m": m, "v": v, "Πμ": product}
    if name == "radam":
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * b2**t / (1 - b2**t)
        if rho_t <= 5:
            return p - lr * m_hat, {"m": m, "v": v}
        r = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        return p - lr * m_hat * r * math.sqrt(1 - b2**t) / (math.sqrt(v) + eps), {"m": m, "v": v}
    raise AssertionError(name)


def newton_step(parsed, hessian):
    h = parsed["hyper"]
    H = np.array(hessian)
    lam_min = np.linalg.eigvalsh(H)[0]
    sigma = h["damping"] + max(0.0, -lam_min)
    step = np.linalg.solve(H + sigma * np.eye(2), np.array(parsed["gradient"]))
    return np.array(parsed["point"]) - h["lr"] * step, parsed["before"]["shifted"] + (lam_min <= 0)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_each_optimisers_step_redone_by_hand_from_the_printed_numbers(name):
    _, (inspector, _) = inspectors(name, Training(Schedule("exponential", {"gamma": 0.97})))
    for k in (0, 1, 2, 9, 25):
        step = inspector.at(min(k, inspector.last - 1))
        parsed = parse(step.text(digits=17))
        assert parsed["point"] == step.point and parsed["gradient"] == step.gradient
        if name == "newton":
            # the Hessian is not printed among the inputs; it is the objective's at the point
            hessian = ROSENBROCK.hessian(*parsed["point"])
            new, shifted = newton_step(parsed, hessian)
            assert (parsed["next"]["x"], parsed["next"]["y"]) == pytest.approx(tuple(new), rel=1e-9)
            assert parsed["after"]["b"]["shifted"] == shifted
            continue
        for axis, c in (("x", 0), ("y", 1)):
            state = {symbol: pair[c] for symbol, pair in parsed["before"].items()}
            new, after = hand_step(
                name, parsed["point"][c], parsed["gradient"][c], parsed["hyper"], parsed["t"], state
            )
            assert parsed["next"][axis] == pytest.approx(new, rel=1e-12, abs=1e-15), (k, axis)
            for symbol, value in after.items():
                assert parsed["after"][axis][symbol] == pytest.approx(value, rel=1e-12, abs=1e-300)


# -- hand-worked numbers ------------------------------------------------------------------


BOWL = Objective.from_text("x^2 + 10y^2")


def first_step(name, hyper, training=None, start=(1.0, 1.0)):
    result = run(BOWL, [OptimizerChoice(name, hyper)], start, 5, training=training)
    return StepInspector(result, 0, 0).at(0)


def test_gradient_descent_by_hand():
    s = first_step("sgd", {"lr": 0.01})
    assert s.gradient == (2.0, 20.0) and s.grad_norm == pytest.approx(math.hypot(2, 20))
    assert s.next_point == pytest.approx((0.98, 0.8))
    assert s.point_lines[0].text(4) == "x₁ = x₀ − η·∂f/∂x = 1 − 0.01·2 = 0.98"
    assert s.step_vector == pytest.approx((-0.02, -0.2))


def test_momentum_by_hand_two_steps():
    result = run(BOWL, [OptimizerChoice("momentum", {"lr": 0.01, "momentum": 0.5})], (1.0, 1.0), 5)
    second = StepInspector(result, 0, 0).at(1)
    # b₁ = g₀ = (2, 20); x₁ = (0.98, 0.8); g₁ = (1.96, 16); b₂ = 0.5·b₁ + g₁ = (2.96, 26)
    (b,) = second.state
    assert (b.symbol, b.label) == ("b", "velocity")
    assert b.value == pytest.approx((2.0, 20.0)) and b.after == pytest.approx((2.96, 26.0))
    assert second.next_point == pytest.approx((0.98 - 0.0296, 0.8 - 0.26))


def test_adam_first_step_is_about_lr_along_minus_the_sign():
    s = first_step("adam", {"lr": 0.1})
    m, v = s.state
    assert m.after == pytest.approx((0.2, 2.0)) and v.after == pytest.approx((0.004, 0.4))
    step_size, correction = (line.value for line in s.step_lines)
    assert step_size == pytest.approx(0.1 / 0.1) and correction == pytest.approx(math.sqrt(0.001))
    assert s.next_point == pytest.approx((0.9, 0.9), rel=1e-7)
    assert (m.label, v.label) == ("first moment", "second moment")


def test_clipping_by_norm_shows_the_gradient_the_rule_was_given():
    s = first_step("sgd", {"lr": 0.1}, Training(clip=Clipping("norm", 1.0)))
    scale = 1.0 / (math.hypot(2, 20) + 1e-6)
    assert s.gradient == (2.0, 20.0)
    assert s.seen_gradient == pytest.approx((2 * scale, 20 * scale))
    assert s.next_point == pytest.approx((1 - 0.2 * scale, 1 - 2 * scale))
    assert any(line.symbol == "g_x" for line in s.transform_lines)
    assert "x₁ = x₀ − η·g_x" in s.text()


def test_the_scheduled_learning_rate_is_the_one_the_step_used():
    training = Training(Schedule("step", {"step_size": 1, "gamma": 0.5}))
    result = run(BOWL, [OptimizerChoice("sgd", {"lr": 0.01})], (1.0, 1.0), 5, training=training)
    inspector = StepInspector(result, 0, 0)
    lrs = [inspector.at(k).lr for k in range(4)]
    assert lrs == pytest.approx([0.01, 0.005, 0.0025, 0.00125])
    assert lrs == pytest.approx(list(result.trajectory(0, 0).lr[1:5]))
    assert "η = 0.005 (scheduled)" in inspector.at(1).text()


def test_newtons_joint_rule_is_written_out_once_for_both_coordinates():
    s = first_step("newton", {})
    text = s.text()
    assert "both coordinates:" in text and "λ_min" in text and "x₁ = x₀ −" in text
    assert s.next_point == pytest.approx((0.0, 0.0), abs=1e-3)  # a quadratic: one step


def test_the_text_says_what_the_symbols_are():
    text = first_step("adam", {"lr": 0.1}).text()
    assert text.splitlines()[1].startswith("m: first moment; v: second moment")
    html = first_step("adam", {"lr": 0.1}).html()
    assert html.startswith("<p><b>Adam, step 1") and "<table" in html and "&lt;" not in html


def test_every_optimiser_names_each_number_its_rule_computes():
    for spec in OPTIMIZERS.values():
        assert all(h.symbol for h in spec.hyperparameters), spec.name
        named = {q.name for q in spec.quantities}
        for text in (spec.per_step, spec.per_coord, spec.joint):
            for node in ast.walk(ast.parse("\n".join(s.strip() for s in text.splitlines()))):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    assert node.id in named | {"u", "ux", "uy"}, (spec.name, node.id)
        assert {n for n, _ in spec.state} <= named, spec.name


def test_a_run_the_runner_redid_with_numpy_is_inspected_the_same_way():
    # x ← x − 0.5/x from 3 crosses 0 at step 11: math.log raises in the generated loop, so
    # the runner redid the whole start with numpy; the inspector follows it
    obj = Objective.from_text("log(x) + y^2")
    result = run(obj, [OptimizerChoice("sgd", {"lr": 0.5})], (3.0, 0.5), 50)
    t = result.trajectory(0, 0)
    inspector = StepInspector(result, 0, 0)
    assert t.status == "left-domain" and t.stop == 10
    for k in range(t.stop + 1):
        step = inspector.at(k)
        assert step.point == tuple(t.points[k]) and step.f == t.f[k]
    assert not inspector.replay.fast
    assert step.next_point[0] < 0 and "left the domain" in step.ending
