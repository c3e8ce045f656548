"""Rules every export must hold, on any site that follows the survey."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from belong_scraper.cleaning import PHP_ERROR_TRACE, SERVER_PATH

# Chrome phrases anywhere, and link labels ("Read more") standing alone as a block or line
# (a link with such words inside a sentence is content: "all our latest news and ...").
BOILERPLATE = re.compile(
    r"this website uses cookies|accept cookies|subscribe to our newsletter|share this!|"
    r"co-funded by the asylum, migration and integration fund of the european union|"
    r"select a country to discover|"
    r"(?:^|\n|<(?:p|li|div|h[1-6])\b[^>]*>)\s*(?:<a\b[^>]*>)?\s*"
    r"(?:read more|share this|latest news|print)\W{0,3}\s*(?:</a>)?\s*"
    r"(?:</(?:p|li|div|h[1-6])>|$|\n)",
    re.IGNORECASE,
)
CUT_MARKERS = re.compile(r"\[\s*(?:\.\.\.|…)\s*\]")
# UTF-8 read as windows-1252: Ã©, Ã¶, â€™, Â followed by a symbol, or a replacement char.
MOJIBAKE = re.compile(r"Ã[\u0080-\u00bf\u0152-\u0178\u2018-\u203a]|â€|Â[\u00a0-\u00bf]|\ufffd")
UNSAFE = re.compile(r"<script|<iframe|<style|<object|\son[a-z]+\s*=|javascript:", re.I)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


def assert_clean_output(out: Path) -> None:
    """No PHP error text or server path, no mojibake anywhere; in record files also no
    boilerplate phrase, no teaser cut marker, no unsafe markup."""
    for path in sorted(out.rglob("*")):
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".csv":
            data = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        else:
            continue
        for text in strings(data):
            where = f"{path.name}: {text[:120]!r}"
            assert not PHP_ERROR_TRACE.search(text), where
            assert not SERVER_PATH.search(text), where
            assert not MOJIBAKE.search(text), where
            if path.parent == out and path.name != "manifest.json":
                assert not BOILERPLATE.search(text), where
                assert not CUT_MARKERS.search(text), where
                assert not UNSAFE.search(text), where
