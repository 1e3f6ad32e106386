"""`ask` and `eval` on the command line: answers with verified quotes, and their measures."""

from __future__ import annotations

import argparse
import json
import random
import sys
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np

from assistant.loading import (
    UsageError,
    add_common,
    answer_lines,
    load_embedder,
    load_generator,
    settings_from,
)


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("ask", help="answer a question with quotes from the briefings")
    add_common(p, llm=True)
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

    p = sub.add_parser("eval", help="measure answers on a questions file (PIAF dev set format)")
    add_common(p, llm=True)
    p.add_argument("questions", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, help="a random sample of this many questions (seed 0)")
    p.add_argument(
        "--no-llm", action="store_true", help="no LLM at all: retrieval, abstention and extraction only"
    )
    p.add_argument("--no-rerank", action="store_true", help="keep the search order (no LLM reranking)")
    p.add_argument(
        "--no-translate",
        action="store_true",
        help="do not translate a question that is not in the briefings' language before searching",
    )
    p.add_argument(
        "--rerank-only",
        action="store_true",
        help="the LLM reranks but does not generate (a base model's text is not used, so its "
        "answers are the same, faster)",
    )


def _assistant(args: argparse.Namespace, *, llm: bool = True) -> Any:
    from assistant.answer import AnswerSettings, Assistant
    from index.search import Searcher

    s = settings_from(args)
    k = getattr(args, "k", None) or s.k
    if k < 1:
        raise UsageError("-k must be at least 1")
    searcher = Searcher(s.index_dir, load_embedder(s.embedder))
    generator = load_generator(s) if llm else None
    settings = AnswerSettings(
        k=k,
        language=getattr(args, "lang", "auto"),
        rerank=not getattr(args, "no_rerank", False),
        generate=not getattr(args, "rerank_only", False),
        translate=not getattr(args, "no_translate", False),
    )
    return Assistant(searcher, generator, settings)


def _print_answer(answer: Any) -> None:
    """The answer, then where each quote comes from, labelled in the answer's language."""
    from assistant.labels import labels

    lab = labels(answer.language)

    def where(file: str, date: str | None, kind: str, number: int) -> str:
        return f"{file} ({date or lab['undated']}), {lab.get(kind, kind)} {number}"

    print(answer.text)
    if answer.standalone_question != answer.question:
        print(f"  ({lab['understood']} {answer.standalone_question})")
    if answer.translated_question:
        print(f"  ({lab['translated']} {answer.translated_question})")
    if answer.abstained:
        if answer.passages:
            print(f"\n{lab['closest']}")
            for h in answer.passages[:3]:
                print(f"  - {where(h.file, h.briefing_date, h.kind, h.number)}: {h.text[:160]}")
        return
    print()
    for c in answer.citations:
        source = f" — {lab['source']} {c['source']}" if c["source"] else ""
        print(f"[{c['marker']}] {where(c['file'], c['briefing_date'], c['kind'], c['number'])}{source}")


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.rewrite import Turn
    from index.search import Filters

    if (args.question is None) == (args.jsonl is None):
        raise UsageError("give a QUESTION or --jsonl FILE (one of them)")
    assistant = _assistant(args)
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

        # The model's words stream in grey, then give way to the verified answer.
        streamed = Text(style="dim")
        with Live(streamed, console=Console(), transient=True, refresh_per_second=12):
            answer = assistant.ask(args.question, (), filters, on_token=streamed.append)
    else:
        answer = assistant.ask(args.question, (), filters)
    _print_answer(answer)
    return 0


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(text.replace("’", "'").split())


def _pct(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def cmd_eval(args: argparse.Namespace) -> int:
    try:
        rows = [
            json.loads(line)
            for line in args.questions.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read questions from {args.questions}: {exc}") from exc
    if args.limit:
        rows = random.Random(0).sample(rows, min(args.limit, len(rows)))
    assistant = _assistant(args, llm=not args.no_llm)
    answered = quoted = cited = cited_gold = answer_in_quote = answerable_answered = 0
    tp = fp = fn = 0
    first, total, prompt_eval, rerank = [], [], [], []
    for q in rows:
        a = assistant.ask(q["question"])
        gold = {
            (g["file"], "bullet" if "bullet" in g else "footnote", g.get("bullet", g.get("footnote")))
            for g in q.get("gold", [])
        }
        unanswerable = not q.get("answerable", True)
        tp += a.abstained and unanswerable
        fp += a.abstained and not unanswerable
        fn += unanswerable and not a.abstained
        total.append(a.timings["total_ms"])
        if "rerank_ms" in a.timings:
            rerank.append(a.timings["rerank_ms"])
        if a.timings["first_token_ms"]:
            first.append(a.timings["first_token_ms"])
            if assistant.last_prompt and hasattr(assistant.generator, "prompt_eval_ms"):
                prompt_eval.append(assistant.generator.prompt_eval_ms(*assistant.last_prompt))
        if a.abstained:
            continue
        answered += 1
        quotes = [qt for c in a.citations for qt in c["quotes"]]
        quoted += bool(quotes)
        for c in a.citations:
            cited += 1
            cited_gold += (c["file"], c["kind"], c["number"]) in gold
        if not unanswerable:
            answerable_answered += 1
            answer_in_quote += any(_fold(ans) in _fold(qt) for ans in q.get("answers", []) for qt in quotes)
    result = {
        "questions": len(rows),
        "answered": answered,
        "verified_quote_share": round(quoted / answered, 3) if answered else None,
        "citation_precision": round(cited_gold / cited, 3) if cited else None,
        "answer_in_quote": round(answer_in_quote / answerable_answered, 3) if answerable_answered else None,
        "abstention_precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "abstention_recall": round(tp / (tp + fn), 3) if tp + fn else None,
        "first_token_ms_p50": _pct(first, 50),
        "first_token_ms_p95": _pct(first, 95),
        "total_ms_p50": _pct(total, 50),
        "total_ms_p95": _pct(total, 95),
        "raw_prompt_eval_ms_p50": _pct(prompt_eval, 50),
        "raw_prompt_eval_ms_p95": _pct(prompt_eval, 95),
        "rerank_ms_p50": _pct(rerank, 50),
        "rerank_ms_p95": _pct(rerank, 95),
        "llm": assistant.generator.name if assistant.generator else "none",
        "reranked": assistant.reranker is not None,
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return 0
