"""Claims of seeds 002 (dl-topics) and 004 (dl-interview) that can be checked by computation, checked.

The seeds were written by students; every numeric or formula claim that code can decide is computed here
with an independent reference (NumPy, PyTorch's own implementations, closed forms). Where a seed is wrong,
its card carries an ``errata`` entry whose ``check`` names the test below that computes the correction.

72 claims checked (71 test cases; one checks a claim of each seed), 33 of them wrong (each wrong one has
an erratum in content/002-dl-topics.yaml or content/004-dl-interview.yaml). The card a claim comes from is named
in the comment of its test.
"""

import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from tutor.questions.deck import load_deck

CONTENT = Path(__file__).resolve().parents[2] / "content"
THIS_FILE = "tests/questions/test_errata_dl.py"


def _gpt_parameter_count(layers: int, width: int, *, context: int, ffn_linear_layers: int = 2) -> int:
    """Parameters of a GPT-2/GPT-3 style decoder (tied output embedding), built on the meta device."""
    vocabulary = 50257
    with torch.device("meta"):  # shapes only: GPT-3's 175B parameters take no memory
        modules = [nn.Embedding(vocabulary, width), nn.Embedding(context, width), nn.LayerNorm(width)]
        for _ in range(layers):
            modules += [nn.LayerNorm(width), nn.Linear(width, 3 * width), nn.Linear(width, width)]
            modules.append(nn.LayerNorm(width))
            if ffn_linear_layers == 2:
                modules += [nn.Linear(width, 4 * width), nn.Linear(4 * width, width)]
            else:
                modules.append(nn.Linear(width, width))
    return sum(parameter.numel() for module in modules for parameter in module.parameters())


# ---------------------------------------------------------------- seed 002: dl-topics


def test_gradient_descent_oscillates_along_the_steep_direction_with_a_large_step():
    # c002-1: "学习率较大, 模型可能会在陡峭的方向上来回震荡" — full-batch GD, no randomness at all.
    curvature = np.array([1.0, 100.0])  # f(x, y) = (x² + 100 y²) / 2
    point = np.array([1.0, 1.0])
    path = [point]
    for _ in range(10):
        point = point - 0.015 * curvature * point
        path.append(point)
    xs, ys = np.array(path).T
    assert np.all(np.diff(xs) < 0)  # the flat direction moves steadily
    assert np.all(np.sign(ys[1:]) == -np.sign(ys[:-1]))  # the steep one flips sign every step: zigzag


def test_saddle_points_outnumber_minima_in_high_dimension():
    # c002-2: "在高维空间中, 局部最优实际上并不常见, 反而是鞍点更普遍" — share of random symmetric
    # Hessians whose eigenvalues are all positive (a minimum) falls fast with the dimension.
    rng = np.random.default_rng(0)
    shares = []
    for dimension in (1, 2, 3, 4, 6):
        matrices = rng.standard_normal((20000, dimension, dimension))
        hessians = (matrices + matrices.transpose(0, 2, 1)) / 2
        shares.append(np.all(np.linalg.eigvalsh(hessians) > 0, axis=1).mean())
    assert shares[0] == pytest.approx(0.5, abs=0.02)
    assert all(later < earlier for earlier, later in zip(shares, shares[1:]))
    assert shares[-1] < 0.001


def test_gradient_descent_stalls_at_a_saddle_and_noise_lets_it_escape():
    # c002-2: "普通梯度下降在鞍点附近可能会停滞 … SGD的随机扰动可以帮助优化器摆脱鞍点".
    def gradient(point):  # f(x, y) = x² − y², saddle at the origin
        return np.array([2 * point[0], -2 * point[1]])

    rng = np.random.default_rng(0)
    exact, noisy = np.array([1.0, 0.0]), np.array([1.0, 0.0])
    for _ in range(200):
        exact = exact - 0.1 * gradient(exact)
        noisy = noisy - 0.1 * (gradient(noisy) + rng.normal(scale=1e-3, size=2))
    assert np.linalg.norm(exact) < 1e-12  # converged onto the saddle, gradient zero
    assert abs(noisy[1]) > 1.0  # escaped along the descending direction


def test_tanh_output_range_is_the_open_interval():
    # c002-6 says tanh's range is [-1, 1]: 1 − tanh(x) = 2 / (e^{2x} + 1) > 0 for every finite x, and tanh
    # is odd, so ±1 are limits never reached (floats round tanh(20) to 1.0, which hides it on plots).
    xs = np.linspace(0, 350, 3501)
    gap_to_one = 2 / (np.exp(2 * xs) + 1)
    assert np.all(gap_to_one > 0)
    np.testing.assert_allclose(1 - gap_to_one[:100], np.tanh(xs[:100]), atol=1e-15)
    assert np.tanh(20.0) == 1.0  # the rounding that makes the closed interval look right


def test_gpt_layer_counts_match_the_published_parameter_counts():
    # c002-7 table: GPT-2 small 124M/12 layers, medium 355M/24 layers, GPT-3 175B/96 layers.
    assert round(_gpt_parameter_count(12, 768, context=1024) / 1e6) == 124
    assert round(_gpt_parameter_count(24, 1024, context=1024) / 1e6) == 355
    assert round(_gpt_parameter_count(96, 12288, context=2048) / 1e9) == 175


def test_gpt_feed_forward_has_two_linear_layers():
    # c002-7 writes FFN(x) = GELU(Wx + b): one layer. Only W₂·GELU(W₁x + b₁) + b₂ with a 4d hidden layer
    # gives GPT-2 small its 124M parameters; the one-layer version would have 75M.
    assert _gpt_parameter_count(12, 768, context=1024) == 124_439_808
    assert round(_gpt_parameter_count(12, 768, context=1024, ffn_linear_layers=1) / 1e6) == 75


def test_gelu_tanh_formula_is_an_approximation_of_x_phi():
    # c002-7 writes GELU(x) = xΦ(x) = x·½(1 + tanh(√(2/π)(x + 0.044715x³))) as an identity.
    xs = torch.linspace(-8, 8, 16001, dtype=torch.float64)
    exact = xs * 0.5 * (1 + torch.erf(xs / math.sqrt(2)))
    tanh_form = xs * 0.5 * (1 + torch.tanh(math.sqrt(2 / math.pi) * (xs + 0.044715 * xs**3)))
    assert torch.allclose(F.gelu(xs), exact)
    assert torch.allclose(F.gelu(xs, approximate="tanh"), tanh_form)
    largest_gap = (exact - tanh_form).abs().max().item()
    assert 4e-4 < largest_gap < 5e-4  # close, but not equal


