"""The answer records, quotes as answers write them, and the extractive answer.

The extractive answer is what the user gets whenever the LLM's answer cannot be verified —
always, with the embedded 270M base model, which cannot follow instructions — so it must be
correct on its own: verbatim sentences of the retrieved passages, chosen by lexical overlap
with the question and the passage's retrieval rank, each with its citation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import prompts
from assistant.settings import QuoteSettings
from index.store.lexical import tokenize, without_question_words
from index.text.fold import fold
from index.text.months import format_date
from index.text.names import inner_capitalised
from index.text.sentences import PAIRS as PAIRS
from index.text.sentences import QuoteSpan as QuoteSpan
from index.text.sentences import quote_spans as quote_spans
from index.text.sentences import split_sentences

if TYPE_CHECKING:
    from index.search.hybrid import Hit

ChangeKind = Literal[
    "quote_normalised",  # verified after normalisation; the passage's own characters restored
    "quote_replaced",  # replaced by the closest verbatim span (fuzzy alignment)
    "quote_removed",  # nothing close enough in any passage
    "marker_removed",  # points to no passage of the context
    "marker_moved",  # the quote is verbatim in another passage than the one cited
    "sentence_dropped",  # unsupported numbers, dates or names, or no support at all
    "quote_mark_removed",  # a quote mark with no partner, so no verifiable quote
    "fallback",  # nothing supported left: extractive answer instead
    "abstention",  # the LLM said the context does not answer
]


@dataclass(frozen=True)
class ContextPassage:
    """A retrieved passage as shown to the LLM, under its marker [marker] (1-based)."""

    marker: int
    id: str
    text: str
    file: str = ""
    kind: str = "bullet"
    number: int = 0
    briefing_date: str | None = None  # ISO date
    source: str | None = None  # bullet: its footnotes' text; footnote: None (it is the source)
    score: float | None = None  # fused retrieval score (Hit.score), when it came from a search
    page: int | None = None  # the page of a PDF passage
    section: str | None = None  # the headings above a bullet or paragraph, "Analysis › Sahel"

    @classmethod
    def from_hit(cls, hit: Hit, marker: int) -> ContextPassage:
        """Adapter from a search hit; a bullet's sources are its footnotes' text."""
        source = "; ".join(str(n.get("text", "")) for n in hit.footnotes) or None
        return cls(
            marker,
            hit.id,
            hit.text,
            hit.file,
            hit.kind,
            hit.number,
            hit.briefing_date,
            source,
            hit.score,
            hit.page,
            hit.section,
        )


@dataclass(frozen=True)
class Citation:
    """Marker [marker] of the final text (dense, 1-based): its passage and verified quotes."""

    marker: int
    passage: ContextPassage
    quotes: tuple[str, ...]  # each a verbatim substring of passage.text

    @property
    def passage_id(self) -> str:
        return self.passage.id


@dataclass(frozen=True)
class Change:
    """One edit made to the LLM's answer, for logs and tests."""

    kind: ChangeKind
    before: str
    after: str = ""
    reason: str = ""


@dataclass
class Verified:
    """An answer whose quotes and markers have been checked against the context."""

    text: str
    citations: list[Citation]
    changes: list[Change] = field(default_factory=list)
    fallback: bool = False  # the text is the extractive answer (the LLM's was not supported)
    abstained: bool = False

    def of_kind(self, kind: ChangeKind) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]


# Every quote mark, paired or not (index.text.sentences.PAIRS pairs them).
QUOTE_CHARS = frozenset('«»“”„‟‹›"')
OPEN_CLOSE = {"fr": ("« ", " »"), "en": ("“", "”")}
MARKER = re.compile(r"\[\s*(\d{1,4}(?:\s*[,;]\s*\d{1,4})*)\s*\]")

# The fixed abstention sentence lives in prompts/abstain.LANG.txt, beside the other wording.
ABSTAIN = {language: prompts.render("abstain", language) for language in ("fr", "en")}


def lang(language: str) -> str:
    return "fr" if language == "fr" else "en"


def attribution(passage: ContextPassage, language: str) -> str:
    """The lead-in naming the briefing: « Selon le briefing du 15 septembre 2022, » (prompts/labels)."""
    words = prompts.labels(lang(language))
    if date := format_date(passage.briefing_date, language):
        return words["according_dated"].format(date=date)
    return words["according_file"].format(file=passage.file) if passage.file else words["according"]


def render_quote(quote: str, language: str) -> str:
    opening, closing = OPEN_CLOSE[lang(language)]
    return f"{opening}{quote}{closing}"


