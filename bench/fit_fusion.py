"""Fit the hybrid search's fusion weights (index/search/fusion.toml) on a questions file.

    python bench/fit_fusion.py --index DEV_INDEX [--questions FILE] [--write]

Every signal of `Searcher.scores` (word BM25, briefing BM25, character 4-grams, dense cosine,
the footnote factor) is computed once per answerable question over every passage, so any
weights are scored in numpy without searching again. Coordinate ascent on MRR@10 (words fixed
at 1: only the ratios count), from today's weights, over a grid per weight. Checked by two-fold
cross-validation split by briefing: weights fitted on one half are scored on the other, and the
held-out figures are printed beside today's weights on the same half. With --write, the weights
fitted on all questions replace the values in fusion.toml (its comments kept). --other FILE
measures, without fitting on them, questions in another language than the briefings' (the
English dev questions written by bench/english_questions.py) with today's and the fitted weights.

The grams are scaled over all passages here, not over the candidates as in a search; the small
difference is why the final figures come from bench/eval_retrieval.py.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_retrieval import DEV, gold_ids  # noqa: E402

from assistant.models.loading import load_embedder  # noqa: E402
from assistant.settings import Settings, default_embedder  # noqa: E402
from index.search.hybrid import FusionWeights, Searcher, _scaled  # noqa: E402
from index.store.lexical import with_bigrams, without_question_words  # noqa: E402
from index.store.representation import char_grams  # noqa: E402

FUSION_TOML = ROOT / "index" / "search" / "fusion.toml"
FITTED = ("grams", "briefing", "dense", "footnote")
GRID = {
    "grams": [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0],
    "briefing": [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0],
    "dense": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 16.0],
    "footnote": [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
}


class Signals:
    """Each question's per-passage signals, stacked: (questions, passages) arrays."""

    def __init__(self, searcher: Searcher, questions: list[dict]) -> None:
        assert searcher.words is not None and searcher.grams is not None and searcher.briefs is not None
        rows = np.arange(searcher.size)
        keys = [(h.file, h.kind, h.number) for h in searcher.hits(rows, np.zeros(len(rows)))]
        where = {key: i for i, key in enumerate(keys)}
        self.footnote = np.asarray(searcher.is_footnote, dtype=bool)
        self.briefing_of = [k[0] for k in keys]
        words, briefs, grams, dense, gold, files = [], [], [], [], [], []
        for q in questions:
            tokens = list(searcher.query_tokens(q["question"]))
            words.append(_scaled(searcher.words.scores(with_bigrams(tokens))))
            briefs.append(_scaled(searcher.briefs.scores(tokens))[searcher.briefing_of])
            text = without_question_words(q["question"], searcher.languages)
            grams.append(_scaled(searcher.grams.scores_of(char_grams(text), rows)))
            dense.append(searcher.embeddings @ searcher.query_vector(q["question"]))
            gold.append([where[k] for k in gold_ids(q) if k in where])
            files.append(q["gold"][0]["file"])
        self.words, self.briefs = np.asarray(words, np.float32), np.asarray(briefs, np.float32)
        self.grams, self.dense = np.asarray(grams, np.float32), np.asarray(dense, np.float32)
        self.gold, self.files = gold, files

    def ranks(self, w: FusionWeights, which: np.ndarray) -> list[int | None]:
        """The gold passage's rank in the top 10 for the questions `which` (None: not there)."""
        fused = (
            w.words * self.words[which]
            + w.briefing * self.briefs[which]
            + w.grams * self.grams[which]
            + w.dense * self.dense[which]
        )
        fused = np.where(self.footnote[None, :], fused * w.footnote, fused)
        top = np.argsort(-fused, axis=1, kind="stable")[:, :10]
        out: list[int | None] = []
        for i, q in enumerate(which):
            gold = set(self.gold[q])
            out.append(next((r + 1 for r, row in enumerate(top[i]) if row in gold), None))
        return out


def measures(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "recall@1": round(sum(r == 1 for r in ranks) / n, 3),
        "recall@5": round(sum(r is not None and r <= 5 for r in ranks) / n, 3),
        "mrr@10": round(sum(1 / r for r in ranks if r) / n, 4),
    }


