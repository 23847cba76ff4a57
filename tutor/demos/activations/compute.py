"""Activation functions and their derivatives, computed by torch and checked against closed forms.

Each function comes from torch.nn.functional; its derivative from autograd (one backward pass of the sum,
since each output depends only on its own input). Beside it the closed-form derivative, so the demo shows how
far autograd is from the formula (a few ulps). Over the learner's interval we report each function's range,
its derivative's range and the regions where the derivative is below SATURATION: there a gradient passing
through the unit is all but lost.

At a kink (x = 0 for ReLU, LeakyReLU, PReLU) autograd takes the left-hand slope, as its backward formulas
test x > 0; the closed forms here do the same. LeakyReLU's backward multiplies by its slope rounded to float32
(0.01 − fl32(0.01) ≈ 2·10⁻¹⁰), the one difference above a few ulps.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

SATURATION = 1e-3
"""A derivative below this in size counts as saturated: the gradient shrinks a thousandfold through it."""

LEAKY_SLOPE = 0.01
"""Negative slope of LeakyReLU (torch's default)."""

PRELU_WEIGHT = 0.25
"""Weight of PReLU: nn.PReLU's initial value (a learned parameter in a network)."""

GELU_TANH_C = math.sqrt(2.0 / math.pi)
"""√(2/π), inside GELU's tanh approximation."""


def _sigmoid_prime(x: torch.Tensor) -> torch.Tensor:
    s = torch.sigmoid(x)
    return s * (1 - s)


def _gelu_tanh_prime(x: torch.Tensor) -> torch.Tensor:
    inner = GELU_TANH_C * (x + 0.044715 * x**3)
    t = torch.tanh(inner)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_TANH_C * (1 + 3 * 0.044715 * x * x)


def _normal_pdf(x: torch.Tensor) -> torch.Tensor:
    return torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _normal_cdf(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * (1 + torch.erf(x / math.sqrt(2.0)))


@dataclass(frozen=True)
class Activation:
    """One activation: how torch computes it and its derivative's closed form."""

    name: str
    """Key in the JSON."""
    formula: str
    """The function, in one line."""
    forward: Callable[[torch.Tensor], torch.Tensor]
    """The torch.nn.functional call."""
    derivative: Callable[[torch.Tensor], torch.Tensor]
    """Closed form of the derivative."""


def _prelu(x: torch.Tensor) -> torch.Tensor:
    return F.prelu(x, torch.tensor([PRELU_WEIGHT], dtype=x.dtype))


ACTIVATIONS: tuple[Activation, ...] = (
    Activation("sigmoid", "σ(x) = 1/(1+e⁻ˣ)", torch.sigmoid, _sigmoid_prime),
    Activation("tanh", "tanh x", torch.tanh, lambda x: 1 - torch.tanh(x) ** 2),
    Activation("relu", "max(0, x)", F.relu, lambda x: (x > 0).to(x.dtype)),
    Activation("leaky_relu", f"max({LEAKY_SLOPE}x, x)", lambda x: F.leaky_relu(x, LEAKY_SLOPE),
               lambda x: torch.where(x > 0, 1.0, LEAKY_SLOPE).to(x.dtype)),
    Activation("prelu", f"max({PRELU_WEIGHT}x, x), weight learned", _prelu,
               lambda x: torch.where(x > 0, 1.0, PRELU_WEIGHT).to(x.dtype)),
    Activation("elu", "x if x > 0 else eˣ − 1", F.elu, lambda x: torch.where(x > 0, torch.ones_like(x), torch.exp(x))),
    Activation("gelu", "x·Φ(x), Φ the normal CDF", F.gelu, lambda x: _normal_cdf(x) + x * _normal_pdf(x)),
    Activation("gelu_tanh", "½x(1 + tanh(√(2/π)(x + 0.044715x³)))", lambda x: F.gelu(x, approximate="tanh"),
               _gelu_tanh_prime),
    Activation("silu", "x·σ(x) (Swish)", F.silu,
               lambda x: torch.sigmoid(x) * (1 + x * (1 - torch.sigmoid(x)))),
    Activation("softplus", "ln(1 + eˣ)", F.softplus, torch.sigmoid),
)
"""Every activation the demo shows, in its order."""


@dataclass(frozen=True)
class Curve:
    """One activation sampled over the interval."""

    name: str
    """Key in the JSON."""
    formula: str
    """The function, in one line."""
    values: tuple[float, ...]
    """f at each sample."""
    derivatives: tuple[float, ...]
    """f′ by autograd at each sample."""
    minimum: float
    """Smallest f over the samples."""
    maximum: float
    """Largest f over the samples."""
    grad_min: float
    """Smallest f′ over the samples."""
    grad_max: float
    """Largest f′ over the samples."""
    saturated: tuple[tuple[float, float], ...]
    """Intervals [a, b] of samples where |f′| < SATURATION."""
    autograd_error: float
    """Largest |autograd f′ − closed-form f′| over the samples."""


@dataclass(frozen=True)
class ActivationsResult:
    """Every activation over [lo, hi]."""

    lo: float
    """Left end of the interval."""
    hi: float
    """Right end of the interval."""
    xs: tuple[float, ...]
    """The sample points."""
    curves: tuple[Curve, ...]
    """One per activation, in ACTIVATIONS order."""

    def to_dict(self) -> dict:
        """Return the JSON contract: the range and each function's summary (the samples stay here)."""
        return {
            "range": [self.lo, self.hi],
            "points": len(self.xs),
            "saturation_threshold": SATURATION,
            "functions": {
                curve.name: {
                    "min": curve.minimum,
                    "max": curve.maximum,
                    "grad_min": curve.grad_min,
                    "grad_max": curve.grad_max,
                    "saturated": [list(interval) for interval in curve.saturated],
                    "autograd_error": curve.autograd_error,
                }
                for curve in self.curves
            },
        }


def saturated_intervals(xs: list[float], derivatives: list[float], threshold: float) -> tuple[tuple[float, float], ...]:
    """Return the maximal runs of samples where |f′| < threshold, as (first x, last x) pairs.

    A run across which f′ changes sign (from the sample before it to the sample after) is an extremum, such as
    the minima of GELU and SiLU, not saturation: it is left out.
    """
    runs: list[list[int]] = []
    for index, slope in enumerate(derivatives):
        if abs(slope) < threshold:
            if runs and runs[-1][1] == index - 1:
                runs[-1][1] = index
            else:
                runs.append([index, index])
    intervals = []
    for first, last in runs:
        inside = derivatives[max(first - 1, 0) : last + 2]
        if any(slope > 0 for slope in inside) and any(slope < 0 for slope in inside):
            continue
        intervals.append((xs[first], xs[last]))
    return tuple(intervals)


def compute(*, lo: float, hi: float, points: int) -> ActivationsResult:
    """Sample every activation and its autograd derivative over [lo, hi] in float64.

    Args:
        lo: left end of the interval.
        hi: right end of the interval, above lo (the registry checks the order before torch loads).
        points: number of evenly spaced samples, ends included.
    """
    grid = torch.linspace(lo, hi, points, dtype=torch.float64)
    # linspace lands a rounding error away from 0 (−2e-16): put that sample on the kink itself.
    grid[grid.abs() < 1e-12 * (hi - lo)] = 0.0
    xs = grid.tolist()
    curves = []
    for activation in ACTIVATIONS:
        x = grid.clone().requires_grad_(True)
        y = activation.forward(x)
        # Each output depends only on its own input, so the gradient of the sum is the elementwise derivative.
        (slope,) = torch.autograd.grad(y.sum(), x)
        closed = activation.derivative(grid)
        values = y.detach()
        derivatives = slope.tolist()
        curves.append(
            Curve(
                name=activation.name,
                formula=activation.formula,
                values=tuple(values.tolist()),
                derivatives=tuple(derivatives),
                minimum=float(values.min()),
                maximum=float(values.max()),
                grad_min=float(slope.min()),
                grad_max=float(slope.max()),
                saturated=saturated_intervals(xs, derivatives, SATURATION),
                autograd_error=float((slope - closed).abs().max()),
            )
        )
    return ActivationsResult(lo=lo, hi=hi, xs=tuple(xs), curves=tuple(curves))
