"""Checks, by computation, the numerical claims of the essay seed 003 (AI计算模式) behind content/003-ai-compute-modes.yaml.

Each test recomputes one claim of the essay with real code (torch layers and their parameter counts, numpy
simulations of ring all-reduce and pipeline schedules, k-means, autograd) and asserts the truth. 51 claims are
checked, one test each; 16 of them are wrong in the essay, and each of those is an ``errata`` entry of a card
whose ``check`` names the test here:

- the weighted sum of a neuron runs to ``n`` instead of ``n-1``;
- the perceptron's misclassification test ``y(w^T x) < 0`` drops the bias and the equality;
- the additive attention score ``Wx + Uq`` is a vector, not a score;
- LeNet-5's input in the history table is 28×28 (its own layer table needs 32×32);
- parameter counts do not grow steadily along the history table: they peak at VGG16;
- the 1×1-convolution formula counts one bias per kernel instead of one per output channel;
- the LSTM forget gate is said to act on ``h_{t-1}`` (it scales ``c_{t-1}``);
- GRU's input/forget balance is credited to the reset gate (it is the update gate);
- "BP16" is not a number format (BF16 is);
- weight sharing of 16 weights into 4 clusters stores 160/512 of the bits, not 1/4;
- the virtual pipeline multiplies point-to-point messages by (vp-1)/(p-1), not exactly v;
- activation functions are called differentiable everywhere, ReLU among them (it has a kink at 0);
- LeNet-5 as published reads one channel and its subsampling layers have trainable coefficients and biases;
- ResNet is said to fix vanishing gradients (it fixes degradation; BN already kept the gradients alive);
- quantisation is said to "提升芯片面积" (low-bit units take less area);
- the distillation loss lacks the T² factor of the soft-target term.

Torch models are built on the ``meta`` device where only shapes and parameter counts matter, so even VGG16
costs no memory.
"""

import math
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from tutor.questions.deck import load_deck

DECK = Path(__file__).resolve().parents[2] / "content" / "003-ai-compute-modes.yaml"
TABLE_TOLERANCE = 0.05
"""The essay's table rounds parameter counts (60k, 7M, 25.5M); a count within 5% is what it states."""


def count_parameters(model: nn.Module) -> int:
    """Return the number of scalar parameters of a model (works on the meta device)."""
    return sum(parameter.numel() for parameter in model.parameters())


def close_to(count: int, stated: float) -> bool:
    """Return True when a computed count is the essay's rounded figure."""
    return abs(count - stated) / stated < TABLE_TOLERANCE


# ---------------------------------------------------------------- neurons and activation functions


def test_weighted_sum_over_n_inputs_has_n_terms():
    # Essay line 15: inputs x_0..x_{n-1} but z = sum_{i=0}^{n} w_i x_i + b. A neuron with n inputs is
    # nn.Linear(n, 1); its output is the sum of exactly n products, i = 0..n-1.
    torch.manual_seed(0)
    n = 5
    neuron = nn.Linear(n, 1).double()
    x = torch.randn(n, dtype=torch.float64)
    w, b = neuron.weight[0], neuron.bias[0]
    z_to_n_minus_1 = sum(w[i] * x[i] for i in range(n)) + b
    assert torch.allclose(neuron(x)[0], z_to_n_minus_1)
    assert w.numel() == n  # there is no w_n for the essay's upper limit to use
    with pytest.raises(IndexError):
        sum(w[i] * x[i] for i in range(n + 1))


def test_tanh_is_rescaled_logistic_and_both_saturate():
    # Essay lines 22-25: tanh(x) = 2σ(2x) - 1; Sigmoid-type functions saturate at both ends; gates in (0, 1).
    x = torch.linspace(-20, 20, 4001, dtype=torch.float64)
    assert torch.allclose(torch.tanh(x), 2 * torch.sigmoid(2 * x) - 1, atol=1e-12)
    logistic, tanh = torch.sigmoid(x), torch.tanh(x)
    assert logistic.min() >= 0 and logistic.max() <= 1
    assert tanh.min() >= -1 and tanh.max() <= 1
    inner = x.abs() < 30  # strictly inside the open range where float64 does not round to the limit
    assert bool(((logistic[inner] > 0) & (logistic[inner] < 1)).all())
    slope = torch.autograd.functional.jacobian(torch.sigmoid, torch.tensor([-10.0, 0.0, 10.0], dtype=torch.float64))
    assert slope.diagonal()[0] < 1e-4 and slope.diagonal()[2] < 1e-4 and slope.diagonal()[1] == 0.25


def test_relu_neuron_with_negative_input_gets_zero_gradient():
    # Essay line 36: a ReLU neuron that is never activated has parameter gradients that stay 0 (dying ReLU),
    # while LeakyReLU keeps a gradient γ on the negative side.
    w = torch.tensor([1.0, 1.0], requires_grad=True)
    b = torch.tensor(-100.0, requires_grad=True)
    inputs = torch.rand(64, 2)  # every weighted sum is negative
    F.relu(inputs @ w + b).sum().backward()
    assert torch.count_nonzero(w.grad) == 0 and b.grad == 0
    w.grad, b.grad = None, None
    F.leaky_relu(inputs @ w + b, negative_slope=0.01).sum().backward()
    assert torch.allclose(b.grad, torch.tensor(0.64))


def test_softplus_derivative_is_logistic():
    # Essay line 70: the derivative of Softplus(x) = log(1 + e^x) is the logistic function.
    x = torch.linspace(-10, 10, 201, dtype=torch.float64, requires_grad=True)
    F.softplus(x).sum().backward()
    assert torch.allclose(x.grad, torch.sigmoid(x.detach()), atol=1e-12)


def test_swish_gate_opens_and_closes():
    # Essay line 76: Swish(x) = x σ(βx) is close to x when the gate is open and close to 0 when it is shut.
    beta = 1.0
    for x in (20.0, 50.0):
        assert math.isclose(x * torch.sigmoid(torch.tensor(beta * x)).item(), x, rel_tol=1e-6)
    for x in (-20.0, -50.0):
        assert abs(x * torch.sigmoid(torch.tensor(beta * x)).item()) < 1e-6


def test_gelu_is_x_times_gaussian_cdf_and_logistic_approximation_is_swish():
    # Essay line 81: GELU(x) = x P(X <= x) with X ~ N(0, 1); approximated with the logistic function it is a
    # Swish, x σ(1.702 x).
    x = torch.linspace(-6, 6, 1201, dtype=torch.float64)
    assert torch.allclose(F.gelu(x), x * torch.special.ndtr(x), atol=1e-12)
    swish = x * torch.sigmoid(1.702 * x)
    assert (F.gelu(x) - swish).abs().max() < 0.03


# ---------------------------------------------------------------- perceptron


def perceptron_epochs(points, labels, *, include_bias: bool, strict: bool, epochs: int):
    """Run the perceptron's SGD from w = 0, b = 0 and return the list of (w, b) after each epoch.

    ``include_bias`` and ``strict`` select the misclassification test: y (w·x [+ b]) < 0 or <= 0.
    """
    w = np.zeros(points.shape[1], dtype=np.int64)
    b = 0
    history = []
    for _ in range(epochs):
        for x, y in zip(points, labels):
            margin = y * (w @ x + (b if include_bias else 0))
            if margin < 0 or (not strict and margin == 0):
                w = w + y * x  # η = 1: w_j + η y_i x_ij -> w_j
                b = b + y
        history.append((tuple(w.tolist()), b))
    return history


def errors(points, labels, w, b) -> int:
    """Count the points that sign(w·x + b), with sign(0) = +1 as in the essay, puts in the wrong class."""
    predicted = np.where(points @ np.array(w) + b >= 0, 1, -1)
    return int((predicted != labels).sum())


BINARY = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


