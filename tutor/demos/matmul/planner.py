"""Which sizes to time, and how often, within a budget: a pure function of the times measured so far.

Each series (a dtype's products on the GPU, the host-device copies, torch or NumPy on the CPU) climbs its
own ladder of sizes n = 64, 128, 256 … up to ``max_n``. Its next size is predicted from its own last two
times with t(n) = a + b·nᵏ, the latency a plus the work b·nᵏ (k = 3 for a product, 2 for copies), so a
series that is still latency-bound is not charged for the n³ it does not yet pay; while even four times its
size would not double its time, it skips a rung. A size is timed only when its predicted cost fits in what is left of the
budget; the series that are cheap go on climbing when the expensive ones have stopped. The first size of
each series is always timed.

Nothing here measures anything: ``plan`` calls the ``measure`` function it is given, which the demo backs
with torch.utils.benchmark and CUDA events, and the tests with a simulated device.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

FIRST_SIZE = 64
"""The first rung of every ladder."""

WARM_UP_RUNS = 2
"""Untimed runs before each measurement (torch.utils.benchmark's Timer.timeit does two; the CUDA path does the
same: the first call at a new shape picks its kernel)."""

MIN_REPETITIONS = 3
"""Fewest timed runs of one measurement (a median of three resists one outlier)."""

MAX_REPETITIONS = 50
"""Most timed runs of one measurement."""

REPETITION_TARGET_S = 0.01
"""Timed runs are added until they take about this long together: more runs where one is short and noisy,
three where one is long enough to time alone."""

SKIP_GROWTH = 2.0
"""A size is latency-bound when four times it is predicted to take less than this many times as long (a
product's work grows 64-fold): the series then skips a rung."""


@dataclass(frozen=True)
class Series:
    """One thing timed at a ladder of sizes."""

    key: str
    """Its name (``bf16``, ``copies``, ``torch``)."""
    exponent: int
    """How its work grows with n: 3 for a product (2n³ flops), 2 for copies (3n² elements)."""


@dataclass(frozen=True)
class Timing:
    """One measurement of a series at one size."""

    n: int
    """Matrix size."""
    seconds: float
    """Time of one operation (the median, or the mean, of the timed runs)."""
    repetitions: int
    """Timed runs."""
    cost: float
    """Seconds the measurement took, warm-up included: what it spent of the budget."""


@dataclass(frozen=True)
class Plan:
    """What the planner timed."""

    timings: dict[str, tuple[Timing, ...]]
    """Each series' measurements, by growing size."""
    stopped: dict[str, str]
    """Why each series stopped: ``max_n`` (it reached the largest size), ``budget`` (its next size would not
    fit in what was left) or ``memory`` (its next size did not fit on the device)."""
    spent: float
    """Seconds spent in all, the sum of the measurements' costs."""
    budget: float
    """The budget it was given."""


Measure = Callable[[str, int, int], tuple[float, float] | None]
"""measure(key, n, repetitions) → (seconds of one operation, seconds the measurement took), or None when size
n does not fit in the device's memory."""


def predict(timings: Sequence[Timing], n: int, exponent: int) -> float:
    """Return the predicted time of one operation at size ``n`` from a series' measurements so far.

    From one measurement, all of its time is taken as work (t·(n/n₀)ᵏ, never too low for a growing series).
    From two or more, t = a + b·nᵏ through the last two, with a and b at least 0 (noise can make the fit's
    slope negative while the series is latency-bound).
    """
    last = timings[-1]
    if len(timings) == 1:
        return last.seconds * (n / last.n) ** exponent
    before = timings[-2]
    slope = max(0.0, (last.seconds - before.seconds) / (last.n**exponent - before.n**exponent))
    latency = max(0.0, last.seconds - slope * last.n**exponent)
    return max(latency + slope * n**exponent, last.seconds if n >= last.n else 0.0)


def repetitions(seconds: float | None) -> int:
    """Return how many timed runs a measurement of one operation of ``seconds`` needs (None: unknown)."""
    if seconds is None or seconds <= 0:
        return MIN_REPETITIONS
    return max(MIN_REPETITIONS, min(MAX_REPETITIONS, math.ceil(REPETITION_TARGET_S / seconds)))


def measurement_cost(seconds: float, runs: int) -> float:
    """Return the seconds a measurement of ``runs`` timed runs of ``seconds`` each takes, warm-up included."""
    return (runs + WARM_UP_RUNS) * seconds


def latency_bound(timings: Sequence[Timing], exponent: int) -> bool:
    """Return whether the series is still latency-bound at its last size: four times that size is predicted
    (from the last two measurements) to take less than SKIP_GROWTH times as long."""
    if len(timings) < 2:
        return False
    last = timings[-1]
    return predict(timings, 4 * last.n, exponent) < SKIP_GROWTH * last.seconds


def next_size(timings: Sequence[Timing], exponent: int, max_n: int) -> int:
    """Return the next rung after the last measured size: twice it, or four times while latency-bound
    (never past ``max_n`` when twice it still fits)."""
    n = timings[-1].n
    step = 4 if latency_bound(timings, exponent) else 2
    return n * step if n * step <= max_n else n * 2


def plan(series: Sequence[Series], measure: Measure, *, budget: float, max_n: int,
         first_n: int = FIRST_SIZE) -> Plan:
    """Time every series on its ladder within ``budget`` seconds and return what was timed.

    At each turn the series with the smallest next size (the first listed on a tie) is timed there, if the
    predicted cost fits in what is left; otherwise that series stops. So the budget is never exceeded by
    more than one measurement's misprediction (or by the first sizes, always timed).

    Args:
        series: what to time.
        measure: the device (see ``Measure``).
        budget: seconds to spend.
        max_n: largest size.
        first_n: first size of every ladder.
    """
    timings: dict[str, list[Timing]] = {entry.key: [] for entry in series}
    upcoming = {entry.key: first_n for entry in series}
    stopped: dict[str, str] = {}
    order = {entry.key: index for index, entry in enumerate(series)}
    exponents = {entry.key: entry.exponent for entry in series}
    spent = 0.0
    while len(stopped) < len(series):
        key = min((key for key in upcoming if key not in stopped), key=lambda key: (upcoming[key], order[key]))
        n, done = upcoming[key], timings[key]
        if n > max_n:
            stopped[key] = "max_n"
            continue
        predicted = predict(done, n, exponents[key]) if done else None
        runs = repetitions(predicted)
        if predicted is not None and spent + measurement_cost(predicted, runs) > budget:
            stopped[key] = "budget"
            continue
        measured = measure(key, n, runs)
        if measured is None:
            stopped[key] = "memory"
            continue
        seconds, cost = measured
        spent += cost
        done.append(Timing(n=n, seconds=seconds, repetitions=runs, cost=cost))
        upcoming[key] = next_size(done, exponents[key], max_n)
    return Plan(
        timings={key: tuple(done) for key, done in timings.items()},
        stopped=stopped,
        spent=spent,
        budget=budget,
    )


def ladder(first_n: int, last_n: int) -> list[int]:
    """Return first_n, 2·first_n, 4·first_n … up to last_n."""
    sizes = []
    n = first_n
    while n <= last_n:
        sizes.append(n)
        n *= 2
    return sizes


def interpolate(points: Sequence[tuple[int, float]], n: int) -> float | None:
    """Return the time at size ``n`` on the straight lines through ``points`` (n, seconds) in log-log axes,
    exact at a measured size; None outside the measured range."""
    points = sorted(points)
    for (n0, t0), (n1, t1) in zip(points, points[1:]):
        if n0 <= n <= n1:
            share = math.log(n / n0) / math.log(n1 / n0)
            return math.exp(math.log(t0) + share * (math.log(t1) - math.log(t0)))
    if points and n == points[-1][0]:
        return points[-1][1]
    return None


def crossover(slow: Sequence[Sequence[tuple[int, float]]], fast: Sequence[Sequence[tuple[int, float]]],
              first_n: int = FIRST_SIZE) -> int | None:
    """Return the smallest ladder size from which ``fast`` takes less time than ``slow`` at every ladder size
    all of them cover, or None when there is none.

    Each side is a sum of series (e.g. a GPU product plus its copies), each given as its (n, seconds)
    measurements; a ladder size a series skipped is read off the log-log line between its neighbours.
    """
    every = [points for points in (*slow, *fast) if points]
    if len(every) < len(slow) + len(fast):
        return None
    low = max(min(n for n, _ in points) for points in every)
    high = min(max(n for n, _ in points) for points in every)
    sizes = [n for n in ladder(first_n, high) if n >= low]
    found = None
    for n in reversed(sizes):
        slow_time = sum(interpolate(points, n) for points in slow)
        fast_time = sum(interpolate(points, n) for points in fast)
        if fast_time < slow_time:
            found = n
        else:
            break
    return found
