"""One error hierarchy for the whole package, and the exit codes the command line maps it to."""

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``tutor`` command."""

    OK = 0
    FAILURE = 1
    BAD_INPUT = 2
    INTERRUPTED = 130


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
    """A demo was asked for with a parameter it does not take or a value out of its bounds."""


class NoteImportError(BadInputError):
    """A file given to ``tutor import`` was refused."""
