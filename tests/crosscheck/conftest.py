"""Shared by the torch cross-checks (collected only when tests/crosscheck is named)."""

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def float64_scalars() -> Iterator[None]:
    """torch keeps step counters and NAdam's μ-product in the default dtype: make it float64."""
    torch = pytest.importorskip("torch")
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)
