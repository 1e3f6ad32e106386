"""What a web page holds before it is converted: its main content, its notes, its text sizes.

One pass over the tree (lxml's iterwalk, no recursion) measures each element's visible text and
the share of it inside links; then the main-content landmark, the notes sections with the
number of each note, the title and the date declared in `<meta>` are found. index.parse.html
converts the page with these answers; index.parse.html_rules states the rules themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from index.parse.dates import find_date
from index.parse.html_rules import HEADINGS, HIDDEN_TAGS, is_notes_title, names_notes, tag_of

_DATE_META = frozenset(
    {"date", "dc.date", "dc.date.issued", "dcterms.date", "article:published_time", "og:published_time",
     "citation_publication_date", "pubdate", "publishdate"}
)  # fmt: skip
_LANDMARK_BLOCKERS = frozenset({"nav", "aside", "header", "footer", "form", "article"})
_LEAF_BLOCKS = frozenset({"p", "div", "dd", "dt", "blockquote", "section"})
_BLOCK_CHILDREN = frozenset({"p", "div", "li", "ol", "ul", "table", "section", "blockquote", "dl"})
# `[12] …`, `12. …`, `¹² …`; three digits at most before a point, so "2023. Report …" is no number.
_EXPLICIT_NUMBER = re.compile(r"\s*(?:\[(\d{1,5})\]|(\d{1,3})[.)](?=\s)|([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,5}))")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_LANDMARK_SHARE = 5  # a landmark holds at least 1/5 of the page's text ...
_LANDMARK_CHARS = 1_000  # ... or this many characters, or it is not the main content
_CLIMB = 3  # a notes heading wrapped alone in this many elements still starts its section


@dataclass
class TextSize:
    """Non-blank characters of an element's visible text, and how much of it is link text."""

    chars: int = 0
    link_chars: int = 0
    links: int = 0
    link_words: int = 0
    blocks: int = 0  # block elements inside (a note entry is a block holding none)


@dataclass
class Page:
    """What the conversion needs to know of the whole page, found before it starts."""

    sizes: dict[etree._Element, TextSize] = field(default_factory=dict)
    landmarks: set[etree._Element] = field(default_factory=set)
    keep: set[etree._Element] = field(default_factory=set)  # ancestors of main content or notes
    notes_areas: set[etree._Element] = field(default_factory=set)  # elements whose content is notes
    notes_headings: set[etree._Element] = field(default_factory=set)
    note_numbers: dict[etree._Element, int] = field(default_factory=dict)  # note entry → its number
    anchors: dict[str, int] = field(default_factory=dict)  # an id inside a note → its number
    title: str | None = None
    date: str | None = None
    body: etree._Element | None = None

    def size(self, el: etree._Element) -> TextSize:
        return self.sizes.get(el) or TextSize()


def _blank_free(text: str | None) -> int:
    return sum(map(len, text.split())) if text else 0


def _measure(root: etree._Element, page: Page) -> None:
    """Each element's TextSize, bottom-up, skipping the text of never-shown elements."""
    stack: list[TextSize] = [TextSize()]
    in_link = 0
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = tag_of(el)
        if event == "start":
            if tag == "a":
                in_link += 1
            size = TextSize()
            stack.append(size)
            if tag in HIDDEN_TAGS or not tag:
                walker.skip_subtree()
                continue
            n = _blank_free(el.text)
            size.chars += n
            size.link_chars += n if in_link else 0
            continue
        size = stack.pop()
        if tag == "a":
            in_link -= 1
            size.links += 1
            size.link_words += len("".join(el.itertext()).split()) if size.chars else 0
        page.sizes[el] = size
        parent = stack[-1]
        parent.chars += size.chars
        parent.link_chars += size.link_chars
        parent.links += size.links
        parent.link_words += size.link_words
        parent.blocks += size.blocks + (tag in _BLOCK_CHILDREN)
        n = _blank_free(el.tail)
        parent.chars += n
        parent.link_chars += n if in_link else 0


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _is_title_line(el: etree._Element) -> bool:
    """A paragraph or div of one line of text (plain or bold) that may title a section."""
    if tag_of(el) not in ("p", "div") or _holds_blocks(el):
        return False
    return all(tag_of(child) in ("strong", "b", "span", "em", "u") and not len(child) for child in el)


def _holds_blocks(el: etree._Element) -> bool:
    return any(isinstance(child.tag, str) and tag_of(child) in _BLOCK_CHILDREN for child in el)


def _landmarks(root: etree._Element) -> set[etree._Element]:
    for el in root.iter():
        if tag_of(el) == "main" or (el.get("role") or "").strip().lower() == "main":
            return {el}
    articles: set[etree._Element] = set()
    for el in root.iter("article"):
        if not any(tag_of(a) in _LANDMARK_BLOCKERS for a in el.iterancestors()):
            articles.add(el)
    return articles


def _heading_level(el: etree._Element) -> int:
    tag = tag_of(el)
    return int(tag[1]) if tag in HEADINGS else 7


def _section_after(heading: etree._Element, page: Page) -> list[etree._Element]:
    """The elements after a notes heading, up to the next heading of its level or higher."""
    level = _heading_level(heading)
    anchor = heading
    for _ in range(_CLIMB):
        if anchor.getnext() is not None:
            break
        parent = anchor.getparent()
        if parent is None or parent is page.body or page.size(parent).chars != page.size(anchor).chars:
            break
        anchor = parent
    members = []
    for sibling in anchor.itersiblings():
        tag = tag_of(sibling)
        if not tag:
            continue
        if any(_heading_level(h) <= level for h in sibling.iter(*HEADINGS)):
            break  # the next section starts here
        if level == 7 and not (tag in ("ol", "ul") or explicit_number(_text(sibling)) is not None):
            break  # under a title line, the notes are the lists and numbered lines after it
        members.append(sibling)
    return members


