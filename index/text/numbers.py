"""Numbers as texts write them: how they are found, and one spelling per value.

Each pattern answers its own question, so they differ on purpose: `NUMBER` reads a value
(thousands grouped by spaces, a decimal part); `SPACED_DIGITS` and `PUNCTUATED_DIGITS` are
pattern text for a run of digits held together by spaces ("57 000", but also "2022 15") or by
points and commas ("3.000.000", "1,5"), to keep a question's numbers whole; `WHOLE_NUMBER` is a
number standing as a word of its own, to write it out in letters.
"""

from __future__ import annotations

import re

# A value: digits grouped by single spaces in threes ("20 000"), else digits with an optional
# decimal part after a point or a comma ("1,5", "3.8").
NUMBER = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?!\d)|(?<!\d)\d+(?:[.,]\d+)?")
# Pattern text (to compile or to place inside a larger pattern): digits with spaces between them.
SPACED_DIGITS = r"\d[\d\s]*\d|\d"
# Pattern text: digits with points and commas between them.
PUNCTUATED_DIGITS = r"\d[\d.,]*\d|\d"
# A whole number as a word of its own: not part of a decimal ("3,8"), a time ("14.30") or a
# number grouped by spaces ("12 000").
WHOLE_NUMBER = re.compile(r"(?<![\d.,])(?<!\d\s)\b[0-9]{1,4}\b(?![.,]\d)(?!\s\d{3}\b)")


def number_value(raw: str) -> str:
    """20 000 = 20000, 1,5 = 1.5, 09 = 9: one spelling per value on both sides."""
    whole, _, frac = raw.replace(" ", "").replace(",", ".").partition(".")
    whole, frac = whole.lstrip("0") or "0", frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole
