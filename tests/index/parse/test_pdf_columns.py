"""A PDF page set in two columns is read column by column: no sentence is cut in two by the
line beside it, a paragraph goes on from the foot of the left column to the top of the right, and
a table of short labels beside their values stays row by row."""

from __future__ import annotations

from typing import Any

import pytest

from index.parse.reader import parse_bytes
from index.records import Briefing

TITLE = "Revue de presse Europe"
LEFT = [
    ("La Commission européenne a présenté mardi un plan de soutien aux industries de l'énergie "
     "qui prévoit des garanties publiques pour les contrats de long terme signés avec les "
     "producteurs d'électricité renouvelable.", 1),
    ("Les ministres des finances se réuniront le mois prochain à Bruxelles pour examiner le plan "
     "et son financement par le budget commun.", None),
]  # fmt: skip
# A paragraph that starts at the foot of the left column and ends at the top of the right one.
ACROSS = (
    "Le gouvernement allemand a confirmé que les négociations avec les syndicats de la "
    "métallurgie reprendront",
    "la semaine prochaine à Francfort, selon le porte-parole du ministère.",
    2,
)
RIGHT = [
    ("Le Parlement européen doit voter en plénière sur le texte avant la fin de l'année, après "
     "l'avis de sa commission de l'industrie.", 3),
    ("Plusieurs États membres ont demandé un délai supplémentaire pour transposer la directive "
     "dans leur droit national.", None),
]  # fmt: skip
NOTES = {
    1: "Le Monde, « Un plan pour l'énergie », 12 mars 2024.",
    2: "Handelsblatt, « Tarifverhandlungen », 13 mars 2024.",
    3: "Les Échos, « Le vote au Parlement », 14 mars 2024.",
}


def _column(pdf: Any, x: float, right_margin: float, top: float, parts: list[tuple[str, int | None]]) -> None:
    pdf.set_left_margin(x)
    pdf.set_right_margin(right_margin)
    pdf.set_xy(x, top)
    for text, note in parts:
        pdf.write(5, text)
        if note:
            pdf.char_vpos = "SUP"
            pdf.write(5, str(note))
            pdf.char_vpos = "LINE"
        pdf.ln(9)


