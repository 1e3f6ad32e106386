"""Read the text layout of a briefing into a Briefing: metadata, bullets, paragraphs and footnotes.

Layouts read: `•`, `-`, `*` and `1.` bullets; a notes heading (`Sources`, `Notes`, `Endnotes`,
`Footnotes`, `References`, `Références`, `Bibliographie`, `Notes de bas de page`, `Works cited`…,
at any heading level or as a bold line) followed by `1. …`, `1) …`, `[1] …`, `^1 …` or `¹ …`
notes; Markdown footnotes `[^1]` with `[^1]: …` definitions; Unicode superscripts. Nothing here raises on bad text: problems become warnings on
the briefing.

The body (the text before the notes) is read in document order, bullets and paragraphs mixed:
every list item becomes a "bullet" passage, and every paragraph, block quote (`>` removed) and
table (its rows, outer `|` removed) a "paragraph" passage. Bullets and paragraphs share one
running number, their 1-based position among the body's passages, so a footnote's `cited_by`
names one passage; a briefing made only of bullets numbers them exactly as a bullets-only reader
would. Markers are linked to notes the same way in both kinds.

Long blocks: a bullet or paragraph over MAX_PASSAGE_CHARS (a PDF page, a pasted report, a web
page's one-line block) becomes several passages of the same kind and section, numbered on in the
running order. Cuts fall at sentence ends, each passage holding as many whole sentences as fit; a
sentence longer than the limit is cut at a space. Each passage keeps the markers inside it, so
its own notes, and its own offsets into the text; a passage with no marker of its own cites the
notes of the next marker in its block, since a marker closes the sentences it sources (the
passages after a block's last marker cite none). Notes are never cut.

Set aside by rule, never as passages:
- the front matter (`---` … `---`), read for `title` and `date`;
- the title line: among the first three non-blank lines, before any passage, the first that is a
  Markdown heading, or a line of at most 200 characters not ending like a sentence (`.`, `!`, `?`,
  `…`, `:`, `;`, `,`, `»`, `”`), or a line equal to the title already known;
- the date line: in the same leading lines, the first line of at most 60 characters and 7 words
  that holds a date;
- headings: a Markdown `#` heading, or a plain line of at most 80 characters standing alone
  between blank lines that does not end like a sentence nor start in lower case. A heading is no
  passage but names the section of the passages under it (`Passage.section`, "Analysis › Sahel");
- markup-only lines: horizontal rules and table separator rows.
- a note whose number another note already has, or with no text.
Briefing.indexed_chars counts the non-blank characters inside passages (markers included) and
Briefing.set_aside the others by rule: FRONT_MATTER, TITLE_LINE, DATE_LINE, HEADING (the notes
heading too), DUPLICATE_NOTE, and MARKUP for the rest (bullet signs, note numbers, `>` and `|`,
rules, blocks of markers only). The two add up to the text's non-blank characters.
A heading with no passage under it is reported in the warnings with its length in characters.
A body with no passage at all keeps its title line and headings as paragraphs, so a note of one
short line is still indexed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from index.parse.dates import date_from_filename, find_date
from index.parse.language import detect_language
from index.parse.markers import SUPERSCRIPTS, MarkerState, normalise_space, strip_markers
from index.parse.sources import parse_source
from index.records import Briefing, Passage, PassageKind
from index.text.sentences import block_sentence_ends

# The heading of a notes list, at any Markdown heading level or as a bold, italic or underlined
# line, with or without a closing colon.
NOTES_HEADING = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__|\*(?!\s)|_(?!\s))?\s*"
    r"(sources?|notes?|end ?notes?|foot ?notes?|notes de bas de page|notes de fin|"
    r"notes (?:et|and) (?:r[ée]f[ée]rences|sources)|sources (?:et|and) notes|"
    r"r[ée]f[ée]rences?(?: bibliographiques)?|bibliographie|bibliography|works cited|"
    r"ouvrages cit[ée]s)"
    r"\s*:?\s*(?:\*\*|__|\*|_)?\s*:?\s*$",
    re.I,
)
_BULLET = re.compile(r"^(\s*)(?:[•●▪◦‣·∙*+–—-]|\d{1,3}[.)])\s+(?=\S)")
_MD_DEF = re.compile(r"^\s*\[\^([^\]\s]{1,40})\]:\s?")
# A numbered note: `[1]`, `[^1]:`, `1.`, `1)`, `^1`, `¹`.
_NOTE = re.compile(r"^\s*(?:\[\^?(\d{1,5})\]:?|\^?(\d{1,5})[.)]|\^(\d{1,5}):?|([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,5}))\s*")
_BRACKET_NOTE = re.compile(r"^\s*\[\d{1,5}\]")
_BARE_URL = re.compile(r"(?:https?://|www\.)\S+$", re.I)
_HEADING = re.compile(r"^\s*#{1,6}\s+")
_FRONT_KEY = re.compile(r"^\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$")
# Lines that are only markup: a horizontal rule, a table's separator row.
_RULE = re.compile(r"^\s*(?:([-*_])(?:\s*\1){2,}|\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?)\s*$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_TABLE_ROW = re.compile(r"^\s*\|(.*?)\|?\s*$")
_SENTENCE_END = (".", "!", "?", "…", "»", "”", ":", ";", ",")
_TRAILING_MARKER = re.compile(r"(?:\[\^?[\w-]{1,40}\]|\[\d{1,4}(?:\s*[,;–-]\s*\d{1,4})*\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*$")
_LEADING_LINES = 3  # a title line and a date line are looked for among the first lines only
# The embedder reads 256 word pieces, about 1,000-1,200 characters of French: past this length a
# passage's tail is invisible to the dense search, so longer blocks are cut into several passages.
MAX_PASSAGE_CHARS = 1_000
# Why text is not in any passage (Briefing.set_aside), one name per rule of the module docstring.
FRONT_MATTER = "front matter"
TITLE_LINE = "title line"
DATE_LINE = "date line"
HEADING = "heading"
DUPLICATE_NOTE = "duplicate note"
MARKUP = "markup"
_REASONS = (FRONT_MATTER, TITLE_LINE, DATE_LINE, HEADING, DUPLICATE_NOTE, MARKUP)  # the order reported


@dataclass(slots=True)
class _Line:
    start: int  # offset of the first character of the line in the text
    text: str  # without the line break

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class _Block:
    """A bullet, paragraph or note being assembled from one or more lines."""

    start: int
    end: int
    parts: list[str]
    number: int | None = None
    kind: PassageKind = "bullet"
    section: str | None = None
    part_starts: list[int] = field(default_factory=list)  # text offset of each part after the first

    def add(self, line: _Line, content_start: int) -> None:
        self.parts.append(line.text[content_start - line.start :])
        self.part_starts.append(content_start)
        self.end = line.end

    @property
    def raw(self) -> str:
        return "\n".join(self.parts)

    def pieces(self) -> list[tuple[str, int, int]]:
        """The block cut into passages of at most MAX_PASSAGE_CHARS: (raw text, start, end) each.

        Cuts fall at sentence ends, each piece holding as many whole sentences as fit; a sentence
        longer than the limit is cut at its last space that fits, a run with no space at the limit.
        Start and end are offsets into the text, so a piece points at its own sentences.
        """
        raw = self.raw
        if len(raw) <= MAX_PASSAGE_CHARS:
            return [(raw, self.start, self.end)]
        raw_starts, text_starts = [0], [self.start]
        for part, start in zip(self.parts, self.part_starts, strict=False):
            raw_starts.append(raw_starts[-1] + len(part) + 1)
            text_starts.append(start)

        def offset(i: int) -> int:
            k = bisect.bisect_right(raw_starts, i) - 1
            return text_starts[k] + i - raw_starts[k]

        ends = block_sentence_ends(raw)
        pieces: list[tuple[str, int, int]] = []
        pos, n = 0, len(raw)
        while pos < n:
            while pos < n and raw[pos].isspace():
                pos += 1
            if pos == n:
                break
            limit = pos + MAX_PASSAGE_CHARS
            if limit >= n:
                cut = len(raw.rstrip())
            elif (k := bisect.bisect_right(ends, limit) - 1) >= 0 and ends[k] > pos:
                cut = ends[k]
            else:
                space = max(raw.rfind(c, pos + 1, limit + 1) for c in " \t\n")
                cut = space if space > pos else limit
            pieces.append((raw[pos:cut], offset(pos), offset(cut - 1) + 1))
            pos = cut
        return pieces


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


def parse_layout(
    text: str, path: str, title: str | None, date: str | None, *, plain_headings: bool = True
) -> Briefing:
    """`plain_headings`: a short line standing alone may be a heading (plain text). A converter
    that marks its headings (`## …`) turns this off, so a short paragraph or a table row it wrote
    stays a passage."""
    lines = _lines(text)
    meta, first = _front_matter(lines)
    title = title or meta.get("title") or None
    date = date or (find_date(meta["date"]) if meta.get("date") else None)
    heading_at, body_end = _notes_start(lines, first)
    body_lines, notes, md_ids = _take_notes(lines, first, body_end, heading_at)

    body = _read_body(body_lines, title, plain_headings)
    if first:
        body.set_aside.append((FRONT_MATTER, 0, lines[first - 1].end))
    if heading_at is not None:
        body.set_aside.append((HEADING, lines[heading_at].start, lines[heading_at].end))
    title = title or body.title
    date = date or body.date or date_from_filename(Path(path).name)

    state = MarkerState(known={n.number for n in notes if n.number is not None}, md_ids=md_ids)
    passages = _body_passages(body.blocks, state)
    by_number = _link_notes(notes, passages, body)

    language = detect_language(" ".join(p.text for p in passages))
    all_passages = passages + [by_number[n] for n in sorted(by_number)]
    indexed, set_aside = _count(text, all_passages, body.set_aside)
    return Briefing(
        id="",
        path=path,
        title=title,
        date=date,
        language=language,
        passages=all_passages,
        warnings=body.warnings + state.warnings,
        indexed_chars=indexed,
        set_aside=set_aside,
    )


def _notes_start(lines: list[_Line], first: int) -> tuple[int | None, int]:
    """The line of the notes heading (or None) and the end of the body: the heading, or the
    `[1] …` lines closing the file, which are notes even without a heading."""
    heading_at = next(
        (i for i in range(len(lines) - 1, first - 1, -1) if _opens_notes(lines, i)),
        None,
    )
    body_end = heading_at if heading_at is not None else len(lines)
    if heading_at is None:
        i = len(lines)
        while i > first and (not lines[i - 1].text.strip() or _BRACKET_NOTE.match(lines[i - 1].text)):
            i -= 1
        if any(_BRACKET_NOTE.match(ln.text) for ln in lines[i:]):
            body_end = i
    return heading_at, body_end


def _take_notes(
    lines: list[_Line], first: int, body_end: int, heading_at: int | None
) -> tuple[list[_Line], list[_Block], dict[str, int]]:
    """The body's lines, the notes numbered, and the number of each Markdown note id.

    Markdown footnote definitions may stand anywhere; a notes heading starts the notes.
    """
    md_defs: list[tuple[str, _Block]] = []
    body_lines = _take_md_defs(lines[first:body_end], md_defs)
    # Under a notes heading too: `## Notes` then `[^1]: …` definitions.
    note_lines = _take_md_defs(lines[body_end + (heading_at is not None) :], md_defs)
    notes = _parse_notes(note_lines)
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
    return body_lines, notes, md_ids


def _body_passages(blocks: list[_Block], state: MarkerState) -> list[Passage]:
    """The body's blocks as passages, cut to length, markers taken out, numbered in order."""
    passages: list[Passage] = []
    for block in blocks:
        pieces: list[Passage] = []
        for raw, start, end in block.pieces():
            clean, cited = strip_markers(raw, state)
            if clean:
                pieces.append(
                    Passage(block.kind, 0, clean, start, end, footnotes=cited, section=block.section)
                )
        # A piece of a long block with no marker of its own cites what the next marker of its
        # block cites: a note's marker closes the sentences it sources.
        following: list[int] = []
        for piece in reversed(pieces):
            following = piece.footnotes = piece.footnotes or list(following)
        passages.extend(pieces)
    # One running number over bullets and paragraphs, after dropping blocks that were only markers.
    for position, p in enumerate(passages, start=1):
        p.number = position
    return passages


