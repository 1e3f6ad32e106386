"""The chat service the chat tests share: a scripted, slow model and one uploaded briefing."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.chat.service import ChatService
from assistant.settings import Settings
from tests.helpers.corpus import KAZAKHSTAN, write_briefings
from tests.helpers.generators import ScriptedGenerator

QUOTE = "« Une rumeur suggérant que le Kazakhstan s’apprêtait à quitter l’OTSC a été démentie ce matin par Aydos Sarym » [1]."


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> ChatService:
    """One per test module: the samples of a first run, then one upload (the counts tests check)."""
    root = tmp_path_factory.mktemp("chat")
    gen = ScriptedGenerator(QUOTE, name="slow-scripted", word_seconds=0.04)
    settings = Settings(index_dir=root / "ix", llm="slow-scripted", reader="none")
    service = ChatService(settings, embedder=embedder, generators={"slow-scripted": gen})
    write_briefings(root, {"briefing-2022-09-15.txt": KAZAKHSTAN})
    result = service.add_files([("briefing-2022-09-15.txt", root / "briefing-2022-09-15.txt")])
    assert result.report is not None and result.report.added == 1
    return service
