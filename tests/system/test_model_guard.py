"""The fast tests load no LLM: a test not marked slow that constructs a llama.cpp model fails
(tests/helpers/model_guard.py), before llama.cpp reads the file."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.models.llm import LlamaCppGenerator
from tests.helpers import ROOT
from tests.helpers.model_guard import GUARD, ModelInFastTest


def test_a_fast_test_cannot_construct_a_llama_cpp_model(tmp_path: Path) -> None:
    import llama_cpp

    assert getattr(llama_cpp.Llama.__init__, "guard", None) is GUARD
    assert getattr(LlamaCppGenerator.__init__, "guard", None) is GUARD
    never_read = tmp_path / "never-read.gguf"  # llama.cpp would refuse a missing file: the guard comes first
    with pytest.raises(ModelInFastTest, match="mark this test slow"):
        llama_cpp.Llama(model_path=str(never_read), verbose=False)
    with pytest.raises(ModelInFastTest, match="mark this test slow"):
        LlamaCppGenerator(never_read)
    with contextlib.suppress(Exception):  # as code that turns a failed load into a message would
        LlamaCppGenerator(never_read)
    # Each refusal is recorded, the caught one too: tests/conftest.py fails the test on them. This
    # test takes them, so it passes; model_guard_probe.py shows a test that does not.
    refused = GUARD.take()
    assert len(refused) == 3 and all("mark this test slow" in r for r in refused)


@pytest.mark.unloadable_gguf
def test_a_test_marked_unloadable_gguf_reaches_llama_cpp_which_refuses_the_file(tmp_path: Path) -> None:
    import llama_cpp

    damaged = tmp_path / "damaged.gguf"
    damaged.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(ValueError, match="Failed to load model"):
        llama_cpp.Llama(model_path=str(damaged), verbose=False)
    assert GUARD.refused == []


@pytest.mark.slow  # a pytest run in a subprocess, and the real GGUF's vocabulary
def test_the_guard_fails_what_it_should_and_only_that() -> None:
    probe = Path(__file__).with_name("model_guard_probe.py")
    out = subprocess.run(
        [sys.executable, "-m", "pytest", str(probe), "-q", "-rA", "-p", "no:cacheprovider"],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    outcomes = {  # "FAILED tests/system/model_guard_probe.py::test_name - reason"
        line.split(" ")[1].split("::")[-1]: line.split(" ")[0]
        for line in out.stdout.splitlines()
        if line.startswith(("PASSED ", "FAILED ", "ERROR "))
    }
    assert outcomes == {
        "test_a_caught_refusal_still_fails_the_test": "FAILED",
        "test_a_slow_test_reaches_llama_cpp": "PASSED",
        "test_a_model_that_loads_fails_a_test_marked_unloadable_gguf": "FAILED",
    }, out.stdout + out.stderr
    assert out.stdout.count("mark this test slow") >= 2, out.stdout
