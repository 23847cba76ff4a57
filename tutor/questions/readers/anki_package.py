"""Anki packages (``.apkg``, ``.colpkg``): the cards as Anki shows them, their decks, tags, images and reviews.

A package is a zip holding an SQLite collection and numbered media files. Which collection depends on the Anki
that wrote it, and this reader takes each kind:

- current Anki: ``collection.anki21b``, zstd-compressed, with a protobuf ``meta`` (``PackageMetadata``: field 1
  is the version, 3 for this layout) and a zstd-compressed protobuf ``media`` map (``MediaEntries``: field 1
  repeats ``MediaEntry`` {1 name, 2 size, 3 sha1, 255 zip member}); each media file is zstd-compressed too.
  Beside it sits a ``collection.anki2`` that only says "please update Anki", which is not read.
- older Anki and "support older versions" exports: ``collection.anki21`` (or ``collection.anki2`` from Anki
  2.0 and genanki), plain SQLite, with a JSON ``media`` map ``{"0": "name.png"}``.

The collection's schema is 11 (note types and decks as JSON in the ``col`` table) or 14 to 18 (tables
``notetypes``, ``fields``, ``templates`` and ``decks``, their settings in protobuf blobs). The few protobuf
fields needed are read with a varint reader here; neither Anki's library nor protobuf is needed.

One card here is one card in Anki's ``cards`` table, with both sides rendered from its note type's templates
(:mod:`~tutor.questions.readers.anki_templates`) and turned into Markdown: ``[sound:…]`` dropped, each image a
placeholder ``〔图片：name〕`` (the image itself is in :attr:`AnkiPackage.media`), MathJax ``\\(…\\)`` and
``\\[…\\]`` written as the corpus writes math, ``$…$`` and ``$$…$$``. Review rows that are not answers (manual
reschedules, rows with ease 0, cramming that did not reschedule) are left out, as FSRS's optimizer leaves them.

This module reads another program's SQLite file, in memory, read-only in effect; it is not tutor's store.
"""

import html
import json
import re
import sqlite3
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path

from tutor.errors import NoteImportError
from tutor.questions.files import UnreadableFileError, open_regular_file
from tutor.questions.readers.anki_templates import CardContext, render_side

MAX_PACKAGE_BYTES = 4 << 30
"""The largest package read (4 GiB): shared decks with their images and sounds run to hundreds of MB."""
MAX_COLLECTION_BYTES = 1 << 30
"""The largest collection read (1 GiB uncompressed): a 100,000-card collection with its history is ~100 MB."""
MAX_MEDIA_BYTES = 32 << 20
"""The largest image kept (32 MiB); a larger one keeps its placeholder only."""
KNOWN_SCHEMAS = (11, 14, 15, 16, 17, 18)
"""Collection schema versions this reader understands (``col.ver``)."""

