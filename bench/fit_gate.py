"""Fit the abstention gate (assistant/answer/gate.py) on the PIAF dev set, with grouped cross-validation.

    nice -n 19 python bench/fit_gate.py --index /tmp/ix              # full set: retrieval takes minutes
    python bench/fit_gate.py                                          # refit from the cached features
    python bench/fit_gate.py --write                                  # and write them to gate.toml
    nice -n 19 python bench/fit_gate.py --index /tmp/ix --limit 400   # first 400 questions, quick check

The fit on the whole set is printed as the lines of assistant/answer/gate.toml it would change
(W_COVERAGE, W_LEXICAL, W_COSINE, THRESHOLD); --write puts them in the file, whose other lines
(the likelihood rule, comments) stay as they are.

The index must hold the dev briefings (../shared/eval/piaf-dev/briefings, and any others the
archive has, e.g. ../shared/briefings), built with the embedder given here:
`briefing-assistant index --index /tmp/ix ../shared/eval/piaf-dev/briefings ../shared/briefings`.

Features. Every question goes through the retrieval the assistant uses (`Searcher.search`,
k=5, on the question itself: a first turn is its own standalone question) and
`assistant.answer.gate.evidence` measures the gate's three signals (coverage, lexical strength,
cosine). They are cached in a .npz (default bench/results/gate_features[-limitN].npz, with the
question ids and the index generation); a cache that does not match them is recomputed, and
`--recompute` forces it.

Fit. A logistic regression of "answerable" on the three raw signals, by Newton's method
(IRLS) with a light L2 penalty of 1/2·|w|² on the weights, not on the intercept: the same
optimum as scikit-learn's LogisticRegression() defaults (C=1). With fitted weights w and
intercept b, P(answerable) = σ(w·x + b), so the weighted sum w·x is compared with a threshold:
-b is where P(answerable) = 1/2, and the threshold is -b plus a margin. The threshold kept is
the one maximising the abstention F1 on the fitting data (a cut halfway between two
consecutive scores; ties: the one refusing fewer). The decision is gate.py's: answer when
w·x >= THRESHOLD.

Cross-validation. Folds are grouped by article, so no article's questions sit on both sides:
an answerable question's group is its gold briefing file (one per article); an unanswerable
question's is its run of consecutive unanswerable questions, which are those of the left-out
article(s) between two kept ones (one run of questions.jsonl covers two left-out articles; it
stays one group). Groups go to folds largest first, each into the fold with the fewest
questions so far (scikit-learn's GroupKFold rule). On each fold the weights and the threshold
are fitted on the other folds; held-out decisions are pooled over the folds into abstention
precision / recall / F1 and the share of answerable questions refused.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer import gate  # noqa: E402
from assistant.settings import GateSettings  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "piaf-dev"
RESULTS = ROOT / "bench" / "results"
SIGNALS = ("coverage", "lexical", "cosine")
CONSTANTS = ("W_COVERAGE", "W_LEXICAL", "W_COSINE")
L2 = 1.0  # penalty 1/2·L2·|w|² (scikit-learn's C = 1/L2)


# -- data ---------------------------------------------------------------------------------
def load_questions(path: Path, limit: int | None) -> list[dict[str, Any]]:
    questions = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return questions[:limit] if limit else questions


def article_groups(questions: list[dict[str, Any]]) -> list[str]:
    """Group of each question: its gold file, or for unanswerable ones their run of consecutive lines."""
    out: list[str] = []
    runs = 0
    previous_unanswerable = False
    for q in questions:
        if q.get("answerable", True) and q.get("gold"):
            out.append(q["gold"][0]["file"])
            previous_unanswerable = False
        else:
            runs += not previous_unanswerable
            out.append(f"(left out, run {runs})")
            previous_unanswerable = True
    return out


def index_generation(index_dir: Path) -> str:
    current = index_dir / "CURRENT"
    return f"{index_dir.resolve()}:{current.read_text().strip()}" if current.exists() else str(index_dir)


def compute_features(
    questions: list[dict[str, Any]], index_dir: Path, embedder_name: str
) -> tuple[np.ndarray, float]:
    """(n, 3) signals of each question as assistant.answer.gate.evidence measures them; seconds taken."""
    from assistant.factory import open_searcher
    from assistant.settings import Settings

    searcher = open_searcher(Settings.load(index=index_dir, embedder=embedder_name))
    X = np.zeros((len(questions), len(SIGNALS)))
    t0 = time.perf_counter()
    try:
        for i, q in enumerate(questions):
            question = q["question"]
            hits = searcher.search(question, k=5)
            ev = gate.evidence(searcher, question, hits)
            X[i] = [getattr(ev, name) for name in SIGNALS]
            if (i + 1) % 500 == 0:
                print(f"  {i + 1}/{len(questions)} questions, {time.perf_counter() - t0:.0f} s", flush=True)
    finally:
        searcher.close()
    return X, time.perf_counter() - t0


def features(args: argparse.Namespace, questions: list[dict[str, Any]]) -> np.ndarray:
    """The cached signals if they match these questions and this index, else computed and cached."""
    ids = np.array([q["id"] for q in questions])
    generation = index_generation(args.index)
    path: Path = args.features
    if path.exists() and not args.recompute:
        with np.load(path) as cached:
            if (
                cached["ids"].shape == ids.shape
                and bool((cached["ids"] == ids).all())
                and str(cached["generation"]) == generation
                and str(cached["embedder"]) == args.embedder
            ):
                print(f"features: {path} (cached; --recompute to measure again)")
                return np.asarray(cached["X"], dtype=float)
        print(f"features: {path} is for other questions or another index; recomputing")
    print(f"features: running {len(questions)} questions through {args.index} ...", flush=True)
    X, seconds = compute_features(questions, args.index, args.embedder)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, X=X, ids=ids, generation=generation, embedder=args.embedder, signals=np.array(SIGNALS))
    print(
        f"features: {seconds:.0f} s ({1000 * seconds / max(len(questions), 1):.0f} ms/question), saved to {path}"
    )
    return X


# -- model --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Gate:
    weights: np.ndarray  # on the raw signals, in SIGNALS order
    intercept: float  # P(answerable) = σ(weights·x + intercept)
    threshold: float  # answer when weights·x >= threshold

    def score(self, X: np.ndarray) -> np.ndarray:
        return X @ self.weights

    def abstains(self, X: np.ndarray) -> np.ndarray:
        return self.score(X) < self.threshold


def _loss(A: np.ndarray, y: np.ndarray, beta: np.ndarray, penalty: np.ndarray, w: np.ndarray) -> float:
    z = A @ beta
    return float(np.sum(w * (np.logaddexp(0.0, z) - y * z)) + 0.5 * beta @ (penalty * beta))


def fit_logistic(
    X: np.ndarray, y: np.ndarray, l2: float = L2, weight: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Weights and intercept minimising the log-loss + 1/2·l2·|weights|² (Newton / IRLS, step halving).

    `weight` counts each question that many times (a subsample standing for a larger set)."""
    w = np.ones(len(X)) if weight is None else weight
    A = np.hstack([X, np.ones((len(X), 1))])
    penalty = np.r_[np.full(X.shape[1], l2), 0.0]  # the intercept is not penalised
    beta = np.zeros(A.shape[1])
    loss = _loss(A, y, beta, penalty, w)
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(A @ beta)))
        grad = A.T @ (w * (p - y)) + penalty * beta
        hess = (A * (w * p * (1 - p))[:, None]).T @ A + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while t > 1e-8 and _loss(A, y, beta - t * step, penalty, w) > loss + 1e-12:
            t /= 2
        beta = beta - t * step
        loss = _loss(A, y, beta, penalty, w)
        if np.abs(t * step).max() < 1e-10:
            break
    return beta[:-1], float(beta[-1])