def two_column_pdf() -> bytes:
    """An A4 page: a full-width title, two columns of 11-point text with superscript markers (a
    paragraph running from the foot of the left column to the top of the right one), notes
    across the page at its foot and a centred page number."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", size=18)
    pdf.set_xy(20, 20)
    pdf.cell(0, 10, TITLE)
    pdf.set_font("Helvetica", size=11)
    _column(pdf, 20, 112, 40, [*LEFT, (ACROSS[0], None)])
    _column(pdf, 108, 20, 40, [(ACROSS[1], ACROSS[2]), *RIGHT])
    pdf.set_left_margin(20)
    pdf.set_right_margin(20)
    pdf.set_font("Helvetica", size=8)
    for n, text in NOTES.items():
        pdf.set_xy(20, 255 + 5 * n)
        pdf.write(4, f"{n} {text}")
    pdf.set_xy(100, 285)
    pdf.cell(10, 5, "1")
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return parse_bytes(two_column_pdf(), "/briefings/europe-2024-03-15.pdf")


def test_the_columns_are_read_one_after_the_other_with_their_paragraphs_whole(briefing: Briefing) -> None:
    across = f"{ACROSS[0]} {ACROSS[1]}"
    assert [p.text for p in briefing.body] == [LEFT[0][0], LEFT[1][0], across, RIGHT[0][0], RIGHT[1][0]]
    assert briefing.title == TITLE


def test_markers_in_both_columns_reach_the_notes_at_the_foot_of_the_page(briefing: Briefing) -> None:
    assert {n.number: n.text for n in briefing.footnotes} == NOTES
    assert [p.footnotes for p in briefing.body] == [[1], [], [2], [3], []]


@pytest.mark.parametrize(
    "labels",
    [
        ["Pays", "Date", "Montant", "Durée", "Suivi", "Contact"],
        # labels as wide as their column, each row a record of its own
        ["Pays signataires de l'accord", "Date de la signature à Bruxelles", "Montant total engagé par l'UE",
         "Durée du programme de soutien", "Suivi parlementaire du plan", "Contact à la Commission"],
    ],
)  # fmt: skip
def test_a_table_of_labels_beside_values_stays_row_by_row(labels: list[str]) -> None:
    from fpdf import FPDF

    rows = [
        ("Pays", "France, Allemagne et Italie, signataires de l'accord de 2023"),
        ("Date", "Le 12 mars 2024, à Bruxelles, après trois jours de discussions"),
        ("Montant", "Quarante milliards d'euros sur cinq ans, prêts et subventions"),
        ("Durée", "Cinq ans renouvelables une fois par décision du Conseil"),
        ("Suivi", "Un rapport annuel remis au Parlement européen chaque printemps"),
        ("Contact", "Le secrétariat général de la Commission, direction de l'énergie"),
    ]
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    rows = [(label, value) for label, (_, value) in zip(labels, rows, strict=True)]
    for k, (label, value) in enumerate(rows):
        pdf.set_xy(20, 30 + 12 * k)
        pdf.cell(80, 6, label)
        pdf.set_xy(110, 30 + 12 * k)
        pdf.cell(80, 6, value)
    b = parse_bytes(bytes(pdf.output()), "table.pdf")
    text = " ".join(p.text for p in b.passages)
    for label, value in rows:
        assert f"{label} {value}" in text


def test_a_last_page_with_two_lines_in_its_right_column_keeps_the_documents_columns() -> None:
    from fpdf import FPDF

    last_left = [
        ("Les syndicats ont levé le préavis de grève déposé pour la fin du mois de septembre après "
         "un accord sur les salaires conclu dans la nuit avec la direction.", None),
        ("Le trafic ferroviaire reprendra lundi sur la ligne entre Paris et Lyon après les travaux "
         "de l'été, selon la compagnie.", None),
    ]  # fmt: skip
    last_right = "La compagnie publiera ses horaires d'hiver vendredi."
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    _column(pdf, 20, 112, 30, LEFT)
    _column(pdf, 108, 20, 30, RIGHT)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    _column(pdf, 20, 112, 30, last_left)
    _column(pdf, 108, 20, 30, [(last_right, None)])
    b = parse_bytes(bytes(pdf.output()), "/briefings/social-2024-09-20.pdf")
    assert [p.text for p in b.body] == [
        *(text for text, _ in LEFT),
        *(text for text, _ in RIGHT),
        *(text for text, _ in last_left),
        last_right,
    ]
    assert [p.page for p in b.body] == [1, 1, 1, 1, 2, 2, 2]


def test_a_running_header_across_the_gutter_and_notes_at_each_columns_foot() -> None:
    """A header whose title sits over the left column and page number over the right one is
    set aside whole; notes set at the foot of each column join their markers; a paragraph ending
    the left column ends there, though the right column starts with another."""
    from fpdf import FPDF

    left_end = "La réunion des ministres est prévue le mois prochain à Bruxelles pour examiner le texte."
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for page in (1, 2):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(20, 10)
        pdf.cell(60, 5, "Revue de presse Europe")
        pdf.set_xy(170, 10)
        pdf.cell(20, 5, f"Page {page}", align="R")
        pdf.set_font("Helvetica", size=11)
        if page == 2:  # other text: only the header comes back on every page
            _column(pdf, 20, 112, 30, [(f"Suite : {LEFT[1][0]} {LEFT[1][0]}", None)])
            _column(pdf, 108, 20, 30, [(f"Fin : {RIGHT[1][0]} {RIGHT[1][0]}", None)])
            continue
        _column(pdf, 20, 112, 30, [LEFT[0], (left_end, None)])
        _column(pdf, 108, 20, 30, RIGHT)
        pdf.set_font("Helvetica", size=8)
        pdf.set_left_margin(20)
        pdf.set_right_margin(112)
        pdf.set_xy(20, 270)
        pdf.write(4, f"1 {NOTES[1]}")
        pdf.set_left_margin(108)
        pdf.set_right_margin(20)
        pdf.set_xy(108, 270)
        pdf.write(4, f"3 {NOTES[3]}")
    b = parse_bytes(bytes(pdf.output()), "/briefings/europe-2024-03-15.pdf")
    page_one = [p.text for p in b.body if p.page == 1]
    assert page_one == [LEFT[0][0], left_end, RIGHT[0][0], RIGHT[1][0]]
    assert not any("Page" in p.text or "Revue de presse" in p.text for p in b.passages)
    assert {n.number: n.text for n in b.footnotes} == {1: NOTES[1], 3: NOTES[3]}
    assert [p.footnotes for p in b.body if p.page == 1] == [[1], [], [3], []]
