"""A session as a JSON document and back: the ``.gstudio`` format, version :data:`VERSION`.

:func:`document` writes every field, in a fixed order, as plain JSON values; :func:`session`
reads one back, checking every field against the ranges the program keeps
(:mod:`~gradient_studio.session.limits`): anything wrong is one
:class:`~gradient_studio.session.errors.SessionError` naming the field's path in the file
(``optimizers[2].hyperparameters.lr``). A missing field takes its default (the preset's, if
the file names one); only the function is required. A field this version does not know is
reported in ``warnings`` and left out; it is never fatal. docs/session-format.md describes
every field.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.engine.presets import PRESETS
from gradient_studio.engine.schedules import SCHEDULES, Schedule
from gradient_studio.engine.transforms import Clipping, GradientNoise, Training
from gradient_studio.session import limits
from gradient_studio.session.errors import SessionError, field, joined
from gradient_studio.session.exercise import Exercise
from gradient_studio.session.model import MAX_FUNCTION, Session, parsed_parameters
from gradient_studio.session.parts import (
    Look,
    OptimizerSetting,
    Parameter,
    Picture,
    Playback,
    Points,
    View,
    check_hyperparameter,
    checked,
    unknown,
    unknown_hyperparameter,
)

FORMAT = "gradient-studio-session"
VERSION = 1
MAX_WARNINGS = 20  # named; more unknown fields are counted
_MISSING: Any = object()


def document(s: Session) -> dict[str, Any]:
    """``s`` as plain JSON values, in the order the format page lists them."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "function": {"text": s.function, "preset": s.preset},
        "parameters": [
            {"name": p.name, "value": p.value, "low": p.low, "high": p.high} for p in s.parameters
        ],
        "optimizers": [_optimizer(o) for o in s.optimizers],
        "starts": [list(p) for p in s.starts],
        "steps": s.steps,
        "view": _view(s.view),
        "home": _view(s.home),
        "picture": {
            "colour_map": s.picture.colour_map,
            "levels": s.picture.levels,
            "colouring": s.picture.colouring,
            "arrows": s.picture.arrows,
        },
        "training": _training(s.training),
        "playback": {"step": s.playback.step, "speed": s.playback.speed},
        "exercise": {
            "locked": list(s.exercise.locked),
            "hidden": list(s.exercise.hidden),
            "free": list(s.exercise.free),
        },
    }


def _optimizer(o: OptimizerSetting) -> dict[str, Any]:
    out: dict[str, Any] = {"name": o.name, "ticked": o.ticked, "hyperparameters": o.values}
    if o.look is not None:
        out["look"] = {"colour": o.look.colour, "marker": o.look.marker}
    return out


def _view(v: View) -> dict[str, list[float]]:
    return {"x": list(v.x), "y": list(v.y)}


def _training(t: Training) -> dict[str, Any]:
    clip = {t.clip.by: t.clip.threshold} if t.clip is not None else None
    noise = None
    if t.noise is not None:
        noise = {"eta": t.noise.eta, "gamma": t.noise.gamma, "seed": t.noise.seed}
    return {
        "schedule": {"name": t.schedule.name, **t.schedule.options},
        "clip": clip,
        "noise": noise,
    }


# -- reading -------------------------------------------------------------------------------
class Fields:
    """The fields of the JSON object at ``path`` (its place in the file): each is taken
    once, and an error in it is raised at its own path; what is left unread at the end is
    reported as unknown."""

    def __init__(self, value: Any, path: str, warnings: list[str]) -> None:
        if not isinstance(value, dict):
            raise SessionError(path, f"must be an object {{…}}, not {limits.shown(value)}")
        self.data, self.path, self.warnings = value, path, warnings
        self.read: set[str] = set()

    def at(self, key: str) -> str:
        return joined(self.path, key)

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def take(
        self, key: str, check: Callable[..., Any] | None = None, default: Any = _MISSING
    ) -> Any:
        """The field ``key`` through ``check`` (whose errors are about the field), or
        ``default`` if it is absent or null."""
        self.read.add(key)
        value = self.data.get(key)
        if value is None:
            if default is _MISSING:
                raise SessionError(self.at(key), "is missing")
            return default
        return value if check is None else checked(self.at(key), check, value)

    def done(self) -> None:
        for key in self.data:
            if key not in self.read:
                if len(self.warnings) >= MAX_WARNINGS:  # (the rest are counted, not named)
                    self.warnings.append("")
                    continue
                close = difflib.get_close_matches(key[: limits.MAX_NAME], self.read, n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
                self.warnings.append(f"{self.at(key)}: unknown field, left out{hint}")


Reader = Callable[[Any, str, list[str]], Any]


def items(value: Any, most: int = limits.MAX_ITEMS) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"must be a list […], not {limits.shown(value)}")
    if len(value) > most:
        raise ValueError(f"holds {len(value):,} entries; at most {most:,} fit")
    return value


