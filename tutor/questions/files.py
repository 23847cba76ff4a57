"""Reading a file someone else gave us: a regular file only, and never more than a stated number of bytes.

``tutor import /dev/zero`` would otherwise read forever, a FIFO would block until someone writes to it, and a
50 MB file would be held several times over in memory while it is parsed. The file is examined before it is
opened (opening some devices has effects of its own), opened without blocking (a FIFO swapped in meanwhile
cannot hang us) and examined again through the open descriptor, which is what is then read.
"""

import os
import stat
from pathlib import Path
from typing import BinaryIO

MEGABYTE = 1024 * 1024


class UnreadableFileError(Exception):
    """The file is not one tutor reads; the message says why, without naming the file."""


def _kind(mode: int) -> str | None:
    """Return what a non-regular file is, in words, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _check(info: os.stat_result, limit: int) -> None:
    kind = _kind(info.st_mode)
    if kind is not None:
        raise UnreadableFileError(f"is {kind}, not a regular file")
    if info.st_size > limit:
        raise UnreadableFileError(
            f"is {info.st_size / MEGABYTE:.1f} MB, larger than the {limit / MEGABYTE:g} MB limit"
        )


def open_regular_file(path: Path, limit: int) -> BinaryIO:
    """Open the regular file ``path``, which must hold at most ``limit`` bytes, for reading in binary.

    Raises:
        UnreadableFileError: as :func:`read_regular_file`.
    """
    try:
        _check(os.stat(path), limit)
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        stream = os.fdopen(handle, "rb")
        try:
            _check(os.fstat(handle), limit)
        except BaseException:
            stream.close()
            raise
    except FileNotFoundError:
        raise UnreadableFileError("no such file") from None
    except OSError as error:
        raise UnreadableFileError(f"cannot read the file: {error.strerror or error}") from None
    return stream


def read_regular_file(path: Path, limit: int) -> bytes:
    """Return the bytes of the regular file ``path``, which must hold at most ``limit`` bytes.

    Raises:
        UnreadableFileError: the file is missing, unreadable, not a regular file (a directory, device, FIFO
            or socket) or larger than ``limit``.
    """
    with open_regular_file(path, limit) as stream:
        try:
            data = stream.read(limit + 1)
        except OSError as error:
            raise UnreadableFileError(f"cannot read the file: {error.strerror or error}") from None
    if len(data) > limit:  # it grew after it was examined
        raise UnreadableFileError(f"is larger than the {limit / MEGABYTE:g} MB limit")
    return data
