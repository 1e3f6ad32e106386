"""Parsing briefings: layouts, markers, sources, offsets and robustness (HTML, dates and language have their own files)."""

from __future__ import annotations

import time

import pytest

from index.parse.markers import normalise_space
from index.records import SkippedFile
from tests.helpers.parsing import assert_offsets_cover, citations, footnote, parse

# A faithful copy of the tricky parts of the sample briefing (briefing-2022-09-15.txt): the
# indented `•` bullets, footnote numbers glued to a word (`Kazakhstan1.`, `Sud2.`) and to a closing
# quote (`longues »3.`), a first and a last bullet citing nothing, and the Sources list.
SAMPLE = (
    "• Hier, Xi Jinping s’est rendu au Kazakhstan où il s’est entretenu avec le président kazakh, "
    "Kassym-Jomart Tokayev. Très bon sinophone, ce dernier a été formé au MGIMO de Moscou entre 1970 "
    "et 1975 avant d’intégrer le ministère des Affaires étrangères soviétique.\n"
    "  • Dans les discussions entre les deux dirigeants, la présence de Poutine était toutefois "
    "omniprésente. Cette information a finalement été démentie ce matin par Aydos Sarym, membre du "
    "Comité de défense et de sécurité des Mazhilis du Kazakhstan1.\n"
    "  • Une étrange déclaration de Xi, interprétée comme un soutien à l’intégrité territoriale du "
    "Kazakhstan, résonne comme un message adressé directement à Moscou qui exerce une pression "
    "constante sur ses voisins du Sud2.\n"
    "  • Durant la rencontre tant attendue entre les deux dirigeants — la 38eme depuis l’accès au "
    "pouvoir de Xi Jinping en 2013 — Li Zhanshu, numéro 3 du Parti, aurait proposé de partager avec la "
    "Russie son expérience historique en matière de « législation concernant la lutte contre "
    "l’ingérence extérieure, les sanctions et la juridiction des armes longues »3. Lors d’appels "
    "téléphoniques bilatéraux au début de l’année, Xi et Poutine avaient convenu de renforcer leur "
    "coopération.\n"
    "  • La relation entre les deux dirigeants russe et chinois est un élément essentiel. Le 4 février "
    "dernier, les deux dirigeants déclaraient entretenir un « partenariat sans limites ».\n"
    "Sources\n"
    "  1. « Казахстан отказался вступать в армяно-азербайджанский конфликт под эгидой ОДКБ », "
    "Mk.RU, 15 septembre 2022.\n"
    "  2. Hier, Xi Jinping a déclaré : « Une fois de plus, je voudrais vous assurer que le "
    "gouvernement chinois accorde une grande attention aux relations avec le Kazakhstan. », "
    "Президент Касым-Жомарт Токаев провел встречу с Председателем КНР Си Цзиньпином, Présidence du "
    "Kazakhstan, 14 septembre 2022.\n"
    "  3. Jack Lau, « China’s No 3 official Li Zhanshu calls for united front with Russia against "
    "Western sanctions », South China Morning Post, 12 septembre 2022.\n"
)
SAMPLE_PATH = "briefings/briefing-2022-09-15.txt"


# -- the sample layout ---------------------------------------------------------------------


def test_sample_bullets_cite_their_glued_footnotes() -> None:
    b = parse(SAMPLE, SAMPLE_PATH)
    assert [p.number for p in b.bullets] == [1, 2, 3, 4, 5]
    assert citations(b) == [[], [1], [2], [3], []]
    assert [(p.number, p.cited_by) for p in b.footnotes] == [(1, [2]), (2, [3]), (3, [4])]
    assert b.warnings == []


def test_sample_clean_text_drops_glued_numbers_only() -> None:
    b = parse(SAMPLE, SAMPLE_PATH)
    texts = [p.text for p in b.bullets]
    assert texts[1].endswith("des Mazhilis du Kazakhstan.")
    assert texts[2].endswith("ses voisins du Sud.")
    assert "des armes longues ». Lors d’appels" in texts[3]
    # Numbers that are text stay: years, "38eme", "numéro 3".
    assert "entre 1970 et 1975" in texts[0]
    assert "la 38eme depuis" in texts[3] and "en 2013 —" in texts[3] and "numéro 3 du Parti" in texts[3]
    # Indentation and line breaks are normalised away.
    assert all(t == normalise_space(t) for t in texts)


def test_sample_footnote_sources() -> None:
    b = parse(SAMPLE, SAMPLE_PATH)
    s1, s2, s3 = (footnote(b, n).source for n in (1, 2, 3))
    assert s1 is not None and s2 is not None and s3 is not None
    assert s1.title == "Казахстан отказался вступать в армяно-азербайджанский конфликт под эгидой ОДКБ"
    assert (s1.outlet, s1.author, s1.date) == ("Mk.RU", None, "2022-09-15")
    # Footnote 2 opens with a quoted statement: the title is the field after it.
    assert s2.title == "Президент Касым-Жомарт Токаев провел встречу с Председателем КНР Си Цзиньпином"
    assert (s2.outlet, s2.date) == ("Présidence du Kazakhstan", "2022-09-14")
    assert (
        s3.title
        == "China’s No 3 official Li Zhanshu calls for united front with Russia against Western sanctions"
    )
    assert (s3.author, s3.outlet, s3.date) == ("Jack Lau", "South China Morning Post", "2022-09-12")


