"""Quotations and sentence ends.

Two sentence cutters, for two uses, kept apart because they cut differently:
- `split_sentences` cuts an answer's or a passage's text into the sentences quoted and checked:
  never inside a quotation, nor after a known abbreviation or an initial; a line break always
  ends a sentence.
- `block_sentence_ends` finds where a long block of a briefing may be cut into passages: after
  closing punctuation, the quotes and note markers that follow it, before a next sentence that
  does not start in lower case.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

# Quote marks: opening -> closing. Straight quotes pair with themselves (no nesting).
PAIRS = {"«": "»", "“": "”", "„": "“", "‹": "›", '"': '"'}


@dataclass(frozen=True)
class QuoteSpan:
    open: int  # index of the opening mark
    close: int  # index of the closing mark; the content is text[open + 1 : close]


def quote_spans(text: str) -> list[QuoteSpan]:
    """Outermost balanced quotations; nesting is counted for the asymmetric pairs.

    Each opening mark's partner is found for all marks at once, one stack per pair (linear
    time): scanning forward from every unclosed « takes minutes on a bullet of 30,000 of them.
    """
    partner: dict[int, int] = {}
    for opening, closing in PAIRS.items():
        if opening == closing:  # straight quotes: each closes at the next one
            at = [k for k, c in enumerate(text) if c == opening]
            partner.update(itertools.pairwise(at))
            continue
        stack: list[int] = []
        for k, c in enumerate(text):
            if c == closing:
                if stack:
                    partner[stack.pop()] = k
            elif c == opening:
                stack.append(k)
    spans: list[QuoteSpan] = []
    i = 0
    while i < len(text):
        j = partner.get(i) if text[i] in PAIRS else None
        if j is None:
            i += 1
        else:
            spans.append(QuoteSpan(i, j))
            i = j + 1
    return spans


# Lower-cased words that a full stop follows without ending the sentence: titles, references,
# month abbreviations, Latin abbreviations.
ABBREVIATIONS = frozenset(
    """m mm mme mmes mlle mlles dr pr me st ste mgr gal gen gén col cdt lt sgt capt prof mr mrs ms jr sr
    av apr cf p pp vol no n nº art env ca fig ed éd etc vs approx inc ltd co corp dept
    janv févr fevr avr juil sept oct nov déc dec jan feb mar apr jun jul aug sep e.g i.e
    c.-à-d c.-à.-d j.-c""".split()
)
_END = re.compile(r"[.!?…]+[»”\"’)]*(?=\s)|\n+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end), trimmed of whitespace.

    A line break or a stop ends a sentence, a stop only before a capital, digit, quote or bullet:
    never inside a quotation (« … » may hold several sentences), after a known abbreviation
    (M., Mme, etc.) or an initial (J. Biden), nor inside a decimal (3.5 has no space).
    """
    inside = [False] * len(text)
    for q in quote_spans(text):
        for k in range(q.open + 1, q.close):
            inside[k] = True
    cuts: list[int] = []
    for m in _END.finditer(text):
        if inside[m.start()]:
            continue
        if m.group().startswith("\n"):
            cuts.append(m.end())
            continue
        rest = text[m.end() :].lstrip()
        if rest and not (rest[0].isupper() or rest[0].isdigit() or rest[0] in '«“"-•*['):
            continue
        if m.group()[0] == ".":
            word = re.search(r"([^\s(«“\"]*)$", text[: m.start()])
            token = (word.group(1) if word else "").lower()
            if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
        cuts.append(m.end())
    spans, start = [], 0
    for end in [*cuts, len(text)]:
        seg = text[start:end]
        lead = len(seg) - len(seg.lstrip())
        if seg.strip():
            spans.append((start + lead, start + len(seg.rstrip())))
        start = end
    return spans


# A sentence end inside a block: closing punctuation, closing quotes or brackets, the markers that
# follow it, then a space and a next sentence that does not start in lower case. "M. Dupont" and
# "J. Smith" (a lone capital before the point) are initials, not sentence ends.
_BLOCK_SENTENCE_END = re.compile(
    r"(?<![\s.][A-ZÀ-Þ])[.!?…]+[»”\"’')\]]*"
    r"(?:\s?(?:\[\^?[^\]\s]{1,40}\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+))*"
    r"(?=\s+(?![a-zß-ÿ])\S)"
)


def block_sentence_ends(text: str) -> list[int]:
    """The offsets just after each sentence end of a briefing's block, in order: where a block
    too long for one passage may be cut."""
    return [m.end() for m in _BLOCK_SENTENCE_END.finditer(text)]
