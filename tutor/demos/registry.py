"""The demos tutor can run: names, one-line summaries and parameters, validated before anything heavy loads.

Each demo lives in ``tutor/demos/<name>/`` with:
- ``compute.py``: ``compute(**params) -> result`` (keyword-only arguments, seeded, pure; the result is a
  dataclass with ``to_dict()``, which ``--json`` prints);
- ``terminal.py``: ``show(result, console)`` draws the result with Rich (animated with Live where it moves);
- ``widget.py``: ``make_widget(params) -> textual Widget`` computes in a worker and draws in the app.
"""

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from tutor.errors import DemoParameterError


@dataclass(frozen=True)
class Parameter:
    """One parameter of a demo, as the command line and the app's form show it."""

    name: str
    """Keyword of the compute function (``--world-size`` on the command line for ``world_size``)."""
    kind: type
    """int, float or bool."""
    default: Any
    """Value when the learner gives none."""
    help: str
    """One line for ``tutor demo NAME --help`` and the app's form."""
    minimum: float | None = None
    """Smallest accepted value (inclusive), if bounded."""
    maximum: float | None = None
    """Largest accepted value (inclusive), if bounded."""

    @property
    def flag(self) -> str:
        """The command-line option, e.g. ``--world-size``."""
        return "--" + self.name.replace("_", "-")

    def parse(self, raw: Any) -> Any:
        """Convert ``raw`` (a string from the command line or a value from a card) and check its bounds.

        Raises:
            DemoParameterError: the value has the wrong type or is out of bounds.
        """
        if self.kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise DemoParameterError(f"{self.flag} takes true or false, not {raw!r}")
        try:
            value = self.kind(raw)
        except (TypeError, ValueError):
            kind = "an integer" if self.kind is int else "a number"
            raise DemoParameterError(f"{self.flag} takes {kind}, not {raw!r}") from None
        if isinstance(raw, float) and self.kind is int and raw != value:
            raise DemoParameterError(f"{self.flag} takes an integer, not {raw!r}")
        if value != value or value in (float("inf"), float("-inf")):
            raise DemoParameterError(f"{self.flag} takes a finite number, not {raw!r}")
        if self.minimum is not None and value < self.minimum:
            raise DemoParameterError(f"{self.flag} must be at least {self.minimum:g}, not {raw}")
        if self.maximum is not None and value > self.maximum:
            raise DemoParameterError(f"{self.flag} must be at most {self.maximum:g}, not {raw}")
        return value


@dataclass(frozen=True)
class Demo:
    """A registered demo."""

    name: str
    """Name on the command line and in cards' ``demos`` links."""
    summary: str
    """One line shown by ``tutor demo``."""
    parameters: tuple[Parameter, ...]
    """What the learner can change."""

    def parameter(self, name: str) -> Parameter:
        """Return the parameter called ``name``.

        Raises:
            DemoParameterError: the demo has no such parameter.
        """
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        flags = ", ".join(parameter.flag for parameter in self.parameters)
        raise DemoParameterError(f"demo {self.name!r} has no parameter {name!r} (it takes {flags})")

    def resolve(self, given: dict[str, Any]) -> dict[str, Any]:
        """Return every parameter's value: ``given`` ones parsed and checked, the rest at their defaults.

        Raises:
            DemoParameterError: an unknown parameter or a bad value.
        """
        values = {parameter.name: parameter.default for parameter in self.parameters}
        for name, raw in given.items():
            values[name] = self.parameter(name).parse(raw)
        return values

    def module(self, part: str) -> ModuleType:
        """Import and return one part of the demo: ``compute``, ``terminal`` or ``widget``."""
        return importlib.import_module(f"tutor.demos.{self.name}.{part}")

    def compute(self, params: dict[str, Any]) -> Any:
        """Validate ``params`` and run the demo's compute function."""
        return self.module("compute").compute(**self.resolve(params))


DEMOS: tuple[Demo, ...] = (
    Demo(
        name="descent",
        summary="Why gradient descent zigzags, and what momentum, Nesterov, RMSprop and Adam do about it",
        parameters=(
            Parameter("kappa", float, 50.0, "condition number of the 2-D quadratic", 1.0, 10000.0),
            Parameter("lr", float, 0.0, "step size of SGD, momentum, Nesterov (0: each one's best)", 0.0, 10.0),
            Parameter("beta", float, -1.0, "momentum β of momentum and Nesterov (-1: each one's optimal)", -1.0, 0.999),
            Parameter("tol", float, 1e-6, "distance to the minimum, relative to the start's", 1e-12, 1.0),
            Parameter("max_steps", int, 2000, "most steps per optimizer", 10, 100000),
            Parameter("seed", int, 0, "random seed (minibatch SGD)", 0, 2**31 - 1),
        ),
    ),
    Demo(
        name="activations",
        summary="Activation functions and their derivatives by autograd: ranges and saturation",
        parameters=(
            Parameter("lo", float, -10.0, "left end of the interval", -1000.0, 1000.0),
            Parameter("hi", float, 10.0, "right end of the interval", -1000.0, 1000.0),
            Parameter("points", int, 2001, "samples over the interval", 11, 200001),
        ),
    ),
    Demo(
        name="allreduce",
        summary="Ring all-reduce over torch.distributed (gloo) in real worker processes",
        parameters=(
            Parameter("world_size", int, 4, "number of local worker processes p (each holds its own copy of the data)", 2, 16),
            Parameter("elements", int, 10, "length n of each rank's float32 vector (16 Mi elements = 64 MB)", 1, 16 * 2**20),
            Parameter("bench", bool, False, "time ring vs gloo all_reduce vs parameter server, 1 KB to 64 MB"),
            Parameter("port", int, 0, "rendezvous port (0: pick a free one)", 0, 65535),
            Parameter("seed", int, 0, "random seed of the vectors", 0, 2**31 - 1),
        ),
    ),
    Demo(
        name="lstm",
        summary="Gradient flow through time: RNN vs LSTM vs GRU, and the LSTM forget-gate bias",
        parameters=(
            Parameter("steps", int, 100, "sequence length T", 2, 2000),
            Parameter("hidden", int, 32, "hidden size H of each network", 1, 1024),
            Parameter("forget_bias", float, 0.0, "total forget-gate bias B of the LSTM (b_ih + b_hh)", -20.0, 20.0),
            Parameter("seeds", int, 5, "random initialisations averaged", 1, 100),
        ),
    ),
    Demo(
        name="matmul",
        summary="Matrix multiply timing: pure Python vs NumPy vs torch on CPU, and on the GPU when present",
        parameters=(
            Parameter("budget", float, 3.0, "seconds of timing per device", 0.1, 600.0),
            Parameter("max_n", int, 4096, "largest matrix size tried", 64, 32768),
        ),
    ),
)
"""Every demo, in the order ``tutor demo`` lists them."""


def all_demos() -> tuple[Demo, ...]:
    """Return every registered demo."""
    return DEMOS


def get_demo(name: str) -> Demo:
    """Return the demo called ``name``.

    Raises:
        DemoParameterError: no demo has that name.
    """
    for demo in DEMOS:
        if demo.name == name:
            return demo
    known = ", ".join(demo.name for demo in DEMOS) or "none yet"
    raise DemoParameterError(f"unknown demo {name!r} (demos: {known})")
