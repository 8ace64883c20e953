"""Straight-line Python for a handful of start points.

For one start, numpy's per-call overhead (a microsecond a ufunc) costs more than the
arithmetic: a thousand Adam steps take ~14 ms as array code. Here the objective's value and
gradient (printed from the same sympy tree, with common subexpressions shared) and the
optimiser's own rule text (see :mod:`gradient_studio.engine.kernel`, inlined once per
coordinate) become one generated loop over plain floats, ~50x faster.

The generated source is built only from our sympy printer's output and our rule text: the
parameters' names are replaced by ``_p0, _p1, …`` and every value arrives as an argument.

The loop breaks at the first step whose value, gradient or point is not finite, whose point
leaves the ±1e8 box or whose squared gradient norm is under the squared tolerance; the
runner classifies that step exactly as it does for the batch path. Where Python's ``math``
raises (``log(-1)``, ``exp(1000)``, ``1/0``), the runner redoes that start with numpy,
which answers quietly.
"""

from __future__ import annotations

import ast
import math
from array import array
from collections.abc import Callable
from typing import Any

from gradient_studio.engine import codegen
from gradient_studio.engine.kernel import OptimizerSpec, state_names
from gradient_studio.engine.objective import Derivatives
from gradient_studio.engine.transforms import TransformRule

# (x, y, f, |grad|² per evaluated step, the state after, the point after)
ScalarRun = Callable[
    ...,
    tuple[
        "array[float]", "array[float]", "array[float]", "array[float]", list[float], float, float
    ],
]


def _clip(v: float, low: float, high: float) -> float:
    return min(max(v, low), high)


_NAMESPACE: dict[str, Any] = {
    "_doubles": lambda: array("d"),  # numpy reads these without a copy (np.frombuffer)
    **codegen.MATH_NAMESPACE,
    "math": math,
    "math_sqrt": math.sqrt,
    "sqrt": math.sqrt,
    "sign": codegen.MATH_NAMESPACE["_sign"],
    "clip": _clip,
    "maximum": max,
    "minimum": min,
    "inf": math.inf,
}


def _simple(node: ast.expr) -> bool:
    return isinstance(node, ast.Name | ast.Constant) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Name | ast.Constant)
    )


def _if(test: ast.expr, body: ast.expr, orelse: ast.expr) -> ast.IfExp:
    return ast.IfExp(test=test, body=body, orelse=orelse)


def _less(a: ast.expr, b: ast.expr) -> ast.Compare:
    return ast.Compare(left=a, ops=[ast.Lt()], comparators=[b])


