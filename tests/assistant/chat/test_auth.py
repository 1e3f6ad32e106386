"""Who may open the page: no password on this machine, one as soon as it listens beyond it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from assistant.chat.auth import AuthError, credentials, read_auth_file


def test_local_page_needs_no_password_but_an_exposed_one_does(tmp_path: Path) -> None:
    assert credentials("127.0.0.1", False, None, None) is None
    with pytest.raises(AuthError, match="--auth"):
        credentials("0.0.0.0", False, None, None)
    with pytest.raises(AuthError, match="share"):
        credentials("127.0.0.1", True, None, None)
    assert credentials("0.0.0.0", False, "ana:s3cret", None) == [("ana", "s3cret")]
    with pytest.raises(AuthError, match="USER:PASS"):
        credentials("0.0.0.0", False, "ana", None)
    f = tmp_path / "users"
    f.write_text("# analysts\nana:one\n\nbob:two\n")
    assert read_auth_file(f) == [("ana", "one"), ("bob", "two")]


def test_chat_refuses_to_listen_beyond_this_machine_without_auth(tmp_path: Path) -> None:
    run = subprocess.run(  # the exit code is what is checked
        [sys.executable, "-m", "assistant", "chat", "--index", str(tmp_path / "ix"), "--host", "0.0.0.0"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert "--auth" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "ix").exists()  # refused before touching anything
