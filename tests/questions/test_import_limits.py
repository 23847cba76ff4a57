"""Import reads regular files only, up to 20 MB: devices, FIFOs, sockets and big files are refused at once."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tutor.errors import DeckError, NoteImportError
from tutor.questions.deck import load_deck
from tutor.questions.readers.decode import MAX_NOTE_BYTES
from tutor.questions.readers.detect import read_note_file


def refusal(path: Path) -> str:
    """Return the message of the import's refusal of ``path``, having checked it came at once."""
    started = time.perf_counter()
    with pytest.raises(NoteImportError) as raised:
        read_note_file(path)
    assert time.perf_counter() - started < 1.0  # a FIFO or /dev/zero must not be read, let alone waited on
    return str(raised.value)


@pytest.mark.timeout(20)
def test_a_device_is_refused():
    assert refusal(Path("/dev/zero")) == "/dev/zero: is a device, not a regular file"


@pytest.mark.timeout(20)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "notes.md"
    os.mkfifo(fifo)
    assert refusal(fifo) == f"{fifo}: is a named pipe (FIFO), not a regular file"


@pytest.mark.timeout(20)
def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(path))
        assert refusal(path) == f"{path}: is a socket, not a regular file"


def test_a_file_over_the_limit_is_refused_with_the_limit(tmp_path):
    big = tmp_path / "notes.md"
    with big.open("wb") as stream:
        stream.truncate(MAX_NOTE_BYTES + 1)  # sparse: nothing is written, and nothing may be read
    assert refusal(big) == f"{big}: is 20.0 MB, larger than the 20 MB limit"


def test_a_file_at_the_limit_is_read(tmp_path):
    notes = tmp_path / "notes.md"
    heading = b"## What is pooling?\n\n"
    notes.write_bytes(heading + b"x" * (MAX_NOTE_BYTES - len(heading)))
    assert read_note_file(notes).notes[0].question == "What is pooling?"


@pytest.mark.timeout(20)
def test_a_fifo_in_the_decks_folder_is_refused_with_file_and_line(tmp_path):
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    with pytest.raises(DeckError, match=r"fifo\.yaml:1: is a named pipe \(FIFO\), not a regular file"):
        load_deck(fifo, user=True)


@pytest.mark.timeout(60)
def test_the_command_line_refuses_dev_zero_in_one_line(tmp_path):
    env = {**os.environ, "TUTOR_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "import", "/dev/zero"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "tutor: error: /dev/zero: is a device, not a regular file\n"
    assert not (tmp_path / "home").exists()
