"""Turn an HTML briefing or a saved web page into the plain-text layout the parser reads.

The page is parsed by lxml (index.parse.html_tree), measured and searched for its main content
and notes (index.parse.html_page), then written out in document order:

- `<li>` items become bullets (`• ` or `n. `), blocks (`p`, `div`, headings, table rows, `br`
  …) lines; lines outside lists are separated by a blank line, so each paragraph is a passage;
  `h1`-`h6` become `## ` headings; table cells are separated by a space.
- `<sup>1</sup>`, `<sup>1, 2</sup>`, `<sup>[1–3]</sup>` become `[1]`, `[1, 2]`, `[1–3]` markers;
  a link to a note's anchor (`<a href="#fn1">1</a>`) becomes `[n]`, n being that note's number;
  markers written in the text (`[1]`, `[1][2]`) pass through as they are.
- Notes sections (see index.parse.html_rules) are written last, under one `## Notes` heading,
  one note per line as `n. text`, whatever the page called them (Endnotes, Références, …) and
  wherever they stood: the text layout reads everything after its last notes heading as notes.
  A note keeps all of its text; a link whose visible text is not its URL keeps the URL too, as
  `text (https://…)`, so a source's address is never lost. Links back from a note to the text
  (`↩`) are dropped as markup.
- Everything set aside by the rules of index.parse.html_rules (hidden elements, the page title,
  what lies outside the main content, site navigation and boilerplate, the metadata header) is
  counted in Converted.set_aside under the rule's name, in non-blank characters.

The title is the page's `<title>` (its first `h1` when the title is that h1 and the site's name, or
when there is no title); the date the one declared in `<meta>`,
else the first `<time datetime>` of the kept text, else the metadata header's.

Offsets: each output line keeps the span of the HTML its text came from (the smallest span
holding its text nodes, found by index.parse.html_offsets), so passages point back into the
original file. Nothing here raises on bad markup: broken, huge, deeply nested or binary-ish
input gives whatever text it holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from index.parse import html_rules as rules
from index.parse.dates import find_date
from index.parse.html_offsets import SourceMap, covering
from index.parse.html_page import Page, analyse, explicit_number
from index.parse.html_rules import BOILERPLATE, HEADINGS, HIDDEN, METADATA, OUTSIDE_MAIN, PAGE_TITLE, tag_of
from index.parse.html_tree import parse_tree
from index.parse.layout import HEADING, MARKUP, non_blank

__all__ = ["HIDDEN", "PAGE_TITLE", "Converted", "looks_like_html", "to_text"]

_BLOCK = frozenset(
    {"p", "div", "section", "article", "header", "footer", "main", "aside", "blockquote", "br", "tr",
     "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "hr", "figure",
     "figcaption", "nav", "pre", "address", "details", "summary", "caption", "body"}
)  # fmt: skip
_LINK_LIST_BLOCKS = frozenset({"ul", "ol", "li", "p", "div", "section", "dl"})
_LIST_PREFIX = re.compile(r"•|\d{1,5}\.")
_MARKER_TEXT = re.compile(r"[\[(]?\s*(\d{1,4}(?:\s*(?:[,;–-]|\]\s*\[)\s*\d{1,4})*)\s*[\])]?")
_SUPERSCRIPT_DIGITS = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4}")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_BACKLINK_WORDS = frozenset({"back", "retour", "return", "top"})
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_REASONS = (PAGE_TITLE, HIDDEN, OUTSIDE_MAIN, BOILERPLATE, METADATA, HEADING, MARKUP)  # the order reported
# On a page with no landmark, a block with at least this share of its text inside links, and
# at most this many words per link on average, is a link list ("Home | About | Research").
_LINK_SHARE = 0.8
_LINK_WORDS = 3


def looks_like_html(text: str) -> bool:
    """A document that starts with a tag or declares itself HTML at the start of a line.

    A stray <sup> in text does not, nor does a bullet that mentions `<body onload=…>`: read
    as HTML, a plain-text briefing would lose everything the tag-skipping rules drop.
    """
    head = text[:4096].lstrip().lower()
    return head.startswith("<") or bool(re.search(r"(?m)^[ \t]*<(html|body|!doctype)[\s>]", head))


@dataclass
class Converted:
    text: str
    line_offsets: list[tuple[int, int, int]]  # (start in text, start in HTML, end in HTML)
    title: str | None = None
    date: str | None = None
    set_aside: list[tuple[str, int]] = field(default_factory=list)  # (reason, non-blank characters)


@dataclass
class _Line:
    text: str
    span: tuple[int, int]
    in_list: bool


@dataclass
class _Frame:
    """What the walk knows about one open element."""

    reason: str | None  # why text here is set aside (None: it is kept)
    skipped: bool = False
    landmark: bool = False
    notes: bool = False  # inside a notes area
    entry: bool = False  # this element is one note
    link_from: int = -1  # index in the buffer where a link's text starts
    link_href: str = ""
    article: bool = False
    note_ref: int | None = None  # the note a body link points to


def _marker(text: str) -> str | None:
    """`1`, `[1]`, `1, 2`, `1–3`, `¹` → the `[…]` marker they stand for; None for other text."""
    text = text.strip()
    if _SUPERSCRIPT_DIGITS.fullmatch(text):
        return f"[{text.translate(_SUPERSCRIPTS)}]"
    m = _MARKER_TEXT.fullmatch(text)
    return f"[{m[1]}]" if m else None


class _Writer:
    def __init__(self, source: str, page: Page) -> None:
        self.page = page
        self.where = SourceMap(source)
        self.lines: list[_Line] = []
        self.notes: list[_Line] = []
        self.buf: list[str] = []
        self.spans: list[tuple[int, int]] = []
        self.frames: list[_Frame] = []
        self.lists: list[list[int]] = []  # per open list: [ordered, counter]
        self.in_main = 0
        self.scopes: list[etree._Element] = []  # the open landmarks
        self.articles = 0  # open `<article>` elements being read
        self.entries = 0  # open note entries
        self.heading: list[str] | None = None
        self.sup: list[str] | None = None
        self.sup_ref: int | None = None
        self.h1: str | None = None
        self.date: str | None = None
        self.header_date: str | None = None
        self.dropped: dict[str, int] = {}

    # -- output --------------------------------------------------------------------------
    def _drop(self, reason: str, chars: int) -> None:
        if chars:
            self.dropped[reason] = self.dropped.get(reason, 0) + chars

    def _in_notes(self) -> bool:
        return bool(self.frames) and self.frames[-1].notes

    def _flush(self) -> None:
        if self.entries:
            return  # a note is one line, whatever blocks it holds
        line = " ".join("".join(self.buf).split())
        if _LIST_PREFIX.fullmatch(line):
            return  # `<li><p>text`: the item's text is still to come
        span = covering(self.spans)
        self.buf, self.spans = [], []
        if not line:
            return
        body = re.sub(r"^(?:•|\d{1,5}\.)\s", "", line)
        if not line.startswith("## ") and not self._in_notes():
            is_meta, date = rules.metadata_line(body)
            if is_meta:
                self._drop(METADATA, non_blank(line))
                self.header_date = self.header_date or date
                return
            if rules.boilerplate_line(body):
                self._drop(BOILERPLATE, non_blank(line))
                return
        if self._in_notes():  # text in a notes area outside any note: kept, as a note of its own
            self.notes.append(_Line(line, span or self._last_span(), True))
            return
        self.lines.append(_Line(line, span or self._last_span(), bool(self.lists)))

    def _last_span(self) -> tuple[int, int]:
        done = self.lines[-1:] or self.notes[-1:]
        end = done[0].span[1] if done else 0
        return end, end

    def _end_entry(self, number: int) -> None:
        line = " ".join("".join(self.buf).split())
        span = covering(self.spans)
        self.buf, self.spans = [], []
        if not line:
            return
        if explicit_number(line) is None:
            line = f"{number}. {line}"
        self.notes.append(_Line(line, span or self._last_span(), True))

    def _drop_empty_item(self) -> None:
        """Forget a list item that held no text of its own (`<li></li>`, `<li><ul><li>…`)."""
        if self.buf and _LIST_PREFIX.fullmatch("".join(self.buf).strip()):
            self.buf, self.spans = [], []

    def _add_text(self, text: str | None, line: int | None) -> None:
        if not text:
            return
        reason = self._text_reason()
        if reason:
            self._drop(reason, non_blank(text))
            return
        span = self.where.text(text, line)
        if span is not None:
            self.spans.append(span)
        if self.sup is not None:
            self.sup.append(text)
            return
        if self.heading is not None:
            self.heading.append(text)
        self.buf.append(text)

    def _text_reason(self) -> str | None:
        if not self.frames:
            return OUTSIDE_MAIN if self.page.landmarks else None
        frame = self.frames[-1]
        if frame.reason or frame.notes or self.in_main or not self.page.landmarks:
            return frame.reason
        return OUTSIDE_MAIN

    # -- rules ---------------------------------------------------------------------------
    def _reason(self, el: etree._Element, tag: str, parent: _Frame | None) -> str | None:
        """Why this element is set aside, or None to read it."""
        if tag in rules.HIDDEN_TAGS:
            return HIDDEN
        if parent is not None and parent.notes:
            return None
        if el in self.page.notes_areas or el in self.page.landmarks:
            return None
        page = self.page
        if rules.attribute_hidden(el) and not self._guarded(el):
            return HIDDEN
        if page.landmarks and not self.in_main and el not in page.keep:
            return OUTSIDE_MAIN
        if rules.chrome_by_markup(el, self.in_main > 0, self.articles > 0) and el not in page.keep:
            return BOILERPLATE
        if (tag == "form" or rules.chrome_by_name(el)) and not self._guarded(el):
            return BOILERPLATE
        if not page.landmarks and tag in _LINK_LIST_BLOCKS and el not in page.keep:
            size = page.size(el)
            if (
                size.links
                and size.link_chars >= _LINK_SHARE * size.chars
                and size.link_words <= _LINK_WORDS * size.links
            ):
                return BOILERPLATE
        return None

    def _guarded(self, el: etree._Element) -> bool:
        """Holds main content or notes, or more than half the text of the main content (of the
        page when it has none): rules read from attributes never set such an element aside."""
        if el in self.page.keep:
            return True
        scope = self.scopes[-1] if self.scopes else self.page.body
        return scope is not None and self.page.size(el).chars * 2 > self.page.size(scope).chars

    # -- the walk ------------------------------------------------------------------------
    def run(self, root: etree._Element) -> None:
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, el in walker:
            if event == "start":
                if self._start(el):
                    walker.skip_subtree()
            else:
                self._end(el)

    def _start(self, el: etree._Element) -> bool:
        """Open an element; True when its content is not to be read."""
        tag = tag_of(el)
        parent = self.frames[-1] if self.frames else None
        inherited = parent.reason if parent else None
        if not tag:
            self.frames.append(_Frame(inherited, skipped=True))
            return True
        if tag in ("head", "title"):  # the title is read as the briefing's title, the rest is hidden
            titles = sum(non_blank("".join(t.itertext())) for t in el.iter("title"))
            self._drop(PAGE_TITLE, titles)
            self._drop(HIDDEN, non_blank("".join(el.itertext())) - titles)
            self.frames.append(_Frame(inherited, skipped=True))
            return True
        own = self._reason(el, tag, parent)
        frame = _Frame(own or inherited)
        frame.notes = bool(parent and parent.notes) or el in self.page.notes_areas
        if frame.notes:  # no rule but HIDDEN applies in notes; a dropped backlink's content stays dropped
            frame.reason = own if own == HIDDEN else (inherited if parent and parent.notes else None)
        if tag in _BLOCK:  # a block ends the line before it, read or not: the text around stays apart
            self._flush()
        self.frames.append(frame)
        if el in self.page.notes_headings or (frame.notes and tag in HEADINGS):
            self._drop(HEADING, non_blank("".join(el.itertext())))
            frame.skipped = True
            return True
        if frame.reason and el not in self.page.keep:
            self._drop(frame.reason, non_blank("".join(el.itertext())))
            frame.skipped = True
            return True
        if el in self.page.landmarks:
            frame.landmark = True
            self.in_main += 1
            self.scopes.append(el)
        if tag == "article":
            frame.article = True
            self.articles += 1
        if frame.reason:
            self._add_text(el.text, el.sourceline)  # counted as set aside
            return False
        self._open(el, tag, frame)
        self._add_text(el.text, el.sourceline)
        return False

    def _open(self, el: etree._Element, tag: str, frame: _Frame) -> None:
        if tag in ("li", "ul", "ol"):
            self._drop_empty_item()
        if tag == "time" and el.get("datetime") and not self.date:
            self.date = find_date(el.get("datetime") or "")
        number = self.page.note_numbers.get(el)
        if frame.notes and number is not None:
            self.buf, self.spans = [], []
            frame.entry = True
            self.entries += 1
        if tag in ("ol", "ul"):
            start = el.get("start", "1")
            # isdecimal and short: start="²" or a 5,000-digit start would make int() or str() raise.
            counter = int(start) - 1 if start.isdecimal() and len(start) <= 6 else 0
            self.lists.append([tag == "ol", counter])
        elif tag == "li" and not frame.entry:
            if self.lists and self.lists[-1][0]:
                self.lists[-1][1] += 1
                self.buf.append(f"{self.lists[-1][1]}. ")
            else:
                self.buf.append("• ")
        elif tag in HEADINGS:
            self.heading = []
            self.buf.append("## ")
        elif tag in ("td", "th"):
            self.buf.append(" ")
        elif tag == "sup" and self.sup is None:
            self.sup, self.sup_ref = [], None
        elif tag == "a":
            self._open_link(el, frame)

    def _open_link(self, el: etree._Element, frame: _Frame) -> None:
        href = (el.get("href") or "").strip()
        ref = rules.notes_anchor_number(href, self.page.anchors)
        if frame.notes:
            text = " ".join("".join(el.itertext()).split())
            if href.startswith("#") and (not re.search(r"\w", text) or text.lower() in _BACKLINK_WORDS):
                frame.reason = MARKUP  # a link back to the text: `↩`
                return
            if _URL.match(href):
                span = self.where.literal(href, el.sourceline)
                if span is not None:
                    self.spans.append(span)
                frame.link_href = href
        elif ref is not None:
            if self.sup is not None:
                self.sup_ref = ref
            else:
                frame.note_ref = ref
        frame.link_from = len(self.buf)

    def _end(self, el: etree._Element) -> None:
        frame = self.frames.pop()
        tag = tag_of(el)
        if frame.landmark:
            self.in_main -= 1
            self.scopes.pop()
        if frame.article:
            self.articles -= 1
        if (not frame.skipped and not frame.reason) or frame.entry:
            self._close(el, tag, frame)
        if tag in _BLOCK and not frame.entry:
            self._flush()
        if tag in ("li", "ul", "ol"):
            self._drop_empty_item()
        self._add_text(el.tail, el.sourceline)

    def _close(self, el: etree._Element, tag: str, frame: _Frame) -> None:
        if tag == "sup" and self.sup is not None:
            text = "".join(self.sup)
            ref, self.sup, self.sup_ref = self.sup_ref, None, None
            marker = f"[{ref}]" if ref is not None else _marker(text)
            self.buf.append(marker if marker else text)
            return
        if tag == "a" and frame.link_from >= 0 and frame.link_from <= len(self.buf):
            text = " ".join("".join(self.buf[frame.link_from :]).split())
            if frame.note_ref is not None and (not text or _marker(text)):
                self.buf[frame.link_from :] = [f"[{frame.note_ref}]"]
            elif frame.link_href and frame.link_href.rstrip("/") not in text:
                self.buf.append(f" ({frame.link_href})")
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag in HEADINGS and self.heading is not None:
            heading = " ".join("".join(self.heading).split())
            if tag == "h1" and heading and not self.h1:
                self.h1 = heading
            self.heading = None
        if frame.entry:
            self.entries -= 1
            self._end_entry(self.page.note_numbers[el])

    def _title(self) -> str | None:
        """The `<title>`, or the first `h1` when there is none or the title is that h1 followed by
        the site's name ("The Sahel after … | Global Policy Institute")."""
        title = self.page.title
        if self.h1 and (not title or (title.startswith(self.h1) and len(title) > len(self.h1))):
            return self.h1
        return title

    def result(self) -> Converted:
        self._flush()
        lines = list(self.lines)
        if self.notes:
            start = self.notes[0].span[0]
            lines.append(_Line("## Notes", (start, start), False))
            lines.extend(self.notes)
        parts: list[str] = []
        offsets: list[tuple[int, int, int]] = []
        pos = 0
        for i, line in enumerate(lines):
            if i:
                # Blocks outside lists (paragraphs) are separated by a blank line, so each is a passage.
                sep = "\n" if line.in_list else "\n\n"
                parts.append(sep)
                pos += len(sep)
            offsets.append((pos, line.span[0], max(line.span)))
            parts.append(line.text)
            pos += len(line.text)
        set_aside = [(reason, self.dropped[reason]) for reason in _REASONS if self.dropped.get(reason)]
        return Converted(
            "".join(parts),
            offsets,
            title=self._title(),
            date=self.page.date or self.date or self.header_date,
            set_aside=set_aside,
        )


def to_text(source: str) -> Converted:
    """Convert HTML to the bullet-and-notes text layout, keeping a map back to the source."""
    clean = source.replace("\x00", " ")  # same length, so positions still point into `source`
    root = parse_tree(clean)
    if root is None:
        return Converted("", [])
    writer = _Writer(clean, analyse(root))
    writer.run(root)
    return writer.result()
