"""Open an assistant from settings: the one way the command line, the chat page and bench/ get one.

The embedder, the searcher on the live index, the main LLM and the reader come from `Settings`;
a caller that already holds one of them (a test's stand-in, the chat page's shared searcher)
passes it instead.
"""

from __future__ import annotations

from typing import Any

from assistant.answer.pipeline import Assistant
from assistant.models.loading import load_embedder, load_generator, load_reader
from assistant.settings import NO_READER, Settings
from index.search.hybrid import Searcher

_LOAD = object()  # a model not given: load it from the settings


def open_searcher(settings: Settings, embedder: Any = None) -> Searcher:
    """The searcher on the live index, with the settings' embedder and fusion weights."""
    return Searcher(settings.index_dir, embedder or load_embedder(settings.embedder_for()), settings.fusion)


def open_assistant(
    settings: Settings,
    *,
    llm: bool = True,
    lazy: bool = False,
    embedder: Any = None,
    searcher: Any = None,
    generator: Any = _LOAD,
    reader: Any = _LOAD,
) -> Assistant:
    """An assistant on the index of `settings`.

    `llm=False`: no main LLM (retrieval, the gate's three signals and the extractive answer), and
    a reader only when one is named outright. `lazy`: the main LLM is found now but loaded at its
    first use (`search`, which needs it only for a close call or a translation).
    """
    searcher = searcher or open_searcher(settings, embedder)
    if generator is _LOAD:
        generator = load_generator(settings, lazy=lazy) if llm else None
    if reader is _LOAD:
        named = settings.reader not in (None, NO_READER)
        reader = load_reader(settings, generator) if llm or named else None
    return Assistant(searcher, generator, settings.answer, reader)
