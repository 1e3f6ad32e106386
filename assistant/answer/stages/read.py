"""Read: the reader (an instruct model) finds the few words of the quote that answer (assistant/answer/short.py).

It reads the question as the quote was chosen for, in the archive's language. A reader that
cannot load or run costs the short answer only: the runner leaves this stage out from then on.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from assistant.answer.short import short_answer
from assistant.answer.state import State, Tools


def read(state: State, tools: Tools) -> State:
    reader, verified, q = tools.reader, state.verified, state.query
    if reader is None or verified is None or verified.abstained or not verified.citations:
        return state
    tools.emit("short", "")
    short = short_answer(
        reader, q.text, verified.citations[0].quotes, q.text_language, partial(tools.emit, "short")
    )
    return replace(state, short=short, read_by=reader.name)