_COLLECTIONS = {3: "collection.anki21b", 2: "collection.anki21", 1: "collection.anki2"}
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Bounded by the next bracket: linear on text full of unclosed "[sound:" or "<img".
_SOUND = re.compile(r"\[sound:[^\[\]]*\]")
_IMG = re.compile(r"<img\b[^<>]*>", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_SEPARATOR = "\x1f"


class ReviewKind(IntEnum):
    """Anki's ``revlog.type``."""

    LEARN = 0
    REVIEW = 1
    RELEARN = 2
    FILTERED = 3
    MANUAL = 4
    RESCHEDULED = 5


@dataclass(frozen=True)
class AnkiCard:
    """One card as Anki shows it."""

    card_id: int
    """Anki's card id (unique within the collection)."""
    note_guid: str
    """The note's guid: stable across exports and collections."""
    ordinal: int
    """The card's template index (0 front → back, 1 back → front …), or its cloze number minus one."""
    deck: str
    """The Anki deck, with its hierarchy (``智能计算系统::复习``)."""
    note_type: str
    """The note type's name (``Basic``, ``Cloze`` …)."""
    question: str
    """The question side in Markdown."""
    answer: str
    """The answer side in Markdown (without the question, as Anki shows it below the line)."""
    tags: tuple[str, ...]
    """The note's tags."""
    images: tuple[str, ...] = ()
    """File names of the images the card shows."""


@dataclass(frozen=True)
class AnkiReview:
    """One answer from Anki's review log."""

    card_id: int
    """Anki's card id."""
    reviewed_at: datetime
    """When the card was answered (UTC)."""
    rating: int
    """1 again, 2 hard, 3 good, 4 easy."""
    duration_ms: int
    """How long the answer took."""
    kind: ReviewKind
    """Learning, review, relearning or a filtered deck's review."""


@dataclass(frozen=True)
class AnkiPackage:
    """What a package holds."""

    path: Path
    """The package file."""
    collection: str
    """The collection read: ``collection.anki21b``, ``collection.anki21`` or ``collection.anki2``."""
    schema: int
    """The collection's schema version."""
    decks: tuple[str, ...]
    """Names of the decks that hold the cards, sorted."""
    cards: tuple[AnkiCard, ...]
    """Every card with a question, in note then ordinal order."""
    reviews: tuple[AnkiReview, ...]
    """The answers to those cards, oldest first."""
    skipped_rows: int
    """Review-log rows of those cards that are not answers."""
    media: dict[str, bytes]
    """The images the cards show, by file name."""


def _refuse(path: Path, what: str) -> NoteImportError:
    return NoteImportError(f"{path}: {what}; nothing imported")


def _varint(data: bytes, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, position
        shift += 7


def protobuf_fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """Return the (field number, value) pairs of a protobuf message: ints for varints, bytes otherwise.

    Raises:
        ValueError: the bytes are not a protobuf message.
    """
    fields: list[tuple[int, int | bytes]] = []
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, position = _varint(data, position)
            fields.append((number, value))
        elif wire == 2:
            size, position = _varint(data, position)
            if position + size > len(data):
                raise ValueError("truncated field")
            fields.append((number, data[position : position + size]))
            position += size
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            fields.append((number, data[position : position + width]))
            position += width
        else:
            raise ValueError(f"unsupported wire type {wire}")
    return fields


def _first(fields: list[tuple[int, int | bytes]], number: int, default):
    return next((value for field_number, value in fields if field_number == number), default)


def _zstd_decompress(data: bytes, limit: int) -> bytes:
    """Return zstd-compressed ``data`` decompressed.

    Raises:
        OverflowError: it would be more than ``limit`` bytes (a compression bomb stops there).
        ValueError: the data is not valid zstd.
    """
    import zstandard  # only packages from current Anki need it

    chunks, size = [], 0
    try:
        with zstandard.ZstdDecompressor().stream_reader(data) as reader:
            while chunk := reader.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise OverflowError(limit)
                chunks.append(chunk)
    except zstandard.ZstdError as error:
        raise ValueError(f"zstd: {error}") from None
    return b"".join(chunks)


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """Return a zip member's bytes, reading at most ``limit`` (the size in the zip's header may lie)."""
    with archive.open(name) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise OverflowError(limit)
    return data


def _open_collection(path: Path, archive: zipfile.ZipFile) -> tuple[str, sqlite3.Connection]:
    """Choose the package's collection, decompress it and open it in memory."""
    names = set(archive.namelist())
    version = None
    if "meta" in names:
        try:
            version = _first(protobuf_fields(_read_member(archive, "meta", 1 << 16)), 1, 0)
        except (ValueError, OverflowError):
            raise _refuse(path, "the package's meta entry is damaged") from None
        if version not in _COLLECTIONS:
            raise _refuse(path, f"unknown Anki package version {version} (made by a newer Anki?)")
    member = _COLLECTIONS.get(version) if version else next((m for m in _COLLECTIONS.values() if m in names), None)
    if member is None or member not in names:
        raise _refuse(path, "a zip without an Anki collection (no collection.anki21b, .anki21 or .anki2)")
    try:
        data = _read_member(archive, member, MAX_COLLECTION_BYTES)
        if member.endswith("b") or data.startswith(_ZSTD_MAGIC):
            data = _zstd_decompress(data, MAX_COLLECTION_BYTES)
    except OverflowError:
        raise _refuse(path, f"{member} is larger than {MAX_COLLECTION_BYTES >> 20} MiB") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise _refuse(path, f"{member} is corrupt (cannot decompress: {error})") from None
    if not data.startswith(_SQLITE_MAGIC):
        raise _refuse(path, f"{member} is corrupt (not an SQLite database)")
    if data[18:20] == b"\x02\x02":
        # A WAL-mode file (Anki writes them) cannot be read from memory: mark it rollback-journal, as its
        # content is complete without a -wal file (an export has none).
        data = data[:18] + b"\x01\x01" + data[20:]
    db = sqlite3.connect(":memory:")
    # Anki's indexes on deck and note type names use its own collation; SQLite needs it to read them.
    db.create_collation("unicase", unicase)
    try:
        db.deserialize(data)
        db.execute("PRAGMA query_only = 1")
    except sqlite3.Error:
        db.close()
        raise _refuse(path, f"{member} is a corrupt SQLite database") from None
    return member, db


def unicase(left: str, right: str) -> int:
    """Anki's ``unicase`` collation: compare case-insensitively."""
    left, right = left.casefold(), right.casefold()
    return (left > right) - (left < right)


@dataclass(frozen=True)
class _NoteType:
    name: str
    cloze: bool
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str, str], ...]
    """(name, question format, answer format) by ordinal."""


