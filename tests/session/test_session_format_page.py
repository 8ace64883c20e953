"""docs/session-format.md stays true: every field the writer writes is documented, and the
tables of optimisers and schedules are the engine's."""

from __future__ import annotations

from pathlib import Path

from gradient_studio.engine import OPTIMIZERS, SCHEDULES
from gradient_studio.session import Look, Session, files
from gradient_studio.session.document import VERSION, document

PAGE = (Path(__file__).parents[2] / "docs" / "session-format.md").read_text(encoding="utf-8")


def paths(value, prefix=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else key
            if isinstance(inner, dict) and key not in ("hyperparameters", "schedule"):
                yield from paths(inner, path)
            elif isinstance(inner, list) and inner and isinstance(inner[0], dict):
                yield path
                yield from paths(inner[0], f"{path}[i]")
            else:
                yield path


def test_every_field_written_is_on_the_page():
    s = Session.default().with_look("adam", Look("#123456", "d"))
    documented = PAGE.split("## The fields", 1)[1].split("## Exercises", 1)[0]
    for path in paths(document(s)):
        tail = path.rsplit(".", 1)[-1]
        assert f"`{path}`" in documented or f"`.{tail}`" in documented, path
    assert f"version {VERSION}" in PAGE and f"**Version {VERSION}** is this page" in PAGE


def test_the_optimiser_table_is_the_engines():
    for spec in OPTIMIZERS.values():
        hyper = ", ".join(
            f"`{h.name}` {h.default:g} ({h.low:g}…{h.high:g}{', log' if h.log else ''})"
            for h in spec.hyperparameters
        )
        assert f"| `{spec.name}` | {spec.display_name} | {hyper} |" in PAGE, spec.name


def test_the_schedule_table_names_every_schedule_and_option():
    for kind in SCHEDULES.values():
        row = next(line for line in PAGE.splitlines() if line.startswith(f"| `{kind.name}` |"))
        for option in kind.options:
            assert f"`{option.name}`" in row


def test_the_example_opens():
    example = PAGE.split("```json\n", 1)[1].split("```", 1)[0]
    s = files.loads(example)
    assert s.ticked == ("sgd", "adam") and s.playback.step == 120.0
    assert s.exercise.access("optimizers.sgd.lr") == "free"
    assert s.exercise.access("optimizers.adam.lr") == "locked"
    assert s.exercise.access("training") == "hidden"
