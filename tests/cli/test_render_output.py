"""`gradient-studio render`'s files: every combination it accepts finishes, every other is
refused up front with exit 2 and one line — never a traceback, never a partial file."""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gradient_studio.cli import main
from gradient_studio.export import limits

FOURTEEN = [
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adam",
    "amsgrad",
    "adamw",
    "adamax",
    "nadam",
    "radam",
    "adadelta",
    "rprop",
    "newton",
]


def render(capsys, *args: str) -> tuple[int, str]:
    code = main(["render", *args])
    err = capsys.readouterr().err
    return code, err


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("gradient-studio: error: "), err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--xrange", "-1e308,1e308"], "--xrange: the x range −1e+308"),
        (["--yrange", "2,1"], "the y range must"),  # (the race refuses it first)
        (["--xrange", "0,1e-300"], "too narrow"),
        (["--frames", "10000"], "--frames: 10000 frames of 640x480"),
        (["--size", "10000x10000", "--frames", "10000"], "--size: a picture of size 10000x10000"),
        (["--size", "9000x9000"], "at most 25 million"),
    ],
)
def test_what_would_not_fit_or_draw_is_refused_up_front(tmp_path, capsys, args, words):
    out = tmp_path / "race.gif"
    code, err = render(capsys, "--preset", "booth", "--steps", "5", *args, "--out", str(out))
    assert code == 2
    assert words.replace("−", "-") in one_line(err)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ext", [".json", ".csv", ".png"])
def test_a_million_steps_of_fourteen_optimisers_is_refused_up_front(tmp_path, capsys, ext):
    optimizers = [a for name in FOURTEEN for a in ("--optimizer", name)]
    out = tmp_path / f"race{ext}"
    code, err = render(
        capsys, "--preset", "booth", *optimizers, "--steps", "1000000", "--out", str(out)
    )
    assert code == 2
    assert "--steps: 14 runs of 1000000 steps" in one_line(err)
    assert "357141 steps" in err  # what would fit
    assert list(tmp_path.iterdir()) == []


def test_a_table_too_long_to_write_is_refused(tmp_path, capsys):
    steps = limits.MAX_ROWS // 2  # two runs: one row more than the limit
    out = tmp_path / "race.csv"
    args = ["--optimizer", "sgd", "--optimizer", "adam", "--steps", str(steps)]
    code, err = render(capsys, "--preset", "booth", *args, "--out", str(out))
    assert code == 2 and "rows of numbers" in one_line(err)


def test_a_file_name_too_long_is_one_line(tmp_path, capsys):
    out = tmp_path / ("a" * 300 + ".png")
    code, err = render(capsys, "--preset", "booth", "--steps", "3", "--out", str(out))
    assert code == 2 and "the file name is 304 bytes long" in one_line(err)
    # The longest name the folder takes still works (the temporary name is kept short).
    out = tmp_path / ("b" * 250 + ".csv")
    assert render(capsys, "--preset", "booth", "--steps", "3", "--out", str(out))[0] == 0
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


