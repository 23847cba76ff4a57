"""Reading a note file as text: UTF-8 (with or without a byte-order mark) or UTF-16 with one; nothing else.

Each refusal is one line naming the file, so the learner knows which of several files to fix and how.
"""

import codecs
from pathlib import Path

from tutor.errors import NoteImportError
from tutor.questions.files import MEGABYTE, UnreadableFileError, read_regular_file

MAX_NOTE_BYTES = 20 * MEGABYTE
"""The largest note file imported: a whole textbook of notes is a few MB; more is a mistake or an attack."""

# Longest mark first: the UTF-32 LE mark starts with the UTF-16 LE one, and UTF-32 is refused below.
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, None),
    (codecs.BOM_UTF32_BE, None),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_note_bytes(data: bytes, path: Path) -> str:
    """Return the text of a note file's bytes, with ``\\n`` line ends and no byte-order mark.

    Raises:
        NoteImportError: the bytes are empty, binary, or not UTF-8 (nor UTF-16 with a byte-order mark).
    """
    encoding = "utf-8"
    for mark, marked_encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            if marked_encoding is None:
                raise NoteImportError(f"{path}: UTF-32 text is not supported; save the file as UTF-8")
            encoding, data = marked_encoding, data[len(mark) :]
            break
    if encoding == "utf-8" and b"\x00" in data:
        # A NUL byte never occurs in UTF-8 text; it marks images, archives, .apkg/.docx files and the like.
        raise NoteImportError(f"{path}: not a text file (binary data); give Markdown, Q/A text or an Anki text export")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1].hex()
        raise NoteImportError(
            f"{path}: not {encoding.upper()} text (byte 0x{bad} at offset {error.start}); "
            "save the file as UTF-8 (e.g. `iconv -f GBK -t UTF-8`)"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise NoteImportError(f"{path}: the file is empty")
    return text


def read_note_text(path: Path) -> str:
    """Read a note file from disk and return its text (see :func:`decode_note_bytes`).

    Raises:
        NoteImportError: the file is missing, unreadable, not a regular file (a directory, device, FIFO or
            socket), larger than :data:`MAX_NOTE_BYTES`, empty, binary or wrongly encoded.
    """
    try:
        data = read_regular_file(path, MAX_NOTE_BYTES)
    except UnreadableFileError as error:
        raise NoteImportError(f"{path}: {error}") from None
    return decode_note_bytes(data, path)
