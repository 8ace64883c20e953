"""Knobs that several optimisers share, so their sliders look and behave the same."""

from __future__ import annotations

from gradient_studio.engine.kernel import Hyperparameter


def lr(default: float) -> Hyperparameter:
    return Hyperparameter(
        "lr", default, 1e-5, 10.0, True, "how far each step goes", label="learning rate", symbol="η"
    )


def eps(default: float) -> Hyperparameter:
    return Hyperparameter(
        "eps",
        default,
        1e-12,
        1.0,
        True,
        "added to the denominator so it is never zero",
        label="ε",
        symbol="ε",
    )


def momentum() -> Hyperparameter:
    return Hyperparameter(
        "momentum",
        0.9,
        0.0,
        0.999,
        False,
        "how much of the previous velocity each step keeps",
        label="momentum",
        symbol="μ",
    )


def beta1() -> Hyperparameter:
    return Hyperparameter(
        "beta1",
        0.9,
        0.0,
        0.999,
        False,
        "decay of the running mean of the gradient",
        label="β₁",
        symbol="β₁",
    )


def beta2() -> Hyperparameter:
    return Hyperparameter(
        "beta2",
        0.999,
        0.0,
        0.9999,
        False,
        "decay of the running mean of g²",
        label="β₂",
        symbol="β₂",
    )


def adam_like(lr_default: float) -> tuple[Hyperparameter, ...]:
    """``lr, beta1, beta2, eps`` with torch's defaults (``eps`` = 1e-8)."""
    return (lr(lr_default), beta1(), beta2(), eps(1e-8))
