"""FAISS storage of normalised embeddings (inner product = cosine).

Exact search (IndexFlatIP) up to `hnsw_threshold` vectors; HNSW above it, where exact
search stops being cheap. The threshold comes from bench/speed.py (docs/speed.md).
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

DEFAULT_HNSW_THRESHOLD = 50_000


def build(vectors: np.ndarray, dim: int, hnsw_threshold: int = DEFAULT_HNSW_THRESHOLD) -> faiss.Index:
    index: faiss.Index
    if len(vectors) > hnsw_threshold:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def kind(index: faiss.Index) -> str:
    return "hnsw" if isinstance(index, faiss.IndexHNSWFlat) else "flat"


def save(index: faiss.Index, path: Path) -> None:
    """Write through Python, so a full or read-only disk is an OSError with its errno.

    faiss.write_index reports a failed write as a bare RuntimeError that says nothing of why.
    """
    path.write_bytes(faiss.serialize_index(index).tobytes())


def load(path: Path) -> faiss.Index:
    index = faiss.read_index(str(path))
    if isinstance(index, faiss.IndexHNSWFlat):
        index.hnsw.efSearch = 128
    return index


def all_vectors(index: faiss.Index) -> np.ndarray:
    """Every stored vector, in row order (reused on incremental updates and for rescoring)."""
    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return np.asarray(index.reconstruct_n(0, index.ntotal), dtype=np.float32)


def search(
    index: faiss.Index, query: np.ndarray, k: int, allowed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k (scores, rows); `allowed` restricts the search to those rows (filters)."""
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    params = None
    if allowed is not None:
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
        params = (
            faiss.SearchParametersHNSW(sel=selector, efSearch=128)  # type: ignore[attr-defined]
            if isinstance(index, faiss.IndexHNSWFlat)
            else faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        )
    scores, rows = index.search(query.reshape(1, -1), k, params=params)
    keep = rows[0] >= 0
    return scores[0][keep], rows[0][keep]
