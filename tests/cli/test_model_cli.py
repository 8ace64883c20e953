"""`gradient-studio render --model …`: a race on a model's loss over data, headless —
the files it writes, and one line with exit 2 for every mistake, bad data files included
(in-process; test_cli.py runs the real command)."""

from __future__ import annotations

import contextlib
import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradient_studio import cli
from gradient_studio.engine.data import DATASETS


def render(tmp_path, *args, name="out.csv"):
    out = tmp_path / name
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(["render", *args, "--out", str(out)])
    return code, out, err.getvalue()


def rows(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize(
    ("preset", "axes"),
    [("linear-regression", ("w", "b")), ("tanh-unit", ("w1", "w2")), ("deep-chain", ("w", "b"))],
)
def test_csv_columns_are_named_after_the_axes(tmp_path, preset, axes):
    code, out, _ = render(tmp_path, "--preset", preset, "--steps", "5")
    assert code == 0
    table = rows(out)
    a, b = axes
    assert {a, b, "f", "step"} <= set(table[0]) and "x" not in table[0]
    from gradient_studio.engine.models import MODEL_PRESETS

    several = len(MODEL_PRESETS[preset].starts) > 1
    assert (f"start_{a}" in table[0]) == several


def test_json_records_the_dataset_batches_and_seed(tmp_path):
    code, out, _ = render(
        tmp_path, "--model", "w*x + b", "--dataset", "linear", "--batch-size", "8",
        "--seed", "42", "--normalize", "--steps", "10", name="r.json",
    )  # fmt: skip
    assert code == 0
    record = json.loads(out.read_text())
    race = record["race"]
    assert record["axes"] == ["w", "b"] == race["axes"]
    assert race["model"] == "w*x + b" and race["loss"] == "mse"
    assert race["batch_size"] == 8 and race["seed"] == 42 and race["normalize"]
    dataset = race["dataset"]
    assert dataset["name"] == "linear" and dataset["source"] == "built-in"
    assert dataset["standardized"]["raw_checksum"] == DATASETS["linear"].load().checksum
    assert dataset["checksum"].startswith("sha256:")


def test_a_data_file_is_named_by_path_and_checksum(tmp_path):
    data = tmp_path / "hours.csv"
    data.write_text("hours,score\n1,52\n2,55\n3,61\n4,64\n", encoding="utf-8")
    code, out, _ = render(
        tmp_path, "--model", "w*x + b", "--data", str(data), "--steps", "3", name="r.json"
    )
    assert code == 0
    dataset = json.loads(out.read_text())["race"]["dataset"]
    assert dataset["source"] == str(data) and dataset["columns"] == ["hours", "score"]
    assert dataset["rows"] == 4


def test_the_same_seed_repeats_a_stochastic_render_and_another_does_not(tmp_path):
    def points(seed):
        code, out, _ = render(
            tmp_path, "--preset", "linear-regression", "--batch-size", "4", "--seed", seed,
            "--steps", "30", name=f"s{seed}.csv",
        )  # fmt: skip
        assert code == 0
        return [(r["w"], r["b"]) for r in rows(out)]

    assert points("1") == points("1") != points("2")


def test_list_names_the_datasets_and_model_presets(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "Datasets (--dataset NAME):" in out and "Model presets" in out
    for name in [*DATASETS, "linear-regression", "two-layer-linear"]:
        assert name in out


def _many_rows() -> str:
    return "x,y\n" + "1,2\n" * 100_001


BAD_FILES = [
    ("x,y\n1,2\n3,abc\n", "line 3, column 2 (y): 'abc' is not a number"),
    ("x,y\n1,2\n3\n", "line 3"),
    ("x,y\n1,2\n,4\n", "line 3, column 1 (x)"),
    ("x,y\n1,2\nnan,4\n", "line 3, column 1 (x)"),
    ("x,y\n1,2\n3,inf\n", "line 3, column 2 (y)"),
    ("x,y\n", "no rows"),
    ("", "the file is empty"),
    (_many_rows(), "100,000 rows"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not"),
    (b"x,y\n1,\xe9\n", "line 2: byte 0xe9 is not UTF-8"),
]


@pytest.mark.parametrize(("content", "words"), BAD_FILES)
def test_every_bad_data_file_is_one_line_naming_where(tmp_path, content, words):
    data = tmp_path / "bad.csv"
    if isinstance(content, bytes):
        data.write_bytes(content)
    else:
        data.write_text(content, encoding="utf-8")
    code, out, err = render(tmp_path, "--model", "w*x + b", "--data", str(data))
    assert code == 2 and not out.exists()
    assert err.count("\n") == 1 and err.startswith("gradient-studio: error: --data: ")
    assert words in err


def test_columns_are_picked_by_name_or_number(tmp_path):
    data = tmp_path / "wide.csv"
    data.write_text("id,hours,note,score\n1,1,a,52\n2,2,b,55\n3,3,c,61\n", encoding="utf-8")
    for x, y in (("hours", "score"), ("2", "4")):
        code, out, err = render(
            tmp_path, "--model", "w*x + b", "--data", str(data), "--x-column", x,
            "--y-column", y, "--steps", "2", name="r.json",
        )  # fmt: skip
        assert code == 0, err
        assert json.loads(out.read_text())["race"]["dataset"]["columns"] == ["hours", "score"]
    code, _, err = render(tmp_path, "--model", "w*x + b", "--data", str(data), "--x-column", "2")
    assert code == 2 and "names no column 'y'" in err  # a header without y: say which
    code, _, err = render(
        tmp_path, "--model", "w*x + b", "--data", str(data), "--x-column", "note",
        "--y-column", "score",
    )  # fmt: skip
    assert code == 2 and "line 2, column 3 ('note', used as x): 'a' is not a number" in err


def test_a_race_too_long_for_its_rows_is_one_line(tmp_path):
    data = tmp_path / "big.csv"
    data.write_text("x,y\n" + "".join(f"{i / 1000},{i % 7}\n" for i in range(50_000)))
    code, out, err = render(
        tmp_path, "--model", "w2*tanh(w1*x)", "--data", str(data), "--steps", "50000"
    )
    assert code == 2 and not out.exists() and err.count("\n") == 1
    assert "--steps: 1 runs × 50,001 steps over 50,000 rows" in err


def test_a_folder_or_a_file_too_big_is_one_line(tmp_path):
    code, _, err = render(tmp_path, "--model", "w*x + b", "--data", str(tmp_path))
    assert code == 2 and err.count("\n") == 1 and "is a folder, not a CSV file" in err
    big = tmp_path / "big.csv"
    big.write_bytes(b"x,y\n" + b"1.000000000,2.000000000\n" * 450_000)  # 10.8 MB
    code, _, err = render(tmp_path, "--model", "w*x + b", "--data", str(big))
    assert code == 2 and err.count("\n") == 1 and "a data file can be at most 10 MB" in err


def test_a_label_that_is_not_0_or_1_is_named_for_the_logistic_loss(tmp_path):
    data = tmp_path / "labels.csv"
    data.write_text("x,y\n-1,0\n1,1\n2,0.5\n", encoding="utf-8")
    code, _, err = render(
        tmp_path, "--model", "sigmoid(w*x + b)", "--loss", "logistic", "--data", str(data)
    )
    assert code == 2 and err.count("\n") == 1
    assert "line 4, column 2 (y): 0.5 is not a label" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "w*x + b"], "--model needs data: --data FILE or --dataset NAME"),
        (["--model", "w*y + b", "--dataset", "linear"], "--model: y at column 3 is the label"),
        (["--model", "w*x", "--dataset", "linear"], "--model: the model needs two weights"),
        (["--model", "w*x + b", "--dataset", "lineal"], "--dataset: unknown dataset 'lineal'"),
        (["--model", "w*x + b", "--data", "/nonexistent.csv"], "--data: there is no file"),
        (["--model", "w*x+b", "--dataset", "linear", "--loss", "l1"], "--loss: unknown loss 'l1'"),
        (["--model", "w*x+b", "--dataset", "linear", "--axes", "w"], "--axes: expected two"),
        (["--model", "w*x+b", "--dataset", "linear", "--axes", "w,q"], "--axes: the model has no"),
        (["--model", "w*x+b", "--dataset", "linear", "--batch-size", "0"], "at least 1"),
        (["--model", "w*x+b", "--dataset", "linear", "--batch-size", "41"], "the 40 rows"),
        (["--model", "w*x+b", "--dataset", "linear", "--batch-size", "two"], "whole number"),
        (["--model", "w*x+b", "--dataset", "linear", "--seed", "3"], "--seed applies only"),
        (["--model", "w*x+b", "--dataset", "linear", "--param", "q=1"], "has no parameter 'q'"),
        (["--model", "w*x+b", "--dataset", "linear", "--x-column", "2"], "only with --data"),
        (["--model", "w*x+b", "--loss", "logistic", "--dataset", "linear"], "is not a label"),
        (["--function", "x^2", "--dataset", "linear"], "--dataset applies only with --model"),
        (["--function", "x^2", "--normalize"], "--normalize applies only with --model"),
        (["--preset", "rosenbrock", "--model", "w*x+b"], "--model: not allowed with"),
        (["--preset", "nope"], "--preset: unknown preset 'nope'"),
        (["--model", "w*x+b", "--function", "x"], "not allowed with argument"),
    ],
)
def test_model_mistakes_exit_2_with_one_line(tmp_path, args, message):
    code, out, err = render(tmp_path, *args)
    assert code == 2 and not out.exists()
    assert err.count("\n") == 1 and err.startswith("gradient-studio: error: ")
    assert message in err


