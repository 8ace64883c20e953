"""Curvature at a point: the Hessian's eigen-data and what it says about a step.

Near a point x, f looks like its quadratic model f(x) + gᵀd + ½ dᵀHd (g = ∇f, H the
Hessian). The eigenvalues λ₁ ≤ λ₂ of H are how strongly f curves along the two eigenvector
directions; from them:

* the **kind of point**: a bowl (λ₁ > 0, like a minimum), a saddle (λ₁ < 0 < λ₂), a dome
  (λ₂ < 0, like a maximum), or flat along one direction or both;
* the **condition number** κ = max|λ| / min|λ| (for a bowl λ₂/λ₁): how stretched the bowl is,
  and so how much plain gradient descent zig-zags;
* the **stability edge** 2/λ₂: along the steepest direction a gradient step with learning
  rate η multiplies the distance to the bottom by (1 − ηλ₂), so above 2/λ₂ it overshoots
  further each step;
* three **steps** from the point: the gradient step −η∇f, the best step along −∇f
  (ε* = gᵀg / gᵀHg, the bottom of the parabola along that line) and Newton's step −H⁻¹∇f
  (the centre of the quadratic model).

For a symmetric 2×2 matrix the eigen-data have a closed form, a few microseconds in plain
floats; ``tests/benchmarks/bench_inspect.py`` sets it beside ``numpy.linalg.eigh``. The
geometry a scene draws — the model's ellipse, a saddle's asymptotes — comes back as plain
numbers and NaN-separated polylines, nothing Qt.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from gradient_studio.engine.kernel import Array
from gradient_studio.engine.objective import Objective
from gradient_studio.engine.rule_text import number

Pair = tuple[float, float]
Matrix = tuple[Pair, Pair]
ZERO = 1e-12  # an eigenvalue this small against the other counts as zero


class PointKind(StrEnum):
    """What the curvature at a point looks like."""

    BOWL = "bowl"  # curves up in every direction: like a minimum
    SADDLE = "saddle"  # up one way, down the other
    DOME = "dome"  # curves down in every direction: like a maximum
    TROUGH = "trough"  # flat one way, curving up the other
    RIDGE = "ridge"  # flat one way, curving down the other
    FLAT = "flat"  # no curvature at all

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    PointKind.BOWL: "a bowl: f curves up in every direction, like near a minimum",
    PointKind.SADDLE: "a saddle: f curves up along one direction and down along the other",
    PointKind.DOME: "a dome: f curves down in every direction, like near a maximum",
    PointKind.TROUGH: "a trough: f is flat along one direction and curves up across it",
    PointKind.RIDGE: "a ridge: f is flat along one direction and curves down across it",
    PointKind.FLAT: "flat: f does not curve here at all",
}


@dataclass(frozen=True)
class Ellipse:
    """An ellipse as plain geometry: its centre, the unit directions of its two axes and
    the semi-axis lengths along them."""

    centre: Pair
    axes: Matrix  # (first direction, second direction)
    radii: Pair

    def polyline(self, segments: int = 64) -> Array:
        """The closed curve as ``(segments + 1, 2)`` points."""
        s = np.linspace(0.0, 2.0 * math.pi, segments + 1)
        (ux, uy), (vx, vy) = self.axes
        a, b = self.radii
        out = np.empty((segments + 1, 2))
        out[:, 0] = self.centre[0] + a * np.cos(s) * ux + b * np.sin(s) * vx
        out[:, 1] = self.centre[1] + a * np.cos(s) * uy + b * np.sin(s) * vy
        return out


@dataclass(frozen=True)
class Curvature:
    """f, ∇f and the Hessian at ``point``, with the Hessian's eigen-data.

    ``eigenvectors`` holds the unit eigenvectors as columns, matching ``eigenvalues``
    (ascending): ``eigenvectors[0][i], eigenvectors[1][i]`` goes with ``eigenvalues[i]``."""

    point: Pair
    f: float
    gradient: Pair
    hessian: Matrix
    eigenvalues: Pair
    eigenvectors: Matrix

    @property
    def defined(self) -> bool:
        """Whether f, ∇f and the Hessian are all finite here (inside the domain)."""
        numbers = (self.f, *self.gradient, *self.hessian[0], *self.hessian[1])
        return all(math.isfinite(v) for v in numbers)

    def direction(self, i: int) -> Pair:
        """The unit eigenvector of eigenvalue ``i`` (0: λ₁, 1: λ₂)."""
        return (self.eigenvectors[0][i], self.eigenvectors[1][i])

    def _zero(self, v: float) -> bool:
        scale = max(abs(self.eigenvalues[0]), abs(self.eigenvalues[1]))
        return abs(v) <= ZERO * scale

    @property
    def kind(self) -> PointKind:
        l1, l2 = self.eigenvalues
        if l1 == 0 == l2 or (self._zero(l1) and self._zero(l2)):
            return PointKind.FLAT
        if self._zero(l1):
            return PointKind.TROUGH
        if self._zero(l2):
            return PointKind.RIDGE
        if l1 > 0:
            return PointKind.BOWL
        return PointKind.DOME if l2 < 0 else PointKind.SADDLE

    @property
    def condition_number(self) -> float | None:
        """κ = max|λ| / min|λ| (λ₂/λ₁ for a bowl); None where an eigenvalue is zero."""
        small, large = sorted(abs(v) for v in self.eigenvalues)
        if small == 0 or self._zero(small):
            return None
        return large / small

    @property
    def stable_lr(self) -> float | None:
        """2/λ₂, the learning rate above which gradient descent overshoots further each
        step along the steepest direction; None where f does not curve up at all."""
        l2 = self.eigenvalues[1]
        if l2 <= 0 or self._zero(l2):
            return None
        return 2.0 / l2

    @property
    def stability(self) -> str:
        """The stability edge in a sentence."""
        edge = self.stable_lr
        if edge is None:
            return (
                "f curves up in no direction here: no learning rate overshoots a bottom, "
                "since there is none nearby"
            )
        return f"gradient descent with a learning rate above {_short(edge)} is unstable here"

    def gradient_step(self, lr: float) -> Pair:
        """The plain gradient step −η∇f."""
        return (-lr * self.gradient[0], -lr * self.gradient[1])

    @property
    def best_rate(self) -> float | None:
        """ε* = gᵀg / gᵀHg: the learning rate whose step lands at the bottom of the
        parabola along −∇f. None where the gradient is zero or f does not curve up along
        it (gᵀHg ≤ 0: the model falls without end that way)."""
        gx, gy = self.gradient
        (hxx, hxy), (_, hyy) = self.hessian
        gg = gx * gx + gy * gy
        ghg = gx * (hxx * gx + hxy * gy) + gy * (hxy * gx + hyy * gy)
        if gg == 0 or not ghg > 0:
            return None
        return gg / ghg

    @property
    def best_step(self) -> Pair | None:
        """The step −ε*∇f, or None (see :attr:`best_rate`)."""
        rate = self.best_rate
        return None if rate is None else self.gradient_step(rate)

    @property
    def best_step_note(self) -> str:
        rate = self.best_rate
        if rate is not None:
            return f"the best step along −∇f has learning rate ε* = gᵀg/gᵀHg = {_short(rate)}"
        if self.gradient == (0.0, 0.0):
            return "the gradient is zero here: there is no downhill direction to step along"
        return (
            "along −∇f f curves down (gᵀHg ≤ 0): the quadratic model falls without end that "
            "way, so no step length is best"
        )

    @property
    def newton_step(self) -> Pair | None:
        """−H⁻¹∇f, the step to the centre of the quadratic model; None where H is singular."""
        (hxx, hxy), (_, hyy) = self.hessian
        det = hxx * hyy - hxy * hxy
        scale = max(abs(self.eigenvalues[0]), abs(self.eigenvalues[1]))
        if det == 0 or abs(det) <= ZERO * scale * scale:
            return None
        gx, gy = self.gradient
        return (-(hyy * gx - hxy * gy) / det, -(hxx * gy - hxy * gx) / det)

    @property
    def newton_note(self) -> str:
        if self.newton_step is None:
            return "the Hessian is singular here: Newton's step is not defined"
        return {
            PointKind.BOWL: "Newton's step jumps to the bottom of the local bowl",
            PointKind.SADDLE: "Newton's step jumps to the saddle point of the local model: "
            "towards the saddle, not downhill",
            PointKind.DOME: "Newton's step jumps to the top of the local dome: uphill",
        }.get(self.kind, "Newton's step jumps to the centre of the local model")

    def ellipse(self, level: float) -> Ellipse | None:
        """The curve ½ dᵀHd = ±level around the point (the shape of the local bowl or
        dome: long where f curves gently), or None unless the point is a bowl or a dome."""
        if self.kind not in (PointKind.BOWL, PointKind.DOME) or not level > 0:
            return None
        l1, l2 = (abs(v) for v in self.eigenvalues)
        radii = (math.sqrt(2 * level / l1), math.sqrt(2 * level / l2))
        return Ellipse(self.point, (self.direction(0), self.direction(1)), radii)

    def model_ellipse(self) -> Ellipse | None:
        """The level curve of the quadratic model through the point, around the model's
        centre (where Newton's step lands): the gradient is at right angles to it here."""
        step = self.newton_step
        shape = self.ellipse(1.0)
        if step is None or shape is None:
            return None
        # model(x + d) = const + ½ (d − n)ᵀH(d − n): the point (d = 0) sits at level ½ nᵀHn
        (hxx, hxy), (_, hyy) = self.hessian
        nx, ny = step
        level = abs(0.5 * (nx * (hxx * nx + hxy * ny) + ny * (hxy * nx + hyy * ny)))
        if level == 0:
            return None
        centre = (self.point[0] + nx, self.point[1] + ny)
        radii = (shape.radii[0] * math.sqrt(level), shape.radii[1] * math.sqrt(level))
        return Ellipse(centre, shape.axes, radii)

    def asymptotes(self) -> Matrix | None:
        """A saddle's two directions along which f does not curve (dᵀHd = 0), as unit
        vectors; None for any other kind of point."""
        if self.kind is not PointKind.SADDLE:
            return None
        l1, l2 = self.eigenvalues
        a, b = math.sqrt(l2), math.sqrt(-l1)
        norm = math.hypot(a, b)
        (v1x, v1y), (v2x, v2y) = self.direction(0), self.direction(1)
        plus = ((a * v1x + b * v2x) / norm, (a * v1y + b * v2y) / norm)
        minus = ((a * v1x - b * v2x) / norm, (a * v1y - b * v2y) / norm)
        return (plus, minus)

    def glyph(self, size: float, segments: int = 64) -> Array:
        """What a scene draws for the curvature at the point, at most ``size`` from it, as
        one NaN-separated ``(m, 2)`` polyline: a bowl's or dome's ellipse (long axis
        ``size``), a saddle's asymptotes, a trough's or ridge's flat direction; nothing
        (shape ``(0, 2)``) where f is flat or undefined."""
        if not self.defined:
            return np.empty((0, 2))
        kind = self.kind
        if kind in (PointKind.BOWL, PointKind.DOME):
            gentle = min(abs(v) for v in self.eigenvalues)
            ellipse = self.ellipse(gentle * size * size / 2)  # the long radius √(2L/|λ|min) = size
            assert ellipse is not None
            return ellipse.polyline(segments)
        directions: tuple[Pair, ...]
        if kind is PointKind.SADDLE:
            asymptotes = self.asymptotes()
            assert asymptotes is not None
            directions = asymptotes
        elif kind in (PointKind.TROUGH, PointKind.RIDGE):
            flat = 0 if kind is PointKind.TROUGH else 1
            directions = (self.direction(flat),)
        else:
            return np.empty((0, 2))
        x, y = self.point
        rows = []
        for dx, dy in directions:
            rows += [
                (x - size * dx, y - size * dy),
                (x + size * dx, y + size * dy),
                (math.nan,) * 2,
            ]
        return np.array(rows[:-1])

    def to_dict(self) -> dict[str, Any]:
        """The numbers as JSON takes them: ``f``, ``gradient``, ``hessian``, ``eigenvalues``
        (ascending), ``eigenvectors`` (as columns), ``condition_number`` and ``stable_lr``
        (None where undefined)."""
        return {
            "f": self.f,
            "gradient": list(self.gradient),
            "hessian": [list(row) for row in self.hessian],
            "eigenvalues": list(self.eigenvalues),
            "eigenvectors": [list(row) for row in self.eigenvectors],
            "condition_number": self.condition_number,
            "stable_lr": self.stable_lr,
        }

    def describe(self, digits: int = 6) -> str:
        """A block of text a student can read: the numbers, then what they mean here."""
        n = functools.partial(number, digits=digits)
        (hxx, hxy), (_, hyy) = self.hessian
        (l1, l2), kappa, edge = self.eigenvalues, self.condition_number, self.stable_lr
        v1, v2 = self.direction(0), self.direction(1)
        lines = [
            f"at (x, y) = ({n(self.point[0])}, {n(self.point[1])})",
            f"f = {n(self.f)}",
            f"gradient ∇f = (∂f/∂x, ∂f/∂y) = ({n(self.gradient[0])}, {n(self.gradient[1])}),"
            f" ‖∇f‖ = {n(math.hypot(*self.gradient))}",
            f"Hessian H = [[{n(hxx)}, {n(hxy)}], [{n(hxy)}, {n(hyy)}]]",
            f"eigenvalues λ₁ = {n(l1)}, λ₂ = {n(l2)}",
            f"eigenvectors v₁ = ({n(v1[0])}, {n(v1[1])}), v₂ = ({n(v2[0])}, {n(v2[1])})",
            "condition number κ = "
            + ("undefined (an eigenvalue is 0)" if kappa is None else n(kappa)),
            "stability edge 2/λ₂ = " + ("none (λ₂ ≤ 0)" if edge is None else n(edge)),
            "",
            f"The point is {self.kind.description}.",
            f"{self.stability[0].upper()}{self.stability[1:]}.",
        ]
        if kappa is not None and self.kind is PointKind.BOWL and kappa >= 10:
            lines.append(
                f"The bowl is about {_short(math.sqrt(kappa))} times longer than it is wide "
                "(√κ): gradient descent "
                "zig-zags across it while it crawls along it."
            )
        lines.append(f"{self.best_step_note[0].upper()}{self.best_step_note[1:]}.")
        step = self.newton_step
        if step is not None:
            rest = self.newton_note.removeprefix("Newton's step ")
            lines.append(f"Newton's step −H⁻¹∇f = ({n(step[0])}, {n(step[1])}) {rest}.")
        else:
            lines.append(f"{self.newton_note[0].upper()}{self.newton_note[1:]}.")
        return "\n".join(lines)


def eigen(hessian: Matrix) -> tuple[Pair, Matrix]:
    """Eigenvalues (ascending) and unit eigenvectors (as columns) of a symmetric 2×2
    matrix, in closed form. The smaller eigenvalue in size comes from det = λ₁λ₂, so it
    keeps its digits when the two differ by many orders (Rosenbrock's valley)."""
    (a, b), (_, c) = hessian
    mean, half = (a + c) / 2, (a - c) / 2
    r = math.hypot(half, b)
    det = a * c - b * b
    if mean >= 0:
        l2 = mean + r
        l1 = min(det / l2, l2) if l2 != 0 else mean - r  # equal ones may round apart
    else:
        l1 = mean - r
        l2 = max(det / l1, l1)
    theta = 0.5 * math.atan2(2 * b, a - c)  # the direction of the larger eigenvalue
    cos, sin = (0.0 if abs(v) < 1e-15 else v for v in (math.cos(theta), math.sin(theta)))
    return (l1, l2), ((0.0 - sin, cos), (cos, sin))  # 0.0 − 0.0 is +0, not −0


def curvature_at(objective: Objective, point: Pair) -> Curvature:
    """f, ∇f, the Hessian and its eigen-data at ``point``."""
    x, y = float(point[0]), float(point[1])
    f, g = objective.value_and_gradient(x, y)
    h = objective.hessian(x, y)
    hessian = ((float(h[0, 0]), float(h[0, 1])), (float(h[0, 1]), float(h[1, 1])))
    finite = all(math.isfinite(v) for v in (*hessian[0], hessian[1][1]))
    if finite:
        values, vectors = eigen(hessian)
    else:
        values, vectors = (math.nan, math.nan), ((math.nan, math.nan), (math.nan, math.nan))
    return Curvature((x, y), float(f), (float(g[0]), float(g[1])), hessian, values, vectors)


def _short(v: float) -> str:
    """A number in a sentence, with two significant digits: 0.0097, 2.5e-05."""
    text = f"{v:.2g}"
    return text.replace("e-0", "e-").replace("e+0", "e")
