"""The reading order of a PDF page set in two columns.

pdfplumber gives characters with their boxes, not a reading order. Read row by row, a
two-column page comes out with each line of the left column glued to the line beside it on the
right, and every sentence cut in two. A page is read as two columns when a vertical gutter runs
down its middle and both sides read like running text:

- the page's characters are grouped into rows by vertical overlap, as lines are;
- a gutter is a band GUTTER_WIDTH points wide, between 30 % and 70 % of the page's width, that
  at most MAX_CROSSING of the rows cross (a full-width title, a centred page number, notes
  across the page), while at least MIN_SPLIT of the rows (3 at least, of MIN_ROWS or more) hold
  text on both sides of it;
- each side spans at least MIN_SIDE of the text's width, and its rows fill at least MIN_FILL of
  the side's width at the median: a narrow column of dates or labels is no column of text;
- most rows follow the one before at a line's pitch (within PITCH times the text's size), as the
  lines of a paragraph do: the rows of a table, each a record of its own, stand further apart.

The page's first and last rows, when they lie in its top or bottom EDGE and stand apart from the
text (a running header, a page number in a corner), stay whole (but a last row of two notes,
one at the foot of each column), in place, for pdf.py to set aside. Rows between two rows
that cross the gutter are read as the left column, then the right one. Each column's last rows
set smaller than the text (notes at the foot of a column) come after both columns, the left
column's first, where pdf.py looks for a page's notes. A page that has too few rows with text on
both sides to show a gutter (a last page whose right column holds two lines) keeps the gutter of
the document's other pages of the same width, when its rows leave it free and its left side
reads as text.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

GUTTER_WIDTH = 8.0  # points: wider than a space between words (3 points at 11 points), narrower than a gutter
MAX_CROSSING = 0.4
MIN_SPLIT = 0.2
MIN_ROWS = 6
MIN_SIDE = 0.35
MIN_FILL = 0.75
PITCH = 1.6
NOTE_SIZE = 0.92  # notes are set at most this share of the text's size (here and in pdf.py)
EDGE = 0.12  # running headers and footers stand in this share of the page height (here and in pdf.py)
_LOW, _HIGH = 0.3, 0.7  # where on the page's width the gutter may lie
_NOTE_NUMBER = re.compile(r"\s*(?:\d{1,3}|\[\d{1,3}\]|[⁰¹²³⁴⁵⁶⁷⁸⁹]+)(?!\d)")

Char = dict[str, Any]


def rows(chars: Iterable[Char]) -> list[list[Char]]:
    """Characters grouped by vertical overlap, top to bottom (each row's characters unsorted)."""
    ordered = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    groups: list[list[Char]] = []
    top = bottom = 0.0
    for c in ordered:
        mid = (c["top"] + c["bottom"]) / 2
        if groups and top <= mid <= bottom:
            groups[-1].append(c)
            top, bottom = min(top, c["top"]), max(bottom, c["bottom"])
        else:
            groups.append([c])
            top, bottom = c["top"], c["bottom"]
    return groups


def _visible(chars: Iterable[Char]) -> list[Char]:
    return [c for c in chars if c["text"].strip()]


def page_gutter(chars: list[Char], width: float) -> float | None:
    """The x of the gutter between this page's two columns of text, or None."""
    groups = rows(_visible(chars))
    if len(groups) < MIN_ROWS or width <= 0:
        return None
    lo, hi = int(_LOW * width), int(_HIGH * width)
    xs = np.arange(lo, hi + 1, dtype=float)
    half = GUTTER_WIDTH / 2
    crossing = np.zeros((len(groups), len(xs)), dtype=bool)
    left = np.zeros_like(crossing)
    right = np.zeros_like(crossing)
    for r, group in enumerate(groups):
        boxes = np.array([(c["x0"], c["x1"]) for c in group], dtype=float)
        x0, x1 = boxes[:, :1], boxes[:, 1:]
        crossing[r] = ((xs + half > x0) & (xs - half < x1)).any(axis=0)
        left[r] = x1.min() <= xs - half
        right[r] = x0.max() >= xs + half
    split = ~crossing & left & right
    allowed = crossing.sum(axis=0) <= MAX_CROSSING * len(groups)
    counts = np.where(allowed, split.sum(axis=0), 0)
    best = int(counts.max())
    if best < _enough(len(groups)):
        return None
    # The middle of the widest stretch of x where the most rows split.
    at = np.flatnonzero(counts == best)
    runs = np.split(at, np.flatnonzero(np.diff(at) > 1) + 1)
    widest = max(runs, key=len)
    g = float(xs[widest[len(widest) // 2]])
    return g if _text_on(groups, g, sides=(0, 1)) else None


def _enough(n_rows: int) -> int:
    return max(3, int(np.ceil(MIN_SPLIT * n_rows)))


def _text_on(groups: list[list[Char]], g: float, sides: tuple[int, ...]) -> bool:
    """The given sides of the gutter read as running text: wide enough, lines filling them, and
    rows at a line's pitch from each other."""
    everything = [c for group in groups for c in group]
    text_width = max(float(c["x1"]) for c in everything) - min(float(c["x0"]) for c in everything)
    for side in sides:
        parts = [part for group in groups if (part := _sides(group, g)[side])]
        if not parts:
            return False
        x0 = min(float(c["x0"]) for part in parts for c in part)
        x1 = max(float(c["x1"]) for part in parts for c in part)
        widths = [max(float(c["x1"]) for c in part) - min(float(c["x0"]) for c in part) for part in parts]
        if x1 - x0 < MIN_SIDE * text_width or statistics.median(widths) < MIN_FILL * (x1 - x0):
            return False
    size = _size(everything)
    tops = [min(float(c["top"]) for c in group) for group in groups]
    close = sum(b - a <= PITCH * size for a, b in itertools.pairwise(tops))
    return close >= 0.5 * (len(tops) - 1)


def _fits(groups: list[list[Char]], g: float) -> bool:
    """The document's usual gutter suits this page: its rows leave it free, too few of them
    hold text on both sides to show it alone, and its left side reads as text."""
    groups = [v for group in groups if (v := _visible(group))]
    crosses = [_crosses(group, g) for group in groups]
    split = sum(all(_sides(group, g)) and not c for group, c in zip(groups, crosses, strict=True))
    return (
        sum(crosses) <= MAX_CROSSING * len(groups)
        and 1 <= split < _enough(len(groups))
        and _text_on(groups, g, sides=(0,))
    )


def _sides(group: list[Char], g: float) -> tuple[list[Char], list[Char]]:
    left = [c for c in group if (float(c["x0"]) + float(c["x1"])) / 2 < g]
    right = [c for c in group if (float(c["x0"]) + float(c["x1"])) / 2 >= g]
    return left, right


def _size(chars: Iterable[Char]) -> float:
    """The size most of the characters are set in."""
    sizes = Counter(round(float(c["size"]), 1) for c in _visible(chars))
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _crosses(group: list[Char], g: float) -> bool:
    half = GUTTER_WIDTH / 2
    return any(float(c["x0"]) < g + half and float(c["x1"]) > g - half for c in _visible(group))


def reading_order(
    chars: list[Char], height: float, own: float | None, usual: float | None = None
) -> list[tuple[list[Char], float | None]]:
    """The page's characters as rows in reading order, each with the right edge of its column
    (None for the page's). `own` is the page's gutter (page_gutter), `usual` that of the
    document's other pages of its width; with neither that suits it, rows are read one by one.
    Space characters stay with their row: pdf.py reads word gaps from them."""
    groups = rows(chars)
    g = own if own is not None else usual if usual is not None and _fits(groups, usual) else None
    if g is None:
        return [(group, None) for group in groups]
    whole = set()
    if len(groups) > 2:
        tops = [min(float(c["top"]) for c in group) for group in groups]
        apart = PITCH * _size(c for group in groups for c in group)
        if max(float(c["bottom"]) for c in groups[0]) <= EDGE * height and tops[1] - tops[0] > apart:
            whole.add(0)
        if tops[-1] >= (1 - EDGE) * height and tops[-1] - tops[-2] > apart and not _notes(groups[-1], g):
            whole.add(len(groups) - 1)
    ordered: list[tuple[list[Char], float | None]] = []
    run: list[list[Char]] = []

    def flush() -> None:
        if not run:
            return
        body = _size(c for group in run for c in group)
        left, right = (rows(c for group in run for c in _sides(group, g)[side]) for side in (0, 1))
        left_notes, right_notes = _trailing_small(left, body), _trailing_small(right, body)
        edge = max((float(c["x1"]) for r in left for c in r), default=None)
        ordered.extend((r, edge) for r in left[: len(left) - len(left_notes)])
        ordered.extend((r, None) for r in right[: len(right) - len(right_notes)])
        ordered.extend((r, edge) for r in left_notes)
        ordered.extend((r, None) for r in right_notes)
        run.clear()

    for k, group in enumerate(groups):
        if k in whole or _crosses(group, g):
            flush()
            ordered.append((group, None))
        else:
            run.append(group)
    flush()
    return ordered


def _notes(group: list[Char], g: float) -> bool:
    """Both sides of the row start with a note's number: a note at the foot of each column."""
    sides = _sides(_visible(group), g)
    texts = ["".join(c["text"] for c in sorted(side, key=lambda c: c["x0"])) for side in sides]
    return all(_NOTE_NUMBER.match(t) for t in texts)


def _trailing_small(column: list[list[Char]], body: float) -> list[list[Char]]:
    """The column's last rows set smaller than the text: notes at its foot."""
    k = len(column)
    while k > 0 and _size(column[k - 1]) <= NOTE_SIZE * body:
        k -= 1
    return column[k:] if k > 0 else []
