"""Activation functions from torch.nn.functional, their derivatives by autograd, ranges and saturation."""

from typing import Any

from tutor.demos.declaration import Demo, Parameter
from tutor.errors import DemoParameterError


def check_interval(values: dict[str, Any]) -> None:
    """Refuse an interval whose ends are not in increasing order.

    Raises:
        DemoParameterError: naming lo and hi.
    """
    if not values["lo"] < values["hi"]:
        raise DemoParameterError.about(
            "lo", "hi", problem=f"must be in increasing order, not {values['lo']:g} and {values['hi']:g}"
        )


DEMO = Demo(
    name="activations",
    title="激活函数",
    summary="Activation functions and their derivatives by autograd: ranges and saturation",
    parameters=(
        Parameter("lo", float, -10.0, "left end of the interval", -1000.0, 1000.0, label="左端"),
        Parameter("hi", float, 10.0, "right end of the interval", -1000.0, 1000.0, label="右端"),
        Parameter("points", int, 2001, "samples over the interval", 11, 200001, label="采样点数"),
    ),
    check=check_interval,
)
"""The activations demo as ``tutor demo`` and the app offer it."""
