"""Ring all-reduce on torch.distributed (gloo), run in real worker processes.

- ``schedule``: which chunk every rank sends and receives at each step (pure arithmetic);
- ``ring``: the bandwidth-optimal ring, point-to-point sends of pipelined segments;
- ``parameter_server``: the naive baseline (reduce to rank 0, then broadcast);
- ``bench``: timings, bandwidths and the α-β model, measured inside the ranks;
- ``worker``: one rank (a subprocess, or the process torchrun started);
- ``launch``: starts, watches and always stops the local worker processes;
- ``compute``: the demo's entry point and its result; ``frames``, ``terminal``, ``widget``: the views.
"""
