"""Fit the abstention gate's likelihood-gain rule (assistant/answer/gate.py) on a PIAF dev sample.

    nice -n 19 python bench/fit_llm_gate.py --index /tmp/ix2            # about 3 s a question
    python bench/fit_llm_gate.py --index /tmp/ix2 --answerable 400      # the default sample
    python bench/fit_llm_gate.py --index /tmp/ix2 --write               # and write it to gate.toml

When the embedded GGUF is in process, the gate gets a fourth signal, the likelihood gain:
max over the top 5 passages of log P(question | passage) − log P(question), in nats, with
the reranker's prompts (prompts/rerank, prompts/prior), per token of the question
(`LikelihoodReranker.gain`; the total in nats is kept in the cache as `gain`, the count as
`tokens`). It costs one forward pass per
passage, so it is measured on every unanswerable question (160) and a random sample of the
answerable ones (seed 0), each answerable question weighted to stand for its share of all
3,675; precision, recall and "answerable refused" are estimates for the whole set.

Features go through the code the assistant runs: `Searcher.search` (k=5), `gate.evidence`
(three signals, and the names no briefing mentions, which refuse whatever the score) and
`LikelihoodReranker.logliks` / `.prior`. They are appended to a JSON-lines cache as they are
measured (bench/results/gate_llm_features.jsonl), so an interrupted run resumes.

The fit and cross-validation are bench/fit_gate.py's (logistic regression, threshold at best
F1, folds grouped by article), with the sample weights. The script prints, on the same
sample: the three-signal constants in force, the four-signal fit as the lines of
assistant/answer/gate.toml it would change (LIKELIHOOD_MODEL, the model that measured the gain,
and the L_* constants), and held-out figures of both rules fitted on each fold's complement.
--write puts those lines in the file; the three-signal rule's lines stay as they are.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import fit_gate  # noqa: E402

from assistant.answer import gate  # noqa: E402
from assistant.settings import GateSettings  # noqa: E402

SIGNALS = ("coverage", "lexical", "cosine", "gain/token")
CONSTANTS = ("L_COVERAGE", "L_LEXICAL", "L_COSINE", "L_GAIN")


def sample(questions: list[dict[str, Any]], n_answerable: int, seed: int) -> list[dict[str, Any]]:
    """Every unanswerable question and n answerable ones, in the file's order."""
    answerable = [i for i, q in enumerate(questions) if q.get("answerable", True)]
    keep = set(random.Random(seed).sample(answerable, min(n_answerable, len(answerable))))
    return [q for i, q in enumerate(questions) if i in keep or not q.get("answerable", True)]


def measure(questions: list[dict[str, Any]], index_dir: Path, cache: Path) -> dict[str, dict[str, Any]]:
    """Features of each question by id, from the cache or measured and appended to it."""
    done: dict[str, dict[str, Any]] = {}
    if cache.exists():
        # A record from before the gain was taken per token lacks `tokens`: measured again.
        done = {r["id"]: r for r in map(json.loads, cache.read_text().splitlines()) if r and "tokens" in r}
    todo = [q for q in questions if q["id"] not in done]
    if not todo:
        return done
    from assistant.answer.stages.understand import question_language
    from assistant.factory import open_assistant
    from assistant.settings import Settings

    assistant = open_assistant(Settings.load(index=index_dir), reader=None)
    searcher, generator, reranker = assistant.searcher, assistant.generator, assistant.reranker
    assert reranker is not None, "the default LLM scores in process"
    cache.parent.mkdir(parents=True, exist_ok=True)
    print(f"measuring {len(todo)} questions ({len(done)} cached) ...", flush=True)
    t0 = time.perf_counter()
    with cache.open("a") as out:
        for n, q in enumerate(todo, start=1):
            question = q["question"]
            language = question_language(question, searcher.languages)
            hits = searcher.search(question, k=5)
            ev = gate.evidence(searcher, question, hits, language)
            logliks = reranker.logliks(question, hits, language)
            prior = reranker.prior(question, language)
            record = {
                "id": q["id"],
                "model": generator.name,
                "coverage": ev.coverage,
                "lexical": ev.lexical,
                "cosine": ev.cosine,
                "gain": max(logliks) - prior if logliks else 0.0,
                "tokens": reranker.scorer.token_count(question.strip()),
                "logliks": logliks,
                "prior": prior,
                "unknown": list(ev.unknown),
            }
            out.write(json.dumps(record) + "\n")
            out.flush()
            done[q["id"]] = record
            if n % 20 == 0:
                print(f"  {n}/{len(todo)}, {(time.perf_counter() - t0) / n:.1f} s a question", flush=True)
    return done


