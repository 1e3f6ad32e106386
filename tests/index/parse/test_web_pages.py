"""Saved web pages: the body is read whole, site navigation and boilerplate are set aside by named
rules, notes sections under any notes title become the briefing's notes, offsets point into the file."""

from __future__ import annotations

from index.parse.html import to_text
from index.parse.html_rules import BOILERPLATE, METADATA, OUTSIDE_MAIN
from index.records import Briefing
from tests.helpers.parsing import assert_offsets_cover, footnote, parse

BODY = [
    "The Sahel has seen a sharp rise in armed attacks since 2021, with Burkina Faso the worst hit.",
    "Russian instructors replaced the French contingent in Mali within eighteen months.",
    "Regional trade fell by a third as border crossings closed and fuel convoys were attacked.",
    "Niger's junta suspended uranium exports to France in the weeks after the coup.",
]
ENDNOTES = [
    "ACLED, “Sahel conflict data, 2021-2023”, 14 January 2024; https://acleddata.com/sahel; "
    "https://acleddata.com/data-export-tool/",
    "Jane Smith, “Wagner in Mali”, RUSI Commentary, 3 May 2023.",
    "World Bank, “Sahel economic update”, 2023; https://www.worldbank.org/sahel-update.pdf; "
    "https://data.worldbank.org/region/sahel",
]
NAV = ["Research", "Programmes", "Events", "About us", "Donate", "Subscribe to our newsletter"]
THINK_TANK = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>The Sahel after the French withdrawal | Global Policy Institute</title>
<script>window.dataLayer = [{{"page": "report"}}];</script>
<style>.nav {{ display: flex }}</style>
</head>
<body class="report has-sidebar">
<div id="cookie-banner" class="cookie-consent">
  <p>We use cookies to improve your experience. <button>Accept all cookies</button></p>
</div>
<header class="site-header">
  <a href="/" class="logo">Global Policy Institute</a>
  <nav aria-label="Main">
    <ul>{"".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in NAV)}</ul>
  </nav>
</header>
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/research">Research</a> › Reports</div>
<main id="content">
<article>
  <header>
    <h1>The Sahel after the French withdrawal</h1>
    <p class="byline">By Jane Doe | 12 March 2024 | 8 min read</p>
    <div class="share-tools"><a href="https://twitter.com/share">Share on X</a>
      <a href="https://linkedin.com/share">LinkedIn</a></div>
  </header>
  <p>{BODY[0].replace("2021,", "2021,<sup>1</sup>")}</p>
  <h2>Security</h2>
  <p>{BODY[1].replace("months.", "months.<sup><a href='#fn2' id='fnref2'>2</a></sup>")}</p>
  <p>{BODY[2].replace("attacked.", "attacked [3].")}</p>
  <p>{BODY[3]}</p>
  <p>Share this article</p>
  <p><strong>Endnotes</strong></p>
  <ol class="endnote-list">
    <li id="fn1">ACLED, “Sahel conflict data, 2021-2023”, 14 January 2024;
      <a href="https://acleddata.com/sahel">https://acleddata.com/sahel</a>;
      <a href="https://acleddata.com/data-export-tool/">https://acleddata.com/data-export-tool/</a></li>
    <li id="fn2">Jane Smith, “Wagner in Mali”, RUSI Commentary, 3 May 2023. <a href="#fnref2">↩</a></li>
    <li id="fn3">World Bank, “Sahel economic update”, 2023;
      <a href="https://www.worldbank.org/sahel-update.pdf">https://www.worldbank.org/sahel-update.pdf</a>;
      <a href="https://data.worldbank.org/region/sahel">https://data.worldbank.org/region/sahel</a></li>
  </ol>
  <section class="related-posts"><h2>Related</h2>
    <article><a href="/r/1">Mali's gold and the junta's finances</a></article></section>
</article>
</main>
<aside class="sidebar"><h3>Most read</h3><p>Five questions on Gaza</p></aside>
<footer class="site-footer"><p>© 2024 Global Policy Institute. All rights reserved.</p>
  <ul><li><a href="/privacy">Privacy</a></li><li><a href="/contact">Contact</a></li></ul></footer>