def test_gelu_is_smooth_where_relu_has_a_kink():
    # c002-7: "GELU 比ReLU更平滑" — GELU's slope is continuous at 0 (0.5 on both sides), ReLU's jumps 0 → 1.
    # So c004-q8, which recommends "平滑 … 的激活函数(如ReLU或Swish)", is wrong about ReLU.
    def slope(function, at: float) -> float:
        point = torch.tensor(at, dtype=torch.float64, requires_grad=True)
        function(point).backward()
        return point.grad.item()

    assert slope(F.gelu, -1e-6) == pytest.approx(slope(F.gelu, 1e-6), abs=1e-5)
    assert (slope(torch.relu, -1e-6), slope(torch.relu, 1e-6)) == (0.0, 1.0)


def test_attention_formula_matches_torch():
    # c002-7: Attention(Q, K, V) = Softmax(QKᵀ/√d_k)V, and each row of weights sums to 1.
    generator = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 5, 8, generator=generator, dtype=torch.float64) for _ in range(3))
    weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(8), dim=-1)
    assert torch.allclose(weights.sum(dim=-1), torch.ones(2, 5, dtype=torch.float64))
    assert torch.allclose(weights @ v, F.scaled_dot_product_attention(q, k, v))


def test_layernorm_formula_matches_torch():
    # c002-7: LayerNorm(x) = (x − μ)/σ·γ + β, with σ the (biased) standard deviation plus PyTorch's ε.
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(4, 16, generator=generator, dtype=torch.float64)
    gamma, beta = torch.randn(2, 16, generator=generator, dtype=torch.float64)
    mean, var = x.mean(-1, keepdim=True), x.var(-1, unbiased=False, keepdim=True)
    by_formula = (x - mean) / torch.sqrt(var + 1e-5) * gamma + beta
    assert torch.allclose(by_formula, F.layer_norm(x, (16,), gamma, beta, eps=1e-5))


def test_layernorm_is_not_linear():
    # c002-7 calls LayerNorm "线性归一化 … 无非线性": dividing by σ(x) makes it nonlinear.
    generator = torch.Generator().manual_seed(0)
    x, y = torch.randn(2, 16, generator=generator, dtype=torch.float64)
    norm = lambda t: F.layer_norm(t, (16,))  # noqa: E731
    assert torch.allclose(norm(3 * x), norm(x), atol=1e-4)  # scale invariant, so LN(3x) ≠ 3·LN(x)
    assert not torch.allclose(norm(3 * x), 3 * norm(x))
    assert not torch.allclose(norm(x + y), norm(x) + norm(y))


def test_matrix_product_shapes_code_and_operation_count():
    # c002-8: A(m×n)·B(n×p) = C(m×p), C_ij = Σ_k A_ik B_kj, O(mnp); the seed's pure-Python code is right.
    def matrix_multiply(A, B):  # the seed's code, as written
        m, n = len(A), len(A[0])
        n, p = len(B), len(B[0])
        C = [[sum(A[i][k] * B[k][j] for k in range(n)) for j in range(p)] for i in range(m)]
        return C

    rng = np.random.default_rng(0)
    a, b = rng.integers(-9, 10, (4, 5)), rng.integers(-9, 10, (5, 3))
    np.testing.assert_array_equal(np.array(matrix_multiply(a.tolist(), b.tolist())), a @ b)
    A, B = np.random.rand(100, 200), np.random.rand(200, 300)  # the seed's NumPy and PyTorch examples
    assert np.dot(A, B).shape == (100, 300) and np.array_equal(np.dot(A, B), np.matmul(A, B))
    assert torch.matmul(torch.rand(100, 200), torch.rand(200, 300)).shape == (100, 300)

    class Counted(int):
        products = 0

        def __mul__(self, other):
            Counted.products += 1
            return Counted(int(self) * int(other))

    matrix_multiply([[Counted(v) for v in row] for row in a.tolist()], b.tolist())
    assert Counted.products == 4 * 5 * 3  # m·n·p multiplications


def test_a100_has_6912_cuda_cores_not_tens_of_thousands():
    # c002-9: "NVIDIA A100 具有上万 CUDA 核心". NVIDIA's A100 whitepaper: 108 SMs × 64 FP32 cores per SM;
    # the H100 SXM5: 132 SMs × 128.
    a100_cores = 108 * 64
    h100_cores = 132 * 128
    assert a100_cores == 6912 and a100_cores < 10_000
    assert h100_cores == 16_896


# ---------------------------------------------------------------- seed 004: dl-interview


def test_iterations_per_epoch_is_the_ceiling_of_samples_over_batch_size():
    # c004-q3 writes "单次 epoch = (全部训练样本/batch-size)/iteration = 1". A DataLoader over N samples makes
    # ⌈N/B⌉ iterations per epoch (⌊N/B⌋ with drop_last), and fewer as B grows.
    samples = list(range(1000))
    counts = {size: len(torch.utils.data.DataLoader(samples, batch_size=size)) for size in (1, 64, 100, 128)}
    assert counts == {size: math.ceil(1000 / size) for size in counts}
    assert counts[64] == 16 and 1000 / 64 == 15.625
    assert len(torch.utils.data.DataLoader(samples, batch_size=64, drop_last=True)) == 15
    assert counts[1] > counts[64] > counts[100] > counts[128]


def test_larger_batches_give_less_noisy_gradients():
    # c004-q3: "适当的增加Batch_Size, 梯度下降方向准确度增加" — the variance of a mini-batch gradient falls
    # as 1/B (linear regression, batches drawn with replacement).
    rng = np.random.default_rng(0)
    x = rng.standard_normal(10_000)
    y = 2 * x + rng.standard_normal(10_000)
    per_sample = (0.0 * x - y) * x  # gradient of (wx − y)²/2 at w = 0
    variances = []
    for batch in (1, 4, 16):
        draws = rng.integers(0, len(x), (20_000, batch))
        variances.append(per_sample[draws].mean(axis=1).var())
    assert variances[0] / variances[1] == pytest.approx(4, rel=0.1)
    assert variances[1] / variances[2] == pytest.approx(4, rel=0.1)


@pytest.mark.parametrize(
    ("function", "low", "high"),
    [
        (torch.sigmoid, 0.0, 1.0),  # (0, 1)
        (torch.tanh, -1.0, 1.0),  # (−1, 1)
        (torch.relu, 0.0, math.inf),  # [0, ∞)
        (lambda t: F.leaky_relu(t, 0.01), -math.inf, math.inf),  # (−∞, ∞)
    ],
)
def test_activation_output_ranges_in_the_summary_table(function, low, high):
    # c004-q4 summary table (these rows are right): values stay inside and approach both ends.
    xs = torch.linspace(-30, 30, 6001, dtype=torch.float64)
    ys = function(xs)
    assert torch.all(ys >= low) and torch.all(ys <= high)
    # finite ends are approached within 0.02; infinite ends are left far behind (|y| grows with |x|)
    assert ys.min().item() < low + 0.02 if low > -math.inf else ys.min().item() < -0.2
    assert ys.max().item() > high - 0.02 if high < math.inf else ys.max().item() > 29


