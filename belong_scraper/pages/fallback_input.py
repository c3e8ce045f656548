"""What the generic extractor is given: the page without its chrome, comments, captions
and the elements that never hold text, in a copy of its own (the Document is not touched).
"""

from __future__ import annotations

import copy

from lxml import etree

from belong_scraper.compiled import css
from belong_scraper.pages.base import Document, HtmlElement

CAPTION_CLASS = css("[class*=caption]")
CAPTION_MAX = 500  # characters: a caption, not a wrapper whose class mentions captions
# Elements trafilatura discards anyway; gone before its passes, each of which walks the
# whole tree (about a tenth of its time).
NEVER_TEXT = ("script", "style", "noscript", "template", "svg", "canvas", "map", "audio",
              "video", "iframe", "object", "embed", "button", "input", "select", "option",
              "textarea", "link", "nav", "aside", "footer")  # fmt: skip
HIDDEN = ("script", "style", "noscript", "template")
INLINE = frozenset(("a", "abbr", "b", "br", "cite", "code", "em", "i", "mark", "q", "small",
                    "span", "strong", "sub", "sup", "time", "u"))  # fmt: skip


def generic_input(doc: Document) -> HtmlElement:
    """The page as the generic extractor reads it (``without_chrome``), with comments and
    processing instructions out (their tails kept: a passed tree, unlike markup
    trafilatura parses itself, keeps them, and it drops the text after each ``<!-- -->``)."""
    tree = without_chrome(doc)
    etree.strip_tags(tree, etree.Comment, etree.ProcessingInstruction)
    return tree


def prune_for_text(tree: HtmlElement) -> None:
    """Captions (``drop_captions``) and the elements that never hold body text out; the
    divs that are paragraphs made so (``wrap_paragraph_divs``)."""
    drop_captions(tree)
    etree.strip_elements(tree, *NEVER_TEXT, with_tail=False)
    wrap_paragraph_divs(tree)


def wrap_paragraph_divs(tree: HtmlElement) -> None:
    """A ``<div>`` used as a paragraph (text and inline markup only, a link among it)
    gets its content wrapped in a ``<p>``: trafilatura's precision mode keeps a link in a
    paragraph, but in such a div it loses the text before the link and the space after
    it ("… Tuesday after CNBC reported that …" → "CNBC reportedthat …"). The div itself
    stays, for what trafilatura reads from it (class, position)."""
    for div in list(tree.iter("div")):
        if (
            len(div)
            and div.find("a") is not None
            and all(child.tag in INLINE for child in div)
            and ((div.text or "").strip() or any((c.tail or "").strip() for c in div))
        ):
            paragraph = etree.Element("p")
            paragraph.text, div.text = div.text, None
            paragraph.extend(list(div))
            div.append(paragraph)


def without_chrome(doc: Document) -> HtmlElement:
    """A copy of the page without its chrome.

    On a page a page object read (the live fallback): the Document's chrome-free copy
    (its boilerplate blocks gone too), unless the profile's chrome selectors took most of
    the page's text with it; then the page without the profile's chrome but for any
    element that holds more than half the page's text: a page that wraps everything in
    one element the profile calls chrome (ASP.NET's single ``<form>``) has no body
    without it. On a page only the generic extractor reads (``extract --generic``, any
    site): the whole page, whose chrome trafilatura's own rules find (a site's chrome
    list says nothing of another site's; on the benchmark its F1 is the same without).
    """
    if not doc.content_made():
        return copy.deepcopy(doc.root)
    total = visible_length(doc.root)
    if len(doc.content.text_content()) * 2 >= total:
        return copy.deepcopy(doc.content)
    tree = copy.deepcopy(doc.root)
    for selector in doc.profile.chrome.remove:
        for element in css(selector)(tree):
            if element.getparent() is not None and len(element.text_content()) * 2 <= total:
                element.drop_tree()
    return tree


def visible_length(root: HtmlElement) -> int:
    """Characters of the page's text a reader sees (scripts and styles left out)."""
    body = root.find("body")
    body = root if body is None else body
    hidden = sum(len(e.text_content()) for e in body.iter(*HIDDEN))
    return len(body.text_content()) - hidden


def drop_captions(tree: HtmlElement) -> None:
    """Remove image captions, so that they never become body text: ``<figcaption>``, the
    element an image's ``aria-describedby`` names, text standing in a ``<figure>``
    beside its image, and a short element whose class says caption. The images stay."""
    doomed = list(tree.iter("figcaption"))
    ids = {i for img in tree.iter("img") for i in (img.get("aria-describedby") or "").split()}
    if ids:
        doomed += [e for e in tree.iter() if e.get("id") in ids]
    for figure in tree.iter("figure"):
        if figure.find(".//table") is None:  # a table in a figure is content
            doomed += [e for e in figure if e.tag not in ("img", "picture", "source", "a")
                       and e.find(".//img") is None]  # fmt: skip
    doomed += [
        e
        for e in CAPTION_CLASS(tree)
        if e.tag != "img" and e.find(".//img") is None and len(e.text_content()) < CAPTION_MAX
    ]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
