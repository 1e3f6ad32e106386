"""Shared fixtures: no network, no LLM outside slow tests, the packaged embedder and two small
indexes (each built once), a small corpus, a models cache."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers import model_guard
from tests.helpers.corpus import SEARCHED, SECTIONS, digest, indexed, write_briefings

if TYPE_CHECKING:
    from index.search.hybrid import Searcher
    from index.store.embed import Embedder

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
# The tests' indexes are built with the small packaged embedder (the `embedder` fixture); a new
# index opened through Settings uses it too, not the 1.1 GB default that only slow tests load.
os.environ.setdefault("BRIEFING_EMBEDDER", "all-MiniLM-L6-v2")


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


def pytest_configure() -> None:
    model_guard.install()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """Tell the model guard what this test may load, from its setup (module fixtures included)
    to its teardown."""
    if item.get_closest_marker("slow"):
        model_guard.GUARD.mode = model_guard.SLOW
    elif item.get_closest_marker("unloadable_gguf"):
        model_guard.GUARD.mode = model_guard.UNLOADABLE
    else:
        model_guard.GUARD.mode = model_guard.REFUSE
    try:
        yield
    finally:
        model_guard.GUARD.mode = model_guard.REFUSE


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport() -> Iterator[None]:
    """A model the guard refused fails the test, even when the code under test caught the error."""
    outcome = yield
    refused = model_guard.GUARD.take()
    if not refused:
        return
    report = outcome.get_result()
    text = "\n".join(refused)
    if report.passed:
        report.outcome = "failed"
        report.longrepr = text
    else:
        report.sections.append(("model guard", text))


def _shared(root: Path, embedder: Embedder, briefings: dict[str, str]) -> Iterator[Searcher]:
    """A Searcher over `briefings` indexed under `root`; fails at the end of the session if a test
    changed the index, since the tests after it would then read another index than they think."""
    searcher = indexed(root, embedder, briefings)
    before = digest(searcher.index_dir)
    yield searcher
    assert digest(searcher.index_dir) == before, (
        f"a test changed the shared index {searcher.index_dir}: a test that writes to an index "
        "works on its own copy (the index_copy fixture)"
    )


@pytest.fixture(scope="session")
def searcher(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[Searcher]:
    """The briefings of SEARCHED (tests/helpers/corpus.py), indexed once for the tests that only
    search them. A module whose tests need other briefings defines its own `searcher`."""
    yield from _shared(tmp_path_factory.mktemp("searched"), embedder, SEARCHED)


@pytest.fixture(scope="session")
def sections_searcher(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[Searcher]:
    """The briefings of SECTIONS: passages under headings and passages under none, indexed once."""
    yield from _shared(tmp_path_factory.mktemp("sections"), embedder, SECTIONS)


@pytest.fixture
def index_copy(tmp_path: Path, searcher: Searcher) -> Path:
    """A copy of the index `searcher` reads, for a test that writes to an index or hands it to code
    that may."""
    return Path(shutil.copytree(searcher.index_dir, tmp_path / "ix"))


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
