"""Rerank the top passages by how likely the LLM finds the question after reading each one.

Query likelihood (log P(question | passage), as in UPR, Sachan et al. 2022) needs no
instruction following, so the embedded 270M *base* model can do it: a passage that contains
the answer makes the question's own words likely. The hybrid search's fused score is kept
and the log-likelihood added with a small weight, because either alone is worse: on a
random sample of 160 PIAF dev questions whose gold bullet was in the top 5, the top passage
was the gold one for 0.81 (fused score), 0.83 (likelihood alone) and 0.87–0.88 (fused +
0.1–0.2 × log-likelihood in nats). README "Retrieval quality" has the measure on a larger
sample, with its command.

Only the top `depth` passages are scored (one forward pass each), and only once the
abstention gate has decided the briefings answer: the cost is that many prompt
evaluations, measured beside the rest of an answer in README "Answer quality".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import prompts
from index.search import Hit

WEIGHT = 0.15  # per nat of log-likelihood, on the scale of the fused score (about 0 to 7.5)
DEPTH = 5


class Scorer(Protocol):
    def continuation_logprob(self, prefix: str, continuation: str) -> float: ...


class LikelihoodReranker:
    """Reorders hits by fused score + WEIGHT × log P(question | passage)."""

    def __init__(self, scorer: Scorer, weight: float = WEIGHT, depth: int = DEPTH) -> None:
        self.scorer = scorer
        self.weight = weight
        self.depth = depth

    def loglik(self, question: str, text: str, language: str) -> float:
        return self.scorer.continuation_logprob(prompts.render("rerank", language, text=text), question)

    def rerank(self, question: str, hits: Sequence[Hit], language: str) -> list[Hit]:
        """The top `depth` hits in their new order, then the rest. Each keeps its search score
        (what `search` shows); the order is the combined one."""
        head, rest = list(hits[: self.depth]), list(hits[self.depth :])
        question = question.strip()  # a trailing space or newline would be scored as a token
        if len(head) < 2 or not question:
            return list(hits)
        combined = [h.score + self.weight * self.loglik(question, h.text, language) for h in head]
        order = sorted(range(len(head)), key=lambda i: -combined[i])
        return [head[i] for i in order] + rest


def reranker_for(generator: object) -> LikelihoodReranker | None:
    """A reranker on the generator's model when it can score text (an in-process GGUF);
    a server behind --llm-url gives no prompt log-probabilities, so it gets none."""
    if generator is not None and hasattr(generator, "continuation_logprob"):
        return LikelihoodReranker(generator)
    return None
