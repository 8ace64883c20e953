"""Sessions on the command line: render --session draws what the equivalent options draw,
options given beside it override the session's, the View options, bad session files as
exit 2 and one line, and gradient-studio FILE.gstudio checked before any window opens."""

from __future__ import annotations

import csv
import json
import shlex
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from gradient_studio import cli
from gradient_studio.cli import window
from gradient_studio.engine.schedules import Schedule
from gradient_studio.engine.transforms import Training
from gradient_studio.session import Session, files
from gradient_studio.session.sharing import command_line

LECTURE = (
    Session.from_preset("himmelblau")
    .with_ticked(["sgd", "momentum", "rmsprop"])
    .with_hyperparameter("momentum", "momentum", 0.8)
    .with_start(-0.5, 4.0)
    .with_steps(80)
    .with_view((-5.5, 5.5), (-4.0, 5.0))
    .with_picture(colour_map="cividis", levels=30, arrows=True)
    .with_training(Training(Schedule("exponential", {"gamma": 0.99})))
    .with_playhead(35.0)
)


def run(*argv: str) -> int:
    return cli.main(list(argv))


def pixels(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGBA"))


def rows(path) -> list[dict]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def lecture(tmp_path):
    return files.save(LECTURE, tmp_path / "lecture.gstudio")


def draw(lecture, out, *options: str) -> np.ndarray:
    """The session's picture at 640x480, as render --session draws it."""
    assert (
        run("render", "--session", str(lecture), "--size", "640x480", *options, "--out", str(out))
        == 0
    )
    return pixels(out)


def test_render_session_draws_what_the_same_options_draw(tmp_path, lecture):
    a = draw(lecture, tmp_path / "session.png")
    argv = shlex.split(command_line(LECTURE, out=str(tmp_path / "options.png")))[1:]
    assert run(*argv, "--size", "640x480") == 0
    b = pixels(tmp_path / "options.png")
    assert a.shape == (480, 640, 4) and np.array_equal(a, b)
    # The playhead is in the picture: the race drawn to its end is another picture.
    assert not np.array_equal(a, draw(lecture, tmp_path / "end.png", "--at-step", "80"))


def test_render_session_writes_the_same_numbers(tmp_path, lecture):
    assert run("render", "--session", str(lecture), "--out", str(tmp_path / "a.csv")) == 0
    argv = [
        a
        for a in shlex.split(command_line(LECTURE, out=str(tmp_path / "b.csv")))[1:]
        if not a.startswith(("--colormap", "--levels", "--arrows", "--at-step"))
    ]
    assert run(*argv) == 0
    assert rows(tmp_path / "a.csv") == rows(tmp_path / "b.csv")
    assert {r["optimizer"] for r in rows(tmp_path / "a.csv")} == {"sgd", "momentum", "rmsprop"}


def race_of(tmp_path, *options: str) -> dict:
    out = tmp_path / "race.json"
    assert run("render", *options, "--out", str(out)) == 0
    return json.loads(out.read_text())["race"]


def test_options_beside_a_session_override_only_their_own_part(tmp_path, lecture):
    base = race_of(tmp_path, "--session", str(lecture))
    assert [o["name"] for o in base["optimizers"]] == ["sgd", "momentum", "rmsprop"]
    assert base["steps"] == 80 and base["starts"] == [[-0.5, 4.0]]

    race = race_of(
        tmp_path,
        "--session",
        str(lecture),
        "--optimizer",
        "adam",
        "--optimizer",
        "momentum:lr=0.002",
    )
    assert [o["name"] for o in race["optimizers"]] == ["momentum", "adam"]
    momentum = race["optimizers"][0]["hyperparameters"]
    assert momentum == {"lr": 0.002, "momentum": 0.8}  # the session's momentum kept
    assert race["optimizers"][1]["hyperparameters"]["lr"] == 0.1  # the preset's suggestion

    race = race_of(
        tmp_path,
        "--session",
        str(lecture),
        "--lr",
        "0.003",
        "--optimizer",
        "sgd",
        "--optimizer",
        "rmsprop:lr=0.2",
    )
    assert [o["hyperparameters"]["lr"] for o in race["optimizers"]] == [0.003, 0.2]

    race = race_of(
        tmp_path,
        "--session",
        str(lecture),
        "--steps",
        "20",
        "--start",
        "1,1",
        "--start",
        "-1,-1",
        "--xrange",
        "-1,1",
        "--schedule",
        "cosine",
    )
    assert race["steps"] == 20 and race["starts"] == [[1.0, 1.0], [-1.0, -1.0]]
    assert race["xrange"] == [-1.0, 1.0] and race["yrange"] == [-4.0, 5.0]
    assert race["training"]["schedule"] == {"name": "cosine", "T_max": 20, "eta_min": 0.0}

    race = race_of(tmp_path, "--session", str(lecture), "--clip-value", "2")
    assert race["training"]["schedule"]["name"] == "exponential"
    assert race["training"]["clip"] == {"value": 2.0}


def one_line_error(capsys, *argv: str) -> str:
    assert run(*argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("gradient-studio: error: "), err
    return err.strip()


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (
            lambda d: d["optimizers"][2]["hyperparameters"].update(lr=50),
            "lecture.gstudio: optimizers[2].hyperparameters.lr: 50 is outside 1e-05…10",
        ),
        (lambda d: d.update(version=5), "version: 5: this session was saved by a newer"),
        (lambda d: d["function"].update(text="(x^2 + y"), "function.text: missing ')'"),
    ],
)
def test_a_bad_session_file_is_exit_2_and_one_line_naming_the_field(
    tmp_path, capsys, lecture, edit, words
):
    doc = json.loads(lecture.read_text())
    edit(doc)
    lecture.write_text(json.dumps(doc))
    out = tmp_path / "picture.png"
    err = one_line_error(capsys, "render", "--session", str(lecture), "--out", str(out))
    assert words in err and "--session: " in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--param", "q=1"], "--param: the function has no parameter 'q'"),
        (["--optimizer", "adam", "--optimizer", "adam:lr=0.1"], "adam is given twice"),
        (["--optimizer", "adam:lr=50"], "--optimizer: adam lr must be between 1e-05 and 10"),
        (["--steps", "20", "--at-step", "30"], "--at-step: 30 is past the last step, 20"),
        (["--colormap", "jet"], "--colormap: unknown colour map"),
        (["--colouring", "log"], "--colouring: unknown colouring"),
        (["--levels", "0"], "--levels must be between 1 and 100"),
        (["--xrange", "2,1"], "--xrange/--yrange: the x range must go from low to high"),
    ],
)
def test_bad_overrides_are_one_line(tmp_path, capsys, lecture, options, words):
    err = one_line_error(
        capsys, "render", "--session", str(lecture), *options, "--out", str(tmp_path / "p.png")
    )
    assert words in err


