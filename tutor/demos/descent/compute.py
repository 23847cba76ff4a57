"""Why gradient descent zigzags, computed with torch.optim.

Two experiments, both in float64:

(a) The quadratic f(x, y) = ½(λ₁x² + λₙy²) with λ₁ = 1 and λₙ = κ. Each of torch.optim's SGD, SGD with
    momentum, SGD with Nesterov momentum, RMSprop and Adam walks from the same start; we record the path, the
    steps to reach a relative tolerance and the measured contraction per step, beside the rate the theory
    predicts (Goh, "Why Momentum Really Works", Distill 2017).
(b) Minibatch SGD on a least-squares fit: the gradient noise, and the distance at which SGD hovers around the
    solution, shrink as the batch grows.

Theory used for the rates: on this quadratic every method with fixed step is linear in the error, so its rate
is the spectral radius of its iteration matrix, taken over the two eigenvalues. Gradient descent at the best
step α = 2/(λ₁+λₙ) gives (κ−1)/(κ+1); heavy ball at α = (2/(√λ₁+√λₙ))², β = ((√κ−1)/(√κ+1))² gives
(√κ−1)/(√κ+1). torch.optim.SGD with dampening 0 is exactly heavy ball: v ← βv + ∇f, x ← x − αv.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from tutor.demos.torch_threads import one_thread

HEAVY_BALL_NOTE = (
    "torch.optim.SGD(lr=α, momentum=β, dampening=0) is exactly Polyak's heavy ball: "
    "v ← βv + ∇f(x), x ← x − αv."
)
"""The identity the demo states, shown by both views."""

DIVERGED = 1e6
"""A run whose distance grows past this multiple of the start's is stopped and marked diverged."""

ADAPTIVE_LR = 0.05
"""Step size of RMSprop and Adam: their steps are about lr per coordinate, so 0.05 crosses the unit start
in tens of steps; the quadratic's step-size rules do not apply to them."""

BATCH_SIZES = (1, 4, 16, 64, 256)
"""Minibatch sizes of experiment (b); the full batch (plain gradient descent) is added after them."""

SAMPLES = 1024
"""Rows of the least-squares problem."""

FEATURES = 8
"""Columns of the least-squares problem."""

SGD_STEPS = 300
"""Steps of minibatch SGD per batch size."""

NOISE_DRAWS = 400
"""Minibatches drawn to measure the gradient noise at the solution."""


@dataclass(frozen=True)
class OptimizerRun:
    """One optimizer's walk on the quadratic."""

    name: str
    """Key in the JSON: gd, momentum, nesterov, rmsprop, adam."""
    label: str
    """The torch.optim call that made the path."""
    lr: float
    """Step size α."""
    beta: float | None
    """Momentum β (None for methods without it)."""
    path: tuple[tuple[float, float], ...]
    """Iterates x₀, x₁, … (up to the tolerance, divergence or the step limit)."""
    distances: tuple[float, ...]
    """‖xₖ − x*‖ / ‖x₀ − x*‖ for each iterate."""
    steps_to_tol: int | None
    """First k with relative distance ≤ tol, None when not reached."""
    rate_measured: float
    """Contraction per step over the second half of the run: (dₖ/d_{k/2})^(2/k)."""
    rate_theory: float | None
    """Spectral radius of the method's iteration matrix (None for the adaptive methods, which are nonlinear)."""
    diverged: bool
    """The distance grew past DIVERGED times the start's."""


@dataclass(frozen=True)
class MinibatchRun:
    """Minibatch SGD on least squares at one batch size."""

    batch_size: int
    """Rows per step (SAMPLES is the full batch)."""
    distances: tuple[float, ...]
    """‖wₖ − w*‖ after each step, w* the least-squares solution."""
    final_distance: float
    """Root mean square of ‖wₖ − w*‖ over the last quarter of the steps: where SGD hovers."""
    grad_noise: float
    """Measured root mean square of ‖g_B(w*) − ∇f(w*)‖ over random minibatches (∇f(w*) = 0)."""
    grad_noise_theory: float
    """Its value for sampling without replacement: √(tr Σ/B · (N−B)/(N−1)), Σ the per-row gradient covariance."""


