"""A session file comes from someone else: each way it can be wrong gets one clear message
naming the field, as one SessionError, and nothing in it is evaluated."""

from __future__ import annotations

import json
import os
import zlib

import pytest

from gradient_studio.session import Session, SessionError, files, limits


def valid() -> dict:
    s = Session.default().with_function("(a - x)^2 + b*(y - x^2)^2 + c", ("a", "b", "c"))
    return json.loads(files.dumps(s))


def refused(doc_or_text, path: str, *words: str) -> SessionError:
    text = doc_or_text if isinstance(doc_or_text, str) else json.dumps(doc_or_text)
    with pytest.raises(SessionError) as info:
        files.loads(text)
    error = info.value
    assert error.path == path, str(error)
    assert str(error) == (f"{path}: {error.message}" if path else error.message)
    for word in words:
        assert word in str(error), str(error)
    assert "\n" not in str(error)
    return error


def changed(edit) -> dict:
    doc = valid()
    edit(doc)
    return doc


CASES = [
    # numbers out of range or not numbers, at their path
    (
        lambda d: d["optimizers"][5]["hyperparameters"].update(lr=50),
        "optimizers[5].hyperparameters.lr",
        "50 is outside 1e-05…10",
    ),
    (
        lambda d: d["optimizers"][5]["hyperparameters"].update(beta1=1.0),
        "optimizers[5].hyperparameters.beta1",
        "outside 0…0.999",
    ),
    (
        lambda d: d["optimizers"][0]["hyperparameters"].update(lr="0.1"),
        "optimizers[0].hyperparameters.lr",
        'not "0.1"',
    ),
    (
        lambda d: d["optimizers"][0]["hyperparameters"].update(lr=True),
        "optimizers[0].hyperparameters.lr",
        "not true",
    ),
    (
        lambda d: d["optimizers"][0]["hyperparameters"].update(lr=[1]),
        "optimizers[0].hyperparameters.lr",
        "a list",
    ),
    (lambda d: d.update(steps=0), "steps", "from 1 to 1000000"),
    (lambda d: d.update(steps=2.5), "steps", "whole number"),
    (lambda d: d.update(steps=10**30), "steps", "from 1 to 1000000"),
    (lambda d: d["starts"].append([1e13, 0]), "starts[1]", "further out than ±1e+12"),
    (lambda d: d.update(starts=[]), "starts", "1 to 10,000 starts"),
    (lambda d: d["view"].update(x=[2, -2]), "view.x", "low to high"),
    (lambda d: d["view"].update(y=[0, 1e16]), "view.y", "±1e+15"),
    (lambda d: d["home"].update(x=[1, 1 + 1e-15]), "home.x", "too narrow"),
    (lambda d: d["parameters"][0].update(value=1e101), "parameters[0].value", "outside"),
    (lambda d: d["parameters"][0].update(low=9), "parameters[0].high", "above low"),
    (lambda d: d["parameters"][0].update(value=7), "parameters[0].value", "slider's -5…5"),
    (lambda d: d["picture"].update(levels=0), "picture.levels", "from 1 to 100"),
    (lambda d: d["picture"].update(colour_map="jet"), "picture.colour_map", "viridis"),
    (lambda d: d["picture"].update(colouring="log"), "picture.colouring", "logarithmic"),
    (lambda d: d["picture"].update(arrows=1), "picture.arrows", "true or false"),
    (lambda d: d["playback"].update(step=501), "playback.step", "past the last step, 500"),
    (lambda d: d["playback"].update(speed=0), "playback.speed", "outside 1…1000"),
    (
        lambda d: d["training"]["schedule"].update(name="step"),
        "training.schedule",
        "needs step_size",
    ),
    (
        lambda d: d["training"]["schedule"].update(name="cosine", T_max=0),
        "training.schedule.T_max",
        "at least 1",
    ),
    (
        lambda d: d["training"]["schedule"].update(name="onecycle", total_steps=10),
        "training.schedule",
        "at least the run's 500 steps",
    ),
    (
        lambda d: d["training"]["schedule"].update(warmup=3),
        "training.schedule.warmup",
        "no option 'warmup'",
    ),
    (lambda d: d["training"].update(clip={"norm": -1}), "training.clip.norm", "above 0"),
    (lambda d: d["training"].update(clip={"both": 1}), "training.clip", '{"norm": V}'),
    (lambda d: d["training"].update(noise={"seed": -1}), "training.noise.seed", "from 0 to"),
    (lambda d: d["training"].update(noise={"seed": 0.5}), "training.noise.seed", "whole"),
    # names that are not known
    (lambda d: d["optimizers"][5].update(name="adamm"), "optimizers[5].name", "did you mean adam"),
    (lambda d: d["optimizers"].append(dict(d["optimizers"][0])), "optimizers", "at most 14"),
    (lambda d: d["optimizers"][1].update(name="sgd"), "optimizers[1].name", "sgd is given twice"),
    (
        lambda d: d["optimizers"][0]["hyperparameters"].update(momentum=0.9),
        "optimizers[0].hyperparameters.momentum",
        "of sgd",
    ),
    (
        lambda d: d["optimizers"][0].update(look={"colour": "red"}),
        "optimizers[0].look.colour",
        "#rrggbb",
    ),
    (
        lambda d: d["optimizers"][0].update(look={"colour": "#ff0000", "marker": "x"}),
        "optimizers[0].look.marker",
        "one of",
    ),
    (lambda d: d["parameters"][0].update(name="sin"), "parameters[0].name", "not a parameter name"),
    (lambda d: d["parameters"][0].update(name="x"), "parameters[0].name", "not a parameter name"),
    (lambda d: d["parameters"][1].update(name="a"), "parameters[1].name", "given twice"),
    (
        lambda d: d["function"].update(preset="rosenbrok"),
        "function.preset",
        "did you mean rosenbrock",
    ),
    (
        lambda d: d["exercise"].update(locked=["optimizers.adam.learning_rate"]),
        "exercise.locked[0]",
        "names no control",
    ),
    (lambda d: d["exercise"].update(hidden=["sliders"]), "exercise.hidden[0]", "unknown"),
    (lambda d: d["exercise"].update(free="*"), "exercise.free", "must be a list"),
    # the function goes through the engine's parser only, its column said
    (lambda d: d["function"].update(text="(a - x)^2 + "), "function.text", "column 11"),
    (
        lambda d: d["function"].update(text="__import__('os').system('x')"),
        "function.text",
        "column",
    ),
    (lambda d: d["function"].update(text="x" * 1_000_000), "function.text", "1,000,000 characters"),
    (lambda d: d["function"].update(text=7), "function.text", "must be text"),
    (lambda d: d.pop("function"), "function", "missing"),
    (lambda d: d.update(parameters={"a": 1}), "parameters", "must be a list"),
    (lambda d: d.update(view=[[0, 1], [0, 1]]), "view", "must be an object"),
    # versions
    (lambda d: d.update(version=2), "version", "newer Gradient Studio"),
    (lambda d: d.update(version="1"), "version", "whole number"),
    (lambda d: d.update(version=0), "version", "from 1 to 1"),
    (lambda d: d.update(format="something-else"), "format", "gradient-studio-session"),
    (lambda d: d.pop("format"), "format", "not a Gradient Studio session"),
]


