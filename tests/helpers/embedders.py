"""A stand-in embedder for tests of the index pipeline that need no model."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np


class HashEmbedder:
    """Deterministic 16-dim vectors from a text's hash: the index pipeline without a model."""

    name = "hash-16"
    dim = 16

    def encode(self, texts: Sequence[str], *, on_progress: Callable[[int], None] | None = None) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = np.frombuffer(hashlib.blake2b(t.encode(), digest_size=16).digest(), np.uint8) + 1.0
        if len(texts):
            out /= np.linalg.norm(out, axis=1, keepdims=True)
        if on_progress is not None:
            on_progress(len(texts))  # as the real Embedder does after each chunk
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])
