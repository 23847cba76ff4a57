"""The matmul demo: GFLOP/s from the measured times, sizes within the budget, peaks and the crossover."""

import random

import numpy as np
import pytest
import torch

from tutor.demos.matmul.compute import (
    COPIES,
    CpuRow,
    CudaRow,
    compute,
    crossover,
    fp32_matmul_precision,
    python_matmul,
)
from tutor.demos.matmul.peaks import gpu_peak_tflops, parse_cpu_peak, read_cpu_peak

MAX_N = 256


@pytest.fixture(scope="module")
def result():
    return compute(budget=0.3, max_n=MAX_N)


def test_gflops_are_two_n_cubed_over_the_measured_time(result):
    data = result.to_dict()
    assert data["cpu"], "the first size is always timed"
    for row in data["cpu"]:
        n = row["n"]
        assert row["torch_gflops"] == pytest.approx(2 * n**3 / row["torch_seconds"] / 1e9, rel=1e-12)
        assert row["numpy_gflops"] == pytest.approx(2 * n**3 / row["numpy_seconds"] / 1e9, rel=1e-12)
    for row in data["python"]:
        assert row["gflops"] == pytest.approx(2 * row["n"] ** 3 / row["seconds"] / 1e9, rel=1e-12)


def test_sizes_double_from_64_up_to_max_n(result):
    sizes = [row.n for row in result.cpu]
    assert sizes == [64 * 2**k for k in range(len(sizes))]
    assert sizes[-1] <= MAX_N


def test_timer_uses_every_torch_thread(result):
    assert result.threads == torch.get_num_threads()


def test_json_has_the_contract_keys(result):
    data = result.to_dict()
    assert {"cpu", "cpu_peak_gflops", "cuda"} <= set(data)
    assert {"n", "torch_gflops", "numpy_gflops"} <= set(data["cpu"][0])
    if torch.cuda.is_available():
        assert isinstance(data["cuda"], list)
    else:
        assert data["cuda"] is None
        assert "torch.cuda.is_available() is False" in data["no_gpu_reason"]


def test_python_triple_loop_is_a_matrix_product():
    rng = random.Random(0)
    a = [[rng.uniform(-1, 1) for _ in range(5)] for _ in range(7)]
    b = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(5)]
    np.testing.assert_allclose(python_matmul(a, b), np.array(a) @ np.array(b), rtol=1e-12)


def cpuinfo(processors):
    """Text of /proc/cpuinfo with one block per (physical id, core id, flags, MHz)."""
    blocks = []
    for index, (socket, core, flags, mhz) in enumerate(processors):
        blocks.append(
            f"processor\t: {index}\nvendor_id\t: GenuineIntel\ncpu MHz\t\t: {mhz}\n"
            f"physical id\t: {socket}\ncore id\t\t: {core}\nflags\t\t: {flags}\n"
        )
    return "\n".join(blocks) + "\n"


def test_cpu_peak_counts_physical_cores_and_avx512_lanes():
    # Two sockets × two cores, each with a hyperthread: 4 physical cores; 3.0 GHz maximum; 16 float32 lanes.
    flags = "fpu sse sse2 avx avx2 fma avx512f"
    text = cpuinfo([(s, c, flags, 1200.0) for s in (0, 1) for c in (0, 1) for _ in range(2)])
    peak = parse_cpu_peak(text, max_khz=3_000_000)
    assert (peak.cores, peak.ghz, peak.lanes, peak.fma_units) == (4, 3.0, 16, 2)
    assert peak.gflops == pytest.approx(4 * 3.0 * 2 * 16 * 2)


def test_cpu_peak_of_an_avx2_cpu_uses_the_current_clock_without_cpufreq():
    text = cpuinfo([(0, core, "sse avx avx2 fma", 2500.0) for core in range(8)])
    peak = parse_cpu_peak(text)
    assert peak.clock_source == "cpu MHz"
    assert peak.gflops == pytest.approx(8 * 2.5 * 2 * 8 * 2)


def test_cpu_peak_is_unknown_without_fma_or_x86_flags():
    assert parse_cpu_peak(cpuinfo([(0, 0, "sse sse2 avx", 2000.0)])) is None
    arm = "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes\n\n"
    assert parse_cpu_peak(arm) is None


def test_this_machines_peak_is_the_product_of_its_parts():
    peak = read_cpu_peak()
    if peak is None:
        pytest.skip("this CPU's peak cannot be read from /proc/cpuinfo")
    assert peak.gflops == pytest.approx(peak.cores * peak.ghz * peak.fma_units * peak.lanes * 2)


@pytest.mark.parametrize(
    ("name", "dtype", "tflops"),
    [
        ("NVIDIA H100 80GB HBM3", "bf16", 989.4),
        ("NVIDIA H100 PCIe", "bf16", 756.0),
        ("NVIDIA H200", "tf32", 494.7),
        ("NVIDIA A100-SXM4-80GB", "fp16", 312.0),
        ("NVIDIA A10", "fp32", 31.2),
        ("NVIDIA L4", "fp16", 121.0),
    ],
)
def test_gpu_peak_by_device_name_is_the_dense_figure(name, dtype, tflops):
    assert gpu_peak_tflops(name)[dtype] == tflops


@pytest.mark.parametrize("name", ["NVIDIA L40", "NVIDIA H100 NVL", "AMD Radeon RX 7900 XTX"])
def test_gpu_peak_is_unknown_rather_than_borrowed_from_a_sibling(name):
    assert gpu_peak_tflops(name) is None


def test_crossover_is_the_first_size_from_which_the_gpu_always_wins():
    cpu = tuple(CpuRow(n=n, torch_seconds=t, numpy_seconds=t) for n, t in [(64, 1e-5), (128, 5e-5), (256, 4e-4),
                                                                            (512, 3e-3)])
    gpu = tuple(CudaRow(n=n, seconds={"fp32": t, COPIES: c}) for n, t, c in
                [(64, 2e-5, 1e-4), (128, 3e-5, 2e-4), (256, 2e-4, 6e-4), (512, 4e-4, 2e-3)])
    assert crossover(cpu, gpu, "fp32") == 128
    assert crossover(cpu, gpu, COPIES) == 512
    assert crossover(cpu, None, "fp32") is None


def test_tf32_is_switched_on_for_its_block_only():
    before = torch.backends.cuda.matmul.fp32_precision
    with fp32_matmul_precision("tf32"):
        assert torch.backends.cuda.matmul.fp32_precision == "tf32"
    assert torch.backends.cuda.matmul.fp32_precision == before


def test_gpu_table_shows_the_share_of_the_dense_peak():
    # The renderer's GPU path, fed a hand-made row (no GPU here): 2·4096³ flops in 4.11 ms ≈ 33.4 TFLOP/s,
    # half of an H100's 66.9 TFLOP/s float32 peak.
    from rich.console import Console

    from tutor.demos.matmul.compute import MatmulResult
    from tutor.demos.matmul.figures import gpu_table

    seconds = {"fp32": 2 * 4096**3 / 33.45e12, "tf32": None, "bf16": None, "fp16": None, COPIES: None}
    result = MatmulResult(
        threads=1, python=(), cpu=(), cpu_peak=None, gpu_name="NVIDIA H100 80GB HBM3",
        gpu_peak_tflops=gpu_peak_tflops("NVIDIA H100 80GB HBM3"), cuda=(CudaRow(n=4096, seconds=seconds),),
        no_gpu_reason=None, load_average=None, cpu_count=1,
    )
    console = Console(width=140, record=True)
    console.print(gpu_table(result))
    text = console.export_text()
    assert "33,450 (50%)" in text
    assert "n/a" in text
