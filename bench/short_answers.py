"""Short answers on held-out dev questions: the quote alone and the reader's short answer, side by side, in one run.

    python bench/short_answers.py --index /tmp/ix                  # 600 questions, about 75 minutes
    python bench/short_answers.py --index /tmp/ix --n 100 --records /tmp/short.jsonl
    python bench/short_answers.py --index /tmp/ix --reader-only    # the second pass alone

The sample: every unanswerable dev question (160) and answerable ones up to --n, drawn with seed
0 from the questions the reader's prompt was not tuned on (the tuning set is the TUNED_N
answerable questions drawn with TUNED_SEED). One assistant, with the default LLM (it reranks
and feeds the gate), answers every question twice: first without a reader (the quote alone, the
answer before short answers), then with the reader (default: the first installed instruct
reader). The passes run one after the other, each after one warm-up question that is not
counted, so neither warms the other's caches (the query-embedding cache holds 32 questions).
Everything before the reader is the same code in both passes, so citation precision, answer in
quote and abstention should agree; a difference would be a bug.

Prints eval's measures (assistant/cli/eval.py) as a Markdown table, one column per pass;
--records writes each answer (question, gold answers, short answer, quotes, timings) as JSON lines.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.cli.eval import load_questions, measure, sample  # noqa: E402
from assistant.factory import open_assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402

QUESTIONS = ROOT.parent / "shared" / "eval" / "piaf-dev" / "questions.jsonl"
# The answerable questions the reader's prompt and window were chosen on (docs/quality.md).
TUNED_SEED, TUNED_N = 7, 120
ROWS = (
    ("questions", "questions"),
    ("answered", "answered"),
    ("verified_quote_share", "verified verbatim quote"),
    ("short_inside_quote", "short answer inside its quote"),
    ("short_answer_share", "answerable questions with a short answer"),
    ("short_answer_f1", "short-answer F1 (answerable)"),
    ("short_answer_em", "short-answer exact match (answerable)"),
    ("short_answer_f1_given", "F1 where a short answer is given"),
    ("citation_precision", "citation precision"),
    ("answer_in_quote", "gold answer in the quote"),
    ("quote_chars_p50", "quote characters p50"),
    ("abstention_precision", "abstention precision"),
    ("abstention_recall", "abstention recall"),
    ("first_token_ms_p50", "first token p50 (ms)"),
    ("first_token_ms_p95", "first token p95 (ms)"),
    ("short_ms_p50", "reader p50 (ms)"),
    ("short_ms_p95", "reader p95 (ms)"),
    ("total_ms_p50", "total p50 (ms)"),
    ("total_ms_p95", "total p95 (ms)"),
)


def tuning_indices(rows: list[dict[str, Any]]) -> list[int]:
    """Where the reader's tuning questions are in `rows`, in the order they were drawn."""
    answerable = [k for k, q in enumerate(rows) if q.get("answerable", True)]
    return random.Random(TUNED_SEED).sample(answerable, min(TUNED_N, len(answerable)))


def held_out(rows: list[dict[str, Any]], n: int, seed: int = 0) -> list[dict[str, Any]]:
    """Every unanswerable question and answerable ones up to `n` in all, none of the tuning set,
    in the file's order."""
    tuned = set(tuning_indices(rows))
    return sample([q for k, q in enumerate(rows) if k not in tuned], n, keep_unanswerable=True, seed=seed)


def record(out: Any, label: str) -> Any:
    def write(q: dict[str, Any], a: Any) -> None:
        out.write(
            json.dumps(
                {
                    "pass": label,
                    "question": q["question"],
                    "answerable": q.get("answerable", True),
                    "answers": q.get("answers", []),
                    "abstained": a.abstained,
                    "short_answer": a.short_answer,
                    "quotes": [qt for c in a.citations for qt in c["quotes"]],
                    "timings": a.timings,
                },
                ensure_ascii=False,
            )
            + "\n"
        )
        out.flush()

    return write


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    ap.add_argument("--n", type=int, default=600, help="questions in all (every unanswerable one included)")
    ap.add_argument("--reader", help="the reader (default: the first installed instruct reader)")
    ap.add_argument("--records", type=Path, help="write each answer of both passes as JSON lines")
    ap.add_argument("--json", action="store_true", help="both passes' measures as one JSON object")
    ap.add_argument(
        "--reader-only",
        action="store_true",
        help="skip the quote-alone pass (for a change after the reader, which that pass does not run)",
    )
    args = ap.parse_args()

    rows = held_out(load_questions(args.questions), args.n)
    assistant = open_assistant(Settings.load(index=args.index, reader=args.reader))
    reader = assistant.reader
    if reader is None:
        raise SystemExit("no reader is installed: pip install -e '.[reader]'")
    unanswerable = sum(not q.get("answerable", True) for q in rows)
    print(f"{len(rows)} questions ({unanswerable} unanswerable); reader {reader.name}", file=sys.stderr)
    out = args.records.open("w", encoding="utf-8") if args.records else None
    results: dict[str, dict[str, Any]] = {}
    passes = [("quote alone", None), ("short answer", reader)][1 if args.reader_only else 0 :]
    for label, with_reader in passes:
        assistant.reader = with_reader
        assistant.ask(rows[0]["question"])  # warm-up: models loaded, the reader's fixed prompt cached
        print(f"{label} ...", file=sys.stderr, flush=True)
        results[label] = measure(assistant, rows, record(out, label) if out else None)
    if out:
        out.close()
    if args.json:
        print(json.dumps(results))
        return
    labels = list(results)
    print("| measure | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(labels))
    for key, name in ROWS:
        print(f"| {name} | " + " | ".join(str(results[lab].get(key)) for lab in labels) + " |")
    print(f"\nLLM {results[labels[-1]]['llm']}, reader {results[labels[-1]]['reader']}")


if __name__ == "__main__":
    main()