</body>
</html>
"""
BOILERPLATE_WORDS = [
    "cookies", "Accept", "Programmes", "Donate", "newsletter", "Home", "Share", "LinkedIn", "Related",
    "gold", "Most read", "Gaza", "rights reserved", "Privacy", "Contact", "min read", "Global Policy",
]  # fmt: skip


def _all_text(b: Briefing) -> str:
    return "\n".join(p.text for p in b.passages)


def _set_aside(b: Briefing) -> dict[str, int]:
    return dict(b.set_aside)


def test_a_saved_report_keeps_every_body_paragraph_and_nothing_of_the_site() -> None:
    b = parse(THINK_TANK, "sahel.html")
    assert [p.text for p in b.body] == BODY
    assert {p.kind for p in b.body} == {"paragraph"}
    text = _all_text(b)
    for word in BOILERPLATE_WORDS:
        assert word not in text, word
    assert b.title == "The Sahel after the French withdrawal"  # the site's name after it dropped
    assert b.date == "2024-03-12"  # read from the byline, which is not a passage
    assert b.body[1].section == "Security"


def test_markers_of_every_form_link_to_their_endnote_with_all_its_urls() -> None:
    b = parse(THINK_TANK, "sahel.html")
    assert [p.footnotes for p in b.body] == [[1], [2], [3], []]
    assert [footnote(b, n).text for n in (1, 2, 3)] == ENDNOTES
    assert footnote(b, 2).cited_by == [2]
    assert "↩" not in _all_text(b)


def test_the_set_aside_report_names_each_rule() -> None:
    b = parse(THINK_TANK, "sahel.html")
    aside = _set_aside(b)
    assert aside[OUTSIDE_MAIN] >= len("".join("Global Policy Institute Research".split()))
    assert aside[BOILERPLATE] >= len("ShareonXLinkedIn") + len("RelatedMali'sgoldandthejunta'sfinances")
    assert aside[METADATA] == len("ByJaneDoe|12March2024|8minread") + len("Sharethisarticle")
    assert len(aside) == len(b.set_aside), "one entry per reason"
    assert b.indexed_chars >= sum(len("".join(t.split())) for t in BODY + ENDNOTES)


def test_offsets_point_into_the_saved_file() -> None:
    b = parse(THINK_TANK, "sahel.html")
    assert_offsets_cover(THINK_TANK, Briefing(b.id, b.path, None, None, "en", b.body))
    for p in b.body:
        assert p.text.split()[0] in THINK_TANK[p.start : p.end]
        assert THINK_TANK[p.start : p.end].count("<p>") <= 1, "one paragraph's element, not the page"
    for n in (1, 3):
        window = THINK_TANK[footnote(b, n).start : footnote(b, n).end]
        assert all(url in window for url in footnote(b, n).text.split("; ")[1:])


NEWS = """<html><head><title>Port news</title></head><body>
<div class="top-bar"><a href="/">Home</a> | <a href="/world">World</a> | <a href="/business">Business</a></div>
<ul class="links"><li><a href="/a">Markets</a></li><li><a href="/b">Sport</a></li><li><a href="/c">Weather</a></li></ul>
<h1>Gdansk port reopens</h1>
<p>Published 4 March 2023</p>
<p>The port of Gdansk reopened on Friday after a two-day strike by crane operators.</p>
<p>Traffic should be back to normal by Monday, the port authority said, according to <a href="https://example.org/pa">its statement</a>.</p>
<ul>
<li>Grain exports resumed first.</li>
<li>Container ships wait in the bay.</li>
</ul>
<div class="social-share"><a href="https://facebook.com/sharer">Facebook</a> <a href="https://twitter.com/intent">Twitter</a></div>
<p><a href="/older">Older stories</a></p>
<div id="comments"><p>Great news for the region, finally!</p></div>
</body></html>
"""


def test_a_news_page_without_landmarks_drops_link_lists_and_keeps_the_story() -> None:
    b = parse(NEWS, "port.html")
    assert [p.text for p in b.body] == [
        "The port of Gdansk reopened on Friday after a two-day strike by crane operators.",
        "Traffic should be back to normal by Monday, the port authority said, according to its statement.",
        "Grain exports resumed first.",
        "Container ships wait in the bay.",
    ]
    assert b.date == "2023-03-04"
    for word in ("Home", "Markets", "Weather", "Facebook", "Older", "Great news"):
        assert word not in _all_text(b)
    aside = _set_aside(b)
    assert aside[BOILERPLATE] >= len("Home|World|BusinessMarketsSportWeatherFacebookTwitterOlderstories")
    assert aside[METADATA] == len("Published4March2023")
    assert_offsets_cover(NEWS, b)


FRENCH = """<!doctype html><html lang="fr"><head><title>Note Kazakhstan</title></head><body>
<nav class="menu"><a href="/">Accueil</a> <a href="/notes">Nos notes</a></nav>
<article>
<h1>Kazakhstan : la rumeur démentie</h1>
<p>Par Marie Dupont · Publié le 15 septembre 2022</p>
<p>La rumeur d’un retrait du Kazakhstan de l’OTSC a été démentie par Aydos Sarym<sup>1</sup>.</p>
<p>Le président Tokaïev s’est rendu à Moscou le 14 septembre<sup>2, 3</sup>.</p>
<h3>Notes de bas de page</h3>
<p>1. « Казахстан не выходит из ОДКБ », Mk.RU, 15 septembre 2022.</p>
<p>2. « Visite officielle », <a href="https://www.akorda.kz/fr/visite">Akorda</a>, 14 septembre 2022.</p>
<p>3. <em>Le Monde</em>, 15 septembre 2022.</p>
</article>
<footer><p>Mentions légales</p></footer>
</body></html>
"""


def test_a_french_page_reads_notes_de_bas_de_page_and_keeps_link_urls() -> None:
    b = parse(FRENCH, "kz.html")
    assert [p.text for p in b.body] == [
        "La rumeur d’un retrait du Kazakhstan de l’OTSC a été démentie par Aydos Sarym.",
        "Le président Tokaïev s’est rendu à Moscou le 14 septembre.",
    ]
    assert [p.footnotes for p in b.body] == [[1], [2, 3]]
    assert footnote(b, 1).text == "« Казахстан не выходит из ОДКБ », Mk.RU, 15 septembre 2022."
    assert footnote(b, 2).text == (
        "« Visite officielle », Akorda (https://www.akorda.kz/fr/visite), 14 septembre 2022."
    )
    assert footnote(b, 3).text == "Le Monde, 15 septembre 2022."
    assert (b.language, b.date) == ("fr", "2022-09-15")
    assert "Accueil" not in _all_text(b) and "Mentions" not in _all_text(b)
    assert_offsets_cover(FRENCH, Briefing(b.id, b.path, None, None, "fr", b.body))


VEILLE = """<html><head><title>Dengue — Santé Veille</title></head><body>
<div class="entete"><div class="logo">Santé Veille</div>
  <div class="liens-haut">Accueil | À propos | S'abonner</div></div>
