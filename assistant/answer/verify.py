"""The answer contract, checked in code: quotes verified, markers validated, facts grounded.

An LLM answer is only as trustworthy as what can be checked against the retrieved passages:
- a quote must be verbatim in the passage its marker cites, compared after normalisation
  (NFKC, case-folded, whitespace collapsed, ’ ' « » “ ” " and dashes unified); the output
  always carries the passage's own characters, so every quote shown is an exact substring.
  Case is folded for matching only: the LLM capitalising a quote's first word is no lie.
- a quote that is not verbatim is replaced by the closest verbatim span of the passage
  (rapidfuzz alignment, snapped to word boundaries), or removed when none reaches
  FUZZY_THRESHOLD; a quote verbatim in another passage than cited gets that passage's marker.
- a marker to no passage of the context is removed; markers inside quotes are text, never
  citations (and quotes are cut short of them). Marker look-alikes outside quotes ([^9], ⁹,
  ［３］, [99999]) point to nothing and are removed too.
- a sentence with a number, date, name or URL found in none of its cited passages is dropped,
  as is one with markup outside its quotes (HTML tags, Markdown links and images: the model's
  own words never carry any), an unquoted sentence most of whose content words are in none of
  them (which is what keeps injected instructions out), and a sentence whose every quote failed.
- invisible and control characters (index.parse.markers.INVISIBLE: bidi overrides, zero-width
  spaces, terminal escapes) are dropped from the model's text before anything else.
- no verified quote left: the extractive answer, unless the LLM abstained.
Markers are renumbered densely in order of first appearance, matching the citations list.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from assistant.answer.extract import (
    ABSTAIN,
    MARKER,
    QUOTE_CHARS,
    Change,
    ChangeKind,
    Citation,
    ContextPassage,
    Verified,
    extractive_answer,
    lang,
    render_quote,
    trim_quote,
)
from index.parse.markers import drop_invisible
from index.store.lexical import tokenize
from index.text.fold import fold
from index.text.months import MONTHS, alternation
from index.text.names import capitalised_names
from index.text.numbers import NUMBER as _NUMBER
from index.text.numbers import number_value as _number
from index.text.sentences import quote_spans, split_sentences

__all__ = ["Change", "Citation", "ContextPassage", "Verified", "extractive_answer", "normalise", "verify"]

FUZZY_THRESHOLD = 75.0  # fuzz.ratio of quote vs span; paraphrases score 75-95, unrelated text < 60
FUZZY_MIN_CHARS = 12  # shorter quotes match too much by chance: exact only
SUPPORT_SHARE = 0.5  # an unquoted sentence needs half its content stems in its passages
NAME_SIMILARITY = 85.0  # Tokayev ~ Tokaïev: transliterations of one name
_MARKERS_AFTER = re.compile(r"(?:\s*" + MARKER.pattern + r")*")  # the markers closing a quote
# Footnote-marker look-alikes the answer format never uses: [^9], superscripts, full-width or
# lenticular brackets, five-digit numbers in brackets (MARKER reads up to four digits).
_FAKE_MARKER = re.compile(
    r"\s*(?:\[\^[^\]\s]{0,40}\]|[⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾]+|[［【〔]\s*[0-9０-９]{1,9}\s*[］】〕]|\[\s*\d{5,}\s*\])"
)
# Markup in the model's own words: HTML tags (<script>, <img onerror=…>), Markdown links and
# images, javascript: URLs. Quotes keep the passage's text, markup included, as text.
_MARKUP = re.compile(r"<\s*/?\s*[a-z!?|]|!\[[^\]]*\]\(|\]\(\s*\S|javascript:", re.I)
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'«»“”)\]]+|\bwww\.[^\s<>\"'«»“”)\]]+", re.I)

_MARKS = str.maketrans(
    {
        **dict.fromkeys("’‘ʼ‛`´′‹›", "'"),
        **dict.fromkeys("“”„‟«»″", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
    }
)


@dataclass(frozen=True)
class Normalised:
    """A text in matching form, with each character's span in the original text."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=4096)
def normalise(text: str) -> Normalised:
    """NFKC, case-folded, quote marks and dashes unified, whitespace collapsed.

    Spaces next to a quote mark or before ? ! : ; are dropped: French typography puts
    (non-breaking) spaces there and English does not, and neither changes the words.
    """
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        for c in unicodedata.normalize("NFKC", text[i:j]).casefold().translate(_MARKS):
            space = c.isspace()
            if space and (not chars or chars[-1] == " "):
                continue
            chars.append(" " if space else c)
            starts.append(i)
            ends.append(j)
        i = j
    keep = [
        k
        for k, c in enumerate(chars)
        if c != " " or not (k + 1 == len(chars) or chars[k + 1] in '"?!:;' or (k > 0 and chars[k - 1] == '"'))
    ]
    return Normalised(
        "".join(chars[k] for k in keep), tuple(starts[k] for k in keep), tuple(ends[k] for k in keep)
    )