def session(doc: Any, warnings: list[str]) -> Session:
    """The session a version-:data:`VERSION` document describes (see the module's docstring)."""
    top = Fields(doc, "", warnings)
    top.take("format")
    top.take("version")
    if not top.has("function"):
        raise SessionError("function", "is missing: a session needs a function or a preset")
    function = Fields(top.take("function"), "function", warnings)
    preset = function.take("preset", _preset, default=None)
    default_text = PRESETS[preset].text if preset else _MISSING
    text = function.take("text", lambda v: limits.text(v, MAX_FUNCTION), default=default_text)
    function.done()
    names = checked("function.text", parsed_parameters, text)
    if preset:
        base = Session.from_preset(preset).with_function(text, names)
    else:
        base = Session.from_function(text, names)

    def part(key: str, read: Reader, default: Any) -> Any:
        value = top.take(key, default=None)
        return default if value is None else read(value, key, warnings)

    s = checked(
        "",
        Session,
        text,
        names,
        part("parameters", lambda v, p, w: _parameters(v, p, w, base), base.parameters),
        part("optimizers", lambda v, p, w: _optimizers(v, p, w, base), base.optimizers),
        top.take("starts", Points, base.starts),
        top.take("steps", lambda v: limits.whole(v, 1, limits.MAX_STEPS), base.steps),
        view := part("view", _view_from, base.view),
        part("home", _view_from, base.home if preset else view),
        base.preset,
        part("picture", _picture, base.picture),
        part("training", _training_from, base.training),
        part("playback", _playback, base.playback),
        part("exercise", _exercise, base.exercise),
    )
    top.done()
    return s  # type: ignore[no-any-return]


def _preset(value: Any) -> str:
    if not isinstance(value, str) or value not in PRESETS:
        raise ValueError(unknown("preset", value, PRESETS))
    return str(value)


def _list(value: Any, path: str, most: int) -> list[Any]:
    return checked(path, items, value, most)  # type: ignore[no-any-return]


def _parameters(value: Any, path: str, warnings: list[str], base: Session) -> tuple[Parameter, ...]:
    out: dict[str, Parameter] = {}
    for i, item in enumerate(_list(value, path, limits.MAX_PARAMETERS)):
        f = Fields(item, f"{path}[{i}]", warnings)
        name = f.take("name", _parameter_name)
        if name in out:
            raise SessionError(f.at("name"), f"{name} is given twice")
        number = f.take("value", limits.number)
        if f.has("low") or f.has("high"):
            low, high = f.take("low", limits.number), f.take("high", limits.number)
            out[name] = checked(f.path, Parameter, name, number, low, high)
        else:
            out[name] = checked(f.path, Parameter.fresh, name, number)
        f.done()
    for name in base.parameter_names:  # a parameter the file leaves out starts as it would
        out.setdefault(name, base.parameter(name))
    return tuple(out.values())


def _parameter_name(value: Any) -> str:
    name = limits.text(value, limits.MAX_NAME)
    try:
        ok = parsed_parameters(name) == (name,)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(
            f"{limits.shown(name)} is not a parameter name (letters, digits and _, starting "
            "with a letter; not x, y, pi, e or a function)"
        )
    return name


def _optimizers(
    value: Any, path: str, warnings: list[str], base: Session
) -> tuple[OptimizerSetting, ...]:
    given: dict[str, OptimizerSetting] = {}
    for i, item in enumerate(_list(value, path, len(OPTIMIZERS))):
        f = Fields(item, f"{path}[{i}]", warnings)
        name = f.take("name")
        if not isinstance(name, str) or name not in OPTIMIZERS:
            raise SessionError(f.at("name"), unknown("optimiser", name, OPTIMIZERS))
        if name in given:
            raise SessionError(f.at("name"), f"{name} is given twice")
        values = base.optimizer(name).values
        hyper = f.take("hyperparameters", default=None)
        if hyper is not None:
            h = Fields(hyper, f.at("hyperparameters"), warnings)
            for key in h.data:
                if key not in values:
                    raise SessionError(h.at(key), unknown_hyperparameter(name, key))
                values[key] = h.take(key, lambda v, n=name, k=key: check_hyperparameter(n, k, v))
        look = f.take("look", default=None)
        ticked = f.take("ticked", limits.flag, default=False)
        look = None if look is None else _look(look, f.at("look"), warnings)
        given[name] = checked(f.path, OptimizerSetting, name, ticked, tuple(values.items()), look)
        f.done()
    return tuple(
        given.get(o.name, OptimizerSetting(o.name, False, o.hyperparameters))
        for o in base.optimizers
    )


