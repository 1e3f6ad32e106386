"""An index keeps answering with the embedder that built it, and can be embedded again with another."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.search.hybrid import Searcher
from index.store import generations
from index.store.builder import update_index
from tests.helpers.corpus import BRIEFINGS, write_briefings
from tests.helpers.embedders import HashEmbedder


class PromptedEmbedder(HashEmbedder):
    """Another model, read with prompts: its vectors differ from HashEmbedder's."""

    name = "prompted-16"
    query_prompt = "query: "
    document_prompt = "passage: "

    def encode(self, texts, *, on_progress=None):  # type: ignore[no-untyped-def]
        return super().encode([self.document_prompt + t for t in texts], on_progress=on_progress)


def _manifest(ix: Path) -> dict:  # type: ignore[type-arg]
    gen = generations.current_generation(ix)
    assert gen is not None
    return generations.read_manifest(gen)


def test_the_manifest_records_the_embedders_name_backend_dimension_and_prompts(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    update_index(ix, [write_briefings(tmp_path / "b", BRIEFINGS)], PromptedEmbedder())
    assert _manifest(ix)["embedder_spec"] == {
        "name": "prompted-16",
        "backend": "torch",
        "dim": 16,
        "query_prompt": "query: ",
        "document_prompt": "passage: ",
    }


def test_the_same_model_with_other_prompts_is_another_embedder(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    update_index(ix, [write_briefings(tmp_path / "b", BRIEFINGS)], PromptedEmbedder())
    other = PromptedEmbedder()
    other.query_prompt = "search_query: "
    with pytest.raises(generations.IndexMismatch, match=r"query_prompt.*--reembed"):
        Searcher(ix, other)  # type: ignore[arg-type]


def test_an_index_written_before_specs_opens_with_its_plain_embedder(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    update_index(ix, [write_briefings(tmp_path / "b", BRIEFINGS)], HashEmbedder())  # type: ignore[arg-type]
    gen = generations.current_generation(ix)
    assert gen is not None
    manifest = json.loads((gen / "manifest.json").read_text())
    del manifest["embedder_spec"]
    (gen / "manifest.json").write_text(json.dumps(manifest))
    assert Searcher(ix, HashEmbedder()).search("OTSC", k=1)  # type: ignore[arg-type]


def test_reembedding_keeps_every_passage_and_gives_them_the_new_models_vectors(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    folder = write_briefings(tmp_path / "b", BRIEFINGS)
    before = update_index(ix, [folder], HashEmbedder())  # type: ignore[arg-type]
    old = Searcher(ix, HashEmbedder())  # type: ignore[arg-type]
    passages = old.conn.execute("SELECT id, text FROM passages ORDER BY row").fetchall()
    old_vectors = old.embeddings.copy()
    old.close()
    seen: list[int] = []
    report = update_index(ix, [], PromptedEmbedder(), reembed=True, on_start=seen.append)  # type: ignore[arg-type]
    assert (report.briefings, report.passages, report.added, report.removed) == (
        before.briefings,
        before.passages,
        0,
        0,
    )
    assert seen == [before.passages]  # every passage embedded again, and the progress bar told so
    new = Searcher(ix, PromptedEmbedder())  # type: ignore[arg-type]
    assert new.conn.execute("SELECT id, text FROM passages ORDER BY row").fetchall() == passages
    assert not np.allclose(new.embeddings, old_vectors)
    assert new.search("OTSC Kazakhstan", k=1)[0].text.startswith("Une rumeur")
    with pytest.raises(generations.IndexMismatch):
        Searcher(ix, HashEmbedder())  # type: ignore[arg-type]
