"""The log-probabilities a llama.cpp model reports are those of the tokens it chose."""

from __future__ import annotations

import math

import pytest

from assistant.models.llm import LlamaCppGenerator

pytestmark = pytest.mark.slow  # the real GGUF


@pytest.fixture(scope="module")
def gemma() -> LlamaCppGenerator:
    from assistant.models.resolve import resolve_llm

    return LlamaCppGenerator(resolve_llm(None), n_ctx=512)


def test_asking_for_logprobs_changes_nothing_and_they_score_the_chosen_tokens(
    gemma: LlamaCppGenerator,
) -> None:
    prompt = "La capitale de la France est"
    plain = "".join(gemma.stream("", prompt, max_tokens=6))
    logprobs: list[float] = []
    scored = "".join(gemma.stream("", prompt, max_tokens=6, logprobs=logprobs))
    assert scored == plain and plain.strip()
    assert len(logprobs) == 6 and all(-50 < lp <= 0 for lp in logprobs)
    # Their sum is the text's own likelihood after the prompt, as one forward pass over both
    # finds it (to the rounding of a quantised model evaluated token by token, then in one batch).
    assert math.isclose(sum(logprobs), gemma.continuation_logprob(f"\n\n{prompt}", plain), rel_tol=0.05)