@pytest.mark.parametrize("text", ["out.csv/", "pics/.", "/"])
def test_a_folder_is_not_a_file(tmp_path, capsys, monkeypatch, text):
    (tmp_path / "pics").mkdir()
    monkeypatch.chdir(tmp_path)
    code, err = render(capsys, "--preset", "booth", "--steps", "3", "--out", text)
    assert code == 2 and "names a folder, not a file" in one_line(err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pics"]


def test_a_full_disk_is_one_line_naming_the_file(tmp_path, capsys, monkeypatch):
    import errno

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr("pathlib.Path.write_bytes", full)
    out = tmp_path / "race.png"
    code, err = render(
        capsys, "--preset", "booth", "--steps", "3", "--size", "64x48", "--out", str(out)
    )
    assert code == 2
    line = one_line(err)
    assert f"could not write {str(out)!r}: No space left on device" in line
    assert ".part" not in line
    assert list(tmp_path.iterdir()) == []


# -- whatever is typed: a file, or exit 2 and one line ----------------------------------------

_number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e308", "-1e308", "0", "1", "-2", "5e-324", "abc", ""]),
)
_range = st.tuples(_number, _number).map(",".join) | st.sampled_from(["1", "1,2,3", "-3,3"])
_side = st.sampled_from(["0", "15", "16", "40", "64", "10001", "-5", "x", "1e3"])
_size = st.tuples(_side, _side).map("x".join) | st.sampled_from(["64", "64x", "x48", "48X32"])
# Names inside the test's folder: a leading "/" would write at the root of the disk (and
# succeed where the tests run as root).
_name = st.text(string.ascii_letters + string.digits, min_size=1, max_size=8) | st.text(
    string.ascii_letters + "._- /", max_size=12
).filter(lambda s: not s.startswith("/"))
_ext = st.sampled_from([".png", ".svg", ".gif", ".csv", ".json"]) | st.sampled_from(
    [".txt", "", "/", ".PNG", ".gif/", ".csv.", "/.."]
)


def _command(ext: str, **given: object) -> dict[str, object]:
    """A command that writes, whatever the draw: ``--out race{ext}`` and ``given``."""
    none = dict.fromkeys(("size", "frames", "fps", "steps", "xrange", "yrange"))
    return {"name": "race", "ext": ext, **none, "optimizers": [], **given}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=_name,
    ext=_ext,
    size=st.none() | _size,
    frames=st.none() | st.sampled_from(["1", "3", "0", "-1", "2.5", "10000", "x"]),
    fps=st.none() | st.sampled_from(["1", "12", "50", "51", "0", "nan"]),
    steps=st.none() | st.sampled_from(["1", "4", "0", "-3", "1e3", "1000000"]),
    xrange=st.none() | _range,
    yrange=st.none() | _range,
    optimizers=st.lists(st.sampled_from([*FOURTEEN[:4], "nope", "adam:lr=-1"]), max_size=3),
)
@example(**_command(".png", size="64x48", steps="4", xrange="-3,3", optimizers=["sgd", "adam"]))
@example(**_command(".gif", size="40x30", frames="3", fps="12", yrange="-1,2"))
@example(**_command(".json", optimizers=["newton"], steps="1"))
def test_any_render_command_writes_its_file_or_says_why_in_one_line(
    tmp_path_factory, capsys, name, ext, size, frames, fps, steps, xrange, yrange, optimizers
):
    folder = tmp_path_factory.mktemp("out")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        args = ["--preset", "booth", "--steps", steps or "4"]
        for option, value in (("--size", size), ("--frames", frames), ("--fps", fps)):
            if value is not None:
                args += [option, value]
        for option, value in (("--xrange", xrange), ("--yrange", yrange)):
            if value is not None:
                args += [f"{option}={value}"]
        for o in optimizers:
            args += ["--optimizer", o]
        out = name + ext
        code, err = render(capsys, *args, "--out", out)
        written = [p for p in Path(folder).rglob("*") if p.is_file()]
        if code == 0:
            assert err == ""
            assert len(written) == 1 and written[0].stat().st_size > 0
            assert written[0].resolve() == (Path(folder) / out).resolve()
        else:
            assert code == 2
            one_line(err)
            assert written == []  # nothing written, not even part of a file
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize(
    "args",
    [
        ["--size", "64x48", "--xrange", "-3,3", "--optimizer", "sgd", "--out", "race.png"],
        ["--size", "40x30", "--frames", "3", "--fps", "12", "--out", "race.gif"],
        ["--size", "64x48", "--out", "race.svg"],
        ["--optimizer", "newton", "--out", "r.json"],
        ["--out", "r.csv"],
    ],
)
def test_what_fits_is_written(tmp_path, capsys, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    code, err = render(capsys, "--preset", "booth", "--steps", "4", *args)
    assert (code, err) == (0, "")
    assert [p.name for p in tmp_path.iterdir()] == [args[-1]]
