"""Damped Newton's method with the exact Hessian, made safe where the surface is not convex.

Newton's step −H⁻¹g jumps to the minimum of the local quadratic model, but where H has a
negative (or zero) eigenvalue that model has no minimum and the step can point uphill. As in
Nocedal & Wright's modified Newton (§3.4), the whole spectrum is shifted up until the
smallest eigenvalue equals ``damping``; for a 2×2 symmetric H the eigenvalues have a closed
form, so no decomposition is needed. The shifted matrix is positive definite, so the step is
always a descent direction. Each point counts the steps on which the shift was needed, and
:func:`notes` tells the run about them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gradient_studio.engine.kernel import Hyperparameter, OptimizerSpec, Quantity, StepKind
from gradient_studio.engine.optimizers import hyperparameters as hp


def notes(values: Mapping[str, Any]) -> list[str]:
    """One sentence for the run's notes if any step needed the eigenvalue shift."""
    shifted = round(float(values["shifted_steps"]))
    if shifted <= 0:
        return []
    steps = round(float(values["count"]))
    return [f"Hessian not positive definite at {shifted} of {steps} steps: eigenvalues shifted"]


NEWTON = OptimizerSpec(
    name="newton",
    display_name="Newton's method",
    summary="Uses the curvature (the Hessian) to jump towards the bottom of the local bowl; "
    "where there is no bowl it bends the curvature until there is.",
    rule=(
        "λ_min = smallest eigenvalue of the Hessian H\n"
        "σ = damping + max(0, −λ_min)\n"
        "θ ← θ − lr · (H + σI)⁻¹ g"
    ),
    reference="Damped (modified) Newton's method; Nocedal & Wright, Numerical Optimization, "
    "2nd ed., §3.4",
    kind=StepKind.SELF_SCALED,
    hyperparameters=(
        hp.lr(1.0),
        Hyperparameter(
            "damping",
            1e-3,
            1e-8,
            10.0,
            True,
            "added to the Hessian's eigenvalues (σ ≥ damping)",
            label="damping",
            symbol="δ",
        ),
    ),
    state=(("shifted_steps", 0.0),),
    needs_hessian=True,
    joint="""
        mean = (hxx + hyy) / 2
        half_gap = (hxx - hyy) / 2
        lam_min = mean - sqrt(half_gap * half_gap + hxy * hxy)
        shift = damping + maximum(-lam_min, 0.0)
        axx = hxx + shift
        ayy = hyy + shift
        det = axx * ayy - hxy * hxy
        ux = -lr * (ayy * gx - hxy * gy) / det
        uy = -lr * (axx * gy - hxy * gx) / det
        shifted_steps = shifted_steps + where(lam_min > 0, 0.0, 1.0)
    """,
    quantities=(
        Quantity("mean", "h̄", "mean of the Hessian's diagonal"),
        Quantity("half_gap", "Δh", "half the diagonal's gap"),
        Quantity("lam_min", "λ_min", "smallest eigenvalue of H"),
        Quantity("shift", "σ", "eigenvalue shift"),
        Quantity("axx", "a_xx", "∂²f/∂x² + σ"),
        Quantity("ayy", "a_yy", "∂²f/∂y² + σ"),
        Quantity("det", "det", "determinant of H + σI"),
        Quantity("shifted_steps", "shifted", "steps that needed the shift"),
    ),
    notes=notes,
)
