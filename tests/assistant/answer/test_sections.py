"""An answer's citations name the section of the passage they quote (`ask --json`'s "section"),
null for a passage under no heading."""

from __future__ import annotations

import pytest

from assistant.answer.pipeline import AnswerSettings, Assistant
from index.search.hybrid import Searcher


@pytest.fixture(scope="module")
def assistant(sections_searcher: Searcher) -> Assistant:
    return Assistant(sections_searcher, None, AnswerSettings(k=3))


def test_a_citation_names_its_passages_section(assistant: Assistant) -> None:
    answer = assistant.ask("How long have attacks on tankers in the gulf been falling?")
    assert not answer.abstained, answer.text
    cited = answer.citations[0]
    assert (cited["file"], cited["kind"], cited["number"]) == ("wa-2024-02-01.md", "bullet", 3)
    assert cited["section"] == "Analysis › Piracy"
    as_json = answer.as_json()  # what `ask --json` prints
    assert as_json["citations"][0]["section"] == "Analysis › Piracy"
    assert next(p for p in as_json["passages"] if p["id"] == cited["id"])["section"] == "Analysis › Piracy"


def test_a_citation_of_a_passage_under_no_heading_has_a_null_section(assistant: Assistant) -> None:
    answer = assistant.ask("Qui a démenti la rumeur sur l'OTSC ?")
    assert not answer.abstained, answer.text
    cited = answer.as_json()["citations"][0]
    assert cited["file"] == "briefing-2022-09-15.txt"
    assert "section" in cited and cited["section"] is None