def _note_types_json(db: sqlite3.Connection) -> dict[int, _NoteType]:
    models = json.loads(db.execute("SELECT models FROM col").fetchone()[0] or "{}")
    types = {}
    for key, model in models.items():
        fields = sorted(model.get("flds", []), key=lambda item: item.get("ord", 0))
        templates = sorted(model.get("tmpls", []), key=lambda item: item.get("ord", 0))
        types[int(key)] = _NoteType(
            name=str(model.get("name", "")),
            cloze=model.get("type") == 1,
            fields=tuple(str(item.get("name", "")) for item in fields),
            templates=tuple(
                (str(item.get("name", "")), str(item.get("qfmt", "")), str(item.get("afmt", ""))) for item in templates
            ),
        )
    return types


def _note_types_tables(db: sqlite3.Connection) -> dict[int, _NoteType]:
    fields: dict[int, list[str]] = {}
    for ntid, name in db.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(name)
    templates: dict[int, list[tuple[str, str, str]]] = {}
    for ntid, name, config in db.execute("SELECT ntid, name, config FROM templates ORDER BY ntid, ord"):
        parsed = protobuf_fields(config or b"")
        qfmt, afmt = (_first(parsed, number, b"") for number in (1, 2))
        templates.setdefault(ntid, []).append((name, qfmt.decode("utf-8", "replace"), afmt.decode("utf-8", "replace")))
    types = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        kind = _first(protobuf_fields(config or b""), 1, 0)  # NotetypeConfig.kind: 0 normal, 1 cloze
        types[ntid] = _NoteType(name, kind == 1, tuple(fields.get(ntid, ())), tuple(templates.get(ntid, ())))
    return types


def _decks(db: sqlite3.Connection, schema: int) -> dict[int, str]:
    if schema == 11:
        decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0] or "{}")
        return {int(key): str(deck.get("name", "")) for key, deck in decks.items()}
    return {deck_id: name.replace(_SEPARATOR, "::") for deck_id, name in db.execute("SELECT id, name FROM decks")}


def _media_map(path: Path, archive: zipfile.ZipFile, names: set[str]) -> dict[str, tuple[str, bool]]:
    """Return, for each media file name, its zip member and whether it is zstd-compressed."""
    if "media" not in names:
        return {}
    try:
        data = _read_member(archive, "media", 64 << 20)
        if data.startswith(_ZSTD_MAGIC):
            entries = protobuf_fields(_zstd_decompress(data, 256 << 20))
            found = {}
            for index, (_, entry) in enumerate(item for item in entries if item[0] == 1):
                fields = protobuf_fields(entry)
                name = _first(fields, 1, b"").decode("utf-8", "replace")
                member = str(_first(fields, 255, index))
                found[name] = (member, True)
            return found
        mapping = json.loads(data.decode("utf-8") or "{}")
        return {str(name): (str(member), False) for member, name in mapping.items()}
    except (ValueError, OverflowError, UnicodeDecodeError, AttributeError):
        raise _refuse(path, "the package's media map is damaged") from None