def test_perceptron_gradient_matches_autograd():
    # Essay lines 103-105: for a misclassified point, ∇w_j L = -y x_j and ∇b L = -y.
    w = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.2, dtype=torch.float64, requires_grad=True)
    x, y = torch.tensor([2.0, 3.0], dtype=torch.float64), 1.0
    assert y * (w @ x + b) < 0  # the point is misclassified, so it is in M
    (-(y * (w @ x + b))).backward()
    assert torch.allclose(w.grad, -y * x) and b.grad.item() == -y


def test_perceptron_cannot_learn_xor():
    # Essay line 7: the perceptron cannot solve XOR. With integer data and η = 1 the state (w, b) is an integer
    # vector; once the end-of-epoch state repeats while updates still happen, the algorithm cycles forever.
    xor = np.array([-1, 1, 1, -1])
    history = perceptron_epochs(BINARY, xor, include_bias=True, strict=False, epochs=200)
    assert len(set(history)) < len(history)  # the states repeat: a cycle
    assert all(errors(BINARY, xor, w, b) > 0 for w, b in history)
    and_labels = np.array([-1, -1, -1, 1])  # the same rule does learn AND, which is linearly separable
    w, b = perceptron_epochs(BINARY, and_labels, include_bias=True, strict=False, epochs=200)[-1]
    assert errors(BINARY, and_labels, w, b) == 0


def test_perceptron_misclassification_test_needs_bias_and_equality():
    # Essay line 103: "误分类样本，即 y_i(w^T x) < 0". From w0 = 0, b0 = 0 every margin is 0, so that test never
    # fires and the perceptron never learns AND; y_i(w^T x_i + b) <= 0 does.
    and_labels = np.array([-1, -1, -1, 1])
    w, b = perceptron_epochs(BINARY, and_labels, include_bias=False, strict=True, epochs=50)[-1]
    assert (w, b) == ((0, 0), 0) and errors(BINARY, and_labels, w, b) == 3
    w, b = perceptron_epochs(BINARY, and_labels, include_bias=True, strict=False, epochs=50)[-1]
    assert errors(BINARY, and_labels, w, b) == 0
    # Without b a misclassified point can look correct: w·x > 0 but w·x + b < 0.
    w_vec, bias, x, y = np.array([1, 1]), -3, np.array([1, 1]), 1
    assert y * (w_vec @ x) > 0 and errors(x[None], np.array([y]), w_vec, bias) == 1


# ---------------------------------------------------------------- layers


