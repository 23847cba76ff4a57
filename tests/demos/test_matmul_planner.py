"""The matmul size planner against simulated devices: a launch latency plus a peak rate for products, a
latency plus a bandwidth for copies. Each measurement on a simulated device takes its two warm-up runs and
its timed runs at exactly the model's time, so what the budget allows is known in closed form."""

import math

import pytest

from tutor.demos.matmul import planner
from tutor.demos.registry import get_demo


class SimulatedDevice:
    """t(n) = latency + 2n³ / rate for a product, copy latency + 3n²·4 bytes / bandwidth for the copies."""

    def __init__(self, latency: float, rates: dict[str, float], bandwidth: float = 1.0, copy_latency: float = 0.0,
                 cliff: tuple[int, float] | None = None):
        self.latency, self.rates, self.bandwidth, self.copy_latency = latency, rates, bandwidth, copy_latency
        self.cliff = cliff  # (n, factor): from size n on, products run `factor` times slower (out of a cache)
        self.log: list[tuple[str, int, int]] = []

    def seconds(self, key: str, n: int) -> float:
        if key == "copies":
            return self.copy_latency + 3 * 4 * n * n / self.bandwidth
        slow = self.cliff[1] if self.cliff and n >= self.cliff[0] else 1.0
        return self.latency + 2 * n**3 / self.rates[key] * slow

    def cost(self, key: str, n: int, runs: int) -> float:
        return (2 + runs) * self.seconds(key, n)

    def measure(self, key: str, n: int, runs: int) -> tuple[float, float]:
        self.log.append((key, n, runs))
        return self.seconds(key, n), self.cost(key, n, runs)


# Sustained rates of an H100 SXM (about what cuBLAS reaches at n = 8192), launch latency 8 µs, and pageable
# host-device copies at 10 GB/s.
H100 = dict(latency=8e-6, rates={"fp32": 50e12, "tf32": 380e12, "bf16": 700e12, "fp16": 700e12},
            bandwidth=10e9, copy_latency=10e-6)
GPU_SERIES = [planner.Series(key, 3) for key in ("fp32", "tf32", "bf16", "fp16")] + [planner.Series("copies", 2)]


def last_sizes(plan: planner.Plan) -> dict[str, int]:
    return {key: timings[-1].n for key, timings in plan.timings.items()}


def test_an_h100_is_timed_to_8192_in_every_dtype_with_the_defaults():
    defaults = get_demo("matmul").resolve({})
    device = SimulatedDevice(**H100)
    plan = planner.plan(GPU_SERIES, device.measure, budget=defaults["budget"], max_n=defaults["max_n"])
    assert last_sizes(plan) == dict.fromkeys(["fp32", "tf32", "bf16", "fp16", "copies"], 8192)
    assert set(plan.stopped.values()) == {"max_n"}
    # Every product row times 4096 and 8192, the sizes benchmarks/gpu_check.py compares with its reference.
    for key in ("fp32", "tf32", "bf16", "fp16"):
        assert {4096, 8192} <= {timing.n for timing in plan.timings[key]}
    assert plan.spent == pytest.approx(sum(device.cost(*entry) for entry in device.log))
    assert plan.spent < defaults["budget"]


@pytest.mark.parametrize("budget", [0.05, 0.3, 1.0, 3.0])
def test_one_series_reaches_the_largest_size_the_budget_allows(budget):
    # A CPU at 200 GFLOP/s without latency: each time is the previous one times 8, exactly what the planner
    # predicts, so it must climb the doubling ladder as long as the next rung's cost fits.
    device = SimulatedDevice(latency=0.0, rates={"torch": 200e9})
    plan = planner.plan([planner.Series("torch", 3)], device.measure, budget=budget, max_n=65536)
    spent, expected = 0.0, []
    for n in planner.ladder(64, 65536):
        seconds = device.seconds("torch", n)
        # The first rung's time is unknown beforehand: it gets the fewest runs.
        runs = planner.repetitions(seconds) if expected else planner.MIN_REPETITIONS
        cost = device.cost("torch", n, runs)
        if expected and spent + cost > budget:
            break
        spent += cost
        expected.append(n)
    assert [timing.n for timing in plan.timings["torch"]] == expected
    assert plan.stopped == {"torch": "budget"}
    assert plan.spent == pytest.approx(spent)


@pytest.mark.parametrize("budget", [0.2, 1.0, 3.0, 10.0])
@pytest.mark.parametrize("max_n", [8192, 32768])
def test_no_series_could_have_climbed_further_with_what_was_left(budget, max_n):
    device = SimulatedDevice(**H100)
    plan = planner.plan(GPU_SERIES, device.measure, budget=budget, max_n=max_n)
    left = budget - plan.spent
    for entry in GPU_SERIES:
        timings = plan.timings[entry.key]
        if plan.stopped[entry.key] == "max_n":
            assert timings[-1].n * 2 > max_n
            continue
        following = planner.next_size(timings, entry.exponent, max_n)
        # Its next rung, measured as the planner would, costs more than the budget had left.
        runs = planner.repetitions(device.seconds(entry.key, following))
        assert device.cost(entry.key, following, runs) > left


