"""The course glossary: each term of the corpus with its synonyms, English names and abbreviations.

It ships with the corpus as one file, ``content/glossary.tsv`` (term, synonyms, English, abbreviations; several
values separated by ``|``). The grader reads every form of a term as the term itself, so 降采样, downsampling and
下采样 make the same point; search expands a query with the other forms of its terms.

English forms and forms that start or end with a Latin letter match whole words only, with the usual endings
(-s, -es, -ed, -ing, -d), so "pool" never matches inside "spool" and "layers" is read as "layer".
"""

import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

from tutor.errors import DeckError
from tutor.questions.text import normalize

GLOSSARY_FILE = "glossary.tsv"
"""The glossary's file name in the packaged corpus (``tutor.content``)."""

_ENDINGS = ("ing", "es", "ed", "s", "d")
_LATIN_EDGE = re.compile(r"[a-z0-9]")


@dataclass(frozen=True)
class Entry:
    """One term of the glossary."""

    term: str
    """The term as the corpus writes it."""
    synonyms: tuple[str, ...] = ()
    """Other Chinese (or mixed) names of the same thing."""
    english: tuple[str, ...] = ()
    """English names."""
    abbreviations: tuple[str, ...] = ()
    """Abbreviations (BP, BN, DDP)."""

    @property
    def forms(self) -> tuple[str, ...]:
        """Every way of writing the term, the term first."""
        return (self.term, *self.synonyms, *self.english, *self.abbreviations)


@dataclass(frozen=True)
class Glossary:
    """The entries of a glossary file, with lookups by any form."""

    entries: tuple[Entry, ...]
    """The entries in file order."""

    @cached_property
    def _by_form(self) -> dict[str, Entry]:
        forms = {normalize(form): entry for entry in self.entries for form in entry.forms}
        # English drops a final e before -ing: "enlarging" is a form of "enlarge".
        for form, entry in list(forms.items()):
            if len(form) >= 4 and form.endswith("e") and form[-2].isalpha():
                forms.setdefault(form[:-1] + "ing", entry)
        return forms

    @cached_property
    def _lengths(self) -> dict[str, tuple[int, ...]]:
        """For each first character, the lengths of the forms starting with it, longest first."""
        lengths: dict[str, set[int]] = {}
        for form in self._by_form:
            lengths.setdefault(form[0], set()).add(len(form))
        return {first: tuple(sorted(sizes, reverse=True)) for first, sizes in lengths.items()}

    def _form_at(self, text: str, start: int) -> tuple[int, Entry] | None:
        """The longest form of a term that starts at ``start`` (a whole word where it is Latin), with its end."""
        sizes = self._lengths.get(text[start])
        if sizes is None:
            return None
        if _LATIN_EDGE.match(text[start]) and start > 0 and _LATIN_EDGE.match(text[start - 1]):
            return None
        for size in sizes:
            form = text[start : start + size]
            entry = self._by_form.get(form)
            if entry is None:
                continue
            end = start + size
            if _LATIN_EDGE.match(form[-1]):
                for ending in ("", *_ENDINGS):
                    if text.startswith(ending, end) and not _LATIN_EDGE.match(text[end + len(ending) : end + len(ending) + 1]):
                        return end + len(ending), entry
                continue
            return end, entry
        return None

    def scan(self, text: str):
        """Yield (start, end, entry) for each form of a term in the normalised ``text``, left to right, longest first."""
        position = 0
        while position < len(text):
            found = self._form_at(text, position)
            if found is None:
                position += 1
                continue
            end, entry = found
            yield position, end, entry
            position = end

    def entry(self, word: str) -> Entry | None:
        """Return the entry one of whose forms is ``word`` (any case, full-width or not), or None."""
        key = normalize(word.strip())
        found = self._by_form.get(key)
        if found is None:
            for ending in _ENDINGS:
                if key.endswith(ending) and key[: -len(ending)] in self._by_form:
                    return self._by_form[key[: -len(ending)]]
        return found

    def canonical(self, text: str) -> str:
        """Return ``text`` normalised (:func:`normalize`) with every form of a term replaced by the term."""
        text = normalize(text)
        pieces, last = [], 0
        for start, end, entry in self.scan(text):
            pieces += [text[last:start], normalize(entry.term)]
            last = end
        pieces.append(text[last:])
        return "".join(pieces)

    def terms_in(self, text: str) -> tuple[Entry, ...]:
        """Return the entries whose forms occur in ``text``, in order of first occurrence."""
        return tuple(dict.fromkeys(entry for _, _, entry in self.scan(normalize(text))))


def expand_query(query: str) -> tuple[str, ...]:
    """Return ``query`` followed by the other forms of each glossary term it contains, for search.

    ``expand_query("降采样")`` gives ``("降采样", "下采样", "downsample", ...)``: a search for any of them can then
    find cards that use another.
    """
    glossary = load_glossary()
    extra = [form for entry in glossary.terms_in(query) for form in entry.forms]
    return tuple(dict.fromkeys([query, *(form for form in extra if normalize(form) not in normalize(query))]))


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def read_glossary(path: Path) -> Glossary:
    """Read a glossary file.

    Raises:
        DeckError: a line is malformed, a term has two lines or a form names two different terms (the message
            starts with file:line).
    """
    entries: list[Entry] = []
    owners: dict[str, tuple[str, int]] = {}
    lines_of: dict[str, int] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    header_seen = False
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if not header_seen:
            header_seen = True
            if columns[0] == "term":
                continue
        if len(columns) > 4 or not columns[0].strip():
            raise DeckError(f"{path}:{number}: a glossary line is: term, synonyms, English, abbreviations (tabs)")
        columns += [""] * (4 - len(columns))
        entry = Entry(columns[0].strip(), _split(columns[1]), _split(columns[2]), _split(columns[3]))
        if entry.term in lines_of:
            raise DeckError(f"{path}:{number}: {entry.term!r} already has a line (line {lines_of[entry.term]})")
        lines_of[entry.term] = number
        for form in entry.forms:
            key = normalize(form)
            if key in owners and owners[key][0] != entry.term:
                term, line_number = owners[key]
                raise DeckError(f"{path}:{number}: {form!r} is already a form of {term!r} (line {line_number})")
            owners[key] = (entry.term, number)
        entries.append(entry)
    return Glossary(tuple(entries))


@cache
def load_glossary() -> Glossary:
    """Return the glossary shipped with the corpus (read once)."""
    return read_glossary(Path(str(resources.files("tutor.content") / GLOSSARY_FILE)))