def signals(record: dict[str, Any]) -> list[float]:
    """The gate's four inputs; the gain per question token, as `LikelihoodReranker.gain` gives it."""
    return [
        record["coverage"],
        record["lexical"],
        record["cosine"],
        record["gain"] / max(1, record["tokens"]),
    ]


def constant_lines(fitted: fit_gate.Gate, model: str) -> dict[str, str]:
    """The gate.toml line of each likelihood-rule constant, for this fit."""
    lines = {"LIKELIHOOD_MODEL": f"LIKELIHOOD_MODEL = {json.dumps(model)}"}
    lines.update({name: f"{name} = {w:.3f}" for name, w in zip(CONSTANTS, fitted.weights, strict=True)})
    lines["L_GAIN"] += "  # per nat per question token"
    margin = fitted.threshold + fitted.intercept
    lines["L_THRESHOLD"] = (
        f"L_THRESHOLD = {fitted.threshold:.3f}  # intercept {-fitted.intercept:.3f} + F1-best margin {margin:.3f}"
    )
    return lines


def measured_by(records: list[dict[str, Any]]) -> str:
    """The model whose likelihoods the records hold; a record without a name is the calibrated model's."""
    models = {
        r.get("model", GateSettings.fitted(embedder="all-MiniLM-L6-v2").likelihood_model) for r in records
    }
    if len(models) != 1:
        raise SystemExit(f"the cache mixes models ({', '.join(sorted(models))}): measure with one")
    return models.pop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--index", type=Path, default=Path("/tmp/ix2"), help="index of the dev briefings")
    ap.add_argument("--questions", type=Path, default=fit_gate.DEV / "questions.jsonl")
    ap.add_argument("--answerable", type=int, default=400, help="answerable questions sampled (seed 0)")
    ap.add_argument("--cache", type=Path, default=fit_gate.RESULTS / "gate_llm_features.jsonl")
    ap.add_argument("--folds", type=int, nargs="+", default=[5, 3, 9])
    ap.add_argument("--write", action="store_true", help=f"write the fit to {GateSettings.FILE.name}")
    args = ap.parse_args()
    from assistant.settings import Settings

    embedder = Settings(index_dir=args.index).embedder_for()  # the constants are this embedder's

    everything = fit_gate.load_questions(args.questions, None)
    groups_of = dict(zip((q["id"] for q in everything), fit_gate.article_groups(everything), strict=True))
    questions = sample(everything, args.answerable, seed=0)
    features = measure(questions, args.index, args.cache)

    answerable = np.array([bool(q.get("answerable", True)) for q in questions])
    n_answerable = sum(bool(q.get("answerable", True)) for q in everything)
    weight = np.where(answerable, n_answerable / answerable.sum(), 1.0)
    X = np.array([signals(features[q["id"]]) for q in questions])
    veto = np.array([bool(features[q["id"]]["unknown"]) for q in questions])
    groups = [groups_of[q["id"]] for q in questions]
    print(
        f"\n{len(questions)} questions: {int((~answerable).sum())} unanswerable, {int(answerable.sum())} "
        f"answerable each weighted {weight[answerable][0]:.2f}; {int(veto.sum())} name something no "
        f"briefing mentions ({int((veto & ~answerable).sum())} of them unanswerable)"
    )
    for name, column in zip(SIGNALS, X.T, strict=True):
        print(
            f"  {name:9s} mean answerable {column[answerable].mean():7.3f}  "
            f"unanswerable {column[~answerable].mean():7.3f}"
        )

    rule = GateSettings.fitted(embedder=embedder)
    three = [gate.Evidence(float(c), float(lx), float(cs), rule=rule) for c, lx, cs in X[:, :3]]
    current = np.array([not e.answerable for e in three]) | veto
    print(f"\nThree-signal constants in force, this sample: {fit_gate.figures(current, answerable, weight)}")

    fitted = fit_gate.fit_gate(X, answerable, weight)
    lines = constant_lines(fitted, measured_by([features[q["id"]] for q in questions]))
    print(f"\nFour-signal fit on the whole sample (for {GateSettings.FILE.name}):")
    print("\n".join(lines.values()))
    print(f"  in-sample: {fit_gate.figures(fitted.abstains(X) | veto, answerable, weight)}")
    if args.write:
        fit_gate.write_constants(GateSettings.FILE, lines, embedder)

    for n_folds in args.folds:
        print(f"\n{n_folds}-fold cross-validation grouped by article, held out:")
        for label, cols in (("three signals", slice(0, 3)), ("four, with the gain", slice(0, 4))):
            result, _ = fit_gate.cross_validate(X[:, cols], answerable, groups, n_folds, weight, veto)
            print(f"  {label:20s} {result}")


if __name__ == "__main__":
    main()
