"""Fit when the short answer's sentence replaces the wider quote (assistant/answer/tighten.toml).

    python bench/fit_tighten.py --index /tmp/ix            # about 8 minutes: prints the grid
    python bench/fit_tighten.py --index /tmp/ix --write    # and rewrites tighten.toml

The questions are the reader's tuning set (bench/short_answers.py: the TUNED_N answerable dev
questions drawn with TUNED_SEED), so the held-out questions of bench/short_answers.py measure
the choice. Each goes through the pipeline once, with the default LLM and reader; the extractive
answer and the short answer (with the reader's confidence) are kept as they reach
`tighten`, and every setting of the grid narrows the same answers. For each setting: the share of
answered questions whose quotes hold a gold answer (eval's measure) and the median quote length
(an answer's quotes added up). The choice: the highest share with a median under MEDIAN_BELOW
characters, then the shortest median.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from short_answers import QUESTIONS, tuning_indices  # noqa: E402

from assistant.answer.stages import narrow  # noqa: E402
from assistant.answer.tighten import tighten  # noqa: E402
from assistant.cli.eval import _fold, load_questions  # noqa: E402
from assistant.factory import open_assistant  # noqa: E402
from assistant.settings import NarrowSettings, Settings  # noqa: E402

TOML = ROOT / "assistant" / "answer" / "tighten.toml"
CONFIDENCES = (-math.inf, -4.0, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, math.inf)  # inf: never narrowed
MAX_CHARS = (150, 200, 250, 300, 350)
MEDIAN_BELOW = 250


def record(index: Path, reader: str | None, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """(gold answers, verified, short answer, language) for each answered question."""
    assistant = open_assistant(Settings.load(index=index, reader=reader))
    if assistant.reader is None:
        raise SystemExit("no reader is installed: pip install -e '.[reader]'")
    seen: list[tuple[Any, ...]] = []

    def spy(verified: Any, short: Any, language: str, *args: Any, **kwargs: Any) -> Any:
        seen.append((verified, short, language))
        return tighten(verified, short, language, *args, **kwargs)

    narrow.tighten = spy  # type: ignore[assignment]
    kept = []
    for k, q in enumerate(rows, 1):
        seen.clear()
        answer = assistant.ask(q["question"])
        if not answer.abstained and seen:
            kept.append((q.get("answers", []), *seen[0]))
        print(f"\r{k}/{len(rows)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return kept


def score(kept: list[tuple[Any, ...]], min_confidence: float, max_chars: int) -> tuple[float, float]:
    held, lengths = [], []
    for answers, verified, short, language in kept:
        quotes = [
            q
            for c in tighten(verified, short, language, NarrowSettings(min_confidence, max_chars)).citations
            for q in c.quotes
        ]
        held.append(any(_fold(a) in _fold(q) for a in answers for q in quotes))
        lengths.append(sum(len(q) for q in quotes))
    return sum(held) / len(held), statistics.median(lengths)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    ap.add_argument("--reader", help="the reader (default: the first installed instruct reader)")
    ap.add_argument("--write", action="store_true", help="write the choice into tighten.toml")
    args = ap.parse_args()

    rows = load_questions(args.questions)
    kept = record(args.index, args.reader, [rows[k] for k in tuning_indices(rows)])
    print(
        f"{len(kept)} answered questions\n\n| least confidence | max chars | gold answer in quote | median quote |"
    )
    print("|---|---|---|---|")
    grid = []
    for confidence in CONFIDENCES:
        for chars in MAX_CHARS:
            held, median = score(kept, confidence, chars)
            grid.append((held, -median, confidence, chars))
            print(f"| {confidence} | {chars} | {held:.3f} | {median:.0f} |")
    allowed = [g for g in grid if -g[1] < MEDIAN_BELOW] or grid
    held, median, confidence, chars = max(allowed)
    print(f"\nchosen: MIN_CONFIDENCE = {confidence}, MAX_CHARS = {chars} ({held:.3f}, median {-median:.0f})")
    if args.write:
        text = TOML.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^MIN_CONFIDENCE = .*$", f"MIN_CONFIDENCE = {confidence}", text)
        text = re.sub(r"(?m)^MAX_CHARS = .*$", f"MAX_CHARS = {chars}", text)
        TOML.write_text(text, encoding="utf-8")
        print(f"written to {TOML}")


if __name__ == "__main__":
    main()
