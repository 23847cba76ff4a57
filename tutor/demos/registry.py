"""The demos tutor can run, collected from their folders; nothing heavy is imported to list or check them.

Each demo lives in ``tutor/demos/<name>/`` with:
- ``__init__.py``: ``DEMO = Demo(...)``, its name, summary and parameters (``tutor.demos.declaration``), light
  to import;
- ``compute.py``: ``compute(**params) -> result`` (keyword-only arguments named as the parameters, seeded, pure;
  the result is a dataclass with ``to_dict()``, which ``--json`` prints);
- ``terminal.py``: ``show(result, console)`` draws the result with Rich (animated where it moves);
- ``widget.py``: a ``tutor.demos.view.DemoView`` subclass that draws the result in the app.
"""

import importlib
from functools import cache

from tutor.demos.declaration import Demo
from tutor.errors import DemoParameterError

NAMES = ("descent", "activations", "allreduce", "lstm", "matmul")
"""Every demo folder, in the order ``tutor demo`` and the app list them."""


@cache
def all_demos() -> tuple[Demo, ...]:
    """Return every demo, as its folder declares it."""
    return tuple(importlib.import_module(f"tutor.demos.{name}").DEMO for name in NAMES)


def get_demo(name: str) -> Demo:
    """Return the demo called ``name``.

    Raises:
        DemoParameterError: no demo has that name.
    """
    for demo in all_demos():
        if demo.name == name:
            return demo
    known = ", ".join(demo.name for demo in all_demos()) or "none yet"
    raise DemoParameterError(f"unknown demo {name!r} (demos: {known})")
