"""The ``tutor`` command's entry point, also run by ``python -m tutor``.

It imports nothing of its own before its ``try``, so that a Ctrl-C at any moment, even while the command
line itself is still loading, ends with one line and exit code 130 instead of a traceback.
"""

import signal
import sys


def _unraisable(info) -> None:
    """Python prints, and then drops, a Ctrl-C that lands in a callback (an import lock's, say): print nothing;
    the handler has noted it, and the command reports it when it ends."""
    if info.exc_type is not None and issubclass(info.exc_type, KeyboardInterrupt):
        return
    sys.__unraisablehook__(info)


def run() -> None:
    """Run the command line and exit with its code (130, and one line on stderr, when interrupted)."""
    try:
        sys.unraisablehook = _unraisable
        from tutor.errors import ExitCode, on_interrupt, was_interrupted

        signal.signal(signal.SIGINT, on_interrupt)
        from tutor.cli import main  # inside the try: a Ctrl-C while the command line loads counts too

        code = main()
        if was_interrupted() and code != ExitCode.INTERRUPTED:
            raise KeyboardInterrupt  # one that Python dropped (see _unraisable): the command was interrupted
    except KeyboardInterrupt:
        from tutor.errors import INTERRUPTED, ExitCode

        sys.stderr.write(INTERRUPTED + "\n")
        code = ExitCode.INTERRUPTED
    # The work is over: a Ctrl-C while the interpreter shuts down must not print a traceback either.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(int(code))


if __name__ == "__main__":
    run()
