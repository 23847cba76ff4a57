"""The demos tutor can run: names, one-line summaries and parameters, validated before anything heavy loads.

Each demo lives in ``tutor/demos/<name>/`` with:
- ``compute.py``: ``compute(**params) -> result`` (keyword-only arguments, seeded, pure; the result is a
  dataclass with ``to_dict()``, which ``--json`` prints);
- ``terminal.py``: ``show(result, console)`` draws the result with Rich (animated with Live where it moves);
- ``widget.py``: ``make_widget(params) -> textual Widget`` computes in a worker and draws in the app.
"""

import importlib
import os
from collections.abc import Callable
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
            raise DemoParameterError.about(self.name, problem=f"takes true or false, not {raw!r}")
        try:
            value = self.kind(raw)
        except (TypeError, ValueError):
            kind = "an integer" if self.kind is int else "a number"
            raise DemoParameterError.about(self.name, problem=f"takes {kind}, not {raw!r}") from None
        if isinstance(raw, float) and self.kind is int and raw != value:
            raise DemoParameterError.about(self.name, problem=f"takes an integer, not {raw!r}")
        if value != value or value in (float("inf"), float("-inf")):
            raise DemoParameterError.about(self.name, problem=f"takes a finite number, not {raw!r}")
        if self.minimum is not None and value < self.minimum:
            raise DemoParameterError.about(self.name, problem=f"must be at least {self.minimum:g}, not {raw}")
        if self.maximum is not None and value > self.maximum:
            raise DemoParameterError.about(self.name, problem=f"must be at most {self.maximum:g}, not {raw}")
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
    check: Callable[[dict[str, Any]], None] | None = None
    """Checks what no single bound can (an interval's order, the memory a combination needs) on the resolved
    values, raising DemoParameterError."""

    def parameter(self, name: str) -> Parameter:
        """Return the parameter called ``name``.

        Raises:
            DemoParameterError: the demo has no such parameter.
        """
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = ", ".join(parameter.name for parameter in self.parameters)
        raise DemoParameterError(f"demo {self.name!r} has no parameter {name!r} (it takes {known})")

    def resolve(self, given: dict[str, Any]) -> dict[str, Any]:
        """Return every parameter's value: ``given`` ones parsed and checked, the rest at their defaults.

        Raises:
            DemoParameterError: an unknown parameter or a bad value.
        """
        values = {parameter.name: parameter.default for parameter in self.parameters}
        for name, raw in given.items():
            values[name] = self.parameter(name).parse(raw)
        if self.check is not None:
            self.check(values)
        return values

    def module(self, part: str) -> ModuleType:
        """Import and return one part of the demo: ``compute``, ``terminal`` or ``widget``."""
        return importlib.import_module(f"tutor.demos.{self.name}.{part}")

    def compute(self, params: dict[str, Any]) -> Any:
        """Validate ``params``, then (only when they are good) import the demo and run its compute function."""
        values = self.resolve(params)
        return self.module("compute").compute(**values)


GB = 1e9

DEMO_MEMORY_CAP = 8 * 2**30
"""Most memory a demo may plan to use, however large the machine: every point the demos make fits well
within it, and a learner's typo (a size ten times too large) should not take a workstation's memory."""

TORCH_PROCESS_BYTES = 250e6
"""Resident memory of a process that has imported torch before it allocates any tensor (about 224 MB with
torch 2.13 on Linux, rounded up)."""

ALLREDUCE_VECTORS_PER_RANK = 5
"""float32 vectors of n elements each rank holds at once: the input, the ring's result, the reference
all_reduce's copy and gloo's buffers (measured: p=16 at 64 MB took 8.7 GB, 544 MB a rank)."""

ALLREDUCE_BENCH_ELEMENTS = 16 * 2**20
"""The bench's largest message (64 MB of float32), which each rank holds however small n is."""

MATMUL_HOST_MATRICES = 4
"""n × n float32 matrices in host memory at the largest size: the two inputs (NumPy shares torch's), the
product, and the previous repetition's product not yet freed."""


