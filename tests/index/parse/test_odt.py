"""OpenDocument .odt briefings: body order, kinds, headings, tables, and notes linked to their citers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from index.parse import odt
from index.parse.reader import parse_bytes
from index.records import Briefing, SkippedFile

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)
MIMETYPE = "application/vnd.oasis.opendocument.text"


def note(n: int, text: str, cls: str = "footnote") -> str:
    """A note as LibreOffice writes it: its own citation number, then its body."""
    return (
        f'<text:note text:id="ftn{n}" text:note-class="{cls}"><text:note-citation>{n}</text:note-citation>'
        f'<text:note-body><text:p text:style-name="Footnote">{text}</text:p></text:note-body></text:note>'
    )


# A briefing with a title, headings, paragraphs, nested bullet and numbered lists, a table, two
# footnotes and an endnote cited before the second footnote, spaces, tabs, a line break, spans,
# a link, a comment, a text box and a deleted revision.
BODY = (
    '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
    "<text:p>Texte supprimé à ne pas indexer.</text:p></text:deletion></text:changed-region></text:tracked-changes>"
    '<text:p text:style-name="P1">Revue de presse Sahel</text:p>'
    '<text:h text:outline-level="1">Contexte</text:h>'
    "<text:p>La junte malienne a annoncé le <text:span>retrait</text:span> de la force Takuba du pays."
    + note(1, "Le Monde, « Le Mali et Takuba », 12 septembre 2022.")
    + "</text:p>"
    "<text:p>Le ministre a précisé<text:s/>que le calendrier<text:tab/>reste ouvert<text:line-break/>aux discussions."
    "<office:annotation><text:p>Commentaire de relecture</text:p></office:annotation></text:p>"
    '<text:h text:outline-level="2">Faits marquants</text:h>'
    '<text:list text:style-name="L1">'
    "<text:list-item><text:p>Le convoi a été attaqué près de Gao mardi soir."
    + note(2, "Jeune Afrique, « Renforts nigériens », 15 septembre 2022.", "endnote")
    + "</text:p>"
    "<text:list><text:list-item><text:p>Deux soldats ont été blessés selon l’état-major.</text:p></text:list-item></text:list>"
    "</text:list-item>"
    "</text:list>"
    '<text:list text:style-name="Numbering_20_123"><text:list-item><text:p>Les renforts arriveront de Niamey'
    " la semaine prochaine." + note(3, "RFI, « Attaque près de Gao », 14 septembre 2022.") + "</text:p>"
    "</text:list-item></text:list>"
    '<table:table table:name="T1"><table:table-column table:number-columns-repeated="2"/>'
    "<table:table-header-rows><table:table-row><table:table-cell><text:p>Ville</text:p></table:table-cell>"
    "<table:table-cell><text:p>Incidents</text:p></table:table-cell></table:table-row></table:table-header-rows>"
    "<table:table-row><table:table-cell><text:p>Gao</text:p></table:table-cell>"
    "<table:table-cell><text:p>Deux attaques recensées en septembre.</text:p></table:table-cell></table:table-row>"
    "</table:table>"
    "<text:p/>"
    '<text:p><draw:frame draw:name="cadre"><draw:text-box><text:p>Légende de l’encadré</text:p></draw:text-box>'
    "</draw:frame>Une réunion de l’Union africaine est prévue à "
    '<text:a xlink:href="https://au.int/fr/agenda">Addis-Abeba</text:a> vendredi.</text:p>'
)


def make_odt(
    body: str = BODY,
    *,
    title: str | None = "Titre des métadonnées",
    date: str | None = "2026-11-02T10:15:00",
    manifest_extra: str = "",
) -> bytes:
    """An .odt package as LibreOffice lays it out: `mimetype` first and stored, then the parts."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NS} office:version="1.3">'
        '<office:automatic-styles><style:style style:name="P1" style:family="paragraph" '
        'style:parent-style-name="Title"/></office:automatic-styles>'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    meta_fields = (f"<dc:title>{title}</dc:title>" if title else "") + (
        f"<meta:creation-date>{date}</meta:creation-date>" if date else ""
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_NS} office:version="1.3">'
        f"<office:meta>{meta_fields}</office:meta></office:document-meta>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
        f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest_extra}'
        "</manifest:file-entry>"
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", MIMETYPE, compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("meta.xml", meta, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.fixture(scope="module")
def briefing() -> Briefing:
    return parse_bytes(make_odt(), "/briefings/sahel-2022-09-15.odt")


