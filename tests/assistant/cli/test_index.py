"""`index --reembed` on the command line, and the advice an index built with an older embedder gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.main import main


def command(capfd: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    capfd.readouterr()
    assert main(list(argv)) == 0
    captured = capfd.readouterr()
    return captured.out, captured.err


def test_search_on_an_index_of_an_older_embedder_says_how_to_move_and_reembed_does_it(
    index_copy: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    search = (
        "search",
        "--index",
        str(index_copy),
        "--no-rerank",
        "--no-translate",
        "-k",
        "1",
        "OTSC Kazakhstan",
    )
    # The tests' index is built with all-MiniLM-L6-v2, no longer the registry's default.
    before, err = command(capfd, *search)
    assert "built with all-MiniLM-L6-v2" in err and "index --reembed" in err
    assert err.count("\n") == 1  # one line, and the results still came
    assert "OTSC" in before

    out, _ = command(
        capfd, "index", "--index", str(index_copy), "--reembed", "--embedder", "all-MiniLM-L6-v2"
    )
    assert "every passage embedded again with all-MiniLM-L6-v2" in out
    after, _ = command(capfd, *search)
    assert after == before  # the same model: the same vectors, the same first passage