def test_sample_metadata() -> None:
    b = parse(SAMPLE, SAMPLE_PATH)
    assert b.date == "2022-09-15"  # from the file name
    assert b.language == "fr"
    assert b.path == SAMPLE_PATH
    assert footnote(b, 1).text.startswith("« Казахстан")


def test_sample_offsets_point_into_the_file() -> None:
    b = parse(SAMPLE, SAMPLE_PATH)
    assert_offsets_cover(SAMPLE, b)
    assert SAMPLE[b.bullets[1].start : b.bullets[1].end].endswith("du Kazakhstan1.")
    f3 = footnote(b, 3)
    assert SAMPLE[f3.start : f3.end] == f3.text


def test_number_glued_after_a_year_is_year_plus_footnote() -> None:
    text = "• Le sommet s’est ouvert le 15 septembre 20221.\n• Il a duré deux jours2.\nSources\n1. A\n2. B\n"
    b = parse(text)
    assert citations(b) == [[1], [2]]
    assert b.bullets[0].text == "Le sommet s’est ouvert le 15 septembre 2022."


def test_a_year_ending_a_bullet_is_not_a_footnote() -> None:
    text = "• Le traité a été signé en 1981.\n• Il reste en vigueur1.\nSources\n1. A\n"
    b = parse(text)
    assert citations(b) == [[], [1]]
    assert b.bullets[0].text == "Le traité a été signé en 1981."


def test_glued_number_without_a_source_stays_text() -> None:
    b = parse("• Le groupe G7.\n• Suite du texte1.\nSources\n1. A\n")
    assert citations(b) == [[], [1]]
    assert b.bullets[0].text == "Le groupe G7."


# -- other layouts -------------------------------------------------------------------------

ENGLISH = """# Weekly brief
Date: 3 March 2023

- The minister resigned yesterday.[1]
- Oil prices rose sharply [2].
* Talks resume next week[1][3]
* Both sides met [1, 3] and agreed.

References
[1] https://example.com/a
[2] "Oil surges", Reuters, March 2, 2023
[3] John Smith, "Talks", BBC, 1 March 2023, https://www.bbc.co.uk/news/x.
"""


def test_dash_and_star_bullets_with_bracket_markers() -> None:
    b = parse(ENGLISH)
    assert [p.text for p in b.bullets] == [
        "The minister resigned yesterday.",
        "Oil prices rose sharply.",
        "Talks resume next week",
        "Both sides met and agreed.",
    ]
    assert citations(b) == [[1], [2], [1, 3], [1, 3]]
    assert footnote(b, 1).cited_by == [1, 3, 4]
    assert footnote(b, 3).cited_by == [3, 4]
    assert_offsets_cover(ENGLISH, b)


def test_english_metadata_and_sources() -> None:
    b = parse(ENGLISH)
    assert (b.title, b.date, b.language) == ("Weekly brief", "2023-03-03", "en")
    s1, s2, s3 = (footnote(b, n).source for n in (1, 2, 3))
    assert s1 is not None and (s1.url, s1.outlet, s1.title) == ("https://example.com/a", "example.com", None)
    assert s2 is not None and (s2.title, s2.outlet, s2.date) == ("Oil surges", "Reuters", "2023-03-02")
    assert s3 is not None
    assert (s3.author, s3.title, s3.outlet) == ("John Smith", "Talks", "BBC")
    assert s3.url == "https://www.bbc.co.uk/news/x"


def test_numbered_bullets_and_markdown_footnotes() -> None:
    text = (
        "1. Premier point important du jour[^1].\n"
        "2. Second point de la note[^src].\n"
        "\n"
        "[^1]: « Titre du journal », Le Monde, 3 mars 2023.\n"
        "[^src]: https://www.lemonde.fr/a\n"
    )
    b = parse(text)
    assert [p.text for p in b.bullets] == ["Premier point important du jour.", "Second point de la note."]
    assert citations(b) == [[1], [2]]
    assert footnote(b, 1).source is not None and footnote(b, 1).source.outlet == "Le Monde"
    assert footnote(b, 2).text == "https://www.lemonde.fr/a"
    assert_offsets_cover(text, b)


def test_markdown_marker_without_definition_warns_and_keeps_text() -> None:
    b = parse("- Un point sans source[^9].\n- Un autre point[^1].\n\n[^1]: Source.\n")
    assert [p.text for p in b.bullets] == ["Un point sans source.", "Un autre point."]
    assert citations(b) == [[], [1]]
    assert any("[^9]" in w for w in b.warnings)


