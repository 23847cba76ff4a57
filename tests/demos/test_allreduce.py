"""Ring all-reduce in real gloo worker processes, against numpy sums and the chunk sizes' closed forms."""

import functools
import io
import ipaddress
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from tutor.demos.allreduce.compute import compute
from tutor.demos.allreduce.launch import SCRATCH_PREFIX, WorkerError, remove_stale_scratch, run_local
from tutor.demos.allreduce.schedule import bytes_sent, chunk_bounds, ring_schedule
from tutor.demos.allreduce.worker import rank_input

WORKER_MODULE = "tutor.demos.allreduce.worker"

# (p, n, segment bytes): odd p with a ragged split; n < p (an empty chunk); and chunks cut into several ragged
# segments, so the pipeline overlaps steps. p=2, where both neighbours are the same rank, runs under torchrun below.
CASES = [(3, 10, 1 << 20), (3, 2, 1 << 20), (4, 61, 12)]


@functools.cache
def run(world_size: int, elements: int, segment_bytes: int):
    return compute(world_size=world_size, elements=elements, seed=7, segment_bytes=segment_bytes)


def numpy_sum(world_size: int, elements: int) -> np.ndarray:
    return np.sum([rank_input(7, rank, elements).astype(np.float64) for rank in range(world_size)], axis=0)


def array_split_sizes(elements: int, world_size: int) -> list[int]:
    return [len(part) for part in np.array_split(np.arange(elements), world_size)]


def processes() -> dict[int, tuple[str, int, str]]:
    """Every process: pid → (state, parent pid, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        found[int(entry.name)] = (state, int(ppid), cmdline)
    return found


def worker_children(parent: int | None = None) -> list[int]:
    """Children of ``parent`` (default: this process) that are ranks, or zombies (a rank not reaped)."""
    parent = os.getpid() if parent is None else parent
    return [
        pid for pid, (state, ppid, cmdline) in processes().items()
        if ppid == parent and (WORKER_MODULE in cmdline or state == "Z")
    ]


def free_port() -> int:
    """A TCP port nothing listens on now (torchrun's --master-port)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_addresses(pid: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The local addresses of the TCP sockets process ``pid`` listens on (from /proc/net/tcp and tcp6)."""
    try:
        inodes = {os.readlink(fd)[len("socket:["):-1] for fd in Path(f"/proc/{pid}/fd").iterdir()
                  if os.readlink(fd).startswith("socket:[")}
    except OSError:
        return []
    found = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] != "0A" or fields[9] not in inodes:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(fields[1].split(":")[0])
            # The kernel prints each 32-bit word of the address in host (little-endian) order.
            address = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            found.append(ipaddress.ip_address(address))
    return found


def start_launcher(tmp_path: Path, *argv: str) -> subprocess.Popen:
    """``tutor demo allreduce --bench`` (long enough to act on) with its temporary directory in tmp_path."""
    env = dict(os.environ, TMPDIR=str(tmp_path))
    return subprocess.Popen([sys.executable, "-m", "tutor", "demo", "allreduce", "--bench", "--json", *argv],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)


def wait_for_ranks_in_torch(launcher: subprocess.Popen, count: int) -> list[int]:
    deadline = time.monotonic() + 60
    while len(ranks := worker_children(launcher.pid)) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    while not all(loaded_torch(pid) for pid in ranks) and time.monotonic() < deadline:
        time.sleep(0.05)
    return ranks


def test_a_local_run_listens_on_loopback_only(tmp_path):
    launcher = start_launcher(tmp_path, "--world-size", "3")
    try:
        ranks = wait_for_ranks_in_torch(launcher, 3)
        # The ranks meet through a file store in the scratch folder; gloo then connects each pair on loopback.
        deadline = time.monotonic() + 60
        while not (addresses := [a for pid in [launcher.pid, *ranks] for a in listening_addresses(pid)]):
            assert time.monotonic() < deadline, "no rank ever listened: nothing was checked"
            time.sleep(0.05)
        assert all(address.is_loopback for address in addresses), addresses
        assert all("--init-method file://" in processes()[pid][2].replace("\0", " ") for pid in ranks)
    finally:
        launcher.terminate()
        launcher.wait(timeout=30)


@pytest.mark.parametrize(("signal_number", "code", "line"), [(signal.SIGINT, 130, "tutor: interrupted\n"),
                                                             (signal.SIGTERM, 128 + signal.SIGTERM, "")])
