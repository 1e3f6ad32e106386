"""Turn a text PDF briefing into the plain-text layout the parser reads, remembering pages.

Read with pdfplumber (pdfminer.six underneath): the characters of each page, grouped into lines
by their vertical position and read top to bottom, left to right; a page set in two columns
(a gutter down its middle, index/parse/pdf_columns.py) is read column by column. Then:

- footnote markers: a run of digits set smaller than its line's text (by 15 % or more) or raised
  above its baseline becomes a `[n]` marker; other small or raised characters (`1er`, `XXe`) stay
  text;
- page headers and footers: among the first and last two lines of each page, within 12 % of the
  page height from its top or bottom, a line whose text (numbers ignored) comes back on at least
  half of the pages (two at least) at the same height, and a page number (`3`, `Page 3`,
  `3 / 10`, `- 3 -`) as the first or last line, are set aside;
- page-bottom footnotes: the lines closing a page, set smaller than the body text, from the first
  that starts with a number (`1`, `1.`, a superscript `¹`) on, are notes; a small line before that
  number continues the note of an earlier page. They are gathered under one `## Notes` heading as
  `n. text`, so markers on any page reach them;
- blocks: a line set larger than the body is a heading (`#`, `##`, … by size), a line starting
  with a bullet sign a bullet, and lines are joined into a paragraph until a wider gap, a short
  line ending a sentence, a change of size, or a bullet. A paragraph cut by a page break (not
  ending like a sentence) goes on across it. A hyphen between two lower-case word halves at a
  line end is removed.

Like a .docx, a PDF has no text offsets, so passages point into the converted text
(`Converted.text`); `Converted.pages` maps offsets of that text to 1-based page numbers.
A PDF whose pages have no characters at all (a scan, an image export) has no text layer and is
skipped; rotated text (stamps, watermarks) is set aside.
"""

from __future__ import annotations

import bisect
import io
import itertools
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from index.parse.docx import markers_before_stop
from index.parse.layout import NOTES_HEADING, non_blank
from index.parse.pdf_columns import EDGE, NOTE_SIZE, page_gutter, reading_order
from index.records import SkippedFile

_SMALLER = 0.85  # a marker's size at most this share of its line's size
_RAISED = 0.2  # or its bottom this share of the line's size above the line's bottom
_HEADING_SIZE = 1.15  # heading lines at least this share of the body size
# A line numbered `1.`, `1)` or `[1]` is a note, never a running header or footer.
_NUMBERED_NOTE = re.compile(r"^\s*(?:\[\d{1,4}\]|\d{1,3}[.)])\s")
_BULLET = re.compile(r"^[•●▪◦‣∙■□➢►✓✔*–—-]\s*")
_NOTE_START = re.compile(r"^(?:\[(\d{1,4})\]|(\d{1,4})[.)]?(?=\s))\s*")
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*\d{1,4}\s*[-–—]|(?:page|p\.)?\s*\d{1,4}(?:\s*(?:/|sur|of|de)\s*\d{1,4})?)$", re.I
)
_SENTENCE_END = (".", "!", "?", "…", "»", "”", ":", ";")
# Note markers that may follow a sentence's full stop (`… du pays.[2]`, `… du pays.¹`).
_TRAILING_MARKERS = re.compile(r"(?:\s?(?:\[\d{1,4}(?:\s*[,;–-]\s*\d{1,4})*\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+))+\s*$")
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})


@dataclass
class _Line:
    page: int  # 1-based
    top: float
    bottom: float
    x0: float
    x1: float
    size: float  # the size most of its characters are set in
    text: str  # markers as `[n]`
    edge: float | None = None  # the right edge of its column on a two-column page


@dataclass
class Converted:
    text: str
    pages: list[tuple[int, int]]  # (offset in text, page), offsets increasing
    notes: int = 0
    page_count: int = 0
    set_aside: list[str] = field(default_factory=list)  # header and footer lines, once each
    set_aside_chars: int = 0  # non-blank characters of every header, footer and page-number line

    def page_at(self, offset: int) -> int | None:
        i = bisect.bisect_right([o for o, _ in self.pages], offset) - 1
        return self.pages[i][1] if i >= 0 else None


def _is_private_bullet(ch: str) -> bool:
    return len(ch) == 1 and 0xE000 <= ord(ch) <= 0xF8FF  # Symbol/Wingdings bullets in Word exports


