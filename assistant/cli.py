"""Command line: `briefing-assistant index | search | stats` (also `python -m assistant`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant import ask_cli, chat_cli, models_cli
from assistant.loading import (
    UsageError,
    add_common,
    answer_lines,
    load_embedder,
    load_generator,
    settings_from,
)
from assistant.settings import SettingsError
from index.embed import EmbedderError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefing-assistant", description="Index briefings and search them, offline."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("index", help="index briefing files and folders (incremental)")
    add_common(p)
    p.add_argument("paths", nargs="+", help="files or folders (.txt, .md, .html)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON, no progress bar")
    p.add_argument(
        "--rebuild", action="store_true", help="start from an empty index (e.g. after changing embedder)"
    )
    p.add_argument("--max-bytes", type=int, help="skip files larger than this (default 20 MB)")

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

    ask_cli.add_parsers(sub)
    models_cli.add_parser(sub)
    chat_cli.add_parser(sub)

    p = sub.add_parser("stats", help="what the index holds")
    add_common(p)
    p.add_argument("--json", action="store_true")
    return parser


def cmd_index(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from index.builder import update_index

    s = settings_from(args)
    embedder = load_embedder(s.embedder)
    kwargs: dict[str, Any] = {"rebuild": args.rebuild, "hnsw_threshold": s.hnsw_threshold}
    kwargs["max_bytes"] = args.max_bytes or s.max_file_bytes
    if args.json or not sys.stderr.isatty():
        report = update_index(s.index_dir, args.paths, embedder, **kwargs)
    else:
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        ) as progress:
            task = progress.add_task("embedding passages", total=None)
            report = update_index(
                s.index_dir,
                args.paths,
                embedder,
                on_start=lambda n: progress.update(task, total=n),
                on_progress=lambda n: progress.advance(task, n),
                **kwargs,
            )
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
        return 0
    print(
        f"{report.briefings} briefings, {report.passages} passages in {s.index_dir} "
        f"(added {report.added}, updated {report.updated}, removed {report.removed})"
    )
    for item in report.skipped:
        print(f"skipped {item['file']}: {item['reason']}")
    for item in report.warnings:
        print(f"warning {item['file']}: {item['warning']}")
    return 0


def _format_hit(i: int, hit: Any) -> str:
    where = f"{hit.file}" + (f" ({hit.briefing_date})" if hit.briefing_date else "")
    lines = [f"[{i}] {where} — {hit.kind} {hit.number} — score {hit.score:.3f}", f"    {hit.text}"]
    for note in hit.footnotes:
        lines.append(f"    └ {note['number']}. {note['text']}")
    for bullet in hit.cited_by:
        lines.append(f"    └ cited by bullet {bullet['number']}")
    return "\n".join(lines)


def _llm_search(searcher: Any, s: Any, *, rerank: bool, translate: bool) -> Any:
    """`searcher.search` with what the LLM adds, as `ask` does: a question in another language
    than the archive's (an English question on French briefings) is searched with its
    translation beside it (assistant/translate.py), and close calls are reordered by the
    in-process GGUF's likelihood of the question (assistant/rerank.py). Returns a function of
    (query, k, filters) giving (hits, translation or None); with neither, the hybrid search alone.
    An in-process GGUF is found at once, so a wrong --llm fails before any output, but loaded at
    its first use: a sure search of a question in the archive's language costs nothing more."""
    from functools import cache

    from assistant.answer import question_language
    from assistant.models import resolve_llm
    from assistant.rerank import DEPTH, LikelihoodReranker, reranker_for, settled
    from assistant.translate import search_query, target_language, translation_for

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


def cmd_search(args: argparse.Namespace) -> int:
    from index.search import Filters, Searcher

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


def cmd_stats(args: argparse.Namespace) -> int:
    from index import storage

    s = settings_from(args)
    gen = storage.current_generation(s.index_dir)
    if gen is None:
        raise storage.IndexError_(
            f"no index at {s.index_dir}: create it with `briefing-assistant index PATH...`"
        )
    m = storage.read_manifest(gen)
    info = {k: m[k] for k in ("briefings", "passages", "embedder", "dim", "faiss", "languages", "updated")}
    info = {"index": str(s.index_dir), **info, "files": len(m["files"])}
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
    else:
        for key, value in info.items():
            print(f"{key:>10}: {value}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.llm import GenerationError
    from assistant.models import ModelError
    from index.storage import IndexError_

    args = build_parser().parse_args(argv)
    commands = {
        "index": cmd_index,
        "search": cmd_search,
        "stats": cmd_stats,
        "models": models_cli.run,
        "ask": ask_cli.cmd_ask,
        "eval": ask_cli.cmd_eval,
        "chat": chat_cli.run,
    }
    try:
        return commands[args.command](args)
    except (UsageError, IndexError_, EmbedderError, SettingsError, ModelError, GenerationError) as exc:
        print(f"briefing-assistant: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the index is unchanged", file=sys.stderr)
        return 130