def _link_notes(notes: list[_Block], passages: list[Passage], body: _Body) -> dict[int, Passage]:
    """The notes as passages by number, each with the passages that cite it; a passage keeps
    only the markers of notes that exist. A second note of a number, or an empty one, is set aside."""
    by_number: dict[int, Passage] = {}
    for block in sorted(notes, key=lambda b: b.number or 0):
        clean = normalise_space(block.raw)
        if block.number is None or block.number in by_number or not clean:
            body.set_aside.append((DUPLICATE_NOTE, block.start, block.end))
            continue
        note = Passage("footnote", block.number, clean, block.start, block.end, source=parse_source(clean))
        by_number[block.number] = note
    for passage in passages:
        passage.footnotes = [n for n in passage.footnotes if n in by_number]
        for n in passage.footnotes:
            by_number[n].cited_by.append(passage.number)
    return by_number


def _opens_notes(lines: list[_Line], i: int) -> bool:
    """Line i is the heading of the notes list. A lone "Note" or "Source" (a document's title, a
    remark) is one only when a note entry follows it."""
    m = NOTES_HEADING.match(lines[i].text)
    if m is None:
        return False
    if m[1].lower() not in ("note", "source"):
        return True
    following = next((ln.text for ln in lines[i + 1 :] if ln.text.strip()), "")
    return bool(
        _NOTE.match(following)
        or _MD_DEF.match(following)
        or _BULLET.match(following)
        or _BARE_URL.match(following.strip())
    )


