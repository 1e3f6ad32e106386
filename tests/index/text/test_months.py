"""Month names: read from a text in either language, written in the answer's language."""

from __future__ import annotations

import re

from index.text.fold import strip_accents
from index.text.months import MONTHS, alternation, format_date


def test_month_names_and_abbreviations_in_both_languages_give_the_month() -> None:
    for word, month in [("septembre", 9), ("Sept", 9), ("février", 2), ("fevr", 2), ("août", 8), ("May", 5)]:
        assert MONTHS[strip_accents(word).lower()] == month, word
    assert {MONTHS[m] for m in MONTHS} == set(range(1, 13))


def test_alternation_reads_a_whole_month_name_before_its_abbreviation() -> None:
    pattern = re.compile(rf"(\d+) ({alternation(MONTHS)})")
    found = pattern.match("15 septembre 2022")
    assert found is not None and found[2] == "septembre"
    assert alternation(["sep", "september", "sept"]) == "september|sept|sep"


def test_a_date_is_written_in_the_answer_s_language() -> None:
    assert format_date("2022-09-15", "fr") == "15 septembre 2022"
    assert format_date("2022-09-15", "en") == "15 September 2022"
    assert format_date("2022-08-01", "fr") == "1er août 2022"
    assert format_date("2022-08-01", "en") == "1 August 2022"
    assert format_date("2022-02-03", "de") == "3 February 2022"  # English for any other language


def test_partial_and_odd_dates_are_written_as_far_as_they_go() -> None:
    assert format_date("2022-09", "fr") == "septembre 2022"
    assert format_date("2022", "fr") == "2022"
    assert format_date("2022-13-01", "fr") == "2022-13-01"
    assert format_date("vers 2022", "fr") == "vers 2022"
    assert format_date(None, "fr") is None
    assert format_date("", "en") is None
