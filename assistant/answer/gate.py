"""Should the assistant abstain? A linear rule on the retrieved evidence.

PIAF-style unanswerable questions come from articles missing from the archive but share names
and vocabulary with articles in it, so no single signal separates them. Three absolute
(not per-query-scaled) signals together did best under cross-validation:

- coverage: the best share of the question's IDF mass found in one of the top 3 passages
  (Searcher.coverage);
- lexical strength: the best raw word-BM25 score in the index per unit of the question's IDF
  mass (Searcher.lexical_strength) — high when a passage repeats the question's rare words;
- cosine: dense similarity of the question and the top passage.

The weights are a logistic regression fitted on the PIAF dev set (3,835 questions, 160
unanswerable), the threshold the one maximising abstention F1; with 5-fold cross-validation
grouped by article (threshold re-chosen on each training part) the held-out abstention
precision / recall were 0.33 / 0.58 for 5.1 % of answerable questions refused, against
0.28 / 0.44 for the coverage threshold alone (README "Answer quality"). More features
(missing-term mass, score gaps, BM25/dense agreement, briefing-level coverage) did not improve
the held-out figures.

On top of the fitted rule, a question that names something the briefings never mention
(index/search/names.py: a capitalised word found in no passage, not even within a typo) is refused.
It is checked only when the question is in a language of the archive: an English question
about French briefings may name "Germany" where they say "Allemagne". Over the whole dev set
(`eval --no-llm`) it added 5 correct refusals for 4 wrong ones; README "Answer quality" has
the figures with it.

Reproduce the fit, its cross-validation (3, 5 and 9 folds) and these constants' own figures
with `python bench/fit_gate.py --index DEV_INDEX` (see its docstring for the dev index; the
signals are cached under bench/results/). The constants are its optimum, refitted in session 7
when interrogatives ("quel", "combien", …) stopped counting as question content
(index/parse/language.py QUESTION_WORDS), which raised every question's coverage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from index.search.hybrid import Hit, Searcher

W_COVERAGE = 4.17
W_LEXICAL = 4.04
W_COSINE = 4.52
THRESHOLD = 4.08  # abstain when the weighted sum is below: intercept 2.26 + F1-best margin 1.83

# With the embedded GGUF in process, a fourth signal: the likelihood gain, max over the top 5
# passages of log P(question | passage) − log P(question) in nats, per token of the question
# (assistant/answer/rerank.py) — how much reading the best passage makes the question expected. It is
# on that model's scale, so these weights hold for it alone (LIKELIHOOD_MODEL); another GGUF
# gets the three-signal rule. Fitted with `python bench/fit_llm_gate.py` (all 160 unanswerable
# dev questions and 400 answerable ones weighted to stand for the 3,675). Held out (5 / 3 / 9
# folds grouped by article) abstention precision / recall were 0.48 / 0.58, 0.42 / 0.62,
# 0.50 / 0.56 for 2.8, 3.8, 2.5 % of answerable questions refused, against 0.33 / 0.49,
# 0.34 / 0.63, 0.29 / 0.53 (4.2, 5.2, 5.5 %) for the three signals refitted on the same folds
# (session 7, interrogatives left out of the question; session 6 before it: 0.46 / 0.68,
# 0.45 / 0.67, 0.47 / 0.66, F1 0.02–0.04 higher; counting the interrogatives in coverage again
# on the new hits moved each split's F1 by as much, both ways).
# The gain in total nats instead of per token gave 0.37 / 0.61, 0.37 / 0.64, 0.42 / 0.66: a
# long question gains nats from any passage on its subject.
LIKELIHOOD_MODEL = "gemma-3-270m-q4_k_m.gguf"
L_COVERAGE = 2.714
L_LEXICAL = 2.683
L_COSINE = 4.401
L_GAIN = 1.921  # per nat per question token
L_THRESHOLD = 4.861  # intercept 3.598 + F1-best margin 1.263


@dataclass(frozen=True)
class Evidence:
    """The signals for one question and its hits, and the decision they make."""

    coverage: float
    lexical: float
    cosine: float
    unknown: tuple[str, ...] = ()  # names of the question no passage mentions
    gain: float | None = None  # likelihood gain per question token, when the calibrated model measured it

    @property
    def score(self) -> float:
        if self.gain is not None:
            return (
                L_COVERAGE * self.coverage
                + L_LEXICAL * self.lexical
                + L_COSINE * self.cosine
                + L_GAIN * self.gain
            )
        return W_COVERAGE * self.coverage + W_LEXICAL * self.lexical + W_COSINE * self.cosine

    @property
    def answerable(self) -> bool:
        threshold = THRESHOLD if self.gain is None else L_THRESHOLD
        return self.score >= threshold and not self.unknown


def evidence(searcher: Searcher, question: str, hits: Sequence[Hit], language: str | None = None) -> Evidence:
    """Measure the signals; no hits at all means no evidence. Unknown names are looked for
    when the question's `language` is one of the archive's (or not given)."""
    if not hits:
        return Evidence(0.0, 0.0, 0.0)
    names = language is None or language in searcher.languages
    return Evidence(
        coverage=searcher.coverage(question, [h.text for h in hits[:3]]),
        lexical=searcher.lexical_strength(question),
        cosine=searcher.cosine(question, hits[0].row),
        unknown=tuple(searcher.unknown_names(question)) if names else (),
    )