def test_softmax_outputs_lie_strictly_between_zero_and_one_and_sum_to_one():
    # c004-q4 table (softmax range (0, 1)) and c002-7 ("权重表示为概率, 总和为1").
    logits = torch.tensor([[-20.0, 0.0, 20.0], [1.0, 2.0, 3.0]], dtype=torch.float64)
    probabilities = torch.softmax(logits, dim=-1)
    assert torch.all(probabilities > 0) and torch.all(probabilities < 1)
    assert torch.allclose(probabilities.sum(-1), torch.ones(2, dtype=torch.float64))


def test_swish_is_bounded_below():
    # c004-q4 table gives Swish the range (−∞, ∞). x·sigmoid(βx) has a minimum −0.2785/β at x = −1.2785/β.
    xs = torch.linspace(-20, 20, 400_001, dtype=torch.float64)
    for beta in (1.0, 2.0):
        ys = xs * torch.sigmoid(beta * xs)
        assert ys.min().item() == pytest.approx(-0.278465 / beta, abs=1e-5)
        assert xs[ys.argmin()].item() == pytest.approx(-1.2785 / beta, abs=1e-3)
    assert torch.allclose(F.silu(xs), xs * torch.sigmoid(xs))  # β = 1 is PyTorch's SiLU


def test_tanh_formula_and_zero_centred_outputs():
    # c004-q4: tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ), zero-centred; sigmoid is not (σ(0) = 0.5).
    xs = np.linspace(-5, 5, 101)
    np.testing.assert_allclose((np.exp(xs) - np.exp(-xs)) / (np.exp(xs) + np.exp(-xs)), np.tanh(xs))
    np.testing.assert_allclose(np.tanh(-xs), -np.tanh(xs))
    assert torch.sigmoid(torch.tensor(0.0)).item() == 0.5


def test_relu_gradient_is_one_for_positive_inputs():
    # c004-q4/q7/q36: "正值区域的梯度始终为1".
    xs = torch.linspace(0.01, 100, 1000, requires_grad=True)
    torch.relu(xs).sum().backward()
    assert torch.all(xs.grad == 1)


def test_exponentially_weighted_average_closed_form():
    # c004-q6: θ_t = βθ_{t−1} + (1−β)v_t with θ_0 = 0 expands to Σ β^{t−i}(1−β)v_i; β = 0 keeps only v_t.
    rng = np.random.default_rng(0)
    temperatures = rng.normal(20, 5, 30)
    for beta in (0.0, 0.5, 0.9):
        theta = 0.0
        for value in temperatures:
            theta = beta * theta + (1 - beta) * value
        t = len(temperatures)
        weights = np.array([beta ** (t - i) * (1 - beta) for i in range(1, t + 1)])
        assert theta == pytest.approx(weights @ temperatures)
        if beta:
            np.testing.assert_allclose(weights[:-1] / weights[1:], beta)  # decays by β per day
        else:
            assert theta == temperatures[-1]  # β = 0 ignores all history


def test_sigmoid_derivative_formula_and_its_maximum_of_a_quarter():
    # c004-q7: σ'(x) = σ(x)(1 − σ(x)), small for large |x|; its largest value is 1/4 at 0, tanh's is 1 at 0.
    xs = torch.linspace(-10, 10, 2001, dtype=torch.float64, requires_grad=True)
    torch.sigmoid(xs).sum().backward()
    sigma = torch.sigmoid(xs.detach())
    assert torch.allclose(xs.grad, sigma * (1 - sigma))
    assert xs.grad.max().item() == pytest.approx(0.25) and xs.grad[1000].item() == pytest.approx(0.25)
    assert xs.grad[0].item() < 1e-4
    tanh_slope = 1 - torch.tanh(xs.detach()) ** 2
    assert tanh_slope.max().item() == pytest.approx(1.0) and torch.all(tanh_slope <= 1)


def test_rnn_gradient_is_a_sum_over_time_not_a_product():
    # c004-q7 writes ∂L/∂W = Π_t ∂h_t/∂h_{t−1}. For h_t = tanh(w·h_{t−1} + x_t), L = h_T, backpropagation
    # through time gives a sum over t of (Π_{k>t} ∂h_k/∂h_{k−1})·∂h_t/∂w.
    xs = torch.tensor([0.5, -0.3, 0.8, 0.1, -0.6], dtype=torch.float64)
    w = torch.tensor(0.9, dtype=torch.float64, requires_grad=True)
    hidden = [torch.tensor(0.2, dtype=torch.float64)]
    for x in xs:
        hidden.append(torch.tanh(w * hidden[-1] + x))
    hidden[-1].backward()

    h = [value.item() for value in hidden]
    slope = [1 - value**2 for value in h]  # tanh' at each step, as a function of h_t
    jacobians = [slope[t] * w.item() for t in range(1, len(h))]  # ∂h_t/∂h_{t−1}
    bptt = sum(math.prod(jacobians[t:]) * slope[t] * h[t - 1] for t in range(1, len(h)))
    assert w.grad.item() == pytest.approx(bptt)
    assert w.grad.item() != pytest.approx(math.prod(jacobians))


def test_xavier_uniform_bound():
    # c004-q7: Xavier W ~ U[−√(6/(n_in+n_out)), √(6/(n_in+n_out))], variance 2/(n_in+n_out).
    torch.manual_seed(0)
    weight = nn.init.xavier_uniform_(torch.empty(300, 500))
    bound = math.sqrt(6 / (300 + 500))
    assert weight.abs().max().item() <= bound
    assert weight.abs().max().item() == pytest.approx(bound, rel=1e-3)
    assert weight.var().item() == pytest.approx(2 / 800, rel=0.02)


def test_he_initialisation_variance_is_two_over_fan_in():
    # c004-q7 writes He as N(0, √(2/n_in)); in the usual N(μ, σ²) notation that is the wrong parameter:
    # the variance is 2/n_in, the standard deviation √(2/n_in).
    torch.manual_seed(0)
    fan_in = 512
    weight = nn.init.kaiming_normal_(torch.empty(1024, fan_in), nonlinearity="relu")
    assert weight.var().item() == pytest.approx(2 / fan_in, rel=0.02)
    assert weight.std().item() == pytest.approx(math.sqrt(2 / fan_in), rel=0.01)
    assert weight.var().item() < 0.1 * math.sqrt(2 / fan_in)


def test_batchnorm_output_has_zero_mean_and_unit_variance():
    # c004-q7: "对每一层的输入进行标准化, 使其均值为0, 方差为1" (before the learned scale and shift).
    torch.manual_seed(0)
    x = 5 + 3 * torch.randn(256, 8, dtype=torch.float64)
    y = nn.BatchNorm1d(8, affine=False, dtype=torch.float64).train()(x)
    assert torch.allclose(y.mean(0), torch.zeros(8, dtype=torch.float64), atol=1e-12)
    assert torch.allclose(y.var(0, unbiased=False), torch.ones(8, dtype=torch.float64), atol=1e-3)