def _find_notes(root: etree._Element, page: Page) -> list[etree._Element]:
    """The notes areas in document order: named containers, sections after notes headings, lists linked to."""
    areas: list[etree._Element] = []
    walker = etree.iterwalk(root, events=("start",))
    for _, el in walker:
        tag = tag_of(el)
        if not tag or tag in HIDDEN_TAGS:
            walker.skip_subtree()
        elif el in page.notes_areas:
            walker.skip_subtree()  # a member of a section found after its heading
        elif names_notes(el) and tag not in ("html", "body", "main", "article", "a", "sup", "span"):
            page.notes_areas.add(el)
            areas.append(el)
            walker.skip_subtree()
        elif (tag in HEADINGS or _is_title_line(el)) and is_notes_title(_text(el)):
            page.notes_headings.add(el)
            walker.skip_subtree()
            for member in _section_after(el, page):
                page.notes_areas.add(member)
                areas.append(member)
    linked = _linked_lists(root, page)
    if linked:
        page.notes_areas.update(linked)
        wanted = set(areas) | set(linked)
        areas = [el for el in root.iter() if el in wanted]
    return areas


def _linked_lists(root: etree._Element, page: Page) -> list[etree._Element]:
    """Lists that links in the body point into (`<a href="#fn1">` to `<li id="fn1">`)."""
    targets = {
        href[1:] for a in root.iter("a") if (href := a.get("href") or "").startswith("#") and len(href) > 1
    }
    if not targets:
        return []
    found: list[etree._Element] = []
    for el in root.iter():
        if (el.get("id") or el.get("name")) not in targets:
            continue
        item: etree._Element | None = el
        for _ in range(_CLIMB):
            if item is None or tag_of(item) == "li":
                break
            item = item.getparent()
        lst = item.getparent() if item is not None and tag_of(item) == "li" else None
        if lst is None or tag_of(lst) not in ("ol", "ul") or lst in page.notes_areas or lst in found:
            continue
        if not any(x in page.notes_areas for x in lst.iterancestors()):
            found.append(lst)
    return found


def explicit_number(text: str) -> int | None:
    """The number a note's text starts with (`[3] …`, `3. …`, `³ …`), if any."""
    m = _EXPLICIT_NUMBER.match(text)
    if m is None:
        return None
    return int(m[1] or m[2] or m[3].translate(_SUPERSCRIPTS))


def _introduces_list(el: etree._Element) -> bool:
    """An unnumbered block right before a list (`<p>Sources consultées :</p><ol>…`)."""
    following = el.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()  # comments and processing instructions
    return (
        tag_of(el) != "li"
        and following is not None
        and tag_of(following) in ("ol", "ul")
        and explicit_number(_text(el)) is None
    )


def _number_notes(areas: list[etree._Element], page: Page) -> None:
    """Each note entry's number: its list position (`start` honoured), the number its text
    starts with, or the next number; ids inside an entry point to it.

    Entries are list items, and blocks holding no other block outside any list item.
    """
    previous = 0
    for area in areas:
        walker = etree.iterwalk(area, events=("start",))
        for _, el in walker:
            tag = tag_of(el)
            if not tag or tag in HIDDEN_TAGS or tag in HEADINGS or el in page.notes_headings:
                walker.skip_subtree()
                continue
            if tag == "li":
                parent = el.getparent()
                if parent is not None and tag_of(parent) == "ol" and parent.index(el) == 0:
                    start = parent.get("start", "1")
                    previous = int(start) - 1 if start.isdecimal() and len(start) <= 6 else previous
            elif not (tag in _LEAF_BLOCKS and page.size(el).chars and not page.size(el).blocks):
                continue
            elif is_notes_title(_text(el)) or _introduces_list(el):
                # `<div class="title">Sources</div>`, or `<p>Sources consultées :</p>` before the
                # list: it heads the notes, it is none of them.
                page.notes_headings.add(el)
                walker.skip_subtree()
                continue
            walker.skip_subtree()
            number = explicit_number(_text(el)) or previous + 1
            page.note_numbers[el] = number
            previous = number
            for inner in el.iter():
                for key in ("id", "name"):
                    if inner.get(key):
                        page.anchors.setdefault(inner.get(key) or "", number)


def analyse(root: etree._Element) -> Page:
    page = Page()
    page.body = next(root.iter("body"), None)
    _measure(root, page)
    for title in root.iter("title"):
        page.title = " ".join("".join(title.itertext()).split()) or None
        break
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if key in _DATE_META and page.date is None:
            page.date = find_date(meta.get("content") or "")
    page.landmarks = _landmarks(root)
    held = sum(page.size(el).chars for el in page.landmarks)
    total = page.size(page.body).chars if page.body is not None else held
    if held * _LANDMARK_SHARE < total and held < _LANDMARK_CHARS:
        page.landmarks = set()
    areas = _find_notes(root, page)
    _number_notes(areas, page)
    for el in [*page.landmarks, *page.notes_areas, *page.notes_headings]:
        page.keep.update(el.iterancestors())
    return page