@pytest.mark.parametrize(("edit", "path", "words"), [(c[0], c[1], c[2:]) for c in CASES])
def test_each_mistake_is_one_error_at_its_field(edit, path, words):
    refused(changed(edit), path, *words)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", ("empty",)),
        ("   \n", ("empty",)),
        ('{"format": ', ("not valid JSON", "line 1, column 12")),
        ("[1, 2]", ("not an object",)),
        ('"text"', ("not an object",)),
        ("null", ("not an object",)),
        ("{'format': 1}", ("not valid JSON",)),
        ('{"format": "gradient-studio-session", "format": "x"}', ('"format" is given twice',)),
        ("[" * 50 + "]" * 50, ("nested 50 levels deep", "at most 32")),
        ("[" * 100_000, ("nested hundreds of levels",)),
        ("[" * 100_000 + "]" * 100_000, ("nested hundreds of levels",)),
        ('{"a": ' * 40 + "1" + "}" * 40, ("nested 40",)),
        # Texts that would make a careless scanner quadratic (each is one quick pass).
        ('"' + 'a\\"' * 1_000_000, ("Unterminated string", "column 1")),
        ("[" * 30 + '"' + "x[" * 1_000_000, ("Unterminated string",)),
        ('"' * 1_000_001, ("Extra data",)),
    ],
)
def test_text_that_is_no_session_is_refused_whole(text, words):
    refused(text, "", *words)


def test_brackets_inside_strings_do_not_count_as_nesting():
    doc = valid()
    doc["note"] = "[" * 100 + '\\"{' * 50
    assert files.parse(json.dumps(doc)).warnings == ("note: unknown field, left out",)


def test_numbers_json_should_not_hold(tmp_path):
    refused(json.dumps(valid()).replace('"steps": 500', '"steps": NaN'), "steps", "got nan")
    text = json.dumps(valid()).replace('"steps": 500', '"steps": Infinity')
    refused(text, "steps", "inf")
    text = json.dumps(valid()).replace('"steps": 500', '"steps": 1e999')
    refused(text, "steps", "inf")
    text = json.dumps(valid()).replace('"steps": 500', '"steps": ' + "9" * 5000)
    refused(text, "steps", "a huge number")
    doc = valid()
    doc["parameters"][0]["value"] = 10**400
    refused(doc, "parameters[0].value", "finite")


