"""Older session documents, brought up to the current version one step at a time.

A migration takes a document of version N (plain JSON values, unchecked) and returns one of
version N + 1; only the current version's reader checks values, so each migration moves
fields and fills in what the older version did not have. It also says where each moved
field was (``renames``), so an error in an old file names the field as that file has it.

Version 0 is the trajectories ``.json`` that ``gradient-studio render`` and the window's
Export Trajectories write (``export/trajectories.py``): ``{"gradient_studio": "0.1.0",
"race": {function, parameters, optimizers, starts, steps, xrange, yrange, preset,
training}, "runs": [...]}``. It holds its race's inputs, so it opens as the session that
races them again; the runs themselves are not read.

To add version N + 1: bump ``document.VERSION``, write ``_from_N(doc, warnings)`` here and
add it to :data:`MIGRATIONS` (docs/session-format.md says more).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gradient_studio.session import limits
from gradient_studio.session.document import FORMAT, VERSION
from gradient_studio.session.errors import SessionError

Renames = dict[str, str]  # a path in the new document -> the path in the old one
Migration = Callable[[dict[str, Any], list[str]], tuple[dict[str, Any], Renames]]

_RACE_FIELDS = {
    "function": "function.text",
    "preset": "function.preset",
    "starts": "starts",
    "steps": "steps",
    "xrange": "view.x",
    "yrange": "view.y",
    "training": "training",
}


def _from_0(doc: dict[str, Any], warnings: list[str]) -> tuple[dict[str, Any], Renames]:
    """A trajectories .json: its race, as a session that races it."""
    race = doc.get("race")
    if race is None:
        raise SessionError(
            "race",
            "this trajectories file was written without its race's "
            "inputs, so there is nothing to open",
        )
    if not isinstance(race, dict):
        raise SessionError("race", f"must be an object {{…}}, not {limits.shown(race)}")
    for key in sorted(set(doc) - {"gradient_studio", "race", "runs"}):
        warnings.append(f"{key}: unknown field, left out")
    for key in sorted(set(race) - {*_RACE_FIELDS, "parameters", "optimizers"}):
        warnings.append(f"race.{key}: unknown field, left out")
    renames = {new: f"race.{old}" for old, new in _RACE_FIELDS.items()}
    renames |= {"view": "race", "home": "race"}
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": 1,
        "function": {"text": race.get("function"), "preset": race.get("preset")},
    }
    for old, new in _RACE_FIELDS.items():
        if old not in ("function", "preset", "xrange", "yrange") and race.get(old) is not None:
            out[new] = race[old]
    if race.get("xrange") is not None or race.get("yrange") is not None:
        out["view"] = {"x": race.get("xrange"), "y": race.get("yrange")}
    parameters = race.get("parameters")
    if parameters is not None:
        if not isinstance(parameters, dict):
            raise SessionError(
                "race.parameters",
                f"must be an object {{name: value, …}}, not {limits.shown(parameters)}",
            )
        out["parameters"] = [{"name": k, "value": v} for k, v in parameters.items()]
        for i, name in enumerate(parameters):
            where = f"race.parameters.{limits.shown(name)[1:-1]}"
            renames |= {f"parameters[{i}]": where, f"parameters[{i}].name": where}
            renames[f"parameters[{i}].value"] = where
    out["optimizers"] = _optimizers(race.get("optimizers"), warnings, renames)
    return out, renames


def _optimizers(value: Any, warnings: list[str], renames: Renames) -> list[Any]:
    """The race's optimisers, ticked; one raced twice is kept once (the first)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise SessionError("race.optimizers", f"must be a list […], not {limits.shown(value)}")
    out: list[Any] = []
    seen: set[Any] = set()
    for i, item in enumerate(value[: limits.MAX_ITEMS]):
        name = item.get("name") if isinstance(item, dict) else None
        if isinstance(name, str) and name in seen:
            warnings.append(
                f"race.optimizers[{i}]: {name} races twice in this file; a session "
                "has each optimiser once, so it keeps the first"
            )
            continue
        seen.add(name if isinstance(name, str) else i)
        renames[f"optimizers[{len(out)}]"] = f"race.optimizers[{i}]"
        if isinstance(item, dict):
            item = {**item, "ticked": True}
        out.append(item)
    return out


MIGRATIONS: dict[int, Migration] = {0: _from_0}


def upgraded(doc: Any, warnings: list[str]) -> tuple[dict[str, Any], Renames]:
    """``doc`` migrated to the current version, and where its moved fields were."""
    format_name, version = FORMAT, VERSION
    if not isinstance(doc, dict):
        raise SessionError("", f"not a session: the file holds {limits.shown(doc)}, not an object")
    if "format" not in doc:
        if "race" in doc and "runs" in doc:
            found = 0
        else:
            raise SessionError(
                "format",
                f"is missing: not a Gradient Studio session (one starts "
                f'{{"format": "{format_name}", "version": {version}, …}})',
            )
    else:
        if doc["format"] != format_name:
            raise SessionError(
                "format", f'must be "{format_name}", not {limits.shown(doc["format"])}'
            )
        raw = doc.get("version")
        if isinstance(raw, int) and not isinstance(raw, bool) and raw > version:
            raise SessionError(
                "version",
                f"{raw}: this session was saved by a newer Gradient "
                f"Studio (this one reads versions up to {version}); update to "
                "open it",
            )
        try:
            found = limits.whole(raw, 1, version)
        except ValueError as e:
            raise SessionError("version", str(e)) from None
    renames: Renames = {}
    while found < version:
        doc, step = MIGRATIONS[found](doc, warnings)
        renames = {new: renames.get(old, old) for new, old in step.items()}
        found += 1
    return doc, renames


def renamed(error: SessionError, renames: Renames) -> SessionError:
    """``error`` about the field as the old file has it (the longest renamed prefix)."""
    path = error.path
    for new in sorted(renames, key=len, reverse=True):
        if path == new or path.startswith((new + ".", new + "[")):
            return SessionError(renames[new] + path[len(new) :], error.message)
    return error
