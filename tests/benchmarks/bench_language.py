"""The function language's cost beside the version before it (issue 17): compiling a
function, importing the engine with the first function compiled, and a whole ``render``
process, with the plain matplotlib script people write instead as the yardstick.

Run:
    .venv/bin/python tests/benchmarks/bench_language.py --baseline OLD_PYTHON \\
        [--matplotlib MPL_PYTHON] [--quick]

OLD_PYTHON is an interpreter with an earlier gradient-studio installed (a checkout of main
and its venv); MPL_PYTHON one with numpy and matplotlib. Each figure is measured in fresh
processes of both interpreters, alternated (the machine's speed drifts), and the medians are
printed side by side.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROSENBROCK = "(1 - x)^2 + 100(y - x^2)^2"
LONG = " + ".join(
    f"{i % 5 + 1}sin({i % 3 + 1}x + {i % 4}y)cos(x y / {i + 2}) + exp(-(x - {i % 3})^2 / 8)"
    for i in range(8)
)
KINKS = "abs(x - 1) + 2 abs(y + x^2) + max(x, y)^2 + relu(x y)"
FIRST = "x^2 + 3y^2"
RENDER = ["render", "--preset", "rosenbrock"] + [
    arg for name in ("sgd", "momentum", "adam") for arg in ("--optimizer", name)
]

# What people write instead of `gradient-studio render`: the same race in numpy, then
# contourf + contour lines + three paths, saved at 1200x900.
MATPLOTLIB = """
import sys
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

def grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])

def race(rule, steps=500):
    p, state, path = np.array([-1.5, 2.0]), {}, [np.array([-1.5, 2.0])]
    for k in range(1, steps + 1):
        p = p - rule(grad(p), state, k)
        path.append(p)
    return np.array(path)

def sgd(g, s, k):
    return 1e-3 * g

def momentum(g, s, k):
    s["v"] = 0.9 * s.get("v", 0) + g
    return 1e-3 * s["v"]

def adam(g, s, k):
    s["m"] = 0.9 * s.get("m", 0) + 0.1 * g
    s["v"] = 0.999 * s.get("v", 0) + 0.001 * g * g
    return 0.05 * s["m"] / (1 - 0.9**k) / (np.sqrt(s["v"] / (1 - 0.999**k)) + 1e-8)

xs, ys = np.linspace(-2, 2, 400), np.linspace(-1, 3, 400)
X, Y = np.meshgrid(xs, ys)
Z = (1 - X) ** 2 + 100 * (Y - X**2) ** 2
fig, ax = plt.subplots(figsize=(12, 9), dpi=100)
ax.contourf(X, Y, np.log1p(Z), levels=30, cmap="viridis")
ax.contour(X, Y, np.log1p(Z), levels=15, colors="white", linewidths=0.5)
for name, rule in [("sgd", sgd), ("momentum", momentum), ("adam", adam)]:
    path = race(rule)
    ax.plot(path[:, 0], path[:, 1], label=name, linewidth=2)
ax.legend()
ax.set_title("(1 - x)^2 + 100(y - x^2)^2")
fig.savefig(sys.argv[1])
"""

INNER_COMPILE = """
import json, statistics, sys, time
from gradient_studio.engine import Objective

def compile_once(text):
    d = Objective.from_text(text).derivatives
    d.value_and_gradient_function, d.value_function, d.hessian_function

def median_ms(text, repeat):
    compile_once(text)  # warm-up: imports and first-use work belong to no one's steady state
    times = []
    for k in range(repeat):
        fresh = text.replace("1", f"1.{k + 1}", 1)  # a new function each time, as when editing
        t0 = time.perf_counter()
        compile_once(fresh)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3

texts = json.loads(sys.argv[1])
print(json.dumps([median_ms(t, int(sys.argv[2])) for t in texts]))
"""

INNER_MEMORY = """
import gc, json, os, sys
from gradient_studio.engine import Objective

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

def edit(k):  # what the window does for a new text: compile, landscape, formulas
    text = f"{k % 97 + 1}*x^2 + sin({k % 13 + 1} y) + a{k} x + abs(x - {k}/7) + exp(-y^2/{k + 1})"
    o = Objective.from_text(text, {f"a{k}": 0.5})
    o.grid((-2, 2), (-2, 2), (50, 50)), o.gradient(0.3, 0.2), o.hessian(0.3, 0.2)
    [str(g) for g in o.gradient_formulas()]

edits = int(sys.argv[1])
for k in range(200):
    edit(k)
gc.collect()
rss, objects = rss_mb(), len(gc.get_objects())
for k in range(200, 200 + edits):
    edit(k)
