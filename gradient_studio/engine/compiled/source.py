"""The compiled kernel's source: printed from the same rule text and objective code as the
straight-line fast path.

One kernel is one Python module for numba, generated for one function, one optimiser and
one set of training transforms; everything that can change while a person drags a slider —
the function's parameters, every hyperparameter, the start points, the steps — is an
argument, so a drag never recompiles. Its lines come from
:mod:`~gradient_studio.engine.fastpath` (the objective printed in the ``math`` flavour of
:class:`~gradient_studio.engine.codegen.Printer`, the transforms and the rule inlined once
per coordinate) and from :mod:`~gradient_studio.engine.rows` (the per-step lines per run,
the per-step powers read from tables). numba itself is not imported here.

How it runs, as measured on this machine class: the starts go in blocks of :data:`LANES`;
within a block every step loops over the lanes with straight-line, branch-free code, so the
processor moves four starts in one vector instruction. A lane keeps its point, its
optimiser state and the point before in one row each of one small array (one pointer: the
compiler need not check arrays for overlap, which with twenty of them it will not), reads
every value it needs at the top of its code (a read inside a select would not vectorise),
and a lane whose run ended is frozen by selects; a block stops when all its lanes have.
``final_run`` runs the blocks ``b0 … b1 − 1`` without the interpreter lock, so the caller
splits one call's blocks over a few threads (one parallel region per call, never one per
step: numba's ``prange`` compiled three times slower and added nothing). ``error_model=
"numpy"``: a division by zero is inf, not an exception (whose check also stops the loop
vectorising); no fastmath, so every operation rounds as numpy's does.
"""

from __future__ import annotations

import ast
import hashlib

from gradient_studio.engine import fastpath
from gradient_studio.engine.kernel import OptimizerSpec, state_names
from gradient_studio.engine.objective import Derivatives
from gradient_studio.engine.rows import plan
from gradient_studio.engine.transforms import TransformRule

LANES = 64
GENERATOR = "gradient-studio kernels 3"  # change when the text below changes

_HELPERS = """
@njit(cache=True, error_model="numpy")
def _sign(v):
    return 0.0 if v == 0 else ((1.0 if v > 0 else -1.0) if v == v else v)


@njit(cache=True, error_model="numpy")
def _heaviside(v, at_zero):
    return at_zero if v == 0 else ((1.0 if v > 0 else 0.0) if v == v else v)


@njit(cache=True, error_model="numpy")
def maximum(a, b):
    return a if (a >= b) or (a != a) else b


@njit(cache=True, error_model="numpy")
def minimum(a, b):
    return a if (a <= b) or (a != a) else b


@njit(cache=True, error_model="numpy")
def clip(v, low, high):
    return minimum(maximum(v, low), high)
"""

sign_alias = "sign = _sign"


def _lines(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines() if line.strip())


