"""The matmul demo: GFLOP/s from the measured times, sizes within the budget, peaks and the crossover."""

import random

import numpy as np
import pytest
import torch

from tutor.demos.matmul import roofline
from tutor.demos.matmul.compute import (
    COPIES,
    GPU_DTYPES,
    TRANSFERS,
    CpuRow,
    CudaRow,
    MatmulResult,
    compute,
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
        for engine in ("torch", "numpy"):
            if row[f"{engine}_seconds"] is not None:
                assert row[f"{engine}_gflops"] == pytest.approx(2 * n**3 / row[f"{engine}_seconds"] / 1e9, rel=1e-12)
    for row in data["python"]:
        assert row["gflops"] == pytest.approx(2 * row["n"] ** 3 / row["seconds"] / 1e9, rel=1e-12)


def test_sizes_are_powers_of_two_from_64_up_to_max_n_and_each_series_starts_at_64(result):
    sizes = [row.n for row in result.cpu]
    assert all(n >= 64 and n & (n - 1) == 0 and n <= MAX_N for n in sizes)
    assert result.cpu[0].n == 64 and result.cpu[0].torch_seconds and result.cpu[0].numpy_seconds


def test_every_timer_runs_with_torchs_intra_op_threads(monkeypatch):
    # torch.utils.benchmark.Timer runs on one thread unless told otherwise; a thread count other than the
    # default shows that the demo passes torch's own setting rather than a constant.
    from tutor.demos.matmul import compute as module

    threads = 3 if torch.get_num_threads() != 3 else 2
    seen = []

    class Recording(module.Timer):
        def __init__(self, *args, num_threads=1, **kwargs):
            seen.append(num_threads)
            super().__init__(*args, num_threads=num_threads, **kwargs)

    monkeypatch.setattr(module, "Timer", Recording)
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        small = compute(budget=0.05, max_n=64)
    finally:
        torch.set_num_threads(before)
    assert seen and set(seen) == {threads}
    assert small.threads == threads


def test_json_has_the_contract_keys(result):
    data = result.to_dict()
    assert {"cpu", "cpu_peak_gflops", "cuda", "roofline", "cpu_bandwidth_gbps", "crossover_n"} <= set(data)
    assert {"n", "torch_gflops", "numpy_gflops"} <= set(data["cpu"][0])
    if torch.cuda.is_available():
        assert isinstance(data["cuda"], list)
    else:
        assert data["cuda"] is None
        assert "torch.cuda.is_available() is False" in data["no_gpu_reason"]


def test_the_cpu_roofline_places_each_torch_size_by_its_intensity(result):
    cpu = result.to_dict()["roofline"][0]
    assert (cpu["device"], cpu["dtype"]) == ("cpu", "fp32")
    assert cpu["bandwidth_gbps"] > 0
    assert [point["n"] for point in cpu["points"]] == [row.n for row in result.cpu if row.torch_seconds]
    for point in cpu["points"]:
        assert point["intensity"] == pytest.approx(2 * point["n"] / 12)  # 2n³ / (3n² × 4 bytes)
        assert point["ceiling_gflops"] <= point["intensity"] * cpu["bandwidth_gbps"] * (1 + 1e-12)


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


def made_result(cpu, cuda, **fields) -> MatmulResult:
    """A result with hand-made rows (no GPU here) and neutral values elsewhere."""
    values = dict(
        threads=1, budget=3.0, python=(), cpu=cpu, cpu_spent=0.0, cpu_bandwidth_gbps=10.0, cpu_peak=None,
        gpu_name="NVIDIA H100 80GB HBM3", gpu_peak_tflops=gpu_peak_tflops("NVIDIA H100 80GB HBM3"), cuda=cuda,
        gpu_spent=0.0, gpu_warmup_seconds=0.0, gpu_bandwidth_gbps=3000.0, gpu_stopped={}, no_gpu_reason=None,
        load_average=None, cpu_count=1,
    )
    return MatmulResult(**(values | fields))


def test_crossover_is_the_first_size_from_which_the_gpu_always_wins():
    cpu = tuple(CpuRow(n=n, torch_seconds=t, numpy_seconds=t) for n, t in [(64, 1e-5), (128, 5e-5), (256, 4e-4),
                                                                            (512, 3e-3)])
    # The copies cost 1e-4, 1.7e-4, 4e-4 and 1.6e-3 s: with them the GPU wins from 512 only.
    gpu = tuple(CudaRow(n=n, seconds={"fp32": t, TRANSFERS: c - t}) for n, t, c in
                [(64, 2e-5, 1e-4), (128, 3e-5, 2e-4), (256, 2e-4, 6e-4), (512, 4e-4, 2e-3)])
    result = made_result(cpu, gpu)
    assert (result.crossover_n, result.crossover_n_with_copies) == (128, 512)
    assert made_result(cpu, None).crossover_n is None


def test_a_skipped_gpu_size_is_read_off_the_line_between_its_neighbours():
    # The GPU skipped 128 while latency-bound (2e-5 s at 64 and 512): at 128 it reads 2e-5 s, under the CPU's 5e-5.
    cpu = tuple(CpuRow(n=n, torch_seconds=t, numpy_seconds=None) for n, t in [(64, 1e-5), (128, 5e-5), (256, 4e-4),
                                                                               (512, 3e-3)])
    gpu = (CudaRow(n=64, seconds={"fp32": 2e-5}), CudaRow(n=512, seconds={"fp32": 2e-5}))
    assert made_result(cpu, gpu).crossover_n == 128


def test_best_rate_and_share_of_the_dense_peak_per_dtype():
    # bf16: 2·8192³ flops in 1.67 ms = 658 TFLOP/s, 67% of the H100's 989.4.
    cuda = (CudaRow(n=4096, seconds={"bf16": 2 * 4096**3 / 600e12}), CudaRow(n=8192, seconds={"bf16": 1.67e-3}))
    result = made_result((), cuda)
    n, rate = result.best("bf16")
    assert n == 8192 and rate == pytest.approx(2 * 8192**3 / 1.67e-3 / 1e9)
    assert result.peak_share("bf16", rate) == pytest.approx(rate / 989.4e3)
    assert result.best("fp32") is None


def test_roofline_of_an_h100_in_bf16_turns_compute_bound_near_n_900():
    # 989.4 TFLOP/s over 3.35 TB/s: a ridge at 295 flop/B, the intensity 2n/(3·2) of n ≈ 886.
    assert roofline.ridge_intensity(989.4e12, 3.35e12) == pytest.approx(295.3, rel=1e-3)
    assert roofline.ridge_size(989.4e12, 3.35e12, 2) == pytest.approx(886.0, rel=1e-3)
    assert roofline.intensity(886, 2) == pytest.approx(roofline.ridge_intensity(989.4e12, 3.35e12), rel=1e-3)
    assert roofline.attainable(100.0, 989.4e12, 3.35e12) == pytest.approx(335e12)
    assert roofline.attainable(1000.0, 989.4e12, 3.35e12) == 989.4e12
    assert roofline.copy_bandwidth(2**30, 0.5) == 2**32


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU here")
def test_the_cuda_path_times_every_dtype_and_the_copies():
    result = compute(budget=1.0, max_n=1024)
    assert result.cuda and result.gpu_bandwidth_gbps > 0 and result.gpu_warmup_seconds > 0
    for key in GPU_DTYPES:
        if key == "bf16" and not torch.cuda.is_bf16_supported():
            continue
        assert result.best(key) is not None
    assert any(row.copy_gbps for row in result.cuda)
    for row in result.cuda:
        for key in (*GPU_DTYPES, COPIES):
            if row.time(key) is not None:
                assert row.gflops(key) == pytest.approx(2 * row.n**3 / row.time(key) / 1e9)


def test_tf32_is_switched_on_for_its_block_only():
    before = torch.backends.cuda.matmul.fp32_precision
    with fp32_matmul_precision("tf32"):
        assert torch.backends.cuda.matmul.fp32_precision == "tf32"
    assert torch.backends.cuda.matmul.fp32_precision == before


def test_gpu_table_shows_the_share_of_the_dense_peak():
    # The renderer's GPU path, fed a hand-made row (no GPU here): 2·4096³ flops in 4.11 ms ≈ 33.4 TFLOP/s,
    # half of an H100's 66.9 TFLOP/s float32 peak; this GPU lacks tf32 (n/a), bf16 was not timed at 4096.
    from rich.console import Console

    from tutor.demos.matmul.figures import gpu_table

    seconds = {"fp32": 2 * 4096**3 / 33.45e12, "bf16": None, "fp16": None, TRANSFERS: None}
    result = made_result((), (CudaRow(n=4096, seconds=seconds),))
    console = Console(width=160, record=True)
    console.print(gpu_table(result))
    text = console.export_text()
    assert "33,450 (50%)" in text
    assert "n/a" in text


def test_the_views_draw_a_result_with_a_gpu():
    from rich.console import Console

    from tutor.demos.matmul.terminal import show

    cpu = tuple(CpuRow(n=n, torch_seconds=2 * n**3 / 500e9, numpy_seconds=2 * n**3 / 400e9) for n in (64, 128, 256))
    cuda = tuple(CudaRow(n=n, seconds={key: 8e-6 + 2 * n**3 / 500e12 for key in GPU_DTYPES} | {TRANSFERS: 1e-4})
                 for n in (64, 512, 1024))
    console = Console(width=100, record=True)
    show(made_result(cpu, cuda), console)
    text = console.export_text()
    assert "Roofline" in text and "ridge" in text and "bf16" in text
    assert "% of the dense peak" in text


def test_the_roofline_table_of_a_gpu_fits_80_columns_with_no_cut_word():
    from rich.cells import cell_len
    from rich.console import Console

    from tutor.demos.matmul.figures import roofline_table

    cpu = tuple(CpuRow(n=n, torch_seconds=2 * n**3 / 500e9, numpy_seconds=2 * n**3 / 400e9) for n in (64, 128, 256))
    cuda = tuple(CudaRow(n=n, seconds={key: 8e-6 + 2 * n**3 / 500e12 for key in GPU_DTYPES} | {TRANSFERS: 1e-4})
                 for n in (64, 512, 4096))
    console = Console(width=80, record=True)
    console.print(roofline_table(made_result(cpu, cuda)))
    text = console.export_text()
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "…" not in text and "GFLOP/s" in text and "gpu bf16" in text
