"""The short answer: the few words of the quote that answer the question, read by an instruct model.

Retrieval and the extractive answer choose the passage and the quoted sentence(s); the reader
(an instruct GGUF, or the main LLM when it follows instructions) reads only the question and the
quote (prompts/short.LANG.txt: a fixed instruction and four examples first, so llama.cpp reuses
their KV cache from one question to the next, then the quote and the question, under 200 tokens),
and writes at most MAX_TOKENS tokens, greedily. Its words are kept only when
they occur in a quote after the same normalisation as quotes (verify.normalise), starting and
ending on word boundaries (a span that differs only in spaces, "50%" for « 50 % », is found
too), and say less than the whole quote; the short answer is then the
quote's own characters at that place. A number the reader writes in digits is also looked for
written out ("7" finds « sept »), and a year the quote gives as a decade keeps its decade words
(« les années 1920 », not "1920"). When the reader's words are not in the quote as written
(reordered, abridged, a list cut off by the token limit: "entrée, plat garni, dessert" for « une
entrée, d'un plat garni et d'un dessert »), the short answer is the quote's span whose words match
them best (token F1 of at least MIN_ALIGNMENT, from one word of substance to another): still the
quote's own characters, only the choice of span is inferred. A refusal ("je ne sais pas"), words
that only repeat the question's, words that match no span closely enough or the whole quote give
no short answer, and the quote alone stands as before.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from string import Template

from num2words import num2words

import prompts
from assistant.answer.extract import lang
from assistant.answer.verify import Normalised, normalise
from assistant.models.llm import Generator
from index.parse.language import FUNCTION_WORDS
from index.store.lexical import tokenize
from index.text.numbers import WHOLE_NUMBER as _WHOLE_NUMBER
from index.text.sentences import split_sentences

MAX_TOKENS = 24  # a short answer is a name, a number, a date or a few words
# The quote and the question as the reader sees them, in characters. The fixed part (instruction
# and four examples, 297 tokens with the chat template: bench/reader_speed.py) is evaluated once
# and reused from llama.cpp's cache; these keep the rest under 200 tokens (about 140 at p50), at
# the 3.5 characters per token of Qwen's tokenizer on French (3 on dense text). 450 rather than
# 300 characters: the answer lies outside a 300-character window for 14 of 76 quotes holding it
# (docs/quality.md).
MAX_QUOTE_CHARS = 450
MAX_QUESTION_CHARS = 100
STOP = ["\n"]
_REFUSALS = re.compile(
    r"^\W*(je ne sais pas|je ne sais|on ne sait pas|inconnu|aucune?|non précisé|pas d'information|"
    r"i don't know|i do not know|unknown|none|n/?a|not (stated|mentioned|given))\b",
    re.IGNORECASE,
)
_LEAD = re.compile(r"^\s*(réponse|answer)\s*:\s*", re.IGNORECASE)
_EDGE = "\"'«»“”„‘’ \t.,;:!?…"
# Words, numbers and the signs that belong to a number ("99,4 %" is "99", "4", "%").
_TOKEN = re.compile(r"\w+|[%€$£]")
# Aligning the reader's words to the quote: the least token F1 (over words of substance) for a
# span to stand for them, and how many such words longer than the reader's answer a span may be.
MIN_ALIGNMENT = 0.6
MAX_EXTRA_WORDS = 8


@dataclass(frozen=True)
class ShortAnswer:
    text: str  # the quote's own characters: a verbatim substring of quotes[quote]
    quote: int  # which quote of the citation holds it
    raw: str  # what the reader wrote
    # The least log-probability (nats) among the reader's tokens: how sure it was of its weakest
    # word. None when the backend does not tell (an OpenAI-compatible server).
    confidence: float | None = None


def reader_prompt(question: str, quote: str, language: str) -> tuple[str, str]:
    """(system, user): the fixed instruction and example, then the quote and the question."""
    fixed, _, variable = prompts.template("short", lang(language)).template.partition("\n---\n")
    user = Template(variable).substitute(
        quote=_clip(quote, MAX_QUOTE_CHARS, question), question=_clip(question, MAX_QUESTION_CHARS)
    )
    return fixed.strip(), user


def _clip(text: str, limit: int, question: str | None = None) -> str:
    """`text` in at most `limit` characters, on word boundaries. For a quote, the window that
    starts at a sentence and holds most of the question's words."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    starts = [0]
    if question is not None:
        wanted = set(tokenize(question, "fr")) | set(tokenize(question, "en"))
        starts = [s for s, _ in split_sentences(text)] or [0]

        def overlap(start: int) -> int:
            window = text[start : start + limit]
            return len(wanted & (set(tokenize(window, "fr")) | set(tokenize(window, "en"))))

        starts.sort(key=lambda s: (-overlap(s), s))
    start = starts[0]
    window = text[start : start + limit + 1]
    cut = window.rfind(" ") if len(window) > limit else len(window)
    return window[: cut if cut > 0 else limit].rstrip()


