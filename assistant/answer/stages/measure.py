"""Measure the gate's signals on the retrieved passages (assistant/answer/gate.py).

Measured on the search order the gate was fitted on, before any reranking. Names are checked in
the question's own language only: a translation may garble a name into one no briefing spells.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.gate import evidence
from assistant.answer.state import State, Tools


def measure(state: State, tools: Tools) -> State:
    q = state.query
    found = evidence(tools.searcher, q.text, state.hits, q.language, tools.settings.gate)
    return replace(state, evidence=found)
