"""Quote length against "a gold answer in the quote", for several quoting rules, on two halves.

    python bench/quote_length.py --index /tmp/ix ../shared/eval/piaf-dev/questions.jsonl

Each question goes through the pipeline once, as `briefing-assistant eval --no-llm` runs it; the
arguments of its extractive answer are kept (`--cache` keeps them on disk, so later runs skip the
search) and every rule below quotes from the same ranked sentences, so the cited passage, hence
citation precision, is the same for all of them. The briefings are split in two halves by a hash
of their file name (a question goes with its gold briefing, an unanswerable one with the briefing
it cites): the rule is chosen on half A and half B tells whether the choice holds. Quote length
is the characters of an answer's quotes, added up; "answer in quote" is the eval's measure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import pickle
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.answer import extract
from assistant.answer.extract import extractive_answer
from assistant.answer.stages import compose
from assistant.cli.eval import _fold
from assistant.settings import QuoteSettings

PRONOUNS = frozenset(
    "il ils elle elles ce c cet cette ces cela ca celui celle ceux celles "
    "he she it they this these those".split()
)
POSSESSIVES = frozenset("son sa ses leur leurs his her its their".split())


@dataclass
class Call:
    """One answered question: the extractive answer's arguments and what the eval compares."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    answers: list[str]
    answerable: bool
    gold: set[tuple[str, str, int]]
    half: str


def half_of(file: str) -> str:
    return "A" if hashlib.sha1(file.encode()).digest()[0] % 2 == 0 else "B"


def record(index: str, questions: Path) -> list[Call]:
    """Every non-abstained question's call to `extractive_answer`, made by the real pipeline."""
    from assistant.factory import open_assistant
    from assistant.settings import Settings

    assistant = open_assistant(Settings.load(index=index), llm=False)
    seen: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def spy(*args: Any, **kwargs: Any) -> extract.Verified:
        seen.append((args, kwargs))
        return extractive_answer(*args, **kwargs)

    compose.extractive_answer = spy  # type: ignore[assignment]
    calls = []
    for line in questions.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        seen.clear()
        a = assistant.ask(q["question"])
        if a.abstained or not seen:
            continue
        gold = {
            (g["file"], "bullet" if "bullet" in g else "footnote", g.get("bullet", g.get("footnote")))
            for g in q.get("gold", [])
        }
        file = q["gold"][0]["file"] if q.get("gold") else a.citations[0]["file"]
        args, kwargs = seen[-1]
        calls.append(Call(args, kwargs, q.get("answers", []), q.get("answerable", True), gold, half_of(file)))
    return calls


def measure(calls: list[Call], rule: QuoteSettings) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, list[float]]] = {
        h: {"hit": [], "len": [], "cited": []} for h in ("A", "B", "all")
    }
    for c in calls:
        v = extractive_answer(*c.args, **c.kwargs, rule=rule)
        if v.abstained:
            continue
        quotes = [q for cit in v.citations for q in cit.quotes]
        assert all(q in cit.passage.text for cit in v.citations for q in cit.quotes)  # verbatim
        p = v.citations[0].passage
        for h in (c.half, "all"):
            r = rows[h]
            r["cited"].append(float((p.file, p.kind, p.number) in c.gold))
            r["len"].append(float(sum(len(q) for q in quotes)))
            if c.answerable:
                r["hit"].append(float(any(_fold(ans) in _fold(q) for ans in c.answers for q in quotes)))
    return {
        h: {
            "answer_in_quote": float(np.mean(r["hit"])),
            "median": float(np.median(r["len"])),
            "p90": float(np.percentile(r["len"], 90)),
            "citation_precision": float(np.mean(r["cited"])),
            "answered": len(r["len"]),
        }
        for h, r in rows.items()
    }


def variants() -> dict[str, QuoteSettings]:
    # The fitted sentence ranking, with the quoting rule at its plainest: the best sentence alone.
    plain = replace(
        QuoteSettings.fitted(),
        widen_to=1,
        min_sentence_chars=0,
        anaphora=frozenset(),
        second_margin=math.inf,
        max_quote_chars=450,
        max_quotes_chars=700,
    )
    today = replace(plain, widen_to=3, max_quote_chars=450, max_quotes_chars=700)
    alone = replace(plain, second_margin=-1.0, max_quote_chars=450, max_quotes_chars=450)
    out: dict[str, QuoteSettings] = {"today: widened to 3 sentences / 450, + second / 700": today}
    out["best sentence alone"] = alone
    out["+ predecessor of a pronoun-led sentence"] = replace(alone, anaphora=PRONOUNS)
    out["+ pronouns and possessives"] = replace(alone, anaphora=PRONOUNS | POSSESSIVES)
    for n in (40, 60, 80):
        out[f"+ pronouns, + neighbour under {n} chars"] = replace(
            alone, anaphora=PRONOUNS, min_sentence_chars=n
        )
    for margin in (0.05, 0.1, 0.15, 0.2, 0.3, 1000.0):
        for cap in (450, 600):
            out[f"pronouns, 40, + second within {margin} / {cap}"] = replace(
                alone, anaphora=PRONOUNS, min_sentence_chars=40, second_margin=margin, max_quotes_chars=cap
            )
    for cap in (250, 300, 350):
        out[f"pronouns, 40, + second within 0.1 / {cap}"] = replace(
            alone,
            anaphora=PRONOUNS,
            min_sentence_chars=40,
            second_margin=0.1,
            max_quote_chars=cap,
            max_quotes_chars=cap,
        )
    out["default (extract.toml)"] = QuoteSettings.fitted()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("questions", type=Path)
    ap.add_argument("--cache", type=Path, help="keep the recorded calls here (pickle)")
    ap.add_argument("--only", help="measure only the variants whose name holds this text")
    args = ap.parse_args()
    if args.cache and args.cache.exists():
        calls = pickle.loads(args.cache.read_bytes())
    else:
        calls = record(args.index, args.questions)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(calls))
    print(f"{len(calls)} answered questions; half A {sum(c.half == 'A' for c in calls)}")
    print(f"{'variant':<56} | half | in quote | median | p90 | citation precision")
    for name, rule in variants().items():
        if args.only and args.only not in name:
            continue
        for h, m in measure(calls, rule).items():
            print(
                f"{name:<56} | {h:>4} | {m['answer_in_quote']:.3f} | {m['median']:6.0f} |"
                f" {m['p90']:4.0f} | {m['citation_precision']:.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
