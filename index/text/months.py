"""Month names, French and English: read in a text, written in an answer."""

from __future__ import annotations

from collections.abc import Iterable

# Month names and their abbreviations as a text writes them, accents stripped and lower-cased
# (index.text.fold.strip_accents), with the month's number.
MONTHS = {
    # French
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
}  # fmt: skip

# Month names as an answer writes them, January first.
MONTH_NAMES = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
}


def alternation(names: Iterable[str]) -> str:
    """A regular expression's alternatives for `names`, longest first, so "septembre" is read
    whole rather than as "sept" followed by letters."""
    return "|".join(sorted(names, key=len, reverse=True))


def format_date(iso: str | None, language: str) -> str | None:
    """2022-09-15 -> "15 septembre 2022" / "15 September 2022" (partial dates too); French for
    "fr", English for any other language."""
    if not iso:
        return None
    parts = iso.split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return iso
    if len(numbers) == 1:
        return str(numbers[0])
    if not 1 <= numbers[1] <= 12:
        return iso
    language = "fr" if language == "fr" else "en"
    month = MONTH_NAMES[language][numbers[1] - 1]
    if len(numbers) == 2:
        return f"{month} {numbers[0]}"
    day = "1er" if numbers[2] == 1 and language == "fr" else str(numbers[2])
    return f"{day} {month} {numbers[0]}"
