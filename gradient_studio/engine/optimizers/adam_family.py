"""Adam and the optimisers built on it: AMSGrad, AdamW, Adamax, NAdam and RAdam.

Each follows the single-tensor code path of its torch.optim class with default options,
including the order of the floating-point operations: ``exp_avg.lerp_(g, 1 − β₁)`` is
``m + (1 − β₁)(g − m)`` (torch's formula for weights under 0.5), ``addcdiv_(a, b, value=s)``
is ``p + s·a/b`` (multiply first, then divide) and bias corrections use ``** 0.5`` as torch
does. torch's CPU kernels fuse ``lerp``/``addcmul``/``add(alpha=…)`` into one rounding (FMA);
numpy cannot, so single steps may differ in the last bit.
"""

from __future__ import annotations

from gradient_studio.engine.kernel import Hyperparameter, OptimizerSpec, Quantity, StepKind
from gradient_studio.engine.optimizers import hyperparameters as hp

_MOMENTS = """
    m = m + (1 - beta1) * (g - m)
    v = v * beta2 + (1 - beta2) * g * g
"""

_ADAM_STEP = """
    step_size = lr / (1 - beta1 ** t)
    bias_correction2_sqrt = (1 - beta2 ** t) ** 0.5
"""

_ADAM_RULE = (
    "m ← β₁ · m + (1 − β₁) · g;   v ← β₂ · v + (1 − β₂) · g²\n"
    "θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)"
)

_ADAM_QUANTITIES = (
    Quantity("m", "m", "first moment"),
    Quantity("v", "v", "second moment"),
    Quantity("step_size", "ηₜ", "bias-corrected step size"),
    Quantity("bias_correction2_sqrt", "√(1 − β₂ᵗ)", "bias correction of v"),
)

ADAM = OptimizerSpec(
    name="adam",
    display_name="Adam",
    summary="Momentum plus a per-coordinate step size from the running mean of g².",
    rule=_ADAM_RULE,
    reference="torch.optim.Adam; Kingma & Ba, 2015",
    kind=StepKind.NORMALISED,
    hyperparameters=hp.adam_like(1e-3),
    state=(("m", 0.0), ("v", 0.0)),
    per_step=_ADAM_STEP,
    per_coord=_MOMENTS + "u = -step_size * m / (sqrt(v) / bias_correction2_sqrt + eps)",
    quantities=_ADAM_QUANTITIES,
)

AMSGRAD = OptimizerSpec(
    name="amsgrad",
    display_name="AMSGrad",
    summary="Adam that divides by the largest running mean of g² seen so far, so a burst "
    "of steep gradients keeps its steps small from then on.",
    rule=(
        "m ← β₁ · m + (1 − β₁) · g;   v ← β₂ · v + (1 − β₂) · g²;   v̂ ← max(v̂, v)\n"
        "θ ← θ − lr/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)"
    ),
    reference="torch.optim.Adam(amsgrad=True); Reddi, Kale & Kumar, 2018",
    kind=StepKind.NORMALISED,
    hyperparameters=hp.adam_like(1e-3),
    state=(("m", 0.0), ("v", 0.0), ("v_max", 0.0)),
    per_step=_ADAM_STEP,
    per_coord=_MOMENTS
    + """
        v_max = maximum(v_max, v)
        u = -step_size * m / (sqrt(v_max) / bias_correction2_sqrt + eps)
    """,
    quantities=(*_ADAM_QUANTITIES, Quantity("v_max", "v̂", "largest second moment so far")),
)

# torch shrinks the point first, θ ← θ·(1 − lr·λ), then adds Adam's step. Here both are in
# u, with the shrink written as θ·(1 − lr·λ) − θ (exact for lr·λ ≤ ½), so the only extra
# rounding is that of adding the two small parts: far below the last bit of θ.
ADAMW = OptimizerSpec(
    name="adamw",
    display_name="AdamW",
    summary="Adam that also pulls every coordinate a little towards zero each step "
    "(decoupled weight decay).",
    rule="θ ← θ · (1 − lr · λ)\n" + _ADAM_RULE,
    reference="torch.optim.AdamW; Loshchilov & Hutter, 2019",
    kind=StepKind.NORMALISED,
    hyperparameters=(
        *hp.adam_like(1e-3),
        Hyperparameter(
            "weight_decay",
            0.01,
            0.0,
            0.5,
            False,
            "how hard each step pulls θ towards zero (λ)",
            label="weight decay",
            symbol="λ",
        ),
    ),
    state=(("m", 0.0), ("v", 0.0)),
    per_step=_ADAM_STEP + "decay = 1 - lr * weight_decay",
    per_coord=_MOMENTS
    + "u = (p * decay - p) + -step_size * m / (sqrt(v) / bias_correction2_sqrt + eps)",
    quantities=(*_ADAM_QUANTITIES, Quantity("decay", "(1 − ηλ)", "weight decay factor")),
)

ADAMAX = OptimizerSpec(
    name="adamax",
    display_name="Adamax",
    summary="Adam with the running mean of g² replaced by a decaying maximum of |g|.",
    rule="m ← β₁ · m + (1 − β₁) · g;   n ← max(β₂ · n, |g| + ε)\nθ ← θ − lr/(1 − β₁ᵗ) · m / n",
    reference="torch.optim.Adamax; Kingma & Ba, 2015 (section 7)",
    kind=StepKind.NORMALISED,
    hyperparameters=hp.adam_like(2e-3),
    state=(("m", 0.0), ("exp_inf", 0.0)),
    per_step="clr = lr / (1 - beta1 ** t)",
    per_coord="""
        m = m + (1 - beta1) * (g - m)
        exp_inf = maximum(exp_inf * beta2, abs(g) + eps)
        u = -clr * m / exp_inf
    """,
    quantities=(
        Quantity("m", "m", "first moment"),
        Quantity("exp_inf", "n", "decaying maximum of |g|"),
        Quantity("clr", "ηₜ", "bias-corrected step size"),
    ),
)