@dataclass(frozen=True)
class DescentResult:
    """Everything the descent demo computed."""

    kappa: float
    """Condition number λₙ/λ₁ of the quadratic."""
    eigenvalues: tuple[float, float]
    """(λ₁, λₙ): curvatures along x and y."""
    start: tuple[float, float]
    """Common starting point."""
    tol: float
    """Relative tolerance on the distance to the minimum."""
    optimizers: tuple[OptimizerRun, ...]
    """One run per optimizer, in the order gd, momentum, nesterov, rmsprop, adam."""
    minibatch_lr: float
    """Step size of experiment (b)."""
    minibatch: tuple[MinibatchRun, ...]
    """Experiment (b), by growing batch size."""

    def to_dict(self) -> dict:
        """Return the JSON contract: the rates and step counts (the paths stay in the dataclass)."""
        return {
            "kappa": self.kappa,
            "eigenvalues": list(self.eigenvalues),
            "tol": self.tol,
            "optimizers": {
                run.name: {
                    "steps_to_tol": run.steps_to_tol,
                    "rate_measured": run.rate_measured,
                    "rate_theory": run.rate_theory,
                    "lr": run.lr,
                    "beta": run.beta,
                    "diverged": run.diverged,
                }
                for run in self.optimizers
            },
            "minibatch": [
                {
                    "batch_size": run.batch_size,
                    "final_distance": run.final_distance,
                    "grad_noise": run.grad_noise,
                    "grad_noise_theory": run.grad_noise_theory,
                }
                for run in self.minibatch
            ],
        }


def gd_rate(lr: float, eigenvalues: tuple[float, ...]) -> float:
    """Return gradient descent's contraction per step, max |1 − αλ|, on a quadratic with these curvatures."""
    return max(abs(1.0 - lr * lam) for lam in eigenvalues)


def heavy_ball_rate(lr: float, beta: float, eigenvalues: tuple[float, ...]) -> float:
    """Return the spectral radius of heavy ball (torch SGD with momentum, dampening 0) on a quadratic.

    Along an eigenvector with curvature λ the state (x, v) maps by v' = βv + λx, x' = x − αv'.
    """
    return max(_spectral_radius([[1.0 - lr * lam, -lr * beta], [lam, beta]]) for lam in eigenvalues)


def nesterov_rate(lr: float, beta: float, eigenvalues: tuple[float, ...]) -> float:
    """Return the spectral radius of torch SGD with nesterov=True on a quadratic.

    torch's form: v' = βv + λx, x' = x − α(λx + βv'), i.e. x' = (1 − αλ(1+β))x − αβ²v.
    """
    return max(
        _spectral_radius([[1.0 - lr * lam * (1.0 + beta), -lr * beta * beta], [lam, beta]]) for lam in eigenvalues
    )


def _spectral_radius(matrix: list[list[float]]) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(np.array(matrix, dtype=np.float64)))))


def steps_to_tolerance(distances: tuple[float, ...], tol: float) -> int | None:
    """Return the first index k with distances[k] ≤ tol, or None."""
    for k, distance in enumerate(distances):
        if distance <= tol:
            return k
    return None


def measured_rate(distances: tuple[float, ...]) -> float:
    """Return the contraction per step over the second half of a run, (d_k / d_{k/2})^(1/(k − k/2)).

    The second half skips the transient of the first steps; at heavy ball's optimal β the error decays as
    k·rᵏ (a repeated eigenvalue), so this estimate approaches r from above as k grows.
    """
    last = len(distances) - 1
    if last < 1:
        return float("nan")
    half = last // 2
    if distances[half] == 0.0 or distances[last] == 0.0:
        return 0.0
    return (distances[last] / distances[half]) ** (1.0 / (last - half))


