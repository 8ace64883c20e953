"""Sharing: gstudio: strings decode with a file's checks and their own size limits, and the
command line that Copy as Command gives reproduces the race through the CLI's own parser."""

from __future__ import annotations

import base64
import json
import shlex
import zlib

import pytest

from gradient_studio import cli
from gradient_studio.cli.arguments import join_negative_values
from gradient_studio.engine.schedules import Schedule
from gradient_studio.engine.transforms import Clipping, GradientNoise, Training
from gradient_studio.session import Session, SessionError, files, limits
from gradient_studio.session.sharing import (
    command_line,
    find_share_text,
    from_share_text,
    share_text,
)


def packed(data: bytes) -> str:
    return "gstudio:" + base64.urlsafe_b64encode(zlib.compress(data, 9)).decode().rstrip("=")


def test_a_shared_session_is_short_and_survives_being_pasted_in_prose():
    s = Session.default().with_hyperparameter("adam", "lr", 0.02)
    text = share_text(s)
    assert len(text) < 1200
    wrapped = "Try this one:\n  " + "\n  ".join(text[i : i + 60] for i in range(0, len(text), 60))
    assert find_share_text(wrapped) == text
    assert from_share_text(wrapped + "\n\nCheers").session == s
    assert find_share_text("no session here") is None


def test_a_zip_bomb_is_refused_without_expanding_it():
    bomb = packed(b" " * 200_000_000)  # 200 MB of spaces: a string of a few hundred kB
    assert len(bomb) < limits.MAX_SHARE_CHARS
    with pytest.raises(SessionError, match="expands to more than a session may hold"):
        from_share_text(bomb)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("gstudio:", "no gstudio: string"),
        ("hello", "no gstudio: string"),
        ("gstudio:abcde", "cut short or not base64url"),
        ("gstudio:" + "A" * 40, "damaged"),
        (packed(b"{}")[:-6], "cut short"),
        ("gstudio:" + "A" * (limits.MAX_SHARE_CHARS + 1), "at most 2,000,000"),
    ],
)
def test_a_broken_string_says_so(text, words):
    with pytest.raises(SessionError) as info:
        from_share_text(text)
    assert info.value.path == "gstudio" and words in str(info.value)


def test_what_a_string_holds_is_checked_as_a_file_is():
    doc = json.loads(files.dumps(Session.default()))
    doc["steps"] = -3
    with pytest.raises(SessionError) as info:
        from_share_text(packed(json.dumps(doc).encode()))
    assert info.value.path == "steps"
    with pytest.raises(SessionError, match="not UTF-8"):
        from_share_text(packed(b"\xff\xfe"))
    with pytest.raises(SessionError, match="nested"):
        from_share_text(packed(b"[" * 1000))


SESSIONS = {
    "the first launch": Session.default(),
    "a preset, changed": Session.from_preset("himmelblau")
    .with_ticked(["sgd", "nesterov", "rprop", "newton"])
    .with_hyperparameter("nesterov", "momentum", 0.75)
    .with_hyperparameter("rprop", "eta_plus", 1.1 + 1e-12)
    .with_starts([(-4.0, -4.0), (0.1, 0.2)])
    .with_steps(123)
    .with_view((-6.0, 6.0), (-5.5, 5.0)),
    "its parameters moved": Session.default().with_parameter("b", 10.000000000000002),
    "a function of its own": Session.from_function("-x^2 + a*y^2 + sin(w x)", ("a", "w"))
    .with_parameter("a", -0.3)
    .with_ticked(["adam", "radam"])
    .with_start(-1e-3, 2.5),
    "training tools and the View menu": Session.from_preset("rastrigin")
    .with_training(
        Training(
            Schedule("onecycle", {"pct_start": 0.25, "cycle_momentum": False}),
            Clipping("value", 0.5),
            GradientNoise(0.1, 0.3, 12345),
        )
    )
    .with_picture(colour_map="inferno", levels=35, colouring="linear", arrows=True)
    .with_playhead(42.5),
}


@pytest.mark.parametrize("name", list(SESSIONS))
def test_the_command_line_reproduces_the_race(name, tmp_path, monkeypatch):
    s = SESSIONS[name]
    line = command_line(s, out=str(tmp_path / "race.json"))
    argv = shlex.split(line)
    assert argv[:2] == ["gradient-studio", "render"]
    picture = [a for a in argv if a.startswith(("--colormap", "--levels", "--colouring"))]
    picture += [a for a in argv if a in ("--arrows",) or a.startswith("--at-step")]
    data_only = [a for a in argv[1:] if a not in picture]  # (a .json takes no View options)
    assert cli.main(data_only) == 0
    written = json.loads((tmp_path / "race.json").read_text())["race"]
    assert written == s.race().to_dict()
    args = cli.parser().parse_args(join_negative_values(argv[1:]))
    if s.picture != type(s.picture)():
        assert args.colormap == s.picture.colour_map or s.picture.colour_map == "viridis"
    if s.playback.step is not None:
        assert float(args.at_step) == s.playback.step


def test_the_command_leaves_out_what_it_would_get_anyway():
    line = command_line(Session.default())
    assert line == (
        "gradient-studio render --preset rosenbrock --optimizer=sgd:lr=0.001 "
        "--optimizer=momentum:lr=0.001 --optimizer=adam:lr=0.05 --out=race.png"
    )


def test_a_function_is_quoted_for_the_shell():
    s = Session.from_function("x^2 + y^2 + a", ("a",)).with_function("x^2 + (y - 1)^2")
    assert "'--function=x^2 + (y - 1)^2'" in command_line(s)
