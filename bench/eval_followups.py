"""Score follow-up rewriting (and English → French translation) on bench/data/followups.jsonl.

    python bench/eval_followups.py                      # the rules alone (no model)
    BRIEFING_MODELS_DIR=/tmp/bm-cache python bench/eval_followups.py \
        --llm qwen2.5-coder-0.5b-instruct-q4_k_m --llm qwen2.5-coder-1.5b-instruct-q4_k_m
    python bench/eval_followups.py --translate --llm …  # the translation cases too

A rewrite is correct when a standalone question comes back unchanged and a follow-up's rewrite
contains every `must_contain` word (case-insensitive, accents kept; "a|b" accepts either) and
none of `must_not_contain`. A translation is correct when it contains every `must_contain` word.
Each reader prints correct / total, its failures and the per-question latency (p50, max; and
the p50 of the follow-ups alone, the questions a model is asked about).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer.rewrite import Turn, standalone_question  # noqa: E402
from assistant.answer.translate import translate  # noqa: E402
from assistant.models.llm import Generator  # noqa: E402

DATA = ROOT / "bench" / "data" / "followups.jsonl"


def language_of(question: str) -> str:
    from index.parse.language import detect_language

    return detect_language(question, default="fr" if " ?" in question else "en")


def has(text: str, word: str) -> bool:
    return any(alt.casefold() in text.casefold() for alt in word.split("|"))


def rewrite_ok(case: dict[str, Any], out: str) -> bool:
    expected = case["expected"]
    if expected["standalone"]:
        return out == case["question"]
    return all(has(out, w) for w in expected["must_contain"]) and not any(
        has(out, w) for w in expected.get("must_not_contain", [])
    )


def report(label: str, results: list[tuple[bool, float, str]], cases: list[dict[str, Any]]) -> float:
    good = sum(ok for ok, _, _ in results)
    times = [ms for _, ms, _ in results]
    print(
        f"\n== {label}: {good} / {len(results)} correct ({100 * good / len(results):.0f} %), "
        f"latency p50 {statistics.median(times):.0f} ms, max {max(times):.0f} ms"
    )
    asked = [
        ms
        for (_, ms, _), c in zip(results, cases, strict=True)
        if not c.get("expected", {}).get("standalone")
    ]
    if len(asked) < len(times):
        carried = sum(
            out.startswith(f"{c['question']} (") for (_, _, out), c in zip(results, cases, strict=True)
        )
        print(
            f"   follow-ups alone ({len(asked)}): p50 {statistics.median(asked):.0f} ms; "
            f"{carried} carried over by the rules (no model, or its rewrite refused)"
        )
    for (ok, _, out), case in zip(results, cases, strict=True):
        if not ok:
            history = " | ".join(t["question"] for t in case.get("history", []))
            print(
                f"  FAIL [{case.get('kind', 'translate')}] {history} → {case['question']}\n       got: {out}"
            )
    return good / len(results)


def run_rewrites(cases: list[dict[str, Any]], generator: Generator | None) -> list[tuple[bool, float, str]]:
    results = []
    for case in cases:
        history = [Turn(t["question"], t.get("answer", "")) for t in case["history"]]
        start = time.perf_counter()
        out = standalone_question(case["question"], history, language_of(case["question"]), generator)
        results.append((rewrite_ok(case, out), 1000 * (time.perf_counter() - start), out))
        if generator is not None:
            print(f"  {'ok  ' if results[-1][0] else 'FAIL'} {results[-1][1]:6.0f} ms  {out}", flush=True)
    return results


def run_translations(cases: list[dict[str, Any]], generator: Generator) -> list[tuple[bool, float, str]]:
    results = []
    for case in cases:
        start = time.perf_counter()
        out = translate(case["question"], case.get("target", "fr"), generator) or ""
        ok = bool(out) and all(has(out, w) for w in case["must_contain"])
        results.append((ok, 1000 * (time.perf_counter() - start), out))
        print(f"  {'ok  ' if ok else 'FAIL'} {results[-1][1]:6.0f} ms  {out}", flush=True)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--llm", action="append", default=[], help="a registry name or .gguf path (repeatable)")
    ap.add_argument("--no-rules", action="store_true", help="skip the no-model run")
    ap.add_argument("--translate", action="store_true", help="also score the translation cases")
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    conversations = [r for r in rows if "history" in r]
    translations = [r for r in rows if r.get("task") == "translate"]
    french = sum(language_of(r["question"]) == "fr" for r in conversations)
    print(
        f"{len(conversations)} conversations ({french} French, {len(conversations) - french} English, "
        f"{sum(r['expected']['standalone'] for r in conversations)} stand alone), "
        f"{len(translations)} translations"
    )
    if not args.no_rules:
        report("rules (no model)", run_rewrites(conversations, None), conversations)
    for name in args.llm:
        from assistant.models.llm import LlamaCppGenerator
        from assistant.models.resolve import resolve_llm

        gen = LlamaCppGenerator(resolve_llm(name), n_ctx=2048)
        report(f"{name}: rewrite", run_rewrites(conversations, gen), conversations)
        if args.translate:
            report(f"{name}: translate", run_translations(translations, gen), translations)


if __name__ == "__main__":
    main()
