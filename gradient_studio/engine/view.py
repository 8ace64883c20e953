"""What a view may show: ranges that a plot, a grid and a person can all work with.

A view is an x range and a y range, each ``(low, high)``. Both ends must be finite, the
range wider than the float resolution at its place (else the grid's cells collapse onto
one value), and its ends no further out than :data:`MAX_COORDINATE` (beyond, f's values
and the axes' labels stop meaning anything). :func:`check_view` refuses anything else.
The picture (``scene``), a session file (``session.limits``) and ``render --xrange`` all
check their ranges here; ``scene.view`` brings any zoom or pan within them.
"""

from __future__ import annotations

import math

Range = tuple[float, float]

MAX_COORDINATE = 1e15
#: The narrowest range, relative to its distance from 0 (and absolutely, near 0).
MIN_RELATIVE_SPAN = 1e-9
MIN_SPAN = 1e-100


def check_range(value: Range, what: str) -> Range:
    """``value`` as floats if it is a usable range, else ``ValueError`` naming ``what``
    (``"x range"``) and what would be right."""
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"the {what} must be two numbers, got {value!r}") from None
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"the {what} must be finite, got {low:g} … {high:g}")
    if not low < high:
        raise ValueError(f"the {what} must go from low to high, got {low:g} … {high:g}")
    if max(abs(low), abs(high)) > MAX_COORDINATE:
        raise ValueError(
            f"the {what} {low:g} … {high:g} reaches past ±{MAX_COORDINATE:g}, the most a view shows"
        )
    if high - low < max(MIN_SPAN, MIN_RELATIVE_SPAN * max(abs(low), abs(high))):
        raise ValueError(f"the {what} {low:.17g} … {high:.17g} is too narrow to draw")
    return low, high


def check_view(xrange: Range, yrange: Range) -> tuple[Range, Range]:
    """Both ranges checked (see :func:`check_range`)."""
    return check_range(xrange, "x range"), check_range(yrange, "y range")
