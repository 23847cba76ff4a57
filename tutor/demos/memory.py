"""How much memory a demo may plan to use, checked before it starts: the machine's available memory, halved,
and never more than a cap. The demos' own checks (``tutor/demos/*/__init__.py``) estimate what a run needs."""

import os

from tutor.errors import DemoParameterError

GB = 1e9
"""Bytes in a gigabyte, as the messages count them."""

DEMO_MEMORY_CAP = 8 * 2**30
"""Most memory a demo may plan to use, however large the machine: every point the demos make fits well
within it, and a learner's typo (a size ten times too large) should not take a workstation's memory."""

TORCH_PROCESS_BYTES = 250e6
"""Resident memory of a process that has imported torch before it allocates any tensor (about 224 MB with
torch 2.13 on Linux, rounded up)."""


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
