"""`gradient-studio basins`, `sweep` and `hypermap`: the files they write, and one line with
exit 2 for every mistake (in-process)."""

import csv
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradient_studio import cli

HIMMELBLAU = ["--preset", "himmelblau"]
ILL = ["--function", "0.5x^2 + 50y^2", "--start", "1,1"]


def _csv(path):
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def run(tmp_path, *args, name="out.csv"):
    out = tmp_path / name
    return cli.main([*args, "--out", str(out)]), out


def test_basins_csv_has_every_start_of_the_grid(tmp_path):
    code, out = run(
        tmp_path,
        "basins",
        *HIMMELBLAU,
        "--optimizer",
        "sgd:lr=0.01",
        "--grid",
        "5x3",
        "--steps",
        "300",
    )
    assert code == 0
    rows = _csv(out)
    assert list(rows[0]) == [
        "start_x",
        "start_y",
        "end_x",
        "end_y",
        "f",
        "steps",
        "status",
        "attractor",
    ]
    starts = [(float(r["start_x"]), float(r["start_y"])) for r in rows]
    xs, ys = np.linspace(-5, 5, 5), np.linspace(-5, 5, 3)  # both ends included
    assert starts == [(x, y) for y in ys for x in xs]
    assert {r["status"] for r in rows} == {"converged"}
    assert {int(r["attractor"]) for r in rows} <= {0, 1, 2, 3}


def test_basins_json_lists_the_attractors_with_their_shares(tmp_path):
    code, out = run(
        tmp_path,
        "basins",
        *HIMMELBLAU,
        "--optimizer",
        "sgd:lr=0.01",
        "--grid",
        "20x20",
        "--steps",
        "300",
        name="b.json",
    )
    assert code == 0
    data = json.loads(out.read_text())
    assert data["map"] == "basins" and data["grid"] == {
        "xrange": [-5.0, 5.0],
        "yrange": [-5.0, 5.0],
        "cols": 20,
        "rows": 20,
    }
    ids = [a["id"] for a in data["attractors"]]
    assert ids == [0, 1, 2, 3] and all(a["kind"] == "minimum" for a in data["attractors"])
    assert sum(a["share"] for a in data["attractors"]) == pytest.approx(1.0)
    assert data["attractors"][0]["x"] == pytest.approx(3.0) and data["shares"]["diverged"] == 0


def test_sweep_csv_has_log_spaced_learning_rates_with_both_ends(tmp_path):
    code, out = run(
        tmp_path,
        "sweep",
        *ILL,
        "--optimizer",
        "sgd",
        "--optimizer",
        "momentum:momentum=0.5",
        "--lr-range",
        "1e-3,1",
        "--points",
        "7",
        "--steps",
        "100",
    )
    assert code == 0
    rows = _csv(out)
    assert list(rows[0]) == ["optimizer", "lr", "final_f", "steps", "status"]
    assert [r["optimizer"] for r in rows] == ["sgd"] * 7 + ["momentum"] * 7
    lrs = [float(r["lr"]) for r in rows[:7]]
    assert lrs[0] == 1e-3 and lrs[-1] == 1.0 and np.allclose(np.diff(np.log10(lrs)), 0.5)
    assert rows[6]["status"] == "diverged" and rows[0]["status"] != "diverged"


def test_sweep_json_has_the_stability_edges(tmp_path):
    code, out = run(
        tmp_path,
        "sweep",
        *ILL,
        "--optimizer",
        "sgd",
        "--optimizer",
        "momentum:momentum=0.5",
        "--points",
        "5",
        "--steps",
        "20",
        name="s.json",
    )
    assert code == 0
    data = json.loads(out.read_text())
    assert data["stability"] == [
        {"optimizer": "sgd", "lr": 0.02, "label": "2/λmax"},
        {"optimizer": "momentum", "lr": pytest.approx(0.03), "label": "(2+2β)/λmax"},
    ]
    assert data["hessian_eigenvalues"] == [1.0, 100.0]


def test_hypermap_csv_and_json(tmp_path):
    args = [
        "hypermap",
        *ILL,
        "--optimizer",
        "momentum",
        "--vary",
        "lr=1e-3,0.1:log",
        "--vary",
        "momentum=0,0.9",
        "--grid",
        "4x3",
        "--steps",
        "50",
    ]
    code, out = run(tmp_path, *args)
    assert code == 0
    rows = _csv(out)
    assert list(rows[0]) == ["lr", "momentum", "final_f", "steps", "status"]
    assert len(rows) == 12 and float(rows[3]["lr"]) == 0.1 and float(rows[-1]["momentum"]) == 0.9
    code, out = run(tmp_path, *args, name="h.json")
    data = json.loads(out.read_text())
    assert data["x"]["values"][0] == 1e-3 and data["x"]["log"] is True
    assert len(data["final_f"]) == 3 and len(data["final_f"][0]) == 4


