"""A person's function text set as a title: superscript powers, true minus signs, italic
variables — ``(1-x)^2 + 100(y-x^2)^2`` becomes (1 − 𝑥)² + 100(𝑦 − 𝑥²)² in Qt rich text."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from gradient_studio.engine.expression.limits import MAX_DEPTH
from gradient_studio.engine.expression.names import FUNCTIONS
from gradient_studio.engine.expression.tokens import scan

# The language's tokens (see engine/expression/tokens), its powers told apart.
_KINDS = {"^": "power", "**": "power", **dict.fromkeys("+-*/(),", "other")}
_SYMBOLS = {"pi": "π", "e": "e", "inf": "∞"}
_OPERATORS = {
    "-": " − ",
    "+": " + ",
    "*": "·",
    "/": "/",
    "<": " &lt; ",
    ">": " &gt; ",
    "&": "&amp;",
    "=": " = ",
}


@lru_cache(maxsize=64)
def formula_html(text: str) -> str:
    """``text`` as Qt rich text; falls back to the escaped text if it cannot be laid out."""
    try:
        tokens = [(_KINDS.get(t.text, t.kind), t.text) for t in scan(text)]
        if _nesting(tokens) > MAX_DEPTH:  # deeper than any function; the layout recurses
            raise ValueError
        out, rest = _expression(tokens, 0, top=True)
        if rest != len(tokens):
            raise ValueError
        return re.sub(r"\s{2,}", " ", out).strip()
    except (ValueError, IndexError):
        return html.escape(text)


def _nesting(tokens: list[tuple[str, str]]) -> int:
    level = deepest = 0
    for _, value in tokens:
        level += (value in "([") - (value in ")]")
        deepest = max(deepest, level)
    return deepest


def _expression(tokens: list[tuple[str, str]], i: int, top: bool = False) -> tuple[str, int]:
    """Render tokens from ``i`` up to the closing bracket of this level (or the end)."""
    out: list[str] = []
    previous = None
    while i < len(tokens):
        kind, value = tokens[i]
        if value in ")]":
            if top:
                raise ValueError
            return "".join(out), i
        if kind == "power":
            power, i = _operand(tokens, i + 1)
            out.append(f"<sup>{power}</sup>")
            previous = "power"
            continue
        if value in "([":
            inner, i = _expression(tokens, i + 1)
            close = tokens[i][1] if i < len(tokens) else ")"
            out.append(f"{value}{inner}{close}")
            i += 1
            previous = "group"
            continue
        if kind == "number":
            out.append(value.replace("-", "−"))
        elif kind == "name":
            out.append(_name(value))
        elif value == "-" and previous in (None, "operator"):
            out.append("−")  # unary minus hugs its operand
        elif value == "*":
            # Juxtapose like a textbook (2x, b(y − x²), w₁x); a dot before a number, a space
            # between names when one is a word (w₂ tanh(w₁x), alpha beta).
            after = tokens[i + 1] if i + 1 < len(tokens) else ("other", "")
            before = tokens[i - 1] if i else ("other", "")
            out.append(
                "·"
                if after[0] == "number"
                else " "
                if after[0] == before[0] == "name" and _word(after[1]) + _word(before[1])
                else ""
            )
            previous = "operator"
            i += 1
            continue
        else:
            out.append(_OPERATORS.get(value, html.escape(value)))
            previous = "operator"
            i += 1
            continue
        previous = kind
        i += 1
    if not top:
        raise ValueError  # an unclosed bracket
    return "".join(out), i


def _operand(tokens: list[tuple[str, str]], i: int) -> tuple[str, int]:
    """The exponent after ``^``: a bracket, a signed number or a name."""
    kind, value = tokens[i]
    if value in "([":
        inner, i = _expression(tokens, i + 1)
        return inner, i + 1
    sign = ""
    if value in "+-":
        sign = "−" if value == "-" else ""
        i += 1
        kind, value = tokens[i]
    if kind == "number":
        return sign + value, i + 1
    if kind == "name":
        return sign + _name(value), i + 1
    raise ValueError


_INDEXED = re.compile(r"([A-Za-z])([0-9]+)")


def _name(value: str) -> str:
    if value in _SYMBOLS:
        return _SYMBOLS[value]
    indexed = _INDEXED.fullmatch(value)
    if indexed:  # w1 is w with the subscript 1, as a weight is written
        return f"<i>{indexed[1]}</i><sub>{indexed[2]}</sub>"
    if value in FUNCTIONS or len(value) > 1:
        return value
    return f"<i>{value}</i>"


def _word(value: str) -> bool:
    """Whether a name is set as a word (``tanh``, ``alpha``), not a letter (``x``, ``w1``)."""
    return value not in _SYMBOLS and len(value) > 1 and not _INDEXED.fullmatch(value)
