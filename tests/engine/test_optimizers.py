"""The optimisers against values worked out by hand from torch.optim's documented formulas.

Every expected value below is the recurrence of the paper/torch docs unrolled by hand for the
gradients G1, G2, G3 (numbers where they come out round, the unrolled closed form where they
do not), never the code under test. Two points per batch, so batching is exercised; the
coordinates are independent, so each of the four columns is its own little test.
The long-run agreement with torch itself lives in ``tests/crosscheck``.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradient_studio.engine.kernel import build
from gradient_studio.engine.optimizers import OPTIMIZERS

G1 = np.array([[1.0, -2.0], [0.5, 4.0]])
G2 = np.array([[2.0, -1.0], [-0.5, 4.0]])
G3 = np.array([[1.0, 3.0], [-1.0, 4.0]])
P0 = np.array([[1.0, 2.0], [-3.0, 0.5]])
EPS = 1e-8


def steps(
    name: str,
    grads: Sequence[np.ndarray],
    params: np.ndarray = P0,
    overrides: dict[str, float] | None = None,
    hessian: np.ndarray | None = None,
) -> tuple[list[np.ndarray], object]:
    """The updates for ``grads`` one step each, and the final state."""
    optimizer = build(OPTIMIZERS[name], overrides)
    state = optimizer.init(params)
    updates = []
    for g in grads:
        u, state = optimizer.update(g, state, params, hessian)
        updates.append(u)
        params = params + u
    return updates, state


def close(actual: np.ndarray, expected: object) -> None:
    np.testing.assert_allclose(actual, np.asarray(expected, dtype=float), rtol=1e-12, atol=1e-15)


# --- the catalogue -----------------------------------------------------------------------

DEFAULTS = {
    "sgd": {"lr": 1e-3},
    "momentum": {"lr": 1e-3, "momentum": 0.9},
    "nesterov": {"lr": 1e-3, "momentum": 0.9},
    "adagrad": {"lr": 1e-2, "eps": 1e-10},
    "rmsprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8},
    "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "amsgrad": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "adamw": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
    "adamax": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "nadam": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "momentum_decay": 0.004},
    "radam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
    "rprop": {"lr": 1e-2, "eta_minus": 0.5, "eta_plus": 1.2, "step_min": 1e-6, "step_max": 50.0},
    "newton": {"lr": 1.0, "damping": 1e-3},
}

STATE_FIELDS = {
    "sgd": ("count",),
    "momentum": ("count", "buf"),
    "nesterov": ("count", "buf"),
    "adagrad": ("count", "sum"),
    "rmsprop": ("count", "square_avg"),
    "adam": ("count", "m", "v"),
    "amsgrad": ("count", "m", "v", "v_max"),
    "adamw": ("count", "m", "v"),
    "adamax": ("count", "m", "exp_inf"),
    "nadam": ("count", "m", "v", "mu_product"),
    "radam": ("count", "m", "v"),
    "adadelta": ("count", "square_avg", "acc_delta"),
    "rprop": ("count", "prev", "step_size"),
    "newton": ("count", "shifted_steps"),
}


def test_the_fourteen_optimisers_in_order() -> None:
    assert list(OPTIMIZERS) == list(DEFAULTS)


@pytest.mark.parametrize("name", DEFAULTS)
def test_defaults(name: str) -> None:
    assert OPTIMIZERS[name].defaults == DEFAULTS[name]


@pytest.mark.parametrize("name", STATE_FIELDS)
def test_state_fields(name: str) -> None:
    optimizer = build(OPTIMIZERS[name])
    state = optimizer.init(P0)
    assert state._fields == STATE_FIELDS[name]
    assert state.count == 0
    shape = (2,) if OPTIMIZERS[name].joint else (2, 2)
    assert all(np.shape(value) == shape for value in state[1:])
    _, after = steps(name, [G1], hessian=np.array([np.eye(2), np.eye(2)]))
    assert after._fields == STATE_FIELDS[name] and after.count == 1


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_metadata_is_complete(name: str) -> None:
    spec = OPTIMIZERS[name]
    assert spec.name == name
    for text in (spec.display_name, spec.summary, spec.rule, spec.reference):
        assert text.strip()
    assert "\n" not in spec.summary
    assert "torch.optim" in spec.reference or name == "newton"
    assert spec.tooltip.startswith(spec.display_name)
    names = [h.name for h in spec.hyperparameters]
    assert len(names) == len(set(names))
    for h in spec.hyperparameters:
        assert h.low < h.high and h.low <= h.default <= h.high, h
        assert h.description.strip(), h
        assert h.low > 0 or not h.log, h
        if h.name in ("lr", "eps"):
            assert h.log, h
    assert (spec.hyperparameter("lr").low, spec.hyperparameter("lr").high) == (1e-5, 10.0)


def test_unknown_hyperparameter_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match=r"adam has no hyperparameter 'beta3'.*beta1, beta2"):
        build(OPTIMIZERS["adam"], {"beta3": 0.5})


ALLOWED_CALLS = {"sqrt", "abs", "sign", "maximum", "minimum", "where", "clip"}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_rule_text_stays_in_the_kernel_language(name: str) -> None:
    """One plain statement a line, so the scalar fast path can inline it coordinate by
    coordinate: assignments only, the listed functions only, no ``if`` blocks."""
    spec = OPTIMIZERS[name]
    for text, calls in ((spec.per_coord + spec.joint, ALLOWED_CALLS), (spec.per_step, set())):
        for line in filter(None, (raw.strip() for raw in text.splitlines())):
            (statement,) = ast.parse(line).body
            assert isinstance(statement, ast.Assign), line
            for node in ast.walk(statement):
                if isinstance(node, ast.Call):
                    assert isinstance(node.func, ast.Name) and node.func.id in calls, line


# --- first steps, by hand ----------------------------------------------------------------


def test_sgd() -> None:
    u1, u2 = steps("sgd", [G1, G2])[0]
    close(u1, [[-0.001, 0.002], [-0.0005, -0.004]])
    close(u2, [[-0.002, 0.001], [0.0005, -0.004]])


def test_momentum_buffer_starts_as_the_first_gradient() -> None:
    # b1 = g1;  b2 = 0.9 b1 + g2 = [[2.9, -2.8], [-0.05, 7.6]];  b3 = 0.9 b2 + g3
    u1, u2, u3 = steps("momentum", [G1, G2, G3])[0]
    close(u1, [[-0.001, 0.002], [-0.0005, -0.004]])
    close(u2, [[-0.0029, 0.0028], [0.00005, -0.0076]])
    close(u3, [[-0.00361, -0.00048], [0.001045, -0.01084]])


def test_nesterov_steps_with_g_plus_momentum_times_buffer() -> None:
    # g1 + 0.9 g1 = 1.9 g1;  g2 + 0.9 b2 = [[4.61, -3.52], [-0.545, 10.84]];
    # g3 + 0.9 b3 = [[1 + 3.249, 3 + 0.432], [-1 - 0.9405, 4 + 9.756]]
    u1, u2, u3 = steps("nesterov", [G1, G2, G3])[0]
    close(u1, [[-0.0019, 0.0038], [-0.00095, -0.0076]])
    close(u2, [[-0.00461, 0.00352], [0.000545, -0.01084]])
    close(u3, [[-0.004249, -0.003432], [0.0019405, -0.013756]])


def test_adagrad() -> None:
    # s1 = g1²;  s2 = g1² + g2² = [[5, 5], [0.5, 32]]
    u1, u2 = steps("adagrad", [G1, G2])[0]
    close(u1, -0.01 * G1 / (np.abs(G1) + 1e-10))
    close(u2, -0.01 * G2 / (np.sqrt([[5.0, 5.0], [0.5, 32.0]]) + 1e-10))


def test_rmsprop() -> None:
    # v1 = 0.01 g1²;  v2 = 0.99·0.01 g1² + 0.01 g2²
    u1, u2 = steps("rmsprop", [G1, G2])[0]
    close(u1, -0.01 * G1 / (0.1 * np.abs(G1) + 1e-8))
    close(u2, -0.01 * G2 / (np.sqrt(0.0099 * G1**2 + 0.01 * G2**2) + 1e-8))


def adam_updates(lr: float = 1e-3) -> list[np.ndarray]:
    """Adam's first three steps unrolled: m̂ and v̂ by hand."""
    m2, v2 = 0.09 * G1 + 0.1 * G2, 0.000999 * G1**2 + 0.001 * G2**2
    m3 = 0.081 * G1 + 0.09 * G2 + 0.1 * G3
    v3 = 0.000998001 * G1**2 + 0.000999 * G2**2 + 0.001 * G3**2
    return [
        -lr * G1 / (np.abs(G1) + EPS),  # m̂1 = g1, √v̂1 = |g1|
        -lr / 0.19 * m2 / (np.sqrt(v2) / math.sqrt(0.001999) + EPS),
        -lr / 0.271 * m3 / (np.sqrt(v3) / math.sqrt(0.002997001) + EPS),
    ]


