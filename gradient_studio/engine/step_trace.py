"""One step of a run written out statement by statement, in the order the engine runs
them: the training tools' transforms of the gradient (noise, then clipping), the
optimiser's rule per coordinate (or jointly, for Newton), and the update of the point as
one line — each statement with the numbers put in (:func:`~gradient_studio.engine.rule_text.trace`).
The step inspector (:mod:`~gradient_studio.engine.inspector`) shows what this traces.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradient_studio.engine.kernel import OptimizerSpec
from gradient_studio.engine.rule_text import ARRAY_FUNCTIONS, Line, trace
from gradient_studio.engine.transforms import Training

Pair = tuple[float, float]
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
# How the inspector names the transforms' numbers (their text lives in transforms.py).
TRANSFORM_SYMBOLS = {"clip_value": "c", "max_norm": "c", "norm": "‖g‖", "coef": "r", "scale": "s"}
TRANSFORM_LABELS = {"norm": "norm of g", "coef": "clip ratio", "scale": "scale"}


class StepTrace:
    """The statements of one step, traced in the order the engine runs them."""

    def __init__(
        self, values: dict[str, Any], symbols: dict[str, str], labels: dict[str, str], k: int
    ) -> None:
        self.values, self.symbols, self.labels, self.k = values, symbols, labels, k
        self.shown = {"x": "∂f/∂x", "y": "∂f/∂y"}  # how g is written: raw or transformed
        self.rule_lines: list[tuple[Line, ...]] = []
        self.point_lines: list[Line] = []

    def transforms(
        self, training: Training, g: Pair, norm: float, noise: Pair | None
    ) -> tuple[list[Line], Pair]:
        """Noise, then clipping: the lines and the gradient the rule is given."""
        current = {"x": np.float64(g[0]), "y": np.float64(g[1])}
        symbols = {**self.symbols, **TRANSFORM_SYMBOLS}
        labels = {**self.labels, **TRANSFORM_LABELS}
        lines: list[Line] = []
        for i, rule in enumerate(training.rules):
            if rule.per_coord:
                for axis, c in (("x", 0), ("y", 1)):
                    ξ = np.float64(noise[c]) if noise is not None else np.float64(0.0)
                    env = {**self.values, "g": current[axis], "noise": ξ}
                    s = {**symbols, "g": self.shown[axis], "noise": f"ξ_{axis}"}
                    lines += trace(
                        rule.per_coord, env, ARRAY_FUNCTIONS, s, labels, {"g": f"g_{axis}"}
                    )
                    current[axis] = env["g"]
            else:
                gx, gy = current["x"], current["y"]
                # the first transform gets ‖∇f‖ as the runner computed it; a later one the
                # norm of the gradient as the earlier ones left it
                n = np.float64(norm) if i == 0 else np.sqrt(gx * gx + gy * gy)
                env = {**self.values, "gx": gx, "gy": gy, "norm": n}
                s = {**symbols, "gx": self.shown["x"], "gy": self.shown["y"]}
                lines += trace(
                    rule.joint, env, ARRAY_FUNCTIONS, s, labels, {"gx": "g_x", "gy": "g_y"}
                )
                current["x"], current["y"] = env["gx"], env["gy"]
            self.shown = {"x": "g_x", "y": "g_y"}
        return lines, (float(current["x"]), float(current["y"]))

    def per_coord(
        self, spec: OptimizerSpec, state: Mapping[str, Any], g: Pair, p: Pair
    ) -> dict[str, Any]:
        """Each coordinate's statements; the state after, per coordinate."""
        after: dict[str, list[float]] = {n: [] for n, _ in spec.state}
        for axis, c in (("x", 0), ("y", 1)):
            env = {**self.values, **{n: np.float64(v[c]) for n, v in state.items()}}
            env.update(g=np.float64(g[c]), p=np.float64(p[c]))
            s = {**self.symbols, "g": self.shown[axis], "p": subscripted(axis, self.k)}
            lines = trace(spec.per_coord, env, ARRAY_FUNCTIONS, s, self.labels)
            u = [line for line in lines if line.target == "u"][-1]
            self.rule_lines.append(tuple(line for line in lines if line.target != "u"))
            self._point(axis, u, "p", p[c])
            for n in after:
                after[n].append(float(env[n]))
        return {n: (v[0], v[1]) for n, v in after.items()}

    def joint(
        self,
        spec: OptimizerSpec,
        state: Mapping[str, Any],
        g: Pair,
        p: Pair,
        hessian: tuple[Pair, Pair] | None,
    ) -> dict[str, Any]:
        """A rule coupling the coordinates (Newton): its statements; the state after."""
        (hxx, hxy), (_, hyy) = hessian or ((0.0, 0.0), (0.0, 0.0))
        numbers = {
            "gx": g[0],
            "gy": g[1],
            "px": p[0],
            "py": p[1],
            "hxx": hxx,
            "hxy": hxy,
            "hyy": hyy,
        }
        env = {**self.values, **{n: np.float64(v) for n, v in {**state, **numbers}.items()}}
        s = {
            **self.symbols,
            "gx": self.shown["x"],
            "gy": self.shown["y"],
            "px": subscripted("x", self.k),
            "py": subscripted("y", self.k),
            "hxx": "∂²f/∂x²",
            "hxy": "∂²f/∂x∂y",
            "hyy": "∂²f/∂y²",
        }
        lines = trace(spec.joint, env, ARRAY_FUNCTIONS, s, self.labels)
        updates = {line.target: line for line in lines if line.target in ("ux", "uy")}
        self.rule_lines.append(tuple(line for line in lines if line.target not in updates))
        self._point("x", updates["ux"], "px", p[0])
        self._point("y", updates["uy"], "py", p[1])
        return {n: float(env[n]) for n, _ in spec.state}

    def _point(self, axis: str, u: Line, name: str, p: float) -> None:
        before, after = subscripted(axis, self.k), subscripted(axis, self.k + 1)
        self.point_lines.append(_point_line(u, name, p, before, after))


def _point_line(u: Line, p_name: str, p: float, before: str, after: str) -> Line:
    """``x₁₂ = x₁₁ + u`` with u's own expression: the update as one line, its minus sign
    written as a subtraction (exact: see ``rule_text.strip_minus``)."""
    expression = ast.BinOp(ast.Name(p_name, ast.Load()), ast.Add(), u.expression)
    operands = {**dict(u.operands), p_name: p}
    value = float(np.float64(p) + np.float64(u.value))
    shown = {**dict(u.symbols), p_name: before}
    return Line("next", after, expression, tuple(operands.items()), value, tuple(shown.items()))


def subscripted(name: str, k: int) -> str:
    """``x`` at step 12 as ``x₁₂``."""
    return name + str(k).translate(_SUBSCRIPTS)
