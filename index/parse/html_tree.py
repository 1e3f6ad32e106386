"""HTML source → an lxml element tree, whatever the markup.

lxml's HTML parser (libxml2) reads the page, tolerant of broken markup, without network access,
comments and processing instructions dropped. Each element keeps `sourceline`, the line of its
start tag (libxml2 stops counting at 65,535, so later lines report 65,535: a lower bound, which
is how index.parse.html_offsets uses it).

libxml2 stops parsing at 2,048 levels of nesting and drops everything after that point. A page
nested deeper (no real page is; generated or hostile ones are) is therefore read a second way:
the standard library's tokenizer feeds an lxml TreeBuilder, which has no depth limit, with the
implied end tags that matter for briefings (`<p>`, `<li>`, `<dt>`, `<dd>`, `<tr>`, `<td>`, `<th>`
close their open sibling) and void elements closed at once. Neither way raises on bad input.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from lxml import etree

# Attributes the converter reads; the fallback builder keeps only these (any name is valid XML).
KEPT_ATTRIBUTES = frozenset(
    {"class", "id", "name", "role", "hidden", "aria-hidden", "style", "href", "start", "datetime",
     "content", "property", "http-equiv"}
)  # fmt: skip
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
     "track", "wbr"}
)  # fmt: skip
_CLOSES_SIBLING = {"p": {"p"}, "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "tr": {"tr"},
                   "td": {"td", "th"}, "th": {"td", "th"}}  # fmt: skip
_TAG = re.compile(r"[a-z][a-z0-9-]{0,40}")
# Characters lxml refuses in text: C0 controls but tab and line breaks, lone surrogates, U+FFFE/F.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SEARCH_DEPTH = 64  # an end tag closes an element at most this far up the stack, else it is ignored


def parse_tree(source: str) -> etree._Element | None:
    """The page as an element tree, or None when it holds no element at all."""
    parser = etree.HTMLParser(
        recover=True,
        huge_tree=True,
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        encoding="utf-8",
    )
    data = source.encode("utf-8", "replace")
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        root = None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        return _FlatBuilder(source).build()
    return root


class _FlatBuilder(HTMLParser):
    """A tree from the standard library's tokenizer: no depth limit, no recursion."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self._source = source
        self._builder = etree.TreeBuilder()
        self._open: list[str] = ["html"]
        self._builder.start("html", {})

    def build(self) -> etree._Element:
        self.feed(_NOT_XML.sub(" ", self._source))
        self.close()
        while self._open:
            self._builder.end(self._open.pop())
        root: etree._Element = self._builder.close()
        return root

    def _line(self) -> int:
        return self.getpos()[0]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html" or not _TAG.fullmatch(tag):
            return
        closes = _CLOSES_SIBLING.get(tag)
        if closes and self._open[-1] in closes:
            self._builder.end(self._open.pop())
        kept = {k: _NOT_XML.sub(" ", v or "") for k, v in attrs if k in KEPT_ATTRIBUTES}
        element = self._builder.start(tag, kept)
        element.sourceline = self._line()
        if tag in _VOID:
            self._builder.end(tag)
        else:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self._open and self._open[-1] == tag:
            self._builder.end(self._open.pop())

    def handle_endtag(self, tag: str) -> None:
        if tag == "html":
            return  # the root stays open: text after `</html>` is still the page's
        for depth in range(1, min(len(self._open), _SEARCH_DEPTH) + 1):
            if self._open[-depth] == tag:
                for _ in range(depth):
                    self._builder.end(self._open.pop())
                return

    def handle_data(self, data: str) -> None:
        self._builder.data(_NOT_XML.sub(" ", data))


__all__ = ["KEPT_ATTRIBUTES", "parse_tree"]
