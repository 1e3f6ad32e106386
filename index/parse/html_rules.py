"""The written rules that decide which parts of a web page are not briefing text, and why.

Each rule has a name, reported with the characters it set aside (Converted.set_aside):

- HIDDEN: `script`, `style`, `noscript`, `template`, `svg`, `iframe`, `object`, `canvas` and the
  `<head>` (its `<title>` aside, PAGE_TITLE); elements with the `hidden` attribute,
  `aria-hidden="true"` or an inline `display:none` / `visibility:hidden` style.
- OUTSIDE_MAIN: when the page has a main-content landmark (the first `<main>` or
  `role="main"`; without one, every outermost `<article>` that is not inside a `nav`, `aside`,
  `header`, `footer` or `form`), everything outside it, save notes sections. A landmark holding
  less than a fifth of the page's text and under 1,000 characters (a `<main>` around a search
  form, a template's empty `<article>`) is not the main content: the page is then read as one
  without a landmark.
- BOILERPLATE (site navigation and boilerplate): `nav`, `menu`, `button`, `select`, `dialog`,
  `form` elements; `header` and `footer` outside the main content; `aside` (role complementary)
  outside an `<article>` (inside one it is the article's own fact box or quote, and is read);
  the roles navigation, banner, contentinfo, search, menu, menubar, dialog, alertdialog;
  elements whose class or id names navigation, a menu, breadcrumbs, cookies or consent, sharing
  or social links, a newsletter or subscription, related content, comments, a sidebar, an advert,
  a pop-up, a site footer or masthead, a logo, a search box, a skip link, pagination, links, in
  English or French (`rgpd`, `partage`, `entete`, `bas-de-page`, …; one name part of a class or
  id, split at `-`, `_` and case changes: `site-nav`, `shareBar`; `has-sidebar`-style modifiers
  do not count); lines of site chrome by their words alone (boilerplate_line: a legal notice, a
  cookie notice, a menu or breadcrumb line "Accueil | À propos | S'abonner"); and, on a page
  with no landmark, link lists and lines: a `ul`, `ol`, `li`, `p`, `div`, `section` or `dl` with
  at least 80% of its text inside links whose links average at most three words ("Home | About
  us | Research").
- METADATA (a saved page's metadata header): a line made only of a byline ("By Jane Doe"), a
  "Published …" / "Updated …" date, a reading time ("8 min read") or a date, joined by `|`, `·`
  or `•`, with at least one of the first three; or a line of sharing words only ("Share this
  article", "Print", "Partager : Twitter LinkedIn"). The line's date is the briefing's when the
  page names none.

Rules that read attributes (class, id, hidden, aria-hidden, style) and `form` never set aside an
element that holds the main content or a notes section, nor one holding more than half the text
of the main content (of the page when it has no landmark): a page saved while a dialog was open
marks its whole body `aria-hidden`, and some sites wrap everything in one `<form>`. Inside a notes
section only HIDDEN applies, and a link back to the text (`↩`) is markup.

Notes sections: a heading (`h1`-`h6`) or a title line (a `p` or `div` of inline text only, as
`<p><strong>Endnotes</strong></p>`) whose whole text is a notes title (layout.NOTES_HEADING: Sources,
Notes, Endnotes, Footnotes, References, Références, Bibliography, Bibliographie, Notes de bas de
page, Works cited, …) starts one, which
runs over the elements after it up to the first that is or holds a heading of the same or a
higher level (after a title line: over the lists and the lines starting with a number that follow
it); so does an element whose class, id or role names notes (a class or id part `footnote(s)`,
`endnote(s)`, `bibliography`, `citations`, or ending in `notes`, `sources`, `references`; the
roles `doc-endnotes`, `doc-footnote`, `doc-bibliography`), and a list that a link in the body
points into (`<a href="#fn1">` to `<li id="fn1">`). A note is a list item, or a block holding
no other block; a title line inside a notes section is its heading, not a note.
"""

from __future__ import annotations

import re

from lxml import etree

from index.parse.dates import find_date
from index.parse.layout import NOTES_HEADING

HIDDEN = "script, style or hidden element"
PAGE_TITLE = "page title"
OUTSIDE_MAIN = "outside the page's main content"
BOILERPLATE = "site navigation or boilerplate"
METADATA = "page metadata header (byline, date, sharing)"

