"""CSS selectors and XPath expressions, compiled once per expression.

``element.cssselect(s)`` translates the selector to XPath and compiles it on every call,
and ``element.xpath(e)`` compiles its expression on every call: per page, per element,
that was a large share of chrome removal and body cleaning. These give the same
results from a compiled object kept for the process.
"""

from __future__ import annotations

from functools import cache

from lxml import etree
from lxml.cssselect import CSSSelector


@cache
def css(selector: str) -> CSSSelector:
    """The compiled selector: ``css(s)(element)`` is ``element.cssselect(s)``."""
    return CSSSelector(selector, translator="html")


@cache
def xpath(expression: str) -> etree.XPath:
    """The compiled expression: ``xpath(e)(element)`` is ``element.xpath(e)``."""
    return etree.XPath(expression)