def test_body_is_read_in_order_with_kinds(briefing: Briefing) -> None:
    body = [(p.kind, p.text) for p in briefing.body]
    assert body == [
        ("paragraph", "La junte malienne a annoncé le retrait de la force Takuba du pays."),
        ("paragraph", "Le ministre a précisé que le calendrier reste ouvert aux discussions."),
        ("bullet", "Le convoi a été attaqué près de Gao mardi soir."),
        ("bullet", "Deux soldats ont été blessés selon l’état-major."),
        ("bullet", "Les renforts arriveront de Niamey la semaine prochaine."),
        # A table is one passage.
        ("paragraph", "Ville | Incidents Gao | Deux attaques recensées en septembre."),
        (
            "paragraph",
            "Une réunion de l’Union africaine est prévue à Addis-Abeba (https://au.int/fr/agenda) vendredi.",
        ),
    ]
    assert [p.number for p in briefing.body] == list(range(1, 8))


def test_deleted_text_comments_and_text_boxes_are_not_passages_and_are_counted(briefing: Briefing) -> None:
    everything = " ".join(p.text for p in briefing.passages)
    for absent in ("Texte supprimé", "Commentaire de relecture", "Légende de l’encadré"):
        assert absent not in everything
    set_aside = dict(briefing.set_aside)
    chars = lambda text: len("".join(text.split()))  # noqa: E731
    assert set_aside[odt.GENERATED] == chars("Texte supprimé à ne pas indexer.") + chars(
        "Commentaire de relecture"
    )
    assert set_aside[odt.DRAWING] >= chars("Légende de l’encadré")


def test_title_headings_and_dates(briefing: Briefing) -> None:
    assert briefing.title == "Revue de presse Sahel"  # the Title paragraph beats the metadata
    assert briefing.date == "2022-09-15"  # the file name beats the file's creation date
    assert briefing.language == "fr"
    assert briefing.body[0].section == "Contexte"
    assert briefing.body[2].section == "Contexte › Faits marquants"
    assert all(
        p.text not in ("Contexte", "Faits marquants", "Revue de presse Sahel") for p in briefing.passages
    )


def test_metadata_gives_title_and_date_when_the_text_and_name_do_not() -> None:
    body = "<text:p>Le convoi a été attaqué près de Gao mardi soir, selon l’état-major.</text:p>"
    b = parse_bytes(make_odt(body), "note.odt")
    assert (b.title, b.date) == ("Titre des métadonnées", "2026-11-02")
    bare = parse_bytes(make_odt(body, title=None, date=None), "note.odt")
    assert (bare.title, bare.date) == (None, None)


def test_footnotes_and_endnotes_are_numbered_in_reading_order_and_linked(briefing: Briefing) -> None:
    notes = {n.number: n for n in briefing.footnotes}
    assert sorted(notes) == [1, 2, 3]
    # The endnote is cited before the second footnote but numbered after the last footnote,
    # whatever citation number LibreOffice stored.
    assert notes[1].text.startswith("Le Monde") and notes[1].cited_by == [1]
    assert notes[2].text.startswith("RFI") and notes[2].cited_by == [5]
    assert notes[3].text.startswith("Jeune Afrique") and notes[3].cited_by == [3]
    assert [briefing.body[i].footnotes for i in (0, 2, 4)] == [[1], [3], [2]]
    assert notes[2].source is not None and notes[2].source.date == "2022-09-14"
    assert notes[2].source.title == "Attaque près de Gao"


def test_converted_text_keeps_structure_and_offsets_point_into_it() -> None:
    from index.parse import odt

    data = make_odt()
    converted = odt.to_text(data, max_bytes=1 << 20)
    text = converted.text
    assert converted.notes == 3
    assert "## Contexte" in text and "### Faits marquants" in text
    assert "\n  • Deux soldats" in text  # the nested list is one level in
    assert "| Gao | Deux attaques recensées en septembre. |" in text
    b = parse_bytes(data, "x.odt")
    for p in b.passages:
        assert 0 <= p.start < p.end <= len(text)
        assert p.text.split()[0] in text[p.start : p.end]
    assert b.id == parse_bytes(data, "renamed.odt").id


