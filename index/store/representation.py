"""What text stands for a passage or a briefing when it is searched.

A bullet is searched with its footnotes' sources beside it: the source title often names
the subject the bullet only refers to ("il", "le président"). The whole briefing is also
searched as one document, so a question naming the briefing's subject lifts its bullets.
"""

from __future__ import annotations

import re

from index.records import Briefing


def passage_texts(b: Briefing) -> list[str]:
    notes = {p.number: p.text for p in b.footnotes}
    out = []
    for p in b.passages:
        if p.kind != "footnote":
            context = " ".join(notes[n] for n in p.footnotes if n in notes)
            out.append(f"{p.text} {context}".strip())
        else:
            out.append(p.text)
    return out


def briefing_text(b: Briefing) -> str:
    return " ".join([b.title or "", *(p.text for p in b.body)])


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def char_grams(text: str, n: int = 4) -> list[str]:
    """Character n-grams inside words (with word-boundary marks): robust to inflection and typos."""
    grams: list[str] = []
    for word in _WORD.findall(text.lower()):
        w = f"#{word}#"
        if len(w) <= n:
            grams.append(w)
        else:  # a list comprehension, not a generator: this is most of indexing a big briefing
            grams += [w[i : i + n] for i in range(len(w) - n + 1)]
    return grams
