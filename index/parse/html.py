"""Turn an HTML briefing into the plain-text layout the parser reads.

`<li>` items become bullets, `<sup>1</sup>` becomes a `[1]` marker, a footnotes section or an
ordered list after a Sources heading becomes numbered notes. The text of `script`, `style`,
`noscript`, `template` and `svg` elements is dropped (Converted.set_aside counts it, HIDDEN), and
so is the `<title>` (read as the title, PAGE_TITLE). Each output line remembers where
its text stood in the HTML so passages can point back into the original file. Uses the
standard library's tolerant HTMLParser: broken or deeply nested markup never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from index.parse.dates import find_date

_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "blockquote",
    "br", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "hr", "figure", "figcaption", "nav",
}  # fmt: skip
_SKIP = {"script", "style", "head", "noscript", "template", "svg"}
_LIST_PREFIX = re.compile(r"•|\d{1,5}\.")
HIDDEN = "script, style or hidden element"
PAGE_TITLE = "page title"
_NOTES_HINT = re.compile(r"foot ?notes?|endnotes?|notes|references|sources|bibliograph", re.I)


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
class _List:
    ordered: bool
    counter: int
    notes: bool


@dataclass
class _State:
    lines: list[tuple[str, int, int, bool]] = field(default_factory=list)  # text, start, end, in a list
    buf: list[str] = field(default_factory=list)
    src_start: int = -1
    src_end: int = -1


class _Converter(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.out = _State()
        self.lists: list[_List] = []
        self.skip_depth = 0
        self.in_sup = 0
        self.sup_text: list[str] = []
        self.in_title = False
        self.title: str | None = None
        self.h1: str | None = None
        self.heading: list[str] | None = None
        self.date: str | None = None
        self.notes_section_depth = 0
        self.dropped = {PAGE_TITLE: 0, HIDDEN: 0}  # non-blank characters of text not converted

    # -- helpers -------------------------------------------------------------------------
    def _pos(self) -> int:
        line, col = self.getpos()
        return self._line_starts[min(line - 1, len(self._line_starts) - 1)] + col

    def _emit(self, text: str) -> None:
        out = self.out
        if not out.buf:
            out.src_start = out.src_end = self._pos()
        out.buf.append(text)

    def _touch(self) -> None:
        """The pending line's text reaches at least up to where the parser stands now."""
        if self.out.buf:
            self.out.src_end = max(self.out.src_end, self._pos())

    def _flush(self) -> None:
        out = self.out
        line = re.sub(r"\s+", " ", "".join(out.buf)).strip()
        if _LIST_PREFIX.fullmatch(line):
            return  # `<li><p>text`: the item's text is still to come
        if line:
            out.lines.append((line, out.src_start, max(out.src_end, out.src_start), bool(self.lists)))
        out.buf = []

    def _drop_empty_item(self) -> None:
        """Forget a list item that held no text of its own (`<li></li>`, `<li><ul><li>…`).

        `_flush` keeps a bare `• ` waiting for the item's text; when the item closes or a
        nested list or item opens instead, that text never comes, and the prefix would glue
        onto the next item as a bullet reading "•".
        """
        if self.out.buf and _LIST_PREFIX.fullmatch("".join(self.out.buf).strip()):
            self.out.buf = []

    def _marker_line(self, text: str) -> None:
        pos = self._pos()
        self.out.lines.append((text, pos, pos, False))

    # -- parser callbacks ----------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._touch()
        a = {k: v or "" for k, v in attrs}
        if tag in _SKIP:
            if tag == "head":
                return  # <title> and <meta> live here and are read below
            self.skip_depth += 1
            return
        if tag == "title":
            self.in_title = True
        if tag == "meta" and a.get("name", "").lower() in ("date", "dc.date", "article:published_time"):
            self.date = self.date or find_date(a.get("content", ""))
        if tag == "time" and a.get("datetime"):
            self.date = self.date or find_date(a["datetime"])
        if self.skip_depth:
            return
        hint = f"{a.get('class', '')} {a.get('id', '')} {a.get('role', '')}"
        if tag in _BLOCK:
            self._flush()
        if tag in ("li", "ul", "ol"):
            self._drop_empty_item()
        if tag in ("section", "div", "aside", "footer") and _NOTES_HINT.search(hint):
            self._marker_line("## Notes")
            self.notes_section_depth += 1
        if tag in ("ol", "ul"):
            notes = tag == "ol" and bool(_NOTES_HINT.search(hint))
            if notes and not self.notes_section_depth:
                self._marker_line("## Notes")
            start = a.get("start", "1")
            # isdecimal and short: start="²" or a 5,000-digit start would make int() or str() raise.
            counter = int(start) - 1 if start.isdecimal() and len(start) <= 6 else 0
            self.lists.append(_List(tag == "ol", counter, notes))
        elif tag == "li":
            if self.lists and self.lists[-1].ordered:
                self.lists[-1].counter += 1
                self._emit(f"{self.lists[-1].counter}. ")
            else:
                self._emit("• ")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = []
            self._emit("## ")
        elif tag == "sup":
            self.in_sup += 1
            self.sup_text = []

    def handle_endtag(self, tag: str) -> None:
        self._touch()
        if tag in _SKIP and tag != "head":
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "title":
            self.in_title = False
        if self.skip_depth:
            return
        if tag == "sup" and self.in_sup:
            self.in_sup -= 1
            text = "".join(self.sup_text).strip().strip("[]()")
            if re.fullmatch(r"\d{1,4}(\s*,\s*\d{1,4})*", text):
                self._emit(f"[{text}]")
            elif text:
                self._emit(text)
            return
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self.heading is not None:
            heading = re.sub(r"\s+", " ", "".join(self.heading)).strip()
            if tag == "h1" and heading and not self.h1:
                self.h1 = heading
            self.heading = None
        if tag in _BLOCK:
            self._flush()
        if tag in ("li", "ul", "ol"):
            self._drop_empty_item()

    def handle_data(self, data: str) -> None:
        self._touch()
        if self.in_title:
            self.title = (self.title or "") + data
            self.dropped[PAGE_TITLE] += sum(map(len, data.split()))
            return
        if self.skip_depth:
            self.dropped[HIDDEN] += sum(map(len, data.split()))
            return
        if self.in_sup:
            self.sup_text.append(data)
            return
        if self.heading is not None:
            self.heading.append(data)
        self._emit(data)


def to_text(source: str) -> Converted:
    """Convert HTML to the bullet-and-notes text layout, keeping a map back to the source."""
    conv = _Converter(source)
    conv.feed(source.replace("\x00", " "))  # same length, so positions still point into `source`
    conv.close()
    if conv.out.buf:
        conv.out.src_end = len(source)  # text running to the end of the file
    conv._flush()
    conv.out.buf = []
    text_parts: list[str] = []
    offsets: list[tuple[int, int, int]] = []
    pos = 0
    for i, (line, s, e, in_list) in enumerate(conv.out.lines):
        if i:
            # Blocks outside lists (paragraphs) are separated by a blank line, so each is a passage.
            sep = "\n" if in_list else "\n\n"
            text_parts.append(sep)
            pos += len(sep)
        offsets.append((pos, s, e))
        text_parts.append(line)
        pos += len(line)
    title = conv.title.strip() if conv.title and conv.title.strip() else conv.h1
    set_aside = [(reason, chars) for reason, chars in conv.dropped.items() if chars]
    return Converted("".join(text_parts), offsets, title=title, date=conv.date, set_aside=set_aside)
