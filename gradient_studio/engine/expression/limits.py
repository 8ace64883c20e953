"""The numbers that keep every text quick to answer and its tree real and small."""

from __future__ import annotations

__all__ = [
    "EXACT_HEIGHT",
    "EXACT_LIMIT",
    "EXACT_POWER",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "SYMBOLIC_POWER",
]

MAX_LENGTH = 2000
MAX_DEPTH = 100

EXACT_LIMIT = 2**64  # bigger exact rationals become Floats (numpy cannot take such ints)
EXACT_HEIGHT = 4  # taller constant trees become one Float
EXACT_POWER = 64  # constant ** (p/q) is computed exactly only for |p|, q up to this
SYMBOLIC_POWER = 1000  # (2x) ** n expands to 2**n * x**n: beyond this n becomes a Float
