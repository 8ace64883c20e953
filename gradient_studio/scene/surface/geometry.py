"""The 3-D picture's geometry in plain numpy: where the surface, the paths and the axes go.

Everything is placed in a *box*: x and y map onto its floor, keeping the view's aspect (the
longer side spans 2), and f maps onto its height by the colour map's own scale
(:class:`~gradient_studio.scene.palette.ColourScale`): linearly, or as ``log10(f - floor)``
when f spans decades (Rosenbrock), so height and colour always tell the same story. Values
beyond the scale's ends (a pole, the top 0.5 % the colour map lets saturate) sit at the
box's lid; nan (outside f's domain) leaves a hole.

Nothing here needs Qt or OpenGL, so all of it is tested directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from gradient_studio.scene.palette import ColourScale, _round_step, format_value

Array = NDArray[np.float64]

#: The box's height, the longer side of its floor being 2 (matplotlib's 3-D box is 4:4:3).
BOX_HEIGHT = 1.5
#: Cells per side the surface is drawn with at most (a finer grid is sampled down to it).
MESH_CELLS = 200
#: The floor sits a hair below the surface's lowest point, so the two never fight.
FLOOR = -0.02 * BOX_HEIGHT
#: A log height spans at most this many decades (see :func:`height_scale`).
HEIGHT_DECADES = 3.0
#: The skirt's sides are a little darker than the surface's edge, so the edge reads.
SKIRT_SHADE = 0.8


def height_scale(scale: ColourScale) -> ColourScale:
    """The scale the 3-D view uses for both heights and colours: the contour view's, with a
    log scale's floor lowered until it spans at most :data:`HEIGHT_DECADES` decades.

    The contour view puts its log floor just under the minimum, so that colour resolves
    the lowest 1 % of the view; as heights, the same mapping digs a slot canyon around the
    minimum (Rosenbrock's valley floor becomes a gorge narrower than a ball, its walls
    hiding the paths in it from every camera but one straight above). Three decades keep
    a valley a valley. Linear scales are kept as they are.
    """
    if not scale.log:
        return scale
    fmin = scale.floor + 10.0**scale.low
    top = scale.floor + 10.0**scale.high
    rise = 10.0**scale.low  # fmin - floor
    wanted = (top - fmin) * 10.0**-HEIGHT_DECADES
    if not (math.isfinite(wanted) and wanted > rise):
        return scale
    floor = fmin - wanted
    return ColourScale(math.log10(wanted), math.log10(top - floor), log=True, floor=floor)


@dataclass(frozen=True)
class Box:
    """How the view's ``x, y`` and the scale's ``u`` (f in scale units) map into the box."""

    xrange: tuple[float, float]
    yrange: tuple[float, float]
    scale: ColourScale

    @property
    def half(self) -> tuple[float, float]:
        """Half the floor's width and depth (the longer is 1)."""
        w = self.xrange[1] - self.xrange[0]
        h = self.yrange[1] - self.yrange[0]
        longest = max(w, h)
        return w / longest, h / longest

    def floor_xy(self, x: Array | float, y: Array | float) -> tuple[Array, Array]:
        """Data ``x, y`` as box coordinates on the floor."""
        hx, hy = self.half
        bx = (np.asarray(x, np.float64) - self.xrange[0]) / (self.xrange[1] - self.xrange[0])
        by = (np.asarray(y, np.float64) - self.yrange[0]) / (self.yrange[1] - self.yrange[0])
        return (2.0 * bx - 1.0) * hx, (2.0 * by - 1.0) * hy

    def height_of_u(self, u: Array | float) -> Array:
        """f in scale units as a height in the box, clipped to the box (nan stays nan)."""
        t = (np.asarray(u, np.float64) - self.scale.low) / (self.scale.high - self.scale.low)
        with np.errstate(invalid="ignore"):
            return np.clip(t, 0.0, 1.0) * BOX_HEIGHT

    def height(self, f: Array | float) -> Array:
        """f as a height in the box."""
        return self.height_of_u(self.scale.u(f))

    def corners(self) -> Array:
        """The box's eight corners, (8, 3): floor first, counter-clockwise from (-x, -y)."""
        hx, hy = self.half
        floor = np.array([[-hx, -hy], [hx, -hy], [hx, hy], [-hx, hy]])
        return np.vstack(
            [
                np.column_stack([floor, np.zeros(4)]),
                np.column_stack([floor, np.full(4, BOX_HEIGHT)]),
            ]
        )


