"""Names in a text: which words name something rather than start a sentence.

Four readings, each for its own use, kept apart because they answer different questions:
- `capitalised_words`: a question's words capitalised inside it, one by one (the gate refuses a
  question naming what no briefing mentions; a translation keeps them).
- `name_phrases`: names as phrases ("Credit Suisse", "Corée du Nord"), acronyms and numbers,
  carried from one question to a follow-up.
- `capitalised_names`: capitalised words not starting a sentence or clause, and acronyms
  wherever they stand, that an answer's sentence must find in its passages.
- `inner_capitalised`: words after a space, comma, semicolon or parenthesis starting with a
  capital A-Z: the names a candidate sentence of an extractive answer holds.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from index.text.fold import fold
from index.text.numbers import SPACED_DIGITS

_WORD = re.compile(r"[^\W\d_]+|[^\w\s]", re.UNICODE)
_OPENERS = frozenset('.?!:;«“"(')  # not the apostrophe: "d'Anselm" names Anselm
MIN_LETTERS = 3  # initials are not names worth refusing over
_ROMAN = re.compile(r"[IVXLC]+(?:er|re|e|ème|ieme|ième)?")  # "Ier", "XVIIIe", "XXème": ordinals


def capitalised_words(question: str) -> list[str]:
    """Words capitalised inside the question, in order, deduplicated.

    Its first word and a word after sentence punctuation or an opening quote are capitalised
    by grammar, not because they name something; initials and Roman numerals name nothing
    worth asking about.
    """
    tokens = _WORD.findall(question)
    out: dict[str, None] = {}
    for i, tok in enumerate(tokens):
        if i == 0 or not tok[0].isupper() or len(tok) < MIN_LETTERS or tokens[i - 1] in _OPENERS:
            continue
        if _ROMAN.fullmatch(tok):
            continue
        out[tok] = None
    return list(out)


_CAPITAL = r"[A-ZÀ-Ý][\w-]*\+?"
_NAME = re.compile(
    rf"(?<![\w-])(?:{_CAPITAL}(?:(?:\s+|\s+(?:du|de|des|de la)\s+){_CAPITAL})*|{SPACED_DIGITS})(?![\w-])"
)
_SOURCE_LEAD = re.compile(r"^(?:selon|d['’]après|according to)\b[^,]*,\s*", re.I)


def name_phrases(text: str, *, question: bool = True) -> list[str]:
    """Names as phrases ("Credit Suisse", "Corée du Nord"), acronyms and numbers. A question's
    first word is capitalised by grammar; an answer's first word counts when a name goes on
    after it ("Rishi Sunak."), after the "Selon le briefing du …," that opens the answers."""
    body = _SOURCE_LEAD.sub("", text.strip()) if not question else text.strip()
    out = []
    for m in _NAME.finditer(body):
        name = m.group(0)
        if (
            m.start() == 0 and not name.split()[0].isupper() and (question or " " not in name)
        ):  # "Combien UBS …": a capital by grammar
            name = name.partition(" ")[2]
        if name:
            out.append(name)
    return out


_LETTERS = re.compile(r"[^\W\d_]+")


def capitalised_names(text: str, ignore: Collection[str] = frozenset()) -> list[str]:
    """Capitalised words not starting a sentence or clause, and acronyms wherever they stand
    ("PWNED « … » [1]" must not pass as the first word of a sentence); a word whose fold
    (index.text.fold.fold) is in `ignore` is no name."""
    out = []
    for m in _LETTERS.finditer(text):
        w = m.group()
        before = text[: m.start()].rstrip().rstrip("-•*([")
        if (not before or before[-1] in ".!?:") and not (len(w) >= 2 and w.isupper()):
            continue
        if w[0].isupper() and fold(w) not in ignore:
            out.append(w)
    return out


_INNER_CAPITALISED = re.compile(r"(?<=[\s,;(])[A-Z][\w-]+")


def inner_capitalised(sentence: str) -> list[str]:
    """Words starting with a capital A-Z after a space, comma, semicolon or opening parenthesis:
    the sentence's names, its first word aside."""
    return _INNER_CAPITALISED.findall(sentence)
