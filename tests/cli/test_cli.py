"""The real `gradient-studio` command, run in a subprocess: exit codes, stderr, files."""

import csv
import json
import os
import subprocess
import sys

import pytest

from gradient_studio import __version__


def gs(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "gradient_studio", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def read_csv(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_version_and_help():
    out = gs("--version")
    assert out.returncode == 0
    assert __version__ in out.stdout
    out = gs("render", "--help")
    assert out.returncode == 0
    assert "--optimizer" in out.stdout and "--out" in out.stdout


def test_list_names_presets_and_optimizers_with_hyperparameters():
    out = gs("list")
    assert out.returncode == 0
    for word in ("rosenbrock", "himmelblau", "adam", "beta2=0.999", "rprop", "eta_minus=0.5"):
        assert word in out.stdout


def test_csv_one_row_per_step_from_the_start(tmp_path):
    out = tmp_path / "race.csv"
    r = gs(
        "render",
        "--function",
        "x^2 + 3y^2",
        "--optimizer",
        "sgd:lr=0.1",
        "--optimizer",
        "adam",
        "--lr",
        "0.05",
        "--start",
        "-1.5,2",
        "--steps",
        "25",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    rows = read_csv(out)
    assert list(rows[0]) == ["optimizer", "lr", "step", "x", "y", "f", "grad_norm", "status"]
    sgd = [row for row in rows if row["optimizer"] == "sgd"]
    adam = [row for row in rows if row["optimizer"] == "adam"]
    assert [int(r["step"]) for r in sgd] == list(range(26))
    assert (float(sgd[0]["x"]), float(sgd[0]["y"])) == (-1.5, 2.0)
    assert float(sgd[1]["x"]) == pytest.approx(-1.5 * 0.8)  # x - 0.1 * 2x
    assert float(sgd[0]["f"]) == pytest.approx(2.25 + 12)
    assert {r["lr"] for r in adam} == {"0.05"}


def test_csv_with_several_starts_names_them(tmp_path):
    out = tmp_path / "r.csv"
    r = gs(
        "render",
        "--preset",
        "himmelblau",
        "--start",
        "1,1",
        "--start=-1,-1",
        "--steps",
        "5",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    rows = read_csv(out)
    assert {"start_x", "start_y"} <= set(rows[0])
    assert {(r["start_x"], r["start_y"]) for r in rows} == {("1.0", "1.0"), ("-1.0", "-1.0")}


def test_json_holds_inputs_and_runs(tmp_path):
    out = tmp_path / "r.json"
    r = gs(
        "render",
        "--preset",
        "rosenbrock",
        "--param",
        "b=10",
        "--optimizer",
        "momentum",
        "--optimizer",
        "newton",
        "--steps",
        "50",
        "--xrange",
        "-3,3",
        "--yrange=-1,4",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    assert data["race"]["parameters"] == {"a": 1.0, "b": 10.0}
    assert data["race"]["xrange"] == [-3.0, 3.0] and data["race"]["yrange"] == [-1.0, 4.0]
    runs = data["runs"]
    assert [run["optimizer"] for run in runs] == ["momentum", "newton"]
    newton = runs[1]
    assert newton["status"] == "converged"
    assert newton["points"][-1] == pytest.approx([1.0, 1.0], abs=1e-6)
    assert len(newton["points"]) == len(newton["f"]) == newton["stop"] + 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--function", "sinn(x)"], "unknown function 'sinn' at column 1"),
        (["--function", "x +"], "column"),
        (["--preset", "rosenbrok"], "unknown preset 'rosenbrok'"),
        (["--preset", "booth", "--optimizer", "adma"], "unknown optimizer 'adma'"),
        (["--preset", "booth", "--optimizer", "adam:beta3=1"], "beta3"),
        (["--preset", "booth", "--optimizer", "adam:lr=fast"], "'fast' is not a number"),
        (["--preset", "booth", "--start", "1;2"], "--start"),
        (["--preset", "booth", "--start", "1,nan"], "not a finite number"),
        (["--preset", "booth", "--steps", "ten"], "--steps"),
        (["--preset", "booth", "--steps", "0"], "--steps must be between 1"),
        (["--preset", "booth", "--xrange", "2,1"], "x range"),
        (["--preset", "booth", "--param", "c=2"], "no parameter 'c'"),
        (["--preset", "booth", "--lr", "1e999"], "not a finite number"),
        (["--preset", "booth", "--size", "0x100", "--frames", "3"], None),
        (["--function", "x", "--preset", "booth"], "not allowed with"),
        ([], "one of the arguments --function --preset --session --model is required"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_file(tmp_path, args, message):
    out = tmp_path / "out.csv"
    r = gs("render", *args, "--out", str(out))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("gradient-studio: error: ")
    if message:
        assert message in lines[0]
    assert "Traceback" not in r.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_bad_out_paths(tmp_path):
    for target, message in [
        (tmp_path / "r.xlsx", "unknown file type '.xlsx'"),
        (tmp_path / "missing" / "r.csv", "does not exist"),
        (tmp_path / "noext", "unknown file type"),
    ]:
        r = gs("render", "--preset", "booth", "--out", str(target))
        assert r.returncode == 2
        assert message in r.stderr
        assert r.stderr.count("\n") == 1


def test_existing_file_untouched_on_error(tmp_path):
    out = tmp_path / "keep.csv"
    out.write_text("precious")
    r = gs("render", "--function", "(x", "--out", str(out))
    assert r.returncode == 2
    assert out.read_text() == "precious"


def test_unwritable_folder():
    # /proc refuses new files even to root, so this holds whoever runs the tests.
    r = gs("render", "--preset", "booth", "--out", "/proc/gradient-studio-test.csv")
    assert r.returncode == 2
    assert r.stderr.startswith("gradient-studio: error: --out:")
    assert r.stderr.count("\n") == 1


def test_window_without_a_screen_says_so():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    r = subprocess.run(
        [sys.executable, "-m", "gradient_studio"], capture_output=True, text=True, env=env
    )
    assert r.returncode == 2
    assert r.stderr.startswith("gradient-studio: error: no screen")
    assert "render" in r.stderr and r.stderr.count("\n") == 1


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_output_nobody_reads_ends_quietly(unbuffered):
    # `gradient-studio list | true`: the reader is gone before the command writes; it stops
    # writing with status 1 (not all was read), and no traceback.
    child = subprocess.Popen(
        [sys.executable, "-m", "gradient_studio", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": unbuffered},  # written at once, or at exit
    )
    child.stdout.close()
    err = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=60) == 1
    assert err == b""
