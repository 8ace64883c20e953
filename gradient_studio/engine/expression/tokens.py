"""The tokenizer: text split into numbers, names and operators, and any character the
language does not use refused with what to type instead (``×``: "use '*'", ``α``: "use
'alpha'")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

from gradient_studio.engine.expression.errors import ExpressionError, error_at

__all__ = ["Token", "scan", "tokenize"]

_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_GROUP, _QUOTES = " — use ( and ) for grouping", " — names need no quotes"
_ASCII_HINTS = {
    "$": ("dollar sign", ""), "[": ("square bracket", _GROUP), "]": ("square bracket", _GROUP),
    "{": ("curly brace", _GROUP), "}": ("curly brace", _GROUP),
    ";": ("semicolon", " — type a single function"), ":": ("colon", ""),
    "'": ("quote mark", _QUOTES), '"': ("quote mark", _QUOTES), "`": ("backtick", _QUOTES),
    ".": ("decimal point", " — a '.' belongs inside a number such as 0.5"),
    "@": ("at sign", ""), "#": ("hash sign", ""), "&": ("ampersand", ""), "~": ("tilde", ""),
    "%": ("percent sign", " — for a percentage, divide by 100"), "?": ("question mark", ""),
    "|": ("vertical bar", " — for an absolute value write abs(...)"), "\\": ("backslash", ""),
    "!": ("exclamation mark", " — factorials are not supported"),
    "_": ("underscore", " — names must start with a letter"),
}  # fmt: skip
_UNICODE_HINTS = dict.fromkeys("×·⋅∗•", "*") | dict.fromkeys("÷∕", "/") | {"√": "sqrt(...)"}
_UNICODE_HINTS |= dict.fromkeys("−–—‐‒", "-") | {"µ": "mu", "∞": "1/0"}
_UNICODE_HINTS |= {s: f"^{d}" for s, d in zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-", strict=True)}
_GREEK = re.compile(
    r"GREEK (?:(SMALL|CAPITAL) LETTER (?:FINAL )?|LUNATE )?([A-Z]+)( SYMBOL| WITH .*)?"
)


class Token(NamedTuple):
    kind: str  # "number", "name", "op" or "end" (or "other", from scan only)
    text: str
    start: int  # 0-based offset into the text

    @property
    def column(self) -> int:
        return self.start + 1

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _quote(ch: str) -> str:
    return f'"{ch}"' if ch == "'" else f"'{ch}'"


def _unexpected(text: str, i: int) -> ExpressionError:
    """The error for a character that cannot start a token, saying what to type instead."""
    ch, at = text[i], f"at column {i + 1}"
    if ch == "=":
        message = "an equation is not a function: type only the right-hand side"
        return error_at(f"{message} ('=' {at})", i, i + 1 + (text[i + 1 : i + 2] == "="))
    if ch in "<>" or text[i : i + 2] == "!=":
        return error_at(f"a comparison is not a function ({_quote(ch)} {at})", i, i + 1)
    if ch in _ASCII_HINTS:
        what, hint = _ASCII_HINTS[ch]
        return error_at(f"unexpected {what} {_quote(ch)} {at}{hint}", i, i + 1)
    if not ch.isprintable():
        return error_at(f"unexpected invisible character U+{ord(ch):04X} {at}", i, i + 1)
    greek, hint = _GREEK.fullmatch(unicodedata.name(ch, "")), ""
    if greek:
        word = greek[2].lower().replace("lamda", "lambda")
        hint = f" — use '{word.capitalize() if greek[1] == 'CAPITAL' else word}'"
    elif ch in _UNICODE_HINTS:
        hint = f" — use '{_UNICODE_HINTS[ch]}'"
    elif ch.isalpha():
        hint = " — names use only the letters a-z and A-Z, digits and '_'"
    return error_at(f"unexpected character {_quote(ch)} {at}{hint}", i, i + 1)


def scan(text: str) -> Iterator[Token]:
    """The tokens of ``text``, a character the language does not use as kind "other": for
    laying out any text (``scene/formula``), the language's or not."""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        number = _NUMBER.match(text, i) if ch in "0123456789." else None
        name = _NAME.match(text, i)
        if number:
            tok = Token("number", number[0], i)
        elif name:
            tok = Token("name", name[0], i)
        elif ch in "+-*/^(),":
            tok = Token("op", "**" if text[i : i + 2] == "**" else ch, i)
        else:
            tok = Token("other", ch, i)
        yield tok
        i = tok.end


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, refusing any character the language does not use."""
    tokens: list[Token] = []
    for tok in scan(text):
        if tok.kind == "other":
            raise _unexpected(text, tok.start)
        if tok.kind == "number" and text[tok.end : tok.end + 1] == ".":
            message = f"the number at column {tok.column} has two decimal points"
            raise error_at(message, tok.start, tok.end + 1)
        tokens.append(tok)
    return [*tokens, Token("end", "", len(text))]