def trim_quote(text: str, start: int, end: int, drop_stop: bool = True) -> tuple[int, int]:
    """Narrow a passage span to a clean quote: no edge spaces, no marker, no final full stop
    (unless drop_stop is False: the LLM's quote keeps what it verbatim quoted).

    A marker-like "[2]" inside a passage would read as a citation in the answer, so the
    span is cut to its longest piece free of them.
    """
    pieces, pos = [], start
    for m in MARKER.finditer(text, start, end):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, end))
    start, end = max(pieces, key=lambda p: p[1] - p[0])
    while start < end and text[start].isspace():
        start += 1
    while end > start and (
        text[end - 1].isspace() or (drop_stop and text[end - 1] == "." and text[end - 3 : end] != "...")
    ):
        end -= 1
    return start, end


_WH = {
    "number": re.compile(r"\b(combien|how (many|much)|quel (nombre|montant)|what (number|amount))\b"),
    "date": re.compile(r"\b(quand|when|quelle date|what date|en quelle ann[ée]e|what year)\b"),
    "name": re.compile(r"\b(qui|who|whom|quel pays|which country)\b"),
}
_DATE_WORDS = re.compile(
    r"\d{4}|\b\d{1,2}(er)? [a-zéû]+\b|hier|yesterday|aujourd'hui|today|ce matin|this morning"
)
# The constants of the quoting rule and the sentence ranking are in extract.toml, read into
# QuoteSettings (assistant/settings.py). The quote is the sentence that answers, so the user reads
# the answer at once, widened by its neighbours within caps; the bullet's second-best sentence is
# quoted too when it scores nearly as well (a paraphrased question often matches the sentence
# before the answer's as well).


def _holds(kind: str, sentence: str, question: str) -> bool:
    """Does the sentence hold a number / date / name that the question does not already say?"""
    asked = {fold(w) for w in re.findall(r"\w+", question)}
    if kind == "number":
        return any(n not in asked for n in re.findall(r"\d+", sentence))
    if kind == "date":
        return bool(_DATE_WORDS.search(sentence.lower()))
    return any(fold(n) not in asked for n in inner_capitalised(sentence))


@dataclass(frozen=True)
class _Candidate:
    score: float
    rank: int
    index: int  # of the sentence within its passage
    passage: ContextPassage
    start: int
    end: int


def _stems(text: str) -> set[str]:
    """Stems in both languages: questions may be English about French briefings."""
    return set(tokenize(text, "fr")) | set(tokenize(text, "en"))


def extractive_answer(
    question: str,
    context: Sequence[ContextPassage],
    language: str,
    min_share: float | None = None,
    match: tuple[str, str] | None = None,
    rule: QuoteSettings | None = None,
) -> Verified:
    """Answer with the sentence of the passages that best matches the question, quoted verbatim and cited.

    Sentences are ranked by `rank_sentences`; no sentence at `min_share` or above means the
    context does not answer, and the pipeline lowers it once its own retrieval-level gate has
    decided the briefings answer. The quote is the best sentence, with its predecessor when it
    cannot be read alone and the bullet's second-best sentence when that one scores nearly as
    well (`rule`, default extract.toml's), the two quotes joined by " … ". One bullet is cited,
    since quoting another bullet's best sentence lowered citation precision more than it added
    answers on the dev set.
    `match` = (text, its language) is matched instead of the question, which still sets the
    answer's language: the question translated into the briefings' language (assistant/answer/translate.py).
    """
    language = lang(language)
    rule = rule or QuoteSettings.fitted()
    candidates = rank_sentences(question, context, language, min_share, match, rule)
    if not candidates:
        return Verified(ABSTAIN[language], [], abstained=True)
    best = candidates[0]
    p = best.passage
    spans = _quote_spans(best, candidates, rule)
    quotes = tuple(p.text[s:e] for s, e in spans if s < e)
    if not quotes:
        return Verified(ABSTAIN[language], [], abstained=True)
    text = f"{attribution(p, language)}{' … '.join(render_quote(q, language) for q in quotes)} [1]."
    return Verified(text, [Citation(1, p, quotes)], fallback=True)


