"""Narrow the quote to the sentence that holds the short answer, when the reader is sure (assistant/answer/tighten.py)."""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.state import State, Tools
from assistant.answer.tighten import tighten


def narrow(state: State, tools: Tools) -> State:
    if state.short is None or state.verified is None:
        return state
    s = tools.settings
    narrowed = tighten(state.verified, state.short, state.query.answer_language, s.narrow, s.quote)
    return state if narrowed is state.verified else replace(state, verified=narrowed)
