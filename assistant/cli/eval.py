"""`briefing-assistant eval`: answer quality and timings on a JSONL file of questions with gold bullets."""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.cli.ask import open_for
from assistant.errors import UsageError
from assistant.settings import add_flags
from index.text.fold import loose_fold as _fold


def add_parser(sub: Any) -> None:
    p = sub.add_parser("eval", help="measure answers on a questions file (PIAF dev set format)")
    add_flags(p, llm=True, reader=True)
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
    assistant = open_for(args, llm=not args.no_llm)
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
    tally = Tally()
    for q in rows:
        a = assistant.ask(q["question"])
        if on_answer:
            on_answer(q, a)
        tally.add(q, a, assistant)
    return {
        **tally.result(len(rows)),
        "llm": assistant.generator.name if assistant.generator else "none",
        "reader": assistant.reader.name if assistant.reader else "none",
        "reranked": assistant.reranker is not None,
    }


def _gold(q: dict[str, Any]) -> set[tuple[str, str, Any]]:
    return {
        (g["file"], "bullet" if "bullet" in g else "footnote", g.get("bullet", g.get("footnote")))
        for g in q.get("gold", [])
    }


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


@dataclass
class Tally:
    """The counts and timings `measure` scores answers by."""

    answered: int = 0
    quoted: int = 0
    cited: int = 0
    cited_gold: int = 0
    answer_in_quote: int = 0
    answerable_answered: int = 0
    tp: int = 0  # unanswerable and abstained
    fp: int = 0  # answerable and abstained
    fn: int = 0  # unanswerable and answered
    answerable: int = 0
    shorts: int = 0  # answerable questions with a short answer
    shorts_all: int = 0
    shorts_inside: int = 0
    short_f1: float = 0.0
    short_em: float = 0.0
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def add(self, q: dict[str, Any], a: Any, assistant: Any) -> None:
        unanswerable = not q.get("answerable", True)
        self.tp += a.abstained and unanswerable
        self.fp += a.abstained and not unanswerable
        self.fn += unanswerable and not a.abstained
        self._times(a, assistant)
        self._short(q, a, unanswerable)
        if a.abstained:
            return
        self.answered += 1
        quotes = [qt for c in a.citations for qt in c["quotes"]]
        self.quoted += bool(quotes)
        self.ms["quote_chars"].append(sum(len(qt) for qt in quotes))  # an answer's quotes, added up
        gold = _gold(q)
        for c in a.citations:
            self.cited += 1
            self.cited_gold += (c["file"], c["kind"], c["number"]) in gold
        if not unanswerable:
            self.answerable_answered += 1
            self.answer_in_quote += any(
                _fold(ans) in _fold(qt) for ans in q.get("answers", []) for qt in quotes
            )

    def _times(self, a: Any, assistant: Any) -> None:
        self.ms["total"].append(a.timings["total_ms"])
        for key, name in (("rerank_ms", "rerank"), ("short_ms", "short")):
            if key in a.timings:
                self.ms[name].append(a.timings[key])
        if a.timings["first_token_ms"]:
            self.ms["first"].append(a.timings["first_token_ms"])
            if assistant.last_prompt and hasattr(assistant.generator, "prompt_eval_ms"):
                self.ms["prompt_eval"].append(assistant.generator.prompt_eval_ms(*assistant.last_prompt))

    def _short(self, q: dict[str, Any], a: Any, unanswerable: bool) -> None:
        golds = [str(g) for g in q.get("answers", [])]
        if not unanswerable and golds:
            # Over every answerable question: no short answer (abstention included) scores 0.
            self.answerable += 1
            if a.short_answer is not None:
                self.shorts += 1
                self.short_f1 += max(token_f1(a.short_answer, g) for g in golds)
                self.short_em += max(squad_normal(a.short_answer) == squad_normal(g) for g in golds)
        if a.short_answer is not None:
            self.shorts_all += 1
            self.shorts_inside += any(a.short_answer in qt for c in a.citations for qt in c["quotes"])

    def result(self, questions: int) -> dict[str, Any]:
        ms = self.ms
        return {
            "questions": questions,
            "answered": self.answered,
            "verified_quote_share": _share(self.quoted, self.answered),
            "citation_precision": _share(self.cited_gold, self.cited),
            "answer_in_quote": _share(self.answer_in_quote, self.answerable_answered),
            "quote_chars_p50": _pct(ms["quote_chars"], 50),
            "quote_chars_p90": _pct(ms["quote_chars"], 90),
            "abstention_precision": _share(self.tp, self.tp + self.fp),
            "abstention_recall": _share(self.tp, self.tp + self.fn),
            "first_token_ms_p50": _pct(ms["first"], 50),
            "first_token_ms_p95": _pct(ms["first"], 95),
            "total_ms_p50": _pct(ms["total"], 50),
            "total_ms_p95": _pct(ms["total"], 95),
            "raw_prompt_eval_ms_p50": _pct(ms["prompt_eval"], 50),
            "raw_prompt_eval_ms_p95": _pct(ms["prompt_eval"], 95),
            "rerank_ms_p50": _pct(ms["rerank"], 50),
            "rerank_ms_p95": _pct(ms["rerank"], 95),
            "short_answer_f1": _share(self.short_f1, self.answerable),
            "short_answer_em": _share(self.short_em, self.answerable),
            "short_answer_share": _share(self.shorts, self.answerable),
            "short_answer_f1_given": _share(self.short_f1, self.shorts),
            "short_inside_quote": _share(self.shorts_inside, self.shorts_all),
            "short_ms_p50": _pct(ms["short"], 50),
            "short_ms_p95": _pct(ms["short"], 95),
        }
