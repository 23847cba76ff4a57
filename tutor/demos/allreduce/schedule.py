"""The ring's schedule: which chunk each rank sends and receives at each step, and what that costs in bytes.

Pure arithmetic (no torch): ``ring.py`` follows it, the trace is checked against it, and the tests use
``bytes_sent`` as the closed form of what each rank must send.

The vector of n elements is cut into p chunks. In reduce-scatter step s (0 ≤ s < p−1) rank r sends chunk
(r−s) mod p to its right neighbour r+1 and adds the chunk (r−s−1) mod p that arrives from its left
neighbour r−1; after p−1 steps rank r holds the complete sum of chunk (r+1) mod p. All-gather step t then
passes the complete chunks on: rank r sends (r+1−t) mod p and overwrites (r−t) mod p with what arrives.
"""

from dataclasses import dataclass

REDUCE_SCATTER = "reduce-scatter"
ALL_GATHER = "all-gather"


@dataclass(frozen=True)
class RingStep:
    """What one rank does in one step of the ring."""

    index: int
    """Step number, 0 … 2(p−1)−1."""
    phase: str
    """``reduce-scatter`` (the received chunk is added) or ``all-gather`` (it is copied)."""
    sends: int
    """Chunk sent to the right neighbour."""
    receives: int
    """Chunk received from the left neighbour."""


def chunk_bounds(elements: int, world_size: int) -> tuple[int, ...]:
    """Return the p+1 offsets that cut ``elements`` into ``world_size`` chunks: chunk c is [b[c], b[c+1]).

    Sizes differ by at most one, the first n mod p chunks being the larger (as numpy.array_split cuts);
    when n < p the last p−n chunks are empty.
    """
    size, extra = divmod(elements, world_size)
    bounds = [0]
    for chunk in range(world_size):
        bounds.append(bounds[-1] + size + (1 if chunk < extra else 0))
    return tuple(bounds)


def ring_schedule(rank: int, world_size: int) -> tuple[RingStep, ...]:
    """Return the 2(p−1) steps of ``rank``: p−1 of reduce-scatter, then p−1 of all-gather."""
    p = world_size
    steps = [RingStep(s, REDUCE_SCATTER, (rank - s) % p, (rank - s - 1) % p) for s in range(p - 1)]
    steps += [RingStep(p - 1 + t, ALL_GATHER, (rank + 1 - t) % p, (rank - t) % p) for t in range(p - 1)]
    return tuple(steps)


def segment_bounds(lo: int, hi: int, segments: int, k: int) -> tuple[int, int]:
    """Return segment ``k`` of ``segments`` near-equal pieces of the chunk [lo, hi) (possibly empty)."""
    length = hi - lo
    return lo + length * k // segments, lo + length * (k + 1) // segments


def bytes_sent(rank: int, elements: int, world_size: int, itemsize: int = 4) -> int:
    """Return the bytes ``rank`` sends in one ring all-reduce: the closed form of the schedule.

    Reduce-scatter sends every chunk but (r+1) mod p, all-gather every chunk but (r+2) mod p, so the
    rank sends 2n − c[(r+1) mod p] − c[(r+2) mod p] elements: 2(p−1)/p·n when p divides n, and at most
    two elements away from it otherwise.
    """
    bounds = chunk_bounds(elements, world_size)

    def size(chunk: int) -> int:
        return bounds[chunk + 1] - bounds[chunk]

    kept = size((rank + 1) % world_size) + size((rank + 2) % world_size)
    return (2 * elements - kept) * itemsize