def _image_names(side: str) -> list[str]:
    names = []
    for tag in _IMG.findall(side):
        src = _SRC.search(tag)
        if src:
            names.append(html.unescape(next(group for group in src.groups() if group is not None)))
    return names


def _image_placeholder(match: re.Match) -> str:
    src = _SRC.search(match.group(0))
    if src is None:
        return ""
    name = html.unescape(next(group for group in src.groups() if group is not None))
    return f"〔图片：{html.escape(Path(name).name)}〕"


def mathjax_to_dollars(text: str) -> str:
    """Return ``text`` with MathJax ``\\(…\\)`` as ``$…$`` and ``\\[…\\]`` as ``$$…$$``, the corpus's math.

    A single scan, not a regular expression: linear however many delimiters are left open.
    """
    parts = []
    position = 0
    found = {"(": text.find("\\("), "[": text.find("\\[")}
    while True:
        for kind in ("(", "["):
            if 0 <= found[kind] < position:
                found[kind] = text.find("\\" + kind, position)
        starts = [index for index in found.values() if index >= 0]
        if not starts:
            break
        start = min(starts)
        display = text[start + 1] == "["
        end = text.find("\\]" if display else "\\)", start + 2)
        if end < 0:
            break
        inner = text[start + 2 : end]
        parts += [text[position:start], f"$${inner.strip()}$$" if display else f"${inner}$"]
        position = end + 2
    parts.append(text[position:])
    return "".join(parts)


_MARKDOWN_CACHE: dict[str, str] = {}


def side_markdown(side: str) -> str:
    """Return one rendered side's HTML as Markdown: sounds dropped, images as placeholders."""
    # Stripped: the white space around a side never shows, and equal sides then share one conversion.
    side = _IMG.sub(_image_placeholder, _SOUND.sub("", side)).strip()
    cached = _MARKDOWN_CACHE.get(side)
    if cached is not None:
        return cached
    if "<" not in side and "&" not in side:
        # Plain text: what markdownify would return (white space collapsed as HTML does), ~100x faster.
        markdown = " ".join(side.split())
    else:
        from tutor.questions.readers.anki_text import html_to_markdown

        markdown = html_to_markdown(side)
    markdown = mathjax_to_dollars(markdown)
    if len(_MARKDOWN_CACHE) > 100_000:
        _MARKDOWN_CACHE.clear()
    _MARKDOWN_CACHE[side] = markdown
    return markdown


def _cards(db: sqlite3.Connection, schema: int) -> list[AnkiCard]:
    types = _note_types_json(db) if schema == 11 else _note_types_tables(db)
    decks = _decks(db, schema)
    cards = []
    rows = db.execute(
        "SELECT cards.id, cards.ord, cards.did, cards.odid, notes.guid, notes.mid, notes.tags, notes.flds "
        "FROM cards JOIN notes ON notes.id = cards.nid ORDER BY notes.id, cards.ord"
    )
    for card_id, ordinal, deck_id, original_deck, guid, model_id, tags, fields in rows:
        note_type = types.get(model_id)
        if note_type is None or not note_type.templates:
            continue
        values = fields.split(_SEPARATOR)
        names = note_type.fields
        field_map = {name: values[index] if index < len(values) else "" for index, name in enumerate(names)}
        # A cloze note has one template; its cards' ordinals are cloze numbers minus one.
        template = note_type.templates[0 if note_type.cloze else min(ordinal, len(note_type.templates) - 1)]
        # A card in a filtered deck belongs to its home deck.
        deck = decks.get(original_deck or deck_id, "Default")
        context = CardContext(
            fields=field_map,
            ordinal=ordinal,
            tags=tags.strip(),
            deck=deck,
            note_type=note_type.name,
            template=template[0],
        )
        question_html = render_side(template[1], context, answer=False)
        answer_html = render_side(template[2], context, answer=True)
        question, answer = side_markdown(question_html), side_markdown(answer_html)
        if not question:
            continue  # Anki would not show this card either (its question is empty)
        cards.append(
            AnkiCard(
                card_id=card_id,
                note_guid=guid,
                ordinal=ordinal,
                deck=deck,
                note_type=note_type.name,
                question=question,
                answer=answer,
                tags=tuple(tags.split()),
                images=tuple(dict.fromkeys(_image_names(question_html) + _image_names(answer_html))),
            )
        )
    return cards


