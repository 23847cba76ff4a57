"""The ring against gloo's own all_reduce at 16 MB and p=4 (goal: within 1.25× of gloo's time).

    python benchmarks/bench_allreduce.py [--world-size 4] [--megabytes 16] [--rounds 15] [--passes 3]

Each pass starts fresh worker processes for each segment size; inside, the ring, gloo's all_reduce and the
parameter server take turns in every round, and each time is the slowest rank's, median over rounds. The
figures are medians over passes, which the passes alternate through so that other load on the machine falls
on every configuration alike. The unsegmented ring (one message per chunk and step) shows what the pipeline
is worth; 1 MB is gloo's own largest segment (kMaxSegmentSize).
"""

import argparse
import statistics

from tutor.demos.allreduce.bench import bus_factor
from tutor.demos.allreduce.launch import free_port, run_local
from tutor.demos.allreduce.ring import SEGMENT_BYTES

GOAL = 1.25


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world-size", type=int, default=4)
    parser.add_argument("--megabytes", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    size, p = args.megabytes << 20, args.world_size
    segments = {"unsegmented": size, "4 MB": 4 << 20, f"{SEGMENT_BYTES >> 20} MB (default)": SEGMENT_BYTES,
                "1 MB (gloo's)": 1 << 20, "256 KB": 256 << 10}
    rows: dict[str, list[dict]] = {label: [] for label in segments}
    for _ in range(args.passes):
        for label, segment_bytes in segments.items():
            job = {
                "elements": p, "seed": 0, "segment_bytes": segment_bytes, "bench": True,
                "bench_sizes": [size], "bench_rounds": args.rounds,
            }
            rows[label].append(run_local(job, world_size=p, timeout_s=600)[0]["bench"]["rows"][0])
    print(f"ring all-reduce vs gloo all_reduce, {args.megabytes} MB float32, p={p}: ms per all-reduce, "
          f"slowest rank, median of {args.rounds} rounds, then of {args.passes} passes")
    print(f"{'segments':>20} {'ring':>8} {'gloo':>8} {'PS':>8} {'ring/gloo':>10} {'ring busbw GB/s':>16}")
    verdict = None
    for label, segment_bytes in segments.items():
        ring, gloo, server = (statistics.median(row[f"{method}_s"] for row in rows[label])
                              for method in ("ring", "gloo", "parameter_server"))
        ratio = statistics.median(row["ring_s"] / row["gloo_s"] for row in rows[label])
        print(f"{label:>20} {ring * 1e3:8.1f} {gloo * 1e3:8.1f} {server * 1e3:8.1f} {ratio:9.2f}× "
              f"{size / ring * bus_factor(p) / 1e9:16.2f}")
        if segment_bytes == SEGMENT_BYTES:
            verdict = ratio
    print(f"default ring / gloo = {verdict:.2f}× (goal ≤ {GOAL}×): {'met' if verdict <= GOAL else 'NOT met'}")


if __name__ == "__main__":
    main()
