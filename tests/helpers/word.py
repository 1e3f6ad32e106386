"""Real Word footnotes and endnotes in a python-docx document: the notes part and its relation,
as Word writes them (two separators, then each note with its reference mark)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal
from xml.sax.saxutils import escape

NoteKind = Literal["footnote", "endnote"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.{tag}s+xml"
_SEPARATORS = (
    '<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>'
    '<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{tag}>'
)


def notes_xml(tag: NoteKind, notes: Iterable[tuple[int, str]]) -> bytes:
    """A footnotes or endnotes part: (id, text) of each note."""
    ref = "footnoteRef" if tag == "footnote" else "endnoteRef"
    style = "FootnoteText" if tag == "footnote" else "EndnoteText"
    body = "".join(
        f'<w:{tag} w:id="{ident}"><w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>'
        f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{ref}/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:{tag}>'
        for ident, text in notes
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{tag}s xmlns:w="{W}">'
        + _SEPARATORS.format(tag=tag)
        + body
        + f"</w:{tag}s>"
    ).encode()


def add_notes(document: Any, tag: NoteKind, notes: Iterable[tuple[int, str]]) -> None:
    """Add the `tag`s part holding `notes` to a python-docx document, related as Word does."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    blob = notes_xml(tag, notes)
    part = Part(PackURI(f"/word/{tag}s.xml"), _CONTENT_TYPE.format(tag=tag), blob, document.part.package)
    document.part.relate_to(part, f"{RT}/{tag}s")