def test_an_interrupted_or_terminated_run_removes_its_scratch_folder(tmp_path, signal_number, code, line):
    launcher = start_launcher(tmp_path)
    ranks = wait_for_ranks_in_torch(launcher, 4)
    assert [folder.name.startswith(f"{SCRATCH_PREFIX}{launcher.pid}-") for folder in tmp_path.iterdir()] == [True]
    launcher.send_signal(signal_number)
    stderr = launcher.communicate(timeout=30)[1]
    assert (launcher.returncode, stderr) == (code, line)
    assert list(tmp_path.iterdir()) == []
    assert all(processes().get(pid, ("Z",))[0] == "Z" for pid in ranks)


def test_scratch_folders_of_dead_launchers_are_removed_and_live_ones_kept(tmp_path):
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True)
    dead = tmp_path / f"{SCRATCH_PREFIX}{finished.stdout.strip()}-abc"
    live = tmp_path / f"{SCRATCH_PREFIX}{os.getpid()}-def"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "rank0.json").write_text("{}")
    assert remove_stale_scratch(tmp_path) == [dead]
    assert sorted(tmp_path.iterdir()) == [live]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"p{case[0]}-n{case[1]}-seg{case[2]}")
def test_every_rank_ends_with_the_numpy_sum(case):
    p, n, _ = case
    result = run(*case)
    expected = numpy_sum(p, n)
    for buffer in result.trace.steps[-1].buffers:
        np.testing.assert_allclose(buffer, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"p{case[0]}-n{case[1]}-seg{case[2]}")
def test_the_ring_takes_two_p_minus_one_steps(case):
    p = case[0]
    result = run(*case)
    assert result.steps == 2 * (p - 1)
    assert [step.phase for step in result.trace.steps] == ["reduce-scatter"] * (p - 1) + ["all-gather"] * (p - 1)


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"p{case[0]}-n{case[1]}-seg{case[2]}")
def test_each_rank_sends_all_chunks_but_two_of_the_data(case):
    # Reduce-scatter sends every chunk but (r+1) mod p, all-gather every chunk but (r+2) mod p:
    # 2n − c[r+1] − c[r+2] floats, which is 2(p−1)/p·n up to the rounding of the chunk sizes.
    p, n, _ = case
    sizes = array_split_sizes(n, p)
    result = run(*case)
    for rank, counted in enumerate(result.bytes_sent_per_rank):
        assert counted == 4 * (2 * n - sizes[(rank + 1) % p] - sizes[(rank + 2) % p])
        assert abs(counted - 2 * (p - 1) / p * n * 4) < 2 * 4


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"p{case[0]}-n{case[1]}-seg{case[2]}")
def test_the_ring_agrees_with_gloo_all_reduce(case):
    # Same float32 numbers summed in another order: they differ by rounding only.
    assert run(*case).max_abs_error <= 1e-5


def test_after_the_first_step_a_rank_holds_its_chunk_plus_its_left_neighbours():
    p, n, _ = CASES[0]
    result = run(*CASES[0])
    bounds = np.cumsum([0] + array_split_sizes(n, p))
    first = result.trace.steps[0]
    for rank in range(p):
        chunk = (rank - 1) % p
        lo, hi = bounds[chunk], bounds[chunk + 1]
        expected = rank_input(7, rank, n)[lo:hi].astype(np.float64) + rank_input(7, (rank - 1) % p, n)[lo:hi]
        np.testing.assert_allclose(first.buffers[rank][lo:hi], expected, atol=1e-6)
        assert first.holders[rank][chunk] == tuple(sorted({rank, (rank - 1) % p}))


def test_after_reduce_scatter_rank_r_holds_the_complete_chunk_r_plus_one():
    p = 4
    result = run(*CASES[2])
    last_reduce = result.trace.steps[p - 2]
    for rank in range(p):
        assert last_reduce.holders[rank][(rank + 1) % p] == tuple(range(p))
        assert sum(len(ranks) == p for ranks in last_reduce.holders[rank]) == 1
    assert all(ranks == tuple(range(p)) for chunks in result.trace.steps[-1].holders for ranks in chunks)


def test_the_json_carries_the_scripting_contract():
    data = json.loads(json.dumps(run(*CASES[0]).to_dict()))
    assert {"world_size", "elements", "steps", "bytes_sent_per_rank", "max_abs_error", "trace"} <= data.keys()
    assert (data["world_size"], data["elements"], data["steps"]) == (3, 10, 4)
    assert len(data["trace"]["steps"]) == 4


@pytest.mark.parametrize(("elements", "world_size"), [(10, 3), (2, 3), (0, 4), (64, 4), (7, 64)])
def test_chunks_are_cut_as_numpy_array_split_cuts(elements, world_size):
    bounds = chunk_bounds(elements, world_size)
    assert [bounds[c + 1] - bounds[c] for c in range(world_size)] == array_split_sizes(elements, world_size)


