"""The descent demo against Goh's closed forms and a numpy heavy-ball recurrence."""

import functools
import math

import numpy as np
import pytest

from tutor.demos.descent.compute import SAMPLES, compute


@functools.cache
def run(kappa: float = 50.0, lr: float = 0.0, beta: float = -1.0, tol: float = 1e-10, max_steps: int = 4000):
    return compute(kappa=kappa, lr=lr, beta=beta, tol=tol, max_steps=max_steps, seed=0)


@pytest.fixture(scope="module")
def default_run():
    return run()


def optimizer(result, name):
    return next(entry for entry in result.optimizers if entry.name == name)


@pytest.mark.parametrize("kappa", [50.0, 200.0])
def test_gradient_descent_at_best_step_contracts_by_kappa_minus_one_over_kappa_plus_one(kappa):
    # Goh: at α = 2/(λ₁+λₙ) both eigen-components shrink by exactly (κ−1)/(κ+1) in size each step.
    gd = optimizer(run(kappa), "gd")
    expected = (kappa - 1) / (kappa + 1)
    assert gd.rate_measured == pytest.approx(expected, rel=1e-9)
    assert gd.rate_theory == pytest.approx(expected, rel=1e-12)


def test_gradient_descent_steps_to_tolerance_follow_from_its_rate(default_run):
    # The distance is exactly rᵏ, so the first k below tol is ⌈ln tol / ln r⌉.
    gd = optimizer(default_run, "gd")
    rate = (50.0 - 1) / (50.0 + 1)
    assert gd.steps_to_tol == math.ceil(math.log(1e-10) / math.log(rate))


@pytest.mark.parametrize("kappa", [50.0, 200.0])
def test_heavy_ball_at_optimal_parameters_contracts_by_root_kappa_rate(kappa):
    # Goh: α = (2/(√λ₁+√λₙ))², β = ((√κ−1)/(√κ+1))² give (√κ−1)/(√κ+1). The eigenvalue is repeated there, so
    # the error decays as k·rᵏ and the measured rate approaches r from above: allow 2.5 %.
    momentum = optimizer(run(kappa), "momentum")
    root = math.sqrt(kappa)
    expected = (root - 1) / (root + 1)
    assert momentum.rate_theory == pytest.approx(expected, rel=1e-6)
    assert expected <= momentum.rate_measured <= expected * 1.025


def test_nesterov_with_its_classic_constants_contracts_by_one_minus_one_over_root_kappa(default_run):
    # α = 1/L, β = (√κ−1)/(√κ+1): the textbook rate 1 − 1/√κ.
    nesterov = optimizer(default_run, "nesterov")
    expected = 1 - 1 / math.sqrt(50.0)
    assert nesterov.rate_theory == pytest.approx(expected, rel=1e-6)
    assert expected <= nesterov.rate_measured <= expected * 1.025


def test_momentum_beats_gradient_descent_by_about_root_kappa_in_steps(default_run):
    gd = optimizer(default_run, "gd")
    momentum = optimizer(default_run, "momentum")
    assert momentum.steps_to_tol * 4 < gd.steps_to_tol


def test_torch_sgd_with_momentum_is_the_numpy_heavy_ball_recurrence():
    # Polyak's heavy ball written out: z ← βz + ∇f(w), w ← w − αz, with ∇f(w) = diag(λ)·w.
    lr, beta, kappa = 0.03, 0.8, 20.0
    momentum = optimizer(run(kappa, lr=lr, beta=beta, tol=1e-3), "momentum")
    curvature = np.array([1.0, kappa])
    w = np.array(momentum.path[0])
    z = np.zeros(2)
    expected = [w.copy()]
    for _ in range(len(momentum.path) - 1):
        z = beta * z + curvature * w
        w = w - lr * z
        expected.append(w.copy())
    np.testing.assert_allclose(np.array(momentum.path), np.array(expected), rtol=1e-12, atol=1e-15)


def test_step_beyond_two_over_largest_curvature_diverges():
    # 2/λₙ = 0.04 < 0.05: gradient descent flips and grows along y.
    gd = optimizer(run(50.0, lr=0.05, tol=1e-6, max_steps=2000), "gd")
    assert gd.diverged
    assert gd.steps_to_tol is None
    assert gd.rate_theory == pytest.approx(abs(1 - 0.05 * 50.0))


def test_minibatch_gradient_noise_shrinks_as_sampling_without_replacement_predicts(default_run):
    # Std of a mean of B rows drawn without replacement ∝ √((N−B)/(B(N−1))): compare ratios to B = 1.
    runs = {entry.batch_size: entry for entry in default_run.minibatch}
    for batch_size in (4, 16, 64, 256):
        ratio = runs[batch_size].grad_noise / runs[1].grad_noise
        expected = math.sqrt((SAMPLES - batch_size) / (batch_size * (SAMPLES - 1)))
        assert ratio == pytest.approx(expected, rel=0.15)
    assert runs[SAMPLES].grad_noise < 1e-12


def test_minibatch_sgd_hovers_closer_to_the_solution_with_larger_batches(default_run):
    distances = [entry.final_distance for entry in default_run.minibatch]
    assert distances == sorted(distances, reverse=True)


def test_json_has_the_contract_keys(default_run):
    data = default_run.to_dict()
    assert data["kappa"] == 50.0
    assert set(data["optimizers"]) == {"gd", "momentum", "nesterov", "rmsprop", "adam"}
    for entry in data["optimizers"].values():
        assert {"steps_to_tol", "rate_measured", "rate_theory"} <= set(entry)
