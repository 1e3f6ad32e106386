"""`briefing-assistant eval`: answer quality and timings on a JSONL file of questions with gold bullets."""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.cli.ask import build_assistant
from assistant.cli.common import UsageError, add_common
from index.text.fold import loose_fold as _fold


def add_parser(sub: Any) -> None:
    p = sub.add_parser("eval", help="measure answers on a questions file (PIAF dev set format)")
    add_common(p, llm=True, reader=True)
    p.add_argument("questions", type=Path)
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, help="a random sample of this many questions (seed 0)")
    p.add_argument(
        "--keep-unanswerable",
        action="store_true",
        help="with --limit: every unanswerable question is in the sample, answerable ones fill the rest",
    )
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


_ARTICLES = re.compile(r"\b(le|la|les|l'|un|une|des|du|de|d'|au|aux|a|an|the)\b|(?<=\b[ld])'")
_PUNCTUATION = frozenset(string.punctuation) | frozenset("«»“”‘’…–—")


def squad_normal(text: str) -> str:
    """SQuAD's answer normalisation, accents kept: lower case, no punctuation, no French or
    English articles, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = _ARTICLES.sub(" ", text)
    text = "".join(" " if c in _PUNCTUATION else c for c in text)
    return " ".join(text.split())


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD token F1 of two answers after squad_normal."""
    p, g = squad_normal(prediction).split(), squad_normal(gold).split()
    common = sum((Counter(p) & Counter(g)).values())
    if not common:
        return float(not p and not g)
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def _pct(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if values else None


def load_questions(path: Path) -> list[dict[str, Any]]:
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read questions from {path}: {exc}") from exc


def sample(
    rows: list[dict[str, Any]], limit: int | None, *, keep_unanswerable: bool = False, seed: int = 0
) -> list[dict[str, Any]]:
    """A random sample of `limit` questions (all of them when None), in the file's order.

    With `keep_unanswerable`, every unanswerable question is in it and answerable ones fill the
    rest: the unanswerable are too few (160 of 3,835 dev questions) for a plain sample to measure
    abstention."""
    if not limit:
        return rows
    if not keep_unanswerable:
        return random.Random(seed).sample(rows, min(limit, len(rows)))
    unanswerable = [k for k, q in enumerate(rows) if not q.get("answerable", True)]
    answerable = [k for k, q in enumerate(rows) if q.get("answerable", True)]
    room = max(0, min(limit - len(unanswerable), len(answerable)))
    kept = set(unanswerable) | set(random.Random(seed).sample(answerable, room))
    return [q for k, q in enumerate(rows) if k in kept]


def run(args: argparse.Namespace) -> int:
    rows = sample(load_questions(args.questions), args.limit, keep_unanswerable=args.keep_unanswerable)
    assistant = build_assistant(args, llm=not args.no_llm)
    result = measure(assistant, rows)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
    return 0


def measure(
    assistant: Any, rows: list[dict[str, Any]], on_answer: Callable[[dict[str, Any], Any], None] | None = None
) -> dict[str, Any]:
    """Answer every question of `rows` with `assistant` and score the answers; `on_answer` gets
    each (question row, Answer) as it comes."""
    answered = quoted = cited = cited_gold = answer_in_quote = answerable_answered = 0
    tp = fp = fn = 0
    first, total, prompt_eval, rerank, short_ms = [], [], [], [], []
    quote_chars: list[float] = []
    answerable = shorts = shorts_all = shorts_inside = 0
    short_f1 = short_em = 0.0
    for q in rows:
        a = assistant.ask(q["question"])
        if on_answer:
            on_answer(q, a)
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
        if "short_ms" in a.timings:
            short_ms.append(a.timings["short_ms"])
        golds = [str(g) for g in q.get("answers", [])]
        if not unanswerable and golds:
            # Over every answerable question: no short answer (abstention included) scores 0.
            answerable += 1
            if a.short_answer is not None:
                shorts += 1
                short_f1 += max(token_f1(a.short_answer, g) for g in golds)
                short_em += max(squad_normal(a.short_answer) == squad_normal(g) for g in golds)
        if a.short_answer is not None:
            shorts_all += 1
            shorts_inside += any(a.short_answer in qt for c in a.citations for qt in c["quotes"])
        if a.timings["first_token_ms"]:
            first.append(a.timings["first_token_ms"])
            if assistant.last_prompt and hasattr(assistant.generator, "prompt_eval_ms"):
                prompt_eval.append(assistant.generator.prompt_eval_ms(*assistant.last_prompt))
        if a.abstained:
            continue
        answered += 1
        quotes = [qt for c in a.citations for qt in c["quotes"]]
        quoted += bool(quotes)
        quote_chars.append(sum(len(qt) for qt in quotes))  # an answer's quotes, added up
        for c in a.citations:
            cited += 1
            cited_gold += (c["file"], c["kind"], c["number"]) in gold
        if not unanswerable:
            answerable_answered += 1
            answer_in_quote += any(_fold(ans) in _fold(qt) for ans in q.get("answers", []) for qt in quotes)
    return {
        "questions": len(rows),
        "answered": answered,
        "verified_quote_share": round(quoted / answered, 3) if answered else None,
        "citation_precision": round(cited_gold / cited, 3) if cited else None,
        "answer_in_quote": round(answer_in_quote / answerable_answered, 3) if answerable_answered else None,
        "quote_chars_p50": _pct(quote_chars, 50),
        "quote_chars_p90": _pct(quote_chars, 90),
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
        "short_answer_f1": round(short_f1 / answerable, 3) if answerable else None,
        "short_answer_em": round(short_em / answerable, 3) if answerable else None,
        "short_answer_share": round(shorts / answerable, 3) if answerable else None,
        "short_answer_f1_given": round(short_f1 / shorts, 3) if shorts else None,
        "short_inside_quote": round(shorts_inside / shorts_all, 3) if shorts_all else None,
        "short_ms_p50": _pct(short_ms, 50),
        "short_ms_p95": _pct(short_ms, 95),
        "llm": assistant.generator.name if assistant.generator else "none",
        "reader": assistant.reader.name if assistant.reader else "none",
        "reranked": assistant.reranker is not None,
    }