def _walk(
    make_optimizer: Callable[[list[torch.Tensor]], torch.optim.Optimizer],
    eigenvalues: tuple[float, float],
    start: tuple[float, float],
    tol: float,
    max_steps: int,
) -> tuple[tuple[tuple[float, float], ...], tuple[float, ...], bool]:
    """Run one optimizer on ½Σλᵢxᵢ²; return the path, the relative distances and whether it diverged."""
    point = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    curvature = torch.tensor(eigenvalues, dtype=torch.float64)
    optimizer = make_optimizer([point])
    start_norm = math.hypot(*start)
    path = [start]
    distances = [1.0]
    diverged = False
    for _ in range(max_steps):
        optimizer.zero_grad()
        loss = 0.5 * (curvature * point * point).sum()
        loss.backward()
        optimizer.step()
        x, y = (float(value) for value in point.detach())
        distance = math.hypot(x, y) / start_norm
        if not math.isfinite(distance) or distance > DIVERGED:
            diverged = True
            break
        path.append((x, y))
        distances.append(distance)
        if distance <= tol:
            break
    return tuple(path), tuple(distances), diverged


def _quadratic_runs(
    kappa: float, lr: float, beta: float, tol: float, max_steps: int
) -> tuple[tuple[float, float], tuple[float, float], tuple[OptimizerRun, ...]]:
    eigenvalues = (1.0, kappa)
    # Equal share of f at the start along both axes, so the zigzag across the valley is visible.
    start = (-1.0, 1.0 / math.sqrt(kappa))
    root = math.sqrt(kappa)
    gd_lr = lr or 2.0 / (eigenvalues[0] + eigenvalues[1])
    hb_lr = lr or (2.0 / (math.sqrt(eigenvalues[0]) + math.sqrt(eigenvalues[1]))) ** 2
    hb_beta = beta if beta >= 0.0 else ((root - 1.0) / (root + 1.0)) ** 2
    # Nesterov's constants for strongly convex functions: α = 1/L, β = (√κ−1)/(√κ+1).
    nag_lr = lr or 1.0 / eigenvalues[1]
    nag_beta = beta if beta >= 0.0 else (root - 1.0) / (root + 1.0)
    specs = (
        ("gd", f"SGD(lr={gd_lr:.4g})", gd_lr, None, lambda p: torch.optim.SGD(p, lr=gd_lr),
         gd_rate(gd_lr, eigenvalues)),
        ("momentum", f"SGD(lr={hb_lr:.4g}, momentum={hb_beta:.4g}, dampening=0)", hb_lr, hb_beta,
         lambda p: torch.optim.SGD(p, lr=hb_lr, momentum=hb_beta, dampening=0.0),
         heavy_ball_rate(hb_lr, hb_beta, eigenvalues)),
        ("nesterov", f"SGD(lr={nag_lr:.4g}, momentum={nag_beta:.4g}, nesterov=True)", nag_lr, nag_beta,
         lambda p: torch.optim.SGD(p, lr=nag_lr, momentum=nag_beta, nesterov=True),
         nesterov_rate(nag_lr, nag_beta, eigenvalues)),
        ("rmsprop", f"RMSprop(lr={ADAPTIVE_LR})", ADAPTIVE_LR, None,
         lambda p: torch.optim.RMSprop(p, lr=ADAPTIVE_LR), None),
        ("adam", f"Adam(lr={ADAPTIVE_LR})", ADAPTIVE_LR, None, lambda p: torch.optim.Adam(p, lr=ADAPTIVE_LR), None),
    )
    runs = []
    for name, label, run_lr, run_beta, make, theory in specs:
        path, distances, diverged = _walk(make, eigenvalues, start, tol, max_steps)
        runs.append(
            OptimizerRun(
                name=name,
                label=label,
                lr=run_lr,
                beta=run_beta,
                path=path,
                distances=distances,
                steps_to_tol=None if diverged else steps_to_tolerance(distances, tol),
                rate_measured=measured_rate(distances),
                rate_theory=theory,
                diverged=diverged,
            )
        )
    return eigenvalues, start, tuple(runs)


