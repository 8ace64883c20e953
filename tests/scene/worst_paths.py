"""The worst paths issue 10 found: what bounds a path's drawing is tried on these (by the
tests and by ``tests/benchmarks/bench_scene.py``)."""

from gradient_studio.engine import OptimizerChoice

STEPS = 10_000

WORST = {
    # A zig-zag sliding back and forth along one line, 10,000 times (a repaint took 5-15 s).
    "Adadelta zig-zag, 5x^2 + 28.2y^2": {
        "function": "5x^2 + 28.2y^2",
        "optimizers": [OptimizerChoice("adadelta", {"rho": 1e-5, "eps": 1.0, "lr": 1.0})],
        "starts": [(-2.8, 1.5)],
    },
    # Heavy momentum thrashing over the whole view for 10,000 steps (0.52 s).
    "momentum 0.999 thrashing, x^2 + 10y^2": {
        "function": "x^2 + 10y^2",
        "optimizers": [OptimizerChoice("momentum", {"lr": 0.09, "momentum": 0.999})],
    },
}