@dataclass(frozen=True)
class Mesh:
    """The surface ready to upload: vertices ``(n, 3)`` float32 in box coordinates, unit
    normals ``(n, 3)``, colours ``(n, 4)`` uint8 RGBA, and triangles as vertex indices
    ``(m,)`` uint32 — ``triangles`` all of them, ``coarse`` every other row and column's
    (drawn while the picture moves)."""

    vertices: NDArray[np.float32]
    normals: NDArray[np.float32]
    colours: NDArray[np.uint8]
    triangles: NDArray[np.uint32]
    coarse: NDArray[np.uint32]
    xs: Array  # the mesh's own grid, for draping paths over exactly what is drawn
    ys: Array
    heights: Array  # (rows, cols) box heights, nan in holes


def sample_grid(
    xs: Array, ys: Array, z: Array, cells: int = MESH_CELLS
) -> tuple[Array, Array, Array]:
    """The grid thinned to at most ``cells + 1`` points a side, keeping its first and last
    rows and columns (so the surface spans the same range); values stay exact."""
    rows = _pick(len(ys), cells + 1)
    cols = _pick(len(xs), cells + 1)
    return xs[cols], ys[rows], z[np.ix_(rows, cols)]


@cache
def _pick(n: int, most: int) -> NDArray[np.intp]:
    picked = np.arange(n) if n <= most else np.unique(np.round(np.linspace(0, n - 1, most)))
    picked = picked.astype(np.intp)
    picked.flags.writeable = False
    return picked


def build_mesh(xs: Array, ys: Array, u: Array, box: Box, lut: NDArray[np.uint8]) -> Mesh:
    """The surface of ``u`` (f in the box's scale units, ``u[i, j]`` at ``xs[j], ys[i]``)."""
    rows, cols = u.shape
    bx, by = box.floor_xy(xs, ys)
    heights = box.height_of_u(u)
    heights[np.isposinf(u)] = BOX_HEIGHT  # a pole reaches the lid
    heights[np.isneginf(u)] = np.nan  # -inf, as the contour view shows it: no colour, no floor
    hole = ~np.isfinite(heights)
    vertices = np.empty((rows, cols, 3), np.float32)
    vertices[..., 0] = bx[np.newaxis, :]
    vertices[..., 1] = by[:, np.newaxis]
    vertices[..., 2] = np.where(hole, 0.0, heights)
    normals = _normals(bx, by, np.where(hole, np.nan, heights))
    colours = box.scale.colours(u, lut).reshape(rows * cols, 4)
    skirt = _skirt(vertices, colours.reshape(rows, cols, 4), hole, first=rows * cols)
    if hole.any():
        triangles = np.concatenate([_triangles(rows, cols, hole), skirt[3]])
        coarse = np.concatenate([_triangles(rows, cols, hole, stride=2), skirt[3]])
    else:  # the same arrays for every grid of this shape: the renderer uploads them once
        triangles, coarse = _solid(rows, cols, 1), _solid(rows, cols, 2)
    return Mesh(
        np.vstack([vertices.reshape(-1, 3), skirt[0]]),
        np.vstack([normals.reshape(-1, 3), skirt[1]]),
        np.ascontiguousarray(np.vstack([colours, skirt[2]])),
        triangles,
        coarse,
        np.asarray(xs, np.float64),
        np.asarray(ys, np.float64),
        np.where(hole, np.nan, heights),
    )


