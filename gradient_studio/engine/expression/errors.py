"""What a person reads when the text is not a function: :class:`ExpressionError`, and the
sentences the parser words it with, each naming the column and, where it can, what to type."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gradient_studio.engine.expression.limits import MAX_DEPTH
from gradient_studio.engine.expression.names import CONSTANTS, FUNCTIONS

if TYPE_CHECKING:
    from gradient_studio.engine.expression.tokens import Token

__all__ = [
    "ExpressionError",
    "error_at",
    "missing_operand",
    "not_a_function",
    "stray_comma",
    "too_deep",
    "too_large",
    "unclosed",
]


class ExpressionError(ValueError):
    """Text that is not a function: a sentence for a person, and what to underline."""

    def __init__(self, message: str, column: int = 1, length: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.column = column  # 1-based
        self.length = max(1, length)

    def __str__(self) -> str:
        return self.message


def error_at(message: str, start: int, end: int) -> ExpressionError:
    """An error underlining ``text[start:end]`` (0-based offsets)."""
    return ExpressionError(message, start + 1, end - start)


def too_large(text: str, start: int, end: int) -> ExpressionError:
    shown = text[start:end].strip()
    shown = shown if len(shown) <= 40 else f"{shown[:19]}…{shown[-19:]}"
    return error_at(f"the number {shown} is too large at column {start + 1}", start, end)


def too_deep(start: int, end: int) -> ExpressionError:
    return error_at(f"nested more than {MAX_DEPTH} levels deep at column {start + 1}", start, end)


def stray_comma(tok: Token) -> ExpressionError:
    message = f"',' at column {tok.column} can only separate the arguments of min or max"
    return error_at(message, tok.start, tok.end)


def unclosed(open_tok: Token) -> ExpressionError:
    message = f"missing ')' to close the '(' at column {open_tok.column}"
    return error_at(message, open_tok.start, open_tok.end)


def missing_operand(tok: Token, prev: Token | None) -> ExpressionError:
    """The error when an operand was due but ``tok`` came instead, after ``prev``."""
    at = f"at column {tok.column}"
    if prev is None and tok.text == ",":
        return stray_comma(tok)
    if prev is None and tok.text == ")":
        return error_at(f"unmatched ')' {at}", tok.start, tok.end)
    if prev is None or (prev.text in ("(", ",") and tok.text in ("*", "/", "^", "**")):
        return error_at(f"'{tok.text}' {at} needs something before it", tok.start, tok.end)
    if prev.text == "(" and tok.text in ("", ")"):
        if tok.text == "":
            return unclosed(prev)
        return error_at(f"empty parentheses at column {prev.column}", prev.start, tok.end)
    if prev.text == ",":
        message = f"missing argument after ',' at column {prev.column}"
        return error_at(message, prev.start, prev.end)
    if tok.text == ",":
        return error_at(f"missing argument before ',' {at}", tok.start, tok.end)
    if tok.text in ("*", "/", "^", "**"):
        message = f"two operators in a row: '{tok.text}' {at} follows '{prev.text}'"
        return error_at(message, tok.start, tok.end)
    message = f"'{prev.text}' at column {prev.column} needs something after it"
    return error_at(message, prev.start, prev.end)


def not_a_function(
    text: str, name_tok: Token, open_tok: Token, rest: Sequence[Token]
) -> ExpressionError:
    """The error for ``name(`` when ``name`` is no function; ``rest`` are the tokens from the
    ``(`` on, to quote what it encloses in the suggested product."""
    name, at = name_tok.text, f"at column {name_tok.column}"
    level, inside = 0, "..."
    for tok in rest:
        level += (tok.text == "(") - (tok.text == ")")
        if level == 0 and tok.start - open_tok.end <= 30:
            inside = text[open_tok.end : tok.start].strip()
        if level == 0:
            break
    product = f"to multiply, write {name}*({inside})"
    if name in ("x", "y") or name in CONSTANTS:
        message = f"'{name}' cannot be used as a function ({at}) — {product}"
        return error_at(message, name_tok.start, name_tok.end)
    match = difflib.get_close_matches(name.lower(), FUNCTIONS, n=1, cutoff=0.6)
    hint = f"did you mean '{match[0]}'?" if match else product
    return error_at(f"unknown function '{name}' {at} — {hint}", name_tok.start, name_tok.end)
