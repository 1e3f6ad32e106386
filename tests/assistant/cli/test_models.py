"""`briefing-assistant models list`: the packaged defaults, what is installed, the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.cli import run
from tests.helpers.models import (
    cli,
)


def test_list_json_shows_the_defaults_what_is_installed_and_the_cache(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("models", "list", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cache"] == str(cache)
    by_name = {m["name"]: m for m in out["models"]}
    defaults = [m for m in out["models"] if m["default"]]
    assert {m["role"] for m in defaults} == {"embedder", "llm"}
    # The packaged LLM comes with pip; the default embedder is pulled into the (here empty) cache.
    assert {m["role"]: m["status"] for m in defaults} == {"llm": "installed", "embedder": "missing"}
    assert by_name["all-MiniLM-L6-v2"]["status"] == "installed"
    assert by_name["qwen2.5-1.5b-instruct-q4_k_m"]["status"] == "missing"

    assert cli("models", "list") == 0
    text = capsys.readouterr().out
    assert f"models cache: {cache}" in text
    assert "qwen2.5-1.5b-instruct-q4_k_m" in text


@pytest.mark.slow  # a `python -m assistant` subprocess
def test_models_list_shows_the_packaged_defaults() -> None:
    out = run("models", "list", "--json")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "all-MiniLM-L6-v2" in text and "gemma-3-270m-q4_k_m" in text
