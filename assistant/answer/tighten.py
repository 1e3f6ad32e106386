"""The quote narrowed to the sentence that holds the short answer, when the reader is sure of it.

The extractive answer quotes its best sentence with neighbours and the bullet's second-best
sentence (about 430 characters at the median), since its sentence choice is often not the one
that answers. Once the reader has found the answer's words in the quote, the sentence that holds
them is the one the user needs: the quote becomes that sentence (with the one before it when it
cannot be read alone, extract.needs_context), widened by the sentences after it up to
MAX_CHARS. A reader that is not sure (its weakest token below MIN_CONFIDENCE) is wrong more
often, and narrowing to a wrong sentence would hide the answer that the wider quote shows, so
the wider quote stays. Both constants are in tighten.toml (NarrowSettings), with the command
that refits them.
Only the extractive answer is narrowed: an LLM-written answer's text is its own.
"""

from __future__ import annotations

from assistant.answer.extract import (
    Citation,
    Verified,
    attribution,
    needs_context,
    render_quote,
    trim_quote,
)
from assistant.answer.short import ShortAnswer
from assistant.settings import NarrowSettings, QuoteSettings
from index.text.sentences import split_sentences


def sentence_quote(
    quote: str, start: int, end: int, max_chars: int, quoting: QuoteSettings | None = None
) -> str:
    """The sentences of `quote` that hold quote[start:end], with the sentence before when the
    first cannot be read alone, then the sentences after while the whole is within `max_chars`
    (a longer sentence is kept whole). Whether a sentence can be read alone is `quoting`'s rule
    (default extract.toml's)."""
    spans = split_sentences(quote)
    if not spans:
        return quote
    held = [k for k, (s, e) in enumerate(spans) if s < end and e > start] or [0]
    lo, hi = held[0], held[-1]
    if lo > 0 and needs_context(quote[spans[lo][0] : spans[lo][1]], quoting or QuoteSettings.fitted()):
        lo -= 1
    while hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= max_chars:
        hi += 1
    s, e = trim_quote(quote, spans[lo][0], spans[hi][1])
    return quote[s:e]


def tighten(
    verified: Verified,
    short: ShortAnswer | None,
    language: str,
    rule: NarrowSettings | None = None,
    quoting: QuoteSettings | None = None,
) -> Verified:
    """`verified` with its first citation quoting only the short answer's sentence, when the
    answer is extractive and the reader was sure enough (`rule`, default tighten.toml's); else
    `verified` unchanged."""
    rule = rule or NarrowSettings.fitted()
    if (
        short is None
        or short.confidence is None
        or short.confidence < rule.min_confidence
        or not verified.fallback
        or len(verified.citations) != 1
    ):
        return verified
    citation = verified.citations[0]
    quote = citation.quotes[short.quote]
    at = quote.find(short.text)
    if at < 0:
        return verified
    narrowed = sentence_quote(quote, at, at + len(short.text), rule.max_chars, quoting)
    if short.text not in narrowed or len(narrowed) >= sum(len(q) for q in citation.quotes):
        return verified
    passage = citation.passage
    text = f"{attribution(passage, language)}{render_quote(narrowed, language)} [{citation.marker}]."
    return Verified(text, [Citation(citation.marker, passage, (narrowed,))], fallback=True)
