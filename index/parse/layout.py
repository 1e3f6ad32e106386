"""Read the text layout of a briefing into a Briefing: metadata, bullets and footnotes.

Layouts read: `•`, `-`, `*` and `1.` bullets; a `Sources`, `Notes`, `References` or
`Références` heading followed by `1. …` or `[1] …` notes; Markdown footnotes `[^1]` with `[^1]: …`
definitions; Unicode superscripts. A file with no bullets is cut into paragraphs. Nothing here
raises on bad text: problems become warnings on the briefing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from index.parse.dates import date_from_filename, find_date
from index.parse.language import detect_language
from index.parse.markers import SUPERSCRIPTS, MarkerState, normalise_space, strip_markers
from index.parse.sources import parse_source
from index.records import Briefing, Passage

_NOTES_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*|\*\*)?(sources?|notes?|notes et r[ée]f[ée]rences|r[ée]f[ée]rences|"
    r"references|footnotes|bibliographie|bibliography)\s*(?:\*\*)?\s*:?\s*$",
    re.I,
)
_BULLET = re.compile(r"^(\s*)(?:[•●▪◦‣·∙*+–—-]|\d{1,3}[.)])\s+(?=\S)")
_MD_DEF = re.compile(r"^\s*\[\^([^\]\s]{1,40})\]:\s?")
_NOTE = re.compile(r"^\s*(?:\[(\d{1,5})\]|(\d{1,5})[.)]|([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,5}))\s*")
_BRACKET_NOTE = re.compile(r"^\s*\[\d{1,5}\]")
_BARE_URL = re.compile(r"(?:https?://|www\.)\S+$", re.I)
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_FRONT_KEY = re.compile(r"^\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$")
_DATE_LINE = re.compile(r"^\s*(?:date|le|du|on)?\s*:?\s*", re.I)


@dataclass(slots=True)
class _Line:
    start: int  # offset of the first character of the line in the text
    text: str  # without the line break

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class _Block:
    """A bullet or note being assembled from one or more lines."""

    start: int
    end: int
    parts: list[str]
    number: int | None = None

    def add(self, line: _Line, content_start: int) -> None:
        self.parts.append(line.text[content_start - line.start :])
        self.end = line.end

    @property
    def raw(self) -> str:
        return "\n".join(self.parts)


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for chunk in text.splitlines(keepends=True):
        lines.append(_Line(pos, chunk.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")))
        pos += len(chunk)
    return lines


def _front_matter(lines: list[_Line]) -> tuple[dict[str, str], int]:
    if not lines or lines[0].text.strip() != "---":
        return {}, 0
    for i in range(1, min(len(lines), 60)):
        if lines[i].text.strip() in ("---", "..."):
            meta: dict[str, str] = {}
            for line in lines[1:i]:
                if m := _FRONT_KEY.match(line.text):
                    meta[m[1].lower()] = m[2].strip("'\"")
            return meta, i + 1
    return {}, 0


def parse_layout(text: str, path: str, title: str | None, date: str | None) -> Briefing:
    lines = _lines(text)
    meta, first = _front_matter(lines)
    title = title or meta.get("title") or None
    date = date or (find_date(meta["date"]) if meta.get("date") else None)

    # Markdown footnote definitions may stand anywhere; a notes heading starts the notes.
    heading_at = next(
        (i for i in range(len(lines) - 1, first - 1, -1) if _NOTES_HEADING.match(lines[i].text)),
        None,
    )
    body_end = heading_at if heading_at is not None else len(lines)
    if heading_at is None:
        # `[1] …` lines closing the file are notes even without a heading.
        i = len(lines)
        while i > first and (not lines[i - 1].text.strip() or _BRACKET_NOTE.match(lines[i - 1].text)):
            i -= 1
        if any(_BRACKET_NOTE.match(ln.text) for ln in lines[i:]):
            body_end = i

    md_defs: list[tuple[str, _Block]] = []
    body_lines: list[_Line] = []
    current_def: _Block | None = None
    for line in lines[first:body_end]:
        if m := _MD_DEF.match(line.text):
            current_def = _Block(line.start + m.end(), line.end, [line.text[m.end() :]])
            md_defs.append((m[1], current_def))
        elif current_def is not None and line.text.startswith(("    ", "\t")) and line.text.strip():
            current_def.add(line, line.start + len(line.text) - len(line.text.lstrip()))
        else:
            current_def = None
            body_lines.append(line)

    notes = _parse_notes(lines[body_end + (heading_at is not None) :] if body_end < len(lines) else [])
    # `[^1]` keeps its number unless a numbered note has it; `[^note]` takes the next free one.
    taken = {n.number for n in notes if n.number is not None}
    # isdecimal, not isdigit: `[^¹]` or `[^①]` are digits that int() refuses.
    next_free = max(taken | {int(i) for i, _ in md_defs if i.isdecimal()}, default=0) + 1
    md_ids: dict[str, int] = {}
    for ident, block in md_defs:
        if ident.isdecimal() and int(ident) not in taken:
            block.number = int(ident)
        else:
            block.number, next_free = next_free, next_free + 1
        taken.add(block.number)
        md_ids[ident] = block.number
        notes.append(block)

    preamble, bullets = _split_body(body_lines)
    if title is None or date is None:
        t, d = _read_preamble(preamble, has_bullets=bool(bullets))
        title, date = title or t, date or d
    if not bullets:
        bullets = _paragraphs([ln for ln in body_lines if ln.text.strip() not in (title or "\0",)])
        bullets = [b for b in bullets if normalise_space(b.raw) != title and not _is_date_line(b.raw)]
        if not bullets:
            bullets = _paragraphs(body_lines)  # a note of one short line is still worth indexing
    date = date or date_from_filename(Path(path).name)

    state = MarkerState(known={n.number for n in notes if n.number is not None}, md_ids=md_ids)
    passages: list[Passage] = []
    for position, block in enumerate(bullets, start=1):
        clean, cited = strip_markers(block.raw, state)
        if clean:
            passages.append(Passage("bullet", position, clean, block.start, block.end, footnotes=cited))
    # Renumber so bullet numbers stay 1-based positions after dropping empty bullets.
    for position, p in enumerate(passages, start=1):
        p.number = position

    by_number: dict[int, Passage] = {}
    for block in sorted(notes, key=lambda b: b.number or 0):
        if block.number is None or block.number in by_number:
            continue
        clean = normalise_space(block.raw)
        if not clean:
            continue
        note = Passage("footnote", block.number, clean, block.start, block.end, source=parse_source(clean))
        by_number[block.number] = note
    for bullet in passages:
        bullet.footnotes = [n for n in bullet.footnotes if n in by_number]
        for n in bullet.footnotes:
            by_number[n].cited_by.append(bullet.number)

    language = detect_language(" ".join(p.text for p in passages))
    return Briefing(
        id="",
        path=path,
        title=title,
        date=date,
        language=language,
        passages=passages + [by_number[n] for n in sorted(by_number)],
        warnings=state.warnings,
    )


def _parse_notes(lines: list[_Line]) -> list[_Block]:
    notes: list[_Block] = []
    current: _Block | None = None
    current_is_bare = False  # the current note is an unnumbered line
    for line in lines:
        stripped = line.text.strip()
        if not stripped:
            current = None
            continue
        if current is not None and current_is_bare and _BARE_URL.match(stripped):
            current = None  # a list of bare URLs: one note per line
        current_is_bare = False
        m = _NOTE.match(line.text)
        if m:
            number = int(m[1] or m[2] or m[3].translate(SUPERSCRIPTS))
            current = _Block(line.start + m.end(), line.end, [line.text[m.end() :]], number)
            notes.append(current)
        elif (b := _BULLET.match(line.text)) and not re.match(r"^\s*\d", line.text):
            current = _Block(line.start + b.end(), line.end, [line.text[b.end() :]], len(notes) + 1)
            notes.append(current)
        elif current is not None:
            current.add(line, line.start + len(line.text) - len(line.text.lstrip()))
        else:
            # A bare line (often a URL) in the notes list: a note numbered by position.
            current = _Block(
                line.start + len(line.text) - len(line.text.lstrip()), line.end, [stripped], len(notes) + 1
            )
            notes.append(current)
            current_is_bare = True
    return notes


def _split_body(lines: list[_Line]) -> tuple[list[_Line], list[_Block]]:
    """Lines before the first bullet, and the bullets (with their continuation lines)."""
    preamble: list[_Line] = []
    bullets: list[_Block] = []
    current: _Block | None = None
    blank_before = False
    for line in lines:
        stripped = line.text.strip()
        if not stripped:
            blank_before = True
            continue
        m = _BULLET.match(line.text)
        if m:
            current = _Block(line.start + m.end(), line.end, [line.text[m.end() :]])
            bullets.append(current)
        elif current is None:
            preamble.append(line)
        elif _HEADING.match(line.text) or (blank_before and _is_heading(stripped)):
            current = None  # a section heading between bullets: not a passage
        elif blank_before and not line.text[:1].isspace():
            # A paragraph between bullets is a passage of its own.
            current = _Block(line.start, line.end, [line.text])
            bullets.append(current)
        else:
            current.add(line, line.start + len(line.text) - len(line.text.lstrip()))
        blank_before = False
    return preamble, bullets


def _is_heading(stripped: str) -> bool:
    return (len(stripped) <= 80 and not stripped.endswith((".", "!", "?", "»", "”", ":"))) or bool(
        _HEADING.match(stripped)
    )


def _is_date_line(raw: str) -> bool:
    stripped = normalise_space(raw)
    return len(stripped) <= 60 and find_date(stripped) is not None and len(stripped.split()) <= 7


def _read_preamble(preamble: list[_Line], *, has_bullets: bool) -> tuple[str | None, str | None]:
    title = date = None
    candidates = preamble if has_bullets else preamble[:1]
    for line in candidates:
        stripped = line.text.strip()
        if date is None and _is_date_line(stripped):
            date = find_date(stripped)
            continue
        if title is None and (
            _HEADING.match(stripped)
            or (len(stripped) <= 200 and has_bullets)
            or (not has_bullets and _is_heading(stripped))
        ):
            title = normalise_space(_HEADING.sub("", stripped).strip("*_ "))
    if not has_bullets and len(preamble) > 1 and date is None and _is_date_line(preamble[1].text):
        date = find_date(preamble[1].text)
    return title or None, date


def _paragraphs(lines: list[_Line]) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for line in lines:
        if not line.text.strip() or _HEADING.match(line.text):
            current = None
            continue
        indent = len(line.text) - len(line.text.lstrip())
        if current is None:
            current = _Block(line.start + indent, line.end, [line.text.strip()])
            blocks.append(current)
        else:
            current.add(line, line.start + indent)
    return blocks
