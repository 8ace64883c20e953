"""The function language: text a person types, checked and turned into a SymEngine tree.

Nothing here calls ``eval``, ``sympify`` or ``parse_expr`` on the text: a tokenizer and a
precedence-climbing parser check it, and the SymEngine tree is built node by node from the
parse (sympy is not imported: it costs a third of a second, see ``engine/formulas``).

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
``2*x``); others are doubles. Constant subexpressions are folded with a float shadow computed
alongside: an overflow (``9^9^9``, ``exp(1000)``, ``1e999``) is an error, "the number ... is
too large", clearer than a landscape of inf. Leaving the domain is not an error: ``1/0`` is
``oo`` and ``log(-1)``, ``sqrt(-1)``, ``0/0`` are ``nan``, as numpy computes them; a negative
constant to a parameter's power (``(-2)^a``, ``(-pi)^alpha``) is real for a whole power and
nan otherwise, as numpy's power answers, and to a power that depends on x or y (``(-2)^x``)
is refused: the tree holds no complex number. A folded constant
stays exact (``pi/2``, ``sqrt(2)``) while that is small and cheap, else it becomes one double;
SymEngine is never asked for a huge exact number (``(2x)^(10^10)`` keeps a double exponent).

SymEngine simplifies as each node is built, in C++, so every text answers in a few ms.
Function calls keep numpy's domain rules (``exp(log(x))`` stays nan for negative x); two of
sympy's habits are kept so that the formulas read as before: a number times a sum is
multiplied out (``2(x + 1)`` is ``2x + 2``), and ``sqrt(u^2)`` is ``|u|``. ``sign`` is a
function SymEngine knows by name only (see ``names.SIGN``).

Limits: :data:`MAX_LENGTH` characters; :data:`MAX_DEPTH` levels of nesting (brackets, calls,
unary signs, powers) and of tree height, so that neither this parser nor the recursive C++ of
SymEngine's ``diff`` can overflow a thread's stack.

The modules
-----------
``tokens`` splits the text, ``parser`` holds the grammar, ``building`` makes each checked
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