<div class="rgpd">En poursuivant votre navigation, vous acceptez les cookies. <span>Accepter</span></div>
<div class="contenu">
  <div class="infos">Par Claire Hoarau | 3 juin 2024 | 5 min de lecture</div>
  <div class="boutons-partage">Partager sur X · Partager sur LinkedIn · Envoyer par e-mail</div>
  <p>La Guadeloupe compte plus de 16 000 cas de dengue depuis le début de la saison<sup>1</sup>.</p>
  <p>Menu | Carte | Tarifs</p>
  <p>Le moustique tigre est implanté dans 78 départements métropolitains<sup>2</sup>.</p>
  <div class="bloc-sources"><div class="intertitre">Sources</div>
    <ol><li>ARS Guadeloupe, « Point épidémiologique dengue », 23 mai 2024.</li>
    <li>« Dengue : record de cas importés », France Info, 15 mai 2024.</li></ol></div>
</div>
<div>© 2024 Santé Veille. Tous droits réservés. <a href="/contact">Contact</a></div>
</body></html>
"""


def test_a_french_page_with_french_class_names_and_no_landmark() -> None:
    b = parse(VEILLE, "dengue.html")
    assert [p.text for p in b.body] == [
        "La Guadeloupe compte plus de 16 000 cas de dengue depuis le début de la saison.",
        "Le moustique tigre est implanté dans 78 départements métropolitains.",
    ]
    assert [p.footnotes for p in b.body] == [[1], [2]]
    assert footnote(b, 1).text == "ARS Guadeloupe, « Point épidémiologique dengue », 23 mai 2024."
    assert b.date == "2024-06-03"
    aside = _set_aside(b)
    assert aside[BOILERPLATE] >= len("SantéVeilleAccueil|Àpropos|S'abonnerMenu|Carte|Tarifs©2024SantéVeille.")
    assert aside[METADATA] == len("ParClaireHoarau|3juin2024|5mindelecture")
    assert "duplicate note" not in aside, "the Sources title line is the notes' heading, not a note"


def test_notes_written_before_other_text_are_still_the_notes() -> None:
    """The text layout reads everything after its notes heading as notes, so notes go last."""
    html = (
        "<html><body><main><p>Le convoi est arrivé à Varna<sup>1</sup>.</p>"
        "<h2>Références</h2><ul><li>« Varna », Le Courrier, 2 mars 2023.</li></ul>"
        "<h2>À propos de l’auteur</h2><p>Jean Martin suit la mer Noire depuis dix ans.</p></main></body></html>"
    )
    b = parse(html, "varna.html")
    assert [p.text for p in b.body] == [
        "Le convoi est arrivé à Varna.",
        "Jean Martin suit la mer Noire depuis dix ans.",
    ]
    assert footnote(b, 1).text == "« Varna », Le Courrier, 2 mars 2023."
    assert b.body[0].footnotes == [1]


def test_pandoc_footnotes_link_by_anchor_and_drop_backlinks() -> None:
    html = (
        '<html><body><p>Le port a rouvert<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref">'
        "<sup>1</sup></a> hier.</p>"
        '<section class="footnotes" role="doc-endnotes"><hr><ol>'
        '<li id="fn1"><p>« Port », Le Courrier, 2 mars 2023.<a href="#fnref1" class="footnote-back" '
        'role="doc-backlink">↩︎</a></p></li></ol></section></body></html>'
    )
    b = parse(html, "port.html")
    assert [(p.text, p.footnotes) for p in b.body] == [("Le port a rouvert hier.", [1])]
    assert footnote(b, 1).text == "« Port », Le Courrier, 2 mars 2023."


def test_a_page_saved_with_a_dialog_open_keeps_its_hidden_body() -> None:
    """A modal marks the page behind it aria-hidden; a rule read from an attribute never drops
    most of the text, so the report is still read, and the dialog itself is not."""
    html = (
        '<html><body><div id="page" aria-hidden="true"><p>Le port de Gdansk a rouvert vendredi.</p>'
        "<p>Le trafic reprend lundi selon l’autorité portuaire.</p></div>"
        '<div role="dialog" class="newsletter-modal"><p>Abonnez-vous à notre lettre</p></div></body></html>'
    )
    b = parse(html, "x.html")
    assert [p.text for p in b.body] == [
        "Le port de Gdansk a rouvert vendredi.",
        "Le trafic reprend lundi selon l’autorité portuaire.",
    ]


def test_an_aside_inside_the_article_is_read_and_one_beside_it_is_not() -> None:
    html = (
        "<html><body><main><article><p>Le port de Gdansk a rouvert vendredi après la grève.</p>"
        "<aside><p>Le port traite 50 millions de tonnes par an.</p></aside></article>"
        "<aside><h3>Les plus lus</h3><p>Cinq questions sur Gaza</p></aside></main></body></html>"
    )
    b = parse(html, "x.html")
    assert [p.text for p in b.body] == [
        "Le port de Gdansk a rouvert vendredi après la grève.",
        "Le port traite 50 millions de tonnes par an.",
    ]


def test_a_main_element_holding_almost_nothing_is_not_the_main_content() -> None:
    """A template's `<main>` around a search form must not cost the page its body."""
    body = "".join(f"<p>Le convoi numéro {i} a quitté Gdansk pour Varna ce matin.</p>" for i in range(5))
    html = f'<html><body><main><form role="search"><input name="q"></form></main><div class="report">{body}</div></body></html>'
    b = parse(html, "x.html")
    assert len(b.body) == 5 and OUTSIDE_MAIN not in _set_aside(b)


