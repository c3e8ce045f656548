"""What "safe to render" means in the tests: parsed as a browser would, never by regex.

An HTML string is live when it holds an element that runs script (script, or an svg/math
script), an event handler attribute (on*=), or a URL attribute whose scheme runs code
(javascript:, vbscript:, data: outside an image), or a meta refresh to one. Markup shown as
text (``&lt;script&gt;``) is text: it is not live.
"""

from __future__ import annotations

import csv
import io
import re

from lxml import etree
from lxml import html as lxml_html
from markdown_it import MarkdownIt

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster",
                  "background", "srcdoc", "content", "srcset", "style"}  # fmt: skip
# Browsers drop ASCII whitespace and controls anywhere in a scheme ("java\tscript:").
IGNORED = re.compile(r"[\x00-\x20\x7f]")
LIVE_SCHEME = re.compile(r"(?:javascript|vbscript|livescript|data):", re.I)
DOCUMENT = re.compile(r"\s*(?:<!doctype|<html)", re.I)
# CommonMark with raw HTML passed through (the "unsafe" way a CMS may render it).
MARKDOWN = MarkdownIt("commonmark", {"html": True})
# What a spreadsheet runs: OWASP's list, also after leading whitespace.
FORMULA = re.compile(r"^(?:[\t\r]|\s*[=+\-@\uff1d\uff0b\uff0d\uff20])")


def live_markup(html: str) -> list[str]:
    """Every live construct in an HTML string (empty when it is safe to render)."""
    if not html or not html.strip():
        return []
    try:
        if DOCUMENT.match(html):
            root = lxml_html.document_fromstring(html)
        else:
            root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError) as error:
        return [f"unparsable: {error}"]
    found: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower().rsplit("}", 1)[-1]
        if tag == "script" or (tag == "iframe" and element.get("srcdoc") is not None):
            found.append(f"<{tag}>")
        refresh = tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh"
        for name, value in element.attrib.items():
            name = name.lower().rsplit("}", 1)[-1]
            if name.startswith("on"):
                found.append(f"<{tag} {name}=>")
            elif name in URL_ATTRIBUTES or name.endswith("href"):
                squeezed = IGNORED.sub("", value)
                image = (tag, name) == ("img", "src") and squeezed.lower().startswith("data:image/")
                anywhere = name in ("style", "srcset") or (name == "content" and refresh)
                if name == "content" and not refresh:
                    continue
                if not image and (
                    LIVE_SCHEME.match(squeezed) or (anywhere and LIVE_SCHEME.search(squeezed))
                ):
                    found.append(f"<{tag} {name}={value[:60]!r}>")
    return found


def rendered_markdown(markdown: str) -> str:
    return MARKDOWN.render(markdown)


def live_in_markdown(markdown: str) -> list[str]:
    return live_markup(rendered_markdown(markdown))


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def formula_cells(text: str) -> list[str]:
    """Cells a spreadsheet would run as a formula (not neutralised by a leading quote)."""
    return [cell for row in csv_rows(text) for cell in row if FORMULA.match(cell)]
