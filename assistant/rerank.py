"""Rerank the top passages by how likely the LLM finds the question after reading each one.

Query likelihood (log P(question | passage), as in UPR, Sachan et al. 2022) needs no
instruction following, so the embedded 270M *base* model can do it: a passage that contains
the answer makes the question's own words likely. The hybrid search's fused score is kept
and the log-likelihood added with a small weight, because either alone is worse: on a
random sample of 160 PIAF dev questions whose gold bullet was in the top 5, the top passage
was the gold one for 0.81 (fused score), 0.83 (likelihood alone) and 0.87–0.88 (fused +
0.1–0.2 × log-likelihood in nats). README "Retrieval quality" has the measure on a larger
sample, with its command.

`ask` scores the k passages it retrieved (one forward pass each, 5 by default), and only
once the abstention gate has decided the briefings answer; the cost is measured beside the
rest of an answer in README "Answer quality". The combined score replaces the search score
in the reranked passages, so the order and the scores agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

import prompts
from index.search import Hit

WEIGHT = 0.15  # per nat of log-likelihood, on the scale of the fused score (about 0 to 7.5)
DEPTH = 5  # passages `search --rerank` scores (ask scores its k passages, 5 by default)


class Scorer(Protocol):
    def continuation_logprob(self, prefix: str, continuation: str) -> float: ...


class LikelihoodReranker:
    """Reorders hits by fused score + WEIGHT × log P(question | passage)."""

    def __init__(self, scorer: Scorer, weight: float = WEIGHT) -> None:
        self.scorer = scorer
        self.weight = weight

    def loglik(self, question: str, text: str, language: str) -> float:
        return self.scorer.continuation_logprob(prompts.render("rerank", language, text=text), question)

    def rerank(self, question: str, hits: Sequence[Hit], language: str) -> list[Hit]:
        """All `hits`, best first by the combined score, which becomes their score: the
        extractive answer's prior reads it (assistant/extract.py)."""
        question = question.strip()  # a trailing space or newline would be scored as a token
        if len(hits) < 2 or not question:
            return list(hits)
        scored = [
            replace(h, score=h.score + self.weight * self.loglik(question, h.text, language)) for h in hits
        ]
        return sorted(scored, key=lambda h: -h.score)


def reranker_for(generator: object) -> LikelihoodReranker | None:
    """A reranker on the generator's model when it can score text (an in-process GGUF);
    a server behind --llm-url gives no prompt log-probabilities, so it gets none."""
    if generator is not None and hasattr(generator, "continuation_logprob"):
        return LikelihoodReranker(generator)
    return None
