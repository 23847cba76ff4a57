"""benchmarks/gpu_check.py reads the demo's JSON as the demo writes it (checked here without a GPU)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.demos.matmul.compute import GPU_DTYPES, TRANSFERS, CudaRow, MatmulResult
from tutor.demos.matmul.peaks import gpu_peak_tflops

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "gpu_check.py"


@pytest.fixture(scope="module")
def gpu_check():
    spec = importlib.util.spec_from_file_location("gpu_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


RATES = {"fp32": 50e12, "tf32": 380e12, "bf16": 650e12, "fp16": 660e12}
"""Sustained rates of the pretend H100 (FLOP/s)."""


def demo_json(largest: int = 8192) -> dict:
    cuda = tuple(CudaRow(n=n, seconds={key: 2 * n**3 / rate for key, rate in RATES.items()} | {TRANSFERS: 0.01})
                 for n in (1024, 2048, 4096, 8192) if n <= largest)
    result = MatmulResult(
        threads=16, budget=3.0, python=(), cpu=(), cpu_spent=3.0, cpu_bandwidth_gbps=20.0, cpu_peak=None,
        gpu_name="NVIDIA H100 80GB HBM3", gpu_peak_tflops=gpu_peak_tflops("NVIDIA H100 80GB HBM3"), cuda=cuda,
        gpu_spent=1.2, gpu_warmup_seconds=1.5, gpu_bandwidth_gbps=2900.0, gpu_stopped={}, no_gpu_reason=None,
        load_average=None, cpu_count=16,
    )
    return result.to_dict()


def test_a_demo_that_matches_its_reference_meets_every_goal(gpu_check):
    lines, failures = gpu_check.compare(demo_json(), 12.0, lambda key, n: RATES[key] / 1e12 * 1.03)
    assert failures == []
    bf16 = next(line for line in lines if line.split()[:2] == ["bf16", "8192"])
    assert bf16.split()[2:6] == ["650.0", "669.5", "0.97", "66%"]
    assert len([line for line in lines if line.split()[0] in GPU_DTYPES]) == 8


def test_each_missed_goal_is_named(gpu_check):
    # 20% slower than the reference, short of 8192, and 40 s in all.
    lines, failures = gpu_check.compare(demo_json(largest=4096), 40.0, lambda key, n: RATES[key] / 1e12 * 1.25)
    assert "the demo took 40.0 s" in failures
    assert "bf16 timed only up to n = 4096" in failures
    assert any(failure.startswith("fp32 at n = 4096: demo 50.0 against 62.5") for failure in failures)
    assert "bf16 at n = 8192 reached None of the dense peak" in failures


def test_without_a_cuda_gpu_it_says_so_and_exits_2():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout.startswith("gpu_check: no CUDA GPU here") and "nothing was checked" in done.stdout
