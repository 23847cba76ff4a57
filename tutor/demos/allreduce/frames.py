"""Rich pictures of an all-reduce result: the ring at any moment of any step, the step table, the summary.

Shared by the terminal renderer (which plays the frames in a Live display) and the Textual widget (which
plays them on a timer); both only draw the ``Result`` that compute returned.
"""

from collections.abc import Iterator

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from tutor.demos.allreduce.compute import Result
from tutor.demos.allreduce.schedule import REDUCE_SCATTER
from tutor.demos.animation import FRAME_S

MOVE_FRAMES = 16
"""Frames a chunk takes to cross from one rank to the next."""
HOLD_S = 0.6
"""Pause on the state after each step, to read the partial sums."""
MAX_ANIMATED_RANKS = 8
"""Above this the ring no longer fits a terminal's width: only the tables are drawn."""
MAX_VALUES_PER_CHUNK = 4
"""Chunks up to this long show their values (the partial sums); longer ones show only whose inputs they hold."""
WIRE = 36
"""Width of the track a moving chunk is drawn on."""

PHASE_NOTES = {
    REDUCE_SCATTER: "each rank sends one chunk to its right neighbour and ADDS the chunk arriving from its left",
    "all-gather": "each rank passes a complete chunk on; the chunk arriving from its left REPLACES its own",
}


def _holders_label(ranks: tuple[int, ...], world_size: int) -> str:
    if len(ranks) == world_size:
        return "Σ all"
    return "Σ " + "+".join(str(rank) for rank in ranks) if len(ranks) > 1 else f"x{ranks[0]}"


def _state(result: Result, after_step: int):
    """Return (holders, buffers) after step ``after_step`` (−1: the inputs)."""
    p = result.world_size
    if after_step < 0:
        holders = tuple(tuple((rank,) for _ in range(p)) for rank in range(p))
        return holders, result.trace.inputs
    step = result.trace.steps[after_step]
    return step.holders, step.buffers


def _chunk_table(result: Result, after_step: int, sending: dict[int, int], landed: dict[int, int]) -> Table:
    """The ranks (rows) by chunks (columns) after ``after_step``; ``sending``/``landed``: rank → chunk to mark."""
    p, bounds = result.world_size, result.trace.chunk_bounds
    holders, buffers = _state(result, after_step)
    show_values = buffers is not None and max(bounds[c + 1] - bounds[c] for c in range(p)) <= MAX_VALUES_PER_CHUNK
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    table.add_column("rank", justify="right", style="bold")
    for chunk in range(p):
        table.add_column(f"chunk {chunk}\n[{bounds[chunk]}:{bounds[chunk + 1]})", justify="center")
    for rank in range(p):
        cells: list[RenderableType] = [f"r{rank}"]
        for chunk in range(p):
            ranks = holders[rank][chunk]
            style = "bold green" if len(ranks) == p else ("yellow" if len(ranks) > 1 else "dim")
            cell = Text(_holders_label(ranks, p), style=style)
            if bounds[chunk] == bounds[chunk + 1]:
                cell = Text("(empty)", style="dim")
            elif show_values:
                values = buffers[rank][bounds[chunk] : bounds[chunk + 1]]
                cell.append("\n" + " ".join(f"{value:.2f}" for value in values), style=style)
            if sending.get(rank) == chunk:
                cell.stylize("reverse")
            if landed.get(rank) == chunk:
                cell.stylize("underline")
            cells.append(cell)
        table.add_row(*cells)
    return table


def _wires(result: Result, step_index: int, progress: float) -> Text:
    """One line per link r → r+1 with the chunk in flight drawn ``progress`` of the way along."""
    step = result.trace.steps[step_index]
    holders, _ = _state(result, step_index - 1)
    lines = Text()
    for transfer in step.transfers:
        label = f"[c{transfer.sends} {_holders_label(holders[transfer.rank][transfer.sends], result.world_size)}]"
        room = WIRE - len(label)
        at = round(min(progress, 1.0) * room)
        lines.append(f"  r{transfer.rank} ", style="bold")
        lines.append("─" * at, style="dim")
        lines.append(label, style="bold cyan" if progress < 1 else "dim")
        lines.append("─" * (room - at) + "▶", style="dim")
        lines.append(f" r{transfer.to}", style="bold")
        lines.append(f"   {transfer.bytes_sent} B\n", style="dim")
    return lines


def ring_frame(result: Result, step_index: int, progress: float) -> RenderableType:
    """Draw the ring during step ``step_index`` (−1: the inputs, before any step).

    While ``progress`` < 1 the chunks are on their way and the table shows the state before the step, the
    chunks being sent in reverse video; at 1 the table shows the state after it, the chunks that landed
    underlined.
    """
    p, total = result.world_size, len(result.trace.steps)
    if step_index < 0:
        title = Text(f"ring all-reduce · p={p} · n={result.elements} · inputs: rank r holds x_r", style="bold")
        return Group(title, _chunk_table(result, -1, {}, {}))
    step = result.trace.steps[step_index]
    title = Text(f"step {step_index + 1}/{total} · {step.phase}", style="bold")
    title.append(f"\n{PHASE_NOTES.get(step.phase, PHASE_NOTES['all-gather'])}", style="italic")
    if progress < 1:
        table = _chunk_table(result, step_index - 1, {t.rank: t.sends for t in step.transfers}, {})
    else:
        table = _chunk_table(result, step_index, {}, {t.rank: t.receives for t in step.transfers})
    sent = [sum(s.transfers[rank].bytes_sent for s in result.trace.steps[: step_index + 1]) for rank in range(p)]
    footer = Text("bytes sent so far: " + "  ".join(f"r{rank} {count}" for rank, count in enumerate(sent)), style="dim")
    return Group(title, table, _wires(result, step_index, progress), footer)


