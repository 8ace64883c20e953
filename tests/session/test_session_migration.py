"""Version 0: the trajectories .json that render and the window export opens as the session
that races it again (it holds its inputs); errors name the field as that file has it."""

from __future__ import annotations

import json

import pytest

from gradient_studio import cli
from gradient_studio.session import Session, SessionError, files, limits


def exported(tmp_path, *options: str) -> dict:
    out = tmp_path / "race.json"
    assert cli.main(["render", *options, "--out", str(out)]) == 0
    return json.loads(out.read_text())


def by_name(race: dict) -> dict:
    return {**race, "optimizers": sorted(race["optimizers"], key=lambda o: o["name"])}


@pytest.mark.parametrize(
    "options",
    [
        ("--preset", "himmelblau", "--optimizer", "sgd", "--optimizer", "adam:lr=0.05"),
        (
            "--function",
            "a x^2 + b y^2 + c sin(x)",
            "--param",
            "a=2",
            "--param",
            "b=-0.5",
            "--optimizer",
            "rmsprop:alpha=0.9",
            "--start",
            "1,-2",
            "--start",
            "0.5,0.5",
            "--steps",
            "40",
            "--xrange",
            "-3,3",
            "--yrange",
            "-2,4",
        ),
        (
            "--preset",
            "booth",
            "--optimizer",
            "nesterov",
            "--schedule",
            "cosine:eta_min=1e-4",
            "--clip-norm",
            "3",
            "--noise",
            "0.2,0.4",
            "--seed",
            "7",
        ),
    ],
)
def test_an_exported_race_opens_as_the_session_that_races_it(tmp_path, options):
    record = exported(tmp_path, *options)
    loaded = files.read(tmp_path / "race.json")
    assert loaded.warnings == ()
    s = loaded.session
    # The same race, its optimisers in the panel's order.
    assert by_name(s.race().to_dict()) == by_name(record["race"])
    assert s.ticked == tuple(o for o in s.ticked if o in {r["optimizer"] for r in record["runs"]})
    assert s.playback.step is None and s.home == s.view
    # And saved as a session, it stays that session.
    assert files.loads(files.dumps(s)) == s


def test_a_preset_race_keeps_the_presets_settings_for_the_rest(tmp_path):
    exported(tmp_path, "--preset", "himmelblau", "--optimizer", "sgd:lr=0.001")
    s = files.load(tmp_path / "race.json")
    assert s.preset == "himmelblau" and s.ticked == ("sgd",)
    assert s.optimizer("sgd").values["lr"] == 0.001
    assert (
        s.optimizer("adam").values["lr"]
        == Session.from_preset("himmelblau").optimizer("adam").values["lr"]
    )


def test_an_optimiser_raced_twice_is_kept_once_and_said(tmp_path):
    exported(
        tmp_path,
        "--preset",
        "booth",
        "--optimizer",
        "adam:lr=0.1",
        "--optimizer",
        "adam:lr=0.01",
        "--optimizer",
        "sgd",
    )
    loaded = files.read(tmp_path / "race.json")
    assert loaded.session.ticked == ("sgd", "adam")
    assert loaded.session.optimizer("adam").values["lr"] == 0.1
    assert loaded.warnings == (
        "race.optimizers[1]: adam races twice in this file; a session has each optimiser "
        "once, so it keeps the first",
    )


def test_errors_in_an_old_file_name_its_own_fields(tmp_path):
    record = exported(tmp_path, "--preset", "booth", "--optimizer", "sgd", "--optimizer", "adam")
    cases = [
        (
            lambda r: r["race"]["optimizers"][1]["hyperparameters"].update(lr=99),
            "race.optimizers[1].hyperparameters.lr",
        ),
        (lambda r: r["race"].update(steps=-1), "race.steps"),
        (lambda r: r["race"].update(xrange=[1, 0]), "race.xrange"),
        (lambda r: r["race"].update(function="x +"), "race.function"),
        (lambda r: r["race"].update(parameters={"q": "one"}), "race.parameters.q"),
        (lambda r: r["race"].update(parameters=[1]), "race.parameters"),
        (lambda r: r["race"].update(optimizers={}), "race.optimizers"),
        (
            lambda r: r["race"]["training"]["schedule"].update(name="nope"),
            "race.training.schedule.name",
        ),
        (lambda r: r.update(race=None), "race"),
        (lambda r: r.update(race=[]), "race"),
    ]
    for edit, path in cases:
        doc = json.loads(json.dumps(record))
        edit(doc)
        with pytest.raises(SessionError) as info:
            files.loads(json.dumps(doc))
        assert info.value.path == path, str(info.value)


def test_a_large_export_opens_from_its_race_alone(tmp_path):
    record = exported(tmp_path, "--preset", "beale", "--optimizer", "adam")
    record["runs"] = record["runs"] * (limits.MAX_FILE_BYTES // len(json.dumps(record["runs"])) + 2)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(record))
    assert big.stat().st_size > limits.MAX_FILE_BYTES
    s = files.load(big)
    assert s.race().to_dict() == record["race"]
    renamed = tmp_path / "big.gstudio"
    big.rename(renamed)
    with pytest.raises(SessionError, match="a session is at most 5 MB"):
        files.load(renamed)
    with open(renamed, "r+b") as fh:
        fh.write(b'{"gradient_studio": 1, "race": ')  # no longer an export's start
    renamed.rename(big)
    with pytest.raises(SessionError, match="too large for a session"):
        files.load(big)
