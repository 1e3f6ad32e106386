"""Shared fixtures: no network, the packaged embedder (loaded once), a small corpus, a models cache."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from tests.helpers.corpus import write_briefings

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to something other than this machine fails the test."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"test tried to reach the network: {address}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def embedder():  # type: ignore[no-untyped-def]
    from index.store.embed import Embedder

    return Embedder()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The two briefings of tests/helpers/corpus.py, in a folder of their own."""
    return write_briefings(tmp_path / "briefings")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty models cache for this test, where pulled models go and are looked for."""
    from assistant.models.cache import CACHE_ENV

    folder = tmp_path / "models-cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder
