"""`gradient-studio render` with a schedule, clipping and noise: what the files hold, and
one line with exit 2 for every bad value (in-process: the command itself is run as a
subprocess in test_cli.py)."""

import argparse
import contextlib
import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradient_studio import cli
from gradient_studio.cli.training import from_args
from gradient_studio.engine import Race, Training

BOWL = ["--function", "x^2 + 3y^2", "--steps", "20", "--start", "1,1"]


def render(tmp_path, *args, name="out.csv"):
    out = tmp_path / name
    code = cli.main(["render", *args, "--out", str(out)])
    return code, out


def test_csv_lr_column_is_the_lr_each_step_used(tmp_path):
    code, out = render(
        tmp_path, *BOWL, "--optimizer", "sgd:lr=0.1", "--schedule", "step:step_size=5,gamma=0.5"
    )
    assert code == 0
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    lr = [float(r["lr"]) for r in rows]
    # row k: the step to row k; row 0 shows the first step's
    assert lr == [0.1] * 6 + [0.05] * 5 + [0.025] * 5 + [0.0125] * 5


def test_json_records_the_training_and_replays_exactly(tmp_path):
    args = [*BOWL, "--optimizer", "adam:lr=0.05", "--optimizer", "momentum:lr=0.02"]
    args += ["--schedule", "onecycle:pct_start=0.4", "--clip-value", "0.5", "--noise", "0.2,0.3"]
    code, out = render(tmp_path, *args, name="race.json")
    assert code == 0
    data = json.loads(out.read_text())
    training = data["race"]["training"]
    assert training["schedule"]["name"] == "onecycle"
    assert training["schedule"]["total_steps"] == 20
    assert training["clip"] == {"value": 0.5}
    assert training["noise"] == {"eta": 0.2, "gamma": 0.3, "seed": 0}  # no --seed: seed 0
    again = Race.from_dict(data["race"]).run()
    for run, t in zip(data["runs"], again.trajectories, strict=True):
        assert run["points"] == t.points.tolist()
        assert run["lr"] == t.lr.tolist()


def test_a_seed_changes_the_noise_and_repeats(tmp_path):
    def points(*extra):
        code, out = render(tmp_path, *BOWL, "--noise", "0.5", *extra, name="r.json")
        assert code == 0
        return json.loads(out.read_text())["runs"][0]["points"]

    assert points() == points("--seed", "0") == points()
    assert points("--seed", "7") == points("--seed", "7") != points()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--schedule", "cosine:T_max=0"], "--schedule: T_max must be at least 1, got 0"),
        (["--schedule", "step:step_size=3,gamma=-0.1"], "gamma must be above 0"),
        (["--schedule", "warmup"], "--schedule: unknown schedule 'warmup'"),
        (["--schedule", "cosine:tmax=3"], "has no option 'tmax'"),
        (["--schedule", "step"], "step needs step_size"),
        (["--schedule", "onecycle:total_steps=5"], "at least the run's 20 steps"),
        (["--clip-norm", "0"], "--clip-norm: the clip norm must be above 0"),
        (["--clip-value", "-1"], "--clip-value: the clip value must be above 0"),
        (["--clip-norm", "1", "--clip-value", "1"], "not allowed with"),
        (["--clip-norm", "big"], "'big' is not a number"),
        (["--noise", "0.3,-0.55"], "--noise: the noise gamma must be 0 or more"),
        (["--noise", "-0.3"], "--noise: the noise eta must be above 0"),
        (["--noise", "1,2,3"], "expected ETA or ETA,GAMMA"),
        (["--seed", "4"], "--seed applies only with --noise"),
        (["--noise", "0.3", "--seed", "-4"], "--seed must be between 0"),
        (["--noise", "0.3", "--seed", "1.5"], "--seed: '1.5' is not a whole number"),
    ],
)
def test_bad_training_options_exit_2_with_one_line(tmp_path, capsys, args, message):
    code, out = render(tmp_path, *BOWL, *args)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("gradient-studio: error: ")
    assert message in err
    assert not out.exists()


def namespace(**kw):
    values = {"schedule": None, "clip_norm": None, "clip_value": None, "noise": None, "seed": None}
    return argparse.Namespace(**{**values, **kw})


words = st.sampled_from(["cosine", "step", "onecycle", "linear", "T_max", "gamma", "=", ",", ":"])
option_text = st.lists(words | st.text(max_size=6), max_size=6).map("".join)


@settings(max_examples=200)
@given(
    schedule=st.none() | option_text,
    clip=st.none() | st.text(max_size=8),
    noise=st.none() | st.text(max_size=10),
    seed=st.none() | st.text(max_size=6),
)
def test_any_option_strings_give_training_or_one_usage_line(schedule, clip, noise, seed):
    try:
        training = from_args(namespace(schedule=schedule, clip_norm=clip, noise=noise, seed=seed))
    except cli.UsageError as e:
        assert str(e) and "\n" not in str(e)
        return
    assert isinstance(training, Training)


def test_list_names_the_schedules_and_their_options(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "Schedules for --schedule" in out
    assert "step_size=required, gamma=0.1" in out
    assert "T_max=the run's steps" in out and "cycle_momentum=true" in out


@settings(max_examples=30)
@given(schedule=option_text, noise=st.none() | st.text(max_size=8))
def test_the_command_answers_any_schedule_with_a_file_or_one_line(
    tmp_path_factory, schedule, noise
):
    folder = tmp_path_factory.mktemp("any")
    extra = ["--noise", noise] if noise else []
    out = folder / "r.csv"
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(["render", *BOWL, "--schedule", schedule, *extra, "--out", str(out)])
    assert code in (0, 2)
    assert out.exists() == (code == 0)
    if code == 2:
        assert err.getvalue().count("\n") == 1
        assert err.getvalue().startswith("gradient-studio: error: ")