def _take_md_defs(lines: list[_Line], md_defs: list[tuple[str, _Block]]) -> list[_Line]:
    """Move Markdown footnote definitions (`[^id]: …` and their indented lines) into `md_defs`;
    return the other lines."""
    rest: list[_Line] = []
    current_def: _Block | None = None
    for line in lines:
        if m := _MD_DEF.match(line.text):
            current_def = _Block(line.start + m.end(), line.end, [line.text[m.end() :]])
            md_defs.append((m[1], current_def))
        elif current_def is not None and line.text.startswith(("    ", "\t")) and line.text.strip():
            current_def.add(line, line.start + len(line.text) - len(line.text.lstrip()))
        else:
            current_def = None
            rest.append(line)
    return rest


def non_blank(text: str) -> int:
    """Non-blank characters: what the set-aside report counts."""
    return sum(map(len, text.split()))


def _count(
    text: str, passages: list[Passage], spans: list[tuple[str, int, int]]
) -> tuple[int, list[tuple[str, int]]]:
    """Non-blank characters inside passages, and the others summed by why they were set aside.

    Every non-blank character of `text` is counted once: inside a passage's span (markers
    included), in a span set aside by a named rule, or else as markup (bullet signs, note
    numbers, quote and table signs, rules, blocks of markers only).
    """
    indexed, reach = 0, 0
    for start, end in sorted((p.start, p.end) for p in passages):
        if end > max(start, reach):  # spans that overlap are counted once
            indexed += non_blank(text[max(start, reach) : end])
            reach = end
    by_reason: dict[str, int] = {}
    for reason, start, end in spans:
        by_reason[reason] = by_reason.get(reason, 0) + non_blank(text[start:end])
    by_reason[MARKUP] = by_reason.get(MARKUP, 0) + max(non_blank(text) - indexed - sum(by_reason.values()), 0)
    return indexed, [(reason, by_reason[reason]) for reason in _REASONS if by_reason.get(reason)]


