"""The command line under abuse: Ctrl-C at any moment, a bad clock or data directory, bad limits, and demo
parameters refused before torch loads."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

INTERRUPTED = 130


def tutor(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args], capture_output=True, text=True,
        env={**os.environ, **(env or {})}, timeout=120,
    )


# The harness says "ready" once tutor's entry point is imported, then runs it; an interrupt that lands in the
# harness itself (before run() is entered) exits 99 and is not tutor's to handle.
HARNESS = textwrap.dedent("""
    import os, sys
    try:
        from tutor.__main__ import run
        sys.stderr.write("ready\\n")
        sys.stderr.flush()
    except KeyboardInterrupt:
        os._exit(99)
    run()
""")


@pytest.mark.parametrize("argv", [["list", "--json"], ["demo", "descent", "--json"]])
def test_ctrl_c_at_any_moment_of_the_first_100_ms_is_one_line_and_130(argv):
    handled = 0
    for delay_ms in range(0, 101, 10):
        process = subprocess.Popen([sys.executable, "-c", HARNESS, *argv], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        assert process.stderr.readline() == "ready\n"
        time.sleep(delay_ms / 1000)
        process.send_signal(signal.SIGINT)
        stderr = process.communicate(timeout=60)[1]
        if process.returncode == 99:
            continue
        assert "Traceback" not in stderr, (delay_ms, stderr)
        assert (process.returncode, stderr) == (INTERRUPTED, "tutor: interrupted\n"), delay_ms
        handled += 1
    assert handled >= 8, "the interrupts should land in tutor's code, not in the harness"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9999-12-31T23:59:59Z", "TUTOR_NOW must fall in the years 1970 to 9000"),
        ("0001-01-01T00:00:00Z", "TUTOR_NOW must fall in the years 1970 to 9000"),
        ("1970-01-01T00:30:00+01:00", "TUTOR_NOW must fall in the years 1970 to 9000"),  # 1969 in UTC
        ("0001-01-01", "TUTOR_NOW needs a zone"),
        ("2026-12-01T08:00:00", "TUTOR_NOW needs a zone"),
        ("yesterday", "TUTOR_NOW is not an ISO-8601 time"),
    ],
)
def test_tutor_now_out_of_range_or_without_a_zone_is_refused(value, message):
    from tutor.clock import parse_fixed_time
    from tutor.errors import BadInputError

    with pytest.raises(BadInputError, match=message):
        parse_fixed_time(value)


def test_tutor_now_with_an_offset_is_that_moment_in_utc():
    from datetime import datetime, timezone

    from tutor.clock import parse_fixed_time

    assert parse_fixed_time("2026-12-01T08:00:00+08:00") == datetime(2026, 12, 1, 0, 0, tzinfo=timezone.utc)
    assert parse_fixed_time("9000-12-31T23:59:59Z").year == 9000


def test_the_overflowing_tutor_now_is_one_line_and_exit_2():
    result = tutor("due", "--json", env={"TUTOR_NOW": "9999-12-31T23:59:59Z"})
    assert result.returncode == 2
    assert result.stderr == "tutor: error: TUTOR_NOW must fall in the years 1970 to 9000, not '9999-12-31T23:59:59Z'\n"


def test_an_empty_tutor_home_is_refused():
    result = tutor("due", "--json", env={"TUTOR_HOME": ""})
    assert result.returncode == 2
    assert result.stderr == "tutor: error: TUTOR_HOME is set but empty: unset it, or set it to a directory\n"


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_search_limit_below_one_is_refused(limit):
    result = tutor("search", "梯度", "--limit", limit, "--json")
    assert result.returncode == 2
    assert result.stderr.startswith(f"tutor: error: argument --limit: must be at least 1, not {limit}")
    assert result.stdout == ""


def test_search_limit_one_gives_the_best_hit():
    best = json.loads(tutor("search", "梯度", "--json").stdout)[0]
    assert json.loads(tutor("search", "梯度", "--limit", "1", "--json").stdout) == [best]


# Each probe runs the command line in a fresh interpreter and reports the error line and whether torch or
# numpy had been imported when it was raised.
PROBE = textwrap.dedent("""
    import contextlib, io, json, sys
    from tutor.cli import main
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main({argv!r})
    heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("torch", "numpy"))
    print(json.dumps({{"code": code, "stderr": stderr.getvalue(), "heavy": heavy}}))
""")


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["demo", "descent", "--kappa", "0"], "--kappa must be at least 1, not 0"),
        (["demo", "activations", "--lo", "3", "--hi", "1"], "--lo and --hi must be in increasing order, not 3 and 1"),
        (["demo", "lstm", "--steps", "two"], "--steps takes an integer, not 'two'"),
        (["demo", "matmul", "--budget", "nan"], "--budget takes a finite number, not 'nan'"),
        (["demo", "allreduce", "--world-size", "1"], "--world-size must be at least 2, not 1"),
        (["demo", "allreduce", "--world-size", "16", "--elements", "16777216"],
         "--world-size and --elements would take about 9.4 GB of memory"),
        (["demo", "matmul", "--max-n", "32768"], "--max-n would take about 17.4 GB of memory"),
    ],
)
def test_a_bad_demo_parameter_is_refused_before_torch_loads(argv, line):
    result = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True, text=True,
                            timeout=60, check=True)
    report = json.loads(result.stdout)
    assert report["code"] == 2
    assert report["stderr"].startswith(f"tutor: error: {line}")
    assert report["stderr"].count("\n") == 1
    assert report["heavy"] == []


def test_a_ctrl_c_that_python_drops_is_not_printed_but_other_dropped_errors_are(capsys, monkeypatch):
    from tutor.__main__ import _unraisable

    def dropped(error: BaseException):
        """The report Python makes of an error raised where it cannot propagate (a finalizer, here)."""
        reports = []
        monkeypatch.setattr(sys, "unraisablehook", reports.append)

        class Raises:
            def __del__(self):
                raise error

        Raises()
        monkeypatch.undo()
        return reports[0]

    _unraisable(dropped(KeyboardInterrupt()))
    assert capsys.readouterr().err == ""
    _unraisable(dropped(ValueError("a real problem")))
    assert "a real problem" in capsys.readouterr().err
