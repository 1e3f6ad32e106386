"""Retrieval quality of `search` on a questions file (PIAF dev set format).

    python bench/eval_retrieval.py [--briefings DIR] [--questions FILE] [--index DIR]

Builds (or updates) an index of the briefings, runs every answerable question through the
same Searcher the CLI uses, and prints recall@1, recall@5 and MRR@10 against the gold
bullet (or footnote).

With --rerank, the top 5 are reordered as `ask` does (assistant/answer/rerank.py: the embedded GGUF's
likelihood of the question after each passage) when the search is unsure (its first passage
leads the second by less than --margin, default rerank.MARGIN; `--margin inf`: always); about
3 s per question reranked on 2 cores, so use --limit for a random sample (seed 0), and the same
sample is measured without reranking. --cache FILE keeps each question's log-likelihoods (JSON
lines, keyed by the question and its top passages), so a run resumes and other margins and
weights (--weight, default rerank.WEIGHT) cost nothing. --depth 10 reranks the top 10 instead
(twice the cost), which can also change recall@5.
With --translate, a question not in the briefings' language is searched with the embedded GGUF's
translation beside it, as `search` and `ask` do by default (assistant/answer/translate.py; bench/english_questions.py).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer.rerank import LikelihoodReranker  # noqa: E402
from assistant.factory import open_assistant  # noqa: E402
from assistant.models.loading import load_embedder  # noqa: E402
from assistant.settings import RerankSettings, Settings  # noqa: E402
from index.search.hybrid import FusionWeights, Hit  # noqa: E402
from index.store.builder import update_index  # noqa: E402

FITTED = RerankSettings.fitted()

DEV = ROOT.parent / "shared" / "eval" / "piaf-dev"


def gold_ids(q: dict) -> set[tuple[str, str, int]]:
    out = set()
    for g in q.get("gold", []):
        if "bullet" in g:
            out.add((g["file"], "bullet", int(g["bullet"])))
        if "footnote" in g:
            out.add((g["file"], "footnote", int(g["footnote"])))
    return out


class LoglikCache:
    """Log-likelihoods of a question after each of its top passages, in a JSON-lines file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.known: dict[tuple[str, tuple[tuple[str, str, int], ...]], list[float]] = {}
        if path is not None and path.exists():
            for line in path.read_text().splitlines():
                r = json.loads(line)
                self.known[self.key(r["question"], r["keys"])] = r["ll"]

    @staticmethod
    def key(question: str, keys: list[list[Any]]) -> tuple[str, tuple[tuple[str, str, int], ...]]:
        return question, tuple((str(f), str(k), int(n)) for f, k, n in keys)

    def logliks(
        self, reranker: LikelihoodReranker, question: str, hits: list[Hit], language: str
    ) -> list[float]:
        keys = [[h.file, h.kind, h.number] for h in hits]
        key = self.key(question, keys)
        found = self.known.get(key)
        if found is None:
            found = reranker.logliks(question, hits, language)
            self.known[key] = found
            if self.path is not None:
                with self.path.open("a") as f:
                    f.write(
                        json.dumps({"question": question, "keys": keys, "ll": found}, ensure_ascii=False)
                        + "\n"
                    )
        return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--briefings", type=Path, default=DEV / "briefings")
    ap.add_argument("--questions", type=Path, default=DEV / "questions.jsonl")
    ap.add_argument("--index", type=Path, default=Path("/tmp/briefing-eval-index"))
    ap.add_argument("--weights", help="JSON of FusionWeights fields to override")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--rerank", action="store_true", help="also measure with LLM reranking of the top 5")
    ap.add_argument("--depth", type=int, default=FITTED.depth, help="passages reranked (default %(default)s)")
    ap.add_argument(
        "--margin",
        type=float,
        default=FITTED.margin,
        help="fused-score lead that keeps the search order (inf: none)",
    )
    ap.add_argument(
        "--weight", type=float, default=FITTED.weight, help="per nat of log-likelihood (default %(default)s)"
    )
    ap.add_argument("--cache", type=Path, help="JSON-lines cache of the reranker's log-likelihoods")
    ap.add_argument("--limit", type=int, help="a random sample of this many answerable questions (seed 0)")
    ap.add_argument("--translate", action="store_true", help="search other-language questions translated too")
    ap.add_argument(
        "--translator", help="the LLM that translates, a name from models.txt (default: the embedded GGUF)"
    )
    args = ap.parse_args()

    weights = FusionWeights(**json.loads(args.weights)) if args.weights else None
    settings = replace(Settings.load(index=args.index, llm=args.translator), fusion=weights)
    embedder = load_embedder(settings.embedder_for())
    update_index(args.index, [args.briefings], embedder)
    questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    answerable = [q for q in questions if q.get("answerable", True) and q.get("gold")]
    if args.limit:
        answerable = random.Random(0).sample(answerable, min(args.limit, len(answerable)))
    # The search's first stages as `search` runs them (understanding, the translation only with
    # --translate, so that a run on questions in the briefings' language needs no LLM), reranked
    # here rather than by the pipeline: the top --depth of the top 10, with the --cache of
    # log-likelihoods, at the --margin and --weight asked for.
    searching = open_assistant(
        settings.with_answer(rerank=False, translate=args.translate),
        llm=args.translate,
        embedder=embedder,
        reader=None,
    )
    reranker = None
    if args.rerank:
        generator = searching.generator
        if generator is None or args.translator:  # the default GGUF scores, whoever translates
            generator = open_assistant(
                Settings.load(index=args.index), searcher=searching.searcher, reader=None
            ).generator
        reranker = LikelihoodReranker(generator, weight=args.weight, margin=args.margin)
    cache = LoglikCache(args.cache)
    scored = 0
    translated = 0
    ranks: dict[str, list[int | None]] = {"search": [], "reranked": []}
    seconds = {"search": 0.0, "reranked": 0.0}
    for q in answerable:
        gold = gold_ids(q)
        t0 = time.perf_counter()
        hits, query = searching.search(q["question"], 10)
        translated += query.translation is not None
        probe, language = query.text, query.text_language
        t1 = time.perf_counter()
        seconds["search"] += t1 - t0
        orders = {"search": hits}
        if reranker is not None:
            top = hits[: args.depth]
            if not reranker.settled(top):
                scored += 1
                top = reranker.reorder(top, cache.logliks(reranker, probe, top, language))
            orders["reranked"] = top + hits[args.depth :]
            seconds["reranked"] += time.perf_counter() - t0
        for name, found in orders.items():
            keys = [(h.file, h.kind, h.number) for h in found]
            ranks[name].append(next((i + 1 for i, key in enumerate(keys) if key in gold), None))
    n = len(answerable)
    result: dict[str, object] = {"questions": n}
    for name, rs in ranks.items():
        if not rs:
            continue
        prefix = "" if name == "search" else "reranked_"
        at1, at5 = sum(r == 1 for r in rs), sum(r is not None and r <= 5 for r in rs)
        result[prefix + "recall@1"] = round(at1 / n, 3)
        result[prefix + "recall@5"] = round(at5 / n, 3)
        result[prefix + "hits@1_5"] = (at1, at5)
        result[prefix + "mrr@10"] = round(sum(1 / r for r in rs if r) / n, 3)
        result[prefix + "ms_per_query"] = round(1000 * seconds[name] / n, 1)
    result["rerank_depth"] = args.depth if reranker is not None else None
    result["rerank_margin"] = args.margin if reranker is not None else None
    result["rerank_weight"] = args.weight if reranker is not None else None
    result["reranked_questions"] = scored if reranker is not None else None
    result["translated"] = translated if args.translate else None
    result["weights"] = searching.searcher.weights.__dict__
    print(json.dumps(result) if args.json else "\n".join(f"{k:>22}: {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
