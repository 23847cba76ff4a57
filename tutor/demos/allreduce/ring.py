"""The bandwidth-optimal ring all-reduce, built from torch.distributed point-to-point sends and receives.

Each chunk travels in segments, and the ring is pipelined the way gloo's own all_reduce is: a segment
received and added in step s is sent on in step s+1 while later segments are still arriving, and the
receives for the next segments are posted before the current one is waited on. With one segment per chunk
every step would be a barrier (send the whole chunk, wait, add, repeat) and the links would sit idle while
the cores add. That gain needs something idle to overlap: with more ranks than cores, over loopback, the
cores are the bottleneck and the benchmark measures no gain from segments, only their per-message cost.

Called inside an initialised process group (see ``worker.py``); the caller owns the group.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tutor.demos.allreduce.schedule import REDUCE_SCATTER, RingStep, chunk_bounds, ring_schedule, segment_bounds

SEGMENT_BYTES = 2 << 20
"""Default segment size: at 16 MB and p=4 a chunk is 4 MB, in two segments, the fewest gloo's ring pipelines
with. Gloo's own segments are at most 1 MB; here each message also costs tens of microseconds of Python and
dispatch, and on a machine with fewer cores than ranks smaller segments cost more than their overlap gains
(benchmarks/bench_allreduce.py compares them)."""

RECEIVES_AHEAD = 2
"""Receives posted before the one being waited on (and scratch buffers they land in)."""


@dataclass(frozen=True)
class RingStats:
    """What one rank did in one ring all-reduce."""

    steps: tuple[RingStep, ...]
    """The steps this rank completed, in order."""
    bytes_per_step: tuple[int, ...]
    """Bytes this rank handed to ``isend`` in each step (counted from the tensors sent)."""

    @property
    def bytes_sent(self) -> int:
        """Bytes this rank sent in the whole all-reduce."""
        return sum(self.bytes_per_step)


def ring_allreduce(
    tensor,
    *,
    segment_bytes: int = SEGMENT_BYTES,
    on_step: Callable[[RingStep], None] | None = None,
) -> RingStats:
    """Sum ``tensor`` (1-D, contiguous) over every rank of the default process group, in place.

    Reduce-scatter then all-gather, 2(p−1) steps in which each rank sends one chunk to its right neighbour
    and receives one from its left, so each rank sends 2(p−1)/p of the data in all.

    Args:
        tensor: this rank's vector; holds the sum over all ranks on return.
        segment_bytes: size of the pieces each chunk is sent in (the pipeline's grain).
        on_step: called with each step as soon as this rank has finished it (``tensor`` then holds the
            state after that step: the trace's partial sums). Costs a copy per all-gather segment.

    Returns:
        The steps done and the bytes sent in each.

    Raises:
        ValueError: the tensor is not 1-D and contiguous, or ``segment_bytes`` is not positive.
    """
    import torch.distributed as dist  # torch costs about a second to import: only inside the ranks

    if tensor.dim() != 1 or not tensor.is_contiguous():
        raise ValueError("ring_allreduce takes a contiguous 1-D tensor")
    if segment_bytes <= 0:
        raise ValueError(f"segment_bytes must be positive, not {segment_bytes}")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    schedule = ring_schedule(rank, world_size)
    bounds = chunk_bounds(tensor.numel(), world_size)
    largest = bounds[1] - bounds[0]
    # Every rank must cut every chunk the same way, so the count comes from the largest chunk, not this rank's.
    segments = max(1, -(-largest * tensor.element_size() // segment_bytes))

    def piece(chunk: int, k: int):
        lo, hi = segment_bounds(bounds[chunk], bounds[chunk + 1], segments, k)
        return tensor[lo:hi]

    # One message per (step, segment), numbered in the order both neighbours walk them: the number is the tag,
    # so a message can only ever match its own receive.
    messages = [(step, k) for step in schedule for k in range(segments)]
    scratch_size = -(-largest // segments)
    scratch = [tensor.new_empty(scratch_size) for _ in range(min(RECEIVES_AHEAD, len(messages)))]
    # All-gather may land straight in ``tensor``, except when a step's snapshot must not show the next step's data.
    direct_gather = on_step is None
    right, left = (rank + 1) % world_size, (rank - 1) % world_size
    pending_receives = {}
    pending_sends = []
    bytes_per_step = [0] * len(schedule)

    def post_receive(number: int) -> None:
        step, k = messages[number]
        target = piece(step.receives, k)
        if target.numel() == 0:  # an empty segment (n < p, or ragged chunks): neither side sends it
            return
        if step.phase != REDUCE_SCATTER and direct_gather:
            buffer = target
        else:
            buffer = scratch[number % len(scratch)][: target.numel()]
        pending_receives[number] = (dist.irecv(buffer, left, tag=number), buffer, target)

    def post_send(number: int) -> None:
        step, k = messages[number]
        source = piece(step.sends, k)
        if source.numel() == 0:
            return
        pending_sends.append(dist.isend(source, right, tag=number))
        bytes_per_step[step.index] += source.numel() * source.element_size()

    for number in range(len(scratch)):
        post_receive(number)
    next_send = 0
    for number, (step, k) in enumerate(messages):
        # Message m sends what message m − segments received (same segment, previous step): everything
        # already received may go out now, which is what keeps segments of several steps in flight.
        while next_send < len(messages) and next_send - segments < number:
            post_send(next_send)
            next_send += 1
        if number in pending_receives:
            work, buffer, target = pending_receives.pop(number)
            work.wait()
            if step.phase == REDUCE_SCATTER:
                target.add_(buffer)
            elif buffer is not target:
                target.copy_(buffer)
        # The scratch buffer this message used is free again only now, after the add.
        if number + len(scratch) < len(messages):
            post_receive(number + len(scratch))
        if k == segments - 1 and on_step is not None:
            on_step(step)
    for work in pending_sends:
        work.wait()
    return RingStats(steps=schedule, bytes_per_step=tuple(bytes_per_step))