def _look(value: Any, path: str, warnings: list[str]) -> Look:
    f = Fields(value, path, warnings)
    look = checked(path, Look, f.take("colour"), f.take("marker", default=None))
    f.done()
    return look  # type: ignore[no-any-return]


def _view_from(value: Any, path: str, warnings: list[str]) -> View:
    f = Fields(value, path, warnings)
    view = checked(path, View, f.take("x"), f.take("y"))
    f.done()
    return view  # type: ignore[no-any-return]


def _picture(value: Any, path: str, warnings: list[str]) -> Picture:
    f = Fields(value, path, warnings)
    d = Picture()
    picture = checked(
        path,
        Picture,
        f.take("colour_map", default=d.colour_map),
        f.take("levels", default=d.levels),
        f.take("colouring", default=d.colouring),
        f.take("arrows", default=d.arrows),
    )
    f.done()
    return picture  # type: ignore[no-any-return]


def _playback(value: Any, path: str, warnings: list[str]) -> Playback:
    f = Fields(value, path, warnings)
    step, speed = f.take("step", default=None), f.take("speed", default=limits.DEFAULT_SPEED)
    f.done()
    return checked(path, Playback, step, speed)  # type: ignore[no-any-return]


def _exercise(value: Any, path: str, warnings: list[str]) -> Exercise:
    f = Fields(value, path, warnings)
    lists = {
        k: tuple(f.take(k, lambda v: items(v, limits.MAX_PATTERNS), []))
        for k in ("locked", "hidden", "free")
    }
    f.done()
    return checked(path, _made_exercise, lists)  # type: ignore[no-any-return]


def _made_exercise(lists: dict[str, tuple[str, ...]]) -> Exercise:
    return Exercise(**lists)


def _training_from(value: Any, path: str, warnings: list[str]) -> Training:
    f = Fields(value, path, warnings)
    schedule = f.take("schedule", _schedule, Schedule())
    clip = f.take("clip", _clip, default=None)
    noise = f.take("noise", default=None)
    noise = None if noise is None else _noise(noise, f.at("noise"), warnings)
    f.done()
    return Training(schedule, clip, noise)


def _schedule(value: Any) -> Schedule:
    if not isinstance(value, dict):
        raise ValueError(
            f'must be an object {{"name": …, option: value}}, not {limits.shown(value)}'
        )
    name = value.get("name")
    if not isinstance(name, str) or name not in SCHEDULES:
        raise SessionError("name", unknown("schedule", name, SCHEDULES))
    kind = SCHEDULES[name]
    options: dict[str, float] = {}
    for key, option in value.items():
        if key == "name":
            continue
        try:
            spec = kind.option(key)
        except KeyError as e:
            raise SessionError(field(key), e.args[0]) from None
        if spec.type == "bool":
            options[key] = checked(key, limits.flag, option)
        else:
            options[key] = checked(key, lambda v, s=spec: s.check(limits.number(v)), option)
    try:
        return Schedule(name, options)
    except (KeyError, ValueError) as e:
        raise ValueError(str(e.args[0])) from None


def _clip(value: Any) -> Clipping:
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in ("norm", "value"):
        raise ValueError(
            f'must be null, {{"norm": V}} or {{"value": V}}, not {limits.shown(value)}'
        )
    ((by, threshold),) = value.items()
    return checked(by, lambda v: Clipping(by, limits.number(v)), threshold)  # type: ignore[no-any-return]


def _noise(value: Any, path: str, warnings: list[str]) -> GradientNoise:
    f = Fields(value, path, warnings)
    d = GradientNoise()
    eta = f.take("eta", lambda v: GradientNoise(limits.number(v)).eta, d.eta)
    gamma = f.take("gamma", lambda v: GradientNoise(d.eta, limits.number(v)).gamma, d.gamma)
    seed = f.take("seed", lambda v: limits.whole(v, 0, 2**63 - 1), d.seed)
    f.done()
    return GradientNoise(eta, gamma, seed)