@dataclass(frozen=True)
class _Match:
    start: int  # span in the passage's original text
    end: int
    exact: bool


def _exact(quote: str, passage: str) -> _Match | None:
    q, p = normalise(quote).text, normalise(passage)
    if not q:
        return None
    k = p.text.find(q)
    if k >= 0:
        return _Match(*p.original(k, k + len(q)), exact=True)
    parts = [x.strip() for x in re.split(r"\s*[\[(]?\.\.\.[\])]?\s*", q) if x.strip()]
    if len(parts) < 2:
        return None
    # An elided quote (« a […] b »): verbatim pieces in order stand for the span covering them.
    pos, first = 0, -1
    for part in parts:
        k = p.text.find(part, pos)
        if k < 0:
            return None
        first = k if first < 0 else first
        pos = k + len(part)
    if pos - first > 3 * len(q):
        return None
    return _Match(*p.original(first, pos), exact=False)


def _fuzzy(quote: str, passage: str) -> tuple[float, _Match] | None:
    """Closest span by partial alignment, its edges moved by up to two words for the best ratio."""
    q, p = normalise(quote).text, normalise(passage)
    if len(q) < FUZZY_MIN_CHARS or not p.text:
        return None
    a = fuzz.partial_ratio_alignment(q, p.text)
    if a is None or a.score < FUZZY_THRESHOLD:
        return None
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", p.text)]
    word_starts = [s for s, _ in words]
    first = max(bisect.bisect_right(word_starts, a.dest_start) - 1, 0)
    last = max(bisect.bisect_left(word_starts, a.dest_end) - 1, first)
    best: tuple[float, int, int] | None = None
    for i in range(max(first - 2, 0), min(first + 3, len(words))):
        for j in range(max(last - 2, i), min(last + 3, len(words))):
            s, e = words[i][0], words[j][1]
            score = fuzz.ratio(q, p.text[s:e])
            if best is None or score > best[0]:
                best = (score, s, e)
    if best is None or best[0] < FUZZY_THRESHOLD:
        return None
    return best[0], _Match(*p.original(best[1], best[2]), exact=False)


@dataclass(frozen=True)
class _Ref:
    marker: int  # the context marker, renumbered at rendering
    quote: str | None = None


@dataclass
class _Sentence:
    original: str
    pieces: list[str | _Ref]
    gap: str  # what separated it from the next sentence in the answer
    verified: int = 0
    lost: int = 0


class _Checker:
    """One answer's pass: resolves quotes and markers against the context, records changes."""

    def __init__(self, context: Sequence[ContextPassage], language: str) -> None:
        self.context = list(context)
        self.by_marker = {p.marker: p for p in self.context}
        self.language = lang(language)
        self.changes: list[Change] = []

    def note(self, kind: ChangeKind, before: str, after: str = "", reason: str = "") -> None:
        self.changes.append(Change(kind, before, after, reason))

    def markers(self, spec: str, where: str) -> list[int]:
        """Valid markers of a [n] or [n, m] group; the others are recorded as removed."""
        out = []
        for n in (int(x) for x in re.findall(r"\d+", spec)):
            if n in self.by_marker:
                out.append(n)
            else:
                self.note("marker_removed", f"[{n}]", reason=f"no passage [{n}] in the context: {where}")
        return out

    def text(self, chunk: str, pieces: list[str | _Ref]) -> None:
        """Plain text with its standalone markers; a marker's leading space is re-added on rendering."""

        def fake(m: re.Match[str]) -> str:
            self.note("marker_removed", m.group().strip(), reason="not a marker of the answer format")
            return ""

        chunk = _FAKE_MARKER.sub(fake, chunk)
        pos = 0
        for m in MARKER.finditer(chunk):
            pieces.append(chunk[pos : m.start()].rstrip())
            pieces.extend(_Ref(n) for n in self.markers(m.group(1), chunk))
            pos = m.end()
        pieces.append(chunk[pos:])

    def quote(self, content: str, cited: list[int]) -> _Ref | None:
        content = content.strip()
        if not content:
            return None
        cited_passages = [self.by_marker[n] for n in cited]
        others = [p for p in self.context if p.marker not in cited]
        for group in (cited_passages, others):
            for p in group:
                if found := _exact(content, p.text):
                    return self.accept(content, cited, p, found)
        for group in (cited_passages, others):
            scored = [(r[0], p, r[1]) for p in group if (r := _fuzzy(content, p.text))]
            if scored:
                _, p, found = max(scored, key=lambda x: x[0])
                return self.accept(content, cited, p, found)
        self.note("quote_removed", content, reason=f"no span of a passage reaches {FUZZY_THRESHOLD:g}")
        return None

    def accept(self, content: str, cited: list[int], p: ContextPassage, found: _Match) -> _Ref | None:
        start, end = trim_quote(p.text, found.start, found.end, drop_stop=False)
        quote = p.text[start:end]
        if not quote:
            self.note("quote_removed", content, reason="the matching span holds only a marker")
            return None
        if p.marker not in cited:
            was = ", ".join(f"[{n}]" for n in cited) or "no marker"
            self.note("marker_moved", content, f"[{p.marker}]", reason=f"cited {was}")
        for n in cited:
            if n != p.marker:
                self.note(
                    "marker_removed", f"[{n}]", reason=f"the quote is not from passage [{n}]: {content}"
                )
        if quote != content:
            kind: ChangeKind = "quote_normalised" if found.exact else "quote_replaced"
            self.note(kind, content, quote)
        return _Ref(p.marker, quote)

    def sentence(self, s: str, gap: str) -> _Sentence:
        out = _Sentence(s, [], gap)
        pos = 0
        for q in quote_spans(s):
            if q.open < pos:
                continue
            self.text(s[pos : q.open], out.pieces)
            follow = _MARKERS_AFTER.match(s, q.close + 1)
            end = follow.end() if follow else q.close + 1
            cited = [n for m in MARKER.finditer(s, q.close + 1, end) for n in self.markers(m.group(1), s)]
            ref = self.quote(s[q.open + 1 : q.close], cited)
            if ref is None:
                out.lost += 1
            else:
                out.verified += 1
                out.pieces.append(ref)
            pos = end
        self.text(s[pos:], out.pieces)
        for k, piece in enumerate(out.pieces):
            if isinstance(piece, str) and QUOTE_CHARS.intersection(piece):
                cleaned = "".join(c for c in piece if c not in QUOTE_CHARS)
                out.pieces[k] = cleaned
                self.note("quote_mark_removed", piece, cleaned, reason="unpaired quote mark")
        return out


