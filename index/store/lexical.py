"""BM25 over passages with bm25s, tokenised per language with Snowball stemmers.

Passages are stemmed with their briefing's language. A question's language is not known
for sure (English questions about French briefings are expected), so a question token is
stemmed with every language present in the index; a stem missing from the vocabulary
simply scores nothing. Accents are folded after stemming so "etats" finds "États".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from functools import cache, cached_property, lru_cache

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH
from scipy import sparse

from index.parse.language import QUESTION_WORDS
from index.text.fold import strip_accents

_STEMMERS = {"fr": "french", "en": "english"}
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


# Cached because the same few thousand words recur across a corpus.
_fold = lru_cache(maxsize=1 << 19)(strip_accents)


@cache
def stopwords(language: str) -> frozenset[str]:
    words = STOPWORDS_FRENCH if language == "fr" else STOPWORDS_EN
    return frozenset(_fold(w.lower()) for w in words)


@cache
def query_stopwords(languages: tuple[str, ...]) -> frozenset[str]:
    """Words a question is searched without: the stop words and interrogatives of its index's
    language; with several languages, only the words that are such in every one of them (an
    English "comment" is not the French "comment")."""
    sets = [stopwords(lang) | QUESTION_WORDS.get(lang, frozenset()) for lang in languages or ("fr",)]
    return frozenset.intersection(*sets)


@cache
def _question_words(languages: tuple[str, ...]) -> frozenset[str]:
    """The interrogatives of every one of `languages` (computed once per index, not per query)."""
    return frozenset.intersection(*(QUESTION_WORDS.get(lang, frozenset()) for lang in languages))


def without_question_words(text: str, languages: Iterable[str]) -> str:
    """The text without its interrogatives, for the character n-grams of a question."""
    asked = _question_words(tuple(sorted(set(languages))) or ("fr",))
    return " ".join(w for w in words(text) if w not in asked)


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMERS.get(language, "english"))


def words(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def tokenize(text: str, language: str) -> list[str]:
    """Index-side tokens: lower-cased words, stop words dropped, stemmed, accents folded."""
    stop = stopwords(language)
    toks = [w for w in words(text) if _fold(w) not in stop]
    return [_fold(s) for s in _stemmer(language).stemWords(toks)]


def tokenize_query(text: str, languages: Iterable[str]) -> list[str]:
    """Query-side tokens: the union of the stems in each language (deduplicated, in order).

    Stop words and interrogatives are dropped (`query_stopwords`), so "la", "the" or "quel"
    never decide a match.
    """
    langs = tuple(sorted(set(languages))) or ("fr",)
    stop = query_stopwords(langs)
    toks = [w for w in words(text) if _fold(w) not in stop]
    out: dict[str, None] = {}
    for lang in langs:
        for stem in _stemmer(lang).stemWords(toks):
            out[_fold(stem)] = None
    return list(out)


def with_bigrams(tokens: list[str]) -> list[str]:
    """Words plus adjacent-word pairs: a shared phrase counts for more than scattered words."""
    return tokens + [f"{a}_{b}" for a, b in itertools.pairwise(tokens)]


class LexicalIndex:
    """A bm25s index whose document i is passage row i of the store.

    k1=0.9, b=0.4 were tuned on the PIAF dev set (bench/eval_retrieval.py): bullets vary a
    lot in length and a long bullet is not less relevant for it, hence the low b.
    """

    def __init__(self, k1: float = 0.9, b: float = 0.4) -> None:
        self.bm25 = bm25s.BM25(k1=k1, b=b)
        self.size = 0

    def build(self, token_lists: Sequence[list[str]]) -> None:
        self.size = len(token_lists)
        if self.size:
            self.bm25.index([t or [""] for t in token_lists], show_progress=False)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage (zeros when nothing matches)."""
        if not self.size:
            return np.zeros(0, dtype=np.float32)
        known = [t for t in query_tokens if t in self.bm25.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def scores_of(self, query_tokens: list[str], rows: np.ndarray) -> np.ndarray:
        """BM25 score of the passages `rows` only, equal to `scores(...)[rows]`.

        Scoring every passage walks each query token's whole posting list; character
        4-grams have long ones (at 100k passages that was most of a search). Scoring a few
        hundred candidates through a passage-major copy of the matrix costs what they hold.
        """
        if not self.size or not len(rows):
            return np.zeros(len(rows), dtype=np.float32)
        vocab = self.bm25.vocab_dict
        ids = [vocab[t] for t in query_tokens if t in vocab]
        if not ids:
            return np.zeros(len(rows), dtype=np.float32)
        counts = np.bincount(ids, minlength=self.by_passage.shape[1]).astype(np.float32)
        return np.asarray(self.by_passage[rows] @ counts, dtype=np.float32)

    @cached_property
    def by_passage(self) -> sparse.csr_matrix:
        """Passage-major (CSR) copy of bm25s's token-major score matrix."""
        m = self.bm25.scores
        shape = (self.size, len(m["indptr"]) - 1)
        return sparse.csc_matrix((m["data"], m["indices"], m["indptr"]), shape=shape).tocsr()

    def save(self, directory: str) -> None:
        self.bm25.save(directory)

    @classmethod
    def load(cls, directory: str, size: int) -> LexicalIndex:
        obj = cls.__new__(cls)
        obj.bm25 = bm25s.BM25.load(directory)
        obj.size = size
        return obj
