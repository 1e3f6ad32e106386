"""Loading and running a llama.cpp model writes nothing under the answer but llama.cpp's errors."""

from __future__ import annotations

import pytest

from assistant.models import llm


@pytest.mark.slow  # the real GGUF
def test_loading_the_embedded_model_prints_no_llama_cpp_warning(capfd: pytest.CaptureFixture[str]) -> None:
    from assistant.models.resolve import resolve_llm

    gemma = llm.LlamaCppGenerator(resolve_llm(None), n_ctx=512)
    "".join(gemma.stream("", "La capitale de la France est", max_tokens=2))
    # llama.cpp warns about Gemma 3's sliding-window cache on every context it creates
    assert capfd.readouterr().err == ""


def test_llama_cpp_errors_still_reach_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    callback = llm._quiet_llama_logs()
    callback(3, b"a warning\n", None)
    callback(4, b"an error: ", None)
    callback(5, b"its continuation\n", None)
    callback(2, b"some information\n", None)
    callback(5, b"and its continuation\n", None)
    assert capfd.readouterr().err == "an error: its continuation\n"
