"""Which rows of the data each step's gradient sees: minibatches drawn without replacement.

Every epoch is a fresh permutation of the rows, cut in order into ``ceil(rows / size)``
batches, the last one shorter when ``size`` does not divide the rows (torch's
``drop_last=False``): each row is seen once per epoch. Step k (counted from 0) uses batch
``k mod B`` of epoch ``k div B``, B the batches per epoch, and every optimiser of a race sees
the same batches at the same step, so their paths differ only by their rules.

The permutation of epoch e is ``argsort`` (stable) of ``rows`` raw 64-bit draws of
``PCG64(SeedSequence([seed, e]))``: a fixed algorithm, the same on every machine and numpy
version, so an exported run's seed repeats it anywhere. A batch's rows are sorted, so a batch
is its rows in the data's own order; the full batch is exactly every row, and :meth:`rows_at`
answers None for it — the deterministic path, the same numbers to the last bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

Rows = NDArray[np.intp]

MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class Minibatches:
    """Batches of ``size`` of the ``rows`` rows, drawn from ``seed``."""

    rows: int
    size: int
    seed: int = 0

    def __post_init__(self) -> None:
        if self.rows < 1:
            raise ValueError("minibatches need at least one row of data")
        if not 1 <= self.size <= self.rows:
            raise ValueError(
                f"the batch size must be from 1 to the {self.rows} rows of the data, "
                f"got {self.size}"
            )
        if not 0 <= self.seed <= MAX_SEED:
            raise ValueError(f"the seed must be a whole number from 0 to {MAX_SEED}")

    @property
    def full(self) -> bool:
        """Whether every step sees every row (plain, deterministic gradient descent)."""
        return self.size == self.rows

    @property
    def per_epoch(self) -> int:
        """Batches in one pass over the data."""
        return -(-self.rows // self.size)

    def rows_at(self, step: int) -> Rows | None:
        """The rows step ``step`` (from 0) uses, in the data's order; None for every row."""
        if self.full:
            return None
        epoch, i = divmod(int(step), self.per_epoch)
        order = _permutation(self.rows, self.seed, epoch)
        rows = np.sort(order[i * self.size : (i + 1) * self.size])
        return rows

    def to_dict(self) -> dict[str, int]:
        return {"batch_size": self.size, "seed": self.seed}


@lru_cache(maxsize=4)
def _permutation(rows: int, seed: int, epoch: int) -> Rows:
    draws = np.random.PCG64(np.random.SeedSequence([seed, epoch])).random_raw(rows)
    order: Rows = np.argsort(draws, kind="stable")
    order.setflags(write=False)
    return order
