"""Hybrid search on a small corpus: the right bullet, its sources, filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.search.hybrid import Filters, FusionWeights, Searcher
from tests.helpers.corpus import indexed


@pytest.mark.parametrize(
    ("question", "file", "number"),
    [
        ("Qui a démenti la rumeur sur l'OTSC ?", "briefing-2022-09-15.txt", 2),
        ("Who denied that Kazakhstan would leave the CSTO? Aydos Sarym", "briefing-2022-09-15.txt", 2),
        ("What gas price cap did the Commission propose?", "energy-2022-11-23.md", 1),
        ("largest supplier of natural gas to the EU", "energy-2022-11-23.md", 2),
        ("Li Zhanshu armes longues", "briefing-2022-09-15.txt", 4),
    ],
)
def test_finds_the_bullet(searcher: Searcher, question: str, file: str, number: int) -> None:
    hit = searcher.search(question, k=3)[0]
    assert (hit.file, hit.kind, hit.number) == (file, "bullet", number)


def test_bullet_hit_carries_its_footnote_sources(searcher: Searcher) -> None:
    hit = searcher.search("Li Zhanshu juridiction des armes longues", k=1)[0]
    assert [n["number"] for n in hit.footnotes] == [3]
    source = hit.footnotes[0]["source"]
    assert source["author"] == "Jack Lau" and source["outlet"] == "South China Morning Post"
    assert source["date"] == "2022-09-12"


def test_footnote_hit_carries_the_bullets_citing_it(searcher: Searcher) -> None:
    hits = searcher.search("South China Morning Post Jack Lau", k=5)
    note = next(h for h in hits if h.kind == "footnote")
    assert note.number == 3 and [b["number"] for b in note.cited_by] == [4]


def test_date_filter(searcher: Searcher) -> None:
    hits = searcher.search("gas", k=10, filters=Filters(date_from="2022-09-01", date_to="2022-09-30"))
    assert hits and all(h.briefing_date == "2022-09-15" for h in hits)
    assert searcher.search("gas", k=10, filters=Filters(date_from="2023-01-01")) == []


def test_file_filter(searcher: Searcher) -> None:
    hits = searcher.search("Kazakhstan", k=10, filters=Filters(files=["energy-2022-11-23.md"]))
    assert hits and {h.file for h in hits} == {"energy-2022-11-23.md"}


def test_scores_are_sorted_and_k_respected(searcher: Searcher) -> None:
    hits = searcher.search("Xi Jinping Kazakhstan", k=3)
    assert len(hits) == 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_character_grams_find_a_misspelt_name(searcher: Searcher, embedder) -> None:  # type: ignore[no-untyped-def]
    # "Sarim" and "Zhanchu" are no word of the index; only the character-gram signal is on.
    grams_only = FusionWeights(words=0, briefing=0, dense=0, grams=1)
    grams = Searcher(searcher.index_dir, embedder, grams_only)
    for question, number in [("Aydos Sarim", 2), ("Zhanchu", 4)]:
        hit = grams.search(question, k=1)[0]
        assert (hit.file, hit.number) == ("briefing-2022-09-15.txt", number)
        assert hit.score > 0


def test_interrogatives_are_not_what_a_question_is_about(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """Interrogatives ("quand", "comment") ask for a kind of answer: a bullet that happens to say
    them must not outrank the one about the question's subject, and the answering bullet covers
    the whole question (the abstention gate reads that coverage)."""
    from index.store.lexical import tokenize_query

    assert tokenize_query("Quand et comment le traité a-t-il été signé ?", ["fr"]) == ["trait", "sign"]
    # With English briefings beside the French, "comment" may be the English noun: kept.
    assert "comment" in tokenize_query("Comment le traité a-t-il été signé ?", ["fr", "en"])
    briefing = (
        "• Quand faut-il partir, et comment ? Quel que soit le cas, quand on part, on part.\n"
        "• Le traité a été signé à Lisbonne en 2007.\n"
    )
    searcher = indexed(tmp_path, embedder, {"notes-2024-01-05.txt": briefing})
    question = "Quand et comment le traité a-t-il été signé ?"
    assert searcher.search(question, k=1)[0].number == 2
    assert searcher.coverage(question, ["Le traité a été signé à Lisbonne en 2007."]) == 1.0
