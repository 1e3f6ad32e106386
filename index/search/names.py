"""Names a question asks about that the archive never mentions.

A question about "Jean Chaintron" cannot be answered by briefings that never name him, however
well other passages about another Jean score. A capitalised question word found nowhere in
the briefings (not even within a typo of an indexed word) is rare in an answerable question,
which then names something its briefing never writes ("Cracovie", "Saint-Pétersbourg").
The abstention gate (assistant/answer/gate.py) uses it beside its fitted signals.

Only words written capitalised inside the question count: its first word and a word after
sentence punctuation or an opening quote are capitalised by grammar, not because they name
something. Comparison is on the word index's stems (accent-folded, every index language),
and a stem within edit distance 1 (2 from 7 letters) of an indexed one counts as known, so a
misspelt name is not taken for an unknown one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from rapidfuzz import distance, process

from index.store.lexical import tokenize_query
from index.text.names import capitalised_words


def _tolerance(stem: str) -> int:
    return 1 if len(stem) < 7 else 2


class Vocabulary:
    """The word index's stems, for exact and near lookups."""

    def __init__(self, stems: Iterable[str]) -> None:
        self.stems = frozenset(s for s in stems if s and "_" not in s)  # "_" joins bigrams
        self._sorted: list[str] | None = None

    def knows(self, stem: str) -> bool:
        if stem in self.stems:
            return True
        if self._sorted is None:
            self._sorted = sorted(self.stems)
        tol = _tolerance(stem)
        return (
            process.extractOne(stem, self._sorted, scorer=distance.Levenshtein.distance, score_cutoff=tol)
            is not None
        )


def unknown_names(question: str, vocabulary: Vocabulary, languages: Collection[str]) -> list[str]:
    """The question's capitalised words none of whose stems the archive knows."""
    out = []
    for word in capitalised_words(question):
        stems = tokenize_query(word, languages)
        if stems and not any(vocabulary.knows(s) for s in stems):
            out.append(word)
    return out