def test_adam() -> None:
    for actual, expected in zip(steps("adam", [G1, G2, G3])[0], adam_updates(), strict=True):
        close(actual, expected)


def test_amsgrad_divides_by_the_largest_second_moment() -> None:
    # Column 0: v1 = 0.1 > v2 = 0.0999, so the max keeps v1; column 1 (g = 1, 1) grows.
    g1, g2 = np.array([[10.0, 1.0], [-3.0, 0.0]]), np.array([[0.0, 1.0], [0.5, 0.0]])
    v_max = np.array([[0.1, 0.001999], [0.009241, 0.0]])
    m2 = 0.09 * g1 + 0.1 * g2
    expected = -1e-3 / 0.19 * m2 / (np.sqrt(v_max) / math.sqrt(0.001999) + EPS)
    u1, u2 = steps("amsgrad", [g1, g2])[0]
    close(u1, -1e-3 * g1 / (np.abs(g1) + EPS))
    close(u2, expected)
    assert u2[0, 0] != steps("adam", [g1, g2])[0][1][0, 0]


def test_adamw_shrinks_the_point_then_takes_adams_step() -> None:
    adam1, adam2, _ = adam_updates()
    u1, u2 = steps("adamw", [G1, G2])[0]
    close(u1, -1e-3 * 0.01 * P0 + adam1)
    close(u2, -1e-3 * 0.01 * (P0 + u1) + adam2)


