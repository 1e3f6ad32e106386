"""`briefing-assistant search`: the passages that answer a question, with their notes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from assistant.cli.common import advise_embedder, answer_lines
from assistant.errors import UsageError
from assistant.settings import Settings, add_flags


def add_parser(sub: Any) -> None:
    p = sub.add_parser("search", help="find the passages that answer a question")
    add_flags(p, llm=True)
    rerank = p.add_mutually_exclusive_group()
    rerank.add_argument(
        "--rerank",
        action="store_true",
        help="rerank close calls with the LLM (the default; an error with --llm-url, which gives no scores)",
    )
    rerank.add_argument(
        "--no-rerank",
        action="store_true",
        help="keep the hybrid search's order (by default, when the top two passages are close, the "
        "in-process GGUF reorders the top 5 (or k) by its likelihood of the question, as `ask` does: "
        "about 0.5 s a passage; scores become the combined ones)",
    )
    p.add_argument(
        "--no-translate",
        action="store_true",
        help="search a question in another language than the briefings' as written (by default the "
        "LLM translates it and both are searched, as `ask` does: about 0.5 s)",
    )
    p.add_argument("query", nargs="?", help="the question")
    p.add_argument("-k", dest="top", metavar="K", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--jsonl", type=Path, help="read one {'question': …} object per line; print one result per line"
    )
    p.add_argument("--from", dest="date_from", help="only briefings dated on or after (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", help="only briefings dated on or before (YYYY-MM-DD)")
    p.add_argument("--file", dest="files", action="append", help="only this briefing file (repeatable)")


def _format_hit(i: int, hit: Any) -> str:
    where = f"{hit.file}" + (f" ({hit.briefing_date})" if hit.briefing_date else "")
    under = f" — {hit.section}" if hit.section else ""
    lines = [f"[{i}] {where}{under} — {hit.kind} {hit.number} — score {hit.score:.3f}", f"    {hit.text}"]
    for note in hit.footnotes:
        lines.append(f"    └ {note['number']}. {note['text']}")
    for citer in hit.cited_by:
        under = f" ({citer['section']})" if citer.get("section") else ""
        lines.append(f"    └ cited by {citer.get('kind', 'bullet')} {citer['number']}{under}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    code = _search(args)
    advise_embedder(Settings.from_args(args))  # after the results: an error stays one line
    return code


def _search(args: argparse.Namespace) -> int:
    from assistant.factory import open_assistant
    from index.search.hybrid import Filters

    if (args.query is None) == (args.jsonl is None):
        raise UsageError("give a QUERY or --jsonl FILE (one of them)")
    if args.top < 1:
        raise UsageError("-k must be at least 1")
    s = Settings.from_args(args)
    if args.rerank and s.llm_url:
        raise UsageError("--rerank needs a GGUF in process (--llm), not --llm-url: a server gives no scores")
    # The search is the first stages of `ask` (assistant/answer/pipeline.py): a question in another
    # language than the archive's is searched with its translation beside it, and close calls are
    # reordered by the in-process GGUF's likelihood of the question. The GGUF is found at once, so
    # a wrong --llm fails before any output, but loaded at its first use: a sure search of a
    # question in the archive's language costs nothing more. A server cannot score passages, but
    # translates as well as it answers.
    uses_llm = s.answer.rerank or s.answer.translate
    assistant = open_assistant(s, llm=uses_llm, lazy=True, reader=None)
    filters = Filters(args.date_from, args.date_to, args.files)

    def search(query: str) -> tuple[list[Any], str | None]:
        hits, understood = assistant.search(query, args.top, filters)
        return hits, understood.translation

    def as_json(query: str, hits: list[Any], translation: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {"query": query, "results": [h.as_json() for h in hits]}
        if translation:
            out["translated_query"] = translation
        return out

    if args.jsonl is not None:
        answer_lines(args.jsonl, lambda item: as_json(item["question"], *search(item["question"])))
        return 0
    hits, translation = search(args.query)
    if args.json:
        print(json.dumps(as_json(args.query, hits, translation), ensure_ascii=False, indent=1))
        return 0
    if translation:
        print(f"(searched with its translation: {translation})\n")
    if not hits:
        print("no passage found")
    else:
        print("\n\n".join(_format_hit(i, h) for i, h in enumerate(hits, start=1)))
    return 0
