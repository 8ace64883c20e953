"""The function language: text a person types, checked and turned into a sympy expression.

Nothing here calls ``eval``, ``sympify`` or ``parse_expr`` on the text: a tokenizer and a
precedence-climbing parser check it, and the sympy tree is built node by node from the parse.

The language
------------
* Numbers ``1``, ``2.5``, ``.5``, ``1e-3``, ``2E+5``; the variables ``x`` and ``y``; the
  constants ``pi`` and ``e``; ``+ - * /``; ``^`` or ``**`` for powers, right-associative and
  binding tighter than unary minus (``-x^2`` is ``-(x^2)``, ``2^3^2`` is ``2^9``, ``2^-1`` is
  ``1/2``); parentheses; the calls in :data:`FUNCTIONS` (``log`` and ``ln`` are natural logs,
  ``min``/``max`` take two or more arguments, the rest exactly one).
* Implicit multiplication, as on a calculator: a factor may follow another without ``*`` when
  it starts with a name or ``(``: ``2x``, ``2 pi x``, ``x y``, ``3(x+1)``, ``(x+1)(y-1)``,
  ``2sin(x)``, ``2x^2`` (= ``2*(x^2)``). It binds exactly like ``*``, so ``1/2x`` is ``(1/2)*x``.
  A *number* never multiplies implicitly from the right: ``(x)2``, ``x 2`` and ``2 3`` are
  errors ("missing operator"), being far more often typos than products. Scientific notation
  wins over juxtaposition: ``2e3`` is 2000, ``2e`` and ``2 e3`` are products.
* A name followed by ``(`` is always a call, so ``x(y+1)`` and ``a(x+1)`` are errors whose
  message suggests ``x*(y+1)``.
* Names are ASCII letters, digits and ``_``, starting with a letter; every name that is not a
  variable, constant or function is a parameter (the window gives it a slider), in order of
  first appearance even if it cancels out. A multi-letter name is one name, never a product,
  and two likely slips are refused with a suggestion rather than silently becoming a slider:
  names made only of x and y (``xy``: "write x*y") and a function glued to its argument
  (``sinx``, ``cos2x``: "did you mean sin(x)?"). ``x0``, ``x2``, ``ab`` are parameters.
* Only ASCII is accepted. ``×``, ``·``, ``÷``, ``−``, ``²``, ``√`` and Greek letters get an
  error naming what to type instead (``α``: "use 'alpha'").

The tree
--------
Whole literals up to 10**15 without a decimal point are exact ``Integer`` (so ``∂f/∂x`` prints
``2*x``); others are ``Float``. Constant subexpressions are folded with a float shadow computed
alongside: an overflow (``9^9^9``, ``exp(1000)``, ``1e999``) is an error, "the number ... is
too large", clearer than a landscape of inf. Leaving the domain is not an error: ``1/0`` is
``oo`` and ``log(-1)``, ``sqrt(-1)``, ``0/0`` are ``nan``, as numpy computes them; a fractional
power of something provably negative (``sqrt(-exp(x))``, ``(-2)^a``) is ``nan``, and ``(-2)^x``
is refused: the tree holds no complex number, nor one sympy's ``diff`` would foresee (as
``sqrt(-exp(x))`` becoming ``I*exp(x/2)``). A folded constant stays exact
(``pi/2``, ``sqrt(2)``) while that is small and cheap, else it becomes one ``Float``; sympy is
never asked for a huge exact number (``(2x)^(10^10)`` keeps a Float exponent).

Function calls are built unevaluated, as typed, which also keeps numpy's domain rules
(``exp(log(x))`` stays nan for negative x). ``+ - * / ^`` are evaluated (simplified) by sympy,
except over subtrees taller than ``_EVALUATED_HEIGHT``, where that takes time quadratic in the
height, and except powers after the first ``_EVALUATED_POWERS`` (each asks sympy's assumptions,
about a millisecond on new terms), so that every text answers within a few tens of ms.
``min``/``max``/``relu`` are balanced trees of unevaluated two-argument nodes: sympy compares
every pair of arguments otherwise, milliseconds each, and again in ``diff``.

Limits: :data:`MAX_LENGTH` characters; :data:`MAX_DEPTH` levels of nesting (brackets, calls,
unary signs, powers) and of sympy tree height, so neither this parser nor sympy's recursive
``diff`` and ``lambdify`` can overflow the stack.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import NamedTuple

import sympy
from sympy.calculus.accumulationbounds import AccumulationBounds

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Expression",
    "ExpressionError",
    "X",
    "Y",
    "parameter_symbol",
    "parse_expression",
]

MAX_LENGTH = 2000
MAX_DEPTH = 100
X = sympy.Symbol("x", real=True)
Y = sympy.Symbol("y", real=True)

_EXACT_LIMIT = 2**64  # bigger exact rationals become Floats (numpy cannot take such ints)
_EXACT_HEIGHT = 4  # taller constant trees become one Float
_EXACT_POWER = 64  # constant ** (p/q) is computed exactly only for |p|, q up to this
_EVALUATED_HEIGHT = 24  # taller subtrees get unevaluated parents (see _Parser._shallow)
_EVALUATED_POWERS = 40  # later powers are built unevaluated (see _Parser._shallow)
_SYMBOLIC_POWER = 1000  # (2x) ** n expands to 2**n * x**n: beyond this n becomes a Float
_CONSTANTS = {"pi": (math.pi, sympy.pi), "e": (math.e, sympy.E)}


@cache
def parameter_symbol(name: str) -> sympy.Symbol:
    """The real sympy symbol of the parameter called ``name``."""
    return sympy.Symbol(name, real=True)


class ExpressionError(ValueError):
    """Text that is not a function: a sentence for a person, and what to underline."""

    def __init__(self, message: str, column: int = 1, length: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.column = column  # 1-based
        self.length = max(1, length)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Expression:
    """A checked function: the text as typed, its sympy tree, and its parameter names in the
    order they first appear (every name typed, even one that cancels out)."""

    text: str
    tree: sympy.Expr
    parameters: tuple[str, ...]


def _error(message: str, start: int, end: int) -> ExpressionError:
    """An error underlining ``text[start:end]`` (0-based offsets)."""
    return ExpressionError(message, start + 1, end - start)


# -- real float arithmetic with numpy's rules; an overflow raises OverflowError --------------


def _checked(result: float, *operands: float) -> float:
    if math.isinf(result) and all(math.isfinite(v) for v in operands):
        raise OverflowError
    return result


def _add(a: float, b: float) -> float:
    return _checked(a + b, a, b)


def _multiply(a: float, b: float) -> float:
    return _checked(a * b, a, b)


def _divide(a: float, b: float) -> float:
    if b == 0:
        return math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)
    return _checked(a / b, a, b)


def _power(a: float, b: float) -> float:
    if a == 0 and b < 0:
        return math.inf
    if a < 0 and not b.is_integer():
        return math.nan
    try:
        return _checked(math.pow(a, b), a, b)
    except ValueError:
        return math.nan


def _real(fn: Callable[[float], float]) -> Callable[[float], float]:
    """``fn`` with numpy's real-valued rule: outside its domain it gives nan."""

    def apply(v: float) -> float:
        try:
            return fn(v)
        except ValueError:
            return math.nan

    return apply


