"""`briefing-assistant ask`: answer a question (or a JSONL file of them) with verified quotes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.cli.common import advise_embedder, answer_lines
from assistant.errors import UsageError
from assistant.models.loading import READER_HINT
from assistant.settings import Settings, add_flags


def add_parser(sub: Any) -> None:
    p = sub.add_parser("ask", help="answer a question with quotes from the briefings")
    add_flags(p, llm=True, reader=True)
    p.add_argument("question", nargs="?", help="the question")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.add_argument(
        "--jsonl", type=Path, help="one {'question', 'history'?} object per line; one answer per line"
    )
    p.add_argument("-k", type=int, help="passages to retrieve (default 5)")
    p.add_argument("--lang", choices=["auto", "fr", "en"], default="auto", help="answer language")
    p.add_argument("--from", dest="date_from", help="only briefings dated on or after (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="only briefings dated on or before (YYYY-MM-DD)")
    p.add_argument("--file", dest="files", action="append", help="only this briefing file (repeatable)")
    p.add_argument("--no-rerank", action="store_true", help="keep the search order (no LLM reranking)")
    p.add_argument(
        "--no-translate",
        action="store_true",
        help="do not translate a question that is not in the briefings' language before searching",
    )


def open_for(args: argparse.Namespace, *, llm: bool = True) -> Any:
    """The assistant the command's flags ask for (assistant/factory.py), saying on stderr how to
    install a reader when none is."""
    from assistant.factory import open_assistant

    s = Settings.from_args(args)
    assistant = open_assistant(s, llm=llm)
    if assistant.reader is None and s.reader is None and llm:
        print(f"briefing-assistant: {READER_HINT}", file=sys.stderr)
    return assistant


def _print_answer(answer: Any) -> None:
    """The answer, then where each quote comes from, labelled in the answer's language."""
    from prompts import labels

    lab = labels(answer.language)

    def where(
        file: str,
        date: str | None,
        kind: str,
        number: int,
        page: int | None = None,
        section: str | None = None,
    ) -> str:
        """`sahel.pdf, p. 2 (2024-03-02), Analysis › Sahel, paragraph 3`: page and section when known."""
        at = f", p. {page}" if page else ""
        under = f", {section}" if section else ""
        return f"{file}{at} ({date or lab['undated']}){under}, {lab.get(kind, kind)} {number}"

    print(answer.text)
    if answer.standalone_question != answer.question:
        print(f"  ({lab['understood']} {answer.standalone_question})")
    if answer.translated_question:
        print(f"  ({lab['translated']} {answer.translated_question})")
    if answer.abstained:
        if answer.passages:
            print(f"\n{lab['closest']}")
            for h in answer.passages[:3]:
                at = where(h.file, h.briefing_date, h.kind, h.number, h.page, h.section)
                print(f"  - {at}: {h.text[:160]}")
        return
    print()
    for c in answer.citations:
        source = f" — {lab['source']} {c['source']}" if c["source"] else ""
        at = where(c["file"], c["briefing_date"], c["kind"], c["number"], c.get("page"), c.get("section"))
        print(f"[{c['marker']}] {at}{source}")
    if answer.model.get("reader", "none") != "none":
        print(f"  ({lab['read_by'].format(model=answer.model['reader'])})")


def run(args: argparse.Namespace) -> int:
    code = _answer(args)
    advise_embedder(Settings.from_args(args))  # after the answer: an error stays one line
    return code


def _answer(args: argparse.Namespace) -> int:
    from assistant.answer.rewrite import Turn
    from index.search.hybrid import Filters

    if (args.question is None) == (args.jsonl is None):
        raise UsageError("give a QUESTION or --jsonl FILE (one of them)")
    assistant = open_for(args)
    filters = Filters(args.date_from, args.date_to, args.files)
    if args.jsonl is not None:

        def answer(item: dict[str, Any]) -> dict[str, Any]:
            history = [
                Turn(str(h.get("question", "")), str(h.get("answer", "")))
                for h in item.get("history") or []
                if isinstance(h, dict)
            ]
            return dict(assistant.ask(item["question"], history, filters).as_json())

        answer_lines(args.jsonl, answer)
        return 0
    if args.json:
        print(json.dumps(assistant.ask(args.question, (), filters).as_json(), ensure_ascii=False, indent=1))
        return 0
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.live import Live
        from rich.text import Text

        # The model's words (or the reader's short answer) stream in grey, then give way to the
        # verified answer.
        streamed = Text(style="dim")
        with Live(streamed, console=Console(), transient=True, refresh_per_second=12):
            answer = assistant.ask(
                args.question, (), filters, on_token=streamed.append, on_short=streamed.append
            )
    else:
        answer = assistant.ask(args.question, (), filters)
    _print_answer(answer)
    return 0
