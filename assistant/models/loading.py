"""Load the embedder, the LLM and the reader named in settings; a damaged model's error names its fix."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

from assistant.models.llm import GenerationError
from assistant.settings import DEFAULT_READERS, NO_READER, Settings
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
        elif entry is not None and entry.kind in ("hf", "pypi-zip"):
            fix = f"download it again with `briefing-assistant models pull {entry.name}`"
        else:
            fix = "give a sentence-transformers model folder with --embedder PATH"
        reason = first_line(exc.__cause__ or exc)
        raise EmbedderError(f"cannot load embedder {name!r} from {path} ({reason}); {fix}") from exc


def load_generator(s: Settings, *, lazy: bool = False) -> Any:
    """The LLM: a server, or a GGUF loaded in process; a damaged file's error names its fix.

    `lazy`: the GGUF is found now (a wrong name fails at once) but loaded at its first use, so a
    command that may not need it (`search`, sure of its order) costs nothing more."""
    from assistant.models.llm import LlamaCppGenerator, OpenAIGenerator
    from assistant.models.resolve import repair_hint, resolve_llm

    if s.llm_url:
        return OpenAIGenerator(s.llm_url)
    path = resolve_llm(s.llm)

    def load() -> Any:
        return LlamaCppGenerator(path, fix=repair_hint(path))

    return LazyGenerator(path.name, load, instruct=False) if lazy else load()


READER_HINT = (
    'no reader is installed for short answers: `pip install -e ".[reader]"` installs '
    'qwen2.5-coder-1.5b-instruct-q4_k_m, `pip install -e ".[reader-small]"` the faster '
    "qwen2.5-coder-0.5b-instruct-q4_k_m"
)


class LazyGenerator:
    """A GGUF loaded in process at its first use, once; its name is known before.

    `instruct`: it must follow instructions (a reader), so that is known before loading, and a
    base model is an error when it loads."""

    def __init__(self, name: str, load: Callable[[], Any], *, instruct: bool = True) -> None:
        self.name = name
        self.instruct = instruct
        self._load = load
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> Any:
        with self._lock:
            if self._model is None:
                model = self._load()
                if self.instruct and not model.follows_instructions:
                    raise GenerationError(
                        f"the reader {self.name} is a base model (no chat template): give an instruct "
                        "model with --reader NAME, or --reader none"
                    )
                self._model = model
            return self._model

    @property
    def follows_instructions(self) -> bool:
        return True if self.instruct else bool(self.loaded.follows_instructions)

    def stream(self, system: str, user: str, **options: Any) -> Iterator[str]:
        """The loaded model's stream (Generator.stream's options passed on as they are)."""
        return self.loaded.stream(system, user, **options)

    def continuation_logprob(self, prefix: str, continuation: str) -> float:
        return float(self.loaded.continuation_logprob(prefix, continuation))

    def token_count(self, text: str) -> int:
        return int(self.loaded.token_count(text))

    def prompt_eval_ms(self, system: str, user: str) -> float:
        return float(self.loaded.prompt_eval_ms(system, user))


def reader_name(s: Settings, main: Any = None) -> str | None:
    """The reader the settings mean: a name or path, "main" for the main LLM, or None (no reader).

    Unset, it is the main LLM when that follows instructions, else the first installed of
    DEFAULT_READERS, else none (READER_HINT says how to install one).
    """
    from assistant.models.cache import state
    from assistant.models.registry import RegistryError, find, load_registry

    if s.reader == NO_READER:
        return None
    if s.reader:
        if (
            main is not None
            and main.follows_instructions
            and s.reader in (s.llm, getattr(main, "name", None))
        ):
            return "main"
        return s.reader
    if main is not None and main.follows_instructions:
        return "main"
    try:
        entries = load_registry()
    except RegistryError:
        return None
    for name in DEFAULT_READERS:
        entry = find(name, entries)
        if entry is not None and state(entry).status == "installed":
            return name
    return None


def load_reader(s: Settings, main: Any = None) -> Any:
    """The reader as a generator, loaded on its first short answer; the main LLM when it follows
    instructions and no other reader is named; None when there is none."""
    from assistant.models.llm import LlamaCppGenerator
    from assistant.models.resolve import repair_hint, resolve_llm

    name = reader_name(s, main)
    if name is None:
        return None
    if name == "main":
        return main

    def load() -> Any:
        path = resolve_llm(name)
        return LlamaCppGenerator(path, n_ctx=1024, fix=repair_hint(path))

    return LazyGenerator(name, load)