def _log(fn: Callable[[float], float]) -> Callable[[float], float]:
    return lambda v: -math.inf if v == 0 else fn(v) if v > 0 else math.nan


def _sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v)) if v >= 0 else math.exp(v) / (1 + math.exp(v))


def _softplus(v: float) -> float:
    return v if math.isnan(v) else max(v, 0.0) + math.log1p(math.exp(-abs(v)))


def _sign(v: float) -> float:
    return v if math.isnan(v) else float((v > 0) - (v < 0))


def _extreme(pick: Callable[..., float]) -> Callable[..., float]:
    return lambda *vs: math.nan if any(math.isnan(v) for v in vs) else pick(vs)


def _balanced(join: Callable[..., sympy.Expr], *zs: sympy.Expr) -> sympy.Expr:
    """``Min``/``Max`` as a balanced tree of unevaluated two-argument nodes."""
    items = list(zs)
    while len(items) > 1:
        pairs = [items[i : i + 2] for i in range(0, len(items), 2)]
        items = [join(*p, evaluate=False) if len(p) == 2 else p[0] for p in pairs]
    return items[0]


def _sigmoid_tree(z: sympy.Expr, evaluate: bool) -> sympy.Expr:
    e = sympy.exp(sympy.Mul(-1, z, evaluate=evaluate), evaluate=evaluate)
    return sympy.Pow(sympy.Add(1, e, evaluate=evaluate), -1, evaluate=evaluate)


