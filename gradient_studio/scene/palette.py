"""Colours of the picture: the landscape's colour maps, how f maps onto them, path colours.

The mapping from f to colour is a :class:`ColourScale`. When f spans only a few decades over
the view it is linear; when it spans more (Rosenbrock's valley floor sits four decades below
its walls) a linear map would paint everything but the walls one colour, so the scale becomes
``log10(f - floor)`` with the floor a little below the smallest value: every decade then gets
its share of the colour map, and the minimum still sits at the map's low end.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

#: Perceptually uniform colour maps shipped with pyqtgraph; the first is the default.
COLORMAPS: tuple[str, ...] = ("viridis", "cividis", "magma", "plasma", "inferno")

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with every common form of
#: colour blindness. Ordered so the first three stand out on all of :data:`COLORMAPS`
#: (yellow, which vanishes on their bright ends, comes last but one).
OKABE_ITO: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#0072B2",  # blue
    "#F0E442",  # yellow
    "#FFFFFF",  # white (Okabe–Ito's black would vanish in the dark valleys)
)

BACKGROUND = "#ffffff"
TEXT = "#1f1f1f"
CASING = "#141414"  # the dark outline that lifts a path (or a marker) off any colour map

#: f spanning more than this many decades over the view switches to log colouring.
LOG_DECADES = 3.0


class OptimizerStyle(NamedTuple):
    """How one optimiser is drawn everywhere: its paths, legend swatch, loss curve, table row.

    ``marker`` is the pyqtgraph symbol of its paths' heads (``"o"`` a disc); ``glyph`` is the
    same shape as a character, for text (``"●"``, ``"▲"`` …).
    """

    colour: str
    marker: str = "o"
    glyph: str = "●"


#: Every optimiser's own style, by name, whatever else races beside it. The eight most
#: used take Okabe–Ito's colours with a disc; the other six take six more colours, as far
#: from those and from each other as could be found (CIELAB ΔE ≥ 26 for every pair), each
#: with a shape of its own, so that they stay apart for readers who cannot tell colours.
OPTIMIZER_STYLES: dict[str, OptimizerStyle] = {
    "sgd": OptimizerStyle(OKABE_ITO[0]),
    "momentum": OptimizerStyle(OKABE_ITO[1]),
    "adam": OptimizerStyle(OKABE_ITO[2]),
    "nesterov": OptimizerStyle(OKABE_ITO[3]),
    "rmsprop": OptimizerStyle(OKABE_ITO[4]),
    "adagrad": OptimizerStyle(OKABE_ITO[5]),
    "adadelta": OptimizerStyle(OKABE_ITO[6]),
    "newton": OptimizerStyle(OKABE_ITO[7]),
    "amsgrad": OptimizerStyle("#9467BD", "t1", "▲"),  # purple
    "adamw": OptimizerStyle("#CF1C90", "t", "▼"),  # magenta
    "adamax": OptimizerStyle("#F97B72", "d", "◆"),  # salmon
    "nadam": OptimizerStyle("#2CA02C", "p", "⬟"),  # green
    "radam": OptimizerStyle("#999933", "h", "⬢"),  # olive
    "rprop": OptimizerStyle("#848482", "t2", "▶"),  # grey
}


def optimizer_style(name: str) -> OptimizerStyle:
    """The style of the optimiser ``name`` (an engine optimiser's ``name``, e.g. ``"adam"``):
    the one source the picture, its legend, the loss plot, the table and the exports use.
    A name not in :data:`OPTIMIZER_STYLES` still always gets the same one."""
    style = OPTIMIZER_STYLES.get(name)
    if style is None:
        styles = list(OPTIMIZER_STYLES.values())
        style = styles[zlib.crc32(name.encode()) % len(styles)]
    return style


def path_colour(index: int) -> str:
    """The ``index``-th Okabe–Ito colour. Colours by position change when another optimiser
    is ticked: use :func:`optimizer_style` (kept for the window until it does)."""
    return OKABE_ITO[index % len(OKABE_ITO)]


@cache
def colormap_lut(name: str) -> NDArray[np.uint8]:
    """The colour map ``name`` as a (256, 4) RGBA lookup table."""
    if name not in COLORMAPS:
        raise ValueError(f"unknown colour map {name!r}; choose one of {', '.join(COLORMAPS)}")
    import pyqtgraph as pg

    lut = pg.colormap.get(name).getLookupTable(nPts=256, alpha=True)
    lut = np.ascontiguousarray(lut, dtype=np.uint8)
    lut.flags.writeable = False
    return lut


@cache
def colormap_pixels(name: str) -> NDArray[np.uint8]:
    """The colour map ``name`` as (256, 4) pixels in Qt's native premultiplied ARGB32
    format (one 32-bit 0xAARRGGBB word each, in the machine's byte order), for colouring
    an image Qt can draw without converting it."""
    lut = colormap_lut(name).astype(np.uint32)
    alpha = lut[:, 3]
    r, g, b = ((lut[:, i] * alpha + 127) // 255 for i in range(3))
    words = (alpha << 24) | (r << 16) | (g << 8) | b
    pixels = words.astype(np.uint32).view(np.uint8).reshape(-1, 4)
    pixels.flags.writeable = False
    return pixels


def luminance(rgb: NDArray[np.uint8]) -> NDArray[np.float64]:
    """Relative luminance (0 dark … 1 light) of sRGB colours in the last axis."""
    c = np.asarray(rgb, dtype=np.float64)[..., :3] / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    weights = np.array([0.2126, 0.7152, 0.0722])
    return np.asarray(lin @ weights, dtype=np.float64)


@dataclass(frozen=True)
class ColourScale:
    """How f maps onto a colour map's 0…1 range.

    ``u(f)`` is ``f`` (linear) or ``log10(f - floor)`` (log); ``low``/``high`` are ``u`` at
    the two ends of the colour map. Values beyond them take the end colours.
    """

    low: float
    high: float
    log: bool = False
    floor: float = 0.0

    @classmethod
    def fit(cls, z: NDArray[np.float64], log: bool | None = None) -> ColourScale:
        """The scale that suits the finite values of ``z``; ``log=None`` decides by their span."""
        ok = np.isfinite(z)
        finite = z.ravel() if ok.all() else z[ok]
        if finite.size == 0:
            return cls(0.0, 1.0)
        fmin = float(finite.min())
        # Percentiles of a regular sample: as good for choosing colours, and 20x faster.
        sample = finite[:: max(1, finite.size // 16384)]
        bottom, low, top = _quantiles(sample, (0.005, 0.01, 0.995))
        # The top 0.5 % is left to saturate: one pole must not flatten everything else.
        if finite.size <= 200 or not top > fmin:
            top = float(finite.max())
        if not (top > fmin and math.isfinite(top - fmin)):
            return cls._flat(fmin)
        if log is not True and top > bottom and bottom - fmin > 0.5 * (top - bottom):
            # The lowest values are a pole (1/x), not a minimum: let them saturate too, on
            # a linear scale — a log scale is anchored at a minimum, and there is none.
            return cls(bottom, top)
        # The floor sits one "resolution step" below the minimum: the rise over the lowest
        # 1 % of the view, so that the region around the minimum is resolved.
        step = max(low - fmin, (top - fmin) * 1e-9, np.finfo(float).tiny)
        decades = math.log10((top - fmin + step) / step)
        if log is None:
            log = decades > LOG_DECADES
        if not log:
            return cls(fmin, top)
        floor = fmin - step
        with np.errstate(over="ignore"):
            low, high = math.log10(step), float(np.log10(np.float64(top) - floor))
        if math.isfinite(high) and high > low:
            return cls(low, high, log=True, floor=floor)
        return cls(fmin, top)  # only at the very ends of the float range

    @classmethod
    def _flat(cls, value: float) -> ColourScale:
        """A linear scale around one value (a flat view), wide enough to be a range."""
        pad = max(0.5, abs(value) * 1e-6)
        low, high = value - pad, value + pad
        if not (math.isfinite(low) and math.isfinite(high) and high > low):
            return cls(0.0, 1.0)
        return cls(low, high)

    @property
    def label(self) -> str:
        return "f  (log scale)" if self.log else "f"

    def u(self, f: NDArray[np.float64] | float) -> NDArray[np.float64]:
        """f in scale units (itself, or its log above the floor)."""
        f = np.asarray(f, dtype=np.float64)
        if not self.log:
            return f
        above = np.subtract(f, self.floor)  # one new array, worked on in place
        with np.errstate(divide="ignore", invalid="ignore"):
            if above.ndim == 0:
                return np.log10(np.maximum(above, 0.0))
            np.maximum(above, 0.0, out=above)
            return np.log10(above, out=above)

    def f(self, u: NDArray[np.float64] | float) -> NDArray[np.float64]:
        """The inverse of :meth:`u`."""
        u = np.asarray(u, dtype=np.float64)
        return self.floor + 10.0**u if self.log else u

    def position(self, z: NDArray[np.float64]) -> NDArray[np.float64]:
        """Where each value falls on the colour map, 0…1 (nan stays nan)."""
        return (self.u(z) - self.low) / (self.high - self.low)

    def colours(self, u: NDArray[np.float64], lut: NDArray[np.uint8]) -> NDArray[np.uint8]:
        """RGBA for every value of ``u`` (f in scale units, from :meth:`u`): nan (outside the
        domain) is transparent, +inf (a pole) takes the top colour. With the pixels of
        :func:`colormap_pixels` as ``lut``, the same in Qt's native pixel format."""
        n = lut.shape[0]
        t = np.empty(np.shape(u), dtype=np.float32)
        with np.errstate(over="ignore", invalid="ignore"):
            # The difference in float64 (f may be 1e12 + x^2), stored and worked on in
            # float32, then a 4-byte lookup: a quarter of the time of the obvious code.
            np.subtract(u, self.low, out=t, casting="same_kind")
            t *= np.float32((n - 1) / (self.high - self.low))
            # A sum is finite only if every term is: one pass instead of a mask.
            bad = None if np.isfinite(t.sum()) else ~np.isfinite(t)
        if bad is not None:
            np.copyto(t, 0.0, where=bad)
        np.clip(t, 0.0, n - 1, out=t)
        t += 0.5
        words = np.ascontiguousarray(lut).view(np.uint32).reshape(n)
        index = t.astype(np.intp)
        rgba = np.take(words, index).view(np.uint8).reshape(*np.shape(u), 4)
        if bad is not None:
            pole = np.isposinf(u)
            rgba[pole] = lut[-1]
            rgba[bad & ~pole] = 0  # transparent black: valid premultiplied pixels too
        return rgba

    def contour_levels(self, count: int) -> NDArray[np.float64]:
        """About ``count`` contour levels (between ``count/2`` and ``count``) in scale units,
        evenly spaced at a round step strictly inside the colour map; ``f()`` gives them in f.
        """
        step = _round_step((self.high - self.low) / max(count, 1))
        first = math.floor(self.low / step) + 1
        last = math.ceil(self.high / step) - 1
        return np.arange(first, last + 1, dtype=np.float64) * step

    def ticks(self) -> list[tuple[float, str]]:
        """Colour-bar ticks as ``(u, text)``: round values of f, labelled in f in one
        notation (never with a scale factor set apart)."""
        if self.log:
            return _log_ticks(self)
        step = _round_step((self.high - self.low) / 6)
        first = math.ceil(self.low / step - 1e-9)
        values = [k * step for k in range(first, math.floor(self.high / step + 1e-9) + 1)]
        reach = max(abs(self.low), abs(self.high))
        return list(zip(values, tick_texts(values, step, reach), strict=True))


def _quantiles(values: NDArray[np.float64], qs: tuple[float, ...]) -> list[float]:
    """The ``qs`` quantiles (nearest rank) by one partial sort: no full sort, no
    numpy.percentile (whose first call alone costs 20 ms of lazy imports)."""
    ks = [round(q * (values.size - 1)) for q in qs]
    parted = np.partition(values, ks)
    return [float(parted[k]) for k in ks]


def _round_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is at least ``raw``."""
    if not raw > 0 or not math.isfinite(raw):
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * power >= raw * (1 - 1e-9):
            return m * power
    return 10.0 * power


def _log_ticks(scale: ColourScale) -> list[tuple[float, str]]:
    """Round f values (0, ±1, 2, 5 × 10^k) spread along a log colour bar."""
    f_low = float(scale.f(scale.low))
    f_high = float(scale.f(scale.high))
    span = scale.high - scale.low
    candidates: list[tuple[int, float]] = []
    # Round values from just under the bar's foot (f - floor = 10**low) to above its top.
    k_low = math.floor(min(scale.low, math.log10(max(abs(f_low), 1e-300)))) - 1
    k_high = math.ceil(math.log10(max(abs(f_low), abs(f_high), 1e-300))) + 1
    k_low, k_high = max(k_low, -323), min(k_high, 308)  # 10.0**309 overflows
    for k in range(k_low, k_high + 1):
        for rank, m in ((1, 1.0), (2, 5.0), (3, 2.0)):
            for sign in (1.0, -1.0):
                v = sign * m * 10.0**k
                if f_low <= v <= f_high:
                    candidates.append((rank, v))
    chosen: list[tuple[float, float]] = []
    gap = span / 9.0
    # By rank (0, then 1 × 10^k, ...), and within a rank from the top down: near the bar's
    # foot the log-above-a-floor scale crowds small values together.
    ordered = [v for _rank, v in sorted(candidates, key=lambda c: (c[0], -c[1]))]
    for v, u in zip(ordered, scale.u(np.array(ordered)).tolist(), strict=True):
        # (No 0: a log scale has none, though its foot may sit at f = 0.)
        if not math.isfinite(u) or u < scale.low - 1e-9 or u > scale.high + 1e-9:
            continue
        if all(abs(u - other) >= gap for other, _ in chosen):
            chosen.append((u, v))
    chosen.sort()
    return list(zip([u for u, _ in chosen], same_notation([v for _, v in chosen]), strict=True))


def same_notation(values: Sequence[float]) -> list[str]:
    """Round values (a log colour bar's ticks) in one notation: plain numbers while every
    one reads well as such (0.001 … 99,999), else all as powers of ten (1e−5, 2e3)."""
    plain = all(v == 0 or 1e-3 <= abs(v) < 1e5 for v in values)
    return [format_value(v) if plain else _scientific(v, 1) for v in values]


def tick_texts(values: Sequence[float], spacing: float, reach: float) -> list[str]:
    """An axis's tick labels, all in one notation, with no scale factor set apart: decimals
    with as many places as the tick spacing needs (−0.006, −0.004 … 0.008), or — when the
    axis reaches beyond ±1e5 or stays within ±0.001 (``reach``: the largest magnitude it
    shows) — every label as a power of ten with the digits that tell neighbours apart."""
    if not (spacing > 0 and math.isfinite(spacing)):
        spacing = max((abs(v) for v in values), default=1.0) or 1.0
    if reach >= 1e5 or 0 < reach < 1e-3:
        texts = []
        for v in values:
            if v == 0 or not math.isfinite(v):
                texts.append(format_value(v))
                continue
            digits = math.floor(math.log10(abs(v))) - math.floor(math.log10(spacing) + 1e-9)
            texts.append(_scientific(v, max(0, min(digits, 12))))
        return texts
    places = max(0, min(15, math.ceil(-math.log10(spacing) - 1e-9)))
    out = []
    for v in values:
        text = f"{v:.{places}f}"
        if float(text) == 0:
            text = "0"
        out.append(text.replace("-", "−"))
    return out


def _scientific(v: float, digits: int) -> str:
    """``v`` as ``1.5e−4`` (``digits`` after the point, trailing zeros dropped)."""
    mantissa, exponent = f"{v:.{digits}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}".replace("-", "−")


def format_value(v: float) -> str:
    """A number short enough for a tick or a legend: 0.01, 250, 1200, 3.2e−07, 1e5."""
    if v == 0:
        return "0"
    if not math.isfinite(v):
        return "∞" if v > 0 else ("−∞" if v < 0 else "nan")
    a = abs(v)
    if 1e3 <= a < 1e5:
        text = f"{v:.0f}"
    elif 1e-3 <= a < 1e3:
        text = f"{v:.3g}"
    else:
        return _scientific(v, 1)
    return text.replace("-", "−")