def test_gradient_clipping_leaves_small_gradients_unchanged():
    # c004-q7 lists clipping as a cure for vanishing gradients ("避免梯度在某些层中变得极小"). Clipping only
    # shrinks gradients whose norm exceeds the threshold; a tiny gradient comes out exactly as it went in.
    parameter = nn.Parameter(torch.zeros(4))
    parameter.grad = torch.full((4,), 1e-8)
    nn.utils.clip_grad_norm_([parameter], max_norm=1.0)
    assert torch.equal(parameter.grad, torch.full((4,), 1e-8))
    parameter.grad = torch.full((4,), 10.0)
    nn.utils.clip_grad_norm_([parameter], max_norm=1.0)
    assert parameter.grad.norm().item() == pytest.approx(1.0, rel=1e-5)


def test_clipping_formula_matches_torch():
    # c004-q8: g ← g / max(1, ‖g‖/τ).
    generator = torch.Generator().manual_seed(0)
    for scale in (0.1, 10.0):
        gradient = scale * torch.randn(10, generator=generator)
        by_formula = gradient / max(1.0, gradient.norm().item() / 1.0)
        parameter = nn.Parameter(torch.zeros(10))
        parameter.grad = gradient.clone()
        nn.utils.clip_grad_norm_([parameter], max_norm=1.0)
        assert torch.allclose(parameter.grad, by_formula, rtol=1e-5)


def test_layer_factors_above_one_make_gradients_grow_exponentially():
    # c004-q8: "如果每一层的梯度的绝对值大于 1, 则在层数较多时, 梯度值会呈指数级增长".
    for depth in (10, 50):
        x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
        out = x
        for _ in range(depth):
            out = 1.1 * out
        out.backward()
        assert x.grad.item() == pytest.approx(1.1**depth)
    assert 1.1**50 > 100


def test_softmax_never_amplifies_gradients():
    # c004-q8 table names softmax ("指数增长的函数") as a cause of exploding gradients. Its Jacobian
    # diag(s) − ssᵀ has spectral norm ≤ 1/2, so backpropagating through it shrinks any gradient.
    generator = torch.Generator().manual_seed(0)
    largest = 0.0
    for scale in (0.1, 1.0, 10.0, 100.0):
        for _ in range(50):
            logits = scale * torch.randn(6, generator=generator, dtype=torch.float64)
            jacobian = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), logits)
            largest = max(largest, torch.linalg.matrix_norm(jacobian, ord=2).item())
    assert largest <= 0.5 + 1e-12
    two_way_tie = torch.tensor([0.0, 0.0, -50.0], dtype=torch.float64)
    jacobian = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), two_way_tie)
    assert torch.linalg.matrix_norm(jacobian, ord=2).item() == pytest.approx(0.5)


def test_embedding_lookup_is_a_one_hot_matrix_product():
    # c004-q9: an embedding maps the one-hot vector to a dense low-dimensional one: onehot(i)·W = W[i].
    torch.manual_seed(0)
    embedding = nn.Embedding(1000, 16)
    indices = torch.tensor([3, 999, 0])
    one_hot = F.one_hot(indices, 1000).float()
    assert torch.allclose(embedding(indices), one_hot @ embedding.weight)


def test_perceptron_finds_a_separating_hyperplane():
    # c004-q12: outputs ±1 and learns w, b until positive and negative samples are separated.
    rng = np.random.default_rng(0)
    points = rng.uniform(-1, 1, (200, 2))
    labels = np.where(points @ np.array([1.0, -2.0]) + 0.3 > 0, 1, -1)
    keep = np.abs(points @ np.array([1.0, -2.0]) + 0.3) > 0.05  # a margin, so convergence is guaranteed
    points, labels = points[keep], labels[keep]
    w, b = np.zeros(2), 0.0
    for _ in range(1000):
        mistakes = 0
        for point, label in zip(points, labels):
            if label * (w @ point + b) <= 0:
                w, b, mistakes = w + label * point, b + label, mistakes + 1
        if not mistakes:
            break
    assert np.array_equal(np.sign(points @ w + b), labels)


def test_one_by_one_convolution_changes_channels_only():
    # c004-q15: (C_in, H, W) → (C_out, H, W); at each pixel a weighted sum over all input channels.
    torch.manual_seed(0)
    conv = nn.Conv2d(256, 64, kernel_size=1)
    x = torch.randn(1, 256, 7, 9)
    y = conv(x)
    assert y.shape == (1, 64, 7, 9)
    per_pixel = torch.einsum("oc,nchw->nohw", conv.weight[:, :, 0, 0], x) + conv.bias[None, :, None, None]
    assert torch.allclose(y, per_pixel, atol=1e-5)


def test_one_by_one_kernel_has_an_input_channel_axis():
    # c004-q15 gives the kernel the shape (c_out, 1, 1); to sum over c_in channels it is (c_out, c_in, 1, 1).
    conv = nn.Conv2d(256, 64, kernel_size=1)
    assert conv.weight.shape == (64, 256, 1, 1)
    assert sum(p.numel() for p in conv.parameters()) == 64 * 256 + 64


def test_bottleneck_cuts_the_cost_of_the_following_convolution():
    # c004-q15: reducing 256 → 64 channels first makes the 3×3 convolution much cheaper (FLOPs counted
    # by PyTorch's FlopCounterMode).
    from torch.utils.flop_counter import FlopCounterMode

    def flops(module: nn.Module) -> int:
        with FlopCounterMode(display=False) as counter:
            module(torch.randn(1, 256, 14, 14))
        return counter.get_total_flops()

    direct = nn.Conv2d(256, 256, 3, padding=1)
    bottleneck = nn.Sequential(nn.Conv2d(256, 64, 1), nn.Conv2d(64, 256, 3, padding=1))
    assert flops(direct) == 2 * 14 * 14 * 256 * 256 * 9
    assert flops(direct) / flops(bottleneck) == pytest.approx(589_824 / 163_840)  # 3.6× fewer


def test_convolution_with_a_full_size_kernel_equals_a_fully_connected_layer():
    # c004-q22: kernel as large as the input and as many channels as neurons ⇒ same as a dense layer.
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 10, kernel_size=5)
    dense = nn.Linear(3 * 5 * 5, 10)
    with torch.no_grad():
        dense.weight.copy_(conv.weight.reshape(10, -1))
        dense.bias.copy_(conv.bias)
    x = torch.randn(4, 3, 5, 5)
    assert torch.allclose(conv(x).reshape(4, 10), dense(x.reshape(4, -1)), atol=1e-6)


