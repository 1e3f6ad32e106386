"""Plain data records shared by parsing, storage and search.

Kept free of any storage or model code so every stage can import them cheaply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

PassageKind = Literal["bullet", "paragraph", "footnote"]


@dataclass(frozen=True)
class Source:
    """Fields read from a footnote; any of them may be missing."""

    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD, or YYYY-MM / YYYY when that is all it says)
    url: str | None = None  # the first address of the note, as written
    # Every address of the note in order, obfuscated ones (`lemonde dot fr/…`) as written; and,
    # when one note holds several sources separated by `;`, the fields of those after the first.
    urls: tuple[str, ...] = ()
    others: tuple[Source, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Source:
        """The inverse of dataclasses.asdict, also for a note stored before `urls` and `others`."""
        return cls(
            title=d.get("title"),
            outlet=d.get("outlet"),
            author=d.get("author"),
            date=d.get("date"),
            url=d.get("url"),
            urls=tuple(d.get("urls") or ()),
            others=tuple(cls.from_dict(o) for o in d.get("others") or ()),
        )


@dataclass
class Passage:
    """A bullet, a paragraph or a footnote, the unit that is embedded and retrieved."""

    kind: PassageKind
    number: int  # bullet, paragraph: 1-based position among the body's passages; footnote: its own number
    text: str  # clean text: markers removed, whitespace normalised
    start: int  # character offsets of the passage in the decoded file text
    end: int
    footnotes: list[int] = field(default_factory=list)  # bullet, paragraph -> footnote numbers it cites
    cited_by: list[int] = field(default_factory=list)  # footnote -> numbers of the passages citing it
    source: Source | None = None  # footnotes only
    section: str | None = None  # headings above a bullet or paragraph, "Analysis › Sahel"; None without any
    page: int | None = None  # 1-based page of a PDF where the passage starts; None for other formats


@dataclass
class Briefing:
    """One parsed briefing file."""

    id: str  # stable: derived from the content, so a rename keeps it
    path: str
    title: str | None
    date: str | None  # ISO date or None
    language: str  # "fr" or "en"
    passages: list[Passage]
    warnings: list[str] = field(default_factory=list)
    # Non-blank characters of the parsed text inside passages, and those outside them summed by
    # the rule that set them aside, e.g. [("title line", 31), ("heading", 52)]. Counted when a
    # file is parsed; a briefing read back from the index has 0 and [].
    indexed_chars: int = 0
    set_aside: list[tuple[str, int]] = field(default_factory=list)

    @property
    def bullets(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == "bullet"]

    @property
    def paragraphs(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == "paragraph"]

    @property
    def body(self) -> list[Passage]:
        """Bullets and paragraphs in document order: the passages that cite footnotes."""
        return [p for p in self.passages if p.kind != "footnote"]

    @property
    def footnotes(self) -> list[Passage]:
        return [p for p in self.passages if p.kind == "footnote"]


class SkippedFile(Exception):
    """Raised for a file that cannot be indexed at all; the message is the reason."""
