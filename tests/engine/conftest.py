"""Fixtures of the engine tests (no Qt here)."""

import pytest

from gradient_studio.engine import runner


@pytest.fixture(params=["fast", "array"])
def path(request, monkeypatch):
    """Run the test once through each engine path: the generated per-start loop (a handful
    of starts) and the numpy array path (forced by allowing no start the fast path)."""
    if request.param == "array":
        monkeypatch.setattr(runner, "FAST_PATH_MAX_STARTS", 0)
    return request.param