HIDDEN_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas", "head"}
)
CHROME_TAGS = frozenset({"nav", "menu", "button", "select", "dialog"})
PAGE_EDGE_TAGS = frozenset({"header", "footer"})  # chrome outside the main content only
CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "search", "menu", "menubar", "dialog", "alertdialog"}
)  # fmt: skip
ASIDE_ROLE = "complementary"  # an aside's role: chrome outside an article, a fact box inside one
_CHROME_NAMES = frozenset(
    {"nav", "navbar", "navigation", "menu", "menubar", "megamenu", "breadcrumb", "breadcrumbs",
     "cookie", "cookies", "consent", "gdpr", "share", "sharing", "sharebar", "social", "newsletter",
     "subscribe", "subscription", "related", "comments", "comment", "sidebar", "advert",
     "advertisement", "ads", "ad", "promo", "popup", "modal", "masthead", "footer", "skip",
     "skiplink", "pagination", "pager", "toolbar", "topbar", "logo", "links", "search", "btn",
     # French sites name them in French
     "rgpd", "partage", "partager", "abonnement", "commentaires", "publicite", "pub", "entete",
     "pied", "ariane", "liens", "connexion"}
)  # fmt: skip
_CHROME_FULL_NAMES = frozenset({"bas-de-page", "en-tete", "haut-de-page"})
_MODIFIERS = frozenset({"has", "with", "without", "no", "is", "show", "hide", "js"})
_NOTES_NAMES = frozenset(
    {"footnotes", "footnote", "endnotes", "endnote", "bibliography", "bibliographie", "citations"}
)  # any part of a class or id: `footnote-list`
_NOTES_LAST_NAMES = frozenset({"notes", "sources", "references"})  # the last part: `article-notes`
_NAME_PART = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def tag_of(el: etree._Element) -> str:
    """The lower-case tag name; "" for comments and other non-element nodes."""
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _name_parts(el: etree._Element) -> list[list[str]]:
    """The parts of each class name and of the id: `site-nav` → ["site", "nav"]."""
    names = (el.get("class") or "").split() + (el.get("id") or "").split()
    return [[p.lower() for p in _NAME_PART.split(name) if p] for name in names]


def attribute_hidden(el: etree._Element) -> bool:
    return (
        el.get("hidden") is not None
        or (el.get("aria-hidden") or "").strip().lower() == "true"
        or bool(_HIDDEN_STYLE.search(el.get("style") or ""))
    )


def chrome_by_markup(el: etree._Element, in_main: bool, in_article: bool) -> bool:
    """Navigation or page chrome by its tag or role: no guard, these never hold the body."""
    tag = tag_of(el)
    role = (el.get("role") or "").strip().lower()
    if tag in CHROME_TAGS or role in CHROME_ROLES:
        return True
    if tag == "aside" or role == ASIDE_ROLE:
        return not in_article
    return tag in PAGE_EDGE_TAGS and not in_main


def chrome_by_name(el: etree._Element) -> bool:
    """Navigation or boilerplate by a class or id name part (guarded by the caller)."""
    if tag_of(el) in ("html", "body", "main", "article"):
        return False
    names = (el.get("class") or "").lower().split() + (el.get("id") or "").lower().split()
    return any(name in _CHROME_FULL_NAMES for name in names) or any(
        parts and parts[0] not in _MODIFIERS and any(p in _CHROME_NAMES for p in parts)
        for parts in _name_parts(el)
    )


def names_notes(el: etree._Element) -> bool:
    """A class, id or role that names a notes section (`footnotes`, `doc-endnotes`)."""
    role = (el.get("role") or "").lower()
    if role in ("doc-endnotes", "doc-footnote", "doc-bibliography"):
        return True
    # `has-footnotes`, `with-notes` say what an element holds, not that it is the notes.
    return any(
        parts
        and parts[0] not in _MODIFIERS
        and (parts[-1] in _NOTES_LAST_NAMES or any(p in _NOTES_NAMES for p in parts))
        for parts in _name_parts(el)
    )


def is_notes_title(text: str) -> bool:
    """A notes title: Sources, Notes, Endnotes… A lone "Note" or "Source" titles a page or a
    remark more often than a list of notes, so it is none."""
    m = NOTES_HEADING.fullmatch(" ".join(text.split()))
    return m is not None and m[1].lower() not in ("note", "source")