def test_adamax() -> None:
    # n1 = |g1| + ε;  n2 = max(0.999 n1, |g2| + ε): [[2, 0.999·2], [0.5, 4]] (+ε where new)
    n2 = np.array([[2 + EPS, 0.999 * (2 + EPS)], [0.5 + EPS, 4 + EPS]])
    u1, u2 = steps("adamax", [G1, G2])[0]
    close(u1, -2e-3 * G1 / (np.abs(G1) + EPS))
    close(u2, -2e-3 / 0.19 * (0.09 * G1 + 0.1 * G2) / n2)


def test_nadam() -> None:
    mu1, mu2, mu3 = (0.9 * (1 - 0.5 * 0.96 ** (0.004 * t)) for t in (1, 2, 3))
    d1 = np.abs(G1) + EPS  # √(v1 / (1 − β₂)) = |g1|
    expected1 = (
        -2e-3 * (1 - mu1) / (1 - mu1) * G1 / d1 - 2e-3 * mu2 / (1 - mu1 * mu2) * (0.1 * G1) / d1
    )
    d2 = np.sqrt((0.000999 * G1**2 + 0.001 * G2**2) / 0.001999) + EPS
    m2 = 0.09 * G1 + 0.1 * G2
    expected2 = (
        -2e-3 * (1 - mu2) / (1 - mu1 * mu2) * G2 / d2 - 2e-3 * mu3 / (1 - mu1 * mu2 * mu3) * m2 / d2
    )
    (u1, u2), state = steps("nadam", [G1, G2])
    close(u1, expected1)
    close(u2, expected2)
    close(state.mu_product, np.full((2, 2), mu1 * mu2))