def _parse_notes(lines: list[_Line]) -> list[_Block]:
    notes: list[_Block] = []
    current: _Block | None = None
    current_is_bare = False  # the current note is an unnumbered line
    current_indent = 0
    for line in lines:
        stripped = line.text.strip()
        if not stripped:
            current = None
            continue
        if current is not None and current_is_bare and _BARE_URL.match(stripped):
            current = None  # a list of bare URLs: one note per line
        current_is_bare = False
        indent = len(line.text) - len(line.text.lstrip())
        if current is not None and indent > current_indent:
            # Indented under a note: its wrapped text ("   2024. En ligne.") or a list inside it.
            current.add(line, line.start + indent)
            continue
        current_indent = indent
        m = _NOTE.match(line.text)
        if m:
            number = int(m[1] or m[2] or m[3] or m[4].translate(SUPERSCRIPTS))
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


@dataclass
class _Body:
    """The body read into passages, with the title and date lines set aside by rule."""

    blocks: list[_Block]
    title: str | None = None
    date: str | None = None
    warnings: list[str] = field(default_factory=list)
    set_aside: list[tuple[str, int, int]] = field(default_factory=list)  # (reason, start, end) in the text


def _is_heading(stripped: str) -> bool:
    """A plain-text heading: short, not a sentence (no closing punctuation), not lower-case first,
    and citing no note: a line that ends in a marker (`… du pays.[1]`) states a fact."""
    return (
        len(stripped) <= 80
        and not stripped.endswith(_SENTENCE_END)
        and not stripped[:1].islower()
        and not _TRAILING_MARKER.search(stripped)
    )


