"""Start the p local worker processes, watch them, and always stop them.

Each rank is a ``python -m tutor.demos.allreduce.worker`` subprocess in its own session, so a Ctrl-C in the
terminal reaches only the launcher, which then stops every rank. The ranks also stop by themselves when the
launcher disappears without cleaning up (their stdin closes). The first rank to fail ends the run: the
others are stopped at once instead of waiting for their collectives to time out.
"""

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tutor.errors import DemoParameterError, TutorError

HOST = "127.0.0.1"
POLL_S = 0.02


class WorkerError(TutorError):
    """A worker process of the all-reduce demo failed, was killed or ran out of time."""


def free_port() -> int:
    """Return a TCP port that nothing listens on now, for rank 0's rendezvous store."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("", 0))
        return probe.getsockname()[1]


def check_port(port: int) -> None:
    """Make sure rank 0 can listen on ``port``.

    Raises:
        DemoParameterError: something already listens there, or the port needs privileges.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The rendezvous store sets SO_REUSEADDR too: a port in TIME_WAIT is usable, a listening one is not.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("", port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise DemoParameterError(
                    f"--port {port} is already in use on this machine; choose another port, or 0 to pick a free one"
                ) from None
            raise DemoParameterError(
                f"--port {port} cannot be used ({error.strerror}); choose another port, or 0 to pick a free one"
            ) from None


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


def run_local(job: dict[str, Any], *, world_size: int, port: int, timeout_s: float) -> list[dict[str, Any]]:
    """Run ``job`` in ``world_size`` local worker processes and return their reports, by rank.

    Args:
        job: what each rank does (see ``worker.rank_report``).
        world_size: number of ranks p.
        port: rendezvous port of rank 0 (must be free).
        timeout_s: the whole run's time limit; also bounds each collective inside the ranks.

    Raises:
        WorkerError: a rank failed, was killed, or the run took longer than ``timeout_s``.
    """
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="tutor-allreduce-") as scratch:
        folder = Path(scratch)
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
                                "--init-method", f"tcp://{HOST}:{port}", "--timeout", str(timeout_s),
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