def test_bracket_marker_without_source_warns_and_keeps_text() -> None:
    b = parse("- Point with a missing source[7].\n\nSources\n1. Only one\n")
    assert b.bullets[0].text == "Point with a missing source."
    assert b.bullets[0].footnotes == []
    assert b.warnings == ["marker 7 has no matching source"]


def test_bracketed_year_is_not_a_marker() -> None:
    b = parse("• Leur deuxième album est publié en [1987], et la suite1.\nSources\n1. A\n")
    assert b.warnings == []
    assert citations(b) == [[1]]
    assert "[1987]" in b.bullets[0].text


def test_unicode_superscripts_with_notes_list() -> None:
    text = "- Inflation rose to 8%¹.\n- Rates were raised²˒³ again.\n\nNotes\n1. First\n2. Second\n3. Third\n"
    b = parse(text)
    assert [p.text for p in b.bullets] == ["Inflation rose to 8%.", "Rates were raised again."]
    assert citations(b) == [[1], [2, 3]]


def test_bracket_notes_without_heading_and_bare_url_notes() -> None:
    text = "- First point [1].\n- Second point [2].\n\n[1] https://a.example.org/x\n[2] https://b.example.org/y\n"
    b = parse(text)
    assert citations(b) == [[1], [2]]
    assert [f.source.url for f in b.footnotes if f.source] == [
        "https://a.example.org/x",
        "https://b.example.org/y",
    ]


def test_references_heading_with_bare_url_lines() -> None:
    b = parse(
        "- Alpha point [1].\n- Beta point [2].\n\nRéférences\nhttps://a.example.org\nhttps://b.example.org\n"
    )
    assert citations(b) == [[1], [2]]
    assert [f.text for f in b.footnotes] == ["https://a.example.org", "https://b.example.org"]


def test_file_without_bullets_is_cut_into_paragraphs() -> None:
    text = "Un premier paragraphe avec du texte.\nIl continue ici.\n\nUn second paragraphe.\n"
    b = parse(text, "notes/briefing-2021-01-02.md")
    assert [p.text for p in b.body] == [
        "Un premier paragraphe avec du texte. Il continue ici.",
        "Un second paragraphe.",
    ]
    assert [p.number for p in b.body] == [1, 2]
    assert b.date == "2021-01-02"
    assert_offsets_cover(text, b)


def test_a_single_short_line_is_indexed() -> None:
    b = parse("Sanctions prolongées jusqu’en juin\n")
    assert [p.text for p in b.body] == ["Sanctions prolongées jusqu’en juin"]


def test_continuation_lines_belong_to_their_bullet() -> None:
    b = parse("- First point starts here\n  and goes on.\n- Second point.\n")
    assert [p.text for p in b.bullets] == ["First point starts here and goes on.", "Second point."]


def test_id_depends_on_content_not_path() -> None:
    a = parse(SAMPLE, "a/one.txt")
    assert a.id == parse(SAMPLE, "b/two.txt").id
    assert a.id != parse(SAMPLE.replace("Sud2", "Nord2"), "a/one.txt").id


def test_nothing_to_index_is_skipped() -> None:
    with pytest.raises(SkippedFile):
        parse("\n\n   \n")


# -- robustness ----------------------------------------------------------------------------


def test_footnotes_numbered_past_9999() -> None:
    n = 10_000
    body = "".join(f"• Point {i} du jour [{i}].\n" for i in range(n - 2, n + 1))
    notes = "".join(f"{i}. Source {i}\n" for i in range(1, n + 1))
    b = parse(body + "Sources\n" + notes)
    assert len(b.footnotes) == n
    assert footnote(b, n).text == f"Source {n}"
    assert citations(b) == [[n - 2], [n - 1], [n]]


def test_glued_four_digit_footnotes_in_order() -> None:
    n = 1_005
    body = "".join(f"• Point numéro {i} du jour{i}.\n" for i in range(1, n + 1))
    notes = "".join(f"{i}. Source {i}\n" for i in range(1, n + 1))
    b = parse(body + "Sources\n" + notes)
    assert citations(b) == [[i] for i in range(1, n + 1)]
    assert b.bullets[-1].text == f"Point numéro {n} du jour."


def test_malformed_url_in_a_footnote_does_not_raise() -> None:
    b = parse("- Point[1]\n\nSources\n[1] see http://[oops and more\n")
    assert footnote(b, 1).source is not None


@pytest.mark.parametrize(
    "text",
    [
        "• " + "mot1. " * 40_000 + "\nSources\n1. x\n",  # many glued markers in one bullet
        "• x1\nSources\n1. " + "« " * 200_000 + "\n",  # unclosed quotes in a footnote
        "• x1\nSources\n1. " + '"a' * 200_000 + "\n",
        "• " + "[1] " * 50_000 + "\nSources\n1. x\n",
        "<html><body>" + "<div>" * 20_000 + "deep text<sup>1</sup>" + "</div>" * 20_000,
    ],
)
def test_pathological_input_parses_in_linear_time(text: str) -> None:
    started = time.perf_counter()
    b = parse(text, "big.html" if text.startswith("<") else "big.txt")
    assert time.perf_counter() - started < 3
    assert b.passages