def test_radam_is_momentum_until_rho_passes_five() -> None:
    # Constant g: m̂ = g and v̂ = g². ρ∞ = 1999; ρ5 = 4.996 and ρ6 = 5.994 (by hand).
    rho = [1999 - 2 * t * 0.999**t / (1 - 0.999**t) for t in (5, 6)]
    assert rho[0] <= 5 < rho[1]
    updates = steps("radam", [G1] * 6)[0]
    for u in updates[:5]:
        close(u, -1e-3 * G1)
    r = math.sqrt((rho[1] - 4) * (rho[1] - 2) * 1999 / (1995 * 1997 * rho[1]))
    bc2 = 1 - 0.999**6
    close(updates[5], -1e-3 * G1 * r * math.sqrt(bc2) / (math.sqrt(bc2) * np.abs(G1) + EPS))


def test_adadelta() -> None:
    delta1 = math.sqrt(1e-6) / np.sqrt(0.1 * G1**2 + 1e-6) * G1
    delta2 = np.sqrt(0.1 * delta1**2 + 1e-6) / np.sqrt(0.09 * G1**2 + 0.1 * G2**2 + 1e-6) * G2
    u1, u2 = steps("adadelta", [G1, G2])[0]
    close(u1, -delta1)
    close(u2, -delta2)


def test_rprop() -> None:
    # Step sizes start at lr = 0.01. Step 2: column (0.5 → -0.5) flips: 0.005, no move.
    # Step 3: that column's previous gradient was zeroed, so its size holds at 0.005; the
    # second column (-1 → 3) flips: 0.012 → 0.006, no move; the rest grow 0.012 → 0.0144.
    (u1, u2, u3), state = steps("rprop", [G1, G2, G3])
    close(u1, [[-0.01, 0.01], [-0.01, -0.01]])
    close(u2, [[-0.012, 0.012], [0.0, -0.012]])
    close(u3, [[-0.0144, 0.0], [0.005, -0.0144]])
    close(state.step_size, [[0.0144, 0.006], [0.005, 0.0144]])
    close(state.prev, [[1.0, 0.0], [-1.0, 4.0]])


def test_rprop_clamps_step_sizes() -> None:
    updates = steps("rprop", [G1, G2], overrides={"step_min": 0.006, "step_max": 0.011})[0]
    close(updates[1], [[-0.011, 0.011], [0.0, -0.011]])
    _, state = steps("rprop", [G1, G2], overrides={"step_min": 0.006, "step_max": 0.011})
    close(state.step_size, [[0.011, 0.011], [0.006, 0.011]])


def test_overrides_reach_the_rule() -> None:
    u1, u2 = steps("momentum", [G1, G2], overrides={"lr": 0.5, "momentum": 0.5})[0]
    close(u1, -0.5 * G1)
    close(u2, -0.5 * (0.5 * G1 + G2))


# --- Newton ------------------------------------------------------------------------------


def test_newton_on_a_convex_quadratic() -> None:
    # H = [[2, 1], [1, 6]] (positive definite): A = H + 0.001 I, det A = 11.008001,
    # A⁻¹ g for g = (1, 2) is (6.001 − 2, −1 + 2·2.001) / det.
    hessian = np.array([[[2.0, 1.0], [1.0, 6.0]]] * 2)
    g = np.array([[1.0, 2.0], [-1.0, -2.0]])
    (u,), state = steps("newton", [g], hessian=hessian)
    close(u[0], [-4.001 / 11.008001, -3.002 / 11.008001])
    close(u[1], [4.001 / 11.008001, 3.002 / 11.008001])
    close(state.shifted_steps, [0.0, 0.0])
    assert OPTIMIZERS["newton"].notes({"shifted_steps": 0.0, "count": 1}) == []


