"""Guess whether a text is French or English from its function words.

Briefings are French or English; counting very common words is reliable on a paragraph
and needs no model.
"""

from __future__ import annotations

import re

# Interrogatives say what kind of answer is wanted, not what it is about; they are not in the
# stop lists, and a passage that happens to say "quand" or "comment" should not score for it:
# index/store/lexical.py drops them from questions (the index keeps them; nothing asks for them).
# They also say a question's language when it has no other function word
# ("Combien d'employeurs", "Quel poste occupe Han Zheng ?").
QUESTION_WORDS = {
    "fr": frozenset(
        "quel quelle quels quelles combien pourquoi comment quand quoi lequel laquelle lesquels "
        "lesquelles auquel auxquels auxquelles duquel desquels desquelles".split()
    ),
    "en": frozenset("what which who whom whose where when why how".split()),
}

_FR = {
    "le",
    "la",
    "les",
    "un",
    "une",
    "des",
    "du",
    "de",
    "et",
    "est",
    "sont",
    "dans",
    "pour",
    "que",
    "qui",
    "sur",
    "avec",
    "par",
    "pas",
    "au",
    "aux",
    "ce",
    "cette",
    "ces",
    "il",
    "elle",
    "ils",
    "elles",
    "nous",
    "vous",
    "leur",
    "leurs",
    "son",
    "sa",
    "ses",
    "ont",
    "été",
    "a",
    "à",
    "en",
    "ne",
    "se",
    "plus",
    "où",
    "mais",
    "selon",
    "lors",
    "depuis",
    "entre",
    "après",
    "avant",
    "hier",
}
_EN = {
    "the",
    "a",
    "an",
    "and",
    "is",
    "are",
    "was",
    "were",
    "of",
    "to",
    "in",
    "for",
    "that",
    "which",
    "who",
    "on",
    "with",
    "by",
    "not",
    "at",
    "this",
    "these",
    "it",
    "its",
    "they",
    "we",
    "you",
    "their",
    "has",
    "have",
    "had",
    "been",
    "from",
    "as",
    "but",
    "or",
    "after",
    "before",
    "since",
    "between",
    "yesterday",
    "said",
}
_FR |= QUESTION_WORDS["fr"]
_EN |= QUESTION_WORDS["en"]
# The common words of both languages, which say little about what a span of text is about.
FUNCTION_WORDS = frozenset(_FR | _EN)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect_language(text: str, default: str = "fr") -> str:
    """Return "fr" or "en"; `default` when the text gives no signal."""
    fr = en = 0
    for word in _WORD.findall(text[:20000].lower()):
        fr += word in _FR
        en += word in _EN
    if fr == en:
        return default
    return "fr" if fr > en else "en"
