"""Text PDF briefings: reading order, superscript markers, page-bottom notes across pages, pages, headers set aside."""

from __future__ import annotations

import io

import pytest

from index.parse.reader import parse_bytes
from index.records import Briefing, SkippedFile

HEADER = "Note confidentielle - Revue Sahel"
BODY = [
    # (page, kind, text, the note it cites)
    (1, "paragraph", "La junte malienne a annoncé le retrait de la force Takuba du pays après neuf années de "
     "présence militaire française et européenne dans la région.", 1),
    (1, "bullet", "Le convoi a été attaqué près de Gao mardi soir.", 2),
    (1, "bullet", "Deux soldats ont été blessés selon l'état-major.", None),
    (1, "paragraph", "Le ministre a précisé que le calendrier reste ouvert aux discussions avec les partenaires.", None),
    (2, "paragraph", "Une réunion de l'Union africaine est prévue à Addis-Abeba vendredi.", 3),
]  # fmt: skip
NOTES = {
    1: (1, "Le Monde, « Le Mali et Takuba », 12 septembre 2022."),
    2: (1, "RFI, « Attaque près de Gao », 14 septembre 2022."),
    3: (2, "Jeune Afrique, « Réunion de l'UA », 15 septembre 2022."),
}


def make_pdf() -> bytes:
    """Two A4 pages: a header line and a page number on each, a bold title, paragraphs and bullets
    whose markers are superscripts (smaller and raised), and notes at the bottom of their page in a
    smaller font; note 3 sits on page 2 and is cited there."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 20, 20)
    page = 0
    for number, kind, text, note in [(i, *b[1:]) for i, b in enumerate(BODY)]:
        if BODY[number][0] != page:
            page = BODY[number][0]
            pdf.add_page()
            pdf.set_font("Helvetica", size=9)
            pdf.set_xy(20, 10)
            pdf.cell(0, 5, HEADER)
            pdf.set_xy(20, 285)
            pdf.cell(0, 5, f"Page {page} / 2")
            if page == 1:
                pdf.set_font("Helvetica", "B", size=18)
                pdf.set_xy(20, 25)
                pdf.cell(0, 10, "Revue de presse Sahel")
            pdf.set_xy(20, 45 if page == 1 else 25)
            pdf.set_font("Helvetica", size=8)
            for n, (p, note_text) in NOTES.items():
                if p == page:
                    pdf.set_xy(20, 260 + 5 * n)
                    pdf.write(4, f"{n} {note_text}")
            pdf.set_xy(20, 45 if page == 1 else 25)
            pdf.set_font("Helvetica", size=11)
        pdf.write(6, ("- " if kind == "bullet" else "") + text)
        if note:
            pdf.char_vpos = "SUP"
            pdf.write(6, str(note))
            pdf.char_vpos = "LINE"
        pdf.ln(12 if kind == "paragraph" else 8)
    return bytes(pdf.output())


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return parse_bytes(make_pdf(), "/briefings/sahel-2022-09-15.pdf")


def test_fixture_is_small() -> None:
    assert len(make_pdf()) < 8000


def test_body_in_order_with_kinds_and_pages(briefing: Briefing) -> None:
    assert [(p.page, p.kind, p.text) for p in briefing.body] == [
        (page, kind, text) for page, kind, text, _ in BODY
    ]
    assert briefing.title == "Revue de presse Sahel"
    assert briefing.date == "2022-09-15"


def test_superscript_markers_link_to_page_bottom_notes_across_pages(briefing: Briefing) -> None:
    notes = {n.number: n for n in briefing.footnotes}
    assert {n: (p.page, p.text) for n, p in notes.items()} == NOTES
    for passage, (_, _, _, note) in zip(briefing.body, BODY, strict=True):
        assert passage.footnotes == ([note] if note else [])
        if note:
            assert notes[note].cited_by == [passage.number]
    assert notes[2].source is not None and notes[2].source.date == "2022-09-14"


def test_headers_footers_and_page_numbers_are_no_passage(briefing: Briefing) -> None:
    texts = " ".join(p.text for p in briefing.passages)
    assert HEADER not in texts and "Page 1" not in texts and "Page 2" not in texts
    assert not briefing.warnings


def test_markers_before_punctuation_and_plain_digits_stay() -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.write(6, "Le budget atteint 1200 millions en 2022 selon le ministre.")
    pdf.ln(12)
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(10, 270)
    pdf.write(4, "Tiré à 40 exemplaires.")  # small text at the bottom without a number: not a note
    b = parse_bytes(bytes(pdf.output()), "one.pdf")
    assert [p.text for p in b.passages] == [
        "Le budget atteint 1200 millions en 2022 selon le ministre.",
        "Tiré à 40 exemplaires.",
    ]
    assert all(p.page == 1 and p.kind == "paragraph" for p in b.passages)


def _image_only_pdf() -> bytes:
    from fpdf import FPDF
    from PIL import Image

    img = io.BytesIO()
    Image.new("L", (40, 20), 200).save(img, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(img, x=10, y=10, w=80)
    return bytes(pdf.output())


def _empty_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    return bytes(pdf.output())


@pytest.mark.parametrize("make", [_image_only_pdf, _empty_pdf])
def test_scanned_or_empty_pdf_is_skipped_with_its_reason(make) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SkippedFile, match=r"no text layer \(scanned PDF\?\)"):
        parse_bytes(make(), "scan.pdf")


@pytest.mark.parametrize("data", [b"%PDF-1.4 garbage", b"not a pdf at all", b""])
def test_broken_pdf_is_skipped_with_its_reason(data: bytes) -> None:
    with pytest.raises(SkippedFile, match="not a readable PDF"):
        parse_bytes(data, "broken.pdf")


def test_offsets_and_ids(briefing: Briefing) -> None:
    from index.parse import pdf

    text = pdf.to_text(make_pdf()).text
    for p in briefing.passages:
        assert 0 <= p.start < p.end <= len(text)
    assert briefing.id == parse_bytes(make_pdf(), "other-name.pdf").id


def _endnotes_pdf() -> bytes:
    """Two pages, each with a running header and page number: paragraphs citing [1]–[4], then a
    bold "Endnotes" title near the foot of page 1 with notes 1 and 2 under it in a smaller font,
    and notes 3 and 4 at the top of page 2, all four of the same shape."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    for page in (1, 2):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(20, 10)
        pdf.cell(0, 5, "Sahel weekly - restricted")
        pdf.set_xy(20, 285)
        pdf.cell(0, 5, f"{page}")
    pdf.page = 1
    pdf.set_font("Helvetica", size=11)
    pdf.set_xy(20, 30)
    for n in range(1, 5):
        pdf.multi_cell(
            170,
            6,
            f"Paragraph {n} says that the convoy number {n} of the logistics battalion reached Gao on "
            f"time, after three days on the road from Niamey and two halts at the border [{n}].",
        )
        pdf.ln(4)
    pdf.set_font("Helvetica", "B", size=13)
    pdf.set_xy(20, 255)
    pdf.cell(0, 6, "Endnotes")
    pdf.set_font("Helvetica", size=9)
    for n, y in ((1, 266), (2, 272)):
        pdf.set_xy(20, y)
        pdf.cell(0, 5, f"{n}. Reuters, 4 March.")
    pdf.page = 2
    for n, y in ((3, 22), (4, 28)):
        pdf.set_xy(20, y)
        pdf.cell(0, 5, f"{n}. Reuters, 4 March.")
    return bytes(pdf.output())


def test_an_endnotes_list_across_a_page_break_is_read_as_notes_and_nothing_is_lost() -> None:
    b = parse_bytes(_endnotes_pdf(), "endnotes.pdf")
    assert [p.footnotes for p in b.body] == [[1], [2], [3], [4]]
    assert [(n.number, n.page, n.text) for n in b.footnotes] == [
        (1, 1, "Reuters, 4 March."),
        (2, 1, "Reuters, 4 March."),
        (3, 2, "Reuters, 4 March."),
        (4, 2, "Reuters, 4 March."),
    ]
    # The running header and the page numbers are set aside, and said to be.
    assert not any("restricted" in p.text for p in b.passages)
    assert dict(b.set_aside)["page header, footer or number"] == 2 * len("Sahelweekly-restricted") + 2