def test_no_optimiser_ticked_is_said(tmp_path, capsys):
    path = files.save(Session.default().with_ticked([]), tmp_path / "none.gstudio")
    err = one_line_error(capsys, "render", "--session", str(path), "--out", str(tmp_path / "a.csv"))
    assert "no optimiser is ticked" in err and "--optimizer" in err
    assert (
        run(
            "render",
            "--session",
            str(path),
            "--optimizer",
            "adam",
            "--out",
            str(tmp_path / "a.csv"),
        )
        == 0
    )


def test_a_missing_session_file_is_one_line(tmp_path, capsys):
    err = one_line_error(
        capsys,
        "render",
        "--session",
        str(tmp_path / "nope.gstudio"),
        "--out",
        str(tmp_path / "a.png"),
    )
    assert "cannot read" in err and "nope.gstudio" in err


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--colormap", "magma", "--out", "a.csv"], "--colormap applies only to images"),
        (["--arrows", "--out", "a.json"], "--arrows applies only to images"),
        (["--at-step", "3", "--out", "a.gif"], "--at-step applies only to .png and .svg"),
        (["--at-step", "900", "--out", "a.png"], "--at-step: 900 is outside the race's steps"),
        (["--colormap", "jet", "--out", "a.png"], "--colormap: unknown colour map"),
    ],
)
def test_the_view_options_on_a_plain_render(tmp_path, capsys, monkeypatch, options, words):
    monkeypatch.chdir(tmp_path)
    err = one_line_error(capsys, "render", "--preset", "booth", *options)
    assert words in err and list(tmp_path.iterdir()) == []


def test_a_plain_render_with_view_options_draws_the_sessions_picture(tmp_path, lecture):
    argv = shlex.split(command_line(LECTURE, out=str(tmp_path / "options.svg")))[1:]
    assert any(a.startswith("--colormap=cividis") for a in argv)
    assert run(*argv, "--size", "320x240") == 0
    assert (
        run(
            "render",
            "--session",
            str(lecture),
            "--size",
            "320x240",
            "--out",
            str(tmp_path / "session.svg"),
        )
        == 0
    )
    assert (tmp_path / "options.svg").read_text() == (tmp_path / "session.svg").read_text()


def gs(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gradient_studio", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_opening_a_bad_file_from_the_file_manager_says_why_before_any_window(tmp_path):
    bad = tmp_path / "broken.gstudio"
    bad.write_text('{"format": "gradient-studio-session", "version": 1, "function": {"text": 3}}')
    r = gs(str(bad))
    assert r.returncode == 2
    assert r.stderr.strip() == (
        f"gradient-studio: error: cannot open: {bad}: function.text: must be text, not 3"
    )
    r = gs(str(tmp_path / "missing.gstudio"))
    assert r.returncode == 2 and "cannot read" in r.stderr and r.stderr.count("\n") == 1


def test_a_good_file_is_handed_to_the_window(tmp_path, lecture, monkeypatch):
    from gradient_studio.ui import app

    opened = []

    def window_main(session_path=None):
        opened.append(session_path)
        return 0

    monkeypatch.setattr(app, "main", window_main)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert cli.main([str(lecture)]) == 0
    assert opened == [lecture]
    assert window.file_to_open(["render"]) is None
    assert window.file_to_open(["--version"]) is None
    assert window.file_to_open([str(lecture), "x"]) is None


def test_a_window_that_cannot_open_files_yet_says_so(tmp_path, lecture):
    def old_main() -> int:
        return 0

    with pytest.raises(cli.UsageError, match="render --session"):
        window.window_arguments(old_main, lecture)
    assert window.window_arguments(old_main, None) == {}