def kernel_source(
    derivatives: Derivatives,
    spec: OptimizerSpec,
    rules: tuple[TransformRule, ...] = (),
    scheduled: frozenset[str] = frozenset(),
    numba_version: str = "",
) -> str:
    """The module text of the kernel ``final_run`` for ``spec`` on this objective, with the
    gradient through ``rules`` and the ``scheduled`` hyperparameters read per step.

    ``final_run(starts, hyper, params, consts, tables, indices, sched, sched_index, steps,
    tol2, bound, out_end, out_f, out_norm, out_steps, out_move, out_code, b0, b1)``: ``starts``
    (m, 2); ``hyper`` (hyperparameters, m) in ``spec``'s order; the function's parameters
    and the transforms' constants; the per-step powers ``tables`` (rows, steps) with each
    run's row ``indices`` (powers, m); the scheduled values ``sched`` (names, rows, steps)
    with each run's row ``sched_index`` (m); then the outputs, one row per start; then the
    blocks of :data:`LANES` starts to run. ``tol2`` is :func:`below_tolerance`'s threshold
    on ‖∇f‖²: the kernel takes no square root of its own to decide convergence."""
    hyper = [h.name for h in spec.hyperparameters]
    params = [f"_p{i}" for i in range(len(derivatives.expression.parameters))]
    constants = [c for rule in rules for c in rule.constants]
    steps_plan = plan(spec)
    if spec.joint:
        state = state_names(spec)
        update = fastpath.inline(spec.joint, {})
    else:
        state = [f"{n}_{c}" for c in "xy" for n in state_names(spec)]
        update = fastpath.per_coord_lines(spec)
    per_step = fastpath.inline("\n".join(steps_plan.lines), {"sqrt": "math_sqrt"})
    transforms = fastpath.transform_lines(rules)
    objective = fastpath.objective_lines(derivatives, spec.needs_hessian)

    setup = [f"{p} = params[{i}]" for i, p in enumerate(params)]
    setup += [f"{c} = consts[{i}]" for i, c in enumerate(constants)]
    # Every lane value lives in one array (one row each): the loop then reads and writes
    # through one pointer, which the compiler can vectorise without checking for overlaps.
    names = ["PX", "PY", "BX", "BY", "BF", "BN", "BM", "CM", "EX", "EY", "EF", "EN", "EM"]
    names += ["ES", "EC", "ALIVE", *(f"H_{h}" for h in hyper), *(f"S_{s}" for s in state)]
    names += [f"P_{p.name}" for p in steps_plan.powers]
    names += [f"C_{s}" for s in sorted(scheduled)]
    row = {name: i for i, name in enumerate(names)}

    def w(name: str) -> str:
        return f"W[{row[name]}, l]"

    reads: dict[str, str] = {}

    def r(name: str) -> str:
        """A lane value as the step found it: read once, at the top of the lane's code (a
        read inside a select would keep the loop from vectorising)."""
        return reads.setdefault(name, f"_w{row[name]}")

    block = [f"W = np.zeros(({len(names)}, L))", "HI = np.zeros((Q, L), np.int64)"]
    block += ["SI = np.zeros(L, np.int64)"]
    load = [
        "j = lo + l if l < m else lo",
        f"{w('PX')} = starts[j, 0]",
        f"{w('PY')} = starts[j, 1]",
        f"{w('ALIVE')} = 1.0 if l < m else 0.0",
        "SI[l] = sched_index[j]",
        "for q in range(Q):",
        "    HI[q, l] = indices[q, j]",
    ]
    load += [f"{w('H_' + h)} = hyper[{i}, j]" for i, h in enumerate(hyper)]
    initial = dict(spec.state)
    for s in state:
        start = initial[s if spec.joint else s[:-2]]
        if isinstance(start, str) and start in scheduled:
            load.append(f"{w('S_' + s)} = sched[{sorted(scheduled).index(start)}, SI[l], 0]")
        elif isinstance(start, str):
            load.append(f"{w('S_' + s)} = {w('H_' + start)}")
        else:
            load.append(f"{w('S_' + s)} = {float(start)!r}")
    gather = [
        f"{w('P_' + p.name)} = tables[HI[{q}, l], k]" for q, p in enumerate(steps_plan.powers)
    ]
    gather += [f"{w('C_' + n)} = sched[{i}, SI[l], k]" for i, n in enumerate(sorted(scheduled))]
    lane = [
        f"px = {r('PX')}",
        f"py = {r('PY')}",
        *objective,
        "n2 = gx * gx + gy * gy",
        "inside = (px >= -bound) & (px <= bound) & (py >= -bound) & (py <= bound)",
        "finite = (fv > -inf) & (fv < inf) & (n2 < inf)",  # ‖∇f‖ finite iff ‖∇f‖² is
        "code = 0.0 if inside else 2.0",
        "code = 3.0 if (code == 0.0) & (fv != fv) else code",
        "code = 2.0 if (code == 0.0) & (not finite) else code",
        "code = 1.0 if (code == 0.0) & (n2 < tol2) else code",  # ‖∇f‖ < tol exactly
        f"live = {r('ALIVE')} != 0.0",
        "ended = live & ((code != 0.0) | last)",
        "now = (code == 0.0) | (code == 1.0) | first",
        *[
            f"{w('E' + v)} = ({now} if now else {r('B' + v)}) if ended else {r('E' + v)}"
            for v, now in (("X", "px"), ("Y", "py"), ("F", "fv"), ("N", "n2"), ("M", r("CM")))
        ],
        f"{w('ES')} = (kf if (code == 0.0) | (code == 1.0) else back) if ended else {r('ES')}",
        f"{w('EC')} = (4.0 if code == 0.0 else code) if ended else {r('EC')}",
        "go = live & (not ended)",
        f"{w('ALIVE')} = 1.0 if go else 0.0",
        "alive += go",
        *[
            f"{w('B' + v)} = {now} if go else {r('B' + v)}"
            for v, now in (("X", "px"), ("Y", "py"), ("F", "fv"), ("N", "n2"), ("M", r("CM")))
        ],
        *[f"{h} = {r('H_' + h)}" for h in hyper if h not in scheduled],
        *[f"{n} = {r('C_' + n)}" for n in sorted(scheduled)],
        *[f"{p.name} = {r('P_' + p.name)}" for p in steps_plan.powers],
        *[f"{s} = {r('S_' + s)}" for s in state],
        *transforms,
        *per_step,
        *update,
        *[f"{w('S_' + s)} = {s} if go else {r('S_' + s)}" for s in state],
        f"{w('PX')} = px + ux if go else px",
        f"{w('PY')} = py + uy if go else py",
        f"{w('CM')} = ux * ux + uy * uy if go else {r('CM')}",  # squared: rooted once, at the end
    ]
    lane = [f"{local} = {w(name)}" for name, local in reads.items()] + lane
    write = [
        "for l in range(m):",
        f"    out_end[lo + l, 0] = {w('EX')}",
        f"    out_end[lo + l, 1] = {w('EY')}",
        f"    out_f[lo + l] = {w('EF')}",
        f"    out_norm[lo + l] = math_sqrt({w('EN')})",
        f"    out_move[lo + l] = math_sqrt({w('EM')})",
        f"    out_steps[lo + l] = int({w('ES')})",
        f"    out_code[lo + l] = int({w('EC')})",
    ]
    header = (
        f"# {GENERATOR}, numba {numba_version}: {spec.name}"
        f"{' + ' + ', '.join(r.name for r in rules) if rules else ''}"
        f"{' (scheduled: ' + ', '.join(sorted(scheduled)) + ')' if scheduled else ''}\n"
        "# Generated from the rule text and the function's tree; every number is an argument.\n"
    )
    text = (
        header + "import math\n\nimport numpy as np\nfrom numba import njit\n\n"
        f"L = {LANES}\ninf = math.inf\nnan = math.nan\nmath_sqrt = math.sqrt\nsqrt = math.sqrt\n"
        + _HELPERS
        + f"\n\n{sign_alias}\n\n\n"
        '@njit(cache=True, error_model="numpy", nogil=True)\n'
        "def final_run(starts, hyper, params, consts, tables, indices, sched, sched_index, steps,"
        " tol2, bound, out_end, out_f, out_norm, out_steps, out_move, out_code, b0, b1):\n"
        "    n = starts.shape[0]\n"
        "    Q = indices.shape[0]\n" + _lines("\n".join(setup), 4) + "    for b in range(b0, b1):\n"
        "        lo = b * L\n"
        "        m = min(L, n - lo)\n"
        + _lines("\n".join(block), 8)
        + "        for l in range(L):\n"
        + _lines("\n".join(load), 12)
        + "        for k in range(steps + 1):\n"
        "            t = k + 1.0\n"
        "            kf = float(k)\n"
        "            first = k == 0\n"
        "            last = k == steps\n"
        "            back = max(kf - 1.0, 0.0)\n"
        "            alive = 0\n"
        + ("            for l in range(L):\n" + _lines("\n".join(gather), 16) if gather else "")
        + "            for l in range(L):\n"
        + _lines("\n".join(lane), 16)
        + "            if alive == 0:\n"
        "                break\n" + _lines("\n".join(write), 8)
    )
    ast.parse(text)  # a generator mistake fails here, not inside numba
    return text


def below_tolerance(tol: float) -> float:
    """The smallest ‖∇f‖² whose correctly rounded square root is not below ``tol``: since
    the root rounds monotonically, √x < tol exactly when x < this, so the kernel decides
    convergence as the numpy path does (``norm < tol``) without a root per step."""
    import math

    x = tol * tol
    while x > 0 and math.sqrt(x) >= tol:
        x = math.nextafter(x, 0.0)
    while math.sqrt(x) < tol:
        x = math.nextafter(x, math.inf)
    return x


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]