def _softplus_tree(z: sympy.Expr, evaluate: bool) -> sympy.Expr:
    e = sympy.exp(z, evaluate=evaluate)
    return sympy.log(sympy.Add(1, e, evaluate=evaluate), evaluate=evaluate)


def _log_tree(base: int) -> Callable[[sympy.Expr, bool], sympy.Expr]:
    def build(z: sympy.Expr, evaluate: bool) -> sympy.Expr:
        ln = sympy.log(z, evaluate=evaluate)
        return sympy.Mul(ln, sympy.Pow(sympy.log(base), -1), evaluate=evaluate)

    return build


class _Function(NamedTuple):
    arity: int  # -2 for "two or more"
    number: Callable[..., float]
    build: Callable[..., sympy.Expr]  # (*args, evaluate) -> tree


def _unary(f: Callable[..., sympy.Expr]) -> Callable[[sympy.Expr, bool], sympy.Expr]:
    return lambda z, evaluate: f(z, evaluate=evaluate)


_FUNCTIONS: dict[str, _Function] = {
    "sin": _Function(1, _real(math.sin), _unary(sympy.sin)),
    "cos": _Function(1, _real(math.cos), _unary(sympy.cos)),
    "tan": _Function(1, _real(math.tan), _unary(sympy.tan)),
    "asin": _Function(1, _real(math.asin), _unary(sympy.asin)),
    "acos": _Function(1, _real(math.acos), _unary(sympy.acos)),
    "atan": _Function(1, math.atan, _unary(sympy.atan)),
    "sinh": _Function(1, math.sinh, _unary(sympy.sinh)),
    "cosh": _Function(1, math.cosh, _unary(sympy.cosh)),
    "tanh": _Function(1, math.tanh, _unary(sympy.tanh)),
    "exp": _Function(1, math.exp, _unary(sympy.exp)),
    "log": _Function(1, _log(math.log), _unary(sympy.log)),
    "ln": _Function(1, _log(math.log), _unary(sympy.log)),
    "log10": _Function(1, _log(math.log10), _log_tree(10)),
    "log2": _Function(1, _log(math.log2), _log_tree(2)),
    "sqrt": _Function(1, _real(math.sqrt), _unary(sympy.sqrt)),
    "abs": _Function(1, abs, _unary(sympy.Abs)),
    "sign": _Function(1, _sign, _unary(sympy.sign)),
    "min": _Function(-2, _extreme(min), lambda *zs, evaluate: _balanced(sympy.Min, *zs)),
    "max": _Function(-2, _extreme(max), lambda *zs, evaluate: _balanced(sympy.Max, *zs)),
    "sigmoid": _Function(1, _sigmoid, _sigmoid_tree),
    "softplus": _Function(1, _softplus, _softplus_tree),
    "relu": _Function(
        1, _extreme(lambda vs: max(vs[0], 0.0)), lambda z, evaluate: _balanced(sympy.Max, 0, z)
    ),
}
FUNCTIONS: tuple[str, ...] = tuple(_FUNCTIONS)

# -- characters ------------------------------------------------------------------------------

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


