"""`gradient-studio render` leaves sympy unloaded (issue 17): it costs ~0.3 s of every render,
and only the derivatives' formulas shown in the window need it. Checked in a fresh
interpreter, as the Qt import contract is (tests/engine/test_import_contract.py)."""

import subprocess
import sys

import pytest

CODE = """
import sys
from gradient_studio.cli import main
code = main(["render", "--function", {text!r}, *{params!r}, "--out", {out!r}])
print(code, ",".join(m for m in sys.modules if m.split(".")[0] == "sympy"))
"""


def render(text, out, *params):
    run = subprocess.run(
        [sys.executable, "-c", CODE.format(text=text, params=list(params), out=str(out))],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    code, _, loaded = run.stdout.strip().rpartition("\n")[2].partition(" ")
    return int(code), loaded


@pytest.mark.parametrize("name", ["t.csv", "t.png"])
def test_render_does_not_import_sympy(tmp_path, name):
    assert render("x^2 + 3y^2", tmp_path / name) == (0, "")
    assert (tmp_path / name).stat().st_size > 0


@pytest.mark.parametrize(
    "text", ["abs(x) + 2 abs(y - 1)", "max(x, y)^2 + relu(-x) + sign(x) y", "abs(y^x)"]
)
def test_functions_with_kinks_render_without_sympy(tmp_path, text):
    out = tmp_path / "k.csv"
    assert render(text, out) == (0, "")
    assert len(out.read_text().splitlines()) > 2


def test_a_value_too_large_for_a_float_is_a_divergence(tmp_path):
    """a^1000 with a = 5 is inf: the run diverges at its start (it raised OverflowError)."""
    out = tmp_path / "big.csv"
    assert render("a^1000 x", out, "--param", "a=5") == (0, "")
    assert out.read_text().splitlines()[1].endswith(",,,diverged")
