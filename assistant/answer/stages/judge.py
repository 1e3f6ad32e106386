"""Judge: answer, or abstain with the fixed sentence when the evidence is too weak (assistant/answer/gate.py)."""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.extract import ABSTAIN, Verified
from assistant.answer.state import State, Tools


def judge(state: State, _tools: Tools) -> State:
    if state.evidence is not None and state.evidence.answerable:
        return state
    abstained = Verified(ABSTAIN[state.query.answer_language], [], abstained=True)
    return replace(state, verified=abstained, stop=True)