class _Token(NamedTuple):
    kind: str  # "number", "name", "op" or "end"
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
        return _error(f"{message} ('=' {at})", i, i + 1 + (text[i + 1 : i + 2] == "="))
    if ch in "<>" or text[i : i + 2] == "!=":
        return _error(f"a comparison is not a function ({_quote(ch)} {at})", i, i + 1)
    if ch in _ASCII_HINTS:
        what, hint = _ASCII_HINTS[ch]
        return _error(f"unexpected {what} {_quote(ch)} {at}{hint}", i, i + 1)
    if not ch.isprintable():
        return _error(f"unexpected invisible character U+{ord(ch):04X} {at}", i, i + 1)
    greek, hint = _GREEK.fullmatch(unicodedata.name(ch, "")), ""
    if greek:
        word = greek[2].lower().replace("lamda", "lambda")
        hint = f" — use '{word.capitalize() if greek[1] == 'CAPITAL' else word}'"
    elif ch in _UNICODE_HINTS:
        hint = f" — use '{_UNICODE_HINTS[ch]}'"
    elif ch.isalpha():
        hint = " — names use only the letters a-z and A-Z, digits and '_'"
    return _error(f"unexpected character {_quote(ch)} {at}{hint}", i, i + 1)


def _tokenize(text: str) -> list[_Token]:
    """Split ``text`` into tokens, refusing any character the language does not use."""
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        number = _NUMBER.match(text, i) if ch in "0123456789." else None
        name = _NAME.match(text, i)
        if ch.isspace():
            i += 1
            continue
        if number and text[number.end() : number.end() + 1] == ".":
            message = f"the number at column {i + 1} has two decimal points"
            raise _error(message, i, number.end() + 1)
        if number:
            tokens.append(_Token("number", number[0], i))
        elif name:
            tokens.append(_Token("name", name[0], i))
        elif ch in "+-*/^(),":
            tokens.append(_Token("op", "**" if text[i : i + 2] == "**" else ch, i))
        else:
            raise _unexpected(text, i)
        i = tokens[-1].end
    return [*tokens, _Token("end", "", len(text))]


# -- parsing ---------------------------------------------------------------------------------


class _Value(NamedTuple):
    """A parsed piece: its sympy tree, its float value if constant, and its span in the text."""

    expr: sympy.Expr
    number: float | None
    start: int
    end: int


class _Facts(NamedTuple):
    height: int
    symbolic: bool  # depends on x, y or a parameter
    impure: bool  # holds what numpy cannot evaluate as a real: I, zoo, a huge rational


_IMPURE_TYPES = (sympy.Rational, sympy.Pow, AccumulationBounds, type(sympy.I), type(sympy.zoo))


def _impure(node: sympy.Basic) -> bool:
    """Whether numpy cannot evaluate ``node`` as a real number: I, zoo, (-1)**(1/3), a
    rational too big for a float."""
    if node.is_Rational:
        return bool(max(abs(node.p), node.q) > _EXACT_LIMIT)
    if node.is_Pow:  # (-2)**a is complex in Python, not nan, whenever a is not whole
        return bool(
            node.base.is_Number and node.base.is_extended_negative and not node.exp.is_integer
        )
    return isinstance(node, _IMPURE_TYPES)


def _float(number: float) -> sympy.Float:
    """A sympy Float that prints (in lambdify's code) back to exactly ``number``."""
    return sympy.Float(repr(number))


def _same(expr: sympy.Expr) -> sympy.Expr:
    return expr


def _exactly(
    build: Callable[..., sympy.Expr], *exprs: sympy.Expr
) -> Callable[[], sympy.Expr] | None:
    """``build(*exprs)`` for later, or None once a Float is involved: the result would be
    a Float anyway, and exact work on it (``tan(tan(1.0))``) is slow for nothing."""
    return None if any(e.is_Float for e in exprs) else partial(build, *exprs)