gc.collect()
print(json.dumps([rss_mb() - rss, len(gc.get_objects()) - objects]))
"""

INNER_FIRST = (
    "import gradient_studio.engine as e; "
    f"o = e.Objective.from_text({FIRST!r}); o.value(0.5, 0.5); o.gradient(0.5, 0.5)"
)


# Every process starts in an empty folder: ``python -c`` imports from the current one first.
NEUTRAL = tempfile.mkdtemp(prefix="bench-language-")


def wall_ms(command: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=NEUTRAL)
    return (time.perf_counter() - t0) * 1e3


def alternated(commands: list[list[str]], runs: int) -> list[float]:
    """Median wall milliseconds of each command, the commands taking turns, after one warm-up
    run of each."""
    for command in commands:
        wall_ms(command)
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, command in enumerate(commands):
            times[i].append(wall_ms(command))
    return [statistics.median(t) for t in times]


def import_ms(python: str, runs: int) -> tuple[float, float, bool]:
    """Median of ``python -X importtime``: all imports (ms), gradient_studio's own cumulative
    (ms), and whether sympy was imported."""
    totals, own, sympy = [], [], False
    for _ in range(runs):
        err = subprocess.run(
            [python, "-X", "importtime", "-c", INNER_FIRST],
            capture_output=True,
            text=True,
            cwd=NEUTRAL,
        ).stderr
        rows = [line.split("|") for line in err.splitlines() if line.startswith("import time:")]
        top = [(int(r[1]), r[2]) for r in rows[1:] if not r[2].startswith("  ")]
        totals.append(sum(us for us, _ in top) / 1e3)
        own.append(sum(us for us, name in top if name.strip().startswith("gradient_studio")) / 1e3)
        sympy = sympy or any(r[2].strip() == "sympy" for r in rows[1:])
    return statistics.median(totals), statistics.median(own), sympy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", required=True, help="an interpreter with the old version")
    parser.add_argument("--matplotlib", help="an interpreter with numpy and matplotlib")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    ours, old = sys.executable, args.baseline
    rows: list[tuple[str, float, float, str]] = []

    texts = json.dumps([ROSENBROCK, LONG, KINKS])
    repeat = "5" if args.quick else "15"
    compiled = []
    for _ in range(3 if args.quick else 5):  # alternated processes, medians of medians
        for python in (ours, old):
            out = subprocess.run(
                [python, "-c", INNER_COMPILE, texts, repeat],
                check=True,
                capture_output=True,
                text=True,
                cwd=NEUTRAL,
            )
            compiled.append((python, json.loads(out.stdout)))
    for i, name in enumerate(
        ["compile Rosenbrock", f"compile a {len(LONG)}-character function", f"compile {KINKS}"]
    ):
        new_ms = statistics.median(v[i] for p, v in compiled if p == ours)
        old_ms = statistics.median(v[i] for p, v in compiled if p == old)
        rows.append((name, new_ms, old_ms, ""))

    total_new, own_new, sympy_new = import_ms(ours, runs)
    total_old, own_old, sympy_old = import_ms(old, runs)
    said = (
        f"sympy imported: {'yes' if sympy_new else 'no'} (before: {'yes' if sympy_old else 'no'})"
    )
    rows.append(("-X importtime: engine + first function, all imports", total_new, total_old, said))
    rows.append(("  of which gradient_studio's own (cumulative)", own_new, own_old, ""))
    first = alternated([[ours, "-c", INNER_FIRST], [old, "-c", INNER_FIRST]], runs)
    rows.append(("process: import engine, compile and evaluate f", *first, ""))

    with tempfile.TemporaryDirectory() as folder:
        png = str(Path(folder) / "r.png")
        commands = [
            [ours, "-m", "gradient_studio", *RENDER, "--out", png],
            [old, "-m", "gradient_studio", *RENDER, "--out", png],
        ]
        if args.matplotlib:
            commands.append([args.matplotlib, "-c", MATPLOTLIB, str(Path(folder) / "m.png")])
        render = alternated(commands, runs)
        yardstick = ""
        if args.matplotlib:
            now, before = (ms / render[2] for ms in render[:2])
            yardstick = f"matplotlib script {render[2]:.0f} ms: {now:.2f}x (before {before:.2f}x)"
        rows.append(
            ("process: render rosenbrock, 3 optimisers, PNG", render[0], render[1], yardstick)
        )

    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  {'now ms':>9}  {'before ms':>9}  {'ratio':>6}  notes")
    for name, new_ms, old_ms, notes in rows:
        ratio = new_ms / old_ms if old_ms else float("nan")
        print(f"{name:<{width}}  {new_ms:>9.1f}  {old_ms:>9.1f}  {ratio:>6.2f}  {notes}")

    edits = 300 if args.quick else 1000
    grown = {}
    for python in (ours, old):
        out = subprocess.run(
            [python, "-c", INNER_MEMORY, str(edits)],
            check=True,
            capture_output=True,
            text=True,
            cwd=NEUTRAL,
        )
        grown[python] = json.loads(out.stdout)
    print(f"\nafter a warm-up, {edits:,} new functions (compile, landscape, formulas) grow")
    for label, python in (("now", ours), ("before", old)):
        mb, objects = grown[python]
        print(f"  {label:<7} RSS by {mb:5.1f} MB, Python objects by {objects:,}")


if __name__ == "__main__":
    main()
