"""Derivatives before and after the parser built SymEngine trees directly (issue 17).

``data/derivatives_sympy_parser.json`` holds the values, gradients and Hessians of every
function in ``derivative_corpus`` as the *old* code computed them (sympy trees converted to
SymEngine, commit af1c3aa), generated once from that code by ``derivative_corpus.py``. It is a
regression check only, never a reference: the references are central differences of the
function itself (below) and the closed forms in ``test_objective``.

Where the generated code does the same arithmetic as before, the numbers are the same to the
last bit. Where it differs, it is because the terms of a sum come in another order (SymEngine
keeps them in the order they were built) — then within a few roundings — or because of one of
the changes of rule in ``CHANGED``, each checked for what it now gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from derivative_corpus import POINTS, corpus, evaluate

from gradient_studio.engine import Objective

OLD = json.loads((Path(__file__).parent / "data" / "derivatives_sympy_parser.json").read_text())
RECORDS = {r["text"]: r for r in OLD["records"]}

CHANGED = {
    # exp(log(x)) is nan for x < 0, as documented; the old tree had become x there.
    "exp(log(x)) + y",
    # A function that is undefined everywhere now has an undefined gradient too (was 0 in x).
    "(-2)^a x + y^2",
    "sqrt(-exp(x)) + y^2",
    # Where three arguments of max tie (0.5, 0.5), the step's ½ splits another way.
    "max(x^2, y^2, x y) + y",
    "max(x, y, -1, x y) + min(x, 0.5)",
}


def _floats(hexes: list[str]) -> np.ndarray:
    return np.array([float.fromhex(h) for h in hexes])


def test_the_corpus_is_the_one_the_old_results_were_computed_for() -> None:
    assert [text for text, _ in corpus()] == [r["text"] for r in OLD["records"]]
    assert [tuple(p) for p in OLD["points"]] == POINTS


@pytest.mark.parametrize("text", [t for t, _ in corpus() if t not in CHANGED], ids=range(110))
def test_derivatives_are_those_of_the_sympy_tree_parser(text: str) -> None:
    old, new = RECORDS[text], evaluate(text, RECORDS[text]["values"])
    for i, key in enumerate(["gradient", "hessian"]):
        a, b = _floats(old[key]), _floats(new[key])
        if old["sources"][i] == new["sources"][i]:  # the same arithmetic: the same bits
            assert old[key] == new[key], key
        else:
            scale = np.nanmax(np.abs(np.where(np.isfinite(a), a, np.nan)), initial=1.0)
            np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-13 * scale, err_msg=key)
    if old["sources"][:2] == new["sources"][:2]:
        assert old["value"] == new["value"]
    np.testing.assert_allclose(_floats(new["value"]), _floats(old["value"]), rtol=1e-13)
    for was, now in zip(old["scalar"], new["scalar"], strict=True):
        if was is not None and now is not None:
            np.testing.assert_allclose(_floats(now), _floats(was), rtol=1e-12, atol=1e-12)


def test_much_of_the_corpus_prints_the_same_code_as_before() -> None:
    """47 of the 115 functions print the same code (the rest mostly sum in another order), so
    the bit-for-bit comparison above is not empty."""
    same = sum(evaluate(t, v)["sources"][:2] == RECORDS[t]["sources"][:2] for t, v in corpus())
    assert same >= 40


def test_the_changes_of_rule() -> None:
    assert np.isnan(Objective.from_text("exp(log(x)) + y").value(-2.3, 2.9))
    assert Objective.from_text("exp(log(x)) + y").value(1.5, 1.0) == pytest.approx(2.5)
    for text in ("(-2)^a x + y^2", "sqrt(-exp(x)) + y^2"):
        objective = Objective.from_text(text, {"a": 0.7})
        assert np.isnan(objective.value(0.3, 0.2))
        assert np.isnan(objective.gradient(0.3, 0.2)[0])
    # Away from the tie, max's derivative is the winner's.
    objective = Objective.from_text("max(x^2, y^2, x y) + y")
    np.testing.assert_allclose(objective.gradient(2.0, 0.25), [4.0, 1.0])
    np.testing.assert_allclose(objective.gradient(0.25, -2.0), [0.0, -3.0])
    tie = objective.gradient(0.5, 0.5)  # the subgradient: a mix of the three winners'
    assert 0 <= tie[0] <= 1 and 1 <= tie[1] <= 2


def _differences(fn: Callable[[float, float], Any], x: float, y: float, h: float) -> np.ndarray:
    """Central differences of ``fn`` (a value or a vector) in x and y: shape (outputs, 2)."""
    dx = (np.ravel(fn(x + h, y)) - np.ravel(fn(x - h, y))) / (2 * h)
    dy = (np.ravel(fn(x, y + h)) - np.ravel(fn(x, y - h))) / (2 * h)
    return np.stack([dx, dy], axis=-1)


@pytest.mark.parametrize(("text", "values"), corpus(), ids=range(115))
def test_derivatives_match_central_differences(text: str, values: dict[str, float]) -> None:
    """Near every corpus point (moved off the ties and kinks that the points sit on), where
    the function is smooth enough for differences to agree with themselves at two step
    sizes, they agree with the exact derivatives."""
    objective = Objective.from_text(text, values)
    checked = 0
    for x, y in ((x + 0.0123, y - 0.0217) for x, y in POINTS):
        if not np.isfinite(objective.value(x, y)):
            continue
        h = 1e-4 * max(1.0, abs(x), abs(y))
        for exact, of in [
            (objective.gradient(x, y), objective.value),
            (objective.hessian(x, y), objective.gradient),
        ]:
            coarse, fine = (_differences(of, x, y, step) for step in (h, h / 2))
            scale = max(1.0, float(np.nanmax(np.abs(fine))))
            if not (np.isfinite(coarse).all() and np.allclose(coarse, fine, atol=1e-5 * scale)):
                continue  # a kink or a pole nearby, or too ill-conditioned to tell
            np.testing.assert_allclose(
                np.reshape(exact, fine.shape), fine, rtol=1e-5, atol=1e-5 * scale
            )
            checked += 1
    assert checked or text in CHANGED or "sqrt(x) + sqrt(y)" in text or "log(x)" in text
