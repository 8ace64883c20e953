"""The compiled kernel holds to the numpy path's numbers, for every optimiser.

Kernels are compiled once each and kept in the user's kernel cache (as the application
keeps them), so a second run of these tests loads them instead of compiling (~1.5 s each).
"""

import math
import os
import subprocess
import sys
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradient_studio.engine import (
    OPTIMIZERS,
    Clipping,
    GradientNoise,
    Objective,
    OptimizerChoice,
    Schedule,
    Training,
    compiled,
)
from gradient_studio.engine.compiled.cache import write_kernel
from gradient_studio.engine.compiled.source import below_tolerance, kernel_source
from gradient_studio.engine.final import final_states

POLYNOMIAL = Objective.from_text("(1 - x)^2 + 10(y - x^2)^2 + a x y", {"a": 0.5})
SMOOTH = Objective.from_text("exp(0.3x) + x^2 + (y - 1)^2 + cos(y)")
STARTS = np.random.default_rng(3).uniform(-2, 2, (130, 2))  # three blocks, one part-full

FIELDS = ("end", "f", "grad_norm", "steps", "code")


def _lr(name, scale=1.0):
    h = OPTIMIZERS[name].hyperparameter("lr")
    return min(h.high, h.default * scale)


def _both(objective, choice, training=None, steps=150, starts=STARTS):
    training = training or Training()
    kernel = compiled.prepare(objective, choice.spec, training)
    assert kernel is not None
    fast = final_states(objective, choice, starts, steps, training=training, kernel=kernel)
    slow = final_states(objective, choice, starts, steps, training=training)
    assert (fast.path, slow.path) == ("compiled", "numpy")
    return fast, slow


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_compiled_is_the_numpy_path_exactly(name):
    # From the default learning rate to the largest: runs that creep, converge and diverge.
    lrs = np.geomspace(_lr(name), OPTIMIZERS[name].hyperparameter("lr").high, 130)
    choice = OptimizerChoice(name, per_row={"lr": lrs})
    fast, slow = _both(POLYNOMIAL, choice)
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(fast, field), getattr(slow, field), err_msg=field)
    np.testing.assert_allclose(fast.last_move, slow.last_move, rtol=1e-12)
    if OPTIMIZERS[name].kind.name == "GRADIENT_SCALED":  # the case tells runs apart
        assert 2 in fast.code and len(set(fast.code.tolist())) >= 2


@pytest.mark.parametrize(
    ("name", "training"),
    [
        ("sgd", Training(Schedule("cosine"), Clipping("norm", 1.0))),
        ("adam", Training(Schedule("onecycle"), Clipping("value", 0.5))),
        ("rprop", Training(clip=Clipping("value", 0.3))),
        ("newton", Training(Schedule("step", {"step_size": 20}), Clipping("norm", 2.0))),
    ],
    ids=["sgd-cosine-norm", "adam-onecycle-value", "rprop-value", "newton-step-norm"],
)
def test_with_transforms_and_schedules_compiled_is_the_numpy_path_exactly(name, training):
    choice = OptimizerChoice(name, {"lr": _lr(name, 10)})
    fast, slow = _both(POLYNOMIAL, choice, training)
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(fast, field), getattr(slow, field), err_msg=field)


def test_hyperparameters_per_row_compiled_are_the_numpy_path_exactly():
    grid = np.stack(np.meshgrid(np.geomspace(1e-3, 0.3, 10), np.linspace(0.5, 0.99, 13)), -1)
    lr, beta1 = grid.reshape(-1, 2).T
    choice = OptimizerChoice("adam", per_row={"lr": lr, "beta1": beta1})
    fast, slow = _both(POLYNOMIAL, choice, starts=np.tile([[-1.5, 1.5]], (130, 1)))
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(fast, field), getattr(slow, field), err_msg=field)


