"""Rerank the top passages by how likely the LLM finds the question after reading each one.

Query likelihood (log P(question | passage), as in UPR, Sachan et al. 2022) needs no
instruction following, so the embedded 270M *base* model can do it: a passage that contains
the answer makes the question's own words likely. The hybrid search's fused score is kept
and the log-likelihood added with a small weight (rerank.toml's WEIGHT), because either alone puts the gold
passage first less often than the two together.

`ask` scores the k passages it retrieved (one forward pass each, 5 by default). With the
embedded model the scores are taken before the abstention gate, with one more pass for the
question alone (`prior`): the gain max log P(question | passage) − log P(question), per token
of the question, is one of the gate's signals (assistant/answer/gate.py). With another GGUF,
only answers are scored, after the gate. The combined score replaces the search score in the
reranked passages, so the order and the scores agree.

Where scoring is optional, only close calls are scored (`rerank`): when the search's first
passage leads the second by MARGIN (rerank.toml) of fused score or more, the order stands, since over a sure
lead the likelihood overturns right answers about as often as wrong ones; most searches lead by
that much, so `search` (and `ask` with another GGUF) rarely pays for a forward pass. `ask` with
the embedded model has scored every passage for its gate already, so it reorders every question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

import prompts
from assistant.settings import GateSettings, RerankSettings
from index.search.hybrid import Hit


def settled(hits: Sequence[Hit], margin: float) -> bool:
    """Whether the search's first passage leads the second by `margin` or more, so that the
    likelihood is not asked (nor measured: `search` does not even load the model for it)."""
    return len(hits) < 2 or hits[0].score - hits[1].score >= margin


class Scorer(Protocol):
    def continuation_logprob(self, prefix: str, continuation: str) -> float: ...

    def token_count(self, text: str) -> int: ...


class LikelihoodReranker:
    """Reorders hits by fused score + weight × log P(question | passage) when the search is unsure."""

    def __init__(
        self,
        scorer: Scorer,
        weight: float | None = None,
        margin: float | None = None,
        likelihood_model: str | None = None,
    ) -> None:
        """`weight` and `margin` default to rerank.toml's; `likelihood_model` (default gate.toml's)
        is the model whose scores the gate's likelihood rule was fitted on."""
        fitted = RerankSettings.fitted()
        self.scorer = scorer
        self.weight = fitted.weight if weight is None else weight
        self.margin = fitted.margin if margin is None else margin  # math.inf: always rerank
        model = likelihood_model or GateSettings.fitted().likelihood_model
        self.calibrated = getattr(scorer, "name", None) == model

    def loglik(self, question: str, text: str, language: str) -> float:
        return self.scorer.continuation_logprob(
            prompts.render("rerank", language, text=text), question.strip()
        )

    def logliks(self, question: str, hits: Sequence[Hit], language: str) -> list[float]:
        """log P(question | passage) of each hit, in order: one forward pass each."""
        return [self.loglik(question, h.text, language) for h in hits]

    def prior(self, question: str, language: str) -> float:
        """log P(question) with no passage: what the likelihood gain of the gate is measured from."""
        return self.scorer.continuation_logprob(prompts.render("prior", language), question.strip())

    def gain(self, question: str, logliks: Sequence[float], language: str) -> float:
        """The gate's likelihood gain: (max log P(question | passage) − log P(question)) per token
        of the question. Per token, because a long question gains more nats from any passage
        that shares its subject than a short one does from the passage that answers it."""
        if not logliks:
            return 0.0
        total = max(logliks) - self.prior(question, language)
        return total / max(1, self.scorer.token_count(question.strip()))

    def settled(self, hits: Sequence[Hit]) -> bool:
        return settled(hits, self.margin)

    def reorder(self, hits: Sequence[Hit], logliks: Sequence[float]) -> list[Hit]:
        """All `hits`, best first by the combined score, which becomes their score: the
        extractive answer's prior reads it (assistant/answer/extract.py). Applied whatever the margin:
        scores already taken (the embedded model's, for the gate) are used."""
        scored = [replace(h, score=h.score + self.weight * lp) for h, lp in zip(hits, logliks, strict=True)]
        return sorted(scored, key=lambda h: -h.score)

    def rerank(self, question: str, hits: Sequence[Hit], language: str) -> list[Hit]:
        """Score and reorder in one call (`search --rerank`, `ask` with a GGUF other than the
        embedded one, bench/eval_retrieval.py); a settled search costs no forward pass."""
        if self.settled(hits) or not question.strip():
            return list(hits)
        return self.reorder(hits, self.logliks(question, hits, language))


def reranker_for(
    generator: object, rule: RerankSettings | None = None, gate: GateSettings | None = None
) -> LikelihoodReranker | None:
    """A reranker on the generator's model when it can score text (an in-process GGUF), with
    `rule`'s weight and margin; a server behind --llm-url gives no prompt log-probabilities, so
    it gets none."""
    if not (hasattr(generator, "continuation_logprob") and hasattr(generator, "token_count")):
        return None
    rule = rule or RerankSettings.fitted()
    model = (gate or GateSettings.fitted()).likelihood_model
    return LikelihoodReranker(generator, rule.weight, rule.margin, model)
