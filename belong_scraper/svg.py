"""SVG uploads made safe to publish: an allowlist of drawing elements and attributes.

An SVG is a document a browser runs: <script>, on* handlers, javascript: links,
<foreignObject> (HTML inside), external references and entity tricks (XXE, billion
laughs). The published copy is rebuilt from the allowlisted parts of a parse that
resolves no entity, loads no DTD and touches no network; what cannot be parsed that way
is not published at all. The WARC keeps the bytes as served.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SVG_TYPES = ("image/svg+xml", "image/svg")
ELEMENTS = frozenset(
    "svg g defs title desc symbol use path rect circle ellipse line polyline polygon text "
    "tspan textPath linearGradient radialGradient stop clipPath mask pattern marker image "
    "filter feGaussianBlur feOffset feBlend feColorMatrix feMerge feMergeNode feFlood "
    "feComposite feMorphology".split()
)
ATTRIBUTES = frozenset(
    "id class x y x1 y1 x2 y2 cx cy r rx ry fx fy width height viewBox preserveAspectRatio "
    "d points pathLength transform fill fill-opacity fill-rule stroke stroke-width "
    "stroke-linecap stroke-linejoin stroke-dasharray stroke-dashoffset stroke-opacity "
    "stroke-miterlimit opacity font-family font-size font-weight font-style font-variant "
    "text-anchor dominant-baseline alignment-baseline baseline-shift letter-spacing "
    "word-spacing text-decoration offset stop-color stop-opacity gradientUnits "
    "gradientTransform spreadMethod clip-path clip-rule mask marker-start marker-mid "
    "marker-end markerWidth markerHeight markerUnits refX refY orient patternUnits "
    "patternContentUnits patternTransform dx dy rotate textLength lengthAdjust version "
    "visibility display color style stdDeviation in in2 result mode values type operator "
    "k1 k2 k3 k4 radius flood-color flood-opacity filter filterUnits primitiveUnits "
    "maskUnits maskContentUnits clipPathUnits vector-effect shape-rendering "
    "image-rendering color-interpolation-filters startOffset method spacing side href".split()
)
# A url(...) anywhere but to an element of the same file (#id) loads something.
EXTERNAL_URL = re.compile(r"url\s*\(\s*(?![\s'\"]*#)", re.I)
RISKY_STYLE = re.compile(r"expression|javascript|@import|behavior|-moz-binding|\\", re.I)
DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.I)
SNIFF = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?"
    rb"(?:<!--.*?-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>\s*)*<svg[\s>]",
    re.S | re.I,
)


def is_svg(body: bytes, content_type: str | None, url: str) -> bool:
    """By the server's word, the name, or the bytes: a browser trusts any of them."""
    declared = (content_type or "").split(";", 1)[0].strip().lower()
    name = urlsplit(url).path.lower()
    return (
        declared in SVG_TYPES or name.endswith((".svg", ".svgz")) or bool(SNIFF.match(body[:4096]))
    )


def sanitize_svg(body: bytes) -> bytes | None:
    """The published copy of an SVG: only allowlisted elements and attributes, no DTD,
    no entities, no comments or processing instructions; None when it is not a
    well-formed SVG document (it is then withheld)."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=False,
    )
    try:
        root = etree.fromstring(body, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root.tag != f"{{{SVG_NS}}}svg":
        return None
    clean = _copy(root, etree.Element(f"{{{SVG_NS}}}svg", nsmap={None: SVG_NS, "xlink": XLINK_NS}))
    return etree.tostring(clean, xml_declaration=True, encoding="UTF-8")


def _copy(source: etree._Element, target: etree._Element) -> etree._Element:
    for name, value in source.attrib.items():
        kept = _attribute(name, value)
        if kept:
            target.set(*kept)
    target.text = source.text
    last: etree._Element | None = None
    for child in source:
        qname = etree.QName(child) if isinstance(child.tag, str) else None
        if qname is None or qname.namespace != SVG_NS or qname.localname not in ELEMENTS:
            # An unresolved entity, or script, foreignObject, style, a, HTML: dropped with
            # their content; the text after them stays.
            if child.tail and last is None:
                target.text = (target.text or "") + child.tail
            elif child.tail:
                last.tail = (last.tail or "") + child.tail
            continue
        last = etree.SubElement(target, child.tag)
        _copy(child, last)
        last.tail = child.tail
    return target


def _attribute(name: str, value: str) -> tuple[str, str] | None:
    qname = etree.QName(name)
    if qname.namespace == XML_NS and qname.localname == "space":
        return name, value
    if qname.namespace not in (None, XLINK_NS) or qname.localname not in ATTRIBUTES:
        return None
    if qname.namespace == XLINK_NS and qname.localname != "href":
        return None
    if qname.localname == "href":
        link = value.strip()
        if link.startswith("#") or DATA_IMAGE.match(link):
            return f"{{{XLINK_NS}}}href" if qname.namespace else "href", link
        return None
    if EXTERNAL_URL.search(value) or (qname.localname == "style" and RISKY_STYLE.search(value)):
        return None
    return name, value
