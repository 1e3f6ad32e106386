"""Retrieve: the hybrid search (index/search/hybrid.py) over the question and its translation."""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.state import State, Tools


def retrieve(state: State, tools: Tools) -> State:
    hits = tools.searcher.search(state.query.search_text, state.depth, state.filters)
    return replace(state, hits=tuple(hits))
