"""The Anki plain-text export ("Notes in Plain Text" / "Cards in Plain Text", ``.txt``).

Such a file starts with header lines (``#separator:tab``, ``#html:true``, ``#columns:Front<TAB>Back``,
``#tags:…``, ``#deck:…``, which names the tutor deck, ``#guid column:1``, ``#notetype column:2``,
``#deck column:3``, ``#tags column:6``), as Anki itself writes and reads them; then one note per record,
fields separated by the separator and quoted like CSV when they hold the separator, quotes or line breaks.
The question is the field labelled Front/Question (else the first field that is not a guid, note type,
deck or tags column), the answer the field labelled Back/Answer (else the next one); further fields (Back
Extra and the like) are not imported. HTML fields become Markdown through markdownify: ``<br>`` a line
break (a run of them a paragraph break), ``<b>`` bold, lists, tables, ``<pre>`` code, and ``&nbsp;`` and
every other entity their character. MathJax ``\\(…\\)`` and ``\\[…\\]`` pass through unchanged, and the
terminal renderer reads them as math.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tutor.errors import NoteImportError
from tutor.questions.readers.note import Note, NoteFile
from tutor.questions.readers.simple_html import simple_markdown

SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}
"""Anki's separator names and the characters they stand for."""
HEADER_KEYS = frozenset(
    {"separator", "html", "tags", "columns", "notetype", "deck"}
    | {"notetype column", "deck column", "tags column", "guid column"}
)
"""The keys of ``#key:value`` header lines that Anki writes or reads."""

_QUESTION_LABELS = frozenset({"front", "question", "q", "正面", "问题", "问"})
_ANSWER_LABELS = frozenset({"back", "answer", "a", "背面", "答案", "答"})
_META_COLUMNS = ("guid column", "notetype column", "deck column", "tags column")
# Anki's own order of preference when a file does not name its separator.
_FALLBACK_SEPARATORS = ("\t", "|", ";", ":", ",", " ")
# Only to decide whether a file without '#html:' holds HTML, as Anki does; the conversion is markdownify's.
# [^<>] stops a tag at the next '<', so many unclosed "<a" cost one scan, not one to the end of the text each.
_LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z/!][^<>]*>|&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")


@dataclass(frozen=True)
class AnkiHeader:
    """What the ``#key:value`` lines at the top of an export say."""

    lines: int
    """How many lines the header takes (the records start after them)."""
    separator: str | None = None
    """The field separator, when the header names one."""
    html: bool | None = None
    """Whether the fields are HTML, when the header says."""
    columns: tuple[str, ...] = ()
    """The column labels of ``#columns:``."""
    tags: tuple[str, ...] = ()
    """Tags given to every note (``#tags:``)."""
    deck: str | None = None
    """The Anki deck every note goes to (``#deck:``); it names the tutor deck as a Markdown title does."""
    meta_columns: dict[str, int] = field(default_factory=dict)
    """1-based column of the guid, note type, deck and tags, keyed ``guid column`` etc."""


def header_key(line: str) -> str | None:
    """Return the key of an Anki header line (``#separator:tab`` → ``separator``), or None for other lines."""
    if not line.startswith("#") or ":" not in line:
        return None
    key = line[1:].split(":", 1)[0].strip().lower()
    return key if key in HEADER_KEYS else None


def _separator(value: str) -> str | None:
    name = value.strip().lower()
    if name in SEPARATORS:
        return SEPARATORS[name]
    return value if len(value) == 1 else None


def parse_header(lines: list[str], path: Path) -> AnkiHeader:
    """Read the header lines at the top of an export; Anki's legacy first line ``tags:…`` is one too.

    Raises:
        NoteImportError: a header line has a value Anki would not accept (``file:line``).
    """
    values: dict[str, str] = {}
    count = 0
    for number, line in enumerate(lines, start=1):
        if number == 1 and line.startswith("tags:"):
            values["tags"] = line[len("tags:") :]
        elif line.startswith("#"):
            key = header_key(line)
            if key is not None:
                values[key] = line.split(":", 1)[1]
        else:
            break
        count = number
    separator = None
    if "separator" in values:
        separator = _separator(values["separator"])
        if separator is None:
            raise NoteImportError(
                f"{path}: unknown #separator:{values['separator'].strip()} "
                f"(use one of {', '.join(SEPARATORS)} or a single character)"
            )
    html = None
    if "html" in values:
        flag = values["html"].strip().lower()
        if flag not in ("true", "false"):
            raise NoteImportError(f"{path}: #html: must be true or false, not {flag!r}")
        html = flag == "true"
    meta = {}
    for key in _META_COLUMNS:
        if key in values:
            text = values[key].strip()
            if not text.isdigit() or int(text) < 1:
                raise NoteImportError(f"{path}: #{key}: must be a column number from 1, not {text!r}")
            meta[key] = int(text)
    columns: tuple[str, ...] = ()
    if "columns" in values:
        row = next(csv.reader([values["columns"]], delimiter=separator or "\t"), [])
        columns = tuple(label.strip() for label in row)
    return AnkiHeader(
        lines=count,
        separator=separator,
        html=html,
        columns=columns,
        tags=tuple(values.get("tags", "").split()),
        deck=values.get("deck", "").strip() or None,
        meta_columns=meta,
    )