# μₜ's running product is the same for every coordinate; it is kept per coordinate only
# because step-wide lines have no state of their own.
NADAM = OptimizerSpec(
    name="nadam",
    display_name="NAdam",
    summary="Adam with Nesterov's look-ahead: part of the step uses the fresh gradient, "
    "part the momentum it is about to have.",
    rule=(
        "μₜ = β₁ · (1 − ½ · 0.96^(t·ψ));   m, v as in Adam;   d = √(v / (1 − β₂ᵗ)) + ε\n"
        "θ ← θ − lr · (1 − μₜ)/(1 − Πᵢ≤ₜ μᵢ) · g/d − lr · μₜ₊₁/(1 − Πᵢ≤ₜ₊₁ μᵢ) · m/d"
    ),
    reference="torch.optim.NAdam; Dozat, 2016",
    kind=StepKind.NORMALISED,
    hyperparameters=(
        *hp.adam_like(2e-3),
        Hyperparameter(
            "momentum_decay",
            0.004,
            1e-4,
            0.1,
            True,
            "how fast the momentum schedule μₜ rises (ψ)",
            label="momentum decay",
            symbol="ψ",
        ),
    ),
    state=(("m", 0.0), ("v", 0.0), ("mu_product", 1.0)),
    per_step="""
        bias_correction2 = 1 - beta2 ** t
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * momentum_decay))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    """,
    per_coord="""
        mu_product = mu_product * mu
        m = m + (1 - beta1) * (g - m)
        v = v * beta2 + (1 - beta2) * g * g
        denom = sqrt(v / bias_correction2) + eps
        grad_weight = -lr * (1.0 - mu) / (1.0 - mu_product)
        momentum_weight = -lr * mu_next / (1.0 - mu_product * mu_next)
        u = grad_weight * g / denom + momentum_weight * m / denom
    """,
    quantities=(
        Quantity("bias_correction2", "(1 − β₂ᵗ)", "bias correction of v"),
        Quantity("mu", "μₜ", "momentum of this step"),
        Quantity("mu_next", "μₜ₊₁", "momentum of the next step"),
        Quantity("mu_product", "Πμ", "product of the momenta so far"),
        Quantity("m", "m", "first moment"),
        Quantity("v", "v", "second moment"),
        Quantity("denom", "d", "denominator"),
        Quantity("grad_weight", "w_g", "weight of the fresh gradient"),
        Quantity("momentum_weight", "w_m", "weight of the momentum"),
    ),
)

RADAM = OptimizerSpec(
    name="radam",
    display_name="RAdam",
    summary="Adam that starts as plain momentum and switches on the adaptive step size "
    "only once its estimate of g² is trustworthy.",
    rule=(
        "m, v as in Adam;   m̂ = m / (1 − β₁ᵗ)\n"
        "ρ∞ = 2/(1 − β₂) − 1;   ρₜ = ρ∞ − 2t · β₂ᵗ/(1 − β₂ᵗ)\n"
        "ρₜ > 5:  θ ← θ − lr · m̂ · √(1 − β₂ᵗ)/(√v + ε) · r,\n"
        "         r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))\n"
        "else:   θ ← θ − lr · m̂"
    ),
    reference="torch.optim.RAdam; Liu et al., 2020",
    kind=StepKind.NORMALISED,
    hyperparameters=hp.adam_like(1e-3),
    state=(("m", 0.0), ("v", 0.0)),
    per_step="""
        bias_correction1 = 1 - beta1 ** t
        bias_correction2 = 1 - beta2 ** t
        bias_correction2_sqrt = bias_correction2 ** 0.5
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * t * beta2 ** t / bias_correction2
        rectified = rho_t > 5.0
        rect_num = (rho_t - 4) * (rho_t - 2) * rho_inf
        rect_den = (rho_inf - 4) * (rho_inf - 2) * rho_t
        rect = (rect_num / rect_den) ** 0.5 if rectified else 0.0
    """,
    per_coord=_MOMENTS
    + """
        corrected = m / bias_correction1
        adaptive = -(corrected * lr * (bias_correction2_sqrt / (sqrt(v) + eps)) * rect)
        u = where(rectified, adaptive, -(corrected * lr))
    """,
    quantities=(
        Quantity("m", "m", "first moment"),
        Quantity("v", "v", "second moment"),
        Quantity("bias_correction1", "(1 − β₁ᵗ)", "bias correction of m"),
        Quantity("bias_correction2", "(1 − β₂ᵗ)", "bias correction of v"),
        Quantity("bias_correction2_sqrt", "√(1 − β₂ᵗ)", "its square root"),
        Quantity("rho_inf", "ρ∞", "longest length of the moving average"),
        Quantity("rho_t", "ρₜ", "length of the moving average at step t"),
        Quantity("rectified", "ρₜ > 5", "variance tractable"),
        Quantity("rect_num", "r₁", "numerator of r²"),
        Quantity("rect_den", "r₂", "denominator of r²"),
        Quantity("rect", "r", "rectification"),
        Quantity("corrected", "m̂", "bias-corrected first moment"),
        Quantity("adaptive", "u′", "adaptive step"),
    ),
)
