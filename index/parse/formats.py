"""The file formats a briefing may come in: the one list every part of the program reads.

Each format names its suffixes, how help texts and the page call it, whether its bytes go to its
reader before any text decoding (binary), and the key index.parse.reader dispatches on. A folder
given to the indexer yields its files of these suffixes, the page accepts uploads of them, and
help texts list them from here. To add a format: one entry below plus its reader module, wired
into index.parse.reader under the entry's key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Format:
    label: str  # the format's name in help texts and on the page
    suffixes: tuple[str, ...]  # lower case, with their dot; the usual one first
    binary: bool  # read from its bytes, before any text decoding
    reader: str  # the key of its reader in index.parse.reader


# Decoded text is one reader: HTML is recognised by its tags whatever the file's suffix, so a web
# page saved as .txt reads as HTML and an .html file holding plain text reads as text.
TEXT = "text"

FORMATS: tuple[Format, ...] = (
    Format("Text", (".txt",), binary=False, reader=TEXT),
    Format("Markdown", (".md", ".markdown"), binary=False, reader="markdown"),
    Format("HTML", (".html", ".htm"), binary=False, reader=TEXT),
    Format("Word", (".docx",), binary=True, reader="docx"),
    Format("OpenDocument", (".odt",), binary=True, reader="odt"),
    Format("PDF", (".pdf",), binary=True, reader="pdf"),
)

_BY_SUFFIX = {suffix: f for f in FORMATS for suffix in f.suffixes}


def suffixes() -> tuple[str, ...]:
    """Every accepted suffix, in the order of FORMATS."""
    return tuple(_BY_SUFFIX)


def format_of(path: str | Path) -> Format | None:
    """The format a file's suffix names (case does not matter), or None."""
    return _BY_SUFFIX.get(Path(path).suffix.lower())


def is_supported(path: str | Path) -> bool:
    return format_of(path) is not None


def describe() -> str:
    """The formats for a help text or the page: 'Text (.txt), Markdown (.md, .markdown), … or PDF (.pdf)'."""
    named = [f"{f.label} ({', '.join(f.suffixes)})" for f in FORMATS]
    return f"{', '.join(named[:-1])} or {named[-1]}" if len(named) > 1 else named[0]