def test_a_plain_html_briefing_loses_nothing() -> None:
    """No landmark, no boilerplate: every block is read, headings name sections."""
    html = (
        "<html><body><h2>Énergie</h2><p>Le prix du gaz a baissé de 12 % en mars.</p>"
        "<ul><li>Les stocks sont pleins à 60 %.</li><li><a href='https://x.org/r'>Le rapport de l’AIE</a> "
        "prévoit une baisse.</li></ul><table><tr><td>Gaz</td><td>Le prix a baissé de 12 % sur un an.</td></tr></table></body></html>"
    )
    b = parse(html, "x.html")
    assert [p.text for p in b.body] == [
        "Le prix du gaz a baissé de 12 % en mars.",
        "Les stocks sont pleins à 60 %.",
        "Le rapport de l’AIE prévoit une baisse.",
        "Gaz Le prix a baissé de 12 % sur un an.",
    ]
    assert not {OUTSIDE_MAIN, BOILERPLATE, METADATA} & set(_set_aside(b))


def test_text_around_a_set_aside_block_stays_in_separate_passages() -> None:
    html = (
        "<html><body><div>Le port de Gdansk a rouvert vendredi."
        '<div class="share-buttons"><a href="https://x.com/share">Partager</a></div>'
        "Le trafic reprend lundi selon l’autorité portuaire."
        '<ol class="footnotes"><li>« Port », Le Courrier, 2 mars 2023.</li></ol></div></body></html>'
    )
    b = parse(html, "x.html")
    assert [p.text for p in b.body] == [
        "Le port de Gdansk a rouvert vendredi.",
        "Le trafic reprend lundi selon l’autorité portuaire.",
    ]
    assert footnote(b, 1).text == "« Port », Le Courrier, 2 mars 2023."