def span_in_quote(span: str, quote: str) -> str | None:
    """The quote's own characters where `span` occurs, compared after quote normalisation, on
    word boundaries; None when it does not occur."""
    wanted = normalise(span).text.strip()
    if not wanted:
        return None
    n = normalise(quote)
    at = n.text.find(wanted)
    while at >= 0:
        end = at + len(wanted)
        before = n.text[at - 1] if at > 0 else " "
        after = n.text[end] if end < len(n.text) else " "
        if not (_word(before) and _word(wanted[0])) and not (_word(after) and _word(wanted[-1])):
            s, e = n.original(at, end)
            return quote[s:e]
        at = n.text.find(wanted, at + 1)
    return _spaced_differently(wanted, n, quote)


def _spaced_differently(wanted: str, n: Normalised, quote: str) -> str | None:
    """The quote's characters for a span that differs from it only in spaces ("50%" for
    « 50 % »), on word boundaries; None otherwise."""
    kept = [k for k, c in enumerate(n.text) if c != " "]
    squeezed = "".join(n.text[k] for k in kept)
    target = wanted.replace(" ", "")
    at = squeezed.find(target)
    while at >= 0:
        first, last = kept[at], kept[at + len(target) - 1] + 1
        before = n.text[first - 1] if first > 0 else " "
        after = n.text[last] if last < len(n.text) else " "
        if not (_word(before) and _word(n.text[first])) and not (_word(after) and _word(n.text[last - 1])):
            s, e = n.original(first, last)
            return quote[s:e]
        at = squeezed.find(target, at + 1)
    return None


def _word(c: str) -> bool:
    return c.isalnum()


def clean(raw: str) -> str | None:
    """The reader's words without a leading "Réponse :", edge quotes and punctuation; None for a
    refusal or nothing."""
    line = next((ln for ln in raw.strip().splitlines() if ln.strip()), "")
    line = _LEAD.sub("", line).strip(_EDGE)
    if not line or _REFUSALS.match(line):
        return None
    return line


def _echoes(words: str, question: str) -> bool:
    """The reader gave back the question's own words ("Nelly Borgeaud" for « Quel rôle jouera-t-il
    auprès de Nelly Borgeaud ? »): nothing the question did not already say."""
    asked = {t for t, _, _ in _tokens(question)}
    return all(t in asked for t, _, _ in _tokens(words))


def _whole(span: str, quote: str) -> bool:
    return normalise(span).text.strip(_EDGE) == normalise(quote).text.strip(_EDGE)


def short_answer(
    reader: Generator,
    question: str,
    quotes: Sequence[str],
    language: str,
    on_token: Callable[[str], None] | None = None,
) -> ShortAnswer | None:
    """The shortest span of `quotes` that answers `question`, as the reader finds it, or None."""
    quotes = [q for q in quotes if q.strip()]
    if not quotes:
        return None
    joined = " … ".join(quotes)
    system, user = reader_prompt(question, joined, language)
    pieces: list[str] = []
    logprobs: list[float] = []
    for piece in reader.stream(system, user, max_tokens=MAX_TOKENS, stop=STOP, logprobs=logprobs):
        pieces.append(piece)
        if on_token:
            on_token(piece)
    raw = "".join(pieces)
    confidence = min(logprobs) if logprobs else None
    words = clean(raw)
    if words is None or _echoes(words, question):
        return None
    for spelling in (words, *spelt_out(words)):
        for k, quote in enumerate(quotes):
            found = span_in_quote(spelling, quote)
            if found is None or (spelling is not words and not _stands_alone(found, quote)):
                continue
            found = with_decade(found, quote)
            if _whole(found, quote):
                return None
            return ShortAnswer(found, k, raw, confidence)
    # The reader's words are not in the quote as written (reordered, abridged, cut off by the
    # token limit): the quote's own span closest to them, when it is close enough.
    aligned = [(a, k) for k, quote in enumerate(quotes) if (a := align_in_quote(words, quote)) is not None]
    if aligned:
        (span, _), k = max(aligned, key=lambda x: x[0][1])
        if not _whole(span, quotes[k]):
            return ShortAnswer(span, k, raw, confidence)
    return None