class _Parser:
    """Precedence climbing over the tokens. Only brackets and calls recurse (four or five
    frames a level, at most MAX_DEPTH levels); signs, powers, sums and products are loops."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0
        self.parameters: dict[str, None] = {}
        self.facts: dict[sympy.Basic, _Facts] = {}
        self.budget = _EVALUATED_POWERS

    def parse(self) -> _Value:
        value = self._chain(0, "+-")
        tok = self.tokens[self.pos]
        if tok.text == ")":
            raise _error(f"unmatched ')' at column {tok.column}", tok.start, tok.end)
        if tok.text == ",":
            raise self._comma(tok)
        return value

    def _peek(self) -> _Token:
        return self.tokens[self.pos]

    def _advance(self) -> _Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def _deeper(self, depth: int, tok: _Token) -> int:
        if depth >= MAX_DEPTH:
            raise self._too_deep(tok.start, tok.end)
        return depth + 1

    def _chain(self, depth: int, ops: str) -> _Value:
        """A left-associative sum (``ops`` "+-") or product ("*/"), built as one sympy node: a
        2,000-character sum built pair by pair would take quadratic time. A constant prefix is
        folded first, as ``(1e308*10)*x`` has the constant subexpression ``1e308*10``."""
        part = partial(self._chain, ops="*/") if ops == "+-" else self._operand
        join = sympy.Add if ops == "+-" else sympy.Mul
        value, exprs = part(depth), []
        while True:
            tok = self._peek()
            if tok.kind == "op" and tok.text in ops:
                self._advance()
                item = self._invert(part(depth), tok) if tok.text in "-/" else part(depth)
            elif ops == "*/" and (tok.kind == "name" or tok.text == "("):
                item = part(depth)  # implicit multiplication
            elif ops == "*/" and tok.kind == "number":
                message = f"missing operator before '{tok.text}' at column {tok.column}"
                raise _error(f"{message} — write '*' to multiply", tok.start, tok.end)
            else:
                if not exprs:
                    return value
                powers = sum(e.is_Pow for e in exprs)  # sympy may rework each: costly too
                evaluate = self._shallow(*exprs) and self._spend(powers)
                return self._make(join(*exprs, evaluate=evaluate), value.start, value.end)
            if exprs or value.number is None or item.number is None:
                exprs += [item.expr] if exprs else [value.expr, item.expr]
                value = _Value(value.expr, None, value.start, item.end)
                continue
            fold = _add if ops == "+-" else _multiply
            number = self._compute(fold, [value.number, item.number], value.start, item.end)
            exact = _exactly(join, value.expr, item.expr)
            value = self._constant(number, exact, value.start, item.end)

    def _invert(self, item: _Value, tok: _Token) -> _Value:
        """``-item`` or ``1/item``: a negated term, or the divisor in a product."""
        start, neg = (tok.start, True) if tok.text == "-" else (item.start, False)
        ev = self._shallow(item.expr)
        expr = (
            sympy.Mul(-1, item.expr, evaluate=ev) if neg else sympy.Pow(item.expr, -1, evaluate=ev)
        )
        if item.number is None:
            return self._make(expr, start, item.end)
        number = (
            -item.number if neg else self._compute(_divide, [1.0, item.number], start, item.end)
        )
        return self._constant(number, partial(_same, expr), start, item.end)

    def _operand(self, depth: int) -> _Value:
        """Signs, a primary and a right-associative power chain, in a loop: in ``-a^-b^c``
        each sign binds looser than the powers to its right."""
        chain: list[tuple[list[_Token], _Value]] = []
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
                    self._invert(value, sign)
                    if sign.text == "-"
                    else value._replace(start=sign.start)
                )
            if not chain:
                return value
            signs, base = chain.pop()
            value = self._raise(base, value)

    def _primary(self, depth: int) -> _Value:
        tok = self._advance()
        if tok.kind == "number":
            return self._number(tok)
        if tok.kind == "name":
            return self._call(tok, depth) if self._peek().text == "(" else self._name(tok)
        if tok.text == "(":
            inner = self._chain(self._deeper(depth, tok), "+-")
            close = self._advance()
            if close.text != ")":
                raise self._comma(close) if close.text == "," else self._unclosed(tok)
            return inner._replace(start=tok.start, end=close.end)
        self.pos -= 1
        raise self._missing_operand(tok)

    def _number(self, tok: _Token) -> _Value:
        number = float(tok.text)
        if math.isinf(number):
            raise self._too_large(tok.start, tok.end)
        if "." not in tok.text and number.is_integer() and abs(number) <= 1e15:
            return _Value(sympy.Integer(int(number)), number, tok.start, tok.end)
        return _Value(_float(number), number, tok.start, tok.end)

    def _name(self, tok: _Token) -> _Value:
        name, start, end = tok.text, tok.start, tok.end
        if name in ("x", "y"):
            return _Value(X if name == "x" else Y, None, start, end)
        if name in _CONSTANTS:
            return _Value(_CONSTANTS[name][1], _CONSTANTS[name][0], start, end)
        if name in _FUNCTIONS:
            message = f"'{name}' at column {tok.column} is a function: put its argument in"
            raise _error(f"{message} parentheses, as in {name}(x)", start, end)
        slip = f"'{name}' at column {tok.column} would be a parameter named {name} —"
        if re.fullmatch(r"[xy]{2,}", name):
            product = "*".join(name) if len(name) <= 8 else "x*y, with '*' between the letters"
            raise _error(f"{slip} to multiply, write {product}", start, end)
        glued = [f for f in _FUNCTIONS if re.fullmatch(f"{f}[0-9]*[xy]+", name)]
        if glued:
            f = max(glued, key=len)
            raise _error(f"{slip} did you mean {f}({name[len(f) :]})?", start, end)
        self.parameters.setdefault(name)
        return _Value(parameter_symbol(name), None, start, end)

    def _call(self, name_tok: _Token, depth: int) -> _Value:
        open_tok, name = self._advance(), name_tok.text
        function = _FUNCTIONS.get(name)
        if function is None:
            raise self._not_a_function(name_tok, open_tok)
        depth = self._deeper(depth, open_tok)
        args = [] if self._peek().text == ")" else [self._chain(depth, "+-")]
        while self._peek().text == "," and args:
            self._advance()
            args.append(self._chain(depth, "+-"))
        close = self._advance()
        if close.text != ")":
            raise self._unclosed(open_tok)
        start, end = name_tok.start, close.end
        if len(args) != function.arity and not (function.arity == -2 and len(args) >= 2):
            wanted = "1 argument" if function.arity == 1 else "2 or more arguments"
            message = f"{name} takes {wanted}, got {len(args)} at column {name_tok.column}"
            raise _error(message, start, end)
        numbers, exprs = [a.number for a in args], [a.expr for a in args]
        if all(n is not None for n in numbers):
            number = self._compute(function.number, numbers, start, end)
            exact = _exactly(partial(function.build, evaluate=True), *exprs)
            if function.arity != 1 or name == "relu":  # the winning argument, or 0
                won = (a.expr for a in args if a.number == number)
                exact = partial(next, won, sympy.S.Zero)
            elif name in ("sigmoid", "softplus") and abs(numbers[0] or 0.0) > 700:
                exact = None  # exp(-z) would overflow in numpy
            return self._constant(number, exact, start, end)
        if any(n is not None and math.isnan(n) for n in numbers):
            return self._constant(math.nan, None, start, end)
        if name == "sqrt":  # a power, so that sympy can see a negative base (see _raise)
            half = _Value(sympy.S.Half, 0.5, end, end)
            return self._raise(args[0], half)._replace(start=start)
        return self._make(function.build(*exprs, evaluate=False), start, end)

    def _raise(self, base: _Value, exponent: _Value) -> _Value:
        """``base ** exponent``, never asking sympy for a huge exact number."""
        start, end, e = base.start, exponent.end, exponent.expr
        if base.number is not None and exponent.number is not None:
            number = self._compute(_power, [base.number, exponent.number], start, end)
            cheap = not e.is_Rational or max(abs(e.p), e.q) <= _EXACT_POWER
            return self._constant(
                number, _exactly(sympy.Pow, base.expr, e) if cheap else None, start, end
            )
        if exponent.number is not None and e.is_Rational and max(abs(e.p), e.q) > _SYMBOLIC_POWER:
            e = _float(exponent.number)
        if base.number is not None and base.number < 0 and e.has(X, Y):
            message = "a negative number to a power that depends on x or y is not real"
            hint = "for minus a power write -2^x, which is -(2^x)"
            raise _error(f"{message}, at column {start + 1} — {hint}", start, end)
        # A fractional power of something sympy can prove negative is nan everywhere, but
        # sympy (now, or in diff later) makes it complex: sqrt(-exp(x)) is I*exp(x/2). Evaluated
        # now, _make sees the I; unevaluated, ask directly, while the budget lasts.
        evaluate = self._shallow(base.expr, e, costly=True)
        fraction = exponent.number is not None and not exponent.number.is_integer()
        if fraction and not evaluate and self._spend() and base.expr.is_extended_negative:
            return self._constant(math.nan, None, start, end)
        return self._make(sympy.Pow(base.expr, e, evaluate=evaluate), start, end)

    # -- building and checking sympy nodes ---------------------------------------------------

    def _compute(
        self, fn: Callable[..., float], args: list[float | None], start: int, end: int
    ) -> float:
        try:
            return float(fn(*args)) + 0.0  # -0.0 becomes 0.0
        except OverflowError:
            raise self._too_large(start, end) from None

    def _constant(
        self, number: float, exact: Callable[[], sympy.Expr] | None, start: int, end: int
    ) -> _Value:
        """A folded constant: nan or oo when not finite, else the exact tree when it is small,
        real and not a Float, else one Float."""
        if not math.isfinite(number):
            expr = sympy.nan if math.isnan(number) else sympy.oo if number > 0 else -sympy.oo
            return _Value(expr, number, start, end)
        try:
            expr = exact() if exact and (number == 0 or 1e-300 < abs(number) < 1e300) else None
        except (ValueError, TypeError, ArithmeticError):
            expr = None
        if expr is not None:
            facts = self._inspect(expr)
            tall = expr.is_Float or facts.impure or facts.height > _EXACT_HEIGHT
            if tall or expr.has(sympy.nan, sympy.oo, -sympy.oo):  # 1 ** oo is nan in sympy
                expr = None
        return _Value(_float(number) if expr is None else expr, number, start, end)

    def _make(self, expr: sympy.Expr, start: int, end: int) -> _Value:
        """A node built from something symbolic: make it real, check its height, and fold it if
        sympy reduced it to a constant (``x - x``)."""
        facts = self._inspect(expr)
        if facts.impure:
            bad = [a for a in expr.atoms(*_IMPURE_TYPES) if _impure(a)]
            expr = expr.xreplace({a: sympy.Float(a) if a.is_Rational else sympy.nan for a in bad})
            facts = self._inspect(expr)
            expr = sympy.nan if facts.impure else expr
        if facts.height - 1 > MAX_DEPTH:  # height counts nodes, depth counts levels
            raise self._too_deep(start, end)
        if facts.symbolic:
            return _Value(expr, None, start, end)
        try:
            number = float(expr)
        except TypeError:
            number = math.nan
        except OverflowError:
            raise self._too_large(start, end) from None
        if math.isinf(number) and expr not in (sympy.oo, -sympy.oo):
            raise self._too_large(start, end)
        return self._constant(number, partial(_same, expr), start, end)

    def _shallow(self, *exprs: sympy.Expr, costly: bool = False) -> bool:
        """Whether a node over ``exprs`` may be evaluated (simplified) by sympy. Over tall trees
        that takes time quadratic in the height, and evaluating a power (``costly``) asks
        sympy's assumptions, ~1 ms each on new terms: the first few are paid for, the rest of a
        long text's powers stay as typed."""
        short = max(self._inspect(e).height for e in exprs) <= _EVALUATED_HEIGHT
        return short and (not costly or self._spend())

    def _spend(self, cost: int = 1) -> bool:
        self.budget -= cost
        return self.budget >= 0

    def _inspect(self, expr: sympy.Basic) -> _Facts:
        """Height and contents of ``expr``, in a loop visiting only nodes not seen before."""
        stack = [expr]
        while stack:
            node = stack[-1]
            if not node.args or node in self.facts:
                stack.pop()
                continue
            todo = [a for a in node.args if a.args and a not in self.facts]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            below = [self._facts(a) for a in node.args]
            self.facts[node] = _Facts(
                1 + max(f.height for f in below),
                any(f.symbolic for f in below),
                _impure(node) or any(f.impure for f in below),
            )
        return self._facts(expr)

    def _facts(self, node: sympy.Basic) -> _Facts:
        """What :meth:`_inspect` found. Atoms are not stored: tiny Floats share a hash, and so
        many of them in one dict would make every lookup slow."""
        if node.args:
            return self.facts[node]
        return _Facts(1, isinstance(node, sympy.Symbol), _impure(node))

    # -- errors ------------------------------------------------------------------------------

    def _too_large(self, start: int, end: int) -> ExpressionError:
        shown = self.text[start:end].strip()
        shown = shown if len(shown) <= 40 else f"{shown[:19]}…{shown[-19:]}"
        return _error(f"the number {shown} is too large at column {start + 1}", start, end)

    def _too_deep(self, start: int, end: int) -> ExpressionError:
        return _error(f"nested more than {MAX_DEPTH} levels deep at column {start + 1}", start, end)

    def _comma(self, tok: _Token) -> ExpressionError:
        message = f"',' at column {tok.column} can only separate the arguments of min or max"
        return _error(message, tok.start, tok.end)

    def _unclosed(self, open_tok: _Token) -> ExpressionError:
        message = f"missing ')' to close the '(' at column {open_tok.column}"
        return _error(message, open_tok.start, open_tok.end)

    def _missing_operand(self, tok: _Token) -> ExpressionError:
        """The error when an operand was due but ``tok`` came instead."""
        prev, at = (self.tokens[self.pos - 1] if self.pos else None), f"at column {tok.column}"
        if prev is None and tok.text == ",":
            return self._comma(tok)
        if prev is None and tok.text == ")":
            return _error(f"unmatched ')' {at}", tok.start, tok.end)
        if prev is None or (prev.text in ("(", ",") and tok.text in ("*", "/", "^", "**")):
            return _error(f"'{tok.text}' {at} needs something before it", tok.start, tok.end)
        if prev.text == "(" and tok.text in ("", ")"):
            if tok.text == "":
                return self._unclosed(prev)
            return _error(f"empty parentheses at column {prev.column}", prev.start, tok.end)
        if prev.text == ",":
            message = f"missing argument after ',' at column {prev.column}"
            return _error(message, prev.start, prev.end)
        if tok.text == ",":
            return _error(f"missing argument before ',' {at}", tok.start, tok.end)
        if tok.text in ("*", "/", "^", "**"):
            message = f"two operators in a row: '{tok.text}' {at} follows '{prev.text}'"
            return _error(message, tok.start, tok.end)
        message = f"'{prev.text}' at column {prev.column} needs something after it"
        return _error(message, prev.start, prev.end)

    def _not_a_function(self, name_tok: _Token, open_tok: _Token) -> ExpressionError:
        name, at = name_tok.text, f"at column {name_tok.column}"
        level, inside = 0, "..."
        for tok in self.tokens[self.pos - 1 :]:
            level += (tok.text == "(") - (tok.text == ")")
            if level == 0 and tok.start - open_tok.end <= 30:
                inside = self.text[open_tok.end : tok.start].strip()
            if level == 0:
                break
        product = f"to multiply, write {name}*({inside})"
        if name in ("x", "y") or name in _CONSTANTS:
            message = f"'{name}' cannot be used as a function ({at}) — {product}"
            return _error(message, name_tok.start, name_tok.end)
        match = difflib.get_close_matches(name.lower(), FUNCTIONS, n=1, cutoff=0.6)
        hint = f"did you mean '{match[0]}'?" if match else product
        return _error(f"unknown function '{name}' {at} — {hint}", name_tok.start, name_tok.end)


def parse_expression(text: str) -> Expression:
    """Check ``text`` and build its sympy tree, or raise :class:`ExpressionError` saying what is
    wrong and where."""
    if len(text) > MAX_LENGTH:
        message = f"the function is too long: {len(text):,} characters, at most {MAX_LENGTH:,}"
        raise _error(message, MAX_LENGTH, len(text))
    if not text.strip():
        raise ExpressionError("the function is empty")
    parser = _Parser(text)
    try:
        value = parser.parse()
    except RecursionError:  # only when the caller's own stack is already nearly full
        raise ExpressionError("the function is nested too deeply to handle", 1, len(text)) from None
    return Expression(text, value.expr, tuple(parser.parameters))
