"""Properties: no input makes the parser raise anything but SkippedFile, and what it returns
is always consistent (offsets, numbering, cross-links, clean text)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.parse.markers import normalise_space
from index.parse.reader import parse_bytes, parse_text
from index.records import Briefing, SkippedFile
from tests.helpers.parsing import parsed_or_skipped

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Fragments that exercise the layouts: bullets, markers of every kind, notes headings, HTML.
FRAGMENTS = [
    "• ", "- ", "* ", "1. ", "2) ", "\n", "\n\n", "  ", "Sources\n", "Notes\n", "References\n",
    "[1]", "[2]", "[1, 3]", "[^1]", "[^1]: ", "[^x]", "¹", "²³", "1", "2", "3", "20221", "1981",
    ".", ",", "»", "«", "“", "”", '"', "’", " ", "mot", "Kazakhstan", "the", "le",
    "https://example.com/a", "www.x.org", "15 septembre 2022", "March 2, 2023", "---\n", "title: T\n",
    "date: 2022-09-15\n", "<li>", "</li>", "<ul>", "<ol>", "<p>", "<sup>1</sup>", "<h2>Sources</h2>",
    "<html>", "&amp;", "\x00", "\r\n", "\t", "é", "Ж", "# ", "## ",
]  # fmt: skip
briefing_like = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=60).map("".join)
any_text = st.text(max_size=300) | briefing_like


def check_invariants(b: Briefing, text: str) -> None:
    bullets, notes = b.body, b.footnotes
    assert b.passages == bullets + notes  # bullets and paragraphs first, then footnotes
    assert [p.number for p in bullets] == list(range(1, len(bullets) + 1))
    assert [p.number for p in notes] == sorted({p.number for p in notes})  # unique, ascending
    by_number = {p.number: p for p in notes}
    for p in b.passages:
        assert 0 <= p.start <= p.end <= len(text)
        assert p.text and p.text == p.text.strip()
        assert "  " not in p.text and "\n" not in p.text and "\x00" not in p.text
    for bullet in bullets:
        assert bullet.source is None and bullet.cited_by == []
        assert len(bullet.footnotes) == len(set(bullet.footnotes))
        for n in bullet.footnotes:
            assert bullet.number in by_number[n].cited_by
    for note in notes:
        assert note.footnotes == [] and note.source is not None
        for m in note.cited_by:
            assert note.number in bullets[m - 1].footnotes
    assert b.language in ("fr", "en")
    assert b.date is None or b.date[:4].isdigit()
    assert len(b.id) == 16


@SETTINGS
@given(any_text)
def test_any_text_parses_or_is_skipped(text: str) -> None:
    b = parsed_or_skipped(lambda: parse_text(text, "briefing.txt"))
    if isinstance(b, SkippedFile):
        assert str(b)  # a skipped file always says why
        return
    check_invariants(b, text)
    assert parse_text(text, "elsewhere/other.txt").id == b.id


@SETTINGS
@given(st.binary(max_size=400) | briefing_like.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_parse_or_are_skipped(data: bytes) -> None:
    b = parsed_or_skipped(lambda: parse_bytes(data, "briefing.txt", max_bytes=10_000))
    if isinstance(b, SkippedFile):
        assert str(b)
        return
    assert b.passages


@SETTINGS
@given(st.binary(min_size=1, max_size=200))
def test_size_limit_is_always_honoured(data: bytes) -> None:
    with pytest.raises(SkippedFile, match="limit"):  # a file over the limit is never parsed
        parse_bytes(data, "x.txt", max_bytes=len(data) - 1)


# Well-formed briefings in the sample's style: bullet n ends with footnote n glued to its last
# word, a closing quote, or a year. The parser must recover exactly those citations.
word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàçôЖД", min_size=1, max_size=10)
sentence = st.lists(
    word | st.sampled_from(["2013", "38eme", "numéro 3", "G7", "«", "»"]), min_size=1, max_size=12
)
ending = st.sampled_from(["{w}{n}.", "« {w} »{n}.", "le 15 septembre 2022{n}.", "{w}{n}"])


@SETTINGS
@given(
    st.lists(st.tuples(sentence, word, ending), min_size=1, max_size=15), st.sampled_from(["•", "-", "  •"])
)
def test_glued_footnotes_of_a_well_formed_briefing_are_recovered(
    items: list[tuple[list[str], str, str]], bullet: str
) -> None:
    lines = [
        f"{bullet} Début {' '.join(words)} {end.format(w=last, n=n)}"
        for n, (words, last, end) in enumerate(items, start=1)
    ]
    clean = [
        normalise_space(f"Début {' '.join(words)} {end.format(w=last, n='')}") for words, last, end in items
    ]
    notes = [f"{n}. « Titre {n} », Outlet {n}, 1 mars 2023." for n in range(1, len(items) + 1)]
    text = "\n".join([*lines, "Sources", *notes]) + "\n"
    b = parse_text(text, "briefing-2023-03-01.txt")
    check_invariants(b, text)
    assert [p.footnotes for p in b.bullets] == [[n] for n in range(1, len(items) + 1)]
    assert [p.text for p in b.bullets] == clean
    assert [f.source.title if f.source else None for f in b.footnotes] == [
        f"Titre {n}" for n in range(1, len(items) + 1)
    ]