def f1_threshold(scores: np.ndarray, refuse: np.ndarray, weight: np.ndarray | None = None) -> float:
    """Threshold maximising the abstention F1 of "abstain when score < threshold" (refuse: true labels)."""
    order = np.argsort(scores, kind="stable")
    s, r = scores[order], refuse[order]
    w = np.ones(len(s)) if weight is None else weight[order]
    k = np.cumsum(w)  # abstain on the lowest scores, up to each one
    tp = np.cumsum(w * r)
    f1 = 2 * tp / (k + (w * r).sum())  # 2tp / (2tp + fp + fn), with tp + fp = k and tp + fn = all refusable
    cut = np.r_[s[1:] > s[:-1], True]  # only between distinct scores
    f1 = np.where(cut, f1, -1.0)
    best = int(np.argmax(f1))  # first maximum: the fewest refusals
    return float((s[best] + s[best + 1]) / 2) if best + 1 < len(s) else float(s[best] + 1e-9)


def fit_gate(X: np.ndarray, answerable: np.ndarray, weight: np.ndarray | None = None) -> Gate:
    weights, intercept = fit_logistic(X, answerable.astype(float), weight=weight)
    return Gate(weights, intercept, f1_threshold(X @ weights, ~answerable, weight))


def grouped_folds(groups: list[str], n_folds: int) -> np.ndarray:
    """Fold of each question: groups largest first, each to the fold with the fewest questions so far."""
    names, index = np.unique(np.array(groups), return_inverse=True)
    if n_folds > len(names):
        raise SystemExit(f"{n_folds} folds but only {len(names)} article groups")
    sizes = np.bincount(index)
    fold_of_group = np.zeros(len(names), dtype=int)
    load = np.zeros(n_folds)
    for g in np.argsort(sizes, kind="stable")[::-1]:
        lightest = int(np.argmin(load))
        load[lightest] += sizes[g]
        fold_of_group[g] = lightest
    return fold_of_group[index]