def test_conv_layer_weights_are_3_times_16_times_k():
    # Essay line 134: a 32×32×3 input, 16 output maps with zero padding: output 32×32×16, 3×16×K weights.
    for side in (3, 5):
        conv = nn.Conv2d(3, 16, side, padding=side // 2)
        assert conv.weight.numel() == 3 * 16 * side * side
        assert conv(torch.zeros(1, 3, 32, 32)).shape == (1, 16, 32, 32)
        unpadded = nn.Conv2d(3, 16, side)  # the second way: no zero padding, a smaller output
        assert unpadded(torch.zeros(1, 3, 32, 32)).shape[-1] == 32 - side + 1


def test_additive_attention_score_needs_projection_to_scalar():
    # Essay line 143: "加法 s(x,q) = Wx + Uq". A score must be one number per input so that softmax over the
    # inputs gives the attention distribution; Wx + Uq is a vector. v^T tanh(Wx + Uq) is a scalar.
    torch.manual_seed(0)
    inputs, queries, hidden, count = 6, 4, 5, 7
    W, U, v = torch.randn(hidden, inputs), torch.randn(hidden, queries), torch.randn(hidden)
    xs, q = torch.randn(count, inputs), torch.randn(queries)
    essay_scores = xs @ W.T + U @ q
    assert essay_scores.shape == (count, hidden)  # a vector per input, not a score
    scores = torch.tanh(xs @ W.T + U @ q) @ v
    assert scores.shape == (count,)
    attention = torch.softmax(scores, dim=0)
    assert torch.isclose(attention.sum(), torch.tensor(1.0))


# ---------------------------------------------------------------- the CNN history table and the classic networks


def lenet5(in_channels: int = 3) -> nn.Sequential:
    """LeNet-5 as in the essay's layer table (lines 161-169), with max pooling."""
    return nn.Sequential(
        nn.Conv2d(in_channels, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    )


def test_lenet5_layer_table_shapes():
    # Essay lines 161-169: (3,32,32) -> (6,28,28) -> (6,14,14) -> (16,10,10) -> (16,5,5) -> 400 -> 120 -> 84 -> 10.
    net = lenet5()
    shapes = []
    x = torch.zeros(1, 3, 32, 32)
    for layer in net:
        x = layer(x)
        if not isinstance(layer, nn.ReLU):
            shapes.append(tuple(x.shape[1:]))
    assert shapes == [(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (400,), (120,), (84,), (10,)]
    assert sum(p.numel() for p in net[2].parameters()) == 0  # pooling has no parameters


def test_lenet5_has_about_60k_parameters():
    # Essay lines 155 and 160: about 60k trainable parameters (62,006 with the table's 3 input channels).
    assert count_parameters(lenet5()) == 62_006
    assert close_to(count_parameters(lenet5()), 60e3)
    assert close_to(count_parameters(lenet5(in_channels=1)), 60e3)


def test_lenet5_input_is_32_not_28():
    # Essay line 154: the history table gives LeNet-5 a 28×28 input; its own layer table (conv1 5×5, no padding,
    # stride 1, output 28×28, flatten 16×5×5) only works with 32×32.
    net = lenet5(in_channels=1)
    assert net[0](torch.zeros(1, 1, 32, 32)).shape[-2:] == (28, 28)
    assert net[0](torch.zeros(1, 1, 28, 28)).shape[-2:] == (24, 24)
    features = net[:7](torch.zeros(1, 1, 28, 28))
    assert features.shape[1] == 16 * 4 * 4 != 16 * 5 * 5


def alexnet() -> nn.Sequential:
    """AlexNet as in Krizhevsky et al. 2012: two-GPU grouped convolutions, 227×227 input."""
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Flatten(),
        nn.Linear(256 * 6 * 6, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 1000),
    )


def test_alexnet_input_227_and_61m_parameters():
    # Essay lines 154-155: AlexNet takes 227×227 and has 61M parameters. 11×11 stride 4 on 227 gives exactly 55;
    # on 224 the feature map reaching the first FC layer is 5×5 and does not fit its 256×6×6 inputs.
    with torch.device("meta"):
        net = alexnet()
        assert net[0](torch.empty(1, 3, 227, 227)).shape[-1] == 55
        assert net(torch.empty(1, 3, 227, 227)).shape == (1, 1000)
        with pytest.raises(RuntimeError):
            net(torch.empty(1, 3, 224, 224))
    assert (227 - 11) % 4 == 0 and (224 - 11) % 4 != 0
    assert close_to(count_parameters(net), 61e6)


def vgg16() -> nn.Sequential:
    """VGG16 (configuration D of Simonyan & Zisserman): thirteen 3×3 convolutions and three FC layers."""
    layers: list[nn.Module] = []
    channels = 3
    for width in (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"):
        if width == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU()]
            channels = width
    layers += [nn.Flatten(), nn.Linear(512 * 7 * 7, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(),
               nn.Linear(4096, 1000)]
    return nn.Sequential(*layers)


def test_vgg16_has_138m_parameters():
    # Essay line 155: VGG16 has 138M parameters (224×224 input).
    with torch.device("meta"):
        net = vgg16()
        assert net(torch.empty(1, 3, 224, 224)).shape == (1, 1000)
    assert count_parameters(net) == 138_357_544
    assert close_to(count_parameters(net), 138e6)


class Inception(nn.Module):
    """GoogLeNet's Inception module (Szegedy et al. 2014): 1×1, 1×1→3×3, 1×1→5×5 and pool→1×1 branches."""

    def __init__(self, channels: int, n1: int, n3_reduce: int, n3: int, n5_reduce: int, n5: int, pool: int):
        super().__init__()
        self.branches = nn.ModuleList([
            nn.Sequential(nn.Conv2d(channels, n1, 1), nn.ReLU()),
            nn.Sequential(nn.Conv2d(channels, n3_reduce, 1), nn.ReLU(), nn.Conv2d(n3_reduce, n3, 3, padding=1),
                          nn.ReLU()),
            nn.Sequential(nn.Conv2d(channels, n5_reduce, 1), nn.ReLU(), nn.Conv2d(n5_reduce, n5, 5, padding=2),
                          nn.ReLU()),
            nn.Sequential(nn.MaxPool2d(3, 1, padding=1), nn.Conv2d(channels, pool, 1), nn.ReLU()),
        ])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([branch(x) for branch in self.branches], dim=1)


def googlenet() -> nn.Sequential:
    """GoogLeNet from Table 1 of the paper, without the auxiliary classifiers used only in training."""
    return nn.Sequential(
        nn.Conv2d(3, 64, 7, stride=2, padding=3), nn.ReLU(), nn.MaxPool2d(3, 2, padding=1),
        nn.Conv2d(64, 64, 1), nn.ReLU(), nn.Conv2d(64, 192, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2, padding=1),
        Inception(192, 64, 96, 128, 16, 32, 32), Inception(256, 128, 128, 192, 32, 96, 64),
        nn.MaxPool2d(3, 2, padding=1),
        Inception(480, 192, 96, 208, 16, 48, 64), Inception(512, 160, 112, 224, 24, 64, 64),
        Inception(512, 128, 128, 256, 24, 64, 64), Inception(512, 112, 144, 288, 32, 64, 64),
        Inception(528, 256, 160, 320, 32, 128, 128),
        nn.MaxPool2d(3, 2, padding=1),
        Inception(832, 256, 160, 320, 32, 128, 128), Inception(832, 384, 192, 384, 48, 128, 128),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1024, 1000),
    )


def test_googlenet_has_about_7m_parameters():
    # Essay line 155: GoogLeNet has 7M parameters — twenty times fewer than VGG16 although it is deeper.
    with torch.device("meta"):
        net = googlenet()
        assert net(torch.empty(1, 3, 224, 224)).shape == (1, 1000)
    assert close_to(count_parameters(net), 7e6)


class Bottleneck(nn.Module):
    """ResNet's 1×1 → 3×3 → 1×1 residual block with batch normalisation."""

    def __init__(self, channels: int, width: int, stride: int):
        super().__init__()
        out = width * 4
        self.body = nn.Sequential(
            nn.Conv2d(channels, width, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(),
            nn.Conv2d(width, out, 1, bias=False), nn.BatchNorm2d(out),
        )
        self.shortcut = (
            nn.Sequential(nn.Conv2d(channels, out, 1, stride=stride, bias=False), nn.BatchNorm2d(out))
            if stride != 1 or channels != out else nn.Identity()
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(self.body(x) + self.shortcut(x))  # the feature maps are added across layers


def resnet50() -> nn.Sequential:
    """ResNet-50 (He et al. 2016): stages of 3, 4, 6 and 3 bottleneck blocks."""
    layers: list[nn.Module] = [nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                               nn.MaxPool2d(3, 2, padding=1)]
    channels = 64
    for stage, (blocks, width) in enumerate(((3, 64), (4, 128), (6, 256), (3, 512))):
        for block in range(blocks):
            layers.append(Bottleneck(channels, width, stride=2 if stage > 0 and block == 0 else 1))
            channels = width * 4
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1000)]
    return nn.Sequential(*layers)


def test_resnet50_has_25_5m_parameters():
    # Essay line 155: ResNet50 has 25.5M parameters.
    with torch.device("meta"):
        net = resnet50()
        assert net(torch.empty(1, 3, 224, 224)).shape == (1, 1000)
    assert count_parameters(net) == 25_557_032
    assert close_to(count_parameters(net), 25.5e6)


def make_divisible(value: float, divisor: int = 8) -> int:
    """Round a scaled channel count to a multiple of 8 without losing more than 10%, as EfficientNet does."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


class MBConv(nn.Module):
    """EfficientNet's inverted bottleneck: 1×1 expansion, depthwise k×k, squeeze-and-excitation, 1×1 projection."""

    def __init__(self, c_in: int, c_out: int, expand: int, kernel: int, stride: int):
        super().__init__()
        hidden = make_divisible(c_in * expand)
        layers: list[nn.Module] = []
        if hidden != c_in:
            layers += [nn.Conv2d(c_in, hidden, 1, bias=False), nn.BatchNorm2d(hidden), nn.SiLU()]
        layers += [nn.Conv2d(hidden, hidden, kernel, stride, kernel // 2, groups=hidden, bias=False),
                   nn.BatchNorm2d(hidden), nn.SiLU()]
        self.body = nn.Sequential(*layers)
        squeeze = max(1, c_in // 4)
        self.excite = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(hidden, squeeze, 1), nn.SiLU(),
                                    nn.Conv2d(squeeze, hidden, 1), nn.Sigmoid())
        self.project = nn.Sequential(nn.Conv2d(hidden, c_out, 1, bias=False), nn.BatchNorm2d(c_out))
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.body(x)
        y = self.project(y * self.excite(y))
        return x + y if self.residual else y


def efficientnet(width: float, depth: float) -> nn.Sequential:
    """EfficientNet (Tan & Le 2019): the B0 stages scaled by a width and a depth multiplier."""
    stages = ((1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2), (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
              (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1))
    stem = make_divisible(32 * width)
    layers: list[nn.Module] = [nn.Conv2d(3, stem, 3, 2, 1, bias=False), nn.BatchNorm2d(stem), nn.SiLU()]
    for expand, kernel, stride, c_in, c_out, repeats in stages:
        c_in, c_out = make_divisible(c_in * width), make_divisible(c_out * width)
        for index in range(math.ceil(repeats * depth)):
            layers.append(MBConv(c_out if index else c_in, c_out, expand, kernel, 1 if index else stride))
    last = make_divisible(320 * width)
    layers += [nn.Conv2d(last, 4 * last, 1, bias=False), nn.BatchNorm2d(4 * last), nn.SiLU(),
               nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * last, 1000)]
    return nn.Sequential(*layers)


def test_efficientnet_b4_has_19m_parameters():
    # Essay line 155: EfficientNet-B4 (380×380 input) has 19M parameters. B4 scales B0's width by 1.4 and its
    # depth by 1.8; B0 itself has the published 5.3M.
    with torch.device("meta"):
        b0, b4 = efficientnet(1.0, 1.0), efficientnet(1.4, 1.8)
        assert b4(torch.empty(1, 3, 380, 380)).shape == (1, 1000)
    assert count_parameters(b0) == 5_288_548
    assert count_parameters(b4) == 19_341_616
    assert close_to(count_parameters(b4), 19e6)


def weight_depth(module: nn.Module) -> int:
    """Return the number of convolution and fully connected layers on the longest path through a network."""
    if isinstance(module, (nn.Conv2d, nn.Linear)):
        return 1
    if isinstance(module, Inception):
        return max(weight_depth(branch) for branch in module.branches)
    if isinstance(module, Bottleneck):
        return max(weight_depth(module.body), weight_depth(module.shortcut))
    if isinstance(module, nn.Sequential):
        return sum(weight_depth(child) for child in module)
    return 0


def test_depth_grows_but_parameters_peak_at_vgg16():
    # Essay line 151: "总体来说，模型的可学习参数量在逐步增大，网络层数也越来越深". Depth grows along the table
    # (5, 8, 16, 22, 50 weight layers), but the parameter count peaks at VGG16 — 89% of it in the FC layers —
    # and falls afterwards.
    with torch.device("meta"):
        nets = [lenet5(), alexnet(), vgg16(), googlenet(), resnet50(), efficientnet(1.4, 1.8)]
    depths = [weight_depth(net) for net in nets[:5]]
    assert depths == [5, 8, 16, 22, 50]
    counts = [count_parameters(net) for net in nets]
    assert counts.index(max(counts)) == 2
    assert counts[3] < counts[1] and all(count < counts[2] / 5 for count in counts[3:])
    vgg_fc = sum(count_parameters(layer) for layer in nets[2] if isinstance(layer, nn.Linear))
    assert vgg_fc / counts[2] > 0.89


# ---------------------------------------------------------------- small kernels and 1×1 convolutions


def receptive_field(layers: nn.Module, side: int = 15) -> tuple[int, int]:
    """Return the height and width of the input region that one central output value depends on."""
    x = torch.zeros(1, 1, side, side, dtype=torch.float64, requires_grad=True)
    y = layers(x)
    y[0, 0, y.shape[-2] // 2, y.shape[-1] // 2].backward()
    rows, cols = torch.nonzero(x.grad[0, 0], as_tuple=True)
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)


def all_ones(*convs: nn.Conv2d) -> nn.Sequential:
    """Stack single-channel convolutions with weights 1, so no gradient cancels by accident."""
    for conv in convs:
        nn.init.ones_(conv.weight)
    return nn.Sequential(*convs).double()


def test_three_3x3_convolutions_see_7x7_with_fewer_parameters():
    # Essay lines 181 and 249: three stacked 3×3 convolutions have the 7×7 receptive field of one 7×7
    # convolution; single channel with bias: 7×7+1 = 50 against 3×(3×3+1) = 30; M channels: 49M² against 27M².
    stacked = all_ones(nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3), nn.Conv2d(1, 1, 3))
    large = all_ones(nn.Conv2d(1, 1, 7))
    assert receptive_field(stacked) == receptive_field(large) == (7, 7)
    assert receptive_field(nn.Sequential(*list(stacked)[:2])) == (5, 5)
    assert count_parameters(large) == 7 * 7 + 1 == 50
    assert count_parameters(stacked) == 3 * (3 * 3 + 1) == 30
    m = 64
    assert count_parameters(nn.Conv2d(m, m, 7, bias=False)) == 7 * 7 * m * m
    assert count_parameters(nn.Sequential(*[nn.Conv2d(m, m, 3, bias=False) for _ in range(3)])) == 3 * 3 * 3 * m * m


def test_two_3x3_replace_5x5_and_1x3_3x1_replace_3x3():
    # Essay lines 190 and 252: 5×5 -> two 3×3 (receptive field 5×5) and 3×3 -> 1×3 then 3×1 (receptive field
    # 3×3), each with fewer weights: 18 < 25 and 6 < 9 per input-output channel pair.
    two = all_ones(nn.Conv2d(1, 1, 3, bias=False), nn.Conv2d(1, 1, 3, bias=False))
    assert receptive_field(two) == (5, 5) and count_parameters(two) == 18 < 25
    factored = all_ones(nn.Conv2d(1, 1, (1, 3), bias=False), nn.Conv2d(1, 1, (3, 1), bias=False))
    assert receptive_field(factored) == (3, 3) and count_parameters(factored) == 6 < 9


def test_inception_1x1_bottleneck_weights():
    # Essay line 187: 128×5×5×256 weights shrink to 128×1×1×32 + 32×5×5×256 with a 32-channel 1×1 layer.
    direct = nn.Conv2d(128, 256, 5, bias=False)
    reduced = nn.Sequential(nn.Conv2d(128, 32, 1, bias=False), nn.Conv2d(32, 256, 5, bias=False))
    assert count_parameters(direct) == 128 * 5 * 5 * 256 == 819_200
    assert count_parameters(reduced) == 128 * 1 * 1 * 32 + 32 * 5 * 5 * 256 == 208_896


def test_conv_bias_is_per_output_channel():
    # Essay line 256: (3×3+1)×M×N parameters, and (1×1+1)×M×K + (3×3+1)×K×N with the 1×1 layer. A convolution
    # has one bias per output channel, not one per kernel.
    m, n, k = 256, 256, 64
    direct = nn.Conv2d(m, n, 3)
    bottleneck = nn.Sequential(nn.Conv2d(m, k, 1), nn.Conv2d(k, n, 3))
    assert count_parameters(direct) == 3 * 3 * m * n + n == 590_080
    assert count_parameters(bottleneck) == m * k + k + 3 * 3 * k * n + n == 164_160
    assert (3 * 3 + 1) * m * n == 655_360 != count_parameters(direct)
    assert (1 * 1 + 1) * m * k + (3 * 3 + 1) * k * n == 196_608 != count_parameters(bottleneck)
    assert count_parameters(bottleneck) < count_parameters(direct)  # the essay's conclusion stands


# ---------------------------------------------------------------- feature reuse


class DenseLayer(nn.Module):
    """DenseNet-BC layer: BN-ReLU-1×1 (4k channels) then BN-ReLU-3×3 (k channels), concatenated to its input."""

    def __init__(self, channels: int, growth: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.BatchNorm2d(channels), nn.ReLU(), nn.Conv2d(channels, 4 * growth, 1, bias=False),
            nn.BatchNorm2d(4 * growth), nn.ReLU(), nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x, self.body(x)], dim=1)  # every earlier feature map is reused


def densenet121() -> nn.Sequential:
    """DenseNet-121 (Huang et al. 2017): growth rate 32, blocks of 6, 12, 24 and 16 layers."""
    growth, channels = 32, 64
    layers: list[nn.Module] = [nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                               nn.MaxPool2d(3, 2, padding=1)]
    for index, size in enumerate((6, 12, 24, 16)):
        for _ in range(size):
            layers.append(DenseLayer(channels, growth))
            channels += growth
        if index < 3:
            layers += [nn.BatchNorm2d(channels), nn.ReLU(), nn.Conv2d(channels, channels // 2, 1, bias=False),
                       nn.AvgPool2d(2, 2)]
            channels //= 2
    layers += [nn.BatchNorm2d(channels), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 1000)]
    return nn.Sequential(*layers)


def flops(model: nn.Module, side: int = 224) -> int:
    """Count the FLOPs of one forward pass on a meta tensor."""
    from torch.utils.flop_counter import FlopCounterMode

    with torch.device("meta"), FlopCounterMode(display=False) as counter:
        model(torch.empty(1, 3, side, side))
    return counter.get_total_flops()


def test_densenet_uses_fewer_parameters_and_flops_than_resnet():
    # Essay line 260: DenseNet's dense connections reduce parameters and computation relative to ResNet.
    with torch.device("meta"):
        dense, residual = densenet121(), resnet50()
    assert count_parameters(dense) == 7_978_856
    assert count_parameters(dense) < count_parameters(residual) / 3
    assert flops(dense) < flops(residual)


class Ghost(nn.Module):
    """GhostNet's module: an ordinary convolution for a few maps, cheap per-map 3×3 convolutions for the rest."""

    def __init__(self, c_in: int, c_out: int, ratio: int):
        super().__init__()
        intrinsic = c_out // ratio
        self.primary = nn.Conv2d(c_in, intrinsic, 3, padding=1, bias=False)
        self.cheap = nn.Conv2d(intrinsic, intrinsic * (ratio - 1), 3, padding=1, groups=intrinsic, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        intrinsic = self.primary(x)
        return torch.cat([intrinsic, self.cheap(intrinsic)], dim=1)


def test_ghost_module_halves_parameters_and_flops():
    # Essay line 263: a Ghost module (a few ordinary feature maps, then cheap per-map linear operations,
    # concatenated) costs far less than an ordinary convolution with the same output; with ratio 2 about half.
    from torch.utils.flop_counter import FlopCounterMode

    c_in, c_out = 64, 128
    with torch.device("meta"):
        ordinary, ghost = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), Ghost(c_in, c_out, ratio=2)
        x = torch.empty(1, c_in, 16, 16)
    assert ghost(x).shape == ordinary(x).shape == (1, c_out, 16, 16)
    assert count_parameters(ordinary) / count_parameters(ghost) > 1.9
    with FlopCounterMode(display=False) as ordinary_count:
        ordinary(x)
    with FlopCounterMode(display=False) as ghost_count:
        ghost(x)
    assert ordinary_count.get_total_flops() / ghost_count.get_total_flops() > 1.9


# ---------------------------------------------------------------- recurrent networks


def test_lstm_forget_gate_scales_cell_state():
    # Essay line 206: "遗忘门控制上一个隐状态 h_{t-1} 需要遗忘多少信息". With the forget gate shut (f = 0) the new
    # cell state no longer depends on c_{t-1} but still depends on h_{t-1}: the gate acts on c_{t-1}.
    torch.manual_seed(0)
    hidden = 4
    cell = nn.LSTMCell(3, hidden).double()
    with torch.no_grad():
        cell.bias_ih[hidden:2 * hidden] = -1e4  # PyTorch's gate order is input, forget, cell, output
    x = torch.randn(1, 3, dtype=torch.float64)
    h, c = torch.randn(1, hidden, dtype=torch.float64), torch.randn(1, hidden, dtype=torch.float64)
    _, c_from_c = cell(x, (h, c))
    _, c_from_other_c = cell(x, (h, c + 5))
    _, c_from_other_h = cell(x, (h + 5, c))
    assert torch.equal(c_from_c, c_from_other_c)
    assert not torch.allclose(c_from_c, c_from_other_h)
    # Check the essay's equations against PyTorch: c_t = f ⊙ c_{t-1} + i ⊙ c̃_t, h_t = o ⊙ tanh(c_t).
    fresh = nn.LSTMCell(3, hidden).double()
    gates = x @ fresh.weight_ih.T + fresh.bias_ih + h @ fresh.weight_hh.T + fresh.bias_hh
    i, f, g, o = gates.chunk(4, dim=1)
    c_t = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    h_t = torch.sigmoid(o) * torch.tanh(c_t)
    h_ref, c_ref = fresh(x, (h, c))
    assert torch.allclose(c_t, c_ref) and torch.allclose(h_t, h_ref)


def test_gru_update_gate_balances_old_and_new():
    # Essay line 267: "GRU 于是用一个重置门控制输入和遗忘之间的平衡". In h_t = z ⊙ h_{t-1} + (1 - z) ⊙ h̃_t the balance
    # is set by the update gate z: with z = 1 the output is h_{t-1} whatever the reset gate; with z = 0 it is h̃_t.
    torch.manual_seed(0)
    hidden = 4
    cell = nn.GRUCell(3, hidden).double()
    x, h = torch.randn(1, 3, dtype=torch.float64), torch.randn(1, hidden, dtype=torch.float64)
    reset, update = slice(0, hidden), slice(hidden, 2 * hidden)  # PyTorch's order is reset, update, new
    outputs = []
    for reset_bias in (-1e4, 1e4):
        with torch.no_grad():
            cell.bias_ih[reset] = reset_bias
            cell.bias_ih[update] = 1e4
        outputs.append(cell(x, h))
    assert torch.allclose(outputs[0], h) and torch.allclose(outputs[1], h)  # z = 1 keeps the old state
    with torch.no_grad():
        cell.bias_ih[update] = -1e4
        cell.bias_ih[reset] = 1e4  # r = 1
    candidate = torch.tanh(x @ cell.weight_ih[2 * hidden:].T + cell.bias_ih[2 * hidden:]
                           + h @ cell.weight_hh[2 * hidden:].T + cell.bias_hh[2 * hidden:])
    assert torch.allclose(cell(x, h), candidate)  # z = 0 takes the candidate state


def test_gru_has_three_quarters_of_lstm_parameters():
    # Essay lines 217 and 267: GRU is simpler and cheaper than LSTM (3 weight blocks against 4).
    for inputs, hidden in ((16, 32), (128, 256)):
        gru, lstm = nn.GRU(inputs, hidden), nn.LSTM(inputs, hidden)
        assert Fraction(count_parameters(gru), count_parameters(lstm)) == Fraction(3, 4)


# ---------------------------------------------------------------- quantization, weight sharing, distillation


def test_fp32_to_int8_is_a_quarter_of_the_bytes():
    # Essay lines 270 and 273: an FP32 weight takes 4 bytes; FP32 -> Int8 goes from 32 to 8 bits.
    assert torch.empty(1, dtype=torch.float32).element_size() == 4
    weights = torch.randn(1000)
    scale = weights.abs().max() / 127
    quantized = torch.clamp(torch.round(weights / scale), -128, 127).to(torch.int8)
    assert quantized.element_size() * quantized.numel() * 4 == weights.element_size() * weights.numel()
    info = torch.iinfo(torch.int8)
    assert (info.min, info.max, info.bits) == (-128, 127, 8)
    assert (quantized.float() * scale - weights).abs().max() <= scale / 2 + 1e-6


def test_bf16_is_the_16_bit_format_with_fp32_exponent():
    # Essay line 273: "FP32、FP16、TF32、BP16". The 16-bit brain float is BF16: 8 exponent bits like FP32 (same
    # range) and 7 mantissa bits; FP16 has 5 exponent bits and a maximum of 65504.
    assert not hasattr(torch, "bp16")
    bf16, fp16, fp32 = torch.finfo(torch.bfloat16), torch.finfo(torch.float16), torch.finfo(torch.float32)
    assert bf16.bits == fp16.bits == 16
    assert bf16.eps == 2.0**-7 and fp16.eps == 2.0**-10  # 7 and 10 mantissa bits
    assert fp16.max == 65504.0
    assert math.isclose(bf16.max, fp32.max, rel_tol=0.01) and bf16.max > 1e38
    assert torch.tensor(70000.0).to(torch.float16).isinf() and torch.tensor(70000.0).to(torch.bfloat16).isfinite()


def kmeans_1d(values: np.ndarray, clusters: int, iterations: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Lloyd's algorithm in one dimension; returns the sorted centroids and each value's index."""
    centroids = np.quantile(values, (np.arange(clusters) + 0.5) / clusters)
    for _ in range(iterations):
        index = np.abs(values[:, None] - centroids[None, :]).argmin(axis=1)
        centroids = np.array([values[index == j].mean() if np.any(index == j) else centroids[j]
                              for j in range(clusters)])
    index = np.abs(values[:, None] - centroids[None, :]).argmin(axis=1)
    return centroids, index


def test_nonuniform_quantization_beats_uniform_on_gaussian_weights():
    # Essay line 282: weights are roughly Gaussian; non-uniform quantization puts small steps where data is dense
    # and beats uniform quantization with the same number of levels.
    values = np.random.default_rng(0).standard_normal(20_000)
    levels = 8  # 3 bits
    uniform_errors = []
    for clip in np.linspace(1.0, 4.0, 61):  # the best uniform quantizer over the clipping range
        grid = np.linspace(-clip, clip, levels)
        nearest = grid[np.abs(values[:, None] - grid[None, :]).argmin(axis=1)]
        uniform_errors.append(np.mean((values - nearest) ** 2))
    centroids, index = kmeans_1d(values, levels)
    nonuniform_error = np.mean((values - centroids[index]) ** 2)
    assert nonuniform_error < min(uniform_errors)
    steps = np.diff(centroids)
    assert steps[levels // 2 - 1] < steps[0] and steps[levels // 2 - 1] < steps[-1]  # finer near the mean


def test_weight_sharing_storage_ratio():
    # Essay line 305: 16 weights clustered into 4 shared values "储存空间就降到原本的1/4". Stored as 2-bit indices
    # plus a 4-entry FP32 codebook, the matrix takes 160 of its 512 bits.
    weights = np.random.default_rng(1).standard_normal(16).astype(np.float32).reshape(4, 4)
    centroids, index = kmeans_1d(weights.ravel().astype(np.float64), 4)
    codebook = centroids.astype(np.float32)
    bits = np.unpackbits(index.astype(np.uint8)[:, None], axis=1)[:, -2:]  # 2 bits address 4 centroids
    packed = np.packbits(bits.ravel())
    stored_bits = packed.size * 8 + codebook.nbytes * 8
    assert (packed.size, codebook.nbytes, weights.nbytes) == (4, 16, 64)
    assert Fraction(stored_bits, weights.nbytes * 8) == Fraction(5, 16) != Fraction(1, 4)
    unpacked = np.unpackbits(packed).reshape(16, 2) @ np.array([2, 1])
    assert np.array_equal(unpacked, index)
    restored = codebook[unpacked].reshape(4, 4)  # the look-up at inference time
    assert np.abs(restored - weights).max() < np.ptp(weights) / 2
    many = 1_000_000  # with many weights the codebook vanishes and the ratio tends to 2/32
    assert abs((many * 2 + 4 * 32) / (many * 32) - 1 / 16) < 1e-4


def test_temperature_raises_entropy_and_t1_is_softmax():
    # Essay line 316: T = 1 is the standard softmax; the larger T, the larger the entropy of the distribution.
    logits = torch.tensor([6.0, 2.0, 1.0, -1.0, -3.0], dtype=torch.float64)
    assert torch.allclose(F.softmax(logits / 1.0, dim=0), torch.exp(logits) / torch.exp(logits).sum())
    entropies = []
    for temperature in (1.0, 2.0, 4.0, 8.0, 16.0):
        q = F.softmax(logits / temperature, dim=0)
        entropies.append(float(-(q * q.log()).sum()))
    assert all(a < b for a, b in zip(entropies, entropies[1:]))
    assert entropies[-1] < math.log(len(logits))


# ---------------------------------------------------------------- data parallelism and ring all-reduce


def ring_allreduce(buffers: list[np.ndarray]) -> tuple[list[np.ndarray], int, list[int]]:
    """Sum the ranks' buffers with reduce-scatter then all-gather on a ring.

    Returns:
        The buffer each rank ends with, the number of communication steps, and the elements each rank sent.
    """
    p = len(buffers)
    chunks = [np.array_split(buffer.astype(np.float64), p) for buffer in buffers]
    steps, sent = 0, [0] * p
    for step in range(p - 1):  # reduce-scatter: rank r passes chunk r - step to r + 1, which adds it
        messages = [(rank, (rank - step) % p, chunks[rank][(rank - step) % p].copy()) for rank in range(p)]
        for rank, index, data in messages:
            chunks[(rank + 1) % p][index] = chunks[(rank + 1) % p][index] + data
            sent[rank] += data.size
        steps += 1
    for step in range(p - 1):  # all-gather: rank r owns the full sum of chunk r + 1 and passes it on
        messages = [(rank, (rank + 1 - step) % p, chunks[rank][(rank + 1 - step) % p].copy()) for rank in range(p)]
        for rank, index, data in messages:
            chunks[(rank + 1) % p][index] = data
            sent[rank] += data.size
        steps += 1
    return [np.concatenate(rank_chunks) for rank_chunks in chunks], steps, sent


def test_ring_allreduce_steps_and_traffic():
    # Essay line 344: with p devices and V values, reduce-scatter takes p-1 steps and each device sends (p-1)V/p;
    # all-gather the same again; all devices together move (p-1)V per phase.
    rng = np.random.default_rng(0)
    size = 24
    for p in (2, 3, 4, 8):
        buffers = [rng.standard_normal(size) for _ in range(p)]
        results, steps, sent = ring_allreduce(buffers)
        assert all(np.allclose(result, np.sum(buffers, axis=0)) for result in results)
        assert steps == 2 * (p - 1)
        assert sent == [2 * (p - 1) * size // p] * p
        assert sum(sent) == 2 * (p - 1) * size


def test_ring_allreduce_time_tends_to_v_over_beta():
    # Essay line 344: each phase takes (p-1)V/(pβ), close to V/β for large p, independent of p.
    volume, bandwidth = 1.0, 1.0
    times = [(p - 1) * volume / (p * bandwidth) for p in (2, 4, 16, 256, 4096)]
    assert all(a < b < volume / bandwidth for a, b in zip(times, times[1:]))
    assert volume / bandwidth - times[-1] < 1e-3


def test_data_parallel_gradient_equals_full_batch_gradient():
    # Essay line 336: splitting a batch over p workers and summing (averaging) their gradients gives the
    # gradient of the whole batch, so every replica applies the same update.
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    x, y = torch.randn(16, 4, dtype=torch.float64), torch.randn(16, 1, dtype=torch.float64)
    F.mse_loss(model(x), y).backward()
    full = [parameter.grad.clone() for parameter in model.parameters()]
    workers = 4
    summed = [torch.zeros_like(g) for g in full]
    for part_x, part_y in zip(x.chunk(workers), y.chunk(workers)):
        model.zero_grad()
        F.mse_loss(model(part_x), part_y).backward()
        summed = [s + parameter.grad for s, parameter in zip(summed, model.parameters())]
    assert all(torch.allclose(s / workers, g) for s, g in zip(summed, full))


def test_parameter_server_link_is_the_bottleneck():
    # Essay line 336: in DP one server receives every worker's gradient and sends the model back, p·V each way,
    # growing with p; with ring all-reduce no device sends more than 2V.
    size = 24
    for p in (2, 4, 8):
        server_in, server_out = p * size, p * size
        _, _, sent = ring_allreduce([np.ones(size)] * p)
        assert max(sent) < 2 * size <= server_in
        assert server_out == p * size


def test_fsdp_shards_memory_and_reduce_scatter_all_gather_is_allreduce():
    # Essay line 350: FSDP keeps one shard (V/p) per GPU, gathers the full parameters for forward and backward,
    # and reduce-scatters gradients so each GPU holds the summed gradient of its own shard.
    rng = np.random.default_rng(0)
    p, size = 4, 24
    parameters = rng.standard_normal(size)
    shards = np.array_split(parameters, p)
    assert all(shard.size == size // p for shard in shards)
    gathered = np.concatenate(shards)  # all_gather before forward and before backward
    assert np.array_equal(gathered, parameters)
    gradients = [rng.standard_normal(size) for _ in range(p)]
    total = np.sum(gradients, axis=0)
    reduced, _, _ = ring_allreduce(gradients)
    # reduce_scatter leaves rank r with the full sum of one shard; together the shards are the all-reduce.
    for rank in range(p):
        own = np.array_split(reduced[rank], p)[rank]
        assert np.allclose(own, np.array_split(total, p)[rank])


# ---------------------------------------------------------------- tensor parallelism


def test_row_and_column_parallel_matmul():
    # Essay lines 357-362: row parallel XA = X1A1 + X2A2; column parallel XA = [XA1 XA2].
    torch.manual_seed(0)
    x, a = torch.randn(3, 8, dtype=torch.float64), torch.randn(8, 6, dtype=torch.float64)
    x1, x2 = x.chunk(2, dim=1)
    a1, a2 = a.chunk(2, dim=0)
    assert torch.allclose(x1 @ a1 + x2 @ a2, x @ a)
    c1, c2 = a.chunk(2, dim=1)
    assert torch.allclose(torch.cat([x @ c1, x @ c2], dim=1), x @ a)


def test_gelu_does_not_split_over_a_sum():
    # Essay line 365: GELU(X1A1 + X2A2) != GELU(X1A1) + GELU(X2A2), so A cannot be split by rows before GELU.
    torch.manual_seed(0)
    x, a = torch.randn(3, 8, dtype=torch.float64), torch.randn(8, 6, dtype=torch.float64)
    (x1, x2), (a1, a2) = x.chunk(2, dim=1), a.chunk(2, dim=0)
    assert not torch.allclose(F.gelu(x1 @ a1 + x2 @ a2), F.gelu(x1 @ a1) + F.gelu(x2 @ a2))


def test_megatron_mlp_split_columns_then_rows():
    # Essay line 365: A split by columns (GELU local to each GPU), then B split by rows, one sum at the end.
    torch.manual_seed(0)
    x = torch.randn(5, 8, dtype=torch.float64)
    a, b = torch.randn(8, 16, dtype=torch.float64), torch.randn(16, 8, dtype=torch.float64)
    parts = [F.gelu(x @ a_i) @ b_i for a_i, b_i in zip(a.chunk(2, dim=1), b.chunk(2, dim=0))]
    assert torch.allclose(parts[0] + parts[1], F.gelu(x @ a) @ b)


def test_attention_heads_split_across_gpus():
    # Essay line 368: Q, K, V projections split by columns so each GPU computes whole heads; the output
    # projection B split by rows; the sum of the partial outputs equals multi-head attention.
    torch.manual_seed(0)
    embed, heads, gpus = 8, 4, 2
    attention = nn.MultiheadAttention(embed, heads, bias=False, batch_first=True).double()
    x = torch.randn(1, 5, embed, dtype=torch.float64)
    expected, _ = attention(x, x, x, need_weights=False)
    wq, wk, wv = attention.in_proj_weight.chunk(3, dim=0)
    head_dim = embed // heads
    total = torch.zeros_like(expected)
    for gpu in range(gpus):
        columns = slice(gpu * embed // gpus, (gpu + 1) * embed // gpus)  # this GPU's heads
        q, k, v = (x @ w[columns].T for w in (wq, wk, wv))
        outputs = []
        for h in range(heads // gpus):
            cols = slice(h * head_dim, (h + 1) * head_dim)
            scores = q[..., cols] @ k[..., cols].transpose(-1, -2) / math.sqrt(head_dim)
            outputs.append(torch.softmax(scores, dim=-1) @ v[..., cols])
        total = total + torch.cat(outputs, dim=-1) @ attention.out_proj.weight[:, columns].T
    assert torch.allclose(total, expected)


# ---------------------------------------------------------------- pipeline parallelism


def simulate(orders: list[list[tuple[str, int, int]]], stages: int) -> tuple[int, list[int]]:
    """Run per-device op lists, each op taking one time unit, respecting pipeline dependencies.

    An op is ``(kind, micro_batch, stage)``; forward of a stage needs the previous stage's forward, backward
    needs the next stage's backward (or the last forward).

    Returns:
        The makespan and, per device, the peak number of micro-batches whose activations it holds.
    """
    end: dict[tuple[str, int, int], int] = {}
    free = [0] * len(orders)
    position = [0] * len(orders)
    while any(position[d] < len(orders[d]) for d in range(len(orders))):
        progressed = False
        for device, order in enumerate(orders):
            if position[device] == len(order):
                continue
            kind, micro, stage = order[position[device]]
            if kind == "F":
                needs = [("F", micro, stage - 1)] if stage > 0 else []
            else:
                needs = [("B", micro, stage + 1)] if stage < stages - 1 else [("F", micro, stage)]
            if all(need in end for need in needs):
                start = max([free[device]] + [end[need] for need in needs])
                end[(kind, micro, stage)] = free[device] = start + 1
                position[device] += 1
                progressed = True
        assert progressed, "the schedule deadlocks"
    peaks = []
    for order in orders:
        held = peak = 0
        for kind, _, _ in order:
            held += 1 if kind == "F" else -1
            peak = max(peak, held)
        peaks.append(peak)
    return max(end.values()), peaks


def gpipe(p: int, m: int) -> list[list[tuple[str, int, int]]]:
    """GPipe: every device runs all forwards, then all backwards."""
    return [[("F", i, d) for i in range(m)] + [("B", i, d) for i in range(m)] for d in range(p)]


def one_f_one_b(p: int, m: int) -> list[list[tuple[str, int, int]]]:
    """PipeDream's 1F1B: p-d-1 warm-up forwards, then one forward and one backward alternately."""
    orders = []
    for d in range(p):
        warmup = min(p - d - 1, m)
        order = [("F", i, d) for i in range(warmup)]
        for i in range(m - warmup):
            order += [("F", warmup + i, d), ("B", i, d)]
        order += [("B", i, d) for i in range(m - warmup, m)]
        orders.append(order)
    return orders


def test_gpipe_and_pipedream_bubbles_and_activation_memory():
    # Essay lines 374-377: 4 devices, 8 micro-batches. PipeDream has the same bubble as GPipe, but a device keeps
    # at least 1 and at most 4 micro-batches of activations instead of 8; more micro-batches lower the bubble.
    p, m = 4, 8
    gpipe_time, gpipe_peaks = simulate(gpipe(p, m), p)
    pipedream_time, pipedream_peaks = simulate(one_f_one_b(p, m), p)
    assert gpipe_time == pipedream_time == 2 * (m + p - 1)
    assert Fraction(gpipe_time - 2 * m, gpipe_time) == Fraction(p - 1, m + p - 1) == Fraction(3, 11)
    assert gpipe_peaks == [8, 8, 8, 8]
    assert pipedream_peaks == [4, 3, 2, 1]
    longer_time, longer_peaks = simulate(one_f_one_b(p, 32), p)
    assert Fraction(longer_time - 64, longer_time) < Fraction(3, 11) and max(longer_peaks) == 4


def interleaved(p: int, m: int, v: int) -> list[list[tuple[str, int, int]]]:
    """Virtual pipeline (GPipe order): device d holds stages d, d+p, …; micro-batches go in groups of p."""
    orders = []
    for d in range(p):
        forward, backward = [], []
        for group in range(m // p):
            batch = range(group * p, (group + 1) * p)
            forward += [("F", i, k * p + d) for k in range(v) for i in batch]
            backward += [("B", i, k * p + d) for k in reversed(range(v)) for i in batch]
        orders.append(forward + backward)
    return orders


def test_virtual_pipeline_lowers_the_bubble():
    # Essay line 380: with the same devices, more and smaller stages per device lower the bubble ratio.
    p, m = 4, 8
    plain_time, _ = simulate(gpipe(p, m), p)
    bubbles = {}
    for v in (1, 2, 4):
        time, _ = simulate(interleaved(p, m, v), v * p)
        bubbles[v] = Fraction(time - 2 * m * v, v)  # in units of a whole (un-split) stage
    assert bubbles[1] == plain_time - 2 * m == 2 * (p - 1)
    assert bubbles == {v: Fraction(2 * (p - 1), v) for v in (1, 2, 4)}  # the bubble shrinks as 1/v


def test_virtual_pipeline_message_ratio():
    # Essay line 380: 16 layers, 4 devices, virtual_pipeline_stage = 2; "通信次数和通信量直接翻了 v 倍". Count the
    # layer boundaries that cross devices in one forward pass: 7 against 3.
    layers, p = 16, 4

    def crossings(v: int) -> int:
        per_stage = layers // (p * v)
        device = [(layer // per_stage) % p for layer in range(layers)]
        assert device[8] == 0 if v == 2 else True  # the essay: layers 8-9 go back to device 1
        return sum(a != b for a, b in zip(device, device[1:]))

    assert (crossings(1), crossings(2)) == (3, 7)
    assert Fraction(crossings(2), crossings(1)) == Fraction(2 * p - 1, p - 1) != 2
    assert Fraction(crossings(4), crossings(1)) == Fraction(4 * p - 1, p - 1)


# ---------------------------------------------------------------- second audit: claims found wrong on a re-reading


def test_relu_is_continuous_but_not_differentiable_at_zero():
    # Essay line 18: "激活函数都是连续可导的。常见的激活函数有Tanh，ReLU，Sigmoid，Linear". ReLU has a kink at 0.
    h = 1e-6
    left = (F.relu(torch.tensor(0.0)) - F.relu(torch.tensor(-h))) / h
    right = (F.relu(torch.tensor(h)) - F.relu(torch.tensor(0.0))) / h
    assert math.isclose(left.item(), 0.0) and math.isclose(right.item(), 1.0, rel_tol=1e-3)
    x = torch.zeros(1, requires_grad=True)
    F.relu(x).backward()
    assert x.grad.item() == 0.0  # the subgradient PyTorch picks at the kink
    for smooth in (torch.tanh, torch.sigmoid):  # these have one derivative from both sides
        point = torch.tensor(0.0)
        assert math.isclose(
            ((smooth(point) - smooth(point - h)) / h).item(), ((smooth(point + h) - smooth(point)) / h).item(), rel_tol=1e-2
        )


class _Subsampling(nn.Module):
    """LeNet-5's S2/S4: the sum of each 2×2 block times a trainable coefficient plus a trainable bias, per map."""

    def __init__(self, maps: int) -> None:
        super().__init__()
        self.coefficient = nn.Parameter(torch.ones(maps))
        self.bias = nn.Parameter(torch.zeros(maps))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        summed = F.avg_pool2d(x, 2) * 4
        return torch.sigmoid(summed * self.coefficient[:, None, None] + self.bias[:, None, None])


# LeCun et al. 1998, Table I: which S2 maps each of the 16 C3 maps reads.
C3_INPUTS = [[i % 6, (i + 1) % 6, (i + 2) % 6] for i in range(6)]
C3_INPUTS += [[i % 6, (i + 1) % 6, (i + 2) % 6, (i + 3) % 6] for i in range(6)]
C3_INPUTS += [[0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5], list(range(6))]


def test_published_lenet5_has_one_input_channel_and_trainable_subsampling():
    # The essay's table gives LeNet-5 a (3,32,32) input and parameter-free max pooling. The 1998 paper: a 32×32
    # grey-level image, and subsampling layers with one trainable coefficient and one bias per map — 60,000 in all.
    c1, s2 = nn.Conv2d(1, 6, 5), _Subsampling(6)
    c3, s4 = nn.Conv2d(6, 16, 5), _Subsampling(16)
    c5, f6 = nn.Conv2d(16, 120, 5), nn.Linear(120, 84)
    mask = torch.zeros(16, 6)
    for output, inputs in enumerate(C3_INPUTS):
        mask[output, inputs] = 1
    with torch.no_grad():
        c3.weight.mul_(mask[:, :, None, None])  # the partial connection table: absent weights are zero
    c3_parameters = int(mask.sum()) * 5 * 5 + 16
    counts = [count_parameters(c1), count_parameters(s2), c3_parameters, count_parameters(s4)]
    counts += [count_parameters(c5), count_parameters(f6)]
    assert counts == [156, 12, 1516, 32, 48_120, 10_164]
    assert sum(counts) == 60_000
    x = torch.zeros(1, 1, 32, 32)
    assert c5(s4(c3(s2(c1(x))))).shape == (1, 120, 1, 1)
    assert count_parameters(nn.MaxPool2d(2)) == 0  # what the essay describes is the modern max pooling


def _plain_net(depth: int, batch_norm: bool) -> nn.Sequential:
    layers: list[nn.Module] = []
    for index in range(depth):
        conv = nn.Conv2d(3 if index == 0 else 8, 8, 3, padding=1, bias=not batch_norm)
        if batch_norm:
            nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            layers += [conv, nn.BatchNorm2d(8), nn.ReLU()]
        else:
            layers += [conv, nn.Sigmoid()]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10))


def test_deep_plain_networks_with_batch_norm_do_not_vanish_their_gradients():
    # c003-resnet (essay line 193) says deeper plain networks got worse because of vanishing/exploding gradients.
    # He et al. 2016, §4.1: the 34-layer plain net's trouble "is unlikely to be caused by vanishing gradients. These
    # plain networks are trained with BN ... the backward propagated gradients exhibit healthy norms with BN."
    # A 56-layer plain network with He initialisation and BN: the first layer's gradient is not smaller than the
    # last one's; the same depth with sigmoids and no BN is where gradients vanish.
    torch.manual_seed(0)
    x, y = torch.randn(16, 3, 8, 8), torch.randint(0, 10, (16,))
    norms = {}
    for batch_norm in (True, False):
        net = _plain_net(56, batch_norm)
        F.cross_entropy(net(x), y).backward()
        convs = [layer for layer in net if isinstance(layer, nn.Conv2d)]
        norms[batch_norm] = (convs[0].weight.grad.norm().item(), convs[-1].weight.grad.norm().item())
    first, last = norms[True]
    assert first >= last > 0
    first, last = norms[False]
    assert first < 1e-6 * last


def test_low_bit_multipliers_take_less_chip_area():
    # Essay line 276: quantisation "提升芯片面积" (the card silently says 减小). An n×m array multiplier adds n·m
    # partial-product bits: 64 for int8, 576 for FP32's 24-bit significands (hidden bit included), 9 times more.
    # Horowitz, ISSCC 2014 (45 nm): 8-bit integer multiply 282 µm², 32-bit float multiply 7700 µm².
    def partial_products(a: int, b: int, bits: int) -> list[int]:
        return [((a >> i) & 1) * ((b >> j) & 1) << (i + j) for i in range(bits) for j in range(bits)]

    rng = np.random.default_rng(0)
    for bits in (8, 24):
        a, b = (int(value) for value in rng.integers(0, 2**bits, 2))
        products = partial_products(a, b, bits)
        assert sum(products) == a * b  # the array multiplier computes the product from these bits
        assert len(products) == bits * bits
    assert (24 * 24) / (8 * 8) == 9
    assert 7700 / 282 > 27


def test_soft_target_gradients_shrink_as_one_over_t_squared():
    # Essay line 322: L = L_soft + λ L_hard. Hinton et al. 2015, §2: the soft targets' gradients scale as 1/T², so
    # they are multiplied by T² to keep their weight when T changes.
    torch.manual_seed(0)
    student, teacher = torch.randn(10), torch.randn(10)

    def soft_gradient(temperature: float) -> torch.Tensor:
        z = student.clone().requires_grad_(True)
        p = torch.softmax(teacher / temperature, dim=0)
        loss = -(p * torch.log_softmax(z / temperature, dim=0)).sum()
        loss.backward()
        return z.grad

    g10, g20 = soft_gradient(10.0).norm().item(), soft_gradient(20.0).norm().item()
    assert math.isclose(g10 / g20, 4.0, rel_tol=0.05)  # doubling T quarters the gradient
    assert math.isclose(100 * g10, 400 * g20, rel_tol=0.05)  # with the T² factor it no longer depends on T


# ---------------------------------------------------------------- the deck's errata point here


def test_every_erratum_check_names_a_test_in_this_file():
    deck = load_deck(DECK)
    errata = [erratum for card in deck.cards for erratum in card.errata]
    assert len(errata) == 16  # the count in this module's docstring
    here = f"tests/questions/{Path(__file__).name}"
    for erratum in errata:
        path, _, name = erratum.check.partition("::")
        assert path == here, erratum.check
        assert re.fullmatch(r"test_\w+", name) and callable(globals().get(name)), erratum.check
