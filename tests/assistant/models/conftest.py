"""Fixtures of the model tests: the stand-in hub and a registry listing its models."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.models import registry as models_registry
from assistant.models.registry import REGISTRY_FILE
from tests.helpers.models import GGUF_BYTES, GGUF_SHA, ST_FILES, HubServer


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubServer]:
    import huggingface_hub.constants

    server = HubServer(
        {
            "acme/tiny-GGUF/tiny.gguf": GGUF_BYTES,
            "acme/tiny-GGUF/nosha.gguf": GGUF_BYTES,
            **{f"acme/tiny-st/{name}": data for name, data in ST_FILES.items()},
        }
    )
    server.thread.start()
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    # conftest sets HF_HUB_OFFLINE before huggingface_hub is imported, which reads it once.
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real registry plus test models served by `hub`; `models list` reads it."""
    real = REGISTRY_FILE.read_text(encoding="utf-8")
    extra = (
        f"tiny | llm | - | hf:acme/tiny-GGUF/tiny.gguf | {GGUF_SHA} | {len(GGUF_BYTES)} | mit | test model\n"
        "nosha | llm | - | hf:acme/tiny-GGUF/nosha.gguf | - | - | mit | test model without a digest\n"
        f"badsha | llm | - | hf:acme/tiny-GGUF/tiny.gguf | {'0' * 64} | - | mit | registry digest is wrong\n"
        "tiny-st | embedder | - | hf:acme/tiny-st | - | - | mit | sentence-transformers folder\n"
    )
    path = tmp_path / "registry" / "models.txt"
    path.parent.mkdir()
    path.write_text(real + extra, encoding="utf-8")
    monkeypatch.setattr(models_registry, "REGISTRY_FILE", path)
    return path
