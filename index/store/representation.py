"""What text stands for a passage or a briefing when it is searched.

A bullet or paragraph is searched with its section path before it and its footnotes' sources
after it ("Analysis › Sahel: <text> <notes>"): a heading and a source title often name the
subject the passage only refers to ("il", "le président", "the region"). A passage under no
heading is searched as its text and notes alone. The whole briefing is also searched as one
document, so a question naming the briefing's subject lifts its bullets.
"""

from __future__ import annotations

import re

from index.records import Briefing


def passage_texts(b: Briefing) -> list[str]:
    """One text per passage of `b`, in order: what BM25 and the embedder read for it."""
    notes = {p.number: p.text for p in b.footnotes}
    out = []
    for p in b.passages:
        if p.kind != "footnote":
            context = " ".join(notes[n] for n in p.footnotes if n in notes)
            heading = f"{p.section}: " if p.section else ""
            out.append(f"{heading}{p.text} {context}".strip())
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