def test_broken_deep_and_binary_markup_keeps_its_text() -> None:
    for html, kept in (
        ("<html><body><p>Texte <b>gras <i>mal</b> fermé</i></p><li>orphelin", ["Texte gras mal fermé", "orphelin"]),
        ("<html>\x01\x02\x03<body>\ufffe\ud800<p>Le port rouvre.</p>", ["Le port rouvre."]),
        # Past libxml2's 2,048 levels, and text after the deep part.
        ("<html><body>" + "<div>" * 3_000 + "Texte profond." + "</div>" * 3_000 + "<p>Après.</p>",
         ["Texte profond.", "Après."]),
        ('<html><body><ol start="²"><li>Point a</li></ol><a href="#">x</a><sup></sup></body></html>', ["1. Point a"]),
        ("<", []),
        ("<html></html>", []),
    ):  # fmt: skip
        text = to_text(html).text
        assert [k for k in kept if k in text] == kept, text


def test_table_rows_and_short_paragraphs_of_a_page_are_passages_not_headings() -> None:
    page = (
        "<html><body><h1>Sahel</h1><p>Les pertes sont en hausse au Sahel cette année.</p>"
        "<table><tr><th>Pays</th><th>Pertes</th></tr><tr><td>Mali</td><td>1 245</td></tr></table>"
        "<p>Bilan provisoire</p></body></html>"
    )
    b = parse(page, "sahel.html")
    assert [p.text for p in b.body] == [
        "Les pertes sont en hausse au Sahel cette année.",
        "Pays Pertes",
        "Mali 1 245",
        "Bilan provisoire",
    ]
    assert not b.warnings


def test_a_page_titled_note_keeps_its_body() -> None:
    b = parse(
        "<html><body><h1>Note</h1><p>Les pertes sont en hausse.</p><p>Autre constat.</p></body></html>",
        "n.html",
    )
    assert [(p.kind, p.text) for p in b.passages] == [
        ("paragraph", "Les pertes sont en hausse."),
        ("paragraph", "Autre constat."),
    ]


def test_a_body_whose_class_says_it_has_footnotes_is_still_the_body() -> None:
    page = (
        '<html><body><div class="entry-content has-footnotes"><p>Body one cites [1].</p><p>Body two.</p>'
        '<ol class="footnotes"><li id="fn1">Le Monde.</li></ol></div></body></html>'
    )
    b = parse(page, "x.html")
    assert [(p.kind, p.text, p.footnotes) for p in b.passages] == [
        ("paragraph", "Body one cites.", [1]),
        ("paragraph", "Body two.", []),
        ("footnote", "Le Monde.", []),
    ]


def test_a_line_introducing_the_notes_list_is_no_note() -> None:
    page = (
        "<html><body><article><p>Body one cites [1].</p><p>Body two cites [2].</p></article>"
        '<section class="footnotes"><p>Sources consultées :</p><ol><li>Le Monde, 2 mars.</li>'
        "<li>RFI, 3 mars.</li></ol></section></body></html>"
    )
    b = parse(page, "x.html")
    assert [(n.number, n.text, n.cited_by) for n in b.footnotes] == [
        (1, "Le Monde, 2 mars.", [1]),
        (2, "RFI, 3 mars.", [2]),
    ]
