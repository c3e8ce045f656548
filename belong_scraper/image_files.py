"""Which file an <img> shows at full size, and which images are one upload.

A CMS stores one upload as many files (resized copies, a scaled-down "full size") and
pages show a copy: the record wants the full-size file once. The rules are the
profile's `[image]` keys; nothing here knows a CMS. Used for body images, lead images
and logos alike.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from belong_scraper.profile import SiteProfile
from belong_scraper.urls import absolute

# One srcset candidate: a URL, then an optional "300w" or "2x" descriptor.
SRCSET_ITEM = re.compile(r"^\s*(?P<url>\S+)(?:\s+(?P<size>[\d.]+)(?P<unit>[wx]))?\s*$")


def shown_url(img: etree._Element, base: str, profile: SiteProfile) -> str | None:
    """The address the image is shown from: the first of the profile's `src_attributes`
    that holds one (a lazy loader's `data:` placeholder holds none)."""
    for attribute in profile.image.src_attributes:
        url = absolute(img.get(attribute) or "", base)
        if url:
            return url
    return None


def full_size_url(img: etree._Element, base: str, profile: SiteProfile) -> str | None:
    """The full-size file of an <img>: the widest of its sizes, else the file its
    enclosing link opens when that is the same upload (a gallery's thumbnail), else
    the address shown with the size suffix removed. None when it shows nothing."""
    shown = shown_url(img, base, profile)
    widest = _widest(img, base, profile)
    if widest:
        return widest
    if shown is None:
        return None
    link = _enclosing_link(img)
    if link is not None:
        target = absolute(link.get("href") or "", base)
        if target and target != shown and same_upload(target, shown, profile):
            return target
    return _without_size(shown, profile)


def upload_key(url: str, profile: SiteProfile) -> str:
    """The upload a file belongs to: its path without the size and variant suffixes."""
    path = urlsplit(url).path
    path = profile.image.size_suffix.sub("", path)
    return profile.image.variant_suffix.sub("", path).casefold()


def same_upload(a: str, b: str, profile: SiteProfile) -> bool:
    return upload_key(a, profile) == upload_key(b, profile)


def upload_id(img: etree._Element, profile: SiteProfile) -> str | None:
    """The upload id the image's class states (`[image] id_class`), if any."""
    match = profile.image.id_class.search(img.get("class") or "")
    return match.group("id") if match else None


def _widest(img: etree._Element, base: str, profile: SiteProfile) -> str | None:
    best: tuple[float, str] | None = None
    for attribute in profile.image.srcset_attributes:
        for part in (img.get(attribute) or "").split(","):
            match = SRCSET_ITEM.match(part)
            url = absolute(match.group("url"), base) if match else None
            if not url:
                continue
            size = float(match.group("size") or 1)
            if best is None or size > best[0]:
                best = (size, url)
        if best:
            return best[1]
    return None


def _enclosing_link(img: etree._Element) -> etree._Element | None:
    node = img.getparent()
    while node is not None and isinstance(node.tag, str):
        if node.tag == "a":
            return node
        if node.tag not in ("span", "picture", "noscript"):
            return None
        node = node.getparent()
    return None


def _without_size(url: str, profile: SiteProfile) -> str:
    parts = urlsplit(url)
    path = profile.image.size_suffix.sub("", parts.path)
    return parts._replace(path=path).geturl()


def split_credit(text: str, profile: SiteProfile) -> tuple[str | None, str | None]:
    """A caption string as (caption, credit), split at the first credit opener of
    `[image] credit_openers` standing at the start or after a space."""
    text = " ".join(text.split())
    openers = _openers(profile)
    match = openers.search(text) if openers else None
    if match is None:
        return text or None, None
    caption, credit = text[: match.start()].strip(), text[match.start() :].strip()
    return caption or None, credit or None


_OPENERS: dict[int, re.Pattern[str] | None] = {}


def _openers(profile: SiteProfile) -> re.Pattern[str] | None:
    key = id(profile)
    if key not in _OPENERS:
        words = sorted(profile.image.credit_openers, key=len, reverse=True)
        alternatives = "|".join(re.escape(w) for w in words)
        _OPENERS[key] = re.compile(rf"(?:^|(?<=\s))(?:{alternatives})", re.I) if words else None
    return _OPENERS[key]