def test_optimal_discriminator_outputs_one_half_when_generator_matches_data():
    # c004-q20: at the ideal equilibrium D(G(z)) = 0.5. Pointwise, max_D p·log D + q·log(1−D) is at
    # D = p/(p+q), which is 1/2 when the generator's density q equals the data's p.
    grid = np.linspace(1e-4, 1 - 1e-4, 99_999)
    for p, q in ((0.3, 0.3), (0.6, 0.2)):
        best = grid[np.argmax(p * np.log(grid) + q * np.log(1 - grid))]
        assert best == pytest.approx(p / (p + q), abs=1e-4)
    assert grid[np.argmax(0.3 * np.log(grid) + 0.3 * np.log(1 - grid))] == pytest.approx(0.5, abs=1e-4)


def test_value_function_falls_as_the_generator_fools_the_discriminator():
    # c004-q20: "G希望D(G(z))尽可能得大, 这时V(D,G)会变小" — log(1 − D(G(z))) decreases in D(G(z)).
    fooled = np.linspace(0.01, 0.99, 99)
    assert np.all(np.diff(np.log(1 - fooled)) < 0)


def test_discriminator_descends_its_loss():
    # c004-q20 updates θ_D ← θ_D + η∇L_D with L_D = −E[log D(x)] − E[log(1 − D(G(z)))], a loss. Adding its
    # gradient makes the discriminator worse; the step is θ_D − η∇L_D (equivalently ascent on V).
    torch.manual_seed(0)
    real, fake = torch.randn(256, 1) + 2.0, torch.randn(256, 1) - 2.0
    discriminator = nn.Linear(1, 1)

    def loss() -> torch.Tensor:
        return -(torch.log(torch.sigmoid(discriminator(real))).mean()
                 + torch.log(1 - torch.sigmoid(discriminator(fake))).mean())  # fmt: skip

    start = loss()
    gradients = torch.autograd.grad(start, list(discriminator.parameters()))
    results = {}
    for sign in (+1, -1):
        with torch.no_grad():
            for parameter, gradient in zip(discriminator.parameters(), gradients):
                parameter.add_(sign * 0.1 * gradient)
            results[sign] = loss().item()
            for parameter, gradient in zip(discriminator.parameters(), gradients):
                parameter.sub_(sign * 0.1 * gradient)
    assert results[+1] > start.item() > results[-1]


def test_batchnorm_inference_does_not_depend_on_the_batch():
    # c004-q25 says BN's "推理结果取决于batch大小". In eval mode BN uses the running statistics, so a
    # sample's output is the same alone or in any batch; only training-mode outputs depend on the batch.
    torch.manual_seed(0)
    norm = nn.BatchNorm1d(4)
    for _ in range(20):
        norm(torch.randn(32, 4) * 3 + 1)
    norm.eval()
    batch = torch.randn(64, 4)
    assert torch.allclose(norm(batch[:1]), norm(batch)[:1])
    norm.train()
    assert not torch.allclose(norm(batch[:2]), norm(batch)[:2])


def test_batchnorm_keeps_two_numbers_per_channel_whatever_it_has_seen():
    # c004-q25 says "所有batch处理的统计信息需要存储在该层中". BN keeps a running mean and variance per
    # channel (plus a counter), updated in place: the state does not grow with the batches processed.
    norm = nn.BatchNorm2d(16)
    sizes_before = {name: buffer.numel() for name, buffer in norm.named_buffers()}
    for _ in range(10):
        norm(torch.randn(8, 16, 5, 5))
    assert {name: buffer.numel() for name, buffer in norm.named_buffers()} == sizes_before
    assert sizes_before == {"running_mean": 16, "running_var": 16, "num_batches_tracked": 1}


def test_normalizations_reduce_over_the_axes_of_an_n_c_hw_cube():
    # c004-q33: BN averages over (N, H, W) per channel, LN over (C, H, W) per sample, IN over (H, W),
    # GN over (C/G, H, W). The figure's cube therefore has the axes N, C and H·W (the seed says batch×H×W).
    torch.manual_seed(0)
    x = torch.randn(4, 6, 3, 5, dtype=torch.float64)

    def standardise(t: torch.Tensor, dims: tuple[int, ...]) -> torch.Tensor:
        mean = t.mean(dims, keepdim=True)
        return (t - mean) / torch.sqrt(t.var(dims, unbiased=False, keepdim=True) + 1e-5)

    assert torch.allclose(F.batch_norm(x, None, None, training=True), standardise(x, (0, 2, 3)))
    assert torch.allclose(F.layer_norm(x, (6, 3, 5)), standardise(x, (1, 2, 3)))
    assert torch.allclose(F.instance_norm(x), standardise(x, (2, 3)))
    grouped = standardise(x.reshape(4, 2, 3, 3, 5), (2, 3, 4)).reshape(x.shape)
    assert torch.allclose(F.group_norm(x, 2), grouped)


def test_convolution_is_a_product_in_the_frequency_domain():
    # c004-q37: transform input and filter with the FFT, multiply, transform back. (CNN layers compute a
    # cross-correlation, which is a convolution with the flipped kernel.)
    torch.manual_seed(0)
    signal, kernel = torch.randn(32, dtype=torch.float64), torch.randn(5, dtype=torch.float64)
    size = 32 + 5 - 1  # zero-pad so the circular FFT convolution equals the linear one
    by_fft = torch.fft.irfft(torch.fft.rfft(signal, size) * torch.fft.rfft(kernel.flip(0), size), size)
    direct = F.conv1d(signal[None, None], kernel[None, None])[0, 0]
    assert torch.allclose(by_fft[4:32], direct)


def test_residual_addition_has_no_parameters_and_dense_concatenation_grows_channels():
    # c004-q40: ResNet adds (no extra parameters); DenseNet concatenates feature maps instead of summing.
    torch.manual_seed(0)
    block = nn.Conv2d(8, 8, 3, padding=1)
    x = torch.randn(1, 8, 6, 6)
    residual = x + block(x)
    dense = torch.cat([x, block(x)], dim=1)
    assert residual.shape == x.shape and dense.shape == (1, 16, 6, 6)
    assert sum(p.numel() for p in block.parameters()) == 8 * 8 * 9 + 8  # the shortcut adds none


def test_sgd_update_rule_for_linear_regression():
    # c004-q48: θ_j ← θ_j + α(y − h_θ(x))x_j is a gradient step on (y − θᵀx)²/2 for one sample.
    torch.manual_seed(0)
    theta = torch.randn(3, dtype=torch.float64, requires_grad=True)
    x, y = torch.randn(3, dtype=torch.float64), torch.tensor(0.7, dtype=torch.float64)
    ((y - theta @ x) ** 2 / 2).backward()
    by_formula = theta.detach() + 0.1 * (y - theta.detach() @ x) * x
    assert torch.allclose(theta.detach() - 0.1 * theta.grad, by_formula)


def _run(optimizer_class, steps: int = 5, **options) -> torch.Tensor:
    """Parameters after a few steps of a torch optimizer on f(θ) = Σ θ⁴/4 (gradient θ³)."""
    parameter = nn.Parameter(torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64))
    optimizer = optimizer_class([parameter], **options)
    for _ in range(steps):
        optimizer.zero_grad()
        (parameter**4 / 4).sum().backward()
        optimizer.step()
    return parameter.detach()