# -- a saved page's metadata header ---------------------------------------------------------
_NAME = r"[A-ZÀ-Þ][\w.'’-]*"
_BYLINE = re.compile(
    rf"(?i:by|written by|par|auteurs?|authors?)\s*:?\s+{_NAME}"
    rf"(?:(?:\s+|\s*,\s*)(?:{_NAME}|(?i:de|del|van|von|du|da|and|et|&)))*"
)
_DATED = re.compile(
    r"(?i:published|updated|last updated|posted|publié|publiée|publication|mis à jour|mise à jour|"
    r"dernière mise à jour|date)(?:\s+(?i:on|le|at))?\s*:?\s*(?P<rest>.{1,60})"
)
_READING_TIME = re.compile(r"(?i)\d{1,3}\s*(?:min(?:ute)?s?|mn)\.?\s*(?:read|to read|de lecture|lecture)")
_SHARE_FIRST = frozenset(
    {"share", "print", "email", "e-mail", "tweet", "download", "partager", "imprimer", "envoyer",
     "télécharger", "follow", "suivez-nous", "suivez"}
)  # fmt: skip
_SHARE_WORDS = _SHARE_FIRST | frozenset(
    {"this", "article", "page", "post", "report", "story", "on", "via", "facebook", "twitter", "x",
     "linkedin", "whatsapp", "reddit", "telegram", "bluesky", "mastodon", "copy", "link", "url",
     "pdf", "the", "cet", "sur", "le", "us", "nous", "mail", "by", "par"}
)  # fmt: skip
_DIGIT = re.compile(r"\d")  # every date has one: lines without are no dates, and cheap to tell
_PART_SEPARATOR = re.compile(r"\s*[|·•]\s*")


def _is_share_line(text: str) -> bool:
    words = [w for w in re.split(r"[\s|·•,:/]+", text.lower()) if w]
    return bool(words) and words[0] in _SHARE_FIRST and all(w in _SHARE_WORDS for w in words)


def metadata_line(text: str) -> tuple[bool, str | None]:
    """Whether a line is a metadata header line, and the date it holds."""
    line = " ".join(text.split())
    if not line or len(line) > 200:
        return False, None
    if _is_share_line(line):
        return True, None
    parts = [p for p in _PART_SEPARATOR.split(line) if p]
    named = False
    for part in parts:
        dated = (m := _DATED.fullmatch(part)) is not None and find_date(m["rest"]) is not None
        if _BYLINE.fullmatch(part) or _READING_TIME.fullmatch(part) or dated:
            named = True
        elif not (len(part.split()) <= 6 and _DIGIT.search(part) and find_date(part)):
            return False, None
    return named, find_date(line) if named else None


_LEGAL = re.compile(
    r"(?i)(?:©|\(c\)\s*\d{4}|copyright\b).{0,200}|.{0,200}\b(?:all rights reserved|tous droits réservés)\b.{0,100}"
)
_COOKIES = re.compile(
    r"(?i)\b(?:we use cookies|nous utilisons des cookies|(?:site|website) uses cookies|utilise des cookies|"
    r"accept(?:er)? (?:all |tous )?(?:les )?cookies|vous acceptez (?:l'utilisation |l’utilisation )?(?:de |des |les )?cookies|"
    r"you (?:accept|agree to) (?:our |the )?(?:use of )?cookies)\b"
)
_NAV_SEPARATOR = re.compile(r"\s+[|·•›»]\s+")
_SENTENCE_END = (".", "!", "?", "…", ":", ";")


def boilerplate_line(text: str) -> bool:
    """A line of site chrome by its words alone: a legal notice ("© 2024 …", "All rights
    reserved"), a cookie notice ("We use cookies", "Accepter les cookies"), or a menu or
    breadcrumb line of three or more parts of at most three words each, joined by `|`, `·`,
    `•`, `›` or `»` ("Accueil | À propos | S'abonner")."""
    line = " ".join(text.split())
    if len(line) > 300:
        return False
    if _LEGAL.fullmatch(line) or _COOKIES.search(line):
        return True
    parts = _NAV_SEPARATOR.split(line)
    return len(parts) >= 3 and all(0 < len(p.split()) <= 3 and not p.endswith(_SENTENCE_END) for p in parts)


def notes_anchor_number(href: str, numbers: dict[str, int]) -> int | None:
    """The note a `#id` link points to, if `id` is a note's anchor."""
    if not href.startswith("#"):
        return None
    return numbers.get(href[1:])


__all__ = [
    "BOILERPLATE",
    "HEADINGS",
    "HIDDEN",
    "METADATA",
    "OUTSIDE_MAIN",
    "PAGE_TITLE",
    "attribute_hidden",
    "boilerplate_line",
    "chrome_by_markup",
    "chrome_by_name",
    "is_notes_title",
    "metadata_line",
    "names_notes",
    "notes_anchor_number",
    "tag_of",
]