def _is_date_line(raw: str) -> bool:
    stripped = normalise_space(raw)
    return len(stripped) <= 60 and find_date(stripped) is not None and len(stripped.split()) <= 7


def _heading_text(text: str) -> str:
    return normalise_space(_HEADING.sub("", text).strip("#*_ \t"))


def _read_body(lines: list[_Line], known_title: str | None, plain_headings: bool = True) -> _Body:
    """Cut the body into bullet and paragraph blocks in document order; see the module docstring."""
    body = _Body([])
    kinds = [_line_kind(line) for line in lines]
    set_aside = _leading_lines(lines, kinds, known_title, body)
    reader = _BlockReader(lines, kinds, set_aside, plain_headings, body)
    reader.read()
    pending = reader.pending
    if not body.blocks:
        _lone_lines_as_blocks(lines, set_aside, pending, body)
        pending.clear()
    else:
        body.set_aside.extend((reason, lines[i].start, lines[i].end) for i, reason in set_aside.items())
    if pending:
        chars = sum(pending.values())
        body.warnings.append(
            f"{chars} characters of body text set aside: {len(pending)} heading(s) with no text under them"
        )
    return body


def _leading_lines(
    lines: list[_Line], kinds: list[str], known_title: str | None, body: _Body
) -> dict[int, str]:
    """The title line and the date line leading the body, set aside by rule: line index -> why.
    Their title and date go to `body`."""
    set_aside: dict[int, str] = {}  # line index -> why it is not in a passage
    seen = 0
    for i, line in enumerate(lines):
        if kinds[i] in ("blank", "rule"):
            continue
        stripped = line.text.strip()
        ends_block = i + 1 == len(lines) or kinds[i + 1] != "text" or _is_date_line(lines[i + 1].text)
        if seen == _LEADING_LINES or kinds[i] not in ("text", "heading") or not ends_block:
            break
        seen += 1
        if body.date is None and kinds[i] == "text" and _is_date_line(stripped):
            body.date = find_date(stripped)
            set_aside[i] = DATE_LINE
        elif TITLE_LINE not in set_aside.values() and (
            kinds[i] == "heading"
            or (len(stripped) <= 200 and not stripped.endswith(_SENTENCE_END))
            or normalise_space(stripped) == known_title
        ):
            body.title = _heading_text(stripped) or None
            set_aside[i] = TITLE_LINE
        else:
            break
    return set_aside


def _alone(kinds: list[str], i: int) -> bool:
    """Line i is a block of one line: blank or a new bullet or heading on each side."""
    before = i == 0 or kinds[i - 1] in ("blank", "rule", "heading")
    after = i + 1 == len(kinds) or kinds[i + 1] in ("blank", "rule", "heading", "bullet")
    return before and after