@pytest.mark.parametrize("command", ["basins", "sweep", "hypermap"])
def test_pictures(tmp_path, command):
    extra = {
        "basins": [*HIMMELBLAU, "--optimizer", "newton", "--grid", "30x30", "--steps", "50"],
        "sweep": [*ILL, "--optimizer", "sgd", "--points", "12", "--steps", "50"],
        "hypermap": [
            *ILL,
            "--optimizer",
            "momentum",
            "--vary",
            "lr=1e-3,0.1:log",
            "--vary",
            "momentum=0,0.9",
            "--grid",
            "10x10",
            "--steps",
            "50",
        ],
    }[command]
    for ext in ("png", "svg"):
        code, out = run(tmp_path, command, *extra, "--size", "640x480", name=f"m.{ext}")
        assert code == 0 and out.stat().st_size > 1000
    assert out.read_text().startswith("<?xml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["basins", *HIMMELBLAU, "--optimizer", "sgd", "--grid", "0x10"], "--grid: each side"),
        (["basins", *HIMMELBLAU, "--optimizer", "sgd", "--grid", "1001x10"], "1 to 1000"),
        (["basins", *HIMMELBLAU, "--optimizer", "sgd", "--grid", "ten"], "expected NxM"),
        (["basins", *HIMMELBLAU, "--optimizer", "sgd", "--xrange", "5,-5"], "low to high"),
        (["basins", *HIMMELBLAU, "--optimizer", "sgd:beta=1"], "no hyperparameter 'beta'"),
        (
            ["basins", *HIMMELBLAU, "--optimizer", "sgd", "--grid", "1000x1000", "--steps", "5000"],
            "too much work",
        ),
        (["basins", *HIMMELBLAU, "--optimizer", "sgd", "--size", "10x10"], "--size"),
        (["basins", "--function", "x^", "--optimizer", "sgd"], "--function"),
        (["basins", *HIMMELBLAU, "--optimizer", "sgd", "--param", "q=1"], "no parameter 'q'"),
        (["sweep", *ILL, "--optimizer", "adam:lr=0.1"], "sets lr itself"),
        (["sweep", *ILL, "--optimizer", "adam", "--lr-range", "1,0.1"], "low to high"),
        (["sweep", *ILL, "--optimizer", "adam", "--lr-range", "0,0.1"], "above 0"),
        (["sweep", *ILL, "--optimizer", "adam", "--lr-range", "1e-6,0.1"], "from 1e-05 to 10"),
        (["sweep", *ILL, "--optimizer", "adam", "--points", "0"], "--points"),
        (["hypermap", *ILL, "--optimizer", "adam", "--vary", "lr=1e-3,1"], "exactly two"),
        (
            ["hypermap", *ILL, "--optimizer", "adam", "--vary", "lr=1e-3,1", "--vary", "b=0,1"],
            "no hyperparameter 'b'",
        ),
        (
            [
                "hypermap",
                *ILL,
                "--optimizer",
                "adam",
                "--vary",
                "lr=1,1e-3",
                "--vary",
                "beta1=0,0.9",
            ],
            "low to high",
        ),
        (
            [
                "hypermap",
                *ILL,
                "--optimizer",
                "adam",
                "--vary",
                "lr=1e-3,1:cubic",
                "--vary",
                "beta1=0,0.9",
            ],
            "KEY=A,B:log",
        ),
        (
            ["hypermap", *ILL, "--optimizer", "adam", "--vary", "lr=1e-3,1", "--vary", "beta1=0,1"],
            "between 0 and 0.999",
        ),
        (
            ["hypermap", *ILL, "--optimizer", "adam", "--vary", "lr=1e-3,1", "--vary", "lr=0,0.9"],
            "different",
        ),
    ],
)
def test_mistakes_are_one_line_and_exit_2(tmp_path, capsys, args, message):
    code, out = run(tmp_path, *args)
    err = capsys.readouterr().err
    assert code == 2 and message in err
    assert err.count("\n") == 1 and err.startswith("gradient-studio: error: ")
    assert not out.exists()


def test_a_gif_is_not_a_map(tmp_path, capsys):
    code, _ = run(tmp_path, "basins", *HIMMELBLAU, "--optimizer", "sgd", name="m.gif")
    assert code == 2 and ".png .svg .csv .json" in capsys.readouterr().err


_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.text(alphabet="0123456789.e-+x,:log", max_size=8),
)


@settings(max_examples=60)
@given(
    grid=st.one_of(st.none(), st.tuples(_NUMBER, _NUMBER).map("x".join), st.text(max_size=6)),
    xrange=st.one_of(st.none(), st.tuples(_NUMBER, _NUMBER).map(",".join)),
    steps=st.one_of(st.none(), _NUMBER),
)
def test_basins_arguments_never_crash(tmp_path_factory, grid, xrange, steps):
    tmp = tmp_path_factory.mktemp("b")
    args = ["basins", "--function", "x^2 + y^2", "--optimizer", "sgd:lr=0.1"]
    for option, value in (("--grid", grid), ("--xrange", xrange), ("--steps", steps)):
        if value is not None:
            args += [option, value]
    code, out = _quiet(tmp, args)
    assert code in (0, 2)
    if code == 0:
        assert out.exists()


@settings(max_examples=60)
@given(
    first=st.tuples(
        st.sampled_from(["lr", "momentum", "beta1", "x"]),
        _NUMBER,
        _NUMBER,
        st.sampled_from(["", ":log", ":linear", ":x"]),
    ),
    second=st.tuples(
        st.sampled_from(["lr", "momentum", "nesterov"]),
        _NUMBER,
        _NUMBER,
        st.sampled_from(["", ":log"]),
    ),
)
def test_hypermap_vary_arguments_never_crash(tmp_path_factory, first, second):
    tmp = tmp_path_factory.mktemp("h")
    args = ["hypermap", *ILL, "--optimizer", "momentum", "--grid", "3x2", "--steps", "5"]
    for name, a, b, scale in (first, second):
        args += ["--vary", f"{name}={a},{b}{scale}"]
    code, out = _quiet(tmp, args)
    assert code in (0, 2)
    if code == 0:
        rows = out.read_text().splitlines()
        assert len(rows) == 7


def _quiet(tmp, args):
    import contextlib
    import io

    out = tmp / "m.csv"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main([*args, "--out", str(out)])
    if code == 2:
        assert err.getvalue().count("\n") == 1, err.getvalue()
    return code, out
