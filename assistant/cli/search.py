"""`briefing-assistant search`: the passages that answer a question, with their notes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from assistant.cli.common import UsageError, add_common, answer_lines, settings_from
from assistant.models.loading import load_embedder, load_generator


def add_parser(sub: Any) -> None:
    p = sub.add_parser("search", help="find the passages that answer a question")
    add_common(p, llm=True)
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
    p.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
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


def _llm_search(searcher: Any, s: Any, *, rerank: bool, translate: bool) -> Any:
    """`searcher.search` with what the LLM adds, as `ask` does: a question in another language
    than the archive's (an English question on French briefings) is searched with its
    translation beside it (assistant/answer/translate.py), and close calls are reordered by the
    in-process GGUF's likelihood of the question (assistant/answer/rerank.py). Returns a function of
    (query, k, filters) giving (hits, translation or None); with neither, the hybrid search alone.
    An in-process GGUF is found at once, so a wrong --llm fails before any output, but loaded at
    its first use: a sure search of a question in the archive's language costs nothing more."""
    from functools import cache

    from assistant.answer.pipeline import question_language
    from assistant.answer.rerank import DEPTH, LikelihoodReranker, reranker_for, settled
    from assistant.answer.translate import search_query, target_language, translation_for
    from assistant.models.resolve import resolve_llm

    if (rerank or translate) and not s.llm_url:
        resolve_llm(s.llm)

    @cache
    def generator() -> Any:
        return load_generator(s)

    @cache
    def reranker() -> LikelihoodReranker:
        found = reranker_for(generator())
        assert found is not None  # an in-process GGUF can always score
        return found

    def search(query: str, k: int, filters: Any) -> tuple[list[Any], str | None]:
        asked = question_language(query, searcher.languages)
        translated = None
        # Checked before translation_for (which checks it too) so that the model is loaded only
        # for a question that needs it.
        if translate and target_language(asked, searcher.languages):
            translated = translation_for(query, asked, searcher.languages, generator(), searcher.mentions)
        translation = translated[0] if translated else None
        hits = searcher.search(search_query(query, translation), max(k, DEPTH) if rerank else k, filters)
        if not rerank or settled(hits):  # before the model is loaded: a sure search never loads it
            return hits[:k], translation
        probe, language = translated or (query, asked)
        return reranker().rerank(probe, hits, language)[:k], translation

    return search


def run(args: argparse.Namespace) -> int:
    from index.search.hybrid import Filters, Searcher

    if (args.query is None) == (args.jsonl is None):
        raise UsageError("give a QUERY or --jsonl FILE (one of them)")
    if args.k < 1:
        raise UsageError("-k must be at least 1")
    s = settings_from(args)
    searcher = Searcher(s.index_dir, load_embedder(s.embedder))
    filters = Filters(args.date_from, args.date_to, args.files)
    if args.rerank and s.llm_url:
        raise UsageError("--rerank needs a GGUF in process (--llm), not --llm-url: a server gives no scores")
    # The default embedded GGUF breaks the search's close calls; a server cannot score passages,
    # but translates as well as it answers.
    search = _llm_search(
        searcher, s, rerank=not (args.no_rerank or s.llm_url), translate=not args.no_translate
    )

    def as_json(query: str, hits: list[Any], translation: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {"query": query, "results": [h.as_json() for h in hits]}
        if translation:
            out["translated_query"] = translation
        return out

    if args.jsonl is not None:
        answer_lines(
            args.jsonl, lambda item: as_json(item["question"], *search(item["question"], args.k, filters))
        )
        return 0
    hits, translation = search(args.query, args.k, filters)
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
