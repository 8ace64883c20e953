"""Fixtures for the picture: small real races, so tests stay quick."""

from __future__ import annotations

import pytest

from gradient_studio.engine import OptimizerChoice, Race


@pytest.fixture(scope="session")
def bowl_result():
    """A tilted bowl with its minimum at (1, -0.5) and no preset (so no minimum marker):
    two optimisers that stop well short of the minimum."""
    race = Race.create(
        function="(x - 1)^2 + 4*(y + 0.5)^2",
        optimizers=[OptimizerChoice("sgd", {"lr": 0.02}), OptimizerChoice("adam", {"lr": 0.05})],
        starts=[(-2.5, 2.0)],
        steps=12,
        xrange=(-3.0, 3.0),
        yrange=(-2.0, 2.5),
    )
    return race.run()


@pytest.fixture(scope="session")
def rosenbrock_result():
    race = Race.create(
        preset="rosenbrock",
        optimizers=[OptimizerChoice("sgd"), OptimizerChoice("momentum"), OptimizerChoice("adam")],
        steps=300,
    )
    return race.run()


@pytest.fixture
def scene(qapp, bowl_result):
    """A scene showing the bowl race, built the way the window and exporters build one."""
    from gradient_studio.scene import PlotScene

    s = PlotScene()
    s.set_view(bowl_result.race.xrange, bowl_result.race.yrange)
    s.set_objective(bowl_result.objective)
    s.set_trajectories(bowl_result.trajectories)
    return s