def test_exp_and_cos_agree_within_the_c_library_and_numpy_rounding():
    # numpy's exp and cos are its own vectorised code; the kernel calls the C library: the
    # two differ in the last bit for a few inputs in a hundred, and that is all.
    fast, slow = _both(SMOOTH, OptimizerChoice("adam", {"lr": 0.05}))
    np.testing.assert_array_equal(fast.code, slow.code)
    np.testing.assert_allclose(fast.end, slow.end, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fast.f, slow.f, rtol=1e-12)
    assert np.abs(fast.steps - slow.steps).max() <= 2  # the converged step, by a rounding


def test_parameters_and_hyperparameters_are_arguments_not_source():
    kernel = compiled.prepare(POLYNOMIAL, OPTIMIZERS["momentum"], Training())
    other = POLYNOMIAL.with_values({"a": -2.0})
    assert compiled.prepare(other, OPTIMIZERS["momentum"], Training()) is kernel  # no recompile
    choice = OptimizerChoice("momentum", {"lr": 0.01, "momentum": 0.5})
    fast = final_states(other, choice, STARTS, 80, kernel=kernel)
    slow = final_states(other, choice, STARTS, 80)
    np.testing.assert_array_equal(fast.end, slow.end)
    text = kernel_source(POLYNOMIAL.derivatives, OPTIMIZERS["momentum"])
    assert "0.5" not in text and "0.01" not in text  # the values are not in the source


def test_kernel_for_answers_at_once_and_the_background_compile_fills_it():
    objective = Objective.from_text("x^2 + 3y^2 + 0.1x")  # a function compiled nowhere else
    spec = OPTIMIZERS["nesterov"]
    assert compiled.kernel_for(objective, spec, Training()) is None
    finished = threading.Event()
    future = compiled.compile_async(objective, spec, Training(), done=lambda k: finished.set())
    assert compiled.compile_async(objective, spec, Training()) is future or future.done()
    kernel = future.result(timeout=120)
    assert finished.wait(10)
    assert kernel is not None and compiled.kernel_for(objective, spec, Training()) is kernel


def test_no_kernel_for_noise():
    noisy = Training(noise=GradientNoise())
    assert compiled.prepare(POLYNOMIAL, OPTIMIZERS["sgd"], noisy) is None


def test_the_kernel_file_is_written_once_and_whole(tmp_path):
    text = kernel_source(POLYNOMIAL.derivatives, OPTIMIZERS["sgd"])
    paths = []
    threads = [
        threading.Thread(target=lambda: paths.append(write_kernel(text, tmp_path)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(paths)) == 1 and paths[0].read_text() == text
    assert [p.name for p in tmp_path.iterdir()] == [paths[0].name]  # no temporary files left
    mtime = paths[0].stat().st_mtime_ns
    assert write_kernel(text, tmp_path) == paths[0] and paths[0].stat().st_mtime_ns == mtime


def test_the_source_holds_only_our_names():
    objective = Objective.from_text("sin(x) y + w x^2", {"w": 3.0})
    text = kernel_source(objective.derivatives, OPTIMIZERS["adam"])
    assert "w" not in {tok for tok in text.replace("(", " ").replace(")", " ").split()}
    assert "_p0 = params[0]" in text
    compile(text, "<kernel>", "exec")


def test_nothing_on_the_way_to_a_picture_imports_numba(tmp_path):
    code = (
        "import sys, gradient_studio.engine as e\n"
        "e.Race.create(preset='rosenbrock').run()\n"
        "from gradient_studio.engine.final import final_states\n"
        "final_states(e.Objective.from_text('x^2 + y^2'), 'sgd', [(1, 1)] * 50, 20)\n"
        "from gradient_studio.scene import PlotScene\n"
        "PlotScene()\n"
        "from gradient_studio.cli import main\n"
        f"assert main(['render', '--preset', 'booth', '--out', r'{tmp_path / 'r.png'}']) == 0\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ('numba', 'llvmlite')))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == ""


@given(tol=st.floats(0, 1e3), offset=st.integers(-4, 4))
def test_the_kernels_threshold_on_the_squared_norm_is_the_norms_exactly(tol, offset):
    t2 = below_tolerance(tol)
    x = t2
    for _ in range(abs(offset)):
        x = math.nextafter(x, math.inf if offset > 0 else 0.0)
    assert (x < t2) == (math.sqrt(x) < tol)
