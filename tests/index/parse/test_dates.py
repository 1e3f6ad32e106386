"""A briefing's date and title: front matter, a date line, the file name, else none."""

from __future__ import annotations

from tests.helpers.parsing import parse


def test_front_matter_title_and_date() -> None:
    b = parse("---\ntitle: Point Asie\ndate: 2023-04-05\n---\n- Un point.\n", "briefing-2020-01-01.txt")
    assert (b.title, b.date) == ("Point Asie", "2023-04-05")


def test_date_line_beats_file_name() -> None:
    b = parse(
        "Note de situation\nLe 12 mars 2023\n\n- Un point sur la situation.\n", "briefing-2020-01-01.txt"
    )
    assert (b.title, b.date) == ("Note de situation", "2023-03-12")


def test_no_date_anywhere_gives_none() -> None:
    assert parse("- A point about the economy.\n", "notes.txt").date is None