class _BlockReader:
    """The body's lines, in order, into `body.blocks`, each under the headings above it."""

    def __init__(
        self,
        lines: list[_Line],
        kinds: list[str],
        set_aside: dict[int, str],
        plain_headings: bool,
        body: _Body,
    ) -> None:
        self.lines = lines
        self.kinds = kinds
        self.set_aside = set_aside
        self.plain_headings = plain_headings
        self.body = body
        self.sections: list[tuple[int, str]] = []  # (level, heading) of the headings above this line
        self.pending: dict[int, int] = {}  # heading line index -> length, until a passage follows it
        self.current: _Block | None = None
        self.blank_before = True

    def read(self) -> None:
        for i, line in enumerate(self.lines):
            kind = self.kinds[i]
            stripped = line.text.strip()
            if kind == "blank" or i in self.set_aside:
                self.blank_before = True
                if i in self.set_aside:
                    self.current = None
            elif kind == "rule":
                if "|" not in stripped:  # a table's separator row keeps the table in one passage
                    self.current, self.blank_before = None, True
            elif kind == "heading" or (
                self.plain_headings and kind == "text" and _alone(self.kinds, i) and _is_heading(stripped)
            ):
                self._heading(i, line)
            elif (block := self._block(line, kind)) is not None:
                self.current = block
                self.body.blocks.append(block)
                self.pending.clear()
                self.blank_before = False

    def _heading(self, i: int, line: _Line) -> None:
        m = _HEADING.match(line.text)
        level = line.text.strip().count("#", 0, m.end()) if m else 7
        while self.sections and self.sections[-1][0] >= level:
            self.sections.pop()
        self.sections.append((level, _heading_text(line.text.strip())))
        self.pending[i] = len(self.sections[-1][1])
        self.body.set_aside.append((HEADING, line.start, line.end))
        self.current, self.blank_before = None, True

    def _block(self, line: _Line, kind: str) -> _Block | None:
        """The block a line starts, or None when the line continues the current block."""
        section = " › ".join(h for _, h in self.sections if h) or None
        indent = len(line.text) - len(line.text.lstrip())
        current = self.current
        if kind == "bullet":
            b = _BULLET.match(line.text)
            assert b is not None
            return _Block(line.start + b.end(), line.end, [line.text[b.end() :]], section=section)
        if kind in ("quote", "table"):
            return self._quote_or_table_row(line, kind, section)
        if current is not None and (not self.blank_before or (current.kind == "bullet" and indent > 0)):
            # A continuation line: wrapped text, or an indented line under a bullet after a blank.
            current.add(line, line.start + indent)
            return None
        return _Block(line.start + indent, line.end, [line.text.strip()], kind="paragraph", section=section)

    def _quote_or_table_row(self, line: _Line, kind: str, section: str | None) -> _Block | None:
        """A quote or table line: a paragraph of its own, or the next line of the paragraph above."""
        q = _QUOTE.match(line.text) if kind == "quote" else _TABLE_ROW.match(line.text)
        assert q is not None
        content_start = line.start + (q.end() if kind == "quote" else q.start(1))
        current = self.current
        if current is not None and current.kind == "paragraph" and current.parts and not self.blank_before:
            current.add(line, content_start)
            if kind == "table":
                current.parts[-1] = q[1]
            return None
        block = _Block(content_start, line.end, [line.text[content_start - line.start :]], section=section)
        if kind == "table":
            block.parts[-1] = q[1]
        block.kind = "paragraph"
        return block


def _lone_lines_as_blocks(
    lines: list[_Line], set_aside: dict[int, str], pending: dict[int, int], body: _Body
) -> None:
    """A note of one short line, or of headings only, is still worth indexing.
    Its headings and title line become those passages; only a date line stays set aside."""
    body.set_aside = [
        (DATE_LINE, lines[i].start, lines[i].end) for i, why in set_aside.items() if why == DATE_LINE
    ]
    for i in sorted({*set_aside, *pending}):
        if set_aside.get(i) == DATE_LINE:
            continue
        line = lines[i]
        indent = len(line.text) - len(line.text.lstrip())
        body.blocks.append(_Block(line.start + indent, line.end, [line.text.strip()], kind="paragraph"))


def _line_kind(line: _Line) -> str:
    stripped = line.text.strip()
    if not stripped:
        return "blank"
    if _RULE.match(line.text):
        return "rule"
    if _HEADING.match(line.text):
        return "heading"
    if _BULLET.match(line.text):
        return "bullet"
    if _QUOTE.match(line.text):
        return "quote"
    if _TABLE_ROW.match(line.text):
        return "table"
    return "text"