class _Inline(ast.NodeTransformer):
    """Rename per-coordinate names for one coordinate; ``where`` becomes ``a if c else b``,
    and ``clip``, ``minimum`` and ``maximum`` of plain names and numbers become the same
    comparisons as Python's ``min``/``max`` without the call (for finite numbers, which is
    all a step sees, these equal numpy's)."""

    def __init__(self, renames: dict[str, str]) -> None:
        self.renames = renames

    def visit_Name(self, node: ast.Name) -> ast.Name:
        new = self.renames.get(node.id, node.id)
        return ast.copy_location(ast.Name(new, node.ctx), node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        if not isinstance(node.func, ast.Name):
            return node
        name, args = node.func.id, node.args
        if name == "where":
            cond, a, b = args
            return ast.copy_location(_if(cond, a, b), node)
        if not all(_simple(a) for a in args):
            return node
        if name == "minimum":  # min(a, b): b if b < a else a
            a, b = args
            return ast.copy_location(_if(_less(b, a), b, a), node)
        if name == "maximum":  # max(a, b): b if a < b else a
            a, b = args
            return ast.copy_location(_if(_less(a, b), b, a), node)
        if name == "clip":  # min(max(v, low), high), for low <= high
            v, low, high = args
            return ast.copy_location(_if(_less(high, v), high, _if(_less(v, low), low, v)), node)
        return node


def _statements(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


def inline(text: str, renames: dict[str, str]) -> list[str]:
    tree = _Inline(renames).visit(ast.parse("\n".join(_statements(text))))
    return ast.unparse(ast.fix_missing_locations(tree)).splitlines()


def _assigned(text: str) -> set[str]:
    tree = ast.parse("\n".join(_statements(text)))
    return {
        t.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign | ast.AugAssign)
        for t in ([node.target] if isinstance(node, ast.AugAssign) else node.targets)
        if isinstance(t, ast.Name)
    }


def _per_coord(text: str, local: set[str], prefix: str = "") -> list[str]:
    """``text`` once per coordinate: ``g``, ``p``, ``u`` and the names in ``local`` get
    the coordinate's suffix, and the names ``text`` assigns also ``prefix`` (a transform's
    scratch names stay its own)."""
    scratch = _assigned(text) - {"g", "p", "u"}
    lines = []
    for c in "xy":
        renames = {name: f"{name}_{c}" for name in local}
        renames.update({name: f"{prefix}{name}_{c}" for name in scratch})
        renames.update({"g": f"g{c}", "p": f"p{c}", "u": f"u{c}"})
        lines += inline(text, renames)
    return lines


def per_coord_lines(spec: OptimizerSpec) -> list[str]:
    return _per_coord(spec.per_coord, set(state_names(spec)))


def transform_lines(rules: tuple[TransformRule, ...]) -> list[str]:
    """The gradient transforms, in order, on ``gx, gy``; ``n2`` is ‖g‖² as evaluated."""
    lines: list[str] = []
    for i, rule in enumerate(rules):
        prefix = f"_t{i}"
        if rule.per_coord:
            lines += _per_coord(rule.per_coord, set(rule.data), prefix + "_")
        else:
            norm = "math_sqrt(n2)" if i == 0 else "math_sqrt(gx * gx + gy * gy)"
            scratch = _assigned(rule.joint) - {"gx", "gy"}
            lines.append(f"{prefix}_norm = {norm}")
            renames = {name: f"{prefix}_{name}" for name in scratch | {"norm"}}
            lines += inline(rule.joint, renames)
    return lines


def objective_lines(derivatives: Derivatives, hessian: bool) -> list[str]:
    """f, ∇f (and the Hessian) at ``px, py`` as ``fv, gx, gy`` (``hxx, hxy, hyy``): printed
    in the same two groups as the numpy code (value and gradient, then the Hessian), so
    that their common subexpressions, and so every rounding, are the same."""
    own = getattr(derivatives, "scalar_lines", None)  # a loss over data rows (engine/models)
    if own is not None:
        lines: list[str] = own(hessian)
        return lines
    names = {"_x": "px", "_y": "py", **{p: p for p in derivatives.parameter_names}}
    out = codegen.lines(
        [derivatives.value, *derivatives.gradient],
        ["fv", "gx", "gy"],
        codegen.Printer(names, "math"),
    )
    if hessian:
        out += codegen.lines(
            list(derivatives.hessian), ["hxx", "hxy", "hyy"], codegen.Printer(names, "math"), "_k"
        )
    return out


class _Hoist(ast.NodeTransformer):
    """Lift arithmetic on hyperparameters alone (``1 - beta1``) out of the loop: the same
    operations on the same numbers, done once instead of every step. (With step-wide
    names as ``constants``: out of the two coordinates' lines, done once a step.)"""

    def __init__(self, constants: set[str], prefix: str = "_h") -> None:
        self.constants = constants
        self.prefix = prefix
        self.lifted: dict[str, str] = {}

    def _invariant(self, node: ast.AST) -> bool:
        return all(
            isinstance(n, ast.BinOp | ast.UnaryOp | ast.Constant | ast.operator | ast.unaryop)
            or (isinstance(n, ast.Name) and n.id in self.constants)
            or isinstance(n, ast.expr_context)
            for n in ast.walk(node)
        )

    def _lift(self, node: ast.expr) -> ast.AST:
        if self._invariant(node) and not isinstance(node, ast.Constant | ast.Name):
            text = ast.unparse(node)
            name = self.lifted.setdefault(text, f"{self.prefix}{len(self.lifted)}")
            return ast.copy_location(ast.Name(name, ast.Load()), node)
        return self.generic_visit(node)

    visit_BinOp = _lift
    visit_UnaryOp = _lift


def _hoisted(
    lines: list[str], constants: set[str], prefix: str = "_h"
) -> tuple[list[str], list[str]]:
    hoist = _Hoist(constants, prefix)
    tree = ast.fix_missing_locations(hoist.visit(ast.parse("\n".join(lines))))
    before = [f"{name} = {text}" for text, name in hoist.lifted.items()]
    return before, ast.unparse(tree).splitlines() if lines else []


class _Localise(ast.NodeTransformer):
    """Inside the loop, read the namespace's functions and numbers (``sqrt``, ``inf``,
    ``math.cos``) from locals bound once before it: a local is read in one step, a
    global or an attribute in two or three."""

    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.bound: dict[str, ast.expr] = {}

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if isinstance(node.ctx, ast.Load) and node.id in self.names:
            local = f"_l_{node.id}"
            self.bound[local] = ast.Name(node.id, ast.Load())
            return ast.copy_location(ast.Name(local, ast.Load()), node)
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if isinstance(node.value, ast.Name) and node.value.id == "math":
            local = f"_m_{node.attr}"
            self.bound[local] = ast.Attribute(ast.Name("math", ast.Load()), node.attr, ast.Load())
            return ast.copy_location(ast.Name(local, ast.Load()), node)
        return self.generic_visit(node)


def _localised(text: str) -> str:
    """``text`` (one function) with the loop's global reads bound to locals before it."""
    tree = ast.parse(text)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    loop = next(n for n in function.body if isinstance(n, ast.For))
    assigned = {
        n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    arguments = {a.arg for a in function.args.args}
    names = (set(_NAMESPACE) | {"abs"}) - assigned - arguments - {"_doubles"}
    localise = _Localise(names)
    localise.visit(loop)
    bindings = [
        ast.Assign(targets=[ast.Name(local, ast.Store())], value=value)
        for local, value in sorted(localise.bound.items())
    ]
    at = function.body.index(loop)
    function.body[at:at] = bindings
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def source(
    derivatives: Derivatives,
    spec: OptimizerSpec,
    rules: tuple[TransformRule, ...] = (),
    scheduled: frozenset[str] = frozenset(),
) -> str:
    """The generated loop for ``spec`` on this objective, as text (for reading and tests):
    the gradient through ``rules`` first, the ``scheduled`` hyperparameters read per step."""
    hyper = [f"_steps_{h.name}" if h.name in scheduled else h.name for h in spec.hyperparameters]
    params = [f"_p{i}" for i in range(len(derivatives.expression.parameters))]
    constants = [c for rule in rules for c in rule.constants]
    data = [f"_{d}_{c}" for rule in rules for d in rule.data for c in "xy"]
    if spec.joint:
        state = state_names(spec)
        update = inline(spec.joint, {})
    else:
        state = [f"{n}_{c}" for c in "xy" for n in state_names(spec)]
        update = per_coord_lines(spec)
    per_step = inline(spec.per_step, {"sqrt": "math_sqrt"}) if spec.per_step.strip() else []
    fixed = {h.name for h in spec.hyperparameters} - scheduled
    transforms = transform_lines(rules)
    before, lines = _hoisted([*transforms, *per_step, *update], fixed | set(constants))
    # Arithmetic on step-wide values (a scheduled beta1, step_size) once a step, not once
    # per coordinate; placed after the step-wide lines it reads.
    split = len(transforms) + len(per_step)
    step_wide = {"t", *scheduled, *_assigned("\n".join(per_step)), *fixed, *constants}
    step_wide |= {line.split(" = ")[0] for line in before}
    per_step_lifted, update_lines = _hoisted(lines[split:], step_wide, "_s")
    rule = [*lines[:split], *per_step_lifted, *update_lines]
    step_values = [f"{name} = _steps_{name}[k]" for name in sorted(scheduled)]
    # Each datum is a list for the chunk, walked beside k: "_noise_x" gives noise_x.
    loop = ", ".join(["k", *(d[1:] for d in data)])
    over = f"zip(range(k0, k1), {', '.join(data)})" if data else "range(k0, k1)"
    body = [
        *objective_lines(derivatives, spec.needs_hessian),
        "n2 = gx * gx + gy * gy",
        "xs_append(px); ys_append(py); fs_append(fv); ns_append(n2)",
        "if not (tol2 <= n2 < inf and -inf < fv < inf"
        " and -bound <= px <= bound and -bound <= py <= bound):",
        "    break",
        "if k == last:",
        "    break",
        "t += 1.0",  # the 1-based step count as a float: float(k + 1), without the call
        *step_values,
        *rule,
        "px = px + ux",
        "py = py + uy",
    ]
    head = ["px", "py", "k0", "k1", "last", "tol2", "bound", "state"]
    args = ", ".join([*head, *params, *hyper, *constants, *data])
    unpack = f"    ({', '.join(state)},) = state\n" if state else ""
    pack = ", ".join(state)
    return _localised(
        f"def scalar_run({args}):\n"
        f"{unpack}"
        + "".join(f"    {line}\n" for line in before)
        + "    xs = _doubles(); ys = _doubles(); fs = _doubles(); ns = _doubles()\n"
        "    xs_append = xs.append; ys_append = ys.append\n"
        "    fs_append = fs.append; ns_append = ns.append\n"
        "    t = float(k0)\n"
        f"    for {loop} in {over}:\n"
        + "".join(f"        {line}\n" for line in body)
        + f"    return xs, ys, fs, ns, [{pack}], px, py\n"
    )


def compile_run(
    derivatives: Derivatives,
    spec: OptimizerSpec,
    rules: tuple[TransformRule, ...] = (),
    scheduled: frozenset[str] = frozenset(),
) -> ScalarRun | None:
    """The compiled loop, or None where the printer cannot express the objective.

    Its arguments: the point, the chunk ``k0 … k1 − 1``, the last step, tol², the bound,
    the state, then the function's parameters, the hyperparameters (a scheduled one as
    its per-step list), the transforms' constants and their data for the chunk
    (``noise_x``, ``noise_y``: lists of ``k1 − k0`` numbers, one per step from ``k0``)."""
    key = "|".join([spec.name, *(r.name for r in rules), *sorted(scheduled)])
    cache: dict[str, ScalarRun | None] = derivatives.scalar_runs
    if key not in cache:
        try:
            text = source(derivatives, spec, rules, scheduled)
            namespace = {**_NAMESPACE, **getattr(derivatives, "scalar_namespace", {})}
            exec(compile(text, f"<fast {key}>", "exec"), namespace)  # generated, see above
            cache[key] = namespace["scalar_run"]
        except (SyntaxError, TypeError, ValueError, NotImplementedError):
            cache[key] = None
    return cache[key]


_objective_lines = objective_lines  # the name engine/replay.py reads