def _upright(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for c in chars if c.get("upright", True) and c["text"]]


def _gutters(
    upright: list[list[dict[str, Any]]], widths: list[float]
) -> list[tuple[float | None, float | None]]:
    """Each page's own gutter (pdf_columns) and the usual one of the document's two-column pages
    of its width, for a page with too little text to show its own."""
    own = [page_gutter(chars, w) for chars, w in zip(upright, widths, strict=True)]
    usual: dict[float, float] = {}
    for width in set(widths):
        found = [g for g, w in zip(own, widths, strict=True) if g is not None and w == width]
        if found:
            usual[width] = statistics.median(found)
    return [(g, usual.get(w)) for g, w in zip(own, widths, strict=True)]


def _page_lines(
    chars: list[dict[str, Any]], page: int, height: float, gutters: tuple[float | None, float | None]
) -> list[_Line]:
    """Group a page's upright characters into lines in reading order (pdf_columns: one column
    or two) and write each line's text with `[n]` markers."""
    lines = []
    for group, edge in reading_order(chars, height, *gutters):
        line = _line(group, page)
        if line is not None:
            line.edge = edge
            lines.append(line)
    return lines


def _line(group: list[dict[str, Any]], page: int) -> _Line | None:
    group.sort(key=lambda c: c["x0"])
    visible = [c for c in group if c["text"].strip()]
    if not visible:
        return None
    sizes = Counter(round(c["size"], 1) for c in visible)
    size = sizes.most_common(1)[0][0]
    main = [c for c in visible if round(c["size"], 1) == size]
    line_bottom = sorted(c["bottom"] for c in main)[len(main) // 2]

    def small(c: dict[str, Any]) -> bool:
        return c["size"] <= _SMALLER * size or line_bottom - c["bottom"] >= _RAISED * size

    out: list[str] = []
    prev: dict[str, Any] | None = None
    i = 0
    while i < len(group):
        c = group[i]
        text = c["text"]
        gap = c["x0"] - prev["x1"] if prev is not None else 0.0
        if (
            prev is not None
            and text.strip()
            and prev["text"].strip()
            and gap > 0.2 * min(c["size"], prev["size"])
        ):
            out.append(" ")  # a gap the PDF draws without a space character
        if text.isdigit() and small(c):
            run = [c]
            j = i + 1
            while (
                j < len(group)
                and small(group[j])
                and (group[j]["text"].isdigit() or group[j]["text"] in ",-–")
            ):
                run.append(group[j])
                j += 1
            numbers = [n for n in re.split(r"[,\-–]", "".join(x["text"] for x in run)) if n]
            out.append("".join(f"[{n}]" for n in numbers))
            prev, i = run[-1], j
            continue
        if not out and _is_private_bullet(text):
            text = "•"
        out.append(text.translate(_LIGATURES))
        prev, i = c, i + 1
    text = re.sub(r"\s+", " ", "".join(out)).strip()
    if not text:
        return None
    return _Line(
        page,
        min(c["top"] for c in visible),
        max(c["bottom"] for c in visible),
        min(c["x0"] for c in visible),
        max(c["x1"] for c in visible),
        size,
        text,
    )


def _running_lines(pages: list[list[_Line]], heights: list[float]) -> set[tuple[int, int]]:
    """(page index, line index) of headers, footers and page numbers."""
    out: set[tuple[int, int]] = set()
    seen: dict[str, list[tuple[int, int, float]]] = {}
    for p, lines in enumerate(pages):
        edge = {*range(min(2, len(lines))), *range(max(len(lines) - 2, 0), len(lines))}
        for i in sorted(edge):
            line = lines[i]
            near_edge = line.top < EDGE * heights[p] or line.bottom > (1 - EDGE) * heights[p]
            if not near_edge:
                continue
            if _NUMBERED_NOTE.match(line.text):
                continue  # notes repeat their shape from page to page ("3. « Chine », …"): no footer
            key = re.sub(r"\d+", "#", line.text.lower())
            seen.setdefault(key, []).append((p, i, line.top))
            if i in (0, len(lines) - 1) and _PAGE_NUMBER.match(line.text):
                out.add((p, i))
    needed = max(2, math.ceil(len(pages) / 2))
    for where in seen.values():
        if len({p for p, _, _ in where}) < needed:
            continue
        tops = sorted(t for _, _, t in where)
        median = tops[len(tops) // 2]
        out.update((p, i) for p, i, t in where if abs(t - median) <= 0.02 * heights[p])
    return out


def _split_notes(lines: list[_Line], body_size: float, height: float) -> int:
    """Index of the first line of the page-bottom notes block (len(lines) when there is none)."""
    start = len(lines)
    while start > 0 and lines[start - 1].size <= NOTE_SIZE * body_size and lines[start - 1].top > height / 2:
        start -= 1
    return start


def _endnotes_title(pages: list[list[_Line]], running: set[tuple[int, int]]) -> tuple[int, int] | None:
    """(page index, index among the page's kept lines) of the title of a notes list written as
    the document's last part ("Notes", "Endnotes", "Références"… followed by a numbered entry),
    or None. The lines after it are notes, whatever their size or place on the page."""
    kept = [
        (p, k, line)
        for p, lines in enumerate(pages)
        for k, line in enumerate(line for i, line in enumerate(lines) if (p, i) not in running)
    ]
    for n in range(len(kept) - 2, -1, -1):
        p, k, line = kept[n]
        if NOTES_HEADING.match(line.text) and _NUMBERED_NOTE.match(kept[n + 1][2].text):
            return p, k
    return None


def to_text(data: bytes) -> Converted:
    """Convert a PDF's bytes to the text layout; SkippedFile when it cannot be read or has no text."""
    heights, widths, raw = _open(data)
    upright = [_upright(chars) for chars in raw]
    gutters = _gutters(upright, widths)
    pages = [
        _page_lines(chars, n, heights[n - 1], gutters[n - 1]) for n, chars in enumerate(upright, start=1)
    ]
    body_size = _body_size(pages)
    running = _running_lines(pages, heights)
    set_aside = list(dict.fromkeys(pages[p][i].text for p, i in sorted(running)))
    body, notes = _body_and_notes(pages, running, body_size, heights)
    text, offsets = _write(_glue_lone_markers(body, body_size), notes, body_size)
    running_chars = sum(non_blank(pages[p][i].text) for p, i in running)
    return Converted(text, offsets, len(notes), len(pages), set_aside, running_chars)


def _open(data: bytes) -> tuple[list[float], list[float], list[list[dict[str, Any]]]]:
    """Each page's height, width and characters; SkippedFile when there is no text to read."""
    try:
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            heights = [float(p.height) for p in pdf.pages]
            widths = [float(p.width) for p in pdf.pages]
            raw = [p.chars for p in pdf.pages]
    except Exception as exc:  # pdfminer raises many kinds on a broken or encrypted file
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise SkippedFile("encrypted PDF: cannot read its text") from exc
        raise SkippedFile(f"not a readable PDF ({str(exc).strip() or name})") from exc
    if not any(c["text"].strip() for chars in raw for c in chars):
        raise SkippedFile("no text layer (scanned PDF?)")
    return heights, widths, raw


def _body_size(pages: list[list[_Line]]) -> float:
    """The size most of the document's characters are set in."""
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0]


_Note = tuple[int, int, list[str]]  # number, page, lines


def _body_and_notes(
    pages: list[list[_Line]], running: set[tuple[int, int]], body_size: float, heights: list[float]
) -> tuple[list[_Line], list[_Note]]:
    """The body lines in order, and the notes: those at the foot of each page, then the closing list."""
    body: list[_Line] = []
    notes: list[_Note] = []
    title = _endnotes_title(pages, running)
    for p, lines in enumerate(pages):
        kept = [line for i, line in enumerate(lines) if (p, i) not in running]
        endnotes: list[_Line] = []
        if title is not None and p > title[0]:
            _add_notes(notes, kept)
            continue
        if title is not None and p == title[0]:
            kept, endnotes = kept[: title[1]], kept[title[1] + 1 :]
        cut = _split_notes(kept, body_size, heights[p])
        first_numbered = next((k for k in range(cut, len(kept)) if _NOTE_START.match(kept[k].text)), None)
        if first_numbered is None:
            body.extend(kept)
        else:
            if notes:
                notes[-1][2].extend(line.text for line in kept[cut:first_numbered])
                body.extend(kept[:cut])
            else:
                body.extend(kept[:first_numbered])
            _add_notes(notes, kept[first_numbered:])
        _add_notes(notes, endnotes)
    return body, notes


def _add_notes(notes: list[_Note], lines: list[_Line]) -> None:
    """A numbered line starts a note; any other line continues the last one."""
    for line in lines:
        if m := _NOTE_START.match(line.text):
            notes.append((int(m[1] or m[2]), line.page, [line.text[m.end() :]]))
        elif notes:
            notes[-1][2].append(line.text)


def _write(body: list[_Line], notes: list[_Note], body_size: float) -> tuple[str, list[tuple[int, int]]]:
    """The text layout: headings, bullets and paragraphs, then the notes under `## Notes`; and
    (offset, page) where each block and note starts."""
    out: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0

    def emit(text: str, page: int) -> None:
        nonlocal pos
        if out:
            out.append("\n\n")
            pos += 2
        offsets.append((pos, page))
        out.append(text)
        pos += len(text)

    for kind, level, page, parts in _blocks(body, body_size):
        text = _join(parts)
        if kind == "heading":
            emit("#" * level + " " + text, page)
        elif kind == "bullet":
            emit("- " + markers_before_stop(text), page)
        else:
            emit(markers_before_stop(text), page)
    if notes:
        emit("## Notes", notes[0][1])
        for number, page, parts in notes:
            offsets.append((pos + 1, page))
            entry = f"\n{number}. {_join(parts)}"
            out.append(entry)
            pos += len(entry)
    out.append("\n")
    return "".join(out), offsets


def _glue_lone_markers(lines: list[_Line], body_size: float) -> list[_Line]:
    """A small number alone on a line right under a body line is that line's marker, wrapped."""
    out: list[_Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.page == line.page
            and line.text.isdigit()
            and line.size <= _SMALLER * body_size
            and line.top - prev.bottom < body_size
        ):
            prev.text += f"[{line.text}]"
            continue
        out.append(line)
    return out


def _join(parts: list[str]) -> str:
    """A block's lines as one line; `gouverne-` + `ment` → `gouvernement`."""
    text = ""
    for part in parts:
        if text.endswith("-") and len(text) > 1 and text[-2].islower() and part[:1].islower():
            text = text[:-1] + part
        else:
            text = f"{text} {part}" if text else part
    return text


def _ends_sentence(text: str) -> bool:
    """The line closes a sentence, markers after its full stop aside."""
    return _TRAILING_MARKERS.sub("", text).endswith(_SENTENCE_END)


def _blocks(lines: list[_Line], body_size: float) -> list[tuple[str, int, int, list[str]]]:
    """(kind, heading level, page, lines) of the body's headings, bullets and paragraphs."""
    heading_sizes = sorted({ln.size for ln in lines if ln.size >= _HEADING_SIZE * body_size}, reverse=True)
    pitches = [
        b.top - a.top
        for a, b in itertools.pairwise(lines)
        if a.page == b.page and a.size == b.size == body_size and b.top > a.top
    ]
    pitch = sorted(pitches)[len(pitches) // 2] if pitches else 1.2 * body_size
    right = Counter(round(ln.x1) for ln in lines if ln.size == body_size)
    right_edge = max(right) if right else 0.0
    blocks: list[tuple[str, int, int, list[str]]] = []
    prev: _Line | None = None
    for line in lines:
        is_heading = line.size in heading_sizes
        bullet = _BULLET.match(line.text) if not is_heading else None
        text = line.text[bullet.end() :] if bullet else line.text
        if not text:
            continue
        kind = "heading" if is_heading else "bullet" if bullet else "paragraph"
        level = heading_sizes.index(line.size) + 1 if is_heading else 0
        new = True
        if prev is not None and blocks and not bullet:
            last_kind = blocks[-1][0]
            if prev.page == line.page and line.top >= prev.top:
                same = prev.size == line.size and (last_kind == "heading") == is_heading
                close = (
                    line.top - prev.top <= 1.35 * pitch
                    if not is_heading
                    else line.top - prev.bottom < line.size
                )
                edge = prev.edge if prev.edge is not None else right_edge
                ended = _ends_sentence(prev.text) and prev.x1 < edge - 3 * body_size
                new = not (same and close and not ended)
            else:
                # A page break, or a jump to the top of the next column, inside a paragraph or
                # bullet: it goes on when it did not end a sentence.
                new = is_heading or last_kind == "heading" or _ends_sentence(blocks[-1][3][-1])
        if new:
            blocks.append((kind, level, line.page, [text]))
        else:
            blocks[-1][3].append(text)
        prev = line
    return blocks
