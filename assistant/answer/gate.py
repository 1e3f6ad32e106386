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
abstention F1 (bench/fit_gate.py, which also cross-validates them); they live in gate.toml,
read into GateSettings (assistant/settings.py).

With the embedded GGUF in process, a fourth signal joins them: the likelihood gain, max over
the top 5 passages of log P(question | passage) − log P(question) in nats, per token of the
question (assistant/answer/rerank.py) — how much reading the best passage makes the question
expected. It is on that model's scale, so its rule (the L_* constants, bench/fit_llm_gate.py)
holds for that model (LIKELIHOOD_MODEL) alone; another GGUF gets the three-signal rule. The gain is taken
per token because a long question gains nats from any passage on its subject.

On top of the fitted rule, a question that names something the briefings never mention
(index/search/names.py: a capitalised word found in no passage, not even within a typo) is
refused. It is checked only when the question is in a language of the archive: an English
question about French briefings may name "Germany" where they say "Allemagne".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.settings import GateSettings
from index.search.hybrid import Hit, Searcher


@dataclass(frozen=True)
class Evidence:
    """The signals for one question and its hits, and the decision they make under `rule`
    (the fitted gate.toml unless another is given)."""

    coverage: float
    lexical: float
    cosine: float
    unknown: tuple[str, ...] = ()  # names of the question no passage mentions
    gain: float | None = None  # likelihood gain per question token, when the calibrated model measured it
    rule: GateSettings = field(default_factory=GateSettings.fitted, repr=False, compare=False)

    @property
    def score(self) -> float:
        r = self.rule
        if self.gain is not None:
            return (
                r.l_coverage * self.coverage
                + r.l_lexical * self.lexical
                + r.l_cosine * self.cosine
                + r.l_gain * self.gain
            )
        return r.w_coverage * self.coverage + r.w_lexical * self.lexical + r.w_cosine * self.cosine

    @property
    def answerable(self) -> bool:
        threshold = self.rule.threshold if self.gain is None else self.rule.l_threshold
        return self.score >= threshold and not self.unknown and self.coverage >= self.rule.min_coverage


def evidence(
    searcher: Searcher,
    question: str,
    hits: Sequence[Hit],
    language: str | None = None,
    rule: GateSettings | None = None,
) -> Evidence:
    """Measure the signals; no hits at all means no evidence. Unknown names are looked for
    when the question's `language` is one of the archive's (or not given)."""
    rule = rule or GateSettings.fitted(embedder=searcher.embedder.name)
    if not hits:
        return Evidence(0.0, 0.0, 0.0, rule=rule)
    names = language is None or language in searcher.languages
    return Evidence(
        coverage=searcher.coverage(question, [h.text for h in hits[:3]]),
        lexical=searcher.lexical_strength(question),
        cosine=searcher.cosine(question, hits[0].row),
        unknown=tuple(searcher.unknown_names(question)) if names else (),
        rule=rule,
    )
