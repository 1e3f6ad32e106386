"""Find dates written the ways briefings write them, and return them as ISO strings."""

from __future__ import annotations

import re
from datetime import date

from index.text.fold import strip_accents
from index.text.months import MONTHS, alternation

_MONTH = alternation(MONTHS)
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DMY_NUM = re.compile(r"(?<!\d)(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?!\d)")
_DMY = re.compile(rf"(?<!\w)(\d{{1,2}})(?:er)?\s+({_MONTH})\.?\s+(\d{{4}})(?!\d)", re.I)
_MDY = re.compile(rf"(?<!\w)({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.I)
_MY = re.compile(rf"(?<!\w)({_MONTH})\.?\s+(\d{{4}})(?!\d)", re.I)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> str | None:
    """The first full date in `text` as YYYY-MM-DD (or YYYY-MM for "septembre 2022")."""
    folded = strip_accents(text).lower()  # same length as text for the Latin scripts dates are written in
    found: list[tuple[int, str]] = []
    for m in _ISO.finditer(folded):
        if iso := _iso(int(m[1]), int(m[2]), int(m[3])):
            found.append((m.start(), iso))
    for m in _DMY_NUM.finditer(folded):
        if iso := _iso(int(m[3]), int(m[2]), int(m[1])):
            found.append((m.start(), iso))
    for m in _DMY.finditer(folded):
        if iso := _iso(int(m[3]), MONTHS[m[2].lower()], int(m[1])):
            found.append((m.start(), iso))
    for m in _MDY.finditer(folded):
        if iso := _iso(int(m[3]), MONTHS[m[1].lower()], int(m[2])):
            found.append((m.start(), iso))
    if not found:
        for m in _MY.finditer(folded):
            found.append((m.start(), f"{int(m[2]):04d}-{MONTHS[m[1].lower()]:02d}"))
    return min(found)[1] if found else None


def date_from_filename(name: str) -> str | None:
    """`briefing-2022-09-15.txt` -> 2022-09-15; also 20220915."""
    m = _ISO.search(name)
    if m and (iso := _iso(int(m[1]), int(m[2]), int(m[3]))):
        return iso
    m = re.search(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)", name)
    if m and 1900 <= int(m[1]) <= 2100:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    return None
