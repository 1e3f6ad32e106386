"""Score each passage by the LLM's likelihood of the question, for the gate (assistant/answer/rerank.py).

Only the model the gate's likelihood rule was fitted on scores here (the reranker is then
`calibrated`): its likelihood gain is one of that rule's signals, and the rerank stage reuses the
scores. A question that names something no briefing mentions is refused whatever it scores, so
it is not scored.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.state import State, Tools


def score(state: State, tools: Tools) -> State:
    reranker, found, q = tools.reranker, state.evidence, state.query
    if reranker is None or not reranker.calibrated or not state.hits or found is None or found.unknown:
        return state
    logliks = reranker.logliks(q.text, state.hits, q.text_language)
    gain = reranker.gain(q.text, logliks[:5], q.text_language)
    return replace(state, logliks=tuple(logliks), evidence=replace(found, gain=gain))
