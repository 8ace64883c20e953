"""`gradient-studio render` with the gradient drawn: --arrows (the View menu's) and
--arrow-length, --field, --curvature and --colour-by make the picture carry them, also over
a session, and every bad value is one line and exit 2."""

import argparse
import contextlib
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QImage

from gradient_studio import cli
from gradient_studio.cli import glyphs

RACE = ["--preset", "rosenbrock", "--optimizer", "sgd", "--optimizer", "adam:lr=0.05"]
RACE += ["--steps", "40", "--size", "320x240"]


def render(tmp_path, *args, name="out.png"):
    out = tmp_path / name
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = cli.main(["render", *args, "--out", str(out)])
    return code, out, err.getvalue()


def image(path):
    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    return np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), -1).copy()


def test_each_flag_changes_the_picture(tmp_path, qapp):
    code, plain, _ = render(tmp_path, *RACE, name="plain.png")
    assert code == 0
    base = image(plain)
    for flags in (
        ["--arrows"],
        ["--arrow-length", "true"],
        ["--field"],
        ["--field", "10x14"],
        ["--curvature", "-1,1"],
        ["--curvature", "head"],
        ["--colour-by", "grad"],
    ):
        code, out, err = render(tmp_path, *RACE, *flags, name="g.png")
        assert (code, err) == (0, ""), flags
        assert (image(out) != base).any(), flags


def test_all_together_in_an_svg_and_a_gif(tmp_path, qapp):
    flags = ["--arrows", "--field", "--curvature", "0.5,0.5", "--colour-by", "grad"]
    code, out, err = render(tmp_path, *RACE, *flags, "--size", "1000x750", name="all.svg")
    assert (code, err) == (0, "")
    text = out.read_text()
    assert "‖∇f‖" in text and "Curvature at (0.5, 0.5)" in text and "fastest increase" in text
    # At 320 x 240 every glyph's full key would cover most of the picture: a brief one.
    code, out, err = render(tmp_path, *RACE, *flags, name="small.svg")
    text = out.read_text()
    assert "∇f: uphill" in text and "fastest increase" not in text and "a saddle" in text
    code, out, err = render(tmp_path, *RACE, *flags, "--frames", "3", name="all.gif")
    assert (code, err) == (0, "") and out.stat().st_size > 0


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--arrow-length", "long"], "--arrow-length: expected readable or true, got 'long'"),
        (["--field", "0x5"], "--field: expected ROWSxCOLS like 25x25"),
        (["--field", "300x300"], "at most 40000 arrows"),
        (["--field", "5"], "--field: expected ROWSxCOLS"),
        (["--curvature", "1"], "--curvature: expected two numbers like -1.5,2, got '1'"),
        (["--curvature", "nan,1"], "--curvature: 'nan' is not a finite number"),
        (["--curvature", "9,9"], "--curvature: the point (9, 9) is outside the view x -2…2"),
        (["--colour-by", "height"], "--colour-by: expected f or grad, got 'height'"),
    ],
)
def test_bad_values_are_one_line_and_exit_2(tmp_path, flags, message):
    code, out, err = render(tmp_path, *RACE, *flags)
    assert code == 2 and not out.exists()
    assert err.count("\n") == 1 and message in err


def test_curvature_where_f_is_undefined_is_refused(tmp_path):
    code, _out, err = render(
        tmp_path,
        "--function",
        "log(x) + y^2",
        "--xrange",
        "-2,2",
        "--yrange",
        "-1,1",
        "--curvature",
        "-1,0",
    )
    assert code == 2 and "--curvature: f is not defined at (-1, 0)" in err


def test_at_step_draws_the_race_there_with_its_step_arrows(tmp_path, qapp):
    args = [*RACE, "--arrows"]
    _, at_10, _ = render(tmp_path, *args, "--at-step", "10", name="s10.png")
    _, at_end, _ = render(tmp_path, *args, name="end.png")
    _, again, _ = render(tmp_path, *args, "--at-step", "40", name="s40.png")
    assert (image(at_10) != image(at_end)).any()
    assert (image(again) == image(at_end)).all()  # step 40 of 40 is the end


def test_the_glyphs_draw_over_a_session_too(tmp_path, qapp):
    code, session, _ = render(tmp_path, *RACE[:-2], name="race.json")  # a session's source
    assert code == 0
    over = ["--session", str(session), "--size", "320x240"]
    _, plain, _ = render(tmp_path, *over, name="p.png")
    code, out, err = render(tmp_path, *over, "--field", "--curvature", "head", name="g.png")
    assert (code, err) == (0, "")
    assert (image(out) != image(plain)).any()
    code, _, err = render(tmp_path, *over, "--curvature", "9,9", name="bad.png")
    assert code == 2 and "--curvature: the point (9, 9) is outside the view" in err


def test_glyphs_apply_only_to_pictures(tmp_path):
    for flag in (
        ["--arrow-length", "true"],
        ["--field"],
        ["--curvature", "0,0"],
        ["--colour-by", "f"],
    ):
        code, _out, err = render(tmp_path, *RACE[:-2], *flag, name="r.csv")
        assert code == 2 and "applies only to images (.png .svg .gif), not .csv" in err


def namespace(**kw):
    return argparse.Namespace(**{**dict.fromkeys(glyphs.GLYPH_OPTIONS), **kw})


words = st.sampled_from(["readable", "true", "head", "grad", "f", "x", ",", "-", "1", "25", "e9"])
flag_text = st.lists(words | st.text(max_size=5), max_size=5).map("".join)


@settings(max_examples=300)
@given(
    arrows=st.none() | flag_text,
    field=st.none() | flag_text,
    curvature=st.none() | flag_text,
    colour_by=st.none() | flag_text,
)
def test_any_flag_strings_give_a_style_or_one_usage_line(arrows, field, curvature, colour_by):
    args = namespace(arrow_length=arrows, field=field, curvature=curvature, colour_by=colour_by)
    try:
        options = glyphs.from_args(args, ".png")
    except cli.UsageError as e:
        assert str(e) and "\n" not in str(e)
        return
    from gradient_studio.export import PictureStyle

    style = PictureStyle(**options)  # whatever the flags let through, a style can draw
    assert style.arrow_mode in ("off", "readable", "true")
