"""The activations demo against closed forms written out in numpy."""

import math

import numpy as np
import pytest

from tutor.demos.activations.compute import SATURATION, compute
from tutor.demos.registry import get_demo
from tutor.errors import DemoParameterError

erf = np.vectorize(math.erf)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def gelu_tanh_inner(x):
    return math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)


# Each entry: the function and its derivative, with the left-hand slope at a kink (autograd's convention).
REFERENCES = {
    "sigmoid": (sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x))),
    "tanh": (np.tanh, lambda x: 1 / np.cosh(x) ** 2),
    "relu": (lambda x: np.maximum(x, 0), lambda x: np.where(x > 0, 1.0, 0.0)),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.01 * x), lambda x: np.where(x > 0, 1.0, 0.01)),
    "prelu": (lambda x: np.where(x > 0, x, 0.25 * x), lambda x: np.where(x > 0, 1.0, 0.25)),
    "elu": (lambda x: np.where(x > 0, x, np.expm1(x)), lambda x: np.where(x > 0, 1.0, np.exp(x))),
    "gelu": (
        lambda x: 0.5 * x * (1 + erf(x / math.sqrt(2))),
        lambda x: 0.5 * (1 + erf(x / math.sqrt(2))) + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi),
    ),
    "gelu_tanh": (
        lambda x: 0.5 * x * (1 + np.tanh(gelu_tanh_inner(x))),
        lambda x: 0.5 * (1 + np.tanh(gelu_tanh_inner(x)))
        + 0.5 * x / np.cosh(gelu_tanh_inner(x)) ** 2 * math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x * x),
    ),
    "silu": (lambda x: x * sigmoid(x), lambda x: sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))),
    "softplus": (lambda x: np.log1p(np.exp(x)), sigmoid),
}


@pytest.fixture(scope="module")
def result():
    return compute(lo=-10.0, hi=10.0, points=2001)


def curve(result, name):
    return next(entry for entry in result.curves if entry.name == name)


def test_every_activation_of_the_issue_is_there(result):
    assert [entry.name for entry in result.curves] == list(REFERENCES)


@pytest.mark.parametrize("name", list(REFERENCES))
def test_values_equal_the_closed_form(result, name):
    function, _ = REFERENCES[name]
    xs = np.array(result.xs)
    # softplus: torch returns x itself above x = 20; none here, so the formula holds to rounding.
    np.testing.assert_allclose(curve(result, name).values, function(xs), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", list(REFERENCES))
def test_autograd_derivative_equals_the_closed_form(result, name):
    _, derivative = REFERENCES[name]
    xs = np.array(result.xs)
    # LeakyReLU's backward uses its slope rounded to float32: 0.01 − fl32(0.01) ≈ 2.2e-10.
    atol = 1e-9 if name == "leaky_relu" else 1e-14
    np.testing.assert_allclose(curve(result, name).derivatives, derivative(xs), rtol=1e-12, atol=atol)


def test_reported_autograd_error_is_a_few_ulps_except_leaky_relus_float32_slope(result):
    assert {entry.name for entry in result.curves} == set(REFERENCES)
    for entry in result.curves:
        assert entry.autograd_error < (3e-10 if entry.name == "leaky_relu" else 1e-14), entry.name


def test_sigmoid_saturates_where_its_slope_drops_below_the_threshold(result):
    # σ(1−σ) = t at σ = (1 − √(1−4t))/2, i.e. |x| = ln(σ/(1−σ)) in size.
    s = (1 - math.sqrt(1 - 4 * SATURATION)) / 2
    edge = -math.log(s / (1 - s))
    spacing = 20 / 2000
    (left, right) = curve(result, "sigmoid").saturated
    assert left[0] == -10.0 and right[1] == 10.0
    assert abs(left[1] + edge) <= spacing and abs(right[0] - edge) <= spacing


def test_tanh_saturates_beyond_atanh_of_root_one_minus_threshold(result):
    edge = math.atanh(math.sqrt(1 - SATURATION))
    (left, right) = curve(result, "tanh").saturated
    assert abs(left[1] + edge) <= 0.01 and abs(right[0] - edge) <= 0.01


def test_relu_is_flat_on_the_left_and_leaky_variants_never(result):
    assert curve(result, "relu").saturated == ((-10.0, 0.0),)
    assert curve(result, "leaky_relu").saturated == ()
    assert curve(result, "prelu").saturated == ()


def test_minima_of_gelu_and_silu_are_not_counted_as_saturation(result):
    # f′ crosses zero at GELU's minimum (x ≈ −0.75) and SiLU's (x ≈ −1.28): extrema, not flat regions.
    assert curve(result, "gelu").saturated == ((-10.0, pytest.approx(-3.82, abs=0.01)),)
    assert len(curve(result, "silu").saturated) == 1


@pytest.mark.parametrize("name", list(REFERENCES))
def test_ranges_are_the_extremes_of_the_closed_form_on_the_grid(result, name):
    function, derivative = REFERENCES[name]
    xs = np.array(result.xs)
    entry = curve(result, name)
    assert entry.minimum == pytest.approx(function(xs).min(), rel=1e-12, abs=1e-14)
    assert entry.maximum == pytest.approx(function(xs).max(), rel=1e-12, abs=1e-14)
    assert entry.grad_min == pytest.approx(derivative(xs).min(), rel=1e-9, abs=1e-14)
    assert entry.grad_max == pytest.approx(derivative(xs).max(), rel=1e-9, abs=1e-14)


def test_interval_must_be_ordered():
    with pytest.raises(DemoParameterError, match="lo and hi must be in increasing order, not 1 and 1"):
        get_demo("activations").resolve({"lo": 1.0, "hi": 1.0})


def test_json_has_the_contract_keys(result):
    data = result.to_dict()
    assert data["range"] == [-10.0, 10.0]
    assert set(data["functions"]) == set(REFERENCES)
    for entry in data["functions"].values():
        assert {"min", "max"} <= set(entry)
