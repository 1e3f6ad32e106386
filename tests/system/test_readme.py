"""The README's usage block and JSON shapes say what the code does (assistant/usage.py)."""

from __future__ import annotations

from assistant.usage import generated, render, shape
from tests.helpers import ROOT


def test_the_readmes_generated_parts_are_up_to_date() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "<!-- generated:usage -->" in text and "<!-- generated:json-ask -->" in text
    assert render(text) == text, "run `python -m assistant.usage README.md`"


def test_every_command_and_flag_is_in_the_usage_block() -> None:
    usage = generated("usage")
    for command in ("index", "search", "ask", "eval", "models list", "models pull", "chat", "stats"):
        assert f"briefing-assistant {command} " in usage
    assert "--no-translate" in usage and "--reader NAME|none" in usage


def test_a_shape_names_keys_and_opens_objects_and_lists_of_objects() -> None:
    value = {"a": 1, "b": [{"c": 2}], "d": {"e": None}, "f": [1, 2], "g": []}
    assert shape(value) == '{"a", "b": [{"c"}], "d": {"e"}, "f", "g"}'


def test_the_ask_shape_is_what_an_answer_writes() -> None:
    ask = generated("json-ask")
    for key in ('"short_answer"', '"citations": [{"marker"', '"timings": {"retrieve_ms"', '"reader_error"'):
        assert key in ask
