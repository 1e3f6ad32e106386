"""Write a parsed briefing back out as .docx, .odt or .pdf, to time reading the same text in each format.

The body keeps its order and kinds (bullets as list items, paragraphs as paragraphs) and each
note stays a real note of the format where the format has them: Word footnotes in
word/footnotes.xml, OpenDocument `text:note` elements. A PDF has none, so its passages end in
`[n]` markers and its notes follow under a `Notes` heading, as a briefing printed to PDF shows
them. Markers stand at the end of their passage, where briefings mostly cite.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from index.records import Briefing, Passage

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # a Unicode font: French text in fpdf2
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


def _notes(b: Briefing) -> dict[int, str]:
    return {n.number: n.text for n in b.footnotes}


def to_docx(b: Briefing) -> bytes:
    import docx
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml

    d = docx.Document()
    notes = _notes(b)
    for p in b.body:
        para = d.add_paragraph(p.text, style="List Bullet" if p.kind == "bullet" else None)
        for n in p.footnotes:
            if n in notes:
                para.add_run()._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{_W}" w:id="{n}"/>'))
    if notes:
        body = "".join(
            f'<w:footnote w:id="{n}"><w:p><w:r><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
            for n, text in notes.items()
        )
        xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{_W}">{body}</w:footnotes>'
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
        part = Part(PackURI("/word/footnotes.xml"), content_type, xml.encode(), d.part.package)
        d.part.relate_to(part, f"{_RT}/footnotes")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _odt_passage(p: Passage, notes: dict[int, str]) -> str:
    refs = "".join(
        f'<text:note text:id="ftn{n}" text:note-class="footnote"><text:note-citation>{n}</text:note-citation>'
        f"<text:note-body><text:p>{escape(notes[n])}</text:p></text:note-body></text:note>"
        for n in p.footnotes
        if n in notes
    )
    return f"<text:p>{escape(p.text)}{refs}</text:p>"


def to_odt(b: Briefing) -> bytes:
    notes = _notes(b)
    parts: list[str] = []
    in_list = False
    for p in b.body:
        if p.kind == "bullet" and not in_list:
            parts.append('<text:list text:style-name="L1">')
        elif p.kind != "bullet" and in_list:
            parts.append("</text:list>")
        in_list = p.kind == "bullet"
        item = _odt_passage(p, notes)
        parts.append(f"<text:list-item>{item}</text:list-item>" if in_list else item)
    if in_list:
        parts.append("</text:list>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        f"<office:body><office:text>{''.join(parts)}</office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODT_MIMETYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "mimetype", _ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED
        )  # first and stored, as ODF asks
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def to_pdf(b: Briefing) -> tuple[bytes, int]:
    """The PDF's bytes and its page count."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    notes = _notes(b)
    for p in b.body:
        markers = "".join(f"[{n}]" for n in p.footnotes if n in notes)
        text = ("• " if p.kind == "bullet" else "") + p.text + markers
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    if notes:
        pdf.set_font("DejaVu", "B", size=12)
        pdf.multi_cell(0, 8, "Notes", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=9)
        for n, text in notes.items():
            pdf.multi_cell(0, 5, f"{n}. {text}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output()), pdf.page