# -- figures ------------------------------------------------------------------------------
def figures(abstained: np.ndarray, answerable: np.ndarray, weight: np.ndarray | None = None) -> str:
    """Abstention precision / recall / F1; with `weight`, counts are weighted (estimates for the
    set the sample stands for) and printed rounded."""
    w = np.ones(len(abstained)) if weight is None else weight
    refuse = ~answerable
    tp = float(w[abstained & refuse].sum())
    fp = float(w[abstained & answerable].sum())
    fn = float(w[~abstained & refuse].sum())
    precision = tp / max(tp + fp, 1e-9)
    recall = tp / max(tp + fn, 1e-9)
    f1 = 2 * tp / max(2 * tp + fp + fn, 1e-9)
    return (
        f"P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  answerable refused "
        f"{100 * fp / max(float(w[answerable].sum()), 1e-9):.1f} %  "
        f"(abstained {tp + fp:.0f}: {tp:.0f} right, {fp:.0f} wrong)"
    )


def cross_validate(
    X: np.ndarray,
    answerable: np.ndarray,
    groups: list[str],
    n_folds: int,
    weight: np.ndarray | None = None,
    veto: np.ndarray | None = None,
) -> tuple[str, list[Gate]]:
    """Held-out figures of the gate fitted on the other folds; `veto` marks questions refused whatever the score
    (a name no briefing mentions, assistant/answer/gate.py)."""
    fold = grouped_folds(groups, n_folds)
    abstained = np.zeros(len(X), dtype=bool) if veto is None else veto.copy()
    w = np.ones(len(X)) if weight is None else weight
    gates = []
    for f in range(n_folds):
        train, test = fold != f, fold == f
        fold_gate = fit_gate(X[train], answerable[train], w[train])
        abstained[test] |= fold_gate.abstains(X[test])
        gates.append(fold_gate)
    return figures(abstained, answerable, weight), gates


def constant_lines(fitted: Gate) -> dict[str, str]:
    """The gate.toml line of each three-signal constant, for this fit."""
    lines = {name: f"{name} = {w:.2f}" for name, w in zip(CONSTANTS, fitted.weights, strict=True)}
    margin = fitted.threshold + fitted.intercept
    lines["THRESHOLD"] = (
        f"THRESHOLD = {fitted.threshold:.2f}  # intercept {-fitted.intercept:.2f} + F1-best margin {margin:.2f}"
    )
    return lines