@pytest.mark.parametrize("world_size", [2, 3, 5, 8])
def test_each_phase_sends_every_chunk_but_one_and_receives_what_the_left_neighbour_sent(world_size):
    p = world_size
    schedules = [ring_schedule(rank, p) for rank in range(p)]
    for rank, steps in enumerate(schedules):
        reduce_scatter, all_gather = steps[: p - 1], steps[p - 1 :]
        assert sorted(step.sends for step in reduce_scatter) == sorted(set(range(p)) - {(rank + 1) % p})
        assert sorted(step.sends for step in all_gather) == sorted(set(range(p)) - {(rank + 2) % p})
        for step in steps:
            assert step.receives == schedules[(rank - 1) % p][step.index].sends


@pytest.mark.parametrize(("elements", "world_size"), [(10, 3), (2, 5), (1000, 7), (12, 4)])
def test_closed_form_bytes_are_within_two_elements_of_two_p_minus_one_over_p(elements, world_size):
    ideal = 2 * (world_size - 1) / world_size * elements * 4
    for rank in range(world_size):
        assert abs(bytes_sent(rank, elements, world_size) - ideal) < 8


def test_no_worker_is_left_after_a_run():
    run(*CASES[0])
    assert worker_children() == []


def test_a_killed_worker_ends_the_run_with_one_line_and_no_worker_left():
    outcome = {}

    def target():
        try:
            compute(world_size=3, elements=10)
        except WorkerError as error:
            outcome["error"] = error

    runner = threading.Thread(target=target)
    runner.start()
    deadline = time.monotonic() + 30
    while not (children := worker_children()) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(children[0], signal.SIGKILL)
    runner.join(timeout=60)
    message = str(outcome["error"])
    assert "killed by SIGKILL" in message and "\n" not in message
    assert worker_children() == []


