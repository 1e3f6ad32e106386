"""No LLM in the fast tests: a test not marked slow that constructs a llama.cpp model fails.

tests/conftest.py installs the guard on `llama_cpp.Llama` and `LlamaCppGenerator` and tells it,
for each test, what that test may do:

- a test marked `slow` loads what it likes;
- a test marked `unloadable_gguf` hands llama.cpp files it must refuse (a damaged GGUF,
  llama-cpp-python missing): the load is tried, and a model that does load fails the test;
- any other test fails before llama.cpp reads a byte.

The guard raises where the model is constructed and also records it, so the test fails even when
the code under test catches the error (a reader that fails to load only costs the short answer).
"""

from __future__ import annotations

import functools
from typing import Any

SLOW, UNLOADABLE, REFUSE = "slow", "unloadable", "refuse"
HINT = "mark this test slow (@pytest.mark.slow): loading an LLM takes seconds, and `-m 'not slow'` must load none"


class ModelInFastTest(AssertionError):
    """A fast test constructed a llama.cpp model. Not a ValueError, RuntimeError or OSError, so
    LlamaCppGenerator does not turn it into a message about a damaged file."""


class Guard:
    """What the running test may load (`mode`), and the loads it was refused (`refused`)."""

    def __init__(self) -> None:
        self.mode = REFUSE  # between tests too: nothing loads a model while modules are collected
        self.refused: list[str] = []

    def take(self) -> list[str]:
        """The refusals recorded since the last call, forgotten once read."""
        found, self.refused = self.refused, []
        return found

    def _refuse(self, message: str) -> None:
        self.refused.append(message)
        raise ModelInFastTest(message)

    def before(self, what: str) -> None:
        if self.mode == REFUSE:
            self._refuse(f"{what} constructed in a test not marked slow: {HINT}")

    def after(self, what: str, model: Any) -> None:
        if self.mode == UNLOADABLE:
            close = getattr(model, "close", None)
            if callable(close):
                close()
            self._refuse(f"{what} loaded a model in a test marked unloadable_gguf: {HINT}")


GUARD = Guard()


def guard(cls: type, what: str) -> None:
    """Put GUARD in front of constructing `cls`: its check comes in __new__, so a refused model is
    not even a half-built object (whose __del__ would then fail), and its post-load check after
    __init__."""
    new, init = cls.__new__, cls.__init__

    def guarded_new(klass: type, *args: Any, **kwargs: Any) -> Any:
        GUARD.before(what)
        return new(klass) if new is object.__new__ else new(klass, *args, **kwargs)

    @functools.wraps(init)
    def guarded_init(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        GUARD.after(what, self)

    guarded_new.guard = guarded_init.guard = GUARD  # type: ignore[attr-defined]
    cls.__new__ = staticmethod(guarded_new)  # type: ignore[assignment]
    cls.__init__ = guarded_init  # type: ignore[misc]


def install() -> None:
    """Put GUARD in front of every way the code loads a GGUF in this process."""
    from assistant.models.llm import LlamaCppGenerator

    guard(LlamaCppGenerator, "LlamaCppGenerator")
    try:
        import llama_cpp
    except ImportError:  # LlamaCppGenerator then loads nothing either
        return
    guard(llama_cpp.Llama, "llama_cpp.Llama")
