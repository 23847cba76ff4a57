"""What a demo is, as its folder declares it: a name, a summary and parameters, checked before anything heavy.

Each demo folder's ``__init__.py`` declares ``DEMO = Demo(...)`` beside its ``compute.py``; the registry
collects them. This module imports nothing but the standard library and ``tutor.errors``, so that listing the
demos and checking a learner's parameters never loads torch, numpy or textual.
"""

import importlib
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
    label: str = ""
    """The parameter's Chinese name, which the app's form and its errors show before ``name``."""

    @property
    def display_name(self) -> str:
        """The parameter as the app's form shows it: its Chinese label, then its name."""
        return f"{self.label} {self.name}" if self.label else self.name

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
    """A demo, declared in its folder's ``__init__.py`` as ``DEMO``."""

    name: str
    """Name on the command line and in cards' ``demos`` links: the folder's name."""
    title: str
    """The demo's Chinese name, which the app shows before ``name``."""
    summary: str
    """One line shown by ``tutor demo``."""
    parameters: tuple[Parameter, ...]
    """What the learner can change: the keyword arguments of the folder's ``compute`` (a test checks their names
    and defaults against its signature)."""
    check: Callable[[dict[str, Any]], None] | None = None
    """Checks what no single bound can (an interval's order, the memory a combination needs) on the resolved
    values, raising DemoParameterError."""

    @property
    def display_name(self) -> str:
        """The demo as the app shows it: its Chinese title, then its name."""
        return f"{self.title} {self.name}"

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
