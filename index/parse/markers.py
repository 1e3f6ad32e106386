"""Find footnote markers inside a bullet, remove them, and say which notes it cites.

Markers come in many forms: `[^1]` (Markdown), `[1]` or `[1, 3]`, Unicode superscripts
`¹²`, and the press-review habit of gluing the number to the last word (`Kazakhstan1.`,
`armes longues »3.`, even `le 15 septembre 20221.` = 2022 + note 1). Glued numbers are
ambiguous, so they are only taken as markers when the briefing's guarantees hold: the
number exists in the Sources list and notes are first cited in order (1, 2, 3, …).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

_MD = re.compile(r"\[\^([^\]\s]{1,40})\]")
_BRACKET = re.compile(r"\[(\d{1,5}(?:\s*[,;–-]\s*\d{1,5})*)\]")
_SUPER = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,˒]\s?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)*")
# The number that closes a bullet, glued to whatever precedes it (Kazakhstan1. / »3. / 20221.).
_TRAILING = re.compile(r"(?<!\d)(\d{1,9})(?=[.!?…]*\s*$)")
# A number glued to a word or closing quote inside the bullet, closing a clause: Sud2. Hier…
_GLUED_WORD = re.compile(r"(?<=[^\W\d_]|[»”\"’)\]])(\d{1,5})(?=[.,;:!?)…](?:\s|$))")
_YEAR = re.compile(r"1\d{3}|20\d{2}")


@dataclass
class MarkerState:
    """What the bullets seen so far have cited; drives the in-order rule for glued numbers."""

    known: set[int]  # note numbers present in the Sources list
    md_ids: dict[str, int] = field(default_factory=dict)  # `[^id]` -> note number
    cited: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    _warned: set[str] = field(default_factory=set)

    def warn(self, message: str) -> None:
        """Record a warning once per briefing."""
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    _max_cited: int = 0

    def cite(self, numbers: Iterable[int]) -> None:
        for n in numbers:
            self.cited.add(n)
            self._max_cited = max(self._max_cited, n)

    @property
    def next_expected(self) -> int:
        return self._max_cited + 1


def _expand(spec: str) -> list[int]:
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", spec):
        if m := re.fullmatch(r"(\d+)\s*[–-]\s*(\d+)", part):
            lo, hi = int(m[1]), int(m[2])
            numbers.extend(range(lo, hi + 1) if 0 < hi - lo < 50 else (lo, hi))
        elif part.isdigit() and len(part) <= 9:  # a run of 5,000 superscripts is no note number
            numbers.append(int(part))
    return numbers


def _word_before(text: str, pos: int) -> str:
    start = pos
    while start > 0 and (text[start - 1].isalpha()):
        start -= 1
    return text[start:pos]


def _trailing_marker(raw: str, state: MarkerState) -> tuple[int, int, int] | None:
    """The note number glued to the end of the bullet, if the Sources list makes one plausible.

    The digit run may hold text digits too (`20221` = 2022 + 1, `FW071` = FW07 + 1), so each
    split is tried; the note expected next in the numbering wins, then a note not yet cited,
    then one cited before. A run that is itself a year stays a year.
    """
    m = _TRAILING.search(raw)
    if not m or not state.known:
        return None
    digits = m[1]
    best: tuple[int, int] | None = None
    for size in range(1, min(5, len(digits)) + 1):
        suffix, prefix = digits[-size:], digits[:-size]
        n = int(suffix)
        if suffix.startswith("0") or n not in state.known:
            continue
        if n == state.next_expected:
            rank = 0
        elif size > 3:
            continue  # four or five glued digits are a note only when it is the one expected next
        elif n > state.next_expected and n not in state.cited:
            rank = 1
        elif n in state.cited:
            rank = 2
        else:
            continue
        if _YEAR.fullmatch(digits):
            continue  # "en 1981." is a year, not 198 + note 1
        before = raw[m.start() - 1] if m.start() else " "
        if before.isspace() and (not prefix or (rank and not _YEAR.fullmatch(prefix))):
            continue  # "sensibles 1?" or "34 à 341": only the note expected next may split a number
        # On a tie the whole digit run wins: "Moscou12." citing note 12 again is not "Moscou1" + note 2.
        if best is None or rank < best[0] or (rank == best[0] and not prefix):
            best = (rank, n)
    if best is None:
        return None
    n = best[1]
    return m.end() - len(str(n)), m.end(), n


def _accept_glued(n: int, state: MarkerState, text: str, start: int) -> bool:
    """Whether a number glued to a word inside the bullet is a marker, by the guarantees."""
    if n not in state.known:
        return False
    if n == state.next_expected:
        return True
    if n >= 1000:
        return False
    prev = text[start - 1] if start else ""
    return n in state.cited and (prev in '»”"’)]' or len(_word_before(text, start)) >= 3)


def strip_markers(raw: str, state: MarkerState) -> tuple[str, list[int]]:
    """Return the text without markers and the note numbers it cites, in order of appearance."""
    spans: list[tuple[int, int, list[int]]] = []  # (start, end, numbers) of markers to remove
    covered = bytearray(len(raw))  # 1 where a marker already stands

    def taken(s: int, e: int) -> bool:
        # Markers are short, so checking their own characters keeps this linear in the text.
        return any(covered[s:e])

    def add(s: int, e: int, numbers: list[int]) -> None:
        spans.append((s, e, numbers))
        covered[s:e] = b"\x01" * (e - s)

    for m in _MD.finditer(raw):
        ident = m[1]
        number = state.md_ids.get(ident)
        if number is None:
            state.warn(f"marker [^{ident}] has no matching source")
            add(m.start(), m.end(), [])
        else:
            add(m.start(), m.end(), [number])
    for m in _BRACKET.finditer(raw):
        bracketed = _expand(m[1])
        if any(n not in state.known and _YEAR.fullmatch(str(n)) for n in bracketed):
            continue  # "[1987]" is a year in brackets, not a note
        if not taken(m.start(), m.end()):
            add(m.start(), m.end(), bracketed)
    for m in _SUPER.finditer(raw):
        if not taken(m.start(), m.end()):
            add(m.start(), m.end(), _expand(m[0].translate(SUPERSCRIPTS).replace("˒", ",")))

    # Glued numbers are decided left to right, because the in-order rule depends on what came before.
    for _, _, cited in sorted(spans):
        state.cite(x for x in cited if x in state.known)
    explicit = bool(spans)  # a bullet with [1] or ¹ markers has no glued ones
    trailing = None if explicit else _trailing_marker(raw, state)
    for m in _GLUED_WORD.finditer(raw if not explicit else ""):
        s, e = m.start(1), m.end(1)
        if taken(s, e) or (trailing and trailing[0] < e):
            continue
        if _accept_glued(int(m[1]), state, raw, s):
            add(s, e, [int(m[1])])
            state.cite([int(m[1])])
    if not explicit:
        trailing = _trailing_marker(raw, state)  # the numbering may have moved on
    if trailing is not None and not taken(trailing[0], trailing[1]):
        add(trailing[0], trailing[1], [trailing[2]])

    numbers: list[int] = []
    seen: set[int] = set()
    md_numbers = set(state.md_ids.values())
    for _, _, found in sorted(spans):
        for n in found:
            if n not in state.known and n not in md_numbers:
                state.warn(f"marker {n} has no matching source")
                continue
            if n not in seen:
                seen.add(n)
                numbers.append(n)
    state.cite(numbers)
    return _remove(raw, spans), numbers


def _remove(raw: str, spans: list[tuple[int, int, list[int]]]) -> str:
    out: list[str] = []
    pos = 0
    for s, e, _ in sorted(spans):
        if s < pos:
            continue
        out.append(raw[pos:s])
        # "text [1]." -> "text." and "text [1] [2]." -> "text.": drop the spaces markers leave
        # before punctuation.
        if e < len(raw) and raw[e] in ".,;:!?)":
            while out:
                out[-1] = out[-1].rstrip(" \u00a0")
                if out[-1]:
                    break
                out.pop()
        pos = e
    out.append(raw[pos:])
    return normalise_space("".join(out))


# Characters that show nothing yet change what a reader sees or a model reads: control codes
# (NUL, terminal escapes such as ESC[2J, backspace; whitespace ones become spaces below), bidi
# overrides, embeddings, isolates and marks (a U+202E inside a quote would display the answer's
# citation markers reversed), zero-width spaces, word joiners, soft hyphens, BOMs, and Unicode
# tag characters (U+E0000 block, used to smuggle hidden instructions to LLMs). Zero-width
# (non-)joiners stay: scripts and emoji need them.
INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f"
    "\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)


# Terminal escape sequences, whole: CSI (ESC [ … letter, or its one-byte form U+009B) and OSC
# (ESC ] … BEL or ESC \), so no "[2J" is left behind once ESC is gone.
_ESCAPES = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]{0,200}(?:\x07|\x1b\\)?")


def drop_invisible(text: str) -> str:
    return INVISIBLE.sub("", _ESCAPES.sub("", text))


def normalise_space(text: str) -> str:
    """Drop invisible characters (INVISIBLE) and collapse runs of whitespace, so quotes can be
    matched reliably later and what is indexed is what a reader sees."""
    return re.sub(r"\s+", " ", drop_invisible(text)).strip()
