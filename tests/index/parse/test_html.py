"""HTML briefings: list items and paragraphs as passages, <sup> markers, sources, offsets into the HTML."""

from __future__ import annotations

from tests.helpers.parsing import assert_offsets_cover, citations, footnote, parse

HTML = """<!DOCTYPE html>
<html><head><title>Point du jour</title><meta name="date" content="2023-05-06"></head>
<body>
<ul>
  <li>Le ministre a démissionné<sup>1</sup> hier.</li>
  <li><p>Les prix du pétrole &amp; du gaz montent<sup>2</sup>.</p></li>
  <li>Un point sans source.</li>
</ul>
<h2>Sources</h2>
<ol>
  <li>« Démission », Le Monde, 5 mai 2023</li>
  <li>https://www.reuters.com/x</li>
</ol>
</body></html>
"""


def test_html_list_items_sup_markers_and_sources() -> None:
    b = parse(HTML, "brief.html")
    assert (b.title, b.date, b.language) == ("Point du jour", "2023-05-06", "fr")
    assert [p.text for p in b.bullets] == [
        "Le ministre a démissionné hier.",
        "Les prix du pétrole & du gaz montent.",
        "Un point sans source.",
    ]
    assert citations(b) == [[1], [2], []]
    s1 = footnote(b, 1).source
    assert s1 is not None and (s1.title, s1.outlet) == ("Démission", "Le Monde")
    assert footnote(b, 2).source is not None and footnote(b, 2).source.outlet == "reuters.com"


def test_html_offsets_point_at_the_element() -> None:
    b = parse(HTML, "brief.html")
    assert_offsets_cover(HTML.replace("&amp;", "&"), b)  # same words; &amp; decodes to &
    first = HTML[b.bullets[0].start : b.bullets[0].end]
    assert "Le ministre a démissionné<sup>1</sup> hier." in first
    second = HTML[b.bullets[1].start : b.bullets[1].end]
    assert "montent<sup>2</sup>." in second


def test_html_paragraphs_are_separate_passages() -> None:
    html = (
        "<html><body><p>Premier paragraphe de la note.</p><p>Second paragraphe de la note.</p></body></html>"
    )
    b = parse(html, "x.html")
    assert [p.text for p in b.body] == ["Premier paragraphe de la note.", "Second paragraphe de la note."]


def test_html_offsets_survive_nul_bytes() -> None:
    html = "<html><body>\x00\x00<ul><li>Alpha point here</li></ul></body></html>"
    b = parse(html, "x.html")
    assert "Alpha point here" in html[b.bullets[0].start : b.bullets[0].end]