def test_a_lone_surrogate_is_not_text():
    text = files.dumps(Session.default()).replace('"rosenbrock"', '"\\ud800"')
    refused(text, "function.preset", "unknown preset")
    text = json.dumps(valid()).replace('"name": "a"', '"name": "\\ud800"')
    refused(text, "parameters[0].name", "not text")


def test_binary_garbage_and_other_encodings(tmp_path):
    garbage = tmp_path / "picture.gstudio"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(SessionError, match="not UTF-8 text"):
        files.load(garbage)
    utf16 = tmp_path / "utf16.gstudio"
    utf16.write_bytes(files.dumps(Session.default()).encode("utf-16"))
    with pytest.raises(SessionError, match="not UTF-8"):
        files.load(utf16)
    packed = tmp_path / "packed.gstudio"
    packed.write_bytes(zlib.compress(files.dumps(Session.default()).encode()))
    with pytest.raises(SessionError):
        files.load(packed)


def test_a_byte_order_mark_is_fine(tmp_path):
    path = tmp_path / "bom.gstudio"
    path.write_bytes(b"\xef\xbb\xbf" + files.dumps(Session.default()).encode())
    assert files.load(path) == Session.default()


def test_a_file_over_5_mb_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.gstudio"
    with path.open("wb") as fh:
        fh.truncate(limits.MAX_FILE_BYTES + 1)  # sparse: nothing to read in any case

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was opened")

    monkeypatch.setattr(type(path), "open", no_reading)
    with pytest.raises(SessionError) as info:
        files.read(path)
    assert info.value.path == "" and "5 MB" in str(info.value) and "at most" in str(info.value)


def test_a_file_that_grows_while_read_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "growing.gstudio"
    path.write_text(files.dumps(Session.default()))
    real_stat = type(path).stat
    monkeypatch.setattr(type(path), "stat", lambda self, **k: os.stat_result((0,) * 10))
    path.write_bytes(b" " * (limits.MAX_FILE_BYTES + 10))
    with pytest.raises(SessionError, match="over 5 MB"):
        files.read(path)
    monkeypatch.setattr(type(path), "stat", real_stat)


def test_megabyte_strings_anywhere_are_refused_or_left_out():
    doc = valid()
    doc["parameters"][0]["name"] = "a" * 1_000_000
    refused(doc, "parameters[0].name", "1,000,000 characters")
    doc = valid()
    doc["comment"] = "x" * 2_000_000
    assert files.parse(json.dumps(doc)).warnings == ("comment: unknown field, left out",)


def test_unknown_fields_are_reported_not_fatal():
    doc = valid()
    doc["stpes"] = 10
    doc["picture"]["colourmap"] = "magma"
    doc["optimizers"][2]["colr"] = "#ffffff"
    loaded = files.parse(json.dumps(doc))
    assert loaded.session == files.loads(json.dumps(valid()))
    assert loaded.warnings == (
        "optimizers[2].colr: unknown field, left out",
        "picture.colourmap: unknown field, left out (did you mean colour_map?)",
        "stpes: unknown field, left out (did you mean steps?)",
    )


def test_missing_fields_take_defaults_from_the_preset_named():
    s = files.loads(
        '{"format": "gradient-studio-session", "version": 1, "function": {"preset": "himmelblau"}}'
    )
    assert s == Session.from_preset("himmelblau")
    s = files.loads(
        '{"format": "gradient-studio-session", "version": 1, '
        '"function": {"text": "a x^2 + y^2"}, "parameters": [{"name": "a", '
        '"value": 30}], "view": {"x": [-1, 1], "y": [-3, 3]}}'
    )
    assert s.values == {"a": 30.0} and s.parameter("a").high == 60.0
    assert s.home == s.view and s.view.y == (-3.0, 3.0)
    assert s.ticked == ("sgd", "momentum", "adam") and s.steps == 200
    optimizers = '[{"name": "rmsprop", "ticked": true}]'
    s = files.loads(
        '{"format": "gradient-studio-session", "version": 1, "function": '
        '{"preset": "booth"}, "optimizers": ' + optimizers + "}"
    )
    assert s.ticked == ("rmsprop",)
    assert s.optimizer("rmsprop").values["lr"] == 0.3  # the preset's suggestion


def test_nothing_in_a_file_is_evaluated(monkeypatch):
    import builtins

    def forbidden(*args, **kwargs):
        raise AssertionError("evaluated")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    doc = valid()
    doc["function"]["text"] = "exp(x) + a"
    assert files.loads(json.dumps(doc)).function == "exp(x) + a"


def test_thousands_of_unknown_fields_are_counted_not_listed():
    doc = valid()
    doc |= {f"extra{i}": i for i in range(5000)}
    warnings = files.parse(json.dumps(doc)).warnings
    assert len(warnings) == 21 and warnings[-1] == "… and 4980 more unknown fields, left out"
