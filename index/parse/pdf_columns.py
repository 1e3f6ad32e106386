"""The reading order of a PDF page set in two columns.

pdfplumber gives characters with their boxes, not a reading order. Read row by row, a
two-column page comes out with each line of the left column glued to the line beside it on the
right, and every sentence cut in two. A page is read as two columns when a vertical gutter runs
down its middle:

- the page's characters are grouped into rows by vertical overlap, as lines are;
- a gutter is a band GUTTER_WIDTH points wide, between 30 % and 70 % of the page's width, that
  no character of most rows touches: at most MAX_CROSSING of the rows cross it (a full-width
  title, a centred page number, notes across the page);
- at least MIN_SPLIT of the rows (and MIN_ROWS in all) hold text on both sides of it;
- on each side, the rows' text is at least MIN_FILL of the column's width at the median: a
  table of short labels beside long values, or a list indented on the left, is no pair of
  columns.

Rows between two rows that cross the gutter are read as the left column, then the right one; the
left column's last lines that lie below all of the right column's text and are set smaller
(notes at the foot of the left column) come after the right column, where the page's notes are looked for. A page without
such a gutter is read row by row, unless it has too little text to show one and leaves free
the gutter of the document's other two-column pages (a last page whose right column holds two
lines).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from typing import Any

import numpy as np

GUTTER_WIDTH = 8.0  # points: wider than a space between words (3 points at 11 points), narrower than a gutter
MAX_CROSSING = 0.4
MIN_SPLIT = 0.2
MIN_ROWS = 6
MIN_FILL = 0.5
NOTE_SIZE = 0.92  # notes are set at most this share of the columns' text size (as in pdf.py)
_LOW, _HIGH = 0.3, 0.7  # where on the page's width the gutter may lie

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


def gutter(groups: list[list[Char]], width: float, usual: float | None = None) -> float | None:
    """The x of the gutter between two columns of text, or None for a page read row by row.

    `usual` is the gutter of the document's other two-column pages: a page with too little text
    to show its own (a last page whose right column holds two lines) keeps it when most of its
    rows leave it free and one row at least has text on both sides."""
    found = _own_gutter(groups, width)
    if found is None and usual is not None and _fits(groups, usual):
        return usual
    return found


def _fits(groups: list[list[Char]], g: float) -> bool:
    crossing = sum(_crosses(group, g) for group in groups)
    split = sum(all(_sides(group, g)) and not _crosses(group, g) for group in groups)
    return crossing <= MAX_CROSSING * len(groups) and split >= 1


def _own_gutter(groups: list[list[Char]], width: float) -> float | None:
    if len(groups) < MIN_ROWS or width <= 0:
        return None
    lo, hi = int(_LOW * width), int(_HIGH * width)
    xs = np.arange(lo, hi + 1, dtype=float)
    half = GUTTER_WIDTH / 2
    crossing = np.zeros((len(groups), len(xs)), dtype=bool)
    left = np.zeros_like(crossing)
    right = np.zeros_like(crossing)
    for r, group in enumerate(groups):
        boxes = np.array([(c["x0"], c["x1"]) for c in group if c["text"].strip()], dtype=float).reshape(-1, 2)
        if not len(boxes):
            continue
        x0, x1 = boxes[:, :1], boxes[:, 1:]
        crossing[r] = ((xs + half > x0) & (xs - half < x1)).any(axis=0)
        left[r] = x1.min() <= xs - half
        right[r] = x0.max() >= xs + half
    split = ~crossing & left & right
    allowed = crossing.sum(axis=0) <= MAX_CROSSING * len(groups)
    counts = np.where(allowed, split.sum(axis=0), 0)
    best = int(counts.max())
    if best < max(3, MIN_SPLIT * len(groups)):
        return None
    # The middle of the widest stretch of x where the most rows split.
    at = np.flatnonzero(counts == best)
    runs = np.split(at, np.flatnonzero(np.diff(at) > 1) + 1)
    widest = max(runs, key=len)
    g = float(xs[widest[len(widest) // 2]])
    return g if _filled(groups, g) else None


def _filled(groups: list[list[Char]], g: float) -> bool:
    """Both sides hold text running across their column (at the median row), not short labels."""
    visible = [c for group in groups for c in group if c["text"].strip()]
    page_x0 = min(float(c["x0"]) for c in visible)
    page_x1 = max(float(c["x1"]) for c in visible)
    widths: tuple[list[float], list[float]] = ([], [])
    for group in groups:
        for side, part in enumerate(_sides(group, g)):
            shown = [c for c in part if c["text"].strip()]
            if shown:
                widths[side].append(max(float(c["x1"]) for c in shown) - min(float(c["x0"]) for c in shown))
    if not widths[0] or not widths[1]:
        return False
    return statistics.median(widths[0]) >= MIN_FILL * (g - page_x0) and statistics.median(
        widths[1]
    ) >= MIN_FILL * (page_x1 - g)


def _sides(group: list[Char], g: float) -> tuple[list[Char], list[Char]]:
    left = [c for c in group if (float(c["x0"]) + float(c["x1"])) / 2 < g]
    right = [c for c in group if (float(c["x0"]) + float(c["x1"])) / 2 >= g]
    return left, right


def _size(chars: Iterable[Char]) -> float:
    """The size most of the characters are set in."""
    sizes = Counter(round(float(c["size"]), 1) for c in chars if c["text"].strip())
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _crosses(group: list[Char], g: float) -> bool:
    half = GUTTER_WIDTH / 2
    return any(float(c["x0"]) < g + half and float(c["x1"]) > g - half for c in group if c["text"].strip())


def reading_order(
    chars: list[Char], width: float, usual: float | None = None
) -> list[tuple[list[Char], float | None]]:
    """The page's characters as rows in reading order, each with the right edge of its column
    (None for the page's): one column read row by row, or two columns read one after the other
    between rows that cross the gutter (`usual`: see `gutter`)."""
    groups = rows(chars)
    g = gutter(groups, width, usual)
    if g is None:
        return [(group, None) for group in groups]
    ordered: list[tuple[list[Char], float | None]] = []
    run: list[list[Char]] = []

    def flush() -> None:
        if not run:
            return
        left_rows = rows(c for group in run for c in _sides(group, g)[0])
        right_rows = rows(c for group in run for c in _sides(group, g)[1])
        right_bottom = max((float(c["bottom"]) for r in right_rows for c in r), default=-1.0)
        body = _size(c for group in run for c in group)
        below = len(left_rows)
        while (
            below > 0
            and min(float(c["top"]) for c in left_rows[below - 1]) > right_bottom
            and _size(left_rows[below - 1]) <= NOTE_SIZE * body
        ):
            below -= 1
        edge = max((float(c["x1"]) for r in left_rows for c in r), default=None)
        ordered.extend((r, edge) for r in left_rows[:below])
        ordered.extend((r, None) for r in right_rows)
        ordered.extend((r, edge) for r in left_rows[below:])
        run.clear()

    for group in groups:
        if _crosses(group, g):
            flush()
            ordered.append((group, None))
        else:
            run.append(group)
    flush()
    return ordered
