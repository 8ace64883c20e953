"""The grammar: precedence climbing over the tokens, from text to :class:`Expression`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import partial

import symengine as se

from gradient_studio.engine.expression import arithmetic
from gradient_studio.engine.expression.building import TreeBuilder, Value, as_float, exactly
from gradient_studio.engine.expression.errors import (
    ExpressionError,
    error_at,
    missing_operand,
    not_a_function,
    stray_comma,
    too_deep,
    too_large,
    unclosed,
)
from gradient_studio.engine.expression.limits import MAX_DEPTH, MAX_LENGTH
from gradient_studio.engine.expression.names import (
    CONSTANTS,
    FUNCTIONS_BY_NAME,
    X,
    Y,
    parameter_symbol,
)
from gradient_studio.engine.expression.tokens import Token, tokenize

__all__ = ["Expression", "parse_expression"]


@dataclass(frozen=True)
class Expression:
    """A checked function: the text as typed, its SymEngine tree, its parameter names in
    the order they first appear (every name typed, even one that cancels out), and whether it
    is smooth: no abs, sign, min, max or relu in it, whose derivatives need their own rules."""

    text: str
    tree: se.Basic
    parameters: tuple[str, ...]
    smooth: bool = False


class _Parser:
    """Precedence climbing over the tokens. Only brackets and calls recurse (four or five
    frames a level, at most MAX_DEPTH levels); signs, powers, sums and products are loops."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.parameters: dict[str, None] = {}
        self.tree = TreeBuilder(text)

    def parse(self) -> Value:
        value = self._chain(0, "+-")
        tok = self.tokens[self.pos]
        if tok.text == ")":
            raise error_at(f"unmatched ')' at column {tok.column}", tok.start, tok.end)
        if tok.text == ",":
            raise stray_comma(tok)
        return value

    def _peek(self) -> Token:
        return self.tokens[self.pos]

    def _advance(self) -> Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def _deeper(self, depth: int, tok: Token) -> int:
        if depth >= MAX_DEPTH:
            raise too_deep(tok.start, tok.end)
        return depth + 1

    def _chain(self, depth: int, ops: str) -> Value:
        """A left-associative sum (``ops`` "+-") or product ("*/"), built as one node: a
        2,000-character sum built pair by pair would take quadratic time. A constant prefix is
        folded first, as ``(1e308*10)*x`` has the constant subexpression ``1e308*10``."""
        part = partial(self._chain, ops="*/") if ops == "+-" else self._operand
        value = part(depth)
        exprs: list[se.Basic] = []
        while True:
            tok = self._peek()
            if tok.kind == "op" and tok.text in ops:
                self._advance()
                item = self.tree.invert(part(depth), tok) if tok.text in "-/" else part(depth)
            elif ops == "*/" and (tok.kind == "name" or tok.text == "("):
                item = part(depth)  # implicit multiplication
            elif ops == "*/" and tok.kind == "number":
                message = f"missing operator before '{tok.text}' at column {tok.column}"
                raise error_at(f"{message} — write '*' to multiply", tok.start, tok.end)
            else:
                if not exprs:
                    return value
                return self.tree.join(ops, exprs, value.start, value.end)
            if exprs or value.number is None or item.number is None:
                exprs += [item.expr] if exprs else [value.expr, item.expr]
                value = Value(value.expr, None, value.start, item.end)
                continue
            fold, join = (arithmetic.add, se.Add) if ops == "+-" else (arithmetic.multiply, se.Mul)
            number = self.tree.compute(fold, [value.number, item.number], value.start, item.end)
            exact = exactly(join, value.expr, item.expr)
            value = self.tree.constant(number, exact, value.start, item.end)

    def _operand(self, depth: int) -> Value:
        """Signs, a primary and a right-associative power chain, in a loop: in ``-a^-b^c``
        each sign binds looser than the powers to its right."""
        chain: list[tuple[list[Token], Value]] = []
        while True:
            signs = []
            while (tok := self._peek()).text in ("+", "-"):
                depth = self._deeper(depth, self._advance())
                signs.append(tok)
            chain.append((signs, self._primary(depth)))
            if self._peek().text not in ("^", "**"):
                break
            depth = self._deeper(depth, self._advance())
        signs, value = chain.pop()
        while True:
            for sign in reversed(signs):
                value = (
                    self.tree.invert(value, sign)
                    if sign.text == "-"
                    else value._replace(start=sign.start)
                )
            if not chain:
                return value
            signs, base = chain.pop()
            value = self.tree.power(base, value)

    def _primary(self, depth: int) -> Value:
        tok = self._advance()
        if tok.kind == "number":
            return self._number(tok)
        if tok.kind == "name":
            return self._call(tok, depth) if self._peek().text == "(" else self._name(tok)
        if tok.text == "(":
            inner = self._chain(self._deeper(depth, tok), "+-")
            close = self._advance()
            if close.text != ")":
                raise stray_comma(close) if close.text == "," else unclosed(tok)
            return inner._replace(start=tok.start, end=close.end)
        self.pos -= 1
        raise missing_operand(tok, self.tokens[self.pos - 1] if self.pos else None)

    def _number(self, tok: Token) -> Value:
        number = float(tok.text)
        if math.isinf(number):
            raise too_large(self.text, tok.start, tok.end)
        if "." not in tok.text and number.is_integer() and abs(number) <= 1e15:
            return Value(se.Integer(int(number)), number, tok.start, tok.end)
        return Value(as_float(number), number, tok.start, tok.end)

    def _name(self, tok: Token) -> Value:
        name, start, end = tok.text, tok.start, tok.end
        if name in ("x", "y"):
            return Value(X if name == "x" else Y, None, start, end)
        if name in CONSTANTS:
            return Value(CONSTANTS[name][1], CONSTANTS[name][0], start, end)
        if name in FUNCTIONS_BY_NAME:
            message = f"'{name}' at column {tok.column} is a function: put its argument in"
            raise error_at(f"{message} parentheses, as in {name}(x)", start, end)
        slip = f"'{name}' at column {tok.column} would be a parameter named {name} —"
        if re.fullmatch(r"[xy]{2,}", name):
            product = "*".join(name) if len(name) <= 8 else "x*y, with '*' between the letters"
            raise error_at(f"{slip} to multiply, write {product}", start, end)
        glued = [f for f in FUNCTIONS_BY_NAME if re.fullmatch(f"{f}[0-9]*[xy]+", name)]
        if glued:
            f = max(glued, key=len)
            raise error_at(f"{slip} did you mean {f}({name[len(f) :]})?", start, end)
        self.parameters.setdefault(name)
        return Value(parameter_symbol(name), None, start, end)

    def _call(self, name_tok: Token, depth: int) -> Value:
        open_tok, name = self._advance(), name_tok.text
        function = FUNCTIONS_BY_NAME.get(name)
        if function is None:
            raise not_a_function(self.text, name_tok, open_tok, self.tokens[self.pos - 1 :])
        depth = self._deeper(depth, open_tok)
        args = [] if self._peek().text == ")" else [self._chain(depth, "+-")]
        while self._peek().text == "," and args:
            self._advance()
            args.append(self._chain(depth, "+-"))
        close = self._advance()
        if close.text != ")":
            raise unclosed(open_tok)
        start, end = name_tok.start, close.end
        if len(args) != function.arity and not (function.arity == -2 and len(args) >= 2):
            wanted = "1 argument" if function.arity == 1 else "2 or more arguments"
            message = f"{name} takes {wanted}, got {len(args)} at column {name_tok.column}"
            raise error_at(message, start, end)
        return self.tree.call(name, args, start, end)


def parse_expression(text: str) -> Expression:
    """Check ``text`` and build its SymEngine tree, or raise :class:`ExpressionError` saying what is
    wrong and where."""
    if len(text) > MAX_LENGTH:
        message = f"the function is too long: {len(text):,} characters, at most {MAX_LENGTH:,}"
        raise error_at(message, MAX_LENGTH, len(text))
    if not text.strip():
        raise ExpressionError("the function is empty")
    parser = _Parser(text)
    try:
        value = parser.parse()
    except RecursionError:  # only when the caller's own stack is already nearly full
        raise ExpressionError("the function is nested too deeply to handle", 1, len(text)) from None
    return Expression(text, value.expr, tuple(parser.parameters), parser.tree.smooth)
