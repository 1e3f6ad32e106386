"""Hybrid search: four signals fused by a weighted sum, then joined with their sources.

Signals, each scaled to [0, 1] per query (BM25 by its best score, cosine as is):
word BM25 (stems plus adjacent-word pairs), character 4-gram BM25 (inflections, typos,
names spelled differently), briefing-level BM25 (lifts bullets of the briefing about the
question's subject), and dense cosine from the sentence-transformers embedder.
The weights (FusionWeights, from fusion.toml) are tuned on the dev set. A weighted score sum,
not reciprocal-rank fusion: RRF gives a weak ranker (the English default embedder on French
text) the same vote as a strong one, and falls below BM25 alone.
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from index.search.names import Vocabulary, unknown_names
from index.store import database, generations, vectors
from index.store.embed import Embedder, embedder_spec
from index.store.lexical import LexicalIndex, tokenize_query, with_bigrams, without_question_words
from index.store.representation import char_grams

# Tuned on the dev set; the file's header says how to measure a setting.
_FUSION = tomllib.loads(Path(__file__).with_name("fusion.toml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class FusionWeights:
    words: float = _FUSION["words"]
    grams: float = _FUSION["grams"]
    briefing: float = _FUSION["briefing"]
    dense: float = _FUSION["dense"]
    footnote: float = _FUSION["footnote"]  # factor: the bullets citing a footnote carry its text too
    candidates: int = 200  # per signal, before fusion

    @classmethod
    def for_embedder(cls, name: str) -> FusionWeights:
        """The weights fitted for the embedder `name` (fusion.toml's table for it), else the
        default embedder's: an index keeps the weights of the model that built it."""
        tables = {key.lower(): table for key, table in _FUSION.get("embedder", {}).items()}
        table = tables.get(name.lower())
        return cls(**table) if table else cls()


@dataclass
class Filters:
    date_from: str | None = None  # inclusive ISO dates; briefings without a date are excluded
    date_to: str | None = None
    files: list[str] | None = None  # file names or paths

    def active(self) -> bool:
        return bool(self.date_from or self.date_to or self.files)


@dataclass
class Hit:
    id: str
    file: str
    path: str
    kind: str
    number: int
    text: str
    score: float
    briefing_id: str
    briefing_date: str | None
    briefing_title: str | None
    row: int
    footnotes: list[dict[str, Any]] = field(default_factory=list)  # bullet -> its sources
    cited_by: list[dict[str, Any]] = field(default_factory=list)  # footnote -> bullets citing it
    page: int | None = None  # the PDF page the passage starts on; None for other formats
    section: str | None = None  # the headings above a bullet or paragraph, "Analysis › Sahel"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "file": self.file,
            "kind": self.kind,
            "number": self.number,
            "page": self.page,
            "section": self.section,
            "text": self.text,
            "score": round(self.score, 4),
            "footnotes": self.footnotes,
            "cited_by": self.cited_by,
            "briefing_date": self.briefing_date,
            "briefing_title": self.briefing_title,
        }


