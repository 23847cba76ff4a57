"""Theoretical peak FLOP/s: the CPU's from /proc/cpuinfo, a GPU's from its name.

CPU peak = physical cores × clock × FMA units per core × SIMD lanes × 2 (an FMA is two flops), in float32.
/proc/cpuinfo gives the cores, the clock and the SIMD width (avx512f: 16 lanes, avx/avx2: 8, sse: 4); it
does not give the number of FMA units. We take two when the fma flag is present: Intel cores since Haswell
and AMD cores since Zen 2 issue two vector FMAs per cycle (Zen 1 and some Xeon SKUs issue one, for which
this is twice too high). Without the fma flag, or on a CPU whose flags we cannot read, the peak is unknown.
The clock is cpuinfo_max_freq where the kernel exposes it; otherwise (virtual machines) "cpu MHz", the
nominal clock, which boosting cores exceed: a measured rate can then beat this "peak", and the views say so.

GPU peaks are the vendor's dense (no 2:4 sparsity) tensor-core figures, in TFLOP/s, for the cards we know.
"""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CpuPeak:
    """The parts of the CPU's float32 peak and the product."""

    cores: int
    """Physical cores (distinct physical id, core id pairs)."""
    ghz: float
    """Clock in GHz."""
    clock_source: str
    """Where the clock came from: cpuinfo_max_freq (the highest) or cpu MHz (the current one)."""
    fma_units: int
    """Vector FMA units per core (assumed, see the module docstring)."""
    lanes: int
    """float32 lanes per vector register."""

    @property
    def gflops(self) -> float:
        """cores × GHz × FMA units × lanes × 2."""
        return self.cores * self.ghz * self.fma_units * self.lanes * 2

    def to_dict(self) -> dict:
        """Plain dict for the JSON output."""
        return {
            "cores": self.cores,
            "ghz": self.ghz,
            "clock_source": self.clock_source,
            "fma_units": self.fma_units,
            "lanes": self.lanes,
            "gflops": self.gflops,
        }


def parse_cpu_peak(cpuinfo: str, max_khz: int | None = None) -> CpuPeak | None:
    """Return the CPU's float32 peak from the text of /proc/cpuinfo, or None when it cannot be read.

    Args:
        cpuinfo: the text of /proc/cpuinfo.
        max_khz: /sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq when readable (preferred to the
            current clock, which idles low).
    """
    blocks = [block for block in cpuinfo.split("\n\n") if block.strip()]
    fields = [_fields(block) for block in blocks]
    processors = [entry for entry in fields if "processor" in entry]
    if not processors:
        return None
    flags = set(processors[0].get("flags", "").split())
    if "fma" not in flags:
        return None
    if "avx512f" in flags:
        lanes = 16
    elif "avx2" in flags or "avx" in flags:
        lanes = 8
    else:
        lanes = 4
    cores_seen = {(entry.get("physical id"), entry.get("core id")) for entry in processors}
    cores = len(cores_seen) if all(None not in pair for pair in cores_seen) else len(processors)
    if max_khz:
        ghz, source = max_khz / 1e6, "cpuinfo_max_freq"
    elif "cpu MHz" in processors[0]:
        ghz, source = float(processors[0]["cpu MHz"]) / 1e3, "cpu MHz"
    else:
        return None
    return CpuPeak(cores=cores, ghz=ghz, clock_source=source, fma_units=2, lanes=lanes)


def _fields(block: str) -> dict[str, str]:
    entries = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            entries[key.strip()] = value.strip()
    return entries


def read_cpu_peak() -> CpuPeak | None:
    """Return this machine's CPU peak, or None where /proc/cpuinfo is missing or lacks what we need."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    try:
        max_khz = int(Path("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq").read_text().strip())
    except (OSError, ValueError):
        max_khz = None
    return parse_cpu_peak(cpuinfo, max_khz)


# (name fragment, {dtype: dense TFLOP/s}); the first fragment found in the device name wins, so the specific
# variants come before the family. None: a variant whose figures we do not carry.
GPU_PEAKS: tuple[tuple[str, dict[str, float] | None], ...] = (
    ("H100 NVL", None),
    ("H100 PCIe", {"fp32": 51.2, "tf32": 378.0, "bf16": 756.0, "fp16": 756.0}),
    ("H100", {"fp32": 66.9, "tf32": 494.7, "bf16": 989.4, "fp16": 989.4}),
    ("H200 NVL", None),
    ("H200", {"fp32": 66.9, "tf32": 494.7, "bf16": 989.4, "fp16": 989.4}),
    ("A100", {"fp32": 19.5, "tf32": 156.0, "bf16": 312.0, "fp16": 312.0}),
    ("L40S", {"fp32": 91.6, "tf32": 183.0, "bf16": 362.05, "fp16": 362.05}),
    ("L40", None),
    ("L4", {"fp32": 30.3, "tf32": 60.0, "bf16": 121.0, "fp16": 121.0}),
    ("A10", {"fp32": 31.2, "tf32": 62.5, "bf16": 125.0, "fp16": 125.0}),
    ("T4", {"fp32": 8.1, "fp16": 65.0}),
    ("V100", {"fp32": 15.7, "fp16": 125.0}),
)
"""Dense peak TFLOP/s by device-name fragment (NVIDIA data sheets; SXM figures unless the name says PCIe)."""


def gpu_peak_tflops(device_name: str) -> dict[str, float] | None:
    """Return the dense peak TFLOP/s per dtype of the GPU called ``device_name``, or None if unknown."""
    for fragment, peaks in GPU_PEAKS:
        if fragment in device_name:
            return peaks
    return None