def spelt_out(words: str) -> list[str]:
    """`words` with their whole numbers written out in French, then in English ("4" becomes
    "quatre", "four"): the reader writes digits where the quote spells the number (« quatre
    représentants »). A number alone is written out only from 2 to 20: « un », « one » or « cent »
    alone are more often something else. Empty when nothing is written out."""
    alone = _WHOLE_NUMBER.fullmatch(words.strip())
    if not _WHOLE_NUMBER.search(words) or (alone and not 2 <= int(alone[0]) <= 20):
        return []
    variants = [_WHOLE_NUMBER.sub(partial(_spell, lang=lang), words) for lang in ("fr", "en")]
    if not alone and re.match(r"1\b(?! \d)", words):  # "1 place" for « une place »
        variants.append(re.sub(r"^1\b", "une", words))
    return variants


def _spell(number: re.Match[str], lang: str) -> str:
    return str(num2words(int(number[0]), lang=lang))


def _stands_alone(found: str, quote: str) -> bool:
    """A number word found in the quote is that number, not part of a compound (« Pont-Neuf »,
    « quatre-vingt ») or an abbreviation ("Sept. 11")."""
    at = quote.find(found)
    before, after = quote[max(0, at - 1) : at], quote[at + len(found) :]
    return before != "-" and not after.startswith("-") and not re.match(r"\.\s*\d", after)


def with_decade(span: str, quote: str) -> str:
    """A year the quote gives as a decade where it holds it (« dans les années 1920 ») with its
    decade words, "les années 1920": the year alone would say something else. Else `span`."""
    if not re.fullmatch(r"\d{4}", span):
        return span
    year = re.search(rf"(?<!\d){span}(?!\d)", quote)
    decade = re.search(r"(?:\bles\s+)?\bannées\s+$", quote[: year.start()], re.IGNORECASE) if year else None
    return quote[decade.start() : year.end()] if year and decade else span


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """The words of substance of `text` (see _substantive), case-folded, with their offsets."""
    found = (
        (unicodedata.normalize("NFC", m[0]).casefold(), m.start(), m.end()) for m in _TOKEN.finditer(text)
    )
    return [t for t in found if _substantive(t[0])]


def align_in_quote(words: str, quote: str) -> tuple[str, float] | None:
    """The span of `quote`, on word boundaries, whose words best match the reader's `words`,
    with its score; None below MIN_ALIGNMENT.

    The score is token F1 (as SQuAD scores answers) over words of substance only, so « une
    entrée, d'un plat garni et d'un dessert » matches "entrée, plat garni, dessert" fully; a span
    starts and ends on one of the reader's words, so "MGIMO de Saint-Pétersbourg" finds no
    "MGIMO de" in a quote about the MGIMO de Moscou. The span is the quote's own characters, so
    a short answer is still verbatim: only which span the reader meant is inferred.
    """
    wanted = Counter(t for t, _, _ in _tokens(words))
    size = sum(wanted.values())
    if not size:
        return None
    tokens = _tokens(quote)
    best: tuple[float, int, int, int] | None = None  # (score, -length, first, last)
    for i, (first, _, _) in enumerate(tokens):
        if first not in wanted:
            continue
        seen: Counter[str] = Counter()
        overlap = 0
        for j in range(i, min(len(tokens), i + size + MAX_EXTRA_WORDS)):
            token = tokens[j][0]
            seen[token] += 1
            overlap += seen[token] <= wanted[token]
            if token not in wanted:
                continue
            length = j - i + 1
            score = 2 * overlap / (length + size)
            if best is None or (score, -length) > best[:2]:
                best = (score, -length, i, j)
    if best is None or best[0] < MIN_ALIGNMENT:
        return None
    score, _, i, j = best
    return quote[tokens[i][1] : tokens[j][2]], score


def _substantive(token: str) -> bool:
    """A number, a unit sign, or a word that is not one of the languages' common words."""
    return token[0].isdigit() or token in "%€$£" or (len(token) >= 2 and token not in FUNCTION_WORDS)
