"""A briefing's language, detected per briefing."""

from __future__ import annotations

from tests.helpers.parsing import parse


def test_language_is_per_briefing() -> None:
    assert parse("- The government said that the talks were over.\n").language == "en"
    assert parse("- Le gouvernement a dit que les discussions sont terminées.\n").language == "fr"
