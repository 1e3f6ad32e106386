"""Accent and case folding, for comparing words however a text accents or capitalises them.

Three foldings, each for its own use, kept apart because they differ on some characters:
- `strip_accents`: canonical decomposition (NFD) without the combining marks, case kept. One
  character stays one character in the Latin scripts, so offsets into the folded text are
  offsets into the original (dates are found that way); the index's words are stemmed, then
  folded so.
- `fold`: compatibility decomposition (NFKD) without the combining marks, then case-folded:
  names and numbers compared in answers ("ﬁ" is "fi", "Ⅳ" is "iv").
- `loose_fold`: compatibility composition (NFKC) and case folding first, then the accents
  stripped, the typographic apostrophe made straight and whitespace collapsed: an evaluation's
  gold answer looked for in a quote.
"""

from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """`text` without its accents (NFD, combining marks dropped); case and length kept."""
    if text.isascii():  # already decomposed and unaccented: the common case of English and numbers
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Case- and accent-insensitive form, for comparing names and numbers (not quotes)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def loose_fold(text: str) -> str:
    """Case, accents, apostrophes (’ as ') and spacing folded: the same words however typed."""
    text = strip_accents(unicodedata.normalize("NFKC", text).casefold())
    return " ".join(text.replace("’", "'").split())
