"""Run by test_model_guard.py in a pytest of its own (the name keeps it out of the suite): two of
these tests pass by themselves, and the model guard of tests/conftest.py must fail them."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from assistant.models.llm import LlamaCppGenerator


def test_a_caught_refusal_still_fails_the_test(tmp_path: Path) -> None:
    with contextlib.suppress(Exception):  # as code that turns a failed load into a message would
        LlamaCppGenerator(tmp_path / "never-read.gguf")


@pytest.mark.slow
def test_a_slow_test_reaches_llama_cpp(tmp_path: Path) -> None:
    import llama_cpp

    with pytest.raises(ValueError, match="does not exist"):  # llama.cpp's own check, not the guard
        llama_cpp.Llama(model_path=str(tmp_path / "missing.gguf"), verbose=False)


@pytest.mark.unloadable_gguf
def test_a_model_that_loads_fails_a_test_marked_unloadable_gguf() -> None:
    import llama_cpp

    from assistant.models.resolve import resolve_llm

    llama_cpp.Llama(model_path=str(resolve_llm(None)), vocab_only=True, verbose=False)
