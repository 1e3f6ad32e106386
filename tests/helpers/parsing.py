"""Parsing a briefing given as text, and reading what the parser found in it."""

from __future__ import annotations

from collections.abc import Callable

from index.parse.markers import normalise_space
from index.parse.reader import parse_text
from index.records import Briefing, Passage, SkippedFile


def parse(text: str, path: str = "note.txt") -> Briefing:
    return parse_text(text, path)


def citations(b: Briefing) -> list[list[int]]:
    return [p.footnotes for p in b.bullets]


def footnote(b: Briefing, number: int) -> Passage:
    return next(p for p in b.footnotes if p.number == number)


def assert_offsets_cover(text: str, b: Briefing) -> None:
    """Each passage's slice of the file holds its clean text's words, in order."""
    for p in b.passages:
        assert 0 <= p.start <= p.end <= len(text)
        window = normalise_space(text[p.start : p.end])
        pos = 0
        for token in p.text.split():
            word = token.strip(".,;:!?")
            found = window.find(word, pos)
            assert found >= 0, (p.kind, p.number, word, window)
            pos = found + len(word)


def parsed_or_skipped(parse: Callable[[], Briefing]) -> Briefing | SkippedFile:
    """What `parse()` returns, or the SkippedFile it raised (to check its reason outside `except`)."""
    try:
        return parse()
    except SkippedFile as exc:
        return exc