def write_constants(path: Path, lines: dict[str, str], embedder: str | None = None) -> None:
    """Replace the `NAME = ...` line of each name in the TOML file at `path`, at its top, or in
    the `[embedder."NAME"]` table of `embedder` when it is not the default one; the other lines,
    comments among them, stay as they are."""
    from assistant.settings import default_embedder

    text = path.read_text(encoding="utf-8")
    start = 0
    if embedder is not None and embedder != default_embedder():
        header = f'[embedder."{embedder}"]'
        if header not in text:
            raise SystemExit(f"{path} has no {header} table: add one with the names to write")
        start = text.index(header)
    end = text.find("\n[", start + 1)
    end = len(text) if end < 0 else end
    part = text[start:end]
    for name, line in lines.items():
        found = list(re.finditer(rf"^{re.escape(name)}\s*=.*$", part, flags=re.M))
        if len(found) != 1:
            raise SystemExit(f"{path}: {len(found)} lines set {name} there, expected one")
        part = part[: found[0].start()] + line + part[found[0].end() :]
    text = text[:start] + part + text[end:]
    tomllib.loads(text)  # still valid TOML
    path.write_text(text, encoding="utf-8")
    print(f"written to {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--index", type=Path, default=Path("/tmp/ix"), help="index of the dev briefings")
    ap.add_argument("--questions", type=Path, default=DEV / "questions.jsonl")
    ap.add_argument("--limit", type=int, help="only the first N questions")
    ap.add_argument("--embedder", help="the index's embedder (default: the one that built the index)")
    ap.add_argument(
        "--features", type=Path, help="feature cache (default bench/results/gate_features[-limitN].npz)"
    )
    ap.add_argument("--recompute", action="store_true", help="measure the features again even if cached")
    ap.add_argument("--folds", type=int, nargs="+", default=[5, 3, 9], help="cross-validation fold counts")
    ap.add_argument(
        "--write", action="store_true", help=f"write the whole-set fit to {GateSettings.FILE.name}"
    )
    args = ap.parse_args()
    if args.features is None:
        args.features = RESULTS / f"gate_features{f'-limit{args.limit}' if args.limit else ''}.npz"

    if args.embedder is None:
        from assistant.settings import Settings

        args.embedder = Settings(index_dir=args.index).embedder_for()
    questions = load_questions(args.questions, args.limit)
    answerable = np.array([bool(q.get("answerable", True)) for q in questions])
    groups = article_groups(questions)
    X = features(args, questions)
    n_groups = len(set(groups))
    print(
        f"\n{len(questions)} questions, {int((~answerable).sum())} unanswerable, {n_groups} article groups "
        f"({len({g for g, a in zip(groups, answerable, strict=True) if not a})} of them runs of unanswerable questions)"
    )
    for name, column in zip(SIGNALS, X.T, strict=True):
        print(
            f"  {name:9s} mean answerable {column[answerable].mean():.3f}  unanswerable {column[~answerable].mean():.3f}"
        )

    rule = GateSettings.fitted(embedder=args.embedder)
    current = np.array(
        [not gate.Evidence(float(c), float(lx), float(cs), rule=rule).answerable for c, lx, cs in X]
    )
    print(f"\nCurrent constants in {GateSettings.FILE.name} for {args.embedder}, on the whole set:")
    print(
        "  "
        + "  ".join(f"{c} {getattr(rule, c.lower())}" for c in (*CONSTANTS, "THRESHOLD"))
        + f"\n  {figures(current, answerable)}"
    )

    fitted = fit_gate(X, answerable)
    lines = constant_lines(fitted)
    print(f"\nFitted on the whole set (for {GateSettings.FILE.name}):")
    print("\n".join(lines.values()))
    print(f"  in-sample: {figures(fitted.abstains(X), answerable)}")
    if args.write:
        write_constants(GateSettings.FILE, lines, args.embedder)

    for n_folds in args.folds:
        result, gates = cross_validate(X, answerable, groups, n_folds)
        w = np.array([g.weights for g in gates])
        t = np.array([g.threshold for g in gates])
        print(f"\n{n_folds}-fold cross-validation grouped by article, held out: {result}")
        print(
            "  per-fold fits: "
            + "  ".join(
                f"{c} {lo:.2f}–{hi:.2f}" for c, lo, hi in zip(CONSTANTS, w.min(0), w.max(0), strict=True)
            )
            + f"  THRESHOLD {t.min():.2f}–{t.max():.2f}"
        )
        coverage_only, _ = cross_validate(X[:, :1], answerable, groups, n_folds)
        print(f"  coverage alone, same folds: {coverage_only}")


if __name__ == "__main__":
    main()