def loaded_torch(pid: int) -> bool:
    try:
        return "libtorch" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def test_the_ranks_end_when_their_launcher_is_killed_without_cleaning_up():
    # SIGKILL gives the launcher no chance to stop them: each rank sees its stdin close and exits.
    code = "from tutor.demos.allreduce.compute import compute; compute(world_size=2, elements=4, bench=True)"
    launcher = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(ranks := worker_children(launcher.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    while not all(loaded_torch(pid) for pid in ranks) and time.monotonic() < deadline:
        time.sleep(0.05)  # kill it mid-run, with the ranks inside torch, not while they start
    launcher.kill()
    launcher.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = [pid for pid in ranks if processes().get(pid, ("Z",))[0] != "Z"]
        if not alive:
            break
        time.sleep(0.05)
    assert len(ranks) == 2 and alive == []


def test_an_error_inside_the_ranks_is_reported_as_one_line():
    job = {"elements": 10, "seed": 0, "segment_bytes": 0, "bench": False}
    with pytest.raises(WorkerError) as raised:
        run_local(job, world_size=2, timeout_s=60)
    # both ranks fail alike; whichever ends first is named
    assert re.fullmatch(r"rank [01] failed: ValueError: segment_bytes must be positive, not 0", str(raised.value))
    assert worker_children() == []


def test_ranks_that_run_past_the_time_limit_are_stopped():
    job = {"elements": 10, "seed": 0, "segment_bytes": 1 << 20, "bench": False}
    with pytest.raises(WorkerError, match=r"did not finish within 0\.2 s"):
        run_local(job, world_size=2, timeout_s=0.2)
    assert worker_children() == []


def test_compute_imports_neither_torch_nor_the_views():
    # The launcher only starts processes: torch loads in the ranks, Rich and Textual only in the views.
    code = (
        "import sys, tutor.demos.allreduce.compute\n"
        "print(sorted(m for m in ('torch', 'rich', 'textual') if m in sys.modules))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


def test_under_torchrun_each_process_is_one_rank_and_returns_the_whole_result(tmp_path):
    script = tmp_path / "rank.py"
    script.write_text(
        "import json, os, sys\n"
        "from tutor.demos.allreduce.compute import compute\n"
        "result = compute(elements=5, seed=7)\n"
        f"open(os.path.join({str(tmp_path)!r}, 'rank' + os.environ['RANK'] + '.json'), 'w')"
        ".write(json.dumps(result.to_dict()))\n"
    )
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2",
               "--master-addr", "127.0.0.1", "--master-port", str(free_port()), str(script)]
    env = dict(os.environ, GLOO_SOCKET_IFNAME="lo", OMP_NUM_THREADS="1")
    subprocess.run(command, check=True, capture_output=True, env=env, timeout=120)
    results = [json.loads((tmp_path / f"rank{rank}.json").read_text()) for rank in range(2)]
    assert results[0] == results[1]
    assert (results[0]["launcher"], results[0]["world_size"], results[0]["steps"]) == ("torchrun", 2, 2)
    expected = numpy_sum(2, 5)
    for buffer in results[0]["trace"]["steps"][-1]["buffers"]:
        np.testing.assert_allclose(buffer, expected, atol=1e-5)


def test_the_terminal_view_off_a_terminal_prints_the_schedule_and_the_numbers():
    from rich.console import Console

    from tutor.demos.allreduce.terminal import show

    result = run(*CASES[0])
    stream = io.StringIO()
    show(result, Console(file=stream, width=140, force_terminal=False))
    text = stream.getvalue()
    assert "c0→r1 c2←r2" in text  # rank 0's first step: its chunk 0 out, chunk 2 in
    assert "4 steps = 2(p−1) with p=3" in text
    for count in result.bytes_sent_per_rank:
        assert str(count) in text


def test_the_terminal_animation_plays_every_step(monkeypatch):
    from rich.console import Console

    from tutor.demos import animation
    from tutor.demos.allreduce import terminal

    monkeypatch.setattr(animation.time, "sleep", lambda seconds: None)
    result = run(*CASES[0])
    stream = io.StringIO()
    terminal.show(result, Console(file=stream, width=140, force_terminal=True))
    text = stream.getvalue()
    for index in range(1, 5):
        assert f"step {index}/4" in text


async def test_the_app_view_computes_in_a_worker_and_plays_the_ring():
    from rich.console import Console
    from textual.app import App

    from tutor.demos.allreduce.frames import HOLD_S
    from tutor.demos.view import make_view

    view = make_view("allreduce", {"world_size": 2, "elements": 3})

    class Host(App):
        def compose(self):
            yield view

    def shown() -> str:
        text = io.StringIO()
        Console(file=text, width=120).print(view.query_one("#allreduce-ring").content)
        return text.getvalue()

    async with Host().run_test(size=(120, 50)) as pilot:
        deadline = time.monotonic() + 60
        while view.result is None and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert view.result.steps == 2
        assert "p=2 · n=3" in shown()  # the inputs come first, then the ring moves
        await pilot.pause(HOLD_S * 2 + 0.3)
        assert "step 1/2" in shown()
    assert worker_children() == []


@pytest.mark.slow
def test_the_bench_reports_bus_bandwidth_and_the_alpha_beta_model():
    result = compute(world_size=2, elements=4, bench=True)
    bench = result.bench
    assert [row.bytes for row in bench.rows] == [1024 * 4**k for k in range(9)]
    assert bench.alpha_s > 0 and bench.beta_bytes_per_s > 0
    for row in bench.rows:
        for method in ("ring", "gloo", "parameter_server"):
            # nccl-tests: busbw = algbw · 2(p−1)/p, which is algbw itself at p = 2
            assert row.busbw(method) == pytest.approx(row.bytes / getattr(row, f"{method}_s"))
        assert row.model_s == pytest.approx(2 * bench.alpha_s + row.bytes / bench.beta_bytes_per_s)
    data = result.to_dict()
    assert len(data["bench"]) == 9 and data["alpha_beta"]["alpha_s"] == bench.alpha_s


def test_under_torchrun_only_rank_zero_draws(monkeypatch):
    # Every rank holds the same result; ranks sharing a terminal must not draw over each other.
    import dataclasses

    from rich.console import Console

    from tutor.demos.allreduce.terminal import show

    result = dataclasses.replace(run(*CASES[0]), launcher="torchrun")
    for rank, drawn in (("1", False), ("0", True)):
        monkeypatch.setenv("RANK", rank)
        stream = io.StringIO()
        show(result, Console(file=stream, width=140))
        assert bool(stream.getvalue()) is drawn


def test_under_torchrun_a_rank_whose_peers_never_join_times_out_with_one_line(monkeypatch):
    from tutor.demos.allreduce import compute as module

    port = free_port()
    for name, value in {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "RANK": "0", "WORLD_SIZE": "2"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(module, "RUN_TIMEOUT_S", 1.0)
    monkeypatch.setattr(module, "STARTUP_S_PER_RANK", 0.0)
    with pytest.raises(WorkerError, match=r"(?i)^rank 0 failed: \w+: .*(timed out|timeout)") as raised:
        module.compute(elements=4)
    assert "\n" not in str(raised.value)
