"""Numbers: found whole as texts write them, one spelling per value."""

from __future__ import annotations

import re

from index.text.numbers import NUMBER, PUNCTUATED_DIGITS, SPACED_DIGITS, WHOLE_NUMBER, number_value


def test_a_number_is_read_whole_with_its_thousands_or_decimals() -> None:
    text = "57 000 personnes, 1,5 milliard, 3.8 %, en 2022"
    assert [m.group() for m in NUMBER.finditer(text)] == ["57 000", "1,5", "3.8", "2022"]


def test_one_spelling_per_value() -> None:
    assert number_value("20 000") == number_value("20000") == "20000"
    assert number_value("1,5") == number_value("1.50") == "1.5"
    assert number_value("09") == "9"
    assert number_value("0") == number_value("000") == "0"


def test_digit_runs_hold_together_by_spaces_or_by_punctuation() -> None:
    assert re.findall(SPACED_DIGITS, "57 000 et 3,5") == ["57 000", "3", "5"]
    assert re.findall(PUNCTUATED_DIGITS, "57 000 et 3,5 ou 3.000.000.") == ["57", "000", "3,5", "3.000.000"]


def test_a_whole_number_stands_as_a_word_of_its_own() -> None:
    assert [m.group() for m in WHOLE_NUMBER.finditer("7 membres et 4 sièges")] == ["7", "4"]
    for text in ["3,8", "14.30", "12 000", "12345"]:
        assert WHOLE_NUMBER.search(text) is None, text
