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
        help="the hybrid search alone, no LLM (by default, when the top two passages are close, the "
        "in-process GGUF reorders the top 5 (or k) by its likelihood of the question, as `ask` does: "
        "about 0.5 s a passage; scores become the combined ones)",
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


def _reranked(searcher: Any, s: Any) -> Any:
    """`searcher.search` followed by the LLM reranking of the top passages when the top two are
    close (assistant/rerank.py). The GGUF is found at once, so a wrong --llm fails before any
    output, but loaded at the first close call: a sure search costs nothing more."""
    from functools import cache

    from assistant.answer import question_language
    from assistant.models import resolve_llm
    from assistant.rerank import DEPTH, LikelihoodReranker, reranker_for, settled

    resolve_llm(s.llm)

    @cache
    def reranker() -> LikelihoodReranker:
        found = reranker_for(load_generator(s))
        assert found is not None  # an in-process GGUF can always score
        return found

    def search(query: str, k: int, filters: Any) -> Any:
        hits = searcher.search(query, max(k, DEPTH), filters)
        if settled(hits):  # before the model is loaded: a sure search never loads it
            return hits[:k]
        return reranker().rerank(query, hits, question_language(query))[:k]

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
    # The default embedded GGUF breaks the search's close calls; a server cannot score passages.
    search = searcher.search if args.no_rerank or s.llm_url else _reranked(searcher, s)
    if args.jsonl is not None:

        def results(item: dict[str, Any]) -> dict[str, Any]:
            hits = search(item["question"], args.k, filters)
            return {"query": item["question"], "results": [h.as_json() for h in hits]}

        answer_lines(args.jsonl, results)
        return 0
    hits = search(args.query, args.k, filters)
    if args.json:
        print(
            json.dumps(
                {"query": args.query, "results": [h.as_json() for h in hits]}, ensure_ascii=False, indent=1
            )
        )
    elif not hits:
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
