"""Rerank the passages by fused score plus the LLM's likelihood of the question (assistant/answer/rerank.py).

With scores the gate already took (the calibrated model), every question is reordered; else only
a close call is scored and reordered, and a settled search (the first passage leads the second
by the margin) keeps its order without a forward pass.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.state import State, Tools


def rerank(state: State, tools: Tools) -> State:
    reranker, q = tools.reranker, state.query
    if reranker is None or not state.hits:
        return state
    if state.logliks is not None:
        return replace(state, hits=tuple(reranker.reorder(state.hits, state.logliks)))
    if reranker.settled(state.hits) or not q.text.strip():
        return state
    logliks = reranker.logliks(q.text, state.hits, q.text_language)
    return replace(state, hits=tuple(reranker.reorder(state.hits, logliks)), logliks=tuple(logliks))
