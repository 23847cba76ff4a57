"""How far back a gradient reaches: ‖∂L/∂x_t‖ for every t in a tanh RNN, an LSTM and a GRU.

Each network (torch.nn.RNN with tanh, nn.LSTM, nn.GRU; one layer, equal hidden size, PyTorch's default
initialisation) reads a random sequence of length T; the loss is the sum of the last hidden state, and one
backward pass gives the gradient with respect to every input x_t. The norms are averaged over several seeds.

Everything runs in float64: in float32 the tanh RNN's gradient underflows to exactly 0 over the first steps of
a long sequence (t ≤ 18 of 100 at the defaults, seed 0; the result records where).

The LSTM's forget gate f = σ(W x + U h + b_ih,f + b_hh,f) decides how much of the cell survives each step.
PyTorch initialises both bias vectors uniformly around 0, so f ≈ σ(0) = ½ and the cell passes back about half
its gradient each step: at T = 100 the LSTM's gradient vanishes too. A larger total B of the forget slices
keeps f = σ(B) near 1 and the gradient survives (B = 1, Jozefowicz et al. 2015's advice, is still far from
enough at T = 100). The demo sweeps B instead of claiming that an LSTM always keeps its gradient.
"""

from dataclasses import dataclass

import torch

from tutor.demos.torch_threads import one_thread

INPUT_SIZE = 8
"""Features of each input x_t."""

SWEEP_BIASES = (-2.0, 0.0, 1.0, 2.0, 3.0, 5.0, 8.0)
"""Forget-gate biases B of the sweep."""


@dataclass(frozen=True)
class SweepPoint:
    """The LSTM's gradient at one forget-gate bias."""

    forget_bias: float
    """Total forget bias B (b_ih + b_hh forget slices)."""
    norms: tuple[float, ...]
    """Mean ‖∂L/∂x_t‖ over the seeds, t = 1 … T."""

    @property
    def first_over_last(self) -> float:
        """‖∂L/∂x_1‖ / ‖∂L/∂x_T‖: how much of the gradient reaches the start."""
        return self.norms[0] / self.norms[-1]


@dataclass(frozen=True)
class LstmResult:
    """Gradient norms through time for the three networks."""

    steps: int
    """Sequence length T."""
    hidden: int
    """Hidden size H of each network."""
    forget_bias: float
    """Total forget bias B of the LSTM."""
    seeds: int
    """Initialisations averaged."""
    rnn: tuple[float, ...]
    """Mean ‖∂L/∂x_t‖ of the tanh RNN, t = 1 … T."""
    lstm: tuple[float, ...]
    """Same for the LSTM at forget bias B."""
    gru: tuple[float, ...]
    """Same for the GRU."""
    sweep: tuple[SweepPoint, ...]
    """The LSTM at each bias of SWEEP_BIASES."""
    rnn_float32_zero_before: int
    """In float32 (seed 0) the RNN's gradient is exactly 0 for every t up to this one (0: it never is)."""

    def to_dict(self) -> dict:
        """Return the JSON contract, with the sweep and the float32 underflow point."""
        return {
            "steps": self.steps,
            "hidden": self.hidden,
            "forget_bias": self.forget_bias,
            "seeds": self.seeds,
            "rnn": list(self.rnn),
            "lstm": list(self.lstm),
            "gru": list(self.gru),
            "sweep": [
                {"forget_bias": point.forget_bias, "first_over_last": point.first_over_last} for point in self.sweep
            ],
            "rnn_float32_zero_before": self.rnn_float32_zero_before,
        }


def make_network(kind: str, hidden: int, seed: int, forget_bias: float, dtype: torch.dtype) -> torch.nn.Module:
    """Return a one-layer ``rnn`` (tanh), ``lstm`` or ``gru`` with PyTorch's default initialisation from ``seed``.

    For the LSTM the forget slices (rows H … 2H, gate order i, f, g, o) of b_ih and b_hh are set to B/2
    each, so their total is ``forget_bias``.
    """
    torch.manual_seed(seed)
    if kind == "rnn":
        network = torch.nn.RNN(INPUT_SIZE, hidden, nonlinearity="tanh", dtype=dtype)
    elif kind == "lstm":
        network = torch.nn.LSTM(INPUT_SIZE, hidden, dtype=dtype)
        with torch.no_grad():
            network.bias_ih_l0[hidden : 2 * hidden] = forget_bias / 2
            network.bias_hh_l0[hidden : 2 * hidden] = forget_bias / 2
    elif kind == "gru":
        network = torch.nn.GRU(INPUT_SIZE, hidden, dtype=dtype)
    else:
        raise ValueError(f"unknown network kind {kind!r}")
    return network


def draw_inputs(steps: int, seed: int, dtype: torch.dtype) -> torch.Tensor:
    """Return a standard normal input sequence of shape (T, 1, INPUT_SIZE) drawn from ``seed``."""
    generator = torch.Generator().manual_seed(10_000 + seed)
    return torch.randn(steps, 1, INPUT_SIZE, generator=generator, dtype=dtype)


def input_gradient_norms(network: torch.nn.Module, inputs: torch.Tensor) -> list[float]:
    """Return ‖∂L/∂x_t‖ for t = 1 … T, with L the sum of the network's last hidden state on ``inputs``."""
    inputs = inputs.detach().clone().requires_grad_(True)
    outputs, _ = network(inputs)
    (gradient,) = torch.autograd.grad(outputs[-1].sum(), inputs)
    return torch.linalg.vector_norm(gradient.reshape(len(inputs), -1), dim=1).tolist()


def mean_norms(kind: str, steps: int, hidden: int, seeds: int, forget_bias: float = 0.0) -> tuple[float, ...]:
    """Return the mean over ``seeds`` initialisations of ‖∂L/∂x_t‖, t = 1 … T, in float64."""
    total = [0.0] * steps
    for seed in range(seeds):
        network = make_network(kind, hidden, seed, forget_bias, torch.float64)
        for index, norm in enumerate(input_gradient_norms(network, draw_inputs(steps, seed, torch.float64))):
            total[index] += norm
    return tuple(value / seeds for value in total)


def compute(*, steps: int, hidden: int, forget_bias: float, seeds: int) -> LstmResult:
    """Measure the gradient through time of the three networks and sweep the LSTM's forget bias.

    Args:
        steps: sequence length T.
        hidden: hidden size H of every network.
        forget_bias: total forget-gate bias B of the LSTM.
        seeds: initialisations (and input sequences) averaged.
    """
    with torch.random.fork_rng(devices=[]), one_thread():
        rnn = mean_norms("rnn", steps, hidden, seeds)
        lstm = mean_norms("lstm", steps, hidden, seeds, forget_bias)
        gru = mean_norms("gru", steps, hidden, seeds)
        sweep = tuple(
            SweepPoint(bias, lstm if bias == forget_bias else mean_norms("lstm", steps, hidden, seeds, bias))
            for bias in SWEEP_BIASES
        )
        float32_rnn = make_network("rnn", hidden, 0, 0.0, torch.float32)
        single = input_gradient_norms(float32_rnn, draw_inputs(steps, 0, torch.float32))
    zero_before = 0
    while zero_before < steps and single[zero_before] == 0.0:
        zero_before += 1
    return LstmResult(
        steps=steps,
        hidden=hidden,
        forget_bias=forget_bias,
        seeds=seeds,
        rnn=rnn,
        lstm=lstm,
        gru=gru,
        sweep=sweep,
        rnn_float32_zero_before=zero_before,
    )
