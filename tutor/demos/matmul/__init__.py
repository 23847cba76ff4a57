"""Matrix multiply timing: pure Python, NumPy and torch on the CPU, and torch on a CUDA GPU when present."""