model_words = st.sampled_from(["w", "b", "x", "y", "*", "+", "tanh(", ")", "^", "2", "sigmoid("])
model_text = st.lists(model_words | st.text(max_size=3), min_size=1, max_size=8).map("".join)


@settings(max_examples=60, deadline=None)
@given(
    model=model_text,
    loss=st.sampled_from(["mse", "logistic", "huber"]),
    axes=st.none() | st.text(max_size=6) | st.sampled_from(["w,b", "b,w", "w1,w2"]),
    batch=st.none() | st.text(max_size=4) | st.integers(-2, 50).map(str),
    seed=st.none() | st.integers(-1, 10).map(str),
)
def test_any_model_options_give_a_file_or_one_line(
    tmp_path_factory, model, loss, axes, batch, seed
):
    folder = tmp_path_factory.mktemp("model")
    args = ["--model", model, "--loss", loss, "--dataset", "separable", "--steps", "5"]
    args += ["--axes", axes] if axes is not None else []
    args += ["--batch-size", batch] if batch is not None else []
    args += ["--seed", seed] if seed is not None else []
    code, out, err = render(folder, *args)
    assert code in (0, 2)
    assert out.exists() == (code == 0)
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("gradient-studio: error: ")


@settings(max_examples=60, deadline=None)
@given(content=st.binary(max_size=60) | st.text(alphabet='0123456789.,;\t -xyeE\n"', max_size=60))
def test_any_data_file_gives_a_file_or_one_line(tmp_path_factory, content):
    folder = tmp_path_factory.mktemp("data")
    data = folder / "d.csv"
    if isinstance(content, bytes):
        data.write_bytes(content)
    else:
        data.write_text(content, encoding="utf-8")
    code, out, err = render(folder, "--model", "w*x + b", "--data", str(data), "--steps", "3")
    assert code in (0, 2)
    assert out.exists() == (code == 0)
    if code == 2:
        assert err.count("\n") == 1 and err.startswith("gradient-studio: error: --data: ")