def rank_sentences(
    question: str,
    context: Sequence[ContextPassage],
    language: str,
    min_share: float | None = None,
    match: tuple[str, str] | None = None,
    rule: QuoteSettings | None = None,
) -> list[_Candidate]:
    """The passages' sentences that share at least `min_share` (default the rule's) of the
    question, best first.

    A sentence scores the IDF-weighted share of the question's stems it contains (IDF over
    the context's sentences, so a word in every passage counts little; a stem found nowhere
    weighs most), plus a retrieval prior (fused score, else rank) and a bonus when it holds the
    kind of thing the question asks for.
    """
    rule = rule or QuoteSettings.fitted()
    min_share = rule.min_share if min_share is None else min_share
    probe, probe_language = match or (question, lang(language))
    # Interrogatives ("quand", "comment") say what is asked, not what about: a sentence that
    # happens to hold one is no better for it.
    probe_language = lang(probe_language)
    content = without_question_words(probe, [probe_language])
    q_stems = set(tokenize(content, probe_language)) or _stems(probe)
    sentences = [
        (rank, index, p, s, e, _stems(p.text[s:e]))
        for rank, p in enumerate(context)
        for index, (s, e) in enumerate(split_sentences(p.text))
    ]
    n = len(sentences)
    idf = {t: math.log(1 + n / max(1, sum(t in x[-1] for x in sentences))) for t in q_stems}
    total = sum(idf.values()) or 1.0
    wanted = [k for k, rx in _WH.items() if rx.search(question.lower())]
    scores = [p.score for p in context]
    top = max((x for x in scores if x is not None), default=None)
    candidates = []
    for rank, index, p, s, e, st in sentences:
        share = sum(w for t, w in idf.items() if t in st) / total
        if share < min_share:
            continue
        if top is not None and None not in scores:
            prior = rule.score_weight * (float(p.score or 0.0) - top)
        else:
            prior = rule.rank_weight / (rank + 1)
        score = share + prior
        if any(_holds(k, p.text[s:e], question) for k in wanted):
            score += rule.type_bonus
        candidates.append(_Candidate(score, rank, index, p, s, e))
    candidates.sort(key=lambda c: (-c.score, c.rank, c.start))
    return candidates


def needs_context(sentence: str, rule: QuoteSettings) -> bool:
    """Can the sentence not be read alone: it is short, or its first word points back
    ("Il", "Cette", "C'est", "They") to what the sentence before it names?"""
    if len(sentence) < rule.min_sentence_chars:
        return True
    first = re.match(r"\W*([^\W\d_]+)", sentence)
    return first is not None and fold(first.group(1)) in rule.anaphora


def _quote_spans(
    best: _Candidate, candidates: Sequence[_Candidate], rule: QuoteSettings
) -> list[tuple[int, int]]:
    """The quoted spans of the best sentence's passage, in reading order: the best sentence
    (with the neighbour it needs, or widened), and the passage's second-best sentence when it
    scores close enough, lies outside and fits."""
    text = best.passage.text
    if rule.widen_to > 1:
        start, end = widen(text, best.index, rule.widen_to, rule.max_quote_chars)
    else:
        start, end = _with_neighbour(text, best.index, rule)
    spans = [(start, end)]
    second = next((c for c in candidates[1:] if c.passage is best.passage), None)
    if second is not None and second.score >= best.score - rule.second_margin:
        s, e = second.start, second.end
        if (e <= start or s >= end) and (end - start) + (e - s) <= rule.max_quotes_chars:
            spans.append((s, e))
    spans.sort()
    if len(spans) == 2 and not text[spans[0][1] : spans[1][0]].strip():  # side by side: one quote
        spans = [(spans[0][0], spans[1][1])]
    return [trim_quote(text, s, e) for s, e in spans]


def _with_neighbour(text: str, index: int, rule: QuoteSettings) -> tuple[int, int]:
    """Sentence `index` of `text`, with its predecessor when it cannot be read alone (a short
    first sentence takes its successor), as long as the two stay within `rule.max_quote_chars`."""
    spans = split_sentences(text)
    start, end = spans[index]
    if not needs_context(text[start:end], rule):
        return start, end
    if index > 0 and end - spans[index - 1][0] <= rule.max_quote_chars:
        return spans[index - 1][0], end
    short = len(text[start:end]) < rule.min_sentence_chars
    if index == 0 and len(spans) > 1 and short and spans[1][1] - start <= rule.max_quote_chars:
        return start, spans[1][1]
    return start, end


def widen(text: str, index: int, max_sentences: int, max_chars: int) -> tuple[int, int]:
    """The span of sentence `index` of `text`, grown by whole neighbouring sentences (the next
    one first, then the previous) while it has at most `max_sentences` and `max_chars`.

    The best sentence alone is kept even when it is longer than `max_chars`.
    """
    spans = split_sentences(text)
    lo = hi = index
    while hi - lo + 1 < max_sentences:
        grown = False
        for a, b in ((lo, hi + 1), (lo - 1, hi)):
            if a >= 0 and b < len(spans) and spans[b][1] - spans[a][0] <= max_chars:
                lo, hi, grown = a, b, True
                break
        if not grown:
            break
    return spans[lo][0], spans[hi][1]