def test_momentum_formula_matches_torch():
    # c004-q48: v_t = γv_{t−1} + η∇L, θ ← θ − v_t (PyTorch keeps v/η instead of v: the same steps).
    theta, velocity = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64), 0.0
    for _ in range(5):
        velocity = 0.9 * velocity + 0.01 * theta**3
        theta = theta - velocity
    assert torch.allclose(theta, _run(torch.optim.SGD, lr=0.01, momentum=0.9))


def test_adagrad_formula_matches_torch_and_its_step_shrinks():
    # c004-q48: θ ← θ − η/√(G_t + ε)·g with G_t the running sum of squared gradients; with a constant
    # gradient the step is η/√t, so the learning rate keeps falling.
    theta, total = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64), 0.0
    for _ in range(5):
        gradient = theta**3
        total = total + gradient**2
        theta = theta - 0.1 / torch.sqrt(total + 1e-20) * gradient
    assert torch.allclose(theta, _run(torch.optim.Adagrad, lr=0.1, eps=1e-10))
    steps = [0.1 / math.sqrt(t) for t in range(1, 6)]  # constant gradient 1
    assert all(later < earlier for earlier, later in zip(steps, steps[1:]))


def test_rmsprop_formula_matches_torch():
    # c004-q48: G_t = γG_{t−1} + (1−γ)g², θ ← θ − η/√(G_t + ε)·g.
    theta, average = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64), 0.0
    for _ in range(5):
        gradient = theta**3
        average = 0.9 * average + 0.1 * gradient**2
        theta = theta - 0.01 / torch.sqrt(average + 1e-20) * gradient
    assert torch.allclose(theta, _run(torch.optim.RMSprop, lr=0.01, alpha=0.9, eps=1e-10))


def test_adam_formula_matches_torch():
    # c004-q48: first and second moments, bias-corrected, θ ← θ − η·m̂/(√v̂ + ε).
    theta, m, v = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64), 0.0, 0.0
    for t in range(1, 6):
        gradient = theta**3
        m = 0.9 * m + 0.1 * gradient
        v = 0.999 * v + 0.001 * gradient**2
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        theta = theta - 0.01 * m_hat / (torch.sqrt(v_hat) + 1e-8)
    assert torch.allclose(theta, _run(torch.optim.Adam, lr=0.01, betas=(0.9, 0.999), eps=1e-8))


@pytest.mark.parametrize(
    ("dtype", "exponent_bits", "mantissa_bits", "bias"),
    [(torch.float16, 5, 10, 15), (torch.bfloat16, 8, 7, 127)],
)
def test_sixteen_bit_float_layouts(dtype, exponent_bits, mantissa_bits, bias):
    # c004-q49: FP16 has 1 sign, 5 exponent, 10 mantissa bits; BF16 has 1, 8, 7 — read from the bit patterns.
    one = torch.tensor(1.0, dtype=dtype).view(torch.int16).item()
    assert one == bias << mantissa_bits  # exponent field holds the bias, mantissa is zero
    assert torch.finfo(dtype).eps == 2.0**-mantissa_bits
    assert 1 + exponent_bits + mantissa_bits == torch.finfo(dtype).bits == 16


def test_sixteen_bit_exponent_ranges():
    # c004-q49: normal exponents span about [−14, 15] in FP16 and [−126, 127] in BF16 (as in FP32).
    for dtype, low, high in ((torch.float16, -14, 15), (torch.bfloat16, -126, 127)):
        info = torch.finfo(dtype)
        assert info.tiny == 2.0**low
        assert 2.0**high <= info.max < 2.0 ** (high + 1)
    assert torch.finfo(torch.bfloat16).tiny == torch.finfo(torch.float32).tiny


def test_bf16_range_is_far_more_than_twice_fp16():
    # c004-q49: "[-126, 127]. 这是FP16的两倍". BF16 has 254 normal exponents to FP16's 30 (8.5×), and its
    # largest/smallest normal ratio is 2^254 against 2^30: about 10^76 against 10^9.
    def normal_exponents(dtype: torch.dtype) -> int:
        info = torch.finfo(dtype)
        return math.floor(math.log2(info.max)) - round(math.log2(info.tiny)) + 1

    assert (normal_exponents(torch.float16), normal_exponents(torch.bfloat16)) == (30, 254)
    fp16, bf16 = torch.finfo(torch.float16), torch.finfo(torch.bfloat16)
    assert math.log10(bf16.max / bf16.tiny) > 76 and math.log10(fp16.max / fp16.tiny) < 9.1


def test_fp16_underflows_and_overflows_where_bf16_does_not_but_is_more_precise():
    # c004-q49: FP16 gradients underflow/overflow (hence loss scaling); BF16 keeps the range but has the
    # coarser mantissa ("FP16 尾数精度较高").
    small, large = torch.tensor(1e-8), torch.tensor(70_000.0)
    assert small.half().item() == 0.0 and math.isinf(large.half().item())
    assert small.bfloat16().item() == pytest.approx(1e-8, rel=0.01)
    assert large.bfloat16().item() == pytest.approx(70_000, rel=0.01)
    value = torch.tensor(1.0 + 1 / 512)
    assert value.half().item() == 1.0 + 1 / 512 and value.bfloat16().item() == 1.0


# ---------------------------------------------------------------- second audit: claims of 002 found wrong on a re-reading


def test_full_batch_gradient_descent_zigzags_on_an_ill_conditioned_valley():
    # c002-1 blames the zigzag on the randomness of minibatches; exact gradients zigzag too when the valley is steep
    # in one direction (curvature 50) and flat in the other (curvature 1): condition number 50, no noise at all.
    curvature = np.array([1.0, 50.0])
    lr = 2 / (curvature.min() + curvature.max())  # the best fixed step for this quadratic
    point = np.array([1.0, 1.0])
    path = [point]
    for _ in range(20):
        point = point - lr * curvature * point  # gradient of ½ Σ c_i x_i²
        path.append(point)
    steep = np.array([p[1] for p in path])
    flat = np.array([p[0] for p in path])
    assert np.all(np.sign(steep[1:]) == -np.sign(steep[:-1]))  # crosses the valley floor at every step
    assert np.all(np.diff(flat) < 0) and np.all(flat > 0)  # while creeping monotonically along the flat direction


def test_choosing_by_test_score_makes_the_test_score_optimistic():
    # c002-4 says tuning on the test set "损害模型的泛化能力"; what it ruins first is the test score as an estimate.
    rng = np.random.default_rng(0)
    x_test, x_fresh = rng.normal(size=(100, 10)), rng.normal(size=(20000, 10))
    y_test, y_fresh = rng.integers(0, 2, 100), rng.integers(0, 2, 20000)  # labels are pure noise
    candidates = rng.normal(size=(200, 10))  # 200 "hyper-parameter settings", each a linear classifier
    test_scores = ((x_test @ candidates.T > 0) == y_test[:, None]).mean(axis=0)
    best = candidates[test_scores.argmax()]
    fresh_score = ((x_fresh @ best > 0) == y_fresh).mean()
    assert test_scores.max() > 0.6  # what the test set reports for the chosen setting
    assert abs(fresh_score - 0.5) < 0.02  # what it really does on new data: chance, as every candidate