@dataclass(frozen=True)
class _Evidence:
    numbers: frozenset[str]
    dates: frozenset[str]
    words: frozenset[str]
    stems: frozenset[str]
    urls: frozenset[str]


# The month names of index.text.months but "fev" and "mar", which the check reads as words.
_MONTH_NUMBERS = {name: number for name, number in MONTHS.items() if name not in ("fev", "mar")}
_MONTH = alternation(_MONTH_NUMBERS)
_DAY_MONTH = re.compile(rf"(?<!\d)(\d{{1,2}})(?:er|e|st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b\.?")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?!\d)")
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_WORD = re.compile(r"[^\W\d_]+")
_NOT_NAMES = frozenset(
    fold(w)
    for w in (
        "I OK "
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
        "lundi mardi mercredi jeudi vendredi samedi dimanche"
    ).split()
) | frozenset(_MONTH_NUMBERS)


def _dates(folded: str) -> list[tuple[str, tuple[int, int]]]:
    """Day-month keys ("15-9") with their spans: 15 septembre, September 15th, 2022-09-15."""
    found = [(f"{int(m[1])}-{_MONTH_NUMBERS[m[2]]}", m.span()) for m in _DAY_MONTH.finditer(folded)]
    found += [(f"{int(m[2])}-{_MONTH_NUMBERS[m[1]]}", m.span()) for m in _MONTH_DAY.finditer(folded)]
    found += [(f"{int(m[3])}-{int(m[2])}", m.span()) for m in _ISO.finditer(folded)]
    return found


@lru_cache(maxsize=1024)
def _passage_evidence(p: ContextPassage) -> _Evidence:
    text = " ".join(x for x in (p.text, p.source, p.file, p.briefing_date) if x)
    folded = fold(text)
    return _Evidence(
        numbers=frozenset(_number(m.group()) for m in _NUMBER.finditer(folded)),
        dates=frozenset(key for key, _ in _dates(folded)),
        words=frozenset(_WORD.findall(folded)),
        stems=frozenset(tokenize(text, "fr")) | frozenset(tokenize(text, "en")),
        urls=frozenset(_url(m.group()) for m in _URL.finditer(text)),
    )


def _evidence(passages: Sequence[ContextPassage]) -> _Evidence:
    parts = [_passage_evidence(p) for p in passages]
    return _Evidence(
        frozenset().union(*(e.numbers for e in parts)),
        frozenset().union(*(e.dates for e in parts)),
        frozenset().union(*(e.words for e in parts)),
        frozenset().union(*(e.stems for e in parts)),
        frozenset().union(*(e.urls for e in parts)),
    )


def _url(raw: str) -> str:
    return raw.rstrip(".,;:!?").casefold()


