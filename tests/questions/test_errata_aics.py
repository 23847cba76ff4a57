"""Claims of the AICS decks (seeds 000 and 001) that can be checked by computation, checked.

The seeds were written by students. Every claim below is recomputed with real code (numpy, torch, sympy)
instead of being trusted: 66 claims checked, 29 of them wrong. Each wrong claim has an ``errata`` entry on its
card in content/000-aics-answers.yaml or content/001-aics-homework.yaml whose ``check`` names the test here; the tests
of right claims assert what the seed says.
"""

import math
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from tutor.questions.card import Erratum
from tutor.questions.deck import load_deck

CONTENT = Path(__file__).resolve().parents[2] / "content"
THIS_FILE = "tests/questions/test_errata_aics.py"


# --- 000 · 3.1, 3.2, 3.3, 3.4, 3.5: convolutional networks -------------------------------------------------


def test_fully_connected_32x32_rgb_to_100_hidden_has_about_300k_weights():
    # 3.1: "32×32 的 RGB 图像，隐藏层 100 个神经元，输入层到隐藏层约 30 万个权重" — right.
    weights = nn.Linear(32 * 32 * 3, 100).weight.numel()
    assert weights == 307_200
    assert round(weights, -5) == 300_000


def _receptive_field(layers: nn.Sequential, size: int = 16) -> tuple[int, int]:
    """Rows and columns of the input that one output unit depends on, found by back-propagation."""
    image = torch.zeros(1, 1, size, size, requires_grad=True)
    out = layers(image + 1.0)
    out[0, 0, out.shape[2] // 2, out.shape[3] // 2].backward()
    touched = image.grad[0, 0].abs() > 0
    return int(touched.any(dim=1).sum()), int(touched.any(dim=0).sum())


def test_receptive_field_of_3x3_conv_then_2x2_pool_is_4x4_not_5x5():
    # 3.2 says the union of 2×2 neighbouring 3×3 fields is 5×5; neighbours are shifted by one pixel, so 4×4.
    conv = nn.Conv2d(1, 1, 3, bias=False)
    nn.init.ones_(conv.weight)
    assert _receptive_field(nn.Sequential(conv)) == (3, 3)
    assert _receptive_field(nn.Sequential(conv, nn.AvgPool2d(2))) == (4, 4)
    # closed form: r = r_prev + (k - 1) * jump, with jump 1 after a stride-1 convolution
    assert 3 + (2 - 1) * 1 == 4


def test_max_pooling_is_nonlinear_and_quarters_the_next_layer():
    # 3.3: pooling "实现非线性" and "减少参数的数量和计算量" — right.
    torch.manual_seed(0)
    a, b = torch.randn(1, 1, 4, 4), torch.randn(1, 1, 4, 4)
    pool = nn.MaxPool2d(2)
    assert not torch.allclose(pool(a + b), pool(a) + pool(b))
    feature = torch.randn(1, 8, 32, 32)
    before = nn.Linear(feature.numel(), 10).weight.numel()
    after = nn.Linear(pool(feature).numel(), 10).weight.numel()
    assert before == 4 * after


def test_residual_block_is_near_identity_when_weights_start_near_zero():
    # 3.4: learning F(x)=0 is easier than h(x)=x because weights start near 0: at init H(x)=F(x)+x ≈ x — right.
    torch.manual_seed(0)
    residual = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1))
    for layer in residual:
        if isinstance(layer, nn.Conv2d):
            nn.init.normal_(layer.weight, std=1e-3)
            nn.init.zeros_(layer.bias)
    x = torch.randn(2, 8, 16, 16)
    with torch.no_grad():
        plain = residual(x)
        skip = residual(x) + x
    assert (skip - x).norm() / x.norm() < 0.01
    assert (plain - x).norm() / x.norm() > 0.99


def test_iou_formula_matches_a_pixel_count():
    # 3.5: IoU = |A∩B| / |A∪B|, and confidence = Pr(object) × IoU lies in [0, 1] — right.
    a, b = (2, 3, 10, 9), (6, 1, 14, 7)  # x0, y0, x1, y1
    canvas_a, canvas_b = np.zeros((20, 20), bool), np.zeros((20, 20), bool)
    canvas_a[a[1] : a[3], a[0] : a[2]] = True
    canvas_b[b[1] : b[3], b[0] : b[2]] = True
    by_pixels = (canvas_a & canvas_b).sum() / (canvas_a | canvas_b).sum()
    inter = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    assert inter / union == pytest.approx(by_pixels)
    assert 0 <= 1.0 * by_pixels <= 1 and 0.0 * by_pixels == 0


# --- 000 · 2.1–2.5: fundamentals ----------------------------------------------------------------------------


def test_gradient_step_moves_downhill_on_either_slope():
    # 2.1: at A (slope > 0) x decreases, at B (slope < 0) x increases, and y decreases at both — right.
    def f(x):
        return (x - 1.0) ** 2

    def slope(x):
        return 2 * (x - 1.0)

    for x in (3.0, -1.0):
        step = x - 0.1 * slope(x)
        assert (step < x) == (slope(x) > 0)
        assert f(step) < f(x)


def test_gradient_descent_stops_in_a_local_minimum():
    # 2.1: gradient descent only finds a local optimum — right.
    def f(x):
        return x**4 - 3 * x**2 + x

    x = 2.0
    for _ in range(2000):
        x -= 0.01 * (4 * x**3 - 6 * x + 1)
    grid = np.linspace(-3, 3, 600_001)
    assert abs(4 * x**3 - 6 * x + 1) < 1e-6  # a stationary point...
    assert f(x) > f(grid).min() + 1.0  # ...well above the global minimum


def test_k_means_also_stops_in_a_local_optimum():
    # 2.1: "和 K-means 算法一样，它求解的只是局部最优" — Lloyd's iterations converge to different optima — right.
    points = np.concatenate([np.full(10, 0.0), np.full(10, 1.0), np.full(5, 10.0), np.full(5, 11.0)])

    def lloyd(centres):
        centres = np.array(centres, dtype=float)
        for _ in range(50):
            labels = np.abs(points[:, None] - centres[None, :]).argmin(axis=1)
            centres = np.array([points[labels == k].mean() for k in range(len(centres))])
        labels = np.abs(points[:, None] - centres[None, :]).argmin(axis=1)
        return float(((points - centres[labels]) ** 2).sum())

    good, stuck = lloyd([0.0, 1.0, 10.5]), lloyd([0.5, 10.0, 11.0])
    assert good == pytest.approx(2.5)  # {0}, {1}, {10, 11}
    assert stuck == pytest.approx(5.0)  # {0, 1}, {10}, {11}: a fixed point, twice the optimum


def _toy_classification():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    y = np.where(x[:, 0] + 0.5 * x[:, 1] > 0, 1.0, -1.0)
    return torch.tensor(x), torch.tensor(y)


