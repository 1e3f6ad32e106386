"""The command line, as a subprocess (as users call it) or in this process (to swap its parts)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m assistant ARGS` from the repository, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def run_cli(capfd: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """`briefing-assistant ARGV` in this process; returns the exit code and everything on stderr."""
    from assistant.main import main

    capfd.readouterr()
    code = main(list(argv))
    return code, capfd.readouterr().err


def assert_one_line_error(code: int, err: str, *phrases: str) -> None:
    """Exit 2, exactly one line on stderr (no traceback, nothing from a library), naming each phrase."""
    assert code == 2, err
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("briefing-assistant: "), err
    for phrase in phrases:
        assert phrase in err, err