@pytest.mark.parametrize("budget", [0.05, 0.5, 2.0])
def test_the_budget_is_exceeded_by_at_most_one_measurement_even_when_a_size_falls_off_a_cliff(budget):
    # From n = 2048 on the device is eight times slower than the smaller sizes promise: the first size past
    # the cliff is mispredicted, and the planner stops after it.
    device = SimulatedDevice(latency=5e-6, rates={"torch": 500e9}, cliff=(2048, 8.0))
    plan = planner.plan([planner.Series("torch", 3)], device.measure, budget=budget, max_n=65536)
    largest = max(timing.cost for timing in plan.timings["torch"])
    assert plan.spent <= budget + largest
    assert plan.spent == pytest.approx(sum(device.cost(*entry) for entry in device.log))


def test_a_latency_bound_series_skips_rungs_and_a_compute_bound_one_does_not():
    device = SimulatedDevice(**H100)
    plan = planner.plan(GPU_SERIES, device.measure, budget=3.0, max_n=8192)
    sizes = [timing.n for timing in plan.timings["bf16"]]
    # bf16 at 64 … 512 is all launch latency (2·512³ flops take 0.4 µs of the 8 µs): 256 is skipped.
    assert 256 not in sizes and sizes[:3] == [64, 128, 512]
    # From 1024 on the work shows: every doubling is timed.
    assert sizes[sizes.index(1024):] == [1024, 2048, 4096, 8192]


def test_repetitions_shrink_as_a_product_grows():
    device = SimulatedDevice(**H100)
    plan = planner.plan(GPU_SERIES, device.measure, budget=3.0, max_n=8192)
    runs = [timing.repetitions for timing in plan.timings["fp32"]]
    assert runs[0] == planner.MIN_REPETITIONS  # the first size's time is unknown beforehand
    assert runs[1:] == sorted(runs[1:], reverse=True)
    assert runs[-1] == planner.MIN_REPETITIONS  # 22 ms at 8192: three runs
    assert max(runs) == planner.MAX_REPETITIONS  # microseconds while latency-bound: fifty


def closed_form_crossover(slow, fast, last_n: int) -> int | None:
    """Smallest ladder size from which ``fast(n) < slow(n)`` at every ladder size up to last_n."""
    found = None
    for n in reversed(planner.ladder(64, last_n)):
        if fast(n) < slow(n):
            found = n
        else:
            break
    return found


@pytest.mark.parametrize(
    ("cpu_rate", "cpu_latency"),
    [(1e12, 5e-6), (100e9, 2e-6), (3e12, 20e-6)],  # a 16-core server, a laptop, a two-socket machine
)
def test_the_crossover_is_the_one_the_timing_model_implies(cpu_rate, cpu_latency):
    cpu = SimulatedDevice(latency=cpu_latency, rates={"torch": cpu_rate})
    gpu = SimulatedDevice(**H100)
    cpu_plan = planner.plan([planner.Series("torch", 3)], cpu.measure, budget=1.5, max_n=8192)
    gpu_plan = planner.plan(GPU_SERIES, gpu.measure, budget=3.0, max_n=8192)

    def points(plan, key):
        return [(timing.n, timing.seconds) for timing in plan.timings[key]]

    last_n = min(cpu_plan.timings["torch"][-1].n, gpu_plan.timings["fp32"][-1].n)
    expected = closed_form_crossover(lambda n: cpu.seconds("torch", n), lambda n: gpu.seconds("fp32", n), last_n)
    expected_copies = closed_form_crossover(
        lambda n: cpu.seconds("torch", n), lambda n: gpu.seconds("fp32", n) + gpu.seconds("copies", n), last_n
    )
    assert expected is not None and expected_copies is not None and expected <= expected_copies
    assert planner.crossover([points(cpu_plan, "torch")], [points(gpu_plan, "fp32")]) == expected
    assert planner.crossover([points(cpu_plan, "torch")],
                             [points(gpu_plan, "fp32"), points(gpu_plan, "copies")]) == expected_copies


def test_a_gpu_that_never_wins_has_no_crossover():
    cpu = SimulatedDevice(latency=1e-6, rates={"torch": 1e12})
    gpu = SimulatedDevice(latency=1e-3, rates={"fp32": 0.5e12})
    cpu_plan = planner.plan([planner.Series("torch", 3)], cpu.measure, budget=1.0, max_n=2048)
    gpu_plan = planner.plan([planner.Series("fp32", 3)], gpu.measure, budget=1.0, max_n=2048)
    slow = [[(t.n, t.seconds) for t in cpu_plan.timings["torch"]]]
    fast = [[(t.n, t.seconds) for t in gpu_plan.timings["fp32"]]]
    assert planner.crossover(slow, fast) is None


def test_a_size_that_does_not_fit_in_memory_stops_its_series():
    device = SimulatedDevice(**H100)

    def measure(key, n, runs):
        return None if n > 4096 else device.measure(key, n, runs)

    plan = planner.plan(GPU_SERIES, measure, budget=3.0, max_n=16384)
    assert set(plan.stopped.values()) == {"memory"}
    assert set(last_sizes(plan).values()) == {4096}


def test_interpolation_is_a_straight_line_in_log_log_axes():
    # t = n³ through (64, 64³) and (256, 256³): the line in log-log axes is t = n³ itself.
    assert planner.interpolate([(64, 64.0**3), (256, 256.0**3)], 128) == pytest.approx(128.0**3)
    assert planner.interpolate([(64, 1.0), (256, 2.0)], 512) is None
    assert math.isclose(planner.interpolate([(64, 1.0), (256, 2.0)], 256), 2.0)
