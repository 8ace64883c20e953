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
except over subtrees taller than ``EVALUATED_HEIGHT``, where that takes time quadratic in the
height, and except powers after the first ``EVALUATED_POWERS`` (each asks sympy's assumptions,
about a millisecond on new terms), so that every text answers within a few tens of ms.
``min``/``max``/``relu`` are balanced trees of unevaluated two-argument nodes: sympy compares
every pair of arguments otherwise, milliseconds each, and again in ``diff``.

Limits: :data:`MAX_LENGTH` characters; :data:`MAX_DEPTH` levels of nesting (brackets, calls,
unary signs, powers) and of sympy tree height, so neither this parser nor sympy's recursive
``diff`` and ``lambdify`` can overflow the stack.

The modules
-----------
``tokens`` splits the text, ``parser`` holds the grammar, ``building`` makes each checked sympy
node, ``names`` knows the variables, constants and functions, ``arithmetic`` folds constants
as floats, ``errors`` words every mistake for a person, ``limits`` holds the numbers above.
"""

from __future__ import annotations

from gradient_studio.engine.expression.errors import ExpressionError
from gradient_studio.engine.expression.limits import MAX_DEPTH, MAX_LENGTH
from gradient_studio.engine.expression.names import FUNCTIONS, X, Y, parameter_symbol
from gradient_studio.engine.expression.parser import Expression, parse_expression

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
