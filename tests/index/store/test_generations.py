"""Index generations: one writer at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.store import generations


def test_second_writer_is_refused(tmp_path: Path) -> None:
    ix = tmp_path / "ix"
    with (
        generations.writer_lock(ix),
        pytest.raises(generations.IndexLocked, match="being written"),
        generations.writer_lock(ix),
    ):
        pass