def test_notes_inside_table_cells_and_a_heading_inside_a_list() -> None:
    body = (
        '<text:p text:style-name="Title">Point de situation</text:p>'
        '<text:list><text:list-item><text:h text:outline-level="1">Analyse</text:h></text:list-item></text:list>'
        "<table:table><table:table-row><table:table-cell><text:p>Niger"
        + note(1, "AFP, « Niamey », 3 octobre 2022.")
        + "</text:p></table:table-cell><table:table-cell><text:p>Trois convois escortés vers la frontière.</text:p>"
        "</table:table-cell></table:table-row></table:table>"
    )
    b = parse_bytes(make_odt(body), "t.odt")
    [row] = b.body
    assert (row.kind, row.text, row.section, row.footnotes) == (
        "paragraph",
        "Niger | Trois convois escortés vers la frontière.",
        "Analyse",
        [1],
    )
    assert b.footnotes[0].text.startswith("AFP") and b.footnotes[0].cited_by == [1]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"this is not a zip file at all", r"not a valid \.odt file"),
        (b"PK\x03\x04" + b"\x00" * 40, r"not a valid \.odt file"),
    ],
)
def test_corrupt_odt_is_skipped_with_its_reason(data: bytes, reason: str) -> None:
    with pytest.raises(SkippedFile, match=reason):
        parse_bytes(data, "broken.odt")


def _rewritten(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The same package with some parts replaced (or dropped, for None)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            if info.filename in changes:
                if changes[info.filename] is not None:
                    z.writestr(info, changes[info.filename])  # type: ignore[arg-type]
            else:
                z.writestr(info, src.read(info))
    return out.getvalue()


def test_broken_parts_are_skipped_with_their_reason() -> None:
    data = make_odt()
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    with pytest.raises(SkippedFile, match=r"no content\.xml"):
        parse_bytes(_rewritten(data, {"content.xml": None}), "empty.odt")
    with pytest.raises(SkippedFile, match=r"not a valid \.odt file \(XMLSyntaxError"):
        parse_bytes(_rewritten(data, {"content.xml": content[: len(content) // 2]}), "truncated.odt")
    spreadsheet = _rewritten(data, {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
    with pytest.raises(SkippedFile, match=r"not an OpenDocument text file .*spreadsheet"):
        parse_bytes(spreadsheet, "sheet.odt")
    # Broken metadata costs the metadata only.
    b = parse_bytes(_rewritten(data, {"meta.xml": b"<office:document-meta"}), "meta.odt")
    assert len(b.body) == 7 and b.title == "Revue de presse Sahel"


def test_a_password_protected_odt_is_skipped_with_its_reason() -> None:
    encryption = (
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
        "</manifest:encryption-data>"
    )
    with pytest.raises(SkippedFile, match="password-protected"):
        parse_bytes(make_odt(manifest_extra=encryption), "secret.odt")


def test_a_document_without_text_is_skipped() -> None:
    with pytest.raises(SkippedFile, match="no text to index"):
        parse_bytes(make_odt("<text:p/><text:p>   </text:p>"), "blank.odt")


def test_size_limits_apply() -> None:
    with pytest.raises(SkippedFile, match="over the 100-byte limit"):
        parse_bytes(make_odt(), "big.odt", max_bytes=100)
    # A small file that unzips to far more than the limit is refused before its XML is read.
    bomb = make_odt("<text:p>" + "a" * 400_000 + "</text:p>")
    assert len(bomb) < 20_000
    with pytest.raises(SkippedFile, match="unzips to"):
        parse_bytes(bomb, "bomb.odt", max_bytes=20_000)


def test_a_folder_with_an_odt_is_indexed_and_searched(tmp_path: Path) -> None:
    from index.search.hybrid import Searcher
    from index.store.builder import update_index
    from tests.helpers.embedders import HashEmbedder

    folder = tmp_path / "briefings"
    folder.mkdir()
    (folder / "sahel-2022-09-15.odt").write_bytes(make_odt())
    (folder / "broken.odt").write_bytes(b"PK\x03\x04 not really")
    embedder = HashEmbedder()
    report = update_index(tmp_path / "ix", [folder], embedder)  # type: ignore[arg-type]
    assert report.briefings == 1 and report.passages == 7 + 3
    assert [s["file"].rsplit("/", 1)[-1] for s in report.skipped] == ["broken.odt"]
    assert "not a valid .odt file" in report.skipped[0]["reason"]
    s = Searcher(tmp_path / "ix", embedder)  # type: ignore[arg-type]
    hit = next(h for h in s.search("retrait de la force Takuba", k=5) if h.kind == "paragraph")
    assert hit.file == "sahel-2022-09-15.odt" and hit.number == 1 and hit.page is None
    assert hit.briefing_date == "2022-09-15"
    assert hit.footnotes[0]["text"].startswith("Le Monde")
    s.close()
