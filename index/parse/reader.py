"""Read a briefing file: pick the reader for its format, decode its bytes, and check what came out.

The formats, their suffixes and which reader takes each are listed in index.parse.formats; the
readers are here, by the registry's `reader` key. Binary formats are chosen by the file's suffix
before any text decoding: `.docx` (index.parse.docx), `.odt` (index.parse.odt) and `.pdf`
(index.parse.pdf) are converted to the text layout, which layout.py then reads like any text file;
a PDF passage also gets the page it starts on, and an .odt briefing takes its title and date from
its metadata when its text and name give none. Every other file is decoded as text: HTML is
recognised by its tags, a Markdown file is read by index.parse.markdown, and both are converted to
the text layout with each passage's offsets mapped back into the original file. Other text
(`.txt`) is read by layout.py as it is.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from index.parse import formats
from index.parse import html as html_layout
from index.parse import markdown as markdown_layout
from index.parse.decode import DEFAULT_MAX_BYTES, decode
from index.parse.layout import MARKUP, non_blank, parse_layout
from index.parse.markers import normalise_space
from index.records import Briefing, SkippedFile


def briefing_id(text: str) -> str:
    """Stable id from the content: renaming or moving a file keeps its id."""
    return hashlib.sha256(normalise_space(text).encode("utf-8")).hexdigest()[:16]


# What a file reads as depends on this code, not only on the file's bytes. Raise it when a change
# to index/parse reads some file differently (a PDF in two columns read column by column): an
# index written under another value reads every file again on its next update, instead of
# carrying over passages parsed the old way (index/store/builder.py).
PARSER_VERSION = 2

PDF_RUNNING = "page header, footer or number"  # why a PDF line is in no passage
# A Markdown file may start with a tag (`<!-- … -->`, `<div>`): Markdown reads those as HTML blocks.
# Only a whole web page saved under a Markdown name goes to the HTML reader.
_HTML_DOCUMENT = re.compile(r"\s*<(?:!doctype\s+html|html)[\s>]", re.I)


def parse_bytes(data: bytes, path: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Briefing:
    """Read a file's bytes by its format. Raises SkippedFile for unusable files."""
    fmt = formats.format_of(path)
    if fmt is not None and fmt.binary:
        if len(data) > max_bytes:
            raise SkippedFile(f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit")
        return BINARY_READERS[fmt.reader](data, path, max_bytes)
    text, _encoding = decode(data, max_bytes=max_bytes)
    return parse_text(text, path)


def _parse_docx(data: bytes, path: str, max_bytes: int) -> Briefing:
    """A Word document through its text layout; offsets point into that converted text."""
    from index.parse import docx

    converted = docx.to_text(data, max_bytes=max_bytes)
    briefing = parse_layout(converted.text, path, None, None, plain_headings=False)
    briefing.id = briefing_id(converted.text)
    if not briefing.passages:
        raise SkippedFile("no text to index")
    return briefing


def _parse_odt(data: bytes, path: str, max_bytes: int) -> Briefing:
    """An OpenDocument text through its text layout; metadata fills a missing title or date."""
    from index.parse import odt

    converted = odt.to_text(data, max_bytes=max_bytes)
    briefing = parse_layout(converted.text, path, None, None, plain_headings=False)
    briefing.id = briefing_id(converted.text)
    briefing.title = briefing.title or converted.title
    briefing.date = briefing.date or converted.date
    briefing.set_aside = [*briefing.set_aside, *converted.set_aside]
    if not briefing.passages:
        raise SkippedFile("no text to index")
    return briefing


def _parse_pdf(data: bytes, path: str, _max_bytes: int) -> Briefing:
    """A text PDF through its text layout; each passage keeps the page it starts on.

    The size limit needs no second look: a PDF unpacks no archive, and its bytes are measured
    before it comes here."""
    from index.parse import pdf

    converted = pdf.to_text(data)
    briefing = parse_layout(converted.text, path, None, None, plain_headings=False)
    briefing.id = briefing_id(converted.text)
    for p in briefing.passages:
        p.page = converted.page_at(p.start)
    if converted.set_aside_chars:
        briefing.set_aside = [*briefing.set_aside, (PDF_RUNNING, converted.set_aside_chars)]
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
    """Parse decoded text. HTML is recognised by its tags, Markdown by the file's suffix; both are
    converted to the text layout first. A suffix of no text format is read as text."""
    fmt = formats.format_of(path)
    return TEXT_READERS[fmt.reader if fmt is not None and not fmt.binary else formats.TEXT](text, path)


def _parse_text_or_html(text: str, path: str) -> Briefing:
    """Decoded text through the text layout, converted from HTML first when its tags say so."""
    offsets: list[tuple[int, int, int]] | None = None
    title = date = None
    converted = None
    if html_layout.looks_like_html(text):
        converted = html_layout.to_text(text)
        source_text, text, offsets = text, converted.text, converted.line_offsets
        title, date = converted.title, converted.date
    else:
        source_text = text
    briefing = parse_layout(text, path, title, date, plain_headings=converted is None)
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


def _parse_markdown(text: str, path: str) -> Briefing:
    """A Markdown file through its text layout; offsets and character counts are the file's own."""
    if _HTML_DOCUMENT.match(text[:4096]):
        return _parse_text_or_html(text, path)
    converted = markdown_layout.to_text(text)
    briefing = parse_layout(converted.text, path, None, None, plain_headings=False)
    briefing.set_aside = _account_markup(
        briefing.set_aside + converted.set_aside,
        non_blank(text) - non_blank(converted.text) - sum(c for _, c in converted.set_aside),
    )
    briefing.id = briefing_id(text)
    _map_offsets(briefing, converted.line_offsets, converted.shifts)
    if not briefing.passages:
        raise SkippedFile("no text to index")
    return briefing


# The reader of each format of index.parse.formats, by its `reader` key.
BINARY_READERS: dict[str, Callable[[bytes, str, int], Briefing]] = {
    "docx": _parse_docx,
    "odt": _parse_odt,
    "pdf": _parse_pdf,
}
TEXT_READERS: dict[str, Callable[[str, str], Briefing]] = {
    formats.TEXT: _parse_text_or_html,
    "markdown": _parse_markdown,
}


def _account_markup(set_aside: list[tuple[str, int]], extra: int) -> list[tuple[str, int]]:
    """Add the file's characters the conversion left out (Markdown syntax) to MARKUP.

    The converted text is counted by layout.py; what the file has beyond it is syntax. When the
    conversion wrote a few characters more than it read (`## Notes` for a bare `Notes` line),
    they are taken back from the set-aside counts, MARKUP first, so indexed and set-aside
    characters still add up to the file's non-blank characters.
    """
    counts: dict[str, int] = {}
    for reason, chars in set_aside:
        counts[reason] = counts.get(reason, 0) + chars
    counts[MARKUP] = counts.get(MARKUP, 0) + extra
    for reason in sorted(counts, key=lambda r: r != MARKUP):
        if counts[MARKUP] >= 0:
            break
        if reason != MARKUP:
            taken = min(counts[reason], -counts[MARKUP])
            counts[reason] -= taken
            counts[MARKUP] += taken
    return [(reason, chars) for reason, chars in counts.items() if chars > 0]


def _map_offsets(
    briefing: Briefing, line_offsets: list[tuple[int, int, int]], shifts: list[int | None] | None = None
) -> None:
    """Point converted passages at the text they came from in the original file.

    A line copied verbatim (its shift known) maps each character exactly, so the pieces of a
    long line point at their own sentences; any other line maps to its whole source span.
    """
    starts = [t for t, _, _ in line_offsets]

    for p in briefing.passages:
        i = max(bisect.bisect_right(starts, p.start) - 1, 0)
        j = max(bisect.bisect_right(starts, max(p.end - 1, p.start)) - 1, 0)
        start, end = line_offsets[i][1], line_offsets[j][2]
        if shifts is not None and (shift := shifts[i]) is not None:
            start = min(max(p.start + shift, line_offsets[i][1]), line_offsets[i][2])
        if shifts is not None and (shift := shifts[j]) is not None:
            end = min(max(p.end + shift, line_offsets[j][1]), line_offsets[j][2])
        p.start, p.end = start, max(start, end)
