"""One error hierarchy for the whole package, and the exit codes the command line maps it to."""

from collections.abc import Callable
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``tutor`` command."""

    OK = 0
    FAILURE = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


INTERRUPTED = "tutor: interrupted"
"""The one line the command prints when Ctrl-C stops it."""

_interrupts: list[int] = []


def on_interrupt(signum: int, frame) -> None:
    """SIGINT handler of the command: note the Ctrl-C, then raise KeyboardInterrupt as Python's own does."""
    _interrupts.append(signum)
    raise KeyboardInterrupt


def was_interrupted() -> bool:
    """Whether a Ctrl-C reached :func:`on_interrupt`: an error raised after one is its consequence (numpy, loaded
    under torch, turns an interrupted import into an ImportError that no longer names the interrupt)."""
    return bool(_interrupts)


class TutorError(Exception):
    """Base of every error tutor reports to the learner as one line.

    ``exit_code`` says how the command line ends when this error reaches it.
    """

    exit_code: ExitCode = ExitCode.FAILURE


class BadInputError(TutorError):
    """The learner asked for something that does not exist or is malformed."""

    exit_code = ExitCode.BAD_INPUT


class DeckError(BadInputError):
    """A deck file is malformed; the message starts with ``file:line``."""


class UnknownCardError(BadInputError):
    """No card has the requested id."""


class UnknownDeckError(BadInputError):
    """No deck has the requested name."""


class StoreError(TutorError):
    """The learner's database cannot be opened or written."""


class DemoParameterError(BadInputError):
    """A demo was asked for with a parameter it does not take or a value out of its bounds.

    An error about parameters names them by field (``kappa must be at least 1``), as the app's form shows
    them; the command line spells them as its options (``--kappa must be at least 1``) with ``spelt``.
    """

    def __init__(self, message: str, *, parameters: tuple[str, ...] = ()) -> None:
        self.parameters = parameters
        """The fields the error is about (``("world_size", "elements")``), empty when it is about none."""
        self.problem = message
        """What is wrong, after the fields' names (``must be at least 2, not 1``)."""
        super().__init__(self.spelt(lambda name: name))

    @classmethod
    def about(cls, *parameters: str, problem: str) -> "DemoParameterError":
        """Return the error ``<parameters joined by 'and'> <problem>``."""
        return cls(problem, parameters=parameters)

    def spelt(self, spell: Callable[[str], str]) -> str:
        """Return the message with each field's name passed through ``spell`` (e.g. to ``--world-size``)."""
        if not self.parameters:
            return self.problem
        return " and ".join(spell(name) for name in self.parameters) + " " + self.problem


class NoteImportError(BadInputError):
    """A file given to ``tutor import`` was refused."""