@lru_cache(maxsize=1)
def _converter():
    from markdownify import MarkdownConverter  # with BeautifulSoup: ~40 ms, only when an export is read

    class AnkiConverter(MarkdownConverter):
        """markdownify with Anki's habit of ``<br>`` for every line break."""

        def convert_br(self, el, text, parent_tags):
            if "_inline" in parent_tags:
                return super().convert_br(el, text, parent_tags)
            before, after = _content_sibling(el, "previous"), _content_sibling(el, "next")
            if after is None or getattr(after, "name", None) == "br":
                return text  # a trailing <br>, or not the last of a run: the run ends with one break
            if before is None:
                return text  # a leading <br> separates nothing
            return ("\n\n" if getattr(before, "name", None) == "br" else "\\\n") + text

    # One converter for every field: building it costs as much as converting a short field.
    return AnkiConverter(
        heading_style="ATX",
        bullets="-",
        newline_style="backslash",
        # Field text is often math or code (x_i, a*b) that escaping would break.
        escape_underscores=False,
        escape_asterisks=False,
    )


def html_to_markdown(html: str) -> str:
    """Return the Markdown of an Anki field's HTML (see the module docstring)."""
    # The common tags by a faster route to the same Markdown; everything else through markdownify.
    markdown = simple_markdown(html)
    if markdown is None:
        markdown = _converter().convert(html)
    markdown = markdown.replace("\xa0", " ")
    return "\n".join(line.rstrip() for line in markdown.split("\n")).strip()


def _content_sibling(element, direction: str):
    """Return the nearest sibling of ``element`` that is a tag or non-blank text, or None."""
    sibling = getattr(element, f"{direction}_sibling")
    while sibling is not None and getattr(sibling, "name", None) is None and not str(sibling).strip():
        sibling = getattr(sibling, f"{direction}_sibling")
    return sibling


def _field_indexes(header: AnkiHeader, width: int) -> tuple[int, int] | None:
    """Return the 0-based question and answer columns of a record with ``width`` fields, or None."""
    meta = set(header.meta_columns.values())
    free = [index for index in range(1, width + 1) if index not in meta]
    labels = {index: label.casefold() for index, label in enumerate(header.columns, start=1) if index in free}
    question = next((index for index, label in labels.items() if label in _QUESTION_LABELS), None)
    answer = next((index for index, label in labels.items() if label in _ANSWER_LABELS), None)
    rest = [index for index in free if index not in (question, answer)]
    question = question or (rest.pop(0) if rest else None)
    answer = answer or (rest.pop(0) if rest else None)
    if question is None or answer is None:
        return None
    return question - 1, answer - 1


def read_anki_text(text: str, path: Path) -> NoteFile:
    """Return the notes of an Anki plain-text export (see the module docstring).

    Raises:
        NoteImportError: a header value is invalid, a record has no answer field, or a field is empty.
    """
    lines = text.split("\n")
    header = parse_header(lines, path)
    body = "\n".join(lines[header.lines :])
    separator = header.separator or next((char for char in _FALLBACK_SEPARATORS if char in body), "\t")
    reader = csv.reader(io.StringIO(body), delimiter=separator, quotechar='"')
    records = []
    previous_line = 0
    try:
        for row in reader:
            start = header.lines + previous_line + 1
            previous_line = reader.line_num
            # Anki reads a record starting with '#' as a comment; blank lines hold no record.
            if row and any(cell.strip() for cell in row) and not row[0].startswith("#"):
                records.append((start, row))
    except csv.Error as error:
        raise NoteImportError(f"{path}:{header.lines + reader.line_num}: not a valid record: {error}") from None
    html = header.html
    if html is None:
        html = any(_LOOKS_LIKE_HTML.search(cell) for _, row in records for cell in row)
    convert = html_to_markdown if html else str.strip
    name = next((key for key, char in SEPARATORS.items() if char == separator), repr(separator))
    tags_column = header.meta_columns.get("tags column")
    notes = []
    for line, row in records:
        indexes = _field_indexes(header, len(row))
        if indexes is None:
            raise NoteImportError(f"{path}:{line}: expected a question and an answer separated by {name}")
        question, answer = (convert(row[index]) for index in indexes)
        if not question:
            raise NoteImportError(f"{path}:{line}: the question field is empty")
        if not answer:
            raise NoteImportError(f"{path}:{line}: the answer field is empty")
        tags = header.tags
        if tags_column is not None and tags_column <= len(row):
            tags += tuple(tag for tag in row[tags_column - 1].split() if tag not in header.tags)
        notes.append(Note(question=question, answer=answer, line=line, tags=tags))
    return NoteFile(path=path, format="anki", title=header.deck, notes=tuple(notes))