def available_memory() -> float | None:
    """Return the bytes the machine can give a new program now (MemAvailable), None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024.0
    except (OSError, ValueError, IndexError):
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def memory_allowance(available: float | None) -> float:
    """Return the bytes a demo may plan to use: half of what is available, at most DEMO_MEMORY_CAP."""
    return DEMO_MEMORY_CAP if available is None else min(DEMO_MEMORY_CAP, available / 2)


def check_memory(needed: float, parameters: tuple[str, ...], detail: str, available: float | None) -> None:
    """Refuse ``parameters`` when their run needs more than ``memory_allowance(available)`` bytes.

    Raises:
        DemoParameterError: naming the parameters, what they need (``detail`` shows how) and what is allowed.
    """
    allowed = memory_allowance(available)
    if needed <= allowed:
        return
    cap = f"at most {DEMO_MEMORY_CAP / 2**30:g} GiB"
    why = cap if available is None else f"half of the {available / GB:.1f} GB available, {cap}"
    raise DemoParameterError.about(
        *parameters,
        problem=f"would take about {needed / GB:.1f} GB of memory ({detail}); a demo may take {allowed / GB:.1f} GB here "
        f"({why}): choose smaller values",
    )


def allreduce_memory(values: dict[str, Any]) -> float:
    """Return the bytes an all-reduce run needs: p processes with torch, each holding its vectors."""
    elements = max(values["elements"], ALLREDUCE_BENCH_ELEMENTS) if values["bench"] else values["elements"]
    return values["world_size"] * (TORCH_PROCESS_BYTES + ALLREDUCE_VECTORS_PER_RANK * 4 * elements)


def matmul_memory(values: dict[str, Any]) -> float:
    """Return the bytes a matmul run needs on the host at its largest size."""
    return TORCH_PROCESS_BYTES + MATMUL_HOST_MATRICES * 4 * values["max_n"] ** 2


def _check_allreduce(values: dict[str, Any], available: float | None = None) -> None:
    elements = "64 MB for the bench" if values["bench"] else f"{4 * values['elements'] / 1e6:.3g} MB"
    detail = (f"{values['world_size']} processes × (250 MB for torch + {ALLREDUCE_VECTORS_PER_RANK} vectors of "
              f"{elements})")
    check_memory(allreduce_memory(values), ("world_size", "elements"), detail,
                 available_memory() if available is None else available)


def _check_matmul(values: dict[str, Any], available: float | None = None) -> None:
    n = values["max_n"]
    detail = f"250 MB for torch + {MATMUL_HOST_MATRICES} float32 matrices of {n} × {n}"
    check_memory(matmul_memory(values), ("max_n",), detail, available_memory() if available is None else available)


def _check_interval(values: dict[str, Any]) -> None:
    if not values["lo"] < values["hi"]:
        raise DemoParameterError.about(
            "lo", "hi", problem=f"must be in increasing order, not {values['lo']:g} and {values['hi']:g}"
        )


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
        check=_check_interval,
    ),
    Demo(
        name="allreduce",
        summary="Ring all-reduce over torch.distributed (gloo) in real worker processes",
        parameters=(
            Parameter("world_size", int, 4, "number of local worker processes p (each holds its own copy of the data)", 2, 16),
            Parameter("elements", int, 10, "length n of each rank's float32 vector (16 Mi elements = 64 MB)", 1, 16 * 2**20),
            Parameter("bench", bool, False, "time ring vs gloo all_reduce vs parameter server, 1 KB to 64 MB"),
            Parameter("seed", int, 0, "random seed of the vectors", 0, 2**31 - 1),
        ),
        check=_check_allreduce,
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
            Parameter("budget", float, 3.0, "seconds of timing per device (start-up and warm-up not counted)", 0.1, 600.0),
            Parameter("max_n", int, 8192, "largest matrix size tried", 64, 32768),
        ),
        check=_check_matmul,
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