def _skirt(
    vertices: NDArray[np.float32], colours: NDArray[np.uint8], hole: NDArray[np.bool_], first: int
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.uint8], NDArray[np.uint32]]:
    """Four curtains from the surface's edges down to the floor, so the landscape reads as a
    solid block (without them, a high front edge is a knife's edge and the eye falls through
    under it). Returns their vertices, normals, colours and triangles (indices from
    ``first``)."""
    sides = [
        (vertices[0, :], colours[0, :], hole[0, :], (0.0, -1.0)),  # front: y lowest
        (vertices[-1, ::-1], colours[-1, ::-1], hole[-1, ::-1], (0.0, 1.0)),
        (vertices[::-1, 0], colours[::-1, 0], hole[::-1, 0], (-1.0, 0.0)),
        (vertices[:, -1], colours[:, -1], hole[:, -1], (1.0, 0.0)),
    ]
    parts_v, parts_n, parts_c, parts_t = [], [], [], []
    offset = first
    for top, colour, gap, (nx, ny) in sides:
        n = len(top)
        if n < 2:
            continue
        bottom = top.copy()
        bottom[:, 2] = FLOOR
        parts_v.append(np.vstack([top, bottom]))
        normal = np.zeros((2 * n, 3), np.float32)
        normal[:, 0], normal[:, 1] = nx, ny
        parts_n.append(normal)
        shade = colour.astype(np.float32)
        shade[:, :3] *= SKIRT_SHADE
        parts_c.append(np.vstack([shade, shade]).astype(np.uint8))
        k = np.arange(n - 1)
        quads = np.stack([k, k + 1, n + k, n + k, k + 1, n + k + 1], axis=1)
        quads = quads[~(gap[:-1] | gap[1:])]
        parts_t.append((quads + offset).astype(np.uint32).ravel())
        offset += 2 * n
    if not parts_v:
        return (
            np.empty((0, 3), np.float32),
            np.empty((0, 3), np.float32),
            np.empty((0, 4), np.uint8),
            np.empty(0, np.uint32),
        )
    return (
        np.vstack(parts_v).astype(np.float32),
        np.vstack(parts_n),
        np.vstack(parts_c),
        np.concatenate(parts_t),
    )


def _normals(bx: Array, by: Array, heights: Array) -> NDArray[np.float32]:
    """Unit normals of the height field (central differences; one-sided at the edges and
    beside holes, where a neighbour is missing)."""
    if len(bx) < 2 or len(by) < 2:
        n = np.zeros((*heights.shape, 3), np.float32)
        n[..., 2] = 1.0
        return n
    with np.errstate(invalid="ignore"):
        dx = _slope(heights, bx, axis=1)
        dy = _slope(heights, by, axis=0)
        if not (np.isfinite(dx).all() and np.isfinite(dy).all()):
            dx = np.nan_to_num(dx, nan=0.0, posinf=0.0, neginf=0.0)
            dy = np.nan_to_num(dy, nan=0.0, posinf=0.0, neginf=0.0)
    n = np.empty((*heights.shape, 3), np.float32)
    length = np.sqrt(dx * dx + dy * dy + 1.0)
    n[..., 0] = -dx / length
    n[..., 1] = -dy / length
    n[..., 2] = 1.0 / length
    return n


def _slope(heights: Array, coords: Array, axis: int) -> Array:
    """d(height)/d(coord) along ``axis``: central differences inside, one-sided at the
    edges; beside a hole (nan), the one-sided difference away from it."""
    h = np.moveaxis(heights, axis, -1)
    step = np.diff(coords)
    forward = np.diff(h, axis=-1) / step  # between neighbours, (…, n - 1)
    ahead = np.concatenate([forward, np.full((*h.shape[:-1], 1), np.nan)], axis=-1)
    behind = np.concatenate([np.full((*h.shape[:-1], 1), np.nan), forward], axis=-1)
    both = 0.5 * (ahead + behind)
    d = np.where(np.isfinite(both), both, np.where(np.isfinite(ahead), ahead, behind))
    return np.moveaxis(d, -1, axis)


def _triangles(
    rows: int, cols: int, hole: NDArray[np.bool_], stride: int = 1
) -> NDArray[np.uint32]:
    """Two triangles per cell of the (``stride``-thinned) grid, leaving out those touching a
    hole. Cell (i, j) is split along the diagonal from (i, j + 1) to (i + 1, j)."""
    tris = _all_triangles(rows, cols, stride)
    if not hole.any():
        return tris  # the same array for the same grid: the renderer uploads it once
    triples = tris.reshape(-1, 3)
    return np.ascontiguousarray(triples[~hole.ravel()[triples].any(axis=1)].ravel())


@cache
def _solid(rows: int, cols: int, stride: int) -> NDArray[np.uint32]:
    """Every triangle of a grid without holes, the skirt's included."""
    none = np.zeros((rows, cols), bool)
    skirt = _skirt(
        np.zeros((rows, cols, 3), np.float32),
        np.zeros((rows, cols, 4), np.uint8),
        none,
        rows * cols,
    )
    tris = np.concatenate([_all_triangles(rows, cols, stride), skirt[3]])
    tris.flags.writeable = False
    return tris