def test_residual_blocks_still_run_one_after_another():
    # c002-5: residual connections "减少层间依赖，提高并行性" — block 2 still consumes block 1's output.
    torch.manual_seed(0)
    blocks = [nn.Sequential(nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 8)) for _ in range(2)]
    x = torch.randn(4, 8)

    def forward() -> torch.Tensor:
        h = blocks[0](x) + x  # H(x) = F(x) + x
        return blocks[1](h) + h

    before = forward()
    with torch.no_grad():
        blocks[0][0].weight.add_(0.1)
    assert not torch.allclose(forward(), before)


def test_attention_computes_every_position_at_once_but_layers_in_turn():
    # c002-5: Transformers are more parallel "因为它不依赖固定的逐层操作" — no: layers still run in turn; what is
    # parallel is every position of a layer at once (an RNN must wait for step t-1).
    torch.manual_seed(0)
    layers = [nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True) for _ in range(2)]
    x = torch.randn(1, 6, 8)
    attention = layers[0].self_attn
    together, _ = attention(x, x, x)
    for t in range(6):  # each position's output from its own query alone: no position waits for another
        alone, _ = attention(x[:, t : t + 1], x, x)
        assert torch.allclose(together[:, t : t + 1], alone, atol=1e-6)
    before = layers[1](layers[0](x))
    with torch.no_grad():
        layers[0].linear1.weight.add_(0.1 * torch.randn_like(layers[0].linear1.weight))
    assert not torch.allclose(layers[1](layers[0](x)), before)  # layer 2 depends on layer 1's output


def test_the_original_transformer_feed_forward_uses_relu():
    # c002-7: "Transformer默认使用GELU" — Vaswani et al. 2017: FFN(x) = max(0, xW1 + b1)W2 + b2. PyTorch's
    # TransformerEncoderLayer follows the paper and defaults to ReLU; GELU came with GPT and BERT.
    import inspect

    assert inspect.signature(nn.TransformerEncoderLayer.__init__).parameters["activation"].default is F.relu
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True).eval()
    x = torch.randn(1, 3, 8)
    attended = layer.norm1(x + layer.self_attn(x, x, x)[0])
    relu_ffn = layer.linear2(torch.relu(layer.linear1(attended)))
    gelu_ffn = layer.linear2(F.gelu(layer.linear1(attended)))
    assert torch.allclose(layer(x), layer.norm2(attended + relu_ffn), atol=1e-5)
    assert not torch.allclose(layer(x), layer.norm2(attended + gelu_ffn), atol=1e-3)


def test_gpt4_layer_count_is_not_published():
    # c002-7 lists GPT-4 with "100+ 层". The GPT-4 Technical Report (OpenAI 2023, §2): "this report contains no
    # further details about the architecture (including model size), hardware, training compute ...". The card's own
    # table has "?" for the parameter count; the layer count is no better known.
    card = next(card for card in load_deck(CONTENT / "002-dl-topics.yaml").cards if card.id == "c002-7")
    row = next(line for line in card.answer.splitlines() if line.startswith("| GPT-4 "))
    assert row.split("|")[2].strip() == "?"
    erratum = next(erratum for erratum in card.errata if "GPT-4" in erratum.claim)
    assert "技术报告" in erratum.correction and "没有公布" in erratum.correction


def test_numpy_matmul_runs_on_a_cpu_blas():
    # c002-8: NumPy "可使用 GPU 加速（如 NVIDIA cuBLAS）" — NumPy arrays live in host memory and np.matmul calls
    # the CPU BLAS NumPy was built with.
    product = np.ones((4, 4)) @ np.ones((4, 4))
    assert product.device == "cpu" and np.ones(3).device == "cpu"
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    assert blas["found"] and not re.search("cuda|cublas|gpu", str(blas), re.IGNORECASE)
    with pytest.raises(ValueError):
        np.ones(3).to_device("cuda")  # the array API's only device for NumPy is "cpu"


# ---------------------------------------------------------------- second audit: claims of 004 found wrong on a re-reading


def test_decoding_random_codes_of_a_plain_autoencoder_does_not_give_data():
    # c004-q23, c004-q27: "GAN与AE同属于生成模型" — a plain autoencoder has no distribution of codes to sample from.
    # Data on a circle of radius 3 around (5, 5), embedded in 10-D; the optimal linear autoencoder with 2-D codes
    # (principal components) reconstructs it exactly, yet decoding codes drawn from N(0, I) lands inside the circle.
    rng = np.random.default_rng(0)
    angle = rng.uniform(0, 2 * np.pi, 500)
    plane = np.stack([5 + 3 * np.cos(angle), 5 + 3 * np.sin(angle)], axis=1)
    embed = np.linalg.qr(rng.normal(size=(10, 2)))[0].T  # 2 → 10, orthonormal rows
    data = plane @ embed
    mean = data.mean(axis=0)
    _, _, vt = np.linalg.svd(data - mean, full_matrices=False)
    encode = lambda x: (x - mean) @ vt[:2].T  # noqa: E731
    decode = lambda z: z @ vt[:2] + mean  # noqa: E731
    assert np.allclose(decode(encode(data)), data)  # a perfect autoencoder
    samples = decode(rng.normal(size=(500, 2)))
    nearest = np.min(np.linalg.norm(samples[:, None, :] - data[None, :, :], axis=2), axis=1)
    assert np.median(nearest) > 1.0  # typical sample lies far off the data (radius 3 circle)


def test_the_vae_objective_is_a_lower_bound_of_the_likelihood():
    # c004-q27: "VAE通过优化似然函数" — it maximises the ELBO ≤ log p(x). Linear-Gaussian model where everything is
    # closed form: z ~ N(0, 1), x | z ~ N(w z, s²), so p(x) = N(0, w² + s²) and the posterior is Gaussian.
    w, s, x = 2.0, 0.5, 1.3
    log_px = -0.5 * math.log(2 * math.pi * (w**2 + s**2)) - x**2 / (2 * (w**2 + s**2))

    def elbo(m: float, v: float) -> float:  # q(z|x) = N(m, v)
        expected_log_lik = -0.5 * math.log(2 * math.pi * s**2) - ((x - w * m) ** 2 + w**2 * v) / (2 * s**2)
        kl = 0.5 * (v + m**2 - 1 - math.log(v))
        return expected_log_lik - kl

    post_v = 1 / (1 + w**2 / s**2)
    post_m = post_v * w * x / s**2
    for m, v in [(0.0, 1.0), (0.5, 0.1), (post_m, 2 * post_v)]:
        assert elbo(m, v) < log_px
    assert math.isclose(elbo(post_m, post_v), log_px, rel_tol=1e-12)  # equal only at the true posterior


