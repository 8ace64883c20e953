"""Any zoom or pan brought within what a view may show (:mod:`gradient_studio.engine.view`,
where the rules and their numbers live), for a window whose mouse wheel may go on turning.
"""

from __future__ import annotations

import math

from gradient_studio.engine.view import (
    MAX_COORDINATE,
    MIN_RELATIVE_SPAN,
    MIN_SPAN,
    Range,
    check_range,
    check_view,
)

__all__ = [
    "MAX_COORDINATE",
    "MIN_RELATIVE_SPAN",
    "MIN_SPAN",
    "Range",
    "check_range",
    "check_view",
    "clamped_range",
    "clamped_view",
]


def clamped_range(value: Range, fallback: Range = (-1.0, 1.0)) -> Range:
    """The nearest usable range to ``value`` (keeping its centre where it can), or
    ``fallback`` if ``value`` has no finite centre."""
    try:
        return check_range(value, "range")
    except ValueError:
        pass
    try:
        low, high = sorted(float(v) for v in value)
    except (TypeError, ValueError):
        return fallback
    centre = 0.5 * low + 0.5 * high
    if not math.isfinite(centre):
        return fallback
    centre = max(-MAX_COORDINATE / 2, min(MAX_COORDINATE / 2, centre))
    half = 0.5 * (high - low) if math.isfinite(high - low) else MAX_COORDINATE
    half = min(half, MAX_COORDINATE - abs(centre))
    least = max(MIN_SPAN, MIN_RELATIVE_SPAN * (abs(centre) + half)) * 0.51
    half = max(half, least * 2)
    return check_range((centre - half, centre + half), "range")


def clamped_view(xrange: Range, yrange: Range) -> tuple[Range, Range]:
    """Both ranges brought within what a view may show (see :func:`clamped_range`)."""
    return clamped_range(xrange), clamped_range(yrange)