def test_perceptron_loss_gradient_and_update_match_the_formulas():
    # 2.2: ∇w L = −Σ_M y x, ∇b L = −Σ_M y, so w ← w + η y x and b ← b + η y — right.
    x, y = _toy_classification()
    w = torch.tensor([0.3, -1.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
    missed = (y * (x @ w + b) <= 0).detach()
    loss = -(y[missed] * (x[missed] @ w + b)).sum()
    loss.backward()
    assert torch.allclose(w.grad, -(y[missed, None] * x[missed]).sum(0))
    assert torch.allclose(b.grad, -y[missed].sum())


def test_perceptron_loss_is_neither_zero_one_nor_log_loss():
    # 2.2 says the perceptron "通常采用 0-1 损失函数或对数损失函数"; its own formula is the perceptron criterion.
    x, y = _toy_classification()
    w, b = np.array([0.3, -1.0]), 0.2

    def zero_one(w):
        return float(np.mean(np.sign(x.numpy() @ w + b) != y.numpy()))

    def perceptron(w):
        margin = y.numpy() * (x.numpy() @ w + b)
        return float(-margin[margin <= 0].sum())

    # The 0-1 loss is flat almost everywhere: its gradient is 0 and cannot drive the update w ← w + η y x.
    eps = 1e-6
    assert all(zero_one(w + eps * e) == zero_one(w) for e in np.eye(2))
    assert perceptron(w) != pytest.approx(zero_one(w) * len(y))
    # The log loss (logistic regression) has a different gradient from the perceptron criterion.
    wt = torch.tensor(w, requires_grad=True)
    F.softplus(-y * (x @ wt + b)).sum().backward()
    missed = y * (x @ torch.tensor(w) + b) <= 0
    assert not torch.allclose(wt.grad, -(y[missed, None] * x[missed]).sum(0), atol=1e-3)


def test_linear_regression_loss_gradient_matches_the_formula():
    # 2.2: L = ½ Σ (wᵀx − y)², so ∂L/∂w = Σ (wᵀx − y) x — right.
    rng = np.random.default_rng(1)
    x, y = torch.tensor(rng.normal(size=(30, 3))), torch.tensor(rng.normal(size=30))
    w = torch.tensor([0.5, -0.2, 1.0], dtype=torch.float64, requires_grad=True)
    (0.5 * ((x @ w - y) ** 2).sum()).backward()
    assert torch.allclose(w.grad, x.T @ (x @ w.detach() - y))


def test_stacked_linear_layers_collapse_to_one_linear_map():
    # 2.3: without activations a deep network is still one linear (affine) map — right.
    torch.manual_seed(0)
    deep = nn.Sequential(nn.Linear(5, 7), nn.Linear(7, 6), nn.Linear(6, 3)).double()
    weight = deep[2].weight @ deep[1].weight @ deep[0].weight
    bias = deep[2].weight @ (deep[1].weight @ deep[0].bias + deep[1].bias) + deep[2].bias
    x = torch.randn(10, 5, dtype=torch.float64)
    assert torch.allclose(deep(x), x @ weight.T + bias)
    with_relu = nn.Sequential(deep[0], nn.ReLU(), deep[1])
    assert not torch.allclose(with_relu(x) + with_relu(-x), with_relu(torch.zeros_like(x)) * 2)


def test_k_fold_tests_every_sample_once_and_leave_one_out_is_k_equals_n():
    # 2.5: each of the K folds is the test set once, training on the other K−1; LOO is K = n — right.
    n = 23
    for k in (5, n):
        folds = np.array_split(np.random.default_rng(0).permutation(n), k)
        tested = np.concatenate(folds)
        assert sorted(tested) == list(range(n))
        for fold in folds:
            train = np.setdiff1d(np.arange(n), fold)
            assert len(train) + len(fold) == n
    assert all(len(fold) == 1 for fold in np.array_split(np.arange(n), n))


# --- 000 · Q1: LSTM and RNN gradients ------------------------------------------------------------------------


def test_rnn_state_update_is_nonlinear():
    # Q1 says the plain RNN passes its state on "通过线性方式"; h_t = tanh(W h_{t−1} + U x_t + b) is nonlinear.
    torch.manual_seed(0)
    cell = nn.RNNCell(3, 4).double()
    x = torch.zeros(1, 3, dtype=torch.float64)
    a, b = torch.randn(1, 4, dtype=torch.float64), torch.randn(1, 4, dtype=torch.float64)
    zero = cell(x, torch.zeros_like(a))
    # An affine map f satisfies f(a + b) − f(0) = (f(a) − f(0)) + (f(b) − f(0)); the RNN update does not.
    assert not torch.allclose(cell(x, a + b) - zero, (cell(x, a) - zero) + (cell(x, b) - zero), atol=1e-3)
    assert torch.allclose(cell(x, a), torch.tanh(a @ cell.weight_hh.T + cell.bias_hh + cell.bias_ih))


def test_tanh_and_sigmoid_derivative_identities():
    # Q1: d tanh/dx = 1 − tanh², dσ/dx = σ(1 − σ) — right.
    x = torch.linspace(-6, 6, 101, dtype=torch.float64, requires_grad=True)
    (dtanh,) = torch.autograd.grad(torch.tanh(x).sum(), x)
    (dsig,) = torch.autograd.grad(torch.sigmoid(x).sum(), x)
    assert torch.allclose(dtanh, 1 - torch.tanh(x) ** 2)
    assert torch.allclose(dsig, torch.sigmoid(x) * (1 - torch.sigmoid(x)))


def test_tanh_derivative_lies_in_zero_to_one_not_below_zero():
    # Q1 says the tanh factor is "一个小于 0 的系数"; it is in (0, 1], equal to 1 only at 0.
    x = torch.linspace(-10, 10, 20_001, dtype=torch.float64)
    derivative = 1 - torch.tanh(x) ** 2
    assert derivative.min() > 0
    assert derivative.max() == pytest.approx(1.0)
    assert float(derivative[x.abs() > 0.5].max()) < 0.8


def _lstm_step(seed: int = 0):
    """One LSTM step with its intermediate tensors kept, and a loss L = <a, h_t> + <b, C_t>.

    ``b`` stands for δC_{t+1} * f_{t+1}, the gradient that reaches C_t from later steps.
    """
    g = torch.Generator().manual_seed(seed)
    n, m = 4, 3
    h_prev, x = torch.randn(n, generator=g, dtype=torch.float64), torch.randn(m, generator=g, dtype=torch.float64)
    c_prev = torch.randn(n, generator=g, dtype=torch.float64, requires_grad=True)
    z = torch.cat([h_prev, x])
    pre = {k: torch.randn(n, n + m, generator=g, dtype=torch.float64) @ z for k in "fico"}
    for value in pre.values():
        value.requires_grad_(True)
    f, i, o = torch.sigmoid(pre["f"]), torch.sigmoid(pre["i"]), torch.sigmoid(pre["o"])
    c_tilde = torch.tanh(pre["c"])
    c = f * c_prev + i * c_tilde
    h = o * torch.tanh(c)
    for t in (f, i, o, c_tilde, c, h):
        t.retain_grad()
    a, b = torch.randn(n, generator=g, dtype=torch.float64), torch.randn(n, generator=g, dtype=torch.float64)
    ((a * h).sum() + (b * c).sum()).backward()
    return dict(f=f, i=i, o=o, c_tilde=c_tilde, c=c, h=h, c_prev=c_prev, pre=pre, b=b)


def test_lstm_cell_backward_matches_the_derivation():
    # Q1: δo, δC (with the accumulated term), δf, δi, δC̃, δC_{t−1} and δσ_c as derived — right.
    s = _lstm_step()
    dh, dc = s["h"].grad, s["c"].grad
    assert torch.allclose(s["o"].grad, dh * torch.tanh(s["c"]))
    assert torch.allclose(dc, dh * s["o"] * (1 - torch.tanh(s["c"]) ** 2) + s["b"])
    assert torch.allclose(s["f"].grad, dc * s["c_prev"])
    assert torch.allclose(s["i"].grad, dc * s["c_tilde"])
    assert torch.allclose(s["c_tilde"].grad, dc * s["i"])
    assert torch.allclose(s["c_prev"].grad, dc * s["f"])
    assert torch.allclose(s["pre"]["c"].grad, s["c_tilde"].grad * (1 - s["c_tilde"] ** 2))


def test_lstm_gate_preactivation_gradient_is_a_product_not_a_sum():
    # Q1 writes δσ_f = δf_t * f_t + (1 − f_t); the chain rule through σ gives δf_t * f_t * (1 − f_t).
    s = _lstm_step()
    for gate in "fi":
        value, grad = s[gate], s[gate].grad
        assert torch.allclose(s["pre"][gate].grad, grad * value * (1 - value))
        assert not torch.allclose(s["pre"][gate].grad, grad * value + (1 - value))


def test_cell_state_without_forget_gate_passes_the_gradient_unchanged():
    # Q1: without a forget gate ∂L/∂C_t reaches C_{t−1} "无损" (like a residual); with f < 1 it shrinks as Π f
    # — right.
    torch.manual_seed(0)
    c0 = torch.randn(5, dtype=torch.float64, requires_grad=True)
    c = c0
    for _ in range(50):
        c = c + torch.sigmoid(torch.randn(5)) * torch.tanh(torch.randn(5))
    c.sum().backward()
    assert torch.equal(c0.grad, torch.ones(5, dtype=torch.float64))
    c0.grad = None
    forget = torch.full((5,), 0.9, dtype=torch.float64)
    c = c0
    for _ in range(50):
        c = forget * c
    c.sum().backward()
    assert torch.allclose(c0.grad, forget**50)


def test_rnn_gradient_shrinks_exponentially_with_sequence_length():
    # Q1: each step multiplies by W and tanh' ≤ 1, so ‖∂h_T/∂h_0‖ ≤ ‖W‖^T — right.
    torch.manual_seed(0)
    w = torch.randn(8, 8, dtype=torch.float64)
    w *= 0.9 / torch.linalg.matrix_norm(w, ord=2)
    norms = []
    for steps in (5, 10, 20, 40):
        h0 = torch.randn(8, dtype=torch.float64, requires_grad=True)
        h = h0
        for _ in range(steps):
            h = torch.tanh(w @ h + 0.1)
        jacobian = torch.autograd.functional.jacobian(lambda v: _unroll(w, v, steps), h0)
        norms.append(float(torch.linalg.matrix_norm(jacobian, ord=2)))
        assert norms[-1] <= 0.9**steps + 1e-12
    assert norms == sorted(norms, reverse=True)


def _unroll(w: torch.Tensor, h: torch.Tensor, steps: int) -> torch.Tensor:
    for _ in range(steps):
        h = torch.tanh(w @ h + 0.1)
    return h


# --- 000 · Q2, Q3 and 001 · 3.8: generative models -----------------------------------------------------------


def test_saturating_generator_loss_is_log_one_minus_d_and_the_fix_is_log_d():
    # Q2 swaps them: it calls E[log D(G(z))] the traditional loss and log(1 − D(G(z))) the modern fix.
    logit = torch.tensor(-6.0, dtype=torch.float64, requires_grad=True)  # early training: D(G(z)) ≈ 0.0025
    (minimax,) = torch.autograd.grad(torch.log(1 - torch.sigmoid(logit)), logit)
    (non_saturating,) = torch.autograd.grad(torch.log(torch.sigmoid(logit)), logit)
    assert abs(float(minimax)) < 0.003  # the original min log(1 − D) saturates: almost no gradient
    assert float(non_saturating) > 0.99  # max log D keeps a strong gradient
    # Maximising log(1 − D(G(z))), as the seed's step "生成器通过最大化 LG" says, pushes D(G(z)) towards 0.
    assert float(minimax) < 0


def test_gan_steps_move_discriminator_and_generator_outputs_as_described():
    # 001 · 3.8 and 000 · Q2: a D step raises D(real) and lowers D(fake); a G step raises D(G(z)) — right.
    torch.manual_seed(0)
    disc = nn.Sequential(nn.Linear(1, 8), nn.Tanh(), nn.Linear(8, 1))
    gen = nn.Linear(2, 1)
    real, z = 3 + 0.5 * torch.randn(64, 1), torch.randn(64, 2)
    d_opt = torch.optim.SGD(disc.parameters(), lr=0.05)
    g_opt = torch.optim.SGD(gen.parameters(), lr=0.05)

    def d_of(x):
        return torch.sigmoid(disc(x)).mean().item()

    fake = gen(z).detach()
    before_real, before_fake = d_of(real), d_of(fake)
    d_loss = F.binary_cross_entropy_with_logits(disc(real), torch.ones(64, 1)) + F.binary_cross_entropy_with_logits(
        disc(fake), torch.zeros(64, 1)
    )
    d_opt.zero_grad()
    d_loss.backward()
    d_opt.step()
    assert d_of(real) > before_real and d_of(fake) < before_fake

    before = d_of(gen(z))
    g_loss = F.binary_cross_entropy_with_logits(disc(gen(z)), torch.ones(64, 1))  # maximise log D(G(z))
    g_opt.zero_grad()
    g_loss.backward()
    g_opt.step()
    assert d_of(gen(z)) > before


def test_diffusion_forward_steps_match_the_closed_form_and_end_in_noise():
    # Q3: x_t = √α_t x_{t−1} + √(1−α_t) ε keeps unit variance and ends as Gaussian noise — right.
    gen = torch.Generator().manual_seed(0)
    alphas = 1 - torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64)  # the DDPM schedule
    x0 = 2.0 + 0.3 * torch.randn(10_000, generator=gen, dtype=torch.float64)
    x = x0.clone()
    for alpha in alphas:
        x = alpha.sqrt() * x + (1 - alpha).sqrt() * torch.randn(x.shape, generator=gen, dtype=torch.float64)
    alpha_bar = alphas.prod()
    # closed form: x_T = √ᾱ x_0 + √(1 − ᾱ) ε
    assert float(x.mean()) == pytest.approx(float(alpha_bar.sqrt() * x0.mean()), abs=0.03)
    assert float(x.var()) == pytest.approx(float(alpha_bar * x0.var() + 1 - alpha_bar), abs=0.03)
    assert abs(float(x.mean())) < 0.1 and float(x.var()) == pytest.approx(1.0, abs=0.05)


# --- 000 · 4.1, 4.4: tensors --------------------------------------------------------------------------------


def _m_and_n():
    return torch.tensor([[1.0, 2.0, 3.0]]), torch.tensor([[4.0], [5.0]])


def test_broadcast_subtraction_and_relu_give_the_printed_tensors():
    # 4.1: M − N = [[-3,-2,-1],[-4,-3,-2]] and relu of it is all zeros — right.
    m, n = _m_and_n()
    assert torch.equal(m - n, torch.tensor([[-3.0, -2.0, -1.0], [-4.0, -3.0, -2.0]]))
    assert torch.equal(F.relu(m - n), torch.zeros(2, 3))


def test_in_place_sub_on_the_smaller_tensor_raises_the_printed_error():
    # 4.1: N.sub_(M) fails with "output with shape [2, 1] doesn't match the broadcast shape [2, 3]" — right.
    m, n = _m_and_n()
    with pytest.raises(RuntimeError, match=re.escape("output with shape [2, 1] doesn't match the broadcast shape [2, 3]")):
        n.sub_(m)


def test_in_place_result_is_n_minus_m_written_into_ns_copy():
    # 4.1 says the in-place way modifies "矩阵 M 的副本" with operator "="; its result is N − M, in N's copy.
    m, n = _m_and_n()
    n_exp = n.expand(2, 3).clone()
    storage = n_exp.data_ptr()
    result = n_exp.sub_(m)
    assert torch.equal(result, torch.tensor([[3.0, 2.0, 1.0], [4.0, 3.0, 2.0]]))  # the seed's printed result
    assert torch.equal(result, -(m - n))  # = N − M, the opposite sign of the other two ways
    assert result.data_ptr() == storage and torch.equal(m, _m_and_n()[0])  # N's copy changed, M did not
    m_exp = m.expand(2, 3).clone()
    m_exp -= n  # the in-place operator is -= (sub_), and this is M − N
    assert torch.equal(m_exp, m - n)


def test_in_place_sub_broadcasts_its_argument():
    # 4.1 asks "原地操作不支持广播?": it does broadcast the other operand; only self cannot change shape.
    m, n = _m_and_n()
    target = torch.zeros(2, 3)
    target.sub_(m)
    assert torch.equal(target, -m.expand(2, 3))
    target.sub_(n)
    assert torch.equal(target, -(m + n))


def test_broadcasting_does_not_copy_the_smaller_tensor():
    # 4.1 says "广播过程会临时分配内存，效率稍低"; broadcasting is a stride-0 view of the same memory.
    m, n = _m_and_n()
    m_b, n_b = torch.broadcast_tensors(m, n)
    assert m_b.shape == n_b.shape == (2, 3)
    assert m_b.data_ptr() == m.data_ptr() and n_b.data_ptr() == n.data_ptr()
    assert m_b.stride() == (0, 1) and n_b.stride() == (1, 0)


def test_broadcasting_stretches_both_operands_to_2x3():
    # 4.1 says PyTorch broadcasts "较小的矩阵 N … 以适应 M 的形状"; M is [1, 3] and N [2, 1]: both stretch to [2, 3].
    m, n = _m_and_n()
    m_b, n_b = torch.broadcast_tensors(m, n)
    assert (m - n).shape == (2, 3) != m.shape
    assert m_b.stride()[0] == 0 and n_b.stride()[1] == 0  # M repeated along rows, N along columns
    assert m.numel() == n.numel() + 1  # N is not "smaller" in any sense that decides broadcasting


def test_torch_tensor_is_mutable_and_has_no_placeholder():
    # 4.4 says torch.tensor defines "不可变的值" for the constant A and a placeholder for B: tensors are mutable
    # and PyTorch has no constant/placeholder split (that was TensorFlow 1's graph mode).
    a, b = torch.tensor(5.0), torch.tensor(3.0)
    a.add_(1.0)
    assert a.item() == 6.0
    b.fill_(4.0)
    assert (a + b).item() == 10.0


def test_constant_plus_placeholder_prints_8():
    # 4.4: A = 5.0, B = 3.0 gives "A + B = 8.0" — right.
    assert f"A + B = {(torch.tensor(5.0) + torch.tensor(3.0)).item()}" == "A + B = 8.0"


# --- 000 · 5.1: ways to differentiate -------------------------------------------------------------------------


def test_numerical_derivative_has_truncation_and_rounding_error():
    # 5.1: numerical differentiation suffers truncation (large h) and rounding (small h) errors — right.
    def error(h):
        return abs((math.sin(1 + h) - math.sin(1)) / h - math.cos(1))

    assert error(1e-1) > 1e-2  # truncation: O(h)
    assert error(1e-8) < 1e-7
    assert error(1e-14) > 1e-3  # rounding: O(ε/h)


def test_symbolic_derivative_swells_faster_than_the_expression():
    # 5.1: symbolic differentiation suffers expression swell — right.
    import sympy

    x = sympy.Symbol("x")
    expr, sizes = x, []
    for _ in range(5):
        expr = 4 * expr * (1 - expr)
        sizes.append((sympy.count_ops(expr), sympy.count_ops(sympy.diff(expr, x))))
    assert all(d > e for e, d in sizes[1:])
    assert sizes[-1][1] / sizes[-1][0] > 5 * sizes[1][1] / sizes[1][0] / 3


def test_automatic_derivative_is_exact_to_rounding():
    # 5.1: automatic differentiation is "高精度" — exact up to floating-point rounding — right.
    x = torch.linspace(-2, 2, 41, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad((torch.sin(x) * torch.exp(x)).sum(), x)
    exact = torch.exp(x) * (torch.sin(x) + torch.cos(x))
    assert torch.allclose(grad, exact, rtol=0, atol=1e-14)


# --- 001 · 2.2–2.5: perceptrons, activations, regularisation ------------------------------------------------


def test_mlp_33_512_10_has_22538_trainable_parameters():
    # 2.2 counts 2 biases (one per layer); each neuron of the hidden and output layers has its own: 512 + 10.
    mlp = nn.Sequential(nn.Linear(33, 512), nn.ReLU(), nn.Linear(512, 10))
    weights = sum(p.numel() for name, p in mlp.named_parameters() if name.endswith("weight"))
    biases = sum(p.numel() for name, p in mlp.named_parameters() if name.endswith("bias"))
    assert weights == 22_016  # the seed's weight count is right
    assert biases == 522
    assert sum(p.numel() for p in mlp.parameters() if p.requires_grad) == 22_538


def test_gradient_step_with_small_learning_rate_lowers_the_loss():
    # 2.3: w ← w − η ∇w L lowers the loss for a small enough η — right.
    torch.manual_seed(0)
    model, x, y = nn.Linear(4, 1), torch.randn(32, 4), torch.randn(32, 1)
    loss = F.mse_loss(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= 0.01 * p.grad
    assert F.mse_loss(model(x), y) < loss


def _activations():
    return {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "ReLU": F.relu,
        "PReLU": lambda v: F.prelu(v, torch.tensor([0.01], dtype=v.dtype)),
        "ELU": F.elu,
    }


def test_activation_extremes_on_the_plotted_window():
    # 2.4's table gives extremes on x ∈ [−10, 10]; its ELU minimum 0.00038 is wrong: ELU(−10) = e^−10 − 1 ≈ −1.
    x = torch.linspace(-10, 10, 20_001, dtype=torch.float64)
    extremes = {name: (float(fn(x).min()), float(fn(x).max())) for name, fn in _activations().items()}
    assert extremes["sigmoid"] == (pytest.approx(0, abs=1e-4), pytest.approx(1, abs=1e-4))
    assert extremes["tanh"] == (pytest.approx(-1, abs=1e-8), pytest.approx(1, abs=1e-8))
    assert extremes["ReLU"] == (0, 10)
    assert extremes["PReLU"] == (pytest.approx(-0.1), 10)
    assert extremes["ELU"][0] == pytest.approx(math.exp(-10) - 1)
    assert extremes["ELU"][0] != pytest.approx(0.00038, abs=1e-3)


def test_relu_family_is_unbounded_above_and_prelu_below():
    # 2.4 gives 10 as the maximum of ReLU, PReLU and ELU: 10 is the plot's edge; their ranges are unbounded.
    big = torch.tensor([1e6], dtype=torch.float64)
    acts = _activations()
    assert float(acts["ReLU"](big)) == float(acts["PReLU"](big)) == float(acts["ELU"](big)) == 1e6
    assert float(acts["PReLU"](-big)) == pytest.approx(-1e4)  # (−∞, +∞)
    assert float(acts["ELU"](-big)) == pytest.approx(-1.0)  # (−α, +∞) with α = 1
    assert float(acts["ReLU"](-big)) == 0  # [0, +∞)


def test_classic_dropout_scales_by_the_keep_rate_at_inference():
    # 2.5: train with keep rate p, multiply by p at inference: both give the same expected output — right.
    gen = torch.Generator().manual_seed(0)
    x = torch.linspace(0.5, 2.0, 8)
    for keep in (0.8, 0.5):
        masks = torch.bernoulli(torch.full((200_000, 8), keep), generator=gen)
        assert torch.allclose((masks * x).mean(0), keep * x, rtol=0.01)
    # PyTorch's nn.Dropout is the inverted variant: it scales by 1/keep in training and does nothing at eval.
    drop = nn.Dropout(p=0.5).eval()
    assert torch.equal(drop(x), x)


def test_l1_gives_exact_zeros_while_l2_only_shrinks():
    # 2.5: L1 drives weights to 0, L2 makes them small — right.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 10))
    w_true = np.array([3.0, -2.0, 0, 0, 0, 0, 0, 0, 0, 0.1])
    y = x @ w_true + 0.1 * rng.normal(size=200)
    lam, step = 20.0, 1.0 / np.linalg.norm(x, 2) ** 2
    w = np.zeros(10)
    for _ in range(3000):  # ISTA: gradient step, then soft threshold
        w = w - step * x.T @ (x @ w - y)
        w = np.sign(w) * np.maximum(np.abs(w) - step * lam, 0)
    ridge = np.linalg.solve(x.T @ x + lam * np.eye(10), x.T @ y)
    assert (w == 0).sum() >= 6
    assert (ridge == 0).sum() == 0
    assert np.abs(ridge).sum() < np.abs(np.linalg.lstsq(x, y, rcond=None)[0]).sum()


# --- 001 · 3.4, 3.11: detection metrics and attention ----------------------------------------------------------


def test_error_rate_grows_with_the_iou_threshold():
    # 3.4: "错误率的高低与 IoU 的阈值高低有关" — a stricter threshold counts more detections as errors — right.
    rng = np.random.default_rng(0)
    truth = rng.uniform(0, 50, size=(300, 2))
    shifted = truth + rng.normal(scale=3.0, size=truth.shape)
    side = 10.0

    def iou(a, b):
        overlap = np.clip(side - np.abs(a - b), 0, None).prod(axis=1)
        return overlap / (2 * side * side - overlap)

    ious = iou(truth, shifted)
    errors = [float((ious < t).mean()) for t in (0.3, 0.5, 0.7, 0.9)]
    assert errors == sorted(errors) and errors[0] < errors[-1]


def test_multi_head_attention_is_heads_concatenated_then_projected():
    # 3.11: heads with their own parameters run in parallel and their outputs are concatenated — right.
    torch.manual_seed(0)
    d, heads, length = 16, 4, 6
    mha = nn.MultiheadAttention(d, heads, batch_first=True).double()
    x = torch.randn(1, length, d, dtype=torch.float64)
    expected, _ = mha(x, x, x)
    q, k, v = F.linear(x, mha.in_proj_weight, mha.in_proj_bias).chunk(3, dim=-1)
    outputs = []
    for h in range(heads):
        part = slice(h * d // heads, (h + 1) * d // heads)
        scores = q[..., part] @ k[..., part].transpose(1, 2) / math.sqrt(d // heads)
        outputs.append(torch.softmax(scores, dim=-1) @ v[..., part])
    manual = mha.out_proj(torch.cat(outputs, dim=-1))
    assert torch.allclose(manual, expected)


def test_cross_attention_queries_the_decoder_over_the_encoder_with_softmax_weights():
    # 3.11: Q from the decoder, K and V from the encoder; softmax turns scores into distributions — right.
    torch.manual_seed(0)
    attention = nn.MultiheadAttention(8, 2, batch_first=True)
    decoder, encoder = torch.randn(1, 3, 8), torch.randn(1, 5, 8)
    out, weights = attention(decoder, encoder, encoder)
    assert out.shape == (1, 3, 8)  # one output per decoder position
    assert weights.shape == (1, 3, 5)  # each decoder position weighs the 5 encoder positions
    assert torch.allclose(weights.sum(-1), torch.ones(1, 3))
    assert (weights >= 0).all()


# --- 001 · 作业三: train/eval, optimizers, initialisation -----------------------------------------------------------


def test_eval_mode_does_not_turn_off_gradients():
    # 作业三 1 says model.eval() "关闭梯度计算" (and train() keeps the graph); only no_grad/inference_mode do that.
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Dropout(0.5), nn.Linear(4, 1))
    model.eval()
    out = model(torch.randn(8, 4))
    assert out.requires_grad
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    with torch.no_grad():
        assert not model(torch.randn(8, 4)).requires_grad


def test_eval_mode_disables_dropout_and_uses_running_batchnorm_statistics():
    # 作业三 1: train() uses batch statistics and random dropout, eval() running statistics and no dropout — right.
    torch.manual_seed(0)
    bn, drop = nn.BatchNorm1d(3), nn.Dropout(0.5)
    x = 5 + 2 * torch.randn(64, 3)
    train_out = bn.train()(x)
    assert torch.allclose(train_out.mean(0), torch.zeros(3), atol=1e-5)
    eval_out = bn.eval()(x)
    expected = (x - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps)
    assert torch.allclose(eval_out, expected, atol=1e-5)
    ones = torch.ones(1000)
    assert (drop.train()(ones) == 0).any()
    assert torch.equal(drop.eval()(ones), ones)


def test_listed_optimizers_exist_and_adamw_decouples_weight_decay():
    # 作业三 2: SGD, Adam, RMSprop, Adagrad, AdamW, Adadelta, LBFGS are in torch.optim; AdamW is Adam with
    # decoupled weight decay — right.
    for name in ("SGD", "Adam", "RMSprop", "Adagrad", "AdamW", "Adadelta", "LBFGS"):
        assert issubclass(getattr(torch.optim, name), torch.optim.Optimizer)
    p = nn.Parameter(torch.tensor([2.0]))
    opt = torch.optim.AdamW([p], lr=0.1, weight_decay=0.5)
    p.grad = torch.zeros(1)
    opt.step()
    assert p.item() == pytest.approx(2.0 * (1 - 0.1 * 0.5))  # decay applied to the weight, not via the gradient


def test_kaiming_keeps_relu_activations_alive_where_xavier_lets_them_vanish():
    # 作业三 3: Xavier keeps variance for tanh/sigmoid, Kaiming (var 2/fan_in) is what ReLU needs — right.
    torch.manual_seed(0)
    width, depth = 256, 30
    x = torch.randn(512, width)
    w = torch.empty(width, width)
    nn.init.xavier_normal_(w)
    assert float(w.var()) == pytest.approx(2 / (width + width), rel=0.05)

    def second_moment(init):
        h = x
        for _ in range(depth):
            weight = torch.empty(width, width)
            init(weight)
            h = F.relu(h @ weight.T)
        return float((h**2).mean() / (x**2).mean())

    kaiming = second_moment(lambda t: nn.init.kaiming_normal_(t, nonlinearity="relu"))
    xavier = second_moment(nn.init.xavier_normal_)
    assert 0.2 < kaiming < 5
    assert xavier < 1e-6  # halves every layer: 2^-30


def test_adagrad_step_shrinks_as_squared_gradients_accumulate():
    # 作业三 4: Adagrad's learning rate decreases step after step — right.
    p = nn.Parameter(torch.zeros(1))
    opt = torch.optim.Adagrad([p], lr=1.0)
    steps = []
    for _ in range(6):
        before = p.item()
        p.grad = torch.ones(1)
        opt.step()
        steps.append(before - p.item())
    assert steps == pytest.approx([1 / math.sqrt(t) for t in range(1, 7)], rel=1e-5)


def test_momentum_converges_faster_on_an_ill_conditioned_quadratic():
    # 作业三 4: momentum reduces oscillation and speeds up convergence — right.
    def steps_to_converge(momentum):
        p = nn.Parameter(torch.tensor([1.0, 1.0], dtype=torch.float64))
        opt = torch.optim.SGD([p], lr=0.015, momentum=momentum)
        scale = torch.tensor([1.0, 100.0], dtype=torch.float64)
        for step in range(1, 10_000):
            loss = 0.5 * (scale * p**2).sum()
            if loss < 1e-8:
                return step
            opt.zero_grad()
            loss.backward()
            opt.step()
        return 10_000

    assert steps_to_converge(0.9) * 3 < steps_to_converge(0.0)


# --- 001 · 5.7: DDP ---------------------------------------------------------------------------------------------


def _ddp_worker(rank: int, world: int, rendezvous: str, grads) -> None:
    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"file://{rendezvous}", rank=rank, world_size=world)
    torch.manual_seed(0)
    model = nn.Linear(4, 1)
    ddp = nn.parallel.DistributedDataParallel(model)
    data = torch.Generator().manual_seed(100 + rank)
    x, y = torch.randn(8, 4, generator=data), torch.randn(8, 1, generator=data)
    F.mse_loss(ddp(x), y).backward()
    grads[rank] = torch.cat([p.grad.flatten() for p in model.parameters()]).tolist()
    dist.destroy_process_group()


@pytest.mark.slow  # spawns two processes: 4 s on an idle machine, over 10 s on a busy one
def test_ddp_all_reduce_leaves_every_process_with_the_mean_gradient():
    # 5.7: DDP synchronises gradients with all-reduce (averaging), so all replicas take the same step — right.
    import torch.multiprocessing as mp

    world = 2
    with tempfile.TemporaryDirectory() as folder, mp.Manager() as manager:
        grads = manager.dict()
        mp.spawn(_ddp_worker, args=(world, os.path.join(folder, "rendezvous"), grads), nprocs=world)
        synced = {rank: torch.tensor(grads[rank]) for rank in range(world)}
    local = []
    for rank in range(world):
        torch.manual_seed(0)
        model = nn.Linear(4, 1)
        data = torch.Generator().manual_seed(100 + rank)
        x, y = torch.randn(8, 4, generator=data), torch.randn(8, 1, generator=data)
        F.mse_loss(model(x), y).backward()
        local.append(torch.cat([p.grad.flatten() for p in model.parameters()]))
    assert torch.allclose(synced[0], synced[1])
    assert torch.allclose(synced[0], torch.stack(local).mean(0), atol=1e-6)


# --- 001 · 作业八: memory of large models ----------------------------------------------------------------------


def test_memory_example_arithmetic():
    # 作业八 1: 100M fp32 params 400 MB, Adam 800 MB, activations ≈ 1.5 GB, total ≈ 3.1 GB, inference ≈ 50 MB
    # — right (given the seed's formula, which test_transformer_layer_saves_far_more… questions).
    mb, gib = 1e6, 2**30
    params = 100e6
    assert params * 4 / mb == 400 and params * 8 / mb == 800
    activations = 32 * 512 * 1024 * 24 * 4
    assert activations / gib == pytest.approx(1.5)  # 1.5 GiB (1.61 GB)
    total = params * 4 * 2 + params * 8 + activations
    assert total / 1e9 == pytest.approx(3.1, rel=0.05)  # 3.21 GB = 2.99 GiB: "≈ 3.1 GB" either way within 5 %
    assert 1 * 512 * 1024 * 24 * 4 / mb == pytest.approx(50, rel=0.01)


def test_adam_keeps_eight_bytes_of_state_per_fp32_parameter():
    # 作业八 1: Adam stores momentum and variance, 4 bytes each per fp32 parameter — right.
    model = nn.Linear(100, 50)
    opt = torch.optim.Adam(model.parameters())
    F.mse_loss(model(torch.randn(4, 100)), torch.randn(4, 50)).backward()
    opt.step()
    numel = sum(p.numel() for p in model.parameters())
    state_bytes = sum(
        t.numel() * t.element_size() for s in opt.state.values() for k, t in s.items() if k in ("exp_avg", "exp_avg_sq")
    )
    assert state_bytes == 8 * numel
    assert next(model.parameters()).element_size() == 4


def test_transformer_layer_saves_far_more_than_one_hidden_state_per_layer():
    # 作业八 1 estimates training activations as batch × seq × hidden × layers × 4 bytes: one hidden state per
    # layer. Measured on a real encoder layer, what autograd keeps for backward is over 10× that.
    torch.manual_seed(0)
    batch, seq, hidden = 2, 64, 256
    layer = nn.TransformerEncoderLayer(hidden, nhead=4, dim_feedforward=4 * hidden, batch_first=True).train()
    parameters = {p.untyped_storage().data_ptr() for p in layer.parameters()}
    saved: dict[int, int] = {}

    def pack(tensor):
        storage = tensor.untyped_storage()
        if storage.data_ptr() not in parameters:
            saved[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        layer(torch.randn(batch, seq, hidden))
    formula = batch * seq * hidden * 4
    assert sum(saved.values()) > 10 * formula


# --- second audit: claims of 000 and 001 found wrong on a re-reading ------------------------------------------------


def test_k_fold_cross_validation_estimates_the_error_with_less_variance():
    # 000 · 2.5: K-fold "提高了模型的泛化能力" — no: it evaluates; what it improves is the estimate of the error.
    rng = np.random.default_rng(0)
    n, features = 60, 5
    x = rng.normal(size=(n, features))
    y = x @ rng.normal(size=features) + rng.normal(scale=1.0, size=n)

    def test_error(train: np.ndarray, test: np.ndarray) -> float:
        weights, *_ = np.linalg.lstsq(x[train], y[train], rcond=None)
        return float(np.mean((x[test] @ weights - y[test]) ** 2))

    holdout, kfold = [], []
    for _ in range(300):
        order = rng.permutation(n)
        folds = np.array_split(order, 5)
        holdout.append(test_error(np.concatenate(folds[1:]), folds[0]))
        kfold.append(np.mean([test_error(np.concatenate(folds[:i] + folds[i + 1 :]), folds[i]) for i in range(5)]))
    assert np.var(kfold) < np.var(holdout) / 3
    # the model that is finally deployed is fitted on all the data, whatever the evaluation did
    final, *_ = np.linalg.lstsq(x, y, rcond=None)
    assert np.allclose(final, np.linalg.solve(x.T @ x, x.T @ y))


def test_both_generator_objectives_push_d_of_g_of_z_up():
    # 000 · Q2: "生成器的损失函数是最小化判别器对生成样本的判定概率 D(G(z))" — the generator wants D(G(z)) large.
    for loss_of in (lambda d: torch.log(1 - d), lambda d: -torch.log(d)):  # minimax and non-saturating, both minimised
        logit = torch.tensor(-1.0, requires_grad=True)  # D(G(z)) = sigmoid(logit) ≈ 0.27
        loss_of(torch.sigmoid(logit)).backward()
        stepped = logit.detach() - 0.5 * logit.grad
        assert torch.sigmoid(stepped) > torch.sigmoid(logit.detach())


def test_diffusion_sampling_is_many_forward_passes_and_no_backward():
    # 000 · Q4: sampling is slow "由于需要多次的反向传播" — it is T forward passes of the denoiser, with no backward.
    torch.manual_seed(0)
    steps = 50
    calls = []
    denoiser = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 2))
    denoiser.register_forward_hook(lambda module, args, out: calls.append(out.requires_grad))
    betas = torch.linspace(1e-4, 0.02, steps)
    alphas = 1 - betas
    alpha_bars = torch.cumprod(alphas, 0)
    with torch.no_grad():
        x = torch.randn(8, 2)
        for t in reversed(range(steps)):  # DDPM ancestral sampling
            eps = denoiser(torch.cat([x, torch.full((8, 1), t / steps)], dim=1))
            x = (x - betas[t] / (1 - alpha_bars[t]).sqrt() * eps) / alphas[t].sqrt()
            if t:
                x = x + betas[t].sqrt() * torch.randn_like(x)
    assert len(calls) == steps and not any(calls)  # T forward passes, none of them recording a graph
    # training: one random t per step, one forward and one backward
    calls.clear()
    x0 = torch.randn(8, 2)
    t = torch.randint(0, steps, (8, 1))
    noise = torch.randn_like(x0)
    noisy = alpha_bars[t].sqrt() * x0 + (1 - alpha_bars[t]).sqrt() * noise
    F.mse_loss(denoiser(torch.cat([noisy, t / steps], dim=1)), noise).backward()
    assert calls == [True]


def test_relu_of_the_difference_is_not_a_subtraction():
    # 000 · 4.1: "torch.nn" way F.relu(M - N) — it is max(M − N, 0), all zeros here.
    m = torch.tensor([[1.0, 2.0, 3.0]])
    n = torch.tensor([[4.0], [5.0]])
    relu = F.relu(m - n)
    assert torch.equal(relu, torch.zeros(2, 3))
    assert not torch.equal(relu, m - n)
    assert torch.equal(relu, (m - n).clamp(min=0))
    assert torch.equal(torch.sub(m, n), m - n)
    # on differences of both signs it keeps the positive ones only
    assert torch.equal(F.relu(torch.tensor([3.0, -2.0])), torch.tensor([3.0, 0.0]))


class _Pid(torch.utils.data.Dataset):
    def __len__(self) -> int:
        return 4

    def __getitem__(self, index: int) -> int:
        return os.getpid()


def test_layer_gradients_are_one_parallel_product_and_loading_runs_in_workers():
    # 000 · 5.4: on one GPU "数据加载、梯度计算……是串行的，梯度计算必须逐步完成" — within a layer the weight
    # gradient is one matrix product whose elements are independent dot products, and loading runs in workers.
    torch.manual_seed(0)
    layer = nn.Linear(6, 4)
    x = torch.randn(5, 6)
    upstream = torch.randn(5, 4)
    layer(x).backward(upstream)
    assert torch.allclose(layer.weight.grad, upstream.T @ x, atol=1e-6)
    for i in range(4):
        for j in range(6):  # each element alone, from its own row and column: no element waits for another
            assert torch.isclose(layer.weight.grad[i, j], upstream[:, i] @ x[:, j], atol=1e-6)
    loader = torch.utils.data.DataLoader(_Pid(), batch_size=2, num_workers=2)
    assert os.getpid() not in {int(pid) for batch in loader for pid in batch}


def test_attention_weights_depend_on_queries_and_keys_not_values():
    # 001 · 3.11: "分数通过查询、键和值这三个线性变换得到" — the scores use Q and K only.
    torch.manual_seed(0)
    q, k, v = torch.randn(4, 8), torch.randn(4, 8), torch.randn(4, 8)

    def weights(query, key, value):
        attention = torch.softmax(query @ key.T / math.sqrt(query.shape[-1]), dim=-1)
        return attention, attention @ value

    w1, out1 = weights(q, k, v)
    w2, out2 = weights(q, k, torch.randn(4, 8))
    assert torch.equal(w1, w2) and not torch.allclose(out1, out2)
    w3, _ = weights(q, torch.randn(4, 8), v)
    assert not torch.allclose(w1, w3)
    assert torch.allclose(out1, F.scaled_dot_product_attention(q, k, v), atol=1e-6)


def test_data_parallel_gathers_the_outputs_on_one_device():
    # 001 · 5.7: in DP "每个 GPU 计算自己的损失值" — DataParallel gathers every replica's output on output_device
    # (device_ids[0] by default), where the loss is computed once; gradients are summed into the original module.
    import inspect

    forward = inspect.getsource(nn.DataParallel.forward)
    assert "self.gather(outputs, self.output_device)" in forward
    init = inspect.signature(nn.DataParallel.__init__)
    assert "output_device" in init.parameters
    assert "summed into the original module" in " ".join(nn.DataParallel.__doc__.split())


def test_one_gpu_runs_each_layer_in_parallel_and_the_layers_in_sequence():
    # 001 · 5.8: one GPU "可并行：无" — every output element of a layer depends only on its own input window,
    # so all of them can be computed at once; only the next layer has to wait for this one.
    torch.manual_seed(0)
    conv1, conv2 = nn.Conv2d(3, 4, 3), nn.Conv2d(4, 2, 3)
    x = torch.randn(1, 3, 8, 8)
    h = conv1(x)
    for row in range(6):
        for col in range(6):  # each element alone, from its own 3×3 window: no element waits for another
            patch = x[:, :, row : row + 3, col : col + 3]
            alone = (patch * conv1.weight).sum(dim=(1, 2, 3)) + conv1.bias
            assert torch.allclose(h[0, :, row, col], alone, atol=1e-5)
    # across layers: conv2's output changes when conv1's does, so conv2 cannot start before conv1 has finished
    y = conv2(h)
    with torch.no_grad():
        conv1.weight.add_(0.1)
    assert not torch.allclose(conv2(conv1(x)), y)


def test_arm_is_a_reduced_instruction_set_and_x86_a_complex_one():
    # 001 · 作业七: "基于复杂的指令集 (如 x86、ARM)" — ARM (Advanced RISC Machines) is RISC. Encodings from the
    # Intel SDM and the Arm A64 reference: x86 instructions take 1 to 15 bytes, every A64 instruction 4.
    x86 = {"nop": "90", "mov eax, 1": "b801000000", "add rax, rbx": "4801d8", "movabs rax, 1": "48b80100000000000000"}
    a64 = {"nop": "d503201f", "ret": "d65f03c0", "add x0, x1, x2": "8b020020", "ldr x0, [x1]": "f9400020"}
    assert len({len(bytes.fromhex(code)) for code in x86.values()}) == 4  # four instructions, four lengths
    assert {len(bytes.fromhex(code)) for code in a64.values()} == {4}
    card = next(card for card in load_deck(CONTENT / "001-aics-homework.yaml").cards if card.id == "c001-hw7-1")
    (erratum,) = card.errata
    assert "Advanced RISC Machines" in erratum.correction and "4 字节" in erratum.correction


def test_max_pooling_is_invariant_only_to_shifts_inside_its_window():
    # 000 · 3.3: pooling gives "平移不变性、旋转不变性和尺度不变性" — only to small shifts within a window.
    pool = nn.MaxPool2d(2)
    image = torch.zeros(1, 1, 8, 8)
    image[0, 0, 2, 2] = 1.0
    inside = torch.roll(image, shifts=(1, 1), dims=(2, 3))  # (3, 3): the same 2×2 window
    across = torch.roll(image, shifts=(2, 0), dims=(2, 3))  # (4, 2): the next window
    assert torch.equal(pool(inside), pool(image))
    assert not torch.equal(pool(across), pool(image))
    torch.manual_seed(0)
    pattern = torch.rand(1, 1, 8, 8)
    rotated = torch.rot90(pattern, 1, dims=(2, 3))
    assert not torch.equal(pool(rotated), pool(pattern))  # not invariant to rotation:
    assert torch.equal(pool(rotated), torch.rot90(pool(pattern), 1, dims=(2, 3)))  # the pooled map rotates with it
    zoomed = F.interpolate(pattern, scale_factor=2, mode="nearest")
    assert pool(zoomed).shape != pool(pattern).shape and torch.equal(pool(zoomed), pattern)  # nor to scale


def test_data_parallel_speedup_stays_below_the_number_of_gpus():
    # 000 · 5.3: DDP "训练效率线性提升" — each step all-reduces the gradients; a ring sends 2(p−1)/p·V per device,
    # which tends to 2V, while the compute per GPU falls as 1/p.
    def ring_traffic(p: int, size: int) -> int:
        """Run a ring all-reduce over p simulated devices; return the elements device 0 sent."""
        rng = np.random.default_rng(p)
        data = rng.normal(size=(p, p * size))
        total = data.sum(axis=0)
        chunks = np.split(np.arange(p * size), p)
        sent = 0
        for phase in ("reduce-scatter", "all-gather"):
            for step in range(p - 1):
                messages = []
                for rank in range(p):  # every device sends one chunk to its right neighbour at once
                    chunk = chunks[(rank - step + (phase == "all-gather")) % p]
                    messages.append(((rank + 1) % p, chunk, data[rank, chunk].copy()))
                sent += len(messages[0][1])
                for target, chunk, values in messages:
                    if phase == "reduce-scatter":
                        data[target, chunk] += values
                    else:
                        data[target, chunk] = values
        assert np.allclose(data, total)  # every device ends with the sum
        return sent

    size = 6
    for p in (2, 3, 4, 6):
        assert ring_traffic(p, size) == 2 * (p - 1) * size  # = 2(p−1)/p · V with V = p·size
    compute, volume, bandwidth = 1.0, 1.0, 10.0  # seconds of compute on one GPU; gradient size; link speed
    speedups = [compute / (compute / p + 2 * (p - 1) / p * volume / bandwidth) for p in (1, 2, 4, 8, 16, 64)]
    assert speedups[0] == 1.0
    assert all(s < p for s, p in zip(speedups[1:], (2, 4, 8, 16, 64)))
    efficiency = [s / p for s, p in zip(speedups, (1, 2, 4, 8, 16, 64))]
    assert all(a > b for a, b in zip(efficiency, efficiency[1:]))  # further from linear as p grows


def test_transformer_decoder_layers_have_masked_self_attention():
    # 001 · 3.11: self-attention "通常用于Transformer的编码器部分" — every decoder layer has it too, masked.
    torch.manual_seed(0)
    layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)
    assert isinstance(layer.self_attn, nn.MultiheadAttention) and isinstance(layer.multihead_attn, nn.MultiheadAttention)
    target, memory = torch.randn(1, 5, 8), torch.randn(1, 7, 8)
    mask = nn.Transformer.generate_square_subsequent_mask(5)
    out = layer(target, memory, tgt_mask=mask)
    changed = target.clone()
    changed[0, 3:] += 1.0  # later positions of the decoder's own input
    again = layer(changed, memory, tgt_mask=mask)
    assert torch.allclose(out[0, :3], again[0, :3], atol=1e-6)  # positions 0–2 attend only to themselves and before
    assert not torch.allclose(out[0, 3:], again[0, 3:])  # self-attention over the decoder's sequence


def test_inference_saves_no_activations_and_the_kv_cache_holds_two_per_layer():
    # 001 · 作业八: inference activations ≈ b·s·h·layers·4 bytes. Under no_grad nothing is saved for a backward
    # pass; what grows with the layers when generating is the KV cache, K and V per layer: twice the formula.
    torch.manual_seed(0)
    batch, seq, hidden, layers = 2, 16, 32, 3
    stack = nn.TransformerEncoder(
        nn.TransformerEncoderLayer(hidden, 4, dim_feedforward=64, dropout=0.0, batch_first=True), layers
    )
    x = torch.randn(batch, seq, hidden)

    def saved_bytes(grad: bool) -> int:
        saved = []
        with torch.set_grad_enabled(grad), torch.autograd.graph.saved_tensors_hooks(
            lambda t: saved.append(t.numel() * t.element_size()) or t, lambda t: t
        ):
            stack(x)
        return sum(saved)

    assert saved_bytes(grad=False) == 0
    assert saved_bytes(grad=True) > batch * seq * hidden * layers * 4
    # a KV cache for the same sizes: one key and one value tensor of b × s × h per layer
    cache = [(torch.empty(batch, seq, hidden), torch.empty(batch, seq, hidden)) for _ in range(layers)]
    cached = sum(k.numel() * k.element_size() + v.numel() * v.element_size() for k, v in cache)
    assert cached == 2 * batch * seq * hidden * layers * 4
    assert 2 * 1 * 512 * 1024 * 24 * 4 / 2**20 == 96  # the card's example: 96 MiB (about 100 MB), not 48


# --- the errata themselves ------------------------------------------------------------------------------------------


def _errata() -> list[tuple[str, Erratum]]:
    found = []
    for name in ("000-aics-answers.yaml", "001-aics-homework.yaml"):
        for card in load_deck(CONTENT / name).cards:
            found.extend((card.id, erratum) for erratum in card.errata)
    return found


def test_every_erratum_check_names_a_test_in_this_file():
    errata = _errata()
    assert errata
    for card_id, erratum in errata:
        path, _, name = erratum.check.partition("::")
        assert path == THIS_FILE, card_id
        assert name.startswith("test_") and callable(globals().get(name)), (card_id, name)
        assert erratum.claim.strip() and erratum.correction.strip(), card_id


def test_the_docstring_counts_the_checked_and_wrong_claims():
    # One test per checked claim (all but the two tests of this section); one erratum per wrong claim.
    checked = int(re.search(r"(\d+) claims checked", __doc__).group(1))
    wrong = int(re.search(r"(\d+) of them wrong", __doc__).group(1))
    claim_tests = [name for name in globals() if name.startswith("test_")]
    assert len(claim_tests) - 2 == checked
    assert len(_errata()) == wrong
    assert len({erratum.check for _, erratum in _errata()}) == wrong