def test_gradient_descent_learns_the_parameters_and_leaves_the_hyperparameters():
    # c004-q48: SGD "调整超参数 θ" — θ is the learned parameter; the step size α is a hyper-parameter.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = x @ np.array([1.0, -2.0, 0.5])
    theta, alpha = np.zeros(3), 0.05
    for i in rng.integers(0, 200, 3000):  # θ_j ← θ_j + α(y − h_θ(x)) x_j, one sample at a time
        theta = theta + alpha * (y[i] - x[i] @ theta) * x[i]
    assert np.allclose(theta, np.linalg.lstsq(x, y, rcond=None)[0], atol=1e-3)  # learned from the data
    assert alpha == 0.05  # never touched by the updates
    model = nn.Linear(3, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    assert {id(p) for p in model.parameters()} == {id(p) for p in optimizer.param_groups[0]["params"]}
    assert all(p.requires_grad for p in model.parameters()) and optimizer.param_groups[0]["lr"] == 0.05


def test_bf16_avoids_underflow_but_not_vanishing_gradients():
    # c004-q49: "BF16的较大指数范围使其适合处理梯度消失/爆炸问题" — a wider exponent avoids underflow of small
    # values; it does not change how fast a gradient shrinks through the layers.
    tiny = torch.tensor(1e-8)
    assert tiny.half().item() == 0.0 and tiny.bfloat16().item() > 0  # FP16 underflows, BF16 represents it
    factor = torch.tensor(0.25)  # sigmoid'(0): the largest a sigmoid layer passes back
    grad32, grad16 = torch.tensor(1.0), torch.tensor(1.0, dtype=torch.bfloat16)
    for _ in range(30):
        grad32, grad16 = grad32 * factor, grad16 * factor.bfloat16()
    assert math.isclose(grad16.float().item(), grad32.item(), rel_tol=1e-2)
    assert grad16.float().item() < 1e-17  # vanished just the same: 0.25³⁰ ≈ 8.7e-19


def test_image_classification_error_falls_with_depth():
    # c002-6 lists "2D图像分类" among the tasks for shallow networks, while the same card puts image recognition
    # among the complex tasks that need deep ones (ResNet-50). ImageNet top-5 validation error of single models:
    # AlexNet (Krizhevsky et al. 2012, Table 2) and ResNet-34/50/101/152 (He et al. 2016, Table 4).
    top5 = {8: 18.2, 34: 5.71, 50: 5.25, 101: 4.60, 152: 4.49}
    depths = sorted(top5)
    assert all(top5[a] > top5[b] for a, b in zip(depths, depths[1:]))
    card = next(card for card in load_deck(CONTENT / "002-dl-topics.yaml").cards if card.id == "c002-6")
    complex_tasks = next(line for line in card.answer.splitlines() if line.startswith("- **复杂任务**"))
    assert "图像识别" in complex_tasks and "ResNet-50" in complex_tasks


def test_sgd_is_faster_per_sample_gradient_but_stalls_at_a_noise_floor():
    # c004-q48 says SGD "收敛的速度更快" and then lists "收敛速度慢" among its drawbacks. Least squares with noisy
    # targets, the same budget of per-sample gradients for both: SGD is far ahead after one pass over the data,
    # full-batch gradient descent is far ahead after many, because constant-step SGD stops at a noise floor.
    rng = np.random.default_rng(0)
    n, d = 1000, 5
    x = rng.normal(size=(n, d))
    y = x @ rng.normal(size=d) + rng.normal(scale=0.5, size=n)
    best = np.linalg.lstsq(x, y, rcond=None)[0]

    def excess(theta: np.ndarray) -> float:
        return float(np.mean((x @ theta - y) ** 2) - np.mean((x @ best - y) ** 2))

    def full_batch(epochs: int) -> np.ndarray:
        theta = np.zeros(d)
        for _ in range(epochs):  # one step per pass: n per-sample gradients
            theta -= 0.5 * x.T @ (x @ theta - y) / n
        return theta

    def sgd(epochs: int) -> np.ndarray:
        theta = np.zeros(d)
        for i in rng.integers(0, n, epochs * n):
            theta -= 0.01 * (x[i] @ theta - y[i]) * x[i]
        return theta

    assert excess(sgd(1)) < excess(full_batch(1)) / 10  # per gradient computed, SGD descends faster
    assert excess(full_batch(200)) < excess(sgd(200)) / 1000  # but GD converges, SGD hovers
    assert excess(full_batch(200)) < 1e-9


def test_densenet_feeds_each_layer_to_all_later_layers():
    # c004-q40: DenseNet "将层的输出特征图与下一层连接起来" — every later layer of the block reads it.
    torch.manual_seed(0)
    k0, growth, depth = 4, 3, 4
    layers = nn.ModuleList(nn.Conv2d(k0 + i * growth, growth, 3, padding=1) for i in range(depth))

    def block(x: torch.Tensor) -> list[torch.Tensor]:
        features = [x]
        for layer in layers:
            features.append(layer(torch.cat(features, dim=1)))  # input: the block input and every earlier output
        return features

    assert [layer.in_channels for layer in layers] == [k0 + i * growth for i in range(depth)]
    features = block(torch.randn(1, k0, 6, 6))
    # layer 4 reads layer 1's output directly: its gradient reaches layer 1's output even with layers 2 and 3 cut off
    first = features[1]
    direct = layers[3](torch.cat([features[0], first, features[2].detach(), features[3].detach()], dim=1))
    (gradient,) = torch.autograd.grad(direct.sum(), first)
    assert gradient.abs().sum() > 0
    connections = sum(1 + i for i in range(depth))  # layer i+1 reads the input and the i earlier outputs
    assert connections == depth * (depth + 1) // 2


# ---------------------------------------------------------------- the errata themselves


def _errata():
    for name in ("dl-topics", "dl-interview"):
        for card in load_deck(next(CONTENT.glob(f"???-{name}.yaml"))).cards:
            for erratum in card.errata:
                yield card.id, erratum


def test_every_erratum_check_names_a_test_in_this_file():
    tests = {name for name, value in globals().items() if name.startswith("test_") and callable(value)}
    for card_id, erratum in _errata():
        path, _, name = erratum.check.partition("::")
        assert path == THIS_FILE, card_id
        assert name in tests, (card_id, name)


def test_errata_count_matches_this_module_docstring():
    wrong = int(re.search(r"(\d+) of them wrong", __doc__).group(1))
    assert len(list(_errata())) == wrong


def test_errata_are_written_for_the_learner():
    for card_id, erratum in _errata():
        assert erratum.claim.strip() and re.search(r"[\u4e00-\u9fff]", erratum.correction), card_id
