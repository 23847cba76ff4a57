"""Start the p local worker processes, watch them, and always stop them.

Each rank is a ``python -m tutor.demos.allreduce.worker`` subprocess in its own session, so a Ctrl-C in the
terminal reaches only the launcher, which then stops every rank. The ranks also stop by themselves when the
launcher disappears without cleaning up (their stdin closes). The first rank to fail ends the run: the
others are stopped at once instead of waiting for their collectives to time out.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tutor.errors import TutorError

POLL_S = 0.02
SCRATCH_PREFIX = "tutor-allreduce-"
"""Start of the run's scratch folder in the temporary directory; the launcher's pid follows."""


class WorkerError(TutorError):
    """A worker process of the all-reduce demo failed, was killed or ran out of time."""


def remove_stale_scratch(temp: Path) -> list[Path]:
    """Remove the scratch folders that launchers which no longer run left in ``temp`` (a SIGKILL leaves
    one behind); return what was removed. Folders of live launchers and other users' folders are kept."""
    removed = []
    for folder in temp.glob(SCRATCH_PREFIX + "*"):
        pid = folder.name[len(SCRATCH_PREFIX):].partition("-")[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        try:
            if folder.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def _cleanup_on_termination() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into SystemExit for the block, so that ``finally`` clauses (stopping the ranks,
    removing the scratch folder) run before the process ends; as the default action, it exits 128 + signal."""
    if threading.current_thread() is not threading.main_thread():
        # Only the main thread may set handlers: in the app, the demo computes in a worker thread.
        yield
        return

    def exit_now(number: int, frame: object) -> None:
        raise SystemExit(128 + number)

    previous = {number: signal.signal(number, exit_now) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _worker_environment() -> dict[str, str]:
    """Return the ranks' environment: this package importable, one thread each, gloo on loopback."""
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    env["OMP_NUM_THREADS"] = "1"
    # Every rank is on this machine: gloo must not pick an interface from the host name, which may not route.
    loopback = [name for _, name in socket.if_nameindex() if name in ("lo", "lo0")]
    if loopback:
        env["GLOO_SOCKET_IFNAME"] = loopback[0]
    return env


def _describe_failure(rank: int, process: subprocess.Popen, report: Path, stderr: Path) -> str:
    """Return one line saying why ``rank`` ended badly."""
    if report.exists():
        error = json.loads(report.read_text(encoding="utf-8")).get("error")
        if error:
            return f"rank {rank} failed: {error}"
    if process.returncode < 0:
        return f"rank {rank} was killed by {signal.Signals(-process.returncode).name}"
    lines = [line for line in stderr.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    last = f": {lines[-1].strip()}" if lines else ""
    return f"rank {rank} exited with status {process.returncode}{last}"


def _stop(processes: list[subprocess.Popen]) -> None:
    """Terminate every rank still running, kill any that lingers, and reap them all."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 3.0
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdin is not None:
            process.stdin.close()


def run_local(job: dict[str, Any], *, world_size: int, timeout_s: float) -> list[dict[str, Any]]:
    """Run ``job`` in ``world_size`` local worker processes and return their reports, by rank.

    The ranks meet through a file store in the run's scratch folder, not a TCP store (which listens on every
    interface, unauthenticated), and gloo's connections between them use the loopback interface: nothing
    of a local run can be reached from another machine. The scratch folder is removed however the run
    ends: success, an error, Ctrl-C, SIGTERM or SIGHUP; one left by a SIGKILL is removed by the next run.

    Args:
        job: what each rank does (see ``worker.rank_report``).
        world_size: number of ranks p.
        timeout_s: the whole run's time limit; also bounds each collective inside the ranks.

    Raises:
        WorkerError: a rank failed, was killed, or the run took longer than ``timeout_s``.
    """
    remove_stale_scratch(Path(tempfile.gettempdir()))
    with _cleanup_on_termination():
        return _run_ranks(job, world_size=world_size, timeout_s=timeout_s)


def _run_ranks(job: dict[str, Any], *, world_size: int, timeout_s: float) -> list[dict[str, Any]]:
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-") as scratch:
        folder = Path(scratch)
        init_method = (folder / "store").as_uri()
        reports = [folder / f"rank{rank}.json" for rank in range(world_size)]
        errors = [folder / f"rank{rank}.err" for rank in range(world_size)]
        env = _worker_environment()
        try:
            for rank in range(world_size):
                with open(errors[rank], "wb") as stderr:
                    processes.append(
                        subprocess.Popen(
                            [
                                sys.executable, "-m", "tutor.demos.allreduce.worker",
                                "--rank", str(rank), "--world-size", str(world_size),
                                "--init-method", init_method, "--timeout", str(timeout_s),
                                "--job", json.dumps(job), "--report", str(reports[rank]),
                            ],
                            stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL,
                            stderr=stderr,
                            env=env,
                            start_new_session=True,
                        )
                    )
            deadline = time.monotonic() + timeout_s
            while True:
                codes = [process.poll() for process in processes]
                failed = [rank for rank, code in enumerate(codes) if code not in (None, 0)]
                if failed:
                    # A killed rank makes its peers fail too, within milliseconds: name the cause, not an echo.
                    cause = min(failed, key=lambda rank: (codes[rank] > 0, rank))
                    raise WorkerError(_describe_failure(cause, processes[cause], reports[cause], errors[cause]))
                if all(code == 0 for code in codes):
                    break
                if time.monotonic() > deadline:
                    running = ", ".join(str(rank) for rank, code in enumerate(codes) if code is None)
                    raise WorkerError(f"the ranks did not finish within {timeout_s:g} s (still running: {running})")
                time.sleep(POLL_S)
        finally:
            _stop(processes)
        return [json.loads(path.read_text(encoding="utf-8")) for path in reports]
