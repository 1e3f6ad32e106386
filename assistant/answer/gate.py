"""Should the assistant abstain? A linear rule on the retrieved evidence.

PIAF-style unanswerable questions come from articles missing from the archive but share names
and vocabulary with articles in it, so no single signal separates them. Three absolute
(not per-query-scaled) signals together do:

- coverage: the best share of the question's IDF mass found in one of the top 3 passages
  (Searcher.coverage);
- lexical strength: the best raw word-BM25 score in the index per unit of the question's IDF
  mass (Searcher.lexical_strength) — high when a passage repeats the question's rare words;
- cosine: dense similarity of the question and the top passage.

The weights are a logistic regression on the dev set and the threshold the one maximising
abstention F1 (bench/fit_gate.py, which also cross-validates them); they live in gate.toml.

With the embedded GGUF in process, a fourth signal joins them: the likelihood gain, max over
the top 5 passages of log P(question | passage) − log P(question) in nats, per token of the
question (assistant/answer/rerank.py) — how much reading the best passage makes the question
expected. It is on that model's scale, so its rule (the L_* constants, bench/fit_llm_gate.py)
holds for LIKELIHOOD_MODEL alone; another GGUF gets the three-signal rule. The gain is taken
per token because a long question gains nats from any passage on its subject.

On top of the fitted rule, a question that names something the briefings never mention
(index/search/names.py: a capitalised word found in no passage, not even within a typo) is
refused. It is checked only when the question is in a language of the archive: an English
question about French briefings may name "Germany" where they say "Allemagne".
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.search.hybrid import Hit, Searcher

# Fitted on the dev set; the file's header gives the commands that refit it.
CONSTANTS_FILE = Path(__file__).with_name("gate.toml")
_FITTED = tomllib.loads(CONSTANTS_FILE.read_text(encoding="utf-8"))

# Three-signal rule: abstain when the weighted sum is below THRESHOLD.
W_COVERAGE: float = _FITTED["W_COVERAGE"]
W_LEXICAL: float = _FITTED["W_LEXICAL"]
W_COSINE: float = _FITTED["W_COSINE"]
THRESHOLD: float = _FITTED["THRESHOLD"]

# Likelihood rule, with the gain per nat per question token, for LIKELIHOOD_MODEL's scores only.
LIKELIHOOD_MODEL: str = _FITTED["LIKELIHOOD_MODEL"]
L_COVERAGE: float = _FITTED["L_COVERAGE"]
L_LEXICAL: float = _FITTED["L_LEXICAL"]
L_COSINE: float = _FITTED["L_COSINE"]
L_GAIN: float = _FITTED["L_GAIN"]
L_THRESHOLD: float = _FITTED["L_THRESHOLD"]


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
