"""What changed between two sessions: for the views that follow, and for Undo's menu.

A session is compared control by control (:func:`controls`): each control has a path — the
same names an exercise locks (``parameters.a``, ``optimizers.adam.lr``, ``starts``) — and a
value. From the paths that differ:

* :func:`what_changed` says what must be done again: a new landscape (the function, its
  parameter values, the view), a new race (those, the optimisers racing and their settings,
  the starts, steps and training) or just a redraw;
* :func:`describe_change` names the change for a person, "learning rate of Adam", so the
  Edit menu can say "Undo learning rate of Adam";
* :func:`merge_key` is the one control a change touched, if it touched one, so that the
  steps of one slider drag merge into one undo step.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from gradient_studio.engine.optimizers import OPTIMIZERS
from gradient_studio.session.model import Session

_PICTURE = {
    "colour_map": "colour map",
    "levels": "contour levels",
    "colouring": "colouring",
    "arrows": "arrows",
}
_TRAINING = {"schedule": "schedule", "clip": "clipping", "noise": "noise"}
_NOT_UNDONE = {"playback.step", "playback.speed"}  # the clock moves these, not a person


def controls(s: Session) -> dict[str, Any]:
    """Every control of ``s`` by its path, with its value."""
    out: dict[str, Any] = {"function": s.function, "preset": s.preset}
    for p in s.parameters:
        out[f"parameters.{p.name}"] = p.value
        out[f"parameters.{p.name}.range"] = (p.low, p.high)
    for o in s.optimizers:
        out[f"optimizers.{o.name}.ticked"] = o.ticked
        out |= {f"optimizers.{o.name}.{k}": v for k, v in o.hyperparameters}
        out[f"optimizers.{o.name}.look"] = o.look
    out |= {"starts": s.starts, "steps": s.steps, "view": s.view, "home": s.home}
    out |= {f"picture.{k}": getattr(s.picture, k) for k in _PICTURE}
    out |= {f"training.{k}": getattr(s.training, k) for k in _TRAINING}
    out |= {"playback.step": s.playback.step, "playback.speed": s.playback.speed}
    out["exercise"] = s.exercise
    return out


def changed(old: Session, new: Session) -> list[str]:
    """The paths of the controls whose values differ, in the order of :func:`controls`."""
    if old is new:
        return []
    a, b = controls(old), controls(new)
    return [k for k in {**a, **b} if a.get(k, _GONE) != b.get(k, _GONE)]


_GONE = object()


@dataclass(frozen=True)
class Changes:
    """What a change asks of the views."""

    paths: tuple[str, ...]
    landscape: bool  # f over the view: the function, its parameter values, the view
    race: bool  # the paths: those (but the view), the racing optimisers, starts, steps, training
    styles: bool  # the optimisers' colours and marks: which race, and their looks
    picture: bool  # the View menu's choices: redraw only
    playhead: bool

    def __bool__(self) -> bool:
        return bool(self.paths)


def what_changed(old: Session, new: Session) -> Changes:
    paths = changed(old, new)
    used = {*old.parameter_names, *new.parameter_names}
    racing = {*old.ticked, *new.ticked}
    values = any(_head(p, "parameters") in used and not p.endswith(".range") for p in paths)
    function = "function" in paths or values
    optimizers = any(_head(p, "optimizers") in racing and not p.endswith(".look") for p in paths)
    return Changes(
        paths=tuple(paths),
        landscape=function or "view" in paths,
        race=function
        or optimizers
        or any(p in ("starts", "steps") or p.startswith("training.") for p in paths),
        styles=any(p.startswith("optimizers.") and p.endswith((".ticked", ".look")) for p in paths),
        picture=any(p.startswith("picture.") for p in paths),
        playhead="playback.step" in paths,
    )


def _head(path: str, section: str) -> str | None:
    """The name after ``section.`` in ``path`` (``adam`` in ``optimizers.adam.lr``)."""
    parts = path.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == section else None


def undoable(old: Session, new: Session) -> bool:
    """True if the change is one a person made (Undo offers it); the playhead and the
    speed move with the clock and are left out of the undo history."""
    return any(p not in _NOT_UNDONE for p in changed(old, new))


def carried(target: Session, current: Session) -> Session:
    """``target`` (a session Undo or Redo goes back to) with ``current``'s playback: undoing
    a slider leaves the playhead where it is (clamped to the steps)."""
    step = current.playback.step
    if step is not None and step > target.steps:
        step = float(target.steps)
    return replace(target, playback=replace(current.playback, step=step))


def merge_key(old: Session, new: Session) -> str | None:
    """The path of the one control the change touched (a slider, the start, the view), or
    None: consecutive changes with the same key are one undo step (a drag)."""
    paths = [p for p in changed(old, new) if p not in _NOT_UNDONE]
    if len(paths) == 2 and paths[0].startswith("parameters.") and paths[1] == paths[0] + ".range":
        return paths[0]  # a value typed beyond its slider widens the slider
    if len(paths) == 1 and paths[0] not in ("function", "preset", "exercise"):
        return paths[0]
    return None


def describe_change(old: Session, new: Session) -> str:
    """The change in a person's words, as Undo and Redo name it: "learning rate of Adam",
    "tick Momentum", "preset Himmelblau", "function"; "changes" for many at once."""
    every = changed(old, new)
    paths = [p for p in every if p not in _NOT_UNDONE]
    if not every:
        return "nothing"
    if not paths:
        paths = every  # the playback alone
    elif _is_preset(old, new, paths):
        return f"preset {new.title}"
    if "function" in paths:
        return "function"
    widened = {p + ".range" for p in paths}  # a value typed past its slider widens it
    paths = [p for p in paths if p not in widened]
    labels = list(dict.fromkeys(_label(p, new) for p in paths))
    if len(labels) == 1:
        return labels[0]
    kinds = {_kind(p) for p in paths}
    if len(kinds) == 1:
        return kinds.pop()
    return " and ".join(labels) if len(labels) == 2 else "changes"


def _is_preset(old: Session, new: Session, paths: list[str]) -> bool:
    """True if ``new`` is ``old`` with a preset chosen (the same one again counts when it
    changes more than one control back)."""
    if new.preset is None or (new.preset == old.preset and len(paths) < 2):
        return False
    return new == carried(old.with_preset(new.preset), new)


def _label(path: str, new: Session) -> str:
    parts = path.split(".")
    if parts[0] == "parameters":
        return f"range of parameter {parts[1]}" if len(parts) == 3 else f"parameter {parts[1]}"
    if parts[0] == "optimizers":
        name, key = parts[1], parts[2]
        spec = OPTIMIZERS[name]
        if key == "ticked":
            return f"{'tick' if new.optimizer(name).ticked else 'untick'} {spec.display_name}"
        if key == "look":
            return f"look of {spec.display_name}"
        return f"{spec.hyperparameter(key).label} of {spec.display_name}"
    if parts[0] == "picture":
        return _PICTURE[parts[1]]
    if parts[0] == "training":
        return _TRAINING[parts[1]]
    words = {"starts": "start" if len(new.starts) == 1 else "starts", "steps": "number of steps"}
    words |= {"home": "home view", "playback": "playhead" if path.endswith("step") else "speed"}
    return words.get(parts[0], parts[0])


def _kind(path: str) -> str:
    """The plural for several changes of one kind: "parameters", "optimisers"."""
    head = path.split(".")[0]
    return {"optimizers": "optimisers", "picture": "picture options", "training": "training"}.get(
        head, head
    )