def _least_squares(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (X, y) of a seeded regression with unevenly scaled features and noisy targets."""
    generator = torch.Generator().manual_seed(seed)
    scales = torch.logspace(0.0, -0.3, FEATURES, dtype=torch.float64)
    features = torch.randn(SAMPLES, FEATURES, generator=generator, dtype=torch.float64) * scales
    weights = torch.randn(FEATURES, generator=generator, dtype=torch.float64)
    targets = features @ weights + 0.5 * torch.randn(SAMPLES, generator=generator, dtype=torch.float64)
    return features, targets


def _minibatch_runs(seed: int) -> tuple[float, tuple[MinibatchRun, ...]]:
    features, targets = _least_squares(seed)
    solution = torch.linalg.lstsq(features, targets.unsqueeze(1)).solution.squeeze(1)
    # Per-row gradients of ½(xᵢ·w − yᵢ)² at the solution; their mean is ∇f(w*) = 0.
    row_grads = features * (features @ solution - targets).unsqueeze(1)
    trace_cov = float((row_grads - row_grads.mean(0)).pow(2).sum(1).sum() / (SAMPLES - 1))
    # Stable for a single row: a step of one row's curvature ‖xᵢ‖² must stay below 2, so half the mean.
    lr = 0.5 / float(features.pow(2).sum(1).mean())
    generator = torch.Generator().manual_seed(seed + 1)
    runs = []
    for batch_size in (*BATCH_SIZES, SAMPLES):
        weights = torch.zeros(FEATURES, dtype=torch.float64)
        optimizer = torch.optim.SGD([weights], lr=lr)
        iterates = []
        with torch.no_grad():
            for _ in range(SGD_STEPS):
                rows = torch.randperm(SAMPLES, generator=generator)[:batch_size]
                batch = features[rows]
                # The least-squares gradient written out: autograd would triple the cost of these tiny steps.
                weights.grad = batch.T @ (batch @ weights - targets[rows]) / batch_size
                optimizer.step()
                iterates.append(weights.clone())
        distances = torch.linalg.vector_norm(torch.stack(iterates) - solution, dim=1).tolist()
        tail = distances[-SGD_STEPS // 4:]
        picks = torch.stack([torch.randperm(SAMPLES, generator=generator)[:batch_size] for _ in range(NOISE_DRAWS)])
        draws = row_grads[picks].mean(1)
        runs.append(
            MinibatchRun(
                batch_size=batch_size,
                distances=tuple(distances),
                final_distance=math.sqrt(sum(d * d for d in tail) / len(tail)),
                grad_noise=float(draws.pow(2).sum(1).mean().sqrt()),
                grad_noise_theory=math.sqrt(trace_cov / batch_size * (SAMPLES - batch_size) / (SAMPLES - 1)),
            )
        )
    return lr, tuple(runs)


def compute(*, kappa: float, lr: float, beta: float, tol: float, max_steps: int, seed: int) -> DescentResult:
    """Run every optimizer on the κ quadratic and minibatch SGD on least squares.

    Args:
        kappa: condition number λₙ/λ₁ of the quadratic (λ₁ = 1).
        lr: step size of SGD, momentum and Nesterov; 0 picks each one's best step from the theory.
        beta: momentum of SGD with momentum and Nesterov; negative picks the optimal one.
        tol: relative tolerance on the distance to the minimum.
        max_steps: most steps per optimizer.
        seed: seed of the least-squares data and the minibatches.

    Returns:
        The paths, step counts and rates of each optimizer, and the minibatch runs.
    """
    with one_thread():
        eigenvalues, start, runs = _quadratic_runs(kappa, lr, beta, tol, max_steps)
        minibatch_lr, minibatch = _minibatch_runs(seed)
    return DescentResult(
        kappa=kappa,
        eigenvalues=eigenvalues,
        start=start,
        tol=tol,
        optimizers=runs,
        minibatch_lr=minibatch_lr,
        minibatch=minibatch,
    )
