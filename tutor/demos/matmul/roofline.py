"""The roofline of a matrix product: where it turns from memory-bound to compute-bound.

An n × n product does 2n³ flops and, at the least, moves its three matrices once: 3n² elements. Its
arithmetic intensity is therefore 2n³ / (3n² × bytes per element) = 2n / (3 × bytes) flops per byte, and
the most it can reach is min(peak, intensity × memory bandwidth). The ridge, peak / bandwidth, is the
intensity from which the device can be compute-bound; the size with that intensity is 3 × bytes × peak /
(2 × bandwidth). Bandwidth here is measured, by a large device-to-device copy (which reads and writes every
byte: 2 × size / time).
"""

BYTES_PER_ELEMENT = {"fp32": 4, "tf32": 4, "bf16": 2, "fp16": 2}
"""Bytes of one element per GPU series (TF32 products read and write float32 matrices)."""

CPU_COPY_BYTES = 256 * 2**20
"""Size of the CPU's bandwidth copy: far above any cache, so it measures main memory."""

GPU_COPY_BYTES = 512 * 2**20
"""Size of the GPU's bandwidth copy (50 MB of L2 on an H100: ten times that reads from HBM)."""


def intensity(n: int, bytes_per_element: int) -> float:
    """Return the flops per byte of an n × n product: 2n³ / (3n² × bytes)."""
    return 2.0 * n**3 / (3.0 * n**2 * bytes_per_element)


def attainable(flops_per_byte: float, peak: float, bandwidth: float) -> float:
    """Return the roofline's ceiling, in the unit of ``peak``, at an intensity: min(peak, intensity × bandwidth).

    ``peak`` and ``bandwidth`` must share their time unit (flop/s and byte/s).
    """
    return min(peak, flops_per_byte * bandwidth)


def ridge_intensity(peak: float, bandwidth: float) -> float:
    """Return the intensity (flops per byte) where the bandwidth line meets the peak."""
    return peak / bandwidth


def ridge_size(peak: float, bandwidth: float, bytes_per_element: int) -> float:
    """Return the size n whose intensity is the ridge's: 3 × bytes × peak / (2 × bandwidth)."""
    return 3.0 * bytes_per_element * peak / (2.0 * bandwidth)


def copy_bandwidth(size_bytes: int, seconds: float) -> float:
    """Return the bandwidth of a copy of ``size_bytes`` that took ``seconds``: it reads and writes each byte."""
    return 2.0 * size_bytes / seconds
