"""Where a piece of an HTML page's text stands in the original file.

lxml gives each element only the line of its start tag, and its text comes back with entities
decoded, so a text node is found again in the source: its first plain word (ASCII letters and
digits, which no page writes as entities, of three characters or more if it has one; else its
first word) is searched for at or after the
end of the previous text found and at or after its element's line, outside any tag, within a
window of the source. The node then spans from the tag before that word to the tag after it
(`<li>Un point</li>`): the node's characters in the file, entities included, with the markup
that bounds them. A node not found
that way (its words written with entities only, a comment inside a word, a window full of an
inline image) falls back to its element's lines: from the start of the element's line to the end
of the line its text ends on. Searches never go back, so the whole page costs one pass, and the
searches that find nothing share a budget of a few passes over the file.
"""

from __future__ import annotations

import re

_PLAIN_WORD = re.compile(r"[A-Za-z0-9]{3,}|[A-Za-z0-9]+")
_WORD = re.compile(r"[^\W_]+")
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_WINDOW = 65_536  # characters searched past the lower bound, beyond 16 per character of text
_TAG_REACH = 2_000  # a tag longer than this (an inline image) is left out of the span
_LAST_COUNTED_LINE = 65_535  # libxml2 reports this line for every line after it


class SourceMap:
    """Text nodes of one HTML source, located in document order."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.cursor = 0  # the end of the last node found: later nodes stand after it
        # Characters that searches which found nothing may still read; past it, nodes get their
        # lines at once, so a page of entity-only words costs a bounded number of passes.
        self._miss_budget = 4 * len(source) + _WINDOW

    def _line_start(self, line: int) -> int:
        return self._line_starts[min(max(line, 1), len(self._line_starts)) - 1]

    def _line_end(self, line: int) -> int:
        if line >= _LAST_COUNTED_LINE or line >= len(self._line_starts):
            return len(self.source)
        return self._line_starts[line] - 1

    def text(self, text: str, line: int | None) -> tuple[int, int] | None:
        """The span of the text node `text` whose element starts on `line` (None: unknown)."""
        if not text.strip():
            return None
        lo = max(self.cursor, self._line_start(line)) if line else self.cursor
        found = self._find_word(text, lo) if self._miss_budget > 0 else None
        if found is None:
            if not line:
                return None
            return self._line_start(line), self._line_end(line + text.count("\n"))
        gt = self.source.rfind(">", self.cursor, found)
        if gt >= 0:  # from the tag before the node: `<li>`, `</sup>`
            lt = self.source.rfind("<", max(0, gt - _TAG_REACH), gt)
            start = lt if lt >= 0 else gt + 1
        else:
            start = max(self.cursor, found - len(text))
        m = _TAG_START.search(self.source, found)
        if m is None:
            end = len(self.source)
        else:  # to the end of the tag after the node: `</li>`, `<sup>`
            gt_after = self.source.find(">", m.start(), m.start() + _TAG_REACH)
            end = gt_after + 1 if gt_after >= 0 else m.start()
        self.cursor = m.start() if m else end
        return start, end

    def literal(self, value: str, line: int | None) -> tuple[int, int] | None:
        """The span of an attribute's value (a link's href), written as is or with `&amp;`."""
        lo = max(self.cursor, self._line_start(line)) if line else self.cursor
        hi = lo + _WINDOW + 16 * len(value)
        for written in dict.fromkeys((value, value.replace("&", "&amp;"))):
            q = self.source.find(written, lo, hi)
            if q >= 0:
                return q, q + len(written)
        return None

    def _find_word(self, text: str, lo: int) -> int | None:
        m = _PLAIN_WORD.search(text) or _WORD.search(text)
        if m is None:
            return None
        word = m[0][:100]
        hi = lo + _WINDOW + 16 * len(text)
        pos = lo
        self._miss_budget -= hi - lo  # given back when the word is found
        while (q := self.source.find(word, pos, hi)) >= 0:
            before = self.source[q - 1] if q else " "
            after = self.source[q + len(word) : q + len(word) + 1] or " "
            bounded = not (before.isalnum() or (len(m[0]) <= 100 and after.isalnum()))
            if bounded and self._outside_tag(q, lo):
                self._miss_budget += hi - lo
                return q
            pos = q + 1
        return None

    def _outside_tag(self, q: int, lo: int) -> bool:
        """No `<` opened a tag between the last `>` and q (looking back no further than needed)."""
        floor = max(0, min(lo, q - _WINDOW))
        lt = self.source.rfind("<", floor, q)
        return lt < 0 or self.source.rfind(">", lt, q) >= 0 or not _TAG_START.match(self.source, lt)


def covering(spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The smallest span holding all of `spans`."""
    if not spans:
        return None
    return min(s for s, _ in spans), max(e for _, e in spans)


__all__ = ["SourceMap", "covering"]