def ring_frames(result: Result) -> Iterator[tuple[RenderableType, float]]:
    """Yield every frame of the animation with the seconds it stays on screen."""
    yield ring_frame(result, -1, 1.0), HOLD_S * 2
    for index in range(len(result.trace.steps)):
        for frame in range(MOVE_FRAMES):
            yield ring_frame(result, index, frame / MOVE_FRAMES), FRAME_S
        yield ring_frame(result, index, 1.0), HOLD_S


def step_table(result: Result) -> Table:
    """One row per step: what each rank sent where, and what it received."""
    table = Table(title="ring schedule (rank: sends chunk → to, receives chunk ← from)", box=box.SIMPLE_HEAD)
    table.add_column("step", justify="right")
    table.add_column("phase")
    for rank in range(result.world_size):
        table.add_column(f"r{rank}")
    for step in result.trace.steps:
        table.add_row(
            str(step.index + 1),
            step.phase,
            *(f"c{t.sends}→r{t.to} c{t.receives}←r{t.source}" for t in step.transfers),
        )
    return table


def _size(size: int) -> str:
    return f"{size >> 20} MB" if size >= 1 << 20 else f"{size >> 10} KB"


def _bench_tables(result: Result) -> list[RenderableType]:
    """Times beside the α-β model, then bandwidths as nccl-tests reports them."""
    bench, p = result.bench, result.world_size
    times = Table(title=f"ms per all-reduce, p={p} (slowest rank, median)", box=box.SIMPLE_HEAD)
    for heading in ("size", "ring", "gloo", "param. server", "α-β model", "ring/gloo"):
        times.add_column(heading, justify="right")
    rates = Table(title="GB/s: algbw = size/time, busbw = algbw·2(p−1)/p", box=box.SIMPLE_HEAD)
    for heading in ("size", "ring algbw", "ring busbw", "gloo busbw", "PS busbw"):
        rates.add_column(heading, justify="right")
    for row in bench.rows:
        times.add_row(
            _size(row.bytes),
            *(f"{seconds * 1e3:.3g}" for seconds in (row.ring_s, row.gloo_s, row.parameter_server_s, row.model_s)),
            f"{row.ring_s / row.gloo_s:.2f}×",
        )
        rates.add_row(
            _size(row.bytes),
            *(f"{rate / 1e9:.3g}" for rate in (row.algbw("ring"), row.busbw("ring"), row.busbw("gloo"),
                                               row.busbw("parameter_server"))),
        )
    model = Text(
        f"α-β model 2(p−1)α + 2(p−1)/p·V/β with α = {bench.alpha_s * 1e6:.0f} µs per step and "
        f"β = {bench.beta_bytes_per_s / 1e9:.2f} GB/s per link, both measured by ring shifts of these ranks "
        "(the time of the additions is not in it). Small sizes are latency-bound: the 2(p−1)α term rules and "
        "the parameter server's two hops beat the ring's 2(p−1); large ones are bandwidth-bound, where the "
        "ring's 2(p−1)/p·V per rank beats rank 0's 2(p−1)·V.",
        style="dim",
    )
    return [times, rates, model]


def summary(result: Result) -> RenderableType:
    """The numbers: bytes each rank sent against 2(p−1)/p·n·4, steps, error, and the bench when present."""
    p, n = result.world_size, result.elements
    sent = Table(title="bytes each rank sent", box=box.SIMPLE_HEAD)
    sent.add_column("rank", justify="right")
    sent.add_column("counted", justify="right")
    sent.add_column("2(p−1)/p·n·4", justify="right")
    sent.add_column("a parameter server would send", justify="right")
    for rank, count in enumerate(result.bytes_sent_per_rank):
        # rank 0 sends the sum back to each of the p−1 others; they each send their vector once
        server = (p - 1) * n * 4 if rank == 0 else n * 4
        sent.add_row(f"r{rank}", str(count), f"{result.ideal_bytes_per_rank:.1f}", str(server))
    facts = Text()
    facts.append(f"{result.steps} steps = 2(p−1) with p={p}", style="bold")
    facts.append(f" · launcher: {result.launcher} · segments of {result.segment_bytes} B\n")
    facts.append(f"max |ring − torch.distributed.all_reduce| = {result.max_abs_error:.3g}")
    facts.append(" (float32 sums in a different order differ by rounding only)\n", style="dim")
    parts: list[RenderableType] = [sent, facts]
    if result.bench is not None:
        parts += _bench_tables(result)
    return Group(*parts)