def mrr(signals: Signals, w: FusionWeights, which: np.ndarray) -> float:
    return measures(signals.ranks(w, which))["mrr@10"]


def ascend(signals: Signals, start: FusionWeights, which: np.ndarray, rounds: int = 3) -> FusionWeights:
    """Coordinate ascent on MRR@10: each weight in turn set to its best grid value, until stable."""
    best, score = start, mrr(signals, start, which)
    for _ in range(rounds):
        moved = False
        for name in FITTED:
            for value in GRID[name]:
                trial = replace(best, **{name: value})
                s = mrr(signals, trial, which)
                if s > score + 1e-6:
                    best, score, moved = trial, s, True
        if not moved:
            break
    return best


def folds(files: list[str], seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two halves of the questions, split by briefing (a briefing's questions stay together)."""
    names = sorted(set(files))
    random.Random(seed).shuffle(names)
    first = set(names[: len(names) // 2])
    a = np.array([i for i, f in enumerate(files) if f in first])
    b = np.array([i for i, f in enumerate(files) if f not in first])
    return a, b


def write(weights: FusionWeights, embedder: str, path: Path = FUSION_TOML) -> str:
    """Replace the `name = value` lines of the embedder's part of fusion.toml (the top for the
    default embedder, else its `[embedder."NAME"]` table, added if missing), keeping the comments;
    returns where they went."""
    text = path.read_text(encoding="utf-8")
    header = f'[embedder."{embedder}"]'
    if embedder == default_embedder():
        start, header = 0, "the top"
    elif header in text:
        start = text.index(header)
    else:
        text = (
            text.rstrip("\n")
            + f"\n\n{header}\nwords = {weights.words}\n"
            + "".join(f"{name} = 0\n" for name in FITTED)
        )
        start = text.index(header)
    end = text.find("\n[", start + 1)
    end = len(text) if end < 0 else end
    part = text[start:end]
    for name in FITTED:
        part = re.sub(rf"(?m)^{name} = .*$", f"{name} = {getattr(weights, name)}", part, count=1)
    path.write_text(text[:start] + part + text[end:], encoding="utf-8")
    return f"{path.relative_to(ROOT)} ({header})"


def answerable(path: Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        q for q in map(json.loads, filter(str.strip, lines)) if q.get("answerable", True) and q.get("gold")
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--questions", type=Path, default=DEV / "questions.jsonl")
    ap.add_argument("--write", action="store_true", help="write the weights fitted on all questions")
    ap.add_argument("--other", type=Path, help="questions measured only, e.g. in another language")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    settings = Settings.load(index=args.index)
    searcher = Searcher(args.index, load_embedder(settings.embedder_for()))
    questions = answerable(args.questions)
    signals = Signals(searcher, questions)
    today = FusionWeights.for_embedder(searcher.embedder.name)
    everyone = np.arange(len(questions))
    report: dict[str, object] = {"questions": len(questions), "embedder": searcher.embedder.name}
    held_out: dict[str, list[int | None]] = {"today": [], "fitted": []}
    a, b = folds(signals.files)
    for train, test in ((a, b), (b, a)):
        fitted = ascend(signals, today, train)
        held_out["today"] += signals.ranks(today, test)
        held_out["fitted"] += signals.ranks(fitted, test)
        report.setdefault("fold_weights", []).append({k: getattr(fitted, k) for k in FITTED})  # type: ignore[union-attr]
    report["held_out_today"] = measures(held_out["today"])
    report["held_out_fitted"] = measures(held_out["fitted"])
    final = ascend(signals, today, everyone)
    report["weights"] = {k: v for k, v in asdict(final).items() if k != "candidates"}
    report["all_today"] = measures(signals.ranks(today, everyone))
    report["all_fitted"] = measures(signals.ranks(final, everyone))
    if args.other:
        other = Signals(searcher, answerable(args.other))
        which = np.arange(len(other.gold))
        report["other_today"] = measures(other.ranks(today, which))
        report["other_fitted"] = measures(other.ranks(final, which))
    if args.write:
        report["written"] = write(final, searcher.embedder.name)
    print(json.dumps(report) if args.json else "\n".join(f"{k:>18}: {v}" for k, v in report.items()))


if __name__ == "__main__":
    main()