def unsupported(framing: str, ev: _Evidence) -> list[str]:
    """URLs, numbers, dates and names of the text (quotes excluded) found in none of the passages."""
    missing = [m.group() for m in _URL.finditer(framing) if _url(m.group()) not in ev.urls]
    framing = _URL.sub(" ", framing)
    folded = fold(framing)
    for key, (s, e) in _dates(folded):
        if key not in ev.dates:
            missing.append(folded[s:e])
        folded = folded[:s] + " " * (e - s) + folded[e:]
    missing += [m.group() for m in _NUMBER.finditer(folded) if _number(m.group()) not in ev.numbers]
    for name in capitalised_names(framing, _NOT_NAMES):
        f = fold(name)
        if f in ev.words:
            continue
        if len(f) >= 5 and process.extractOne(f, ev.words, scorer=fuzz.ratio, score_cutoff=NAME_SIMILARITY):
            continue
        missing.append(name)
    return missing


_ABSTENTION = re.compile(
    r"\bje ne (sais|peux|trouve)\b|\bne (permet|permettent|contient|contiennent|mentionne|mentionnent|"
    r"precise|precisent|dit|disent|repond|repondent) pas\b|\baucune (information|mention|reponse)\b|"
    r"\bpas d'information|\bimpossible de repondre\b|"
    r"\bi (don't|do not|cannot|can't) (know|find|answer|tell)\b|"
    r"\b(does|do|doesn't|don't) (not )?(say|mention|contain|answer|provide|specify)\b|"
    r"\bno information\b|\bnot (mentioned|stated|specified)\b|\bcannot be answered\b"
)


def verify(
    answer: str,
    context: Sequence[ContextPassage],
    question: str,
    language: str,
    fallback: Callable[[], Verified] | None = None,
) -> Verified:
    """Check an LLM answer against its context; see the module docstring for the rules. With no
    verified quote left, the answer is `fallback()` (default: the extractive answer to `question`)."""
    checker = _Checker(context, language)
    answer = drop_invisible(answer)
    spans = split_sentences(answer)
    starts = [s for s, _ in spans[1:]] + [len(answer)] * bool(spans)
    sentences = [
        checker.sentence(answer[s:e], "\n" if "\n" in answer[e:nxt] else " ")
        for (s, e), nxt in zip(spans, starts, strict=True)
    ]
    everything = sorted({r.marker for x in sentences for r in x.pieces if isinstance(r, _Ref)})
    kept = [x for x in sentences if _supported(x, checker, everything)]
    if not any(x.verified for x in kept):
        if _ABSTENTION.search(fold(normalise(answer).text)):
            checker.note("abstention", answer)
            return Verified(ABSTAIN[checker.language], [], checker.changes, abstained=True)
        result = fallback() if fallback else extractive_answer(question, context, checker.language)
        checker.note("fallback", answer, result.text, reason="no verified quote left")
        result.changes = checker.changes + result.changes
        result.fallback = True  # even when the extractive answer abstains: logs tell them apart
        return result
    return _render(kept, checker)


def _supported(x: _Sentence, checker: _Checker, everything: list[int]) -> bool:
    def drop(reason: str) -> bool:
        checker.note("sentence_dropped", x.original, reason=reason)
        return False

    if x.lost and not x.verified:
        return drop("its quotes could not be verified")
    own = sorted({r.marker for r in x.pieces if isinstance(r, _Ref)})
    ev = _evidence([checker.by_marker[n] for n in own or everything])
    framing = "".join(p if isinstance(p, str) else " … " for p in x.pieces)
    if markup := _MARKUP.search(framing):
        return drop(f"markup outside a quote: {markup.group()}")
    if missing := unsupported(framing, ev):
        return drop("in none of its passages: " + ", ".join(missing))
    if not x.verified:
        stems = set(tokenize(framing, checker.language))
        if stems and len(stems & ev.stems) < SUPPORT_SHARE * len(stems):
            return drop("unquoted, and its words are mostly not in its passages")
    return True


def _render(kept: list[_Sentence], checker: _Checker) -> Verified:
    """Dense markers in order of first appearance; one citation per marker."""
    dense: dict[int, int] = {}
    quotes: dict[int, list[str]] = {}
    parts: list[str] = []
    for x in kept:
        out = []
        for piece in x.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            n = dense.setdefault(piece.marker, len(dense) + 1)
            got = quotes.setdefault(n, [])
            if piece.quote is None:
                out.append(f" [{n}]")
                continue
            if piece.quote not in got:
                got.append(piece.quote)
            out.append(f"{render_quote(piece.quote, checker.language)} [{n}]")
        parts.append(re.sub(r"[ \t]{2,}", " ", "".join(out)).strip() + x.gap)
    citations = [
        Citation(n, checker.by_marker[marker], tuple(quotes[n]))
        for marker, n in sorted(dense.items(), key=lambda kv: kv[1])
    ]
    return Verified("".join(parts).strip(), citations, checker.changes)