@cache
def _all_triangles(rows: int, cols: int, stride: int) -> NDArray[np.uint32]:
    r = _stride(rows, stride)
    c = _stride(cols, stride)
    if len(r) < 2 or len(c) < 2:
        return np.empty(0, np.uint32)
    index = (r[:, np.newaxis] * cols + c[np.newaxis, :]).astype(np.uint32)
    a, b = index[:-1, :-1], index[:-1, 1:]
    cc, d = index[1:, :-1], index[1:, 1:]
    tris = np.ascontiguousarray(np.stack([a, b, cc, cc, b, d], axis=-1).ravel())
    tris.flags.writeable = False
    return tris


def _stride(n: int, stride: int) -> NDArray[np.intp]:
    picked = np.arange(0, n, stride)
    if picked[-1] != n - 1:
        picked = np.append(picked, n - 1)
    return picked


def surface_height(mesh: Mesh, x: Array, y: Array) -> Array:
    """The drawn surface's height at data points ``x, y``: on the very triangles drawn (so a
    path laid on it neither sinks into a face nor floats); nan off the grid or in a hole."""
    xs, ys, h = mesh.xs, mesh.ys, mesh.heights
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    out = np.full(x.shape, np.nan)
    if len(xs) < 2 or len(ys) < 2:
        return out
    inside = (x >= xs[0]) & (x <= xs[-1]) & (y >= ys[0]) & (y <= ys[-1])
    if not inside.any():
        return out
    xi, yi = x[inside], y[inside]
    j = np.clip(np.searchsorted(xs, xi, side="right") - 1, 0, len(xs) - 2)
    i = np.clip(np.searchsorted(ys, yi, side="right") - 1, 0, len(ys) - 2)
    s = (xi - xs[j]) / (xs[j + 1] - xs[j])
    t = (yi - ys[i]) / (ys[i + 1] - ys[i])
    za, zb = h[i, j], h[i, j + 1]
    zc, zd = h[i + 1, j], h[i + 1, j + 1]
    lower = s + t <= 1.0
    out[inside] = np.where(
        lower,
        za + s * (zb - za) + t * (zc - za),
        zd + (1.0 - s) * (zc - zd) + (1.0 - t) * (zb - zd),
    )
    return out


def drape(mesh: Mesh, points: Array) -> tuple[Array, NDArray[np.intp]]:
    """A path of data points ``(n, 2)`` laid over the drawn surface: each step's straight
    line (as the contour view draws it) cut into pieces of at most half a cell, each piece's
    ends on the surface. Returns the vertices ``(m, 2)`` in data units and, for every step
    ``k``, the index of its point among them (``index[k]``)."""
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    n = len(pts)
    if n == 0:
        return np.empty((0, 2)), np.empty(0, np.intp)
    if n == 1 or len(mesh.xs) < 2 or len(mesh.ys) < 2:
        return pts.copy(), np.arange(n)
    cell = np.array([np.min(np.diff(mesh.xs)), np.min(np.diff(mesh.ys))])
    with np.errstate(invalid="ignore", over="ignore"):
        delta = np.diff(pts, axis=0)
        pieces = np.ceil(np.max(np.abs(delta) / (0.5 * cell), axis=1))
    # A step that jumps far outside the view (a diverging run) is not cut: it is not drawn.
    pieces = np.where(np.isfinite(pieces), np.clip(pieces, 1, 4 * MESH_CELLS), 1).astype(np.intp)
    index = np.concatenate([[0], np.cumsum(pieces)])
    frac = np.arange(index[-1], dtype=np.float64)
    segment = np.repeat(np.arange(n - 1), pieces)
    frac = (frac - index[segment]) / pieces[segment]
    out = np.empty((index[-1] + 1, 2))
    out[:-1] = pts[segment] + frac[:, np.newaxis] * delta[segment]
    out[-1] = pts[-1]
    return out, index


def nice_ticks(low: float, high: float, count: int = 5) -> Array:
    """Round values (1, 2, 2.5, 5 × 10^k apart) inside ``[low, high]``, about ``count``."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return np.empty(0)
    step = _round_step((high - low) / max(count, 1))
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    ticks: Array = np.arange(first, last + 1, dtype=np.float64) * step
    ticks[np.abs(ticks) < step * 1e-9] = 0.0
    return ticks


def f_ticks(scale: ColourScale) -> list[tuple[float, str]]:
    """Height ticks as ``(u, text)``: round values of f, labelled in f (a log scale's are
    the colour bar's own)."""
    if scale.log:
        return scale.ticks()
    return [(float(u), format_value(float(u))) for u in nice_ticks(scale.low, scale.high)]
