"""`gradient-studio inspect`: the numbers at a point, one step of a run, and every mistake
answered with exit 2 and one line."""

import contextlib
import io
import json
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradient_studio.cli import main

KEYS = ["f", "gradient", "hessian", "eigenvalues", "eigenvectors", "condition_number", "stable_lr"]


def inspect(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["inspect", *args])
    return code, out.getvalue(), err.getvalue()


def test_json_at_rosenbrocks_minimum():
    code, out, err = inspect("--preset", "rosenbrock", "--at", "1,1", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == KEYS
    assert data["f"] == 0 and data["gradient"] == [0, 0]
    assert data["hessian"] == [[802, -400], [-400, 200]]
    r = math.hypot(301, 400)
    assert data["eigenvalues"] == pytest.approx([501 - r, 501 + r])
    (v1x, v2x), (v1y, v2y) = data["eigenvectors"]  # columns match the eigenvalues
    h = [[802, -400], [-400, 200]]
    for (vx, vy), lam in (
        ((v1x, v1y), data["eigenvalues"][0]),
        ((v2x, v2y), data["eigenvalues"][1]),
    ):
        assert [h[0][0] * vx + h[0][1] * vy, h[1][0] * vx + h[1][1] * vy] == pytest.approx(
            [lam * vx, lam * vy], abs=1e-9
        )
    assert data["condition_number"] == pytest.approx((501 + r) / (501 - r))
    assert data["stable_lr"] == pytest.approx(2 / (501 + r))


def test_null_where_undefined():
    _, out, _ = inspect("--function", "x^2", "--at", "1,2", "--format", "json")
    assert json.loads(out)["condition_number"] is None and json.loads(out)["stable_lr"] == 1.0
    _, out, _ = inspect("--function", "-x^2 - y^2", "--at", "1,2", "--format", "json")
    assert json.loads(out)["stable_lr"] is None and json.loads(out)["condition_number"] == 1.0


def test_text_a_student_reads():
    code, out, _ = inspect("--function", "x^2 + 100 y^2", "--at", "-1.5,2")
    assert code == 0
    assert out.splitlines()[0] == "f(x, y) = x^2 + 100 y^2"
    assert "eigenvalues λ₁ = 2, λ₂ = 200" in out and "condition number κ = 100" in out
    assert "gradient descent with a learning rate above 0.01 is unstable here." in out.lower()
    assert "zig-zags" in out and "The point is a bowl" in out


def test_a_parameter_is_set_and_named():
    code, out, _ = inspect("--preset", "ill-conditioned", "--param", "b=5", "--at", "1,1")
    assert code == 0 and "with a = 1, b = 5" in out and "λ₂ = 10" in out


def test_step_of_a_run_written_out():
    code, out, _ = inspect(
        "--function", "x^2 + 10y^2", "--optimizer", "sgd:lr=0.01", "--start", "1,1", "--step", "0"
    )
    assert code == 0
    assert "x₁ = x₀ − η·∂f/∂x = 1 − 0.01·2 = 0.98" in out
    assert "y₁ = y₀ − η·∂f/∂y = 1 − 0.01·20 = 0.8" in out
    assert "Curvature at the point:" in out and "λ₂ = 20" in out


def test_step_as_json_with_the_optimisers_state():
    code, out, _ = inspect(
        "--preset",
        "rosenbrock",
        "--optimizer",
        "momentum",
        "--step",
        "3",
        "--format",
        "json",
        "--schedule",
        "cosine",
        "--steps",
        "50",
    )
    data = json.loads(out)
    assert code == 0 and data["optimizer"] == "momentum" and data["step"] == 3
    assert set(data["state"]["buf"]) == {"before", "after"}
    assert data["hyperparameters"]["lr"] < 1e-3  # the cosine schedule's, below the preset's
    assert any(line.startswith("x₄ = x₃ − η·b") for line in data["lines"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--function", "sqrt(x) + y", "--at", "-1,0"],
            "--at: f is undefined at (-1, 0): the point is outside the domain",
        ),
        (["--function", "log(x)", "--at", "0,0"], "not finite at (0, 0)"),
        (["--function", "x^2", "--at", "1"], "--at: expected two numbers like -1.5,2, got '1'"),
        (["--function", "x^2", "--at", "a,b"], "--at: 'a' is not a number"),
        (["--function", "x^", "--at", "1,1"], "--function:"),
        (["--preset", "nope", "--at", "1,1"], "unknown preset 'nope'"),
        (["--preset", "booth", "--param", "q=1", "--at", "1,1"], "no parameter 'q'"),
        (
            ["--preset", "booth", "--at", "1,1", "--optimizer", "adam"],
            "--optimizer applies only with --step",
        ),
        (
            ["--preset", "booth", "--at", "1,1", "--clip-norm", "1"],
            "--clip-norm applies only with --step",
        ),
        (["--preset", "booth", "--step", "-1"], "--step must be between 0 and"),
        (
            ["--preset", "booth", "--step", "5", "--steps", "5"],
            "--step 5 needs a run of more steps",
        ),
        (["--preset", "booth", "--step", "2", "--optimizer", "nope"], "unknown optimizer 'nope'"),
        (
            ["--function", "x^2 + y^2", "--step", "50", "--optimizer", "sgd:lr=0.5"],
            "--step: the run stopped at step 1 (converged)",
        ),
        (["--preset", "booth", "--at", "1,1", "--step", "2"], "not allowed with argument"),
        (["--preset", "booth"], "one of the arguments --at --step is required"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(args, message):
    code, out, err = inspect(*args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("gradient-studio: error: ")
    assert message in err


def test_the_real_command_and_a_negative_point():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "gradient_studio",
            "inspect",
            "--preset",
            "saddle",
            "--at",
            "-0.5,0.25",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["f"] == pytest.approx(0.25 - 0.0625) and data["eigenvalues"] == [-2.0, 2.0]


def expected_point(text):
    parts = text.split(",")
    if len(parts) != 2 or any("_" in p for p in parts):
        return None
    try:
        x, y = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    return (x, y) if math.isfinite(x) and math.isfinite(y) else None


numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.text(alphabet="0123456789.-+e _", max_size=8),
)
at_strings = st.one_of(
    st.text(max_size=20),
    st.tuples(numbers, numbers).map(",".join),
    st.tuples(numbers, numbers, numbers).map(",".join),
)


@settings(max_examples=250, deadline=None)
@given(at_strings)
def test_any_at_text_gives_the_numbers_or_one_line(text):
    code, out, err = inspect("--function", "x^2 + 3y^2", "--at", text, "--format", "json")
    joined = not text.startswith("-") or text[1:2].isdigit() or text[1:2] == "."
    point = expected_point(text) if joined else None  # "-x,1" reads as an option
    f = math.inf if point is None else point[0] * point[0] + 3 * point[1] * point[1]
    if math.isfinite(f):
        assert code == 0, err
        data = json.loads(out)
        assert data["f"] == pytest.approx(f) and data["gradient"] == pytest.approx(
            [2 * point[0], 6 * point[1]]
        )
        assert data["eigenvalues"] == [2.0, 6.0]
    else:
        assert code == 2 and out == "" and err.count("\n") == 1, (text, err)
