"""The passages as the model reads them: fenced, numbered and labelled, with the briefing's own fences and control tokens defused."""

from __future__ import annotations

import re
from collections.abc import Sequence

import prompts
from assistant.answer.extract import ContextPassage

# What briefing text must not be taken for: our fences, and chat-template control tokens, which
# llama.cpp parses as such even inside a passage (<start_of_turn>, <eos>, <|im_start|>, [INST]).
_TAG = re.compile(r"</?\s*(extrait|excerpt)\b[^>]*>|<\|?/?[\w.-]{1,40}\|?>|\[/?[A-Z_]{3,20}\]", re.I)
_DEFUSE = str.maketrans({"<": "‹", ">": "›", "[": "⟦", "]": "⟧"})


def _defuse(text: str) -> str:
    return _TAG.sub(lambda m: m.group(0).translate(_DEFUSE), text)


def context_block(passages: Sequence[ContextPassage], language: str) -> str:
    """The passages, fenced and labelled; fences and control tokens inside a briefing are
    defused so its text stays data."""
    blocks = []
    for p in passages:
        text = _defuse(p.text)
        if p.source:
            text += ("\n(Source : " if language == "fr" else "\n(Source: ") + _defuse(p.source) + ")"
        blocks.append(
            prompts.render(
                "context",
                language,
                marker=p.marker,
                file=p.file,
                date=p.briefing_date or "",
                kind=p.kind,
                number=p.number,
                text=text,
            )
        )
    return "\n".join(blocks)