def _scaled(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


class Searcher:
    """Opens the live generation of an index directory and answers queries against it."""

    def __init__(self, index_dir: Path, embedder: Embedder, weights: FusionWeights | None = None) -> None:
        self.index_dir = Path(index_dir)
        gen = generations.current_generation(self.index_dir)
        if gen is None:
            raise generations.IndexError_(
                f"no index at {self.index_dir}: create it with `briefing-assistant index PATH...`"
            )
        self.manifest = generations.read_manifest(gen)
        generations.check_embedder(self.index_dir, self.manifest, embedder_spec(embedder))
        self.embedder = embedder
        self.weights = weights or FusionWeights.for_embedder(embedder.name)
        # A question is read by the search, then by the gate's signals: its stems are taken once.
        self._tokens = lru_cache(maxsize=64)(self._tokenize)
        self._qcache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._qlock = threading.Lock()
        self.conn = database.open_db(gen / "meta.sqlite")
        self.size = int(self.manifest["passages"])
        self.vectors = vectors.load(gen / "vectors.faiss")
        self.embeddings = vectors.all_vectors(self.vectors)
        self.languages = self.manifest.get("languages") or ["fr", "en"]
        self.words = self.grams = self.briefs = None
        if self.size:
            self.words = LexicalIndex.load(str(gen / "bm25_words"), self.size)
            self.grams = LexicalIndex.load(str(gen / "bm25_grams"), self.size)
            self.briefs = LexicalIndex.load(str(gen / "bm25_briefings"), int(self.manifest["briefings"]))
        meta = self.conn.execute(
            "SELECT p.row, p.kind, p.briefing_id, b.date FROM passages p JOIN briefings b ON b.id = p.briefing_id ORDER BY p.row"
        ).fetchall()
        order: dict[str, int] = {}
        self.briefing_of = np.array(
            [order.setdefault(r["briefing_id"], len(order)) for r in meta], dtype=np.int64
        )
        self.briefing_ids = list(order)
        self.is_footnote = np.array([r["kind"] == "footnote" for r in meta], dtype=bool)
        self.dates = [r["date"] for r in meta]

    # -- filters -----------------------------------------------------------------------
    def _allowed(self, filters: Filters | None) -> np.ndarray | None:
        """Boolean mask of the rows a filtered search may return (None: all)."""
        if filters is None or not filters.active():
            return None
        mask = np.ones(self.size, dtype=bool)
        if filters.date_from or filters.date_to:
            lo, hi = filters.date_from or "0000", filters.date_to or "9999"
            # A briefing dated only "2022-09" matches any range that touches September 2022.
            mask &= np.array([d is not None and d >= lo[: len(d)] and d[: len(hi)] <= hi for d in self.dates])
        if filters.files:
            wanted = {Path(f).name for f in filters.files} | {str(Path(f).resolve()) for f in filters.files}
            ids = {
                r["briefing_id"]
                for r in self.conn.execute("SELECT path, briefing_id FROM files")
                if r["path"] in wanted or Path(r["path"]).name in wanted
            }
            keep = np.array([bid in ids for bid in self.briefing_ids], dtype=bool)
            mask &= keep[self.briefing_of] if len(keep) else np.zeros(self.size, dtype=bool)
        return mask

    # -- scoring -----------------------------------------------------------------------
    def query_tokens(self, query: str) -> tuple[str, ...]:
        """The question's stems in the archive's languages, interrogatives left out."""
        return self._tokens(query, tuple(self.languages))

    @staticmethod
    def _tokenize(query: str, languages: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(tokenize_query(query, languages))

    def query_vector(self, query: str) -> np.ndarray:
        """The query's embedding; the last few are kept, since the gate asks again after search."""
        with self._qlock:
            if query in self._qcache:
                self._qcache.move_to_end(query)
                return self._qcache[query]
        vec = self.embedder.encode_query(query)[0]
        with self._qlock:
            self._qcache[query] = vec
            while len(self._qcache) > 32:
                self._qcache.popitem(last=False)
        return vec

    def scores(self, query: str, filters: Filters | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(rows, fused scores) of the candidates for `query`, best first."""
        w = self.weights
        if not self.size or self.words is None or self.grams is None or self.briefs is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        allowed = self._allowed(filters)
        q_tokens = list(self.query_tokens(query))
        # Words and briefings nominate lexical candidates over the whole index; character
        # grams, whose long posting lists made them most of a search at 100k passages, are
        # scored on the candidates only (their best is scaled to 1 there, as the others are).
        lexical = w.words * _scaled(self.words.scores(with_bigrams(q_tokens)))
        lexical += w.briefing * _scaled(self.briefs.scores(q_tokens))[self.briefing_of]
        if allowed is not None:
            lexical = np.where(allowed, lexical, -np.inf)
        n = min(w.candidates, self.size)
        lex_rows = np.argpartition(-lexical, n - 1)[:n] if n < self.size else np.arange(self.size)
        qvec = self.query_vector(query)
        _, dense_rows = vectors.search(
            self.vectors, qvec, w.candidates, None if allowed is None else np.flatnonzero(allowed)
        )
        rows = np.unique(np.concatenate([lex_rows, dense_rows]))
        if allowed is not None:
            rows = rows[allowed[rows]]
        grams = _scaled(self.grams.scores_of(char_grams(without_question_words(query, self.languages)), rows))
        fused = lexical[rows] + w.grams * grams + w.dense * (self.embeddings[rows] @ qvec)
        fused = np.where(self.is_footnote[rows], fused * w.footnote, fused)
        order = np.argsort(-fused, kind="stable")
        return rows[order], fused[order].astype(np.float32)

    def _idf(self, token: str) -> float:
        """BM25 IDF of a stem in the word index; a stem absent from the index weighs the most."""
        assert self.words is not None
        bm25 = self.words.bm25
        indptr = bm25.scores["indptr"]
        tid = bm25.vocab_dict.get(token)
        df = 0 if tid is None or tid + 1 >= len(indptr) else int(indptr[tid + 1] - indptr[tid])
        n = max(self.size, 1)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def coverage(self, query: str, texts: list[str]) -> float:
        """Best share of the question's content (IDF-weighted stems) found in one of `texts`.

        An absolute measure, unlike the fused score which is scaled per query: it is what
        abstention is calibrated on. A stem absent from the whole index weighs the most, since
        a name the briefings never mention is the strongest sign they do not answer.
        """
        if self.words is None or not texts:
            return 0.0
        q = list(dict.fromkeys(self.query_tokens(query)))
        if not q:
            return 0.0
        weights = {t: self._idf(t) for t in q}
        total = sum(weights.values()) or 1.0
        best = 0.0
        for text in texts:
            stems = set(tokenize_query(text, self.languages))
            best = max(best, sum(w for t, w in weights.items() if t in stems) / total)
        return best

    def lexical_strength(self, query: str) -> float:
        """Best raw word-BM25 score in the index per unit of the question's IDF mass.

        Unlike the fused score (scaled per query) it is absolute: a passage that repeats the
        question's rare words scores high, one that shares a few common words scores low.
        An abstention signal (assistant/answer/gate.py).
        """
        if self.words is None:
            return 0.0
        q = list(dict.fromkeys(self.query_tokens(query)))
        if not q:
            return 0.0
        total = sum(self._idf(t) for t in q) or 1.0
        scores = self.words.scores(q)
        return float(scores.max()) / total if scores.size else 0.0

    @cached_property
    def vocabulary(self) -> Vocabulary:
        return Vocabulary(self.words.bm25.vocab_dict if self.words is not None else ())

    def unknown_names(self, query: str) -> list[str]:
        """Capitalised words of the query that no passage mentions (index/search/names.py)."""
        return unknown_names(query, self.vocabulary, self.languages)

    def mentions(self, word: str) -> bool:
        """Whether some passage has one of `word`'s stems, exactly (no typo tolerance)."""
        return any(s in self.vocabulary.stems for s in tokenize_query(word, self.languages))

    def cosine(self, query: str, row: int) -> float:
        """Dense cosine between the question and the passage of index row `row`."""
        return float(self.embeddings[row] @ self.query_vector(query))

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Hit]:
        rows, fused = self.scores(query, filters)
        return self.hits(rows[:k], fused[:k])

    # -- results -----------------------------------------------------------------------
    def hits(self, rows: np.ndarray, fused: np.ndarray) -> list[Hit]:
        found = database.rows_by_id(self.conn, [int(r) for r in rows])
        out = []
        for row, score in zip(rows, fused, strict=True):
            r = found[int(row)]
            hit = Hit(
                id=r["id"],
                file=Path(r["path"]).name if r["path"] else "",
                path=r["path"] or "",
                kind=r["kind"],
                number=r["number"],
                text=r["text"],
                score=float(score),
                briefing_id=r["briefing_id"],
                briefing_date=r["date"],
                briefing_title=r["title"],
                row=int(row),
                page=database.page_of(r),
                section=database.section_of(r),
            )
            if r["kind"] != "footnote":
                hit.footnotes = [
                    note_json(n)
                    for n in database.passages_numbered(
                        self.conn, r["briefing_id"], ("footnote",), json.loads(r["footnotes"])
                    )
                ]
            else:
                citing = database.passages_numbered(
                    self.conn, r["briefing_id"], ("bullet", "paragraph"), json.loads(r["cited_by"])
                )
                hit.cited_by = [citer_json(p) for p in citing]
            out.append(hit)
        return out

    def stats(self) -> dict[str, Any]:
        m = self.manifest
        return {
            "index": str(self.index_dir),
            "briefings": m["briefings"],
            "passages": m["passages"],
            "files": len(m["files"]),
            "embedder": m["embedder"],
            "dim": m["dim"],
            "faiss": m["faiss"],
            "languages": m.get("languages", []),
            "updated": m["updated"],
        }

    def close(self) -> None:
        self.conn.close()


def note_json(r: sqlite3.Row) -> dict[str, Any]:
    """A footnote as a bullet's hit lists it: its text and parsed source."""
    return {
        "number": r["number"],
        "text": r["text"],
        "page": database.page_of(r),
        "source": json.loads(r["source"]) if r["source"] else None,
    }


def citer_json(r: sqlite3.Row) -> dict[str, Any]:
    """A passage citing a footnote, as the footnote's hit lists it."""
    return {
        "number": r["number"],
        "text": r["text"],
        "kind": r["kind"],
        "page": database.page_of(r),
        "section": database.section_of(r),
    }
