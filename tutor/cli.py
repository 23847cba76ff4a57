"""The ``tutor`` command: argument parsing, ``--json`` output and exit codes, thin over the packages.

Everything heavy is imported inside the command that needs it, so ``tutor --help``, ``list``, ``show`` and
``search`` never load torch, numpy or textual.
"""

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tutor.errors import INTERRUPTED, BadInputError, DemoParameterError, ExitCode, TutorError, was_interrupted
from tutor.questions.terminal_text import terminal_text
from tutor.vocabulary import Rating

class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise BadInputError(f"{message} (see `{self.prog} --help`)")


def _positive_int(text: str) -> int:
    """An argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes an integer, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _rating(text: str) -> Rating:
    """An argparse type: a rating by number (1-4) or by name."""
    try:
        return Rating.parse(text)
    except BadInputError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _common(json_output: bool) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the learner's data directory (ignored when $TUTOR_HOME is set)",
    )
    if json_output:
        parent.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON for scripts")
    return parent


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the whole command line."""
    data = _common(json_output=False)
    data_json = _common(json_output=True)
    parser = _Parser(
        prog="tutor",
        description="Spaced-repetition reviews, exam drills and live demos for deep learning and AI systems.",
        epilog="With no command, tutor opens the interactive app. "
        "The data directory is $TUTOR_HOME, else --data-dir, else the platform's user data directory; "
        "$TUTOR_NOW (ISO-8601) fixes the clock.",
        parents=[data],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    review = commands.add_parser("review", parents=[data], help="open the app on the review of due cards")
    review.add_argument("--deck", action="append", help="only this deck (repeatable)")

    drill = commands.add_parser("drill", parents=[data], help="open the app on an exam drill")
    drill.add_argument("--deck", action="append", help="only this deck (repeatable)")
    drill.add_argument("--tag", action="append", help="only cards with this tag (repeatable)")
    drill.add_argument("--count", type=int, default=20, help="number of questions (default 20)")
    drill.add_argument("--minutes", type=float, help="time limit in minutes")
    drill.add_argument("--exam", metavar="NAME", help="the exam's cards weakest on its day (see tutor exam)")

    decks = commands.add_parser("decks", parents=[data_json], help="list the decks")
    decks.add_argument("--delete", metavar="NAME", help="delete one of your imported decks (keeps its reviews)")
    decks.add_argument("--yes", action="store_true", help="do not ask for confirmation when deleting")

    listing = commands.add_parser("list", parents=[data_json], help="list cards")
    listing.add_argument("--deck", action="append", help="only this deck (repeatable)")
    listing.add_argument("--tag", action="append", help="only cards with this tag (repeatable)")

    show = commands.add_parser("show", parents=[data_json], help="show one card with its answer")
    show.add_argument("id", help="card id, as in `tutor list`")

    grade = commands.add_parser(
        "grade", parents=[data_json], help="grade a typed answer to one card, as the drill does, with its reasons"
    )
    grade.add_argument("id", help="card id, as in `tutor list`")
    grade.add_argument("--answer", metavar="TEXT", help="the answer (default: read from stdin)")

    search = commands.add_parser("search", parents=[data_json], help="search questions and answers")
    search.add_argument("query", nargs="+", help="words to find (Chinese or English)")
    search.add_argument("--limit", type=_positive_int, default=20, help="most results shown (default 20)")

    importing = commands.add_parser("import", parents=[data_json], help="import your notes as a deck")
    importing.add_argument(
        "paths", nargs="+", metavar="PATH", help="Markdown, Q/A text, an Anki text export or package (.apkg, .colpkg)"
    )
    importing.add_argument("--deck", help="deck name (default: from the title or file name)")

    export = commands.add_parser(
        "export", parents=[data_json], help="write a deck as Markdown notes (.md) or an Anki package (.apkg)"
    )
    export.add_argument(
        "path", metavar="FILE", help="FILE.md: Markdown that `tutor import` reads back; FILE.apkg: an Anki package"
    )
    export.add_argument("--deck", required=True, help="the deck to export")
    export.add_argument("--with-history", action="store_true", help="also write your reviews as Anki's review log")
    export.add_argument("--force", action="store_true", help="replace FILE.md when it exists")

    due = commands.add_parser("due", parents=[data_json], help="the review queue in order")
    due.add_argument("--deck", action="append", help="only this deck (repeatable)")

    rate = commands.add_parser("rate", parents=[data_json], help="record a review of one card now")
    rate.add_argument("id", help="card id")
    rate.add_argument("rating", type=_rating, help="1-4, or again, hard, good or easy")

    commands.add_parser("stats", parents=[data_json], help="reviews, retention and due forecast")
    commands.add_parser("optimize", parents=[data_json], help="fit your own FSRS parameters from your reviews")

    demo = commands.add_parser(
        "demo",
        parents=[data_json],
        help="list the live demos, or run one: tutor demo NAME [--param value ...]",
        epilog="`tutor demo NAME --help` lists the parameters of one demo.",
    )
    demo.add_argument("name", nargs="?", help="demo to run (omit to list them)")
    demo.add_argument("params", nargs=argparse.REMAINDER, help="the demo's parameters, e.g. --world-size 3")
    _exam_parsers(commands, data_json)
    _config_parser(commands, data_json)
    return parser


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def _console():
    from rich.console import Console  # rich costs ~30 ms: only for human output

    from tutor.questions import cjk_wrap

    cjk_wrap.install()
    return Console()


def _data_dir(args: argparse.Namespace) -> Path:
    from tutor.locations import data_dir

    # Not created here: opening the store creates it, so a refused command leaves no trace.
    return data_dir(getattr(args, "data_dir", None), create=False)


def _collection(args: argparse.Namespace):
    """Open the learner's collection (a context manager): every command reads only what it needs from it."""
    from tutor.engine.collection import open_collection

    return open_collection(_data_dir(args))


_RIGHT = {"justify": "right"}
"""Column options of a column of counts."""


def _table(title: str, columns: dict[str, dict[str, Any]], rows: Iterable[Sequence[Any]], **options: Any):
    """Return a Rich table titled ``title``: ``columns`` maps each header to its ``add_column`` options.

    ``options`` go to the table itself (``caption``, ``show_header``). The title and every text cell are
    drawn as plain text (see :func:`_plain`), since they hold card text, deck titles, tags and file names.
    """
    from rich.table import Table

    table = Table(title=_plain(title), **options)
    for header, column_options in columns.items():
        table.add_column(header, **column_options)
    for row in rows:
        table.add_row(*(_plain(cell) if isinstance(cell, str) else cell for cell in row))
    return table


def _plain(text: str):
    """Return untrusted ``text`` as a Rich Text: control characters removed, and no ``[markup]`` read in it."""
    from rich.text import Text

    return Text(terminal_text(text))


def _card_table(cards, title: str):
    columns = {
        "id": {"style": "cyan", "no_wrap": True},
        "deck": {"style": "magenta", "no_wrap": True},
        "question · tags": {},
    }
    return _table(title, columns, ((card.id, card.deck, _question_and_tags(card)) for card in cards), expand=True)


def _question_and_tags(card):
    """The question, and under it the tags, dim: a column of their own would cut them at 80 columns, and they
    are typed after --tag."""
    from tutor.questions.render import plain_line

    cell = _plain(plain_line(card.question))
    if card.tags:
        tags = _plain(" ".join(f"#{tag}" for tag in card.tags))
        tags.stylize("dim")
        cell.append("\n")
        cell.append_text(tags)
    return cell


def _cmd_decks(args: argparse.Namespace) -> int:
    if args.delete:
        return _delete_deck(args)
    with _collection(args) as collection:
        decks = collection.decks
    if getattr(args, "json", False):
        _print_json([deck.to_dict() for deck in decks])
        return ExitCode.OK
    columns = {"name": {}, "title": {}, "cards": _RIGHT, "owner": {}}
    rows = ((deck.name, deck.title, str(deck.card_count), "yours" if deck.user else "corpus") for deck in decks)
    _console().print(_table("decks", columns, rows))
    return ExitCode.OK


def _delete_deck(args: argparse.Namespace) -> int:
    from tutor.engine.importing import delete_deck

    name = args.delete
    with _collection(args) as collection:
        deck = collection.deck(name)
    if not deck.user:
        raise BadInputError(f"{name!r} is a packaged deck; only your imported decks can be deleted")
    if not args.yes:
        if not sys.stdin.isatty():
            raise BadInputError(f"deleting deck {name!r} needs confirmation: add --yes (stdin is not a terminal)")
        # The prompt goes to stderr so that stdout stays data, even with --json.
        question = f"Delete your deck {name!r} ({deck.card_count} cards)? Its review history is kept. [y/N] "
        sys.stderr.write(terminal_text(question))
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            sys.stderr.write(terminal_text(f"deck {name!r} kept") + "\n")
            return ExitCode.OK
    cards = delete_deck(name, data_dir=_data_dir(args))
    if getattr(args, "json", False):
        _print_json({"deleted": name, "cards": cards})
    else:
        _console().print(_plain(f"deleted deck {name} ({cards} cards); its review history is kept"))
    return ExitCode.OK


def _cmd_list(args: argparse.Namespace) -> int:
    with _collection(args) as collection:
        cards = collection.select(decks=args.deck, tags=args.tag)
    if getattr(args, "json", False):
        _print_json([card.to_dict() for card in cards])
        return ExitCode.OK
    _console().print(_card_table(cards, title=f"{len(cards)} cards"))
    return ExitCode.OK


def _cmd_show(args: argparse.Namespace) -> int:
    with _collection(args) as collection:
        card = collection.card(args.id)
    if getattr(args, "json", False):
        _print_json(card.to_dict())
        return ExitCode.OK
    from tutor.questions.render import card_renderable

    _console().print(card_renderable(card))
    return ExitCode.OK


def _cmd_grade(args: argparse.Namespace) -> int:
    with _collection(args) as collection:
        card = collection.card(args.id)
    answer = args.answer
    if answer is None:
        if sys.stdin.isatty():
            raise BadInputError("give the answer with --answer TEXT or on stdin (echo ANSWER | tutor grade ID)")
        answer = sys.stdin.read()
    if not answer.strip():
        raise BadInputError("the answer is empty: nothing to grade")
    from tutor.engine.grading import grade_answer  # the grader reads the glossary: only when grading

    grade = grade_answer(card, answer)
    if getattr(args, "json", False):
        _print_json(grade.to_dict())
        return ExitCode.OK
    columns = {"": {"no_wrap": True}, "key point": {}, "your words / why missed": {}}
    rows = []
    for result in grade.points:
        if result.made:
            rows.append(("✓", result.label, result.evidence))
        else:
            why = result.reason or ""
            if result.reason == "negated" and result.evidence:
                why += f": {result.evidence}"
            elif result.detail:
                why += f": {result.detail}"
                if result.evidence and result.reason != "missing":
                    why += f" ({result.evidence})"
            if result.earned < 0:
                why += f" [{result.earned:+g} point: a wrong claim]"
            rows.append(("✗", result.label, why))
    for index, number in enumerate(grade.misstated):
        cost = f" [{grade.misstated_cost:+g} point: a wrong number]" if index == 0 else ""
        rows.append(("✗", "a number", f"{number.explanation} ({number.evidence}){cost}"))
    title = f"{card.id}: score {100 * grade.score:.0f}% → {grade.rating}"
    _console().print(_table(title, columns, rows))
    return ExitCode.OK


def _cmd_search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    with _collection(args) as collection:
        hits = collection.search(query, limit=args.limit)
        if not hits and not getattr(args, "json", False):
            from tutor.questions.suggest import suggest

            # Only when nothing matched: the vocabulary reads the whole search index.
            nearest = suggest(query, collection.vocabulary())
    if getattr(args, "json", False):
        _print_json([hit.card.to_dict() for hit in hits])
        return ExitCode.OK
    if not hits:
        _console().print(_plain("no card matches" + (" · 你是不是要找：" + "、".join(nearest) if nearest else "")))
        return ExitCode.OK
    _console().print(_card_table([hit.card for hit in hits], title=f"{len(hits)} cards, best first"))
    return ExitCode.OK


def _cmd_import(args: argparse.Namespace) -> int:
    from tutor.engine.importing import import_notes
    from tutor.questions.anki_decks import is_anki_package

    paths = [Path(path) for path in args.paths]
    data_dir = _data_dir(args)
    packages = [path for path in paths if is_anki_package(path)]
    notes = [path for path in paths if not is_anki_package(path)]
    imported: tuple = ()
    if packages:
        from tutor.engine.anki import import_anki_packages  # the engine: the packages' reviews go to the log

        note_reports, imported = import_anki_packages(packages, data_dir=data_dir, deck=args.deck, notes=notes)
    else:
        note_reports = import_notes(notes, data_dir=data_dir, deck=args.deck)
    if getattr(args, "json", False):
        _print_json([report.to_dict() for report in (*note_reports, *imported)])
        return ExitCode.OK
    reports = [*note_reports, *(entry.cards for entry in imported)]
    counts = ("added", "updated", "unchanged", "removed")
    columns = {"file": {}, "deck": {}, **dict.fromkeys(counts, _RIGHT)}
    rows = [[report.file, report.deck, *(str(len(getattr(report, name))) for name in counts)] for report in reports]
    if imported:
        # Anki packages bring their review history.
        columns["reviews"] = _RIGHT
        added = [""] * len(note_reports) + [str(entry.history.added) for entry in imported]
        rows = [[*row, count] for row, count in zip(rows, added)]
    console = _console()
    console.print(_table("imported", columns, rows))
    for report in reports:
        if report.removed:
            console.print(
                _plain(
                    f"no longer in {report.file}, removed from deck {report.deck} (reviews kept): "
                    + ", ".join(report.removed)
                )
            )
    return ExitCode.OK


def _cmd_export(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.suffix.lower() == ".apkg":
        from tutor.engine.anki import export_anki_package

        report = export_anki_package(path, data_dir=_data_dir(args), deck=args.deck, with_history=args.with_history)
        if getattr(args, "json", False):
            _print_json(report.to_dict())
            return ExitCode.OK
        history = f" and {report.reviews} reviews" if args.with_history else ""
        _console().print(_plain(f"wrote {report.cards} cards{history} of deck {report.deck} to {report.file}"))
        return ExitCode.OK
    if path.suffix.lower() not in (".md", ".markdown"):
        raise BadInputError(f"{path}: export writes Markdown (.md) or an Anki package (.apkg); name the file so")
    if args.with_history:
        raise BadInputError("--with-history needs an Anki package (.apkg): Markdown notes hold no reviews")
    from tutor.engine.importing import export_deck

    count = export_deck(args.deck, path, data_dir=_data_dir(args), overwrite=args.force)
    if getattr(args, "json", False):
        _print_json({"file": str(path), "deck": args.deck, "cards": count})
        return ExitCode.OK
    _console().print(_plain(f"wrote {count} cards of deck {args.deck} to {path}"))
    return ExitCode.OK


def _cmd_due(args: argparse.Namespace) -> int:
    from tutor.engine.study import Study

    as_json = getattr(args, "json", False)
    with Study.open(_data_dir(args)) as study:
        queue = study.queue(decks=args.deck)
        # The table shows the head of the queue with what each rating would do; --json lists it all.
        shown = [] if as_json else queue[:50]
        previews = [study.next_intervals(entry.card_id) for entry in shown]
        shown_cards = study.collection.cards_by_id([entry.card_id for entry in shown])
    questions = {card_id: card.question for card_id, card in shown_cards.items()}
    if as_json:
        _print_json([entry.to_dict() for entry in queue])
        return ExitCode.OK
    if not queue:
        _console().print("nothing to study now")
        return ExitCode.OK
    from tutor.app.format import interval
    from tutor.questions.render import plain_line

    # At 80 columns the id, kind and due time stay whole; the question wraps and the rating preview folds.
    columns = {
        "#": {"style": "dim", "justify": "right", "no_wrap": True},
        "id": {"style": "cyan", "no_wrap": True},
        "kind": {"style": "magenta", "no_wrap": True},
        "due (local)": {"no_wrap": True},
        "again · hard · good · easy": {"overflow": "fold", "max_width": 20},
        "question": {"min_width": 12, "ratio": 1},
    }
    rows = []
    for number, (entry, preview) in enumerate(zip(shown, previews), start=1):
        due = f"{entry.due.astimezone():%Y-%m-%d %H:%M}" if entry.kind != "new" else "new"
        after = " · ".join(interval(span) for span in preview.values())
        rows.append((str(number), entry.card_id, entry.kind, due, after, plain_line(questions[entry.card_id])))
    more = len(queue) - len(shown)
    caption = f"… and {more} more" if more else None
    table = _table(f"{len(queue)} cards to study, in order", columns, rows, caption=caption)
    _console().print(table)
    return ExitCode.OK


def _cmd_rate(args: argparse.Namespace) -> int:
    from tutor.clock import now
    from tutor.engine.study import Study

    with Study.open(_data_dir(args)) as study:
        state = study.rate(args.id, args.rating)
    if getattr(args, "json", False):
        _print_json(state.to_dict())
        return ExitCode.OK
    from tutor.app.format import due_text

    flags = [flag for flag, on in (("leech", state.leech), ("suspended", state.suspended)) if on]
    rows = [
        ("state", " ".join([state.state, *(f"({flag})" for flag in flags)])),
        ("due", f"{state.due.astimezone():%Y-%m-%d %H:%M} (local), {due_text(state.due, now())}"),
        ("stability", f"{state.stability:.2f} days"),
        ("difficulty", f"{state.difficulty:.2f} of 10"),
        ("reviews / lapses", f"{state.reps} / {state.lapses}"),
    ]
    columns = {"field": {"style": "dim"}, "value": {}}
    _console().print(_table(f"{state.card_id} rated {args.rating.label}", columns, rows, show_header=False))
    return ExitCode.OK


def _cmd_stats(args: argparse.Namespace) -> int:
    from tutor.engine.study import Study

    with Study.open(_data_dir(args)) as study:
        stats = study.stats()
    if getattr(args, "json", False):
        _print_json(stats.to_dict())
        return ExitCode.OK
    console = _console()
    retention = f"{100 * stats.retention:.1f}%" if stats.retention is not None else "not yet measured"
    console.print(
        f"[bold]{stats.reviews_total}[/] answers ({stats.drills_total} in drills) · true retention {retention} "
        f"over {stats.retention_reviews} reviews of cards in review"
    )
    states = [tuple(str(count) for count in stats.by_state.values())]
    console.print(_table("cards by state", dict.fromkeys(stats.by_state, _RIGHT), states))
    days = [
        (day.day.isoformat(), str(day.reviews), str(day.drills)) for day in stats.per_day if day.reviews or day.drills
    ]
    days_title = f"answers per day ({len(stats.per_day)} days)"
    days_columns = {"day": {}, "reviews": _RIGHT, "drills": _RIGHT}
    console.print(_table(days_title, days_columns, days) if days else "no answers in the last days")
    forecast = [
        ("today (and overdue)" if offset == 0 else str(offset), str(count))
        for offset, count in enumerate(stats.forecast)
        if count
    ]
    forecast_columns = {"in days": _RIGHT, "due": _RIGHT}
    console.print(_table("due forecast", forecast_columns, forecast) if forecast else "nothing due in the coming days")
    return ExitCode.OK


def _cmd_optimize(args: argparse.Namespace) -> int:
    from tutor.engine.study import Study

    with Study.open(_data_dir(args)) as study:
        result = study.optimize()
    if getattr(args, "json", False):
        _print_json(result.to_dict())
        return ExitCode.OK
    console = _console()
    console.print(result.message)
    if result.parameters is not None:
        console.print("parameters: " + ", ".join(f"{value:.4f}" for value in result.parameters), style="dim")
    return ExitCode.OK


def _demo_parser(demo) -> argparse.ArgumentParser:
    parser = _Parser(prog=f"tutor demo {demo.name}", description=demo.summary)
    for parameter in demo.parameters:
        bounds = ""
        if parameter.minimum is not None or parameter.maximum is not None:
            bounds = f" [{parameter.minimum:g} … {parameter.maximum:g}]"
        if parameter.kind is bool:
            parser.add_argument(parameter.flag, action="store_true", default=None, help=parameter.help)
        else:
            parser.add_argument(
                parameter.flag,
                dest=parameter.name,
                metavar=parameter.kind.__name__.upper(),
                help=f"{parameter.help} (default {parameter.default}){bounds}",
            )
    parser.add_argument("--json", action="store_true", help="print the computed data as JSON and exit")
    return parser


def _cmd_demo(args: argparse.Namespace) -> int:
    from tutor.demos.registry import all_demos, get_demo

    if not args.name:
        demos = all_demos()
        if getattr(args, "json", False):
            _print_json([{"name": demo.name, "summary": demo.summary} for demo in demos])
            return ExitCode.OK
        columns = {"name": {"style": "cyan"}, "what it shows": {}}
        rows = ((demo.name, demo.summary) for demo in demos)
        _console().print(_table("demos (tutor demo NAME --help for parameters)", columns, rows))
        return ExitCode.OK
    demo = get_demo(args.name)
    parser = _demo_parser(demo)
    options = vars(parser.parse_args(args.params))
    as_json = options.pop("json") or getattr(args, "json", False)
    try:
        result = demo.compute({name: value for name, value in options.items() if value is not None})
    except DemoParameterError as error:
        # The registry names fields (``world_size``), as the app's form does; here they are options.
        raise BadInputError(error.spelt(lambda name: "--" + name.replace("_", "-"))) from None
    if as_json:
        _print_json(result.to_dict())
        return ExitCode.OK
    demo.module("terminal").show(result, _console())
    return ExitCode.OK


# tutor exam: dated exams, their readiness, the plan until the day.


def _exam_parsers(commands, data_json: argparse.ArgumentParser) -> None:
    exam = commands.add_parser("exam", parents=[data_json], help="exams: a date to be ready for, and the plan")
    actions = exam.add_subparsers(dest="exam_command", metavar="ACTION", parser_class=_Parser, required=True)
    add = actions.add_parser("add", parents=[data_json], help="add an exam: tutor exam add NAME --date YYYY-MM-DD")
    add.add_argument("name", help="the exam's name, e.g. 期末考试")
    add.add_argument("--date", required=True, help="the exam's date, YYYY-MM-DD")
    add.add_argument("--deck", action="append", help="a deck it covers (repeatable; default all)")
    add.add_argument("--tag", action="append", help="only cards with this tag (repeatable)")
    add.add_argument("--retention", type=float, help="target recall on the day (default: your desired retention)")
    actions.add_parser("list", parents=[data_json], help="the exams with their countdown and readiness")
    remove = actions.add_parser("remove", parents=[data_json], help="remove an exam (reviews moved for it stay)")
    remove.add_argument("name", help="the exam's name")
    plan = actions.add_parser("plan", parents=[data_json], help="forecast the answers of each day until the exam")
    plan.add_argument("name", help="the exam's name")
    plan.add_argument(
        "--compare-retention",
        action="store_true",
        help="compare answers per day and knowledge kept for desired retention 0.80-0.95",
    )


def _cmd_exam(args: argparse.Namespace) -> int:
    from tutor.engine.study import Study

    as_json = getattr(args, "json", False)
    with Study.open(_data_dir(args)) as study:
        exams = study.exams
        action = args.exam_command
        if action == "add":
            exam = exams.add(args.name, args.date, decks=args.deck or (), tags=args.tag or (), retention=args.retention)
            shown = [exams.readiness(exam.name)]
        elif action == "remove":
            removed = exams.remove(args.name)
            if as_json:
                _print_json({"removed": removed.to_dict()})
            else:
                _console().print(_plain(f"removed exam {removed.name} ({removed.day.isoformat()})"))
            return ExitCode.OK
        elif action == "plan":
            return _exam_plan(args, study)
        else:
            shown = exams.readiness_all() + [
                exams.readiness(exam.name) for exam in exams.all() if exam not in exams.upcoming()
            ]
    if as_json:
        _print_json([ready.to_dict() for ready in shown] if action == "list" else shown[0].to_dict())
        return ExitCode.OK
    if not shown:
        _console().print("no exam yet: tutor exam add NAME --date YYYY-MM-DD [--deck D] [--tag T]")
        return ExitCode.OK
    columns = {
        "exam": {"min_width": 8, "overflow": "fold"},  # deck names are typed after --deck: shown whole
        "date": {"no_wrap": True},
        "days": _RIGHT,
        "ready (≥ target)": {"justify": "right", "no_wrap": True},
        "cards": _RIGHT,
        "unseen": _RIGHT,
        "new/day": _RIGHT,
    }
    rows = (
        (
            _plain(ready.exam.name) + "\n" + _covers(ready.exam),
            ready.exam.day.isoformat(),
            str(ready.days_left) if ready.days_left >= 0 else "over",
            f"{100 * ready.share:.0f}% (≥ {ready.exam.retention:g})",
            str(ready.cards),
            str(ready.unseen),
            str(ready.new_per_day),
        )
        for ready in shown
    )
    _console().print(_table("exams" if action == "list" else "exam added", columns, rows))
    return ExitCode.OK


def _covers(exam):
    parts = [("decks " + ", ".join(exam.decks)) if exam.decks else "all decks"]
    if exam.tags:
        parts.append("tags " + ", ".join(exam.tags))
    covers = _plain("; ".join(parts))
    covers.stylize("dim")
    return covers


def _exam_compare_retention(args: argparse.Namespace, study, ready) -> int:
    results = study.exams.compare_retention(args.name)
    if getattr(args, "json", False):
        _print_json({"exam": ready.exam.to_dict(), "retentions": [result.to_dict() for result in results]})
        return ExitCode.OK
    columns = {
        "desired retention": _RIGHT,
        "answers": _RIGHT,
        "per day": _RIGHT,
        "busiest day": _RIGHT,
        "knowledge kept": _RIGHT,
    }
    rows = (
        (
            f"{result.retention:.2f}",
            f"{result.answers:.0f}",
            f"{result.answers / max(1, len(result.days)):.1f}",
            f"{result.peak:.0f}",
            f"{100 * result.knowledge:.1f}%",
        )
        for result in results
    )
    caption = _plain(
        f"the {ready.cards} cards of {ready.exam.name} until {ready.exam.day.isoformat()}; knowledge kept: "
        f"mean recall on the day; {results[0].runs} simulated runs each"
    )
    _console().print(_table("retention and workload", columns, rows, caption=caption))
    return ExitCode.OK


def _exam_plan(args: argparse.Namespace, study) -> int:
    as_json = getattr(args, "json", False)
    settings = study.settings
    ready = study.exams.readiness(args.name)
    if args.compare_retention:
        return _exam_compare_retention(args, study, ready)
    forecast = study.exams.plan(args.name)
    overloaded = forecast.overloaded(settings.max_reviews_per_day)
    warnings = [
        f"{day.day.isoformat()}: up to {day.review_cards_high} reviews, more than your maximum of "
        f"{settings.max_reviews_per_day} a day (tutor config max_reviews_per_day)"
        for day in overloaded
    ]
    if as_json:
        _print_json(
            {
                "exam": ready.to_dict(),
                "max_reviews_per_day": settings.max_reviews_per_day,
                "forecast": forecast.to_dict(),
                "warnings": warnings,
            }
        )
        return ExitCode.OK
    console = _console()
    columns = {"day": {"no_wrap": True}, "answers": _RIGHT, "up to": _RIGHT, "reviews": _RIGHT, "new": _RIGHT}
    rows = (
        (day.day.isoformat(), f"{day.reviews:.0f}", str(day.high), f"{day.review_cards:.0f}", f"{day.new:.0f}")
        for day in forecast.days
    )
    caption = (
        f"{forecast.answers:.0f} answers in all; on the day {100 * forecast.share_ready:.0f}% of the cards expected at "
        f"{ready.exam.retention:g} or above ({forecast.runs} simulated runs; up to: 9 runs in 10)"
    )
    console.print(_table(f"plan for {ready.countdown()}", columns, rows, caption=caption))
    if ready.new_per_day > settings.new_per_day:
        console.print(
            f"new cards per day raised to {min(ready.new_per_day, settings.exam_new_cap)} (yours: "
            f"{settings.new_per_day}, cap {settings.exam_new_cap}) to learn the {ready.unseen} unseen cards in time"
        )
    for warning in warnings:
        console.print(f"warning: {warning}", style="yellow")
    return ExitCode.OK


# tutor config: the learner's settings.


def _config_parser(commands, data_json: argparse.ArgumentParser) -> None:
    config = commands.add_parser(
        "config",
        parents=[data_json],
        help="show or change your settings: tutor config [KEY [VALUE]]",
        epilog="desired_retention.DECK VALUE gives one deck its own desired retention (default: back to yours).",
    )
    config.add_argument("key", nargs="?", help="the setting to show or change (omit to list them)")
    config.add_argument("value", nargs="?", help="its new value")


def _cmd_config(args: argparse.Namespace) -> int:
    from tutor.engine.settings import DECK_RETENTION_PREFIX, KEYS, show_value
    from tutor.engine.study import Study

    as_json = getattr(args, "json", False)
    with Study.open(_data_dir(args)) as study:
        if args.key is not None and args.value is not None:
            settings = study.set_setting(args.key, args.value)
        else:
            settings = study.settings
            if args.key is not None:
                show_value(settings, args.key)  # refuses an unknown key with its one line
    keys = [args.key] if args.key is not None else [
        *KEYS,
        *(DECK_RETENTION_PREFIX + deck for deck in settings.deck_retention),
    ]
    values = {key: show_value(settings, key) for key in keys}
    if as_json:
        _print_json(values)
        return ExitCode.OK
    helps = {key: KEYS[key].help if key in KEYS else "this deck's own desired retention" for key in keys}
    columns = {"setting": {"style": "cyan", "no_wrap": True}, "value": {}, "": {"style": "dim"}}
    rows = ((key, _plain(str(value)), helps[key]) for key, value in values.items())
    _console().print(_table("settings (tutor config KEY VALUE to change one)", columns, rows))
    return ExitCode.OK


def _run_app(args: argparse.Namespace) -> int:
    from tutor.app import run_app  # textual costs ~150 ms: only when the app opens

    drill = None
    if args.command == "drill":
        from tutor.engine.drill import DrillOptions

        drill = DrillOptions(
            count=args.count, minutes=args.minutes, decks=args.deck or (), tags=args.tag or (), exam=args.exam
        )
    decks = args.deck if args.command == "review" else None
    return run_app(_data_dir(args), screen=args.command or "home", decks=decks, drill=drill)


_COMMANDS = {
    None: _run_app,
    "review": _run_app,
    "drill": _run_app,
    "decks": _cmd_decks,
    "list": _cmd_list,
    "show": _cmd_show,
    "search": _cmd_search,
    "grade": _cmd_grade,
    "import": _cmd_import,
    "export": _cmd_export,
    "due": _cmd_due,
    "rate": _cmd_rate,
    "stats": _cmd_stats,
    "optimize": _cmd_optimize,
    "demo": _cmd_demo,
    "exam": _cmd_exam,
    "config": _cmd_config,
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        args = build_parser().parse_args(argv)
        return int(_COMMANDS[args.command](args))
    except TutorError as error:
        # Error messages name the learner's files and quote their content.
        sys.stderr.write(f"tutor: error: {terminal_text(str(error))}\n")
        return int(error.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write(INTERRUPTED + "\n")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # `tutor list | head` closes stdout early; that is not an error of ours.
        sys.stderr.close()
        return int(ExitCode.OK)
    except OSError as error:
        where = f" ({error.filename})" if error.filename else ""
        sys.stderr.write(f"tutor: error: {terminal_text(str(error.strerror or error))}{terminal_text(where)}\n")
        return int(ExitCode.FAILURE)
    except Exception as error:  # a bug of ours: one line for the learner, the traceback on request
        if was_interrupted():
            sys.stderr.write(INTERRUPTED + "\n")
            return int(ExitCode.INTERRUPTED)
        if os.environ.get("TUTOR_DEBUG"):
            raise
        message = terminal_text(f"internal error: {type(error).__name__}: {error}")
        sys.stderr.write(f"tutor: error: {message} (TUTOR_DEBUG=1 shows more)\n")
        return int(ExitCode.FAILURE)
