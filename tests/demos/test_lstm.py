"""The LSTM demo: gradient flow checked against hand-written numpy recurrences and the issue's claims."""

import numpy as np
import pytest
import torch

from tutor.demos.lstm.compute import INPUT_SIZE, compute, draw_inputs, input_gradient_norms, make_network

STEPS = 100
HIDDEN = 32  # the default: at H = 8 single seeds scatter over two orders of magnitude


@pytest.fixture(scope="module")
def biased():
    return compute(steps=STEPS, hidden=HIDDEN, forget_bias=5.0, seeds=3)


def test_lstm_with_forget_bias_five_keeps_its_gradient_within_two_orders(biased):
    ratio = biased.lstm[0] / biased.lstm[-1]
    assert 1e-2 < ratio < 1e2


def test_tanh_rnn_gradient_at_t1_is_more_than_ten_orders_below_t_T(biased):
    assert biased.rnn[0] / biased.rnn[-1] < 1e-10


def test_lstm_at_default_bias_vanishes_too(biased):
    # B = 0 is the mean of PyTorch's initialisation: f ≈ ½ per step.
    at_zero = next(point for point in biased.sweep if point.forget_bias == 0.0)
    assert at_zero.first_over_last < 1e-10


def test_gradient_reaching_t1_grows_with_the_forget_bias_up_to_three(biased):
    ratios = [point.first_over_last for point in biased.sweep if point.forget_bias <= 3.0]
    assert ratios == sorted(ratios)


def test_float32_rnn_gradient_underflows_to_zero_where_float64_is_positive(biased):
    assert biased.rnn_float32_zero_before >= 1
    assert min(biased.rnn) > 0.0


def test_forget_slices_add_up_to_the_bias_and_the_rest_is_pytorchs_default():
    network = make_network("lstm", HIDDEN, 3, 5.0, torch.float64)
    torch.manual_seed(3)
    default = torch.nn.LSTM(INPUT_SIZE, HIDDEN, dtype=torch.float64)
    forget = slice(HIDDEN, 2 * HIDDEN)
    total = network.bias_ih_l0[forget] + network.bias_hh_l0[forget]
    assert torch.allclose(total, torch.full((HIDDEN,), 5.0, dtype=torch.float64))
    keep = torch.ones(4 * HIDDEN, dtype=torch.bool)
    keep[forget] = False
    assert torch.equal(network.bias_ih_l0[keep], default.bias_ih_l0[keep])
    assert torch.equal(network.weight_hh_l0, default.weight_hh_l0)


def numpy_lstm_last_sum(params, xs):
    """Σ h_T of an LSTM written out with gates in PyTorch's order i, f, g, o."""
    w_ih, w_hh, b_ih, b_hh = params
    hidden = w_hh.shape[1]
    h = np.zeros(hidden)
    c = np.zeros(hidden)
    for x in xs:
        z = w_ih @ x + b_ih + w_hh @ h + b_hh
        i, f, g, o = (z[k * hidden : (k + 1) * hidden] for k in range(4))
        sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
        c = sig(f) * c + sig(i) * np.tanh(g)
        h = sig(o) * np.tanh(c)
    return h.sum()


def test_lstm_input_gradients_match_finite_differences_of_a_numpy_lstm():
    # An independent LSTM in numpy, differentiated by central differences at the first and last step.
    steps = 30
    network = make_network("lstm", 4, 1, 5.0, torch.float64)
    params = [p.detach().numpy() for p in (network.weight_ih_l0, network.weight_hh_l0,
                                           network.bias_ih_l0, network.bias_hh_l0)]
    inputs = draw_inputs(steps, 1, torch.float64)
    norms = input_gradient_norms(network, inputs)
    xs = inputs[:, 0, :].numpy().copy()
    step = 1e-6
    for t in (0, steps - 1):
        gradient = np.zeros(INPUT_SIZE)
        for k in range(INPUT_SIZE):
            up, down = xs.copy(), xs.copy()
            up[t, k] += step
            down[t, k] -= step
            gradient[k] = (numpy_lstm_last_sum(params, up) - numpy_lstm_last_sum(params, down)) / (2 * step)
        assert np.linalg.norm(gradient) == pytest.approx(norms[t], rel=1e-6)


def test_rnn_input_gradients_match_a_numpy_backward_pass():
    # h_t = tanh(W x_t + b + U h_{t−1} + c); ∂L/∂h_T = 1; ∂L/∂x_t = Wᵀ δ_t, δ_t = (1 − h_t²)(∂L/∂h_t),
    # ∂L/∂h_{t−1} = Uᵀ δ_t.
    network = make_network("rnn", HIDDEN, 2, 0.0, torch.float64)
    w, u, b, c = (p.detach().numpy() for p in (network.weight_ih_l0, network.weight_hh_l0,
                                               network.bias_ih_l0, network.bias_hh_l0))
    inputs = draw_inputs(STEPS, 2, torch.float64)
    xs = inputs[:, 0, :].numpy()
    states = [np.zeros(HIDDEN)]
    for x in xs:
        states.append(np.tanh(w @ x + b + u @ states[-1] + c))
    upstream = np.ones(HIDDEN)
    expected = [0.0] * STEPS
    for t in range(STEPS - 1, -1, -1):
        delta = (1 - states[t + 1] ** 2) * upstream
        expected[t] = np.linalg.norm(w.T @ delta)
        upstream = u.T @ delta
    np.testing.assert_allclose(input_gradient_norms(network, inputs), expected, rtol=1e-10)


def test_json_has_the_contract_keys(biased):
    data = biased.to_dict()
    assert {"steps", "forget_bias", "rnn", "lstm", "gru"} <= set(data)
    assert data["steps"] == STEPS and data["forget_bias"] == 5.0
    assert len(data["rnn"]) == len(data["lstm"]) == len(data["gru"]) == STEPS
