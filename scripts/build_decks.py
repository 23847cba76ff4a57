"""Maintainer script: regenerate content/*.yaml from the seed documents in ../shared/seeds.

    python scripts/build_decks.py [--seeds ../shared/seeds]

Each seed reader in scripts/seeds/ turns one seed document into cards (id, question, answer, source).
The hand-written fields of a card (tags, key_points, demos, errata) are kept from the current deck file
by card id, and the deck's ``corrections`` (typos of the seed, follow-up questions given their subject,
missing figures rephrased) are applied again to the fresh text, so re-generation never loses them; a
correction whose text the seed no longer contains is reported on stderr. The hand-written essay deck (003)
is left as it is.
The package and its tests never run this script: the decks it writes are committed.
"""

import argparse
import importlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from tutor.questions.card import Card, Source  # noqa: E402
from tutor.questions.deck import Deck, dump_deck, load_deck  # noqa: E402
from tutor.questions.markdown import strip_broken_references  # noqa: E402

# seed file -> (reader module in scripts/seeds, deck name, deck title)
SEEDS = {
    "000_d1e2c6fd8dc6d6a6.txt": ("seeds.seed000", "aics-answers", "智能计算系统 · 课后问答"),
    "001_afbe78144d1a8b4d.txt": ("seeds.seed001", "aics-homework", "智能计算系统 · 作业"),
    "002_8cc547d0acedf5d8.txt": ("seeds.seed002", "dl-topics", "深度学习专题"),
    "004_6e228d90eb815cb0.txt": ("seeds.seed004", "dl-interview", "深度学习面试问答"),
}

HAND_FIELDS = ("tags", "key_points", "demos", "errata")


def deck_path(seed_file: str, name: str) -> Path:
    """Return the deck file of a seed: ``content/<seed number>-<deck name>.yaml``, so files sort in corpus order."""
    return ROOT / "content" / f"{seed_file[:3]}-{name}.yaml"


def build_deck(seed: Path, module: str, name: str, title: str) -> Deck:
    """Read one seed with its reader and merge the hand-written fields of the current deck file."""
    reader = importlib.import_module(module)
    target = deck_path(seed.name, name)
    existing = load_deck(target) if target.exists() else None
    current = {card.id: card for card in existing.cards} if existing else {}
    corrections = existing.corrections if existing else ()
    cards = []
    for raw in reader.read(seed):
        old = current.get(raw["id"])
        card = Card(
            id=raw["id"],
            deck=name,
            question=raw["question"].strip(),
            answer=strip_broken_references(raw["answer"]).strip() + "\n",
            source=Source(file=seed.name, line=raw["line"]),
            **{field: getattr(old, field) for field in HAND_FIELDS if old is not None},
        )
        for correction in corrections:
            if correction.card == card.id:
                if correction.old not in getattr(card, correction.field):
                    print(f"{target.name}: {card.id}: the seed no longer has {correction.old!r}", file=sys.stderr)
                card = correction.apply(card)
        cards.append(card)
    ids = {card.id for card in cards}
    for correction in corrections:
        if correction.card not in ids:
            print(f"{target.name}: {correction.card}: no such card any more; its correction is dropped", file=sys.stderr)
    kept = tuple(correction for correction in corrections if correction.card in ids)
    return Deck(name=name, title=title, cards=tuple(cards), corrections=kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("only", nargs="*", help="seed file names to rebuild (default: all)")
    args = parser.parse_args()
    for file, (module, name, title) in SEEDS.items():
        if args.only and file not in args.only:
            continue
        deck = build_deck(args.seeds / file, module, name, title)
        deck_path(file, name).write_text(dump_deck(deck), encoding="utf-8")
        print(f"{name}: {len(deck.cards)} cards")


if __name__ == "__main__":
    main()