def test_newton_shifts_a_saddle_into_a_descent_direction() -> None:
    # f = x² − y²: H = diag(2, −2), λ_min = −2, σ = 2.001, A = diag(4.001, 0.001).
    points = np.array([[1.0, 0.5], [-2.0, -0.25]])
    g = np.stack([2 * points[:, 0], -2 * points[:, 1]], axis=-1)
    hessian = np.array([np.diag([2.0, -2.0])] * 2)
    (u,), state = steps("newton", [g], params=points, hessian=hessian)
    close(u, [[-2.0 / 4.001, 1.0 / 0.001], [4.0 / 4.001, -0.5 / 0.001]])
    assert np.all(np.sum(g * u, axis=-1) < 0)
    f = points[:, 0] ** 2 - points[:, 1] ** 2
    moved = points + u
    assert np.all(moved[:, 0] ** 2 - moved[:, 1] ** 2 < f)
    close(state.shifted_steps, [1.0, 1.0])


def test_newton_counts_shifted_steps_and_says_so() -> None:
    saddle = np.array([np.diag([2.0, -2.0]), np.diag([2.0, 3.0])])
    _, state = steps("newton", [G1] * 3, hessian=saddle)
    close(state.shifted_steps, [3.0, 0.0])
    notes = OPTIMIZERS["newton"].notes
    assert notes is not None
    values = {"count": float(state.count), "shifted_steps": float(state.shifted_steps[0])}
    assert notes(values) == ["Hessian not positive definite at 3 of 3 steps: eigenvalues shifted"]
    assert notes({"count": 200, "shifted_steps": 12.0}) == [
        "Hessian not positive definite at 12 of 200 steps: eigenvalues shifted"
    ]


def test_newton_needs_the_hessian() -> None:
    optimizer = build(OPTIMIZERS["newton"])
    with pytest.raises(ValueError, match="Hessian"):
        optimizer.update(G1, optimizer.init(P0), P0)


symmetric = st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)).map(
    lambda h: np.array([[h[0], h[1]], [h[1], h[2]]])
)


@settings(max_examples=200, deadline=None)
@given(hessian=symmetric, gx=st.floats(-1e3, 1e3), gy=st.floats(-1e3, 1e3))
def test_newton_matches_an_eigendecomposition(hessian: np.ndarray, gx: float, gy: float) -> None:
    """The closed-form shift against numpy's eigenvalues and a linear solve."""
    lowest = np.linalg.eigvalsh(hessian)[0]
    shift = 1e-3 + max(0.0, -lowest)
    g = np.array([gx, gy])
    expected = -np.linalg.solve(hessian + shift * np.eye(2), g)
    (u,), state = steps("newton", [g[None, :]], params=np.zeros((1, 2)), hessian=hessian[None])
    scale = np.abs(g).max() / 1e-3 + 1.0
    np.testing.assert_allclose(u[0], expected, rtol=1e-6, atol=1e-9 * scale)
    assert g @ u[0] <= 0
    if abs(lowest) > 1e-6 * (np.abs(hessian).max() + 1):
        assert state.shifted_steps[0] == (1.0 if lowest < 0 else 0.0)


# --- no warnings, finite steps -----------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    grads=st.lists(st.lists(st.floats(-1e4, 1e4), min_size=4, max_size=4), min_size=1, max_size=4),
    hessian=symmetric,
)
def test_finite_gradients_give_finite_steps_quietly(
    grads: list[list[float]], hessian: np.ndarray
) -> None:
    """Zero gradients included: no division warnings escape, no NaN appears."""
    batch = [np.reshape(g, (2, 2)) for g in grads]
    for name in OPTIMIZERS:
        updates, _ = steps(name, batch, hessian=np.array([hessian, hessian]))
        assert all(np.isfinite(u).all() for u in updates), name