def is_answer(ease: int, kind: int, factor: int) -> bool:
    """Whether a revlog row is an answer FSRS learns from (not a reschedule, a reset, or a cram that kept
    the schedule)."""
    if not 1 <= ease <= 4 or kind in (ReviewKind.MANUAL, ReviewKind.RESCHEDULED):
        return False
    return not (kind == ReviewKind.FILTERED and factor == 0)


def _reviews(db: sqlite3.Connection, card_ids: set[int]) -> tuple[list[AnkiReview], int]:
    reviews, skipped = [], 0
    kinds = {kind.value: kind for kind in ReviewKind}
    for row_id, card_id, ease, duration, kind, factor in db.execute(
        "SELECT id, cid, ease, time, type, factor FROM revlog ORDER BY id"
    ):
        if card_id not in card_ids:
            continue
        known = kinds.get(kind)
        if known is None or not is_answer(ease, kind, factor):
            skipped += 1
            continue
        reviews.append(
            AnkiReview(
                card_id=card_id,
                reviewed_at=datetime.fromtimestamp(row_id / 1000, UTC),
                rating=ease,
                duration_ms=max(0, int(duration or 0)),
                kind=known,
            )
        )
    return reviews, skipped


def _media(path: Path, archive: zipfile.ZipFile, cards: list[AnkiCard]) -> dict[str, bytes]:
    wanted = {name for card in cards for name in card.images}
    if not wanted:
        return {}
    mapping = _media_map(path, archive, set(archive.namelist()))
    media = {}
    for name in sorted(wanted):
        if name not in mapping or mapping[name][0] not in archive.NameToInfo:
            continue  # the package does not ship it: the placeholder stays
        member, compressed = mapping[name]
        try:
            data = _read_member(archive, member, MAX_MEDIA_BYTES)
            media[name] = _zstd_decompress(data, MAX_MEDIA_BYTES) if compressed else data
        except OverflowError:
            continue  # too large to keep: the placeholder stays
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise _refuse(path, f"media file {member} is corrupt") from None
    return media


def read_anki_package(path: Path) -> AnkiPackage:
    """Read an ``.apkg`` or ``.colpkg`` file (see the module docstring).

    Raises:
        NoteImportError: one line saying which: the file is missing or not a zip, holds no collection, or its
            collection is of an unknown schema, corrupt, or too large.
    """
    try:
        stream = open_regular_file(path, MAX_PACKAGE_BYTES)
    except UnreadableFileError as error:
        raise _refuse(path, str(error)) from None
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError):
        stream.close()
        raise _refuse(path, "not an Anki package (not a zip file)") from None
    with stream, archive:
        member, db = _open_collection(path, archive)
        try:
            try:
                schema = int(db.execute("SELECT ver FROM col").fetchone()[0])
            except (sqlite3.Error, TypeError):
                raise _refuse(path, f"{member} is corrupt or not an Anki collection") from None
            if schema not in KNOWN_SCHEMAS:
                raise _refuse(
                    path, f"unknown Anki collection schema {schema} (tutor reads schemas 11 and 14 to 18)"
                )
            try:
                cards = _cards(db, schema)
                reviews, skipped = _reviews(db, {card.card_id for card in cards})
                decks = tuple(sorted({card.deck for card in cards}))
            except sqlite3.Error as error:
                raise _refuse(path, f"{member} is corrupt ({error})") from None
            except (ValueError, KeyError, AttributeError, TypeError) as error:
                raise _refuse(path, f"{member} is not a valid Anki collection ({error})") from None
        finally:
            db.close()
        media = _media(path, archive, cards)
    return AnkiPackage(
        path=path,
        collection=member,
        schema=schema,
        decks=decks,
        cards=tuple(cards),
        reviews=tuple(reviews),
        skipped_rows=skipped,
        media=media,
    )

