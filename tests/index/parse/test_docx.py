"""Word .docx briefings: body order, kinds, headings, and real footnotes and endnotes linked to their citers."""

from __future__ import annotations

import io
import zipfile

import pytest

from index.parse.reader import parse_bytes
from index.records import Briefing, SkippedFile
from tests.helpers.word import W, add_notes


def _reference(run: object, tag: str, ident: int) -> None:
    from docx.oxml import parse_xml

    run._r.append(parse_xml(f'<w:{tag}Reference xmlns:w="{W}" w:id="{ident}"/>'))  # type: ignore[attr-defined]


def make_docx(*, endnotes: bool = True) -> bytes:
    """A briefing with a title, headings, paragraphs, a bulleted and a numbered list, a table,
    footnotes (ids out of order, as Word leaves them after edits) and an endnote."""
    import docx

    d = docx.Document()
    d.add_paragraph("Revue de presse Sahel", style="Title")
    d.add_heading("Contexte", level=1)
    p = d.add_paragraph("La junte malienne a annoncé le retrait de la force Takuba du pays.")
    _reference(p.add_run(), "footnote", 7)
    d.add_paragraph("Le ministre a précisé que le calendrier reste ouvert aux discussions.")
    d.add_heading("Faits marquants", level=2)
    item = d.add_paragraph("Le convoi a été attaqué près de Gao mardi soir.", style="List Bullet")
    _reference(item.add_run(), "footnote", 3)
    d.add_paragraph("Deux soldats ont été blessés selon l’état-major.", style="List Bullet")
    numbered = d.add_paragraph("Les renforts arriveront de Niamey la semaine prochaine.", style="List Number")
    if endnotes:
        _reference(numbered.add_run(), "endnote", 2)
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Gao"
    table.rows[0].cells[1].text = "Deux attaques recensées en septembre."
    d.add_paragraph("")  # an empty paragraph is no passage
    d.add_paragraph("Une réunion de l’Union africaine est prévue à Addis-Abeba vendredi.")
    add_notes(
        d,
        "footnote",
        [
            (3, "RFI, « Attaque près de Gao », 14 septembre 2022."),
            (7, "Le Monde, « Le Mali et Takuba », 12 septembre 2022."),
        ],
    )
    if endnotes:
        add_notes(d, "endnote", [(2, "Jeune Afrique, « Renforts nigériens », 15 septembre 2022.")])
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return parse_bytes(make_docx(), "/briefings/sahel-2022-09-15.docx")


def test_body_is_read_in_order_with_kinds(briefing: Briefing) -> None:
    body = [(p.kind, p.text) for p in briefing.body]
    assert body == [
        ("paragraph", "La junte malienne a annoncé le retrait de la force Takuba du pays."),
        ("paragraph", "Le ministre a précisé que le calendrier reste ouvert aux discussions."),
        ("bullet", "Le convoi a été attaqué près de Gao mardi soir."),
        ("bullet", "Deux soldats ont été blessés selon l’état-major."),
        ("bullet", "Les renforts arriveront de Niamey la semaine prochaine."),
        ("paragraph", "Gao | Deux attaques recensées en septembre."),
        ("paragraph", "Une réunion de l’Union africaine est prévue à Addis-Abeba vendredi."),
    ]
    assert [p.number for p in briefing.body] == list(range(1, 8))


def test_title_headings_and_date(briefing: Briefing) -> None:
    assert briefing.title == "Revue de presse Sahel"
    assert briefing.date == "2022-09-15"  # from the file name
    assert briefing.language == "fr"
    assert briefing.body[0].section == "Contexte"
    assert briefing.body[2].section == "Contexte › Faits marquants"
    assert all(p.text != "Contexte" for p in briefing.passages)


def test_footnotes_and_endnotes_are_numbered_in_reading_order_and_linked(briefing: Briefing) -> None:
    notes = {n.number: n for n in briefing.footnotes}
    assert sorted(notes) == [1, 2, 3]
    # Footnote id 7 is cited first, so it is note 1; id 3 is note 2; the endnote follows the footnotes.
    assert notes[1].text.startswith("Le Monde") and notes[1].cited_by == [1]
    assert notes[2].text.startswith("RFI") and notes[2].cited_by == [3]
    assert notes[3].text.startswith("Jeune Afrique") and notes[3].cited_by == [5]
    assert briefing.body[0].footnotes == [1]
    assert briefing.body[2].footnotes == [2]
    assert briefing.body[4].footnotes == [3]
    assert notes[2].source is not None and notes[2].source.date == "2022-09-14"
    assert all("separator" not in n.text for n in briefing.footnotes)


def test_offsets_point_into_the_converted_text() -> None:
    from index.parse import docx

    data = make_docx()
    text = docx.to_text(data, max_bytes=1 << 20).text
    b = parse_bytes(data, "x.docx")
    for p in b.passages:
        assert 0 <= p.start < p.end <= len(text)
        assert p.text.split()[0] in text[p.start : p.end]
    assert b.id == parse_bytes(data, "renamed.docx").id


def test_footnotes_only_and_no_notes() -> None:
    b = parse_bytes(make_docx(endnotes=False), "n.docx")
    assert [n.number for n in b.footnotes] == [1, 2]
    import docx

    d = docx.Document()
    d.add_paragraph("Une seule phrase sans note de bas de page.")
    out = io.BytesIO()
    d.save(out)
    plain = parse_bytes(out.getvalue(), "plain.docx")
    assert [p.text for p in plain.passages] == ["Une seule phrase sans note de bas de page."]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"this is not a zip file at all", r"not a valid \.docx file"),
        (b"PK\x03\x04" + b"\x00" * 40, r"not a valid \.docx file"),
    ],
)
def test_corrupt_docx_is_skipped_with_its_reason(data: bytes, reason: str) -> None:
    with pytest.raises(SkippedFile, match=reason):
        parse_bytes(data, "broken.docx")


def test_zip_without_document_or_with_broken_xml_is_skipped() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(SkippedFile, match=r"no word/document\.xml"):
        parse_bytes(out.getvalue(), "empty.docx")
    good = zipfile.ZipFile(io.BytesIO(make_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in good.infolist():
            data = good.read(info)
            z.writestr(info, data[: len(data) // 2] if info.filename == "word/document.xml" else data)
    with pytest.raises(SkippedFile, match=r"not a valid \.docx file"):
        parse_bytes(out.getvalue(), "truncated.docx")


def test_a_document_without_text_is_skipped() -> None:
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    with pytest.raises(SkippedFile, match="no text to index"):
        parse_bytes(out.getvalue(), "blank.docx")


def test_size_limit_applies() -> None:
    with pytest.raises(SkippedFile, match="over the 100-byte limit"):
        parse_bytes(make_docx(), "big.docx", max_bytes=100)
