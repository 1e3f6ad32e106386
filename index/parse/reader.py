"""Read a briefing file: pick the reader for its format, decode its bytes, and check what came out.

Binary formats are chosen by the file's suffix before any text decoding: `.docx` (index.parse.docx)
and `.pdf` (index.parse.pdf) are converted to the text layout, which layout.py then reads like
any text file; a PDF passage also gets the page it starts on. Every other file is decoded as
text, and HTML is recognised by its tags.
"""

from __future__ import annotations

import bisect
import hashlib
from pathlib import Path

from index.parse import html as html_layout
from index.parse.decode import DEFAULT_MAX_BYTES, decode
from index.parse.layout import parse_layout
from index.parse.markers import normalise_space
from index.records import Briefing, SkippedFile


def briefing_id(text: str) -> str:
    """Stable id from the content: renaming or moving a file keeps its id."""
    return hashlib.sha256(normalise_space(text).encode("utf-8")).hexdigest()[:16]


BINARY_SUFFIXES = (".docx", ".pdf")


def parse_bytes(data: bytes, path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Briefing:
    """Read a file's bytes by its format. Raises SkippedFile for unusable files."""
    suffix = Path(path).suffix.lower()
    if suffix in BINARY_SUFFIXES:
        if len(data) > max_bytes:
            raise SkippedFile(f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit")
        if suffix == ".pdf":
            return _parse_pdf(data, path)
        return _parse_docx(data, path, max_bytes)
    text, _encoding = decode(data, max_bytes=max_bytes)
    return parse_text(text, path)


def _parse_docx(data: bytes, path: str, max_bytes: int) -> Briefing:
    """A Word document through its text layout; offsets point into that converted text."""
    from index.parse import docx

    converted = docx.to_text(data, max_bytes=max_bytes)
    briefing = parse_layout(converted.text, path, None, None)
    briefing.id = briefing_id(converted.text)
    if not briefing.passages:
        raise SkippedFile("no text to index")
    return briefing


def _parse_pdf(data: bytes, path: str) -> Briefing:
    """A text PDF through its text layout; each passage keeps the page it starts on."""
    from index.parse import pdf

    converted = pdf.to_text(data)
    briefing = parse_layout(converted.text, path, None, None)
    briefing.id = briefing_id(converted.text)
    for p in briefing.passages:
        p.page = converted.page_at(p.start)
    if not briefing.passages:
        raise SkippedFile("no text to index")
    return briefing


def parse_file(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Briefing:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise SkippedFile(f"cannot read: {exc.strerror or exc}") from exc
    if size > max_bytes:
        raise SkippedFile(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise SkippedFile(f"cannot read: {exc.strerror or exc}") from exc
    return parse_bytes(data, str(p), max_bytes=max_bytes)


def parse_text(text: str, path: str) -> Briefing:
    """Parse decoded text. HTML is recognised by its tags and converted first."""
    offsets: list[tuple[int, int, int]] | None = None
    title = date = None
    converted = None
    if html_layout.looks_like_html(text):
        converted = html_layout.to_text(text)
        source_text, text, offsets = text, converted.text, converted.line_offsets
        title, date = converted.title, converted.date
    else:
        source_text = text
    briefing = parse_layout(text, path, title, date)
    if converted is not None:  # what the HTML conversion dropped counts as set aside too, one entry a reason
        merged: dict[str, int] = {}
        for reason, chars in converted.set_aside + briefing.set_aside:
            merged[reason] = merged.get(reason, 0) + chars
        briefing.set_aside = list(merged.items())
    briefing.id = briefing_id(source_text)
    if offsets is not None:
        _map_offsets(briefing, offsets)
    if not briefing.passages:
        raise SkippedFile("no text to index")
    return briefing


def _map_offsets(briefing: Briefing, line_offsets: list[tuple[int, int, int]]) -> None:
    """Point HTML passages at the element they came from in the original file."""
    starts = [t for t, _, _ in line_offsets]

    for p in briefing.passages:
        i = max(bisect.bisect_right(starts, p.start) - 1, 0)
        j = max(bisect.bisect_right(starts, max(p.end - 1, p.start)) - 1, 0)
        p.start, p.end = line_offsets[i][1], line_offsets[j][2]
