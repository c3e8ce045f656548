"""The value types of a profile: regexes and CSS selectors, checked and compiled at load."""

from __future__ import annotations

import re
from typing import Annotated, Any

from cssselect.parser import SelectorError
from cssselect.xpath import ExpressionError
from lxml import etree
from pydantic import BeforeValidator, PlainSerializer, StrictInt, StrictStr, WithJsonSchema

from belong_scraper.compiled import css

# A pattern that never matches: the default of an optional label or prefix regex.
NEVER = r"(?!)"


def _regex(flags: int) -> Any:
    def compile_one(value: Any) -> re.Pattern[str]:
        if isinstance(value, re.Pattern):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected a regex string, got {value!r}")
        try:
            return re.compile(value, flags)
        except re.error as exc:
            # As written in the file (a repr would double every backslash).
            raise ValueError(f"bad regex '{value}': {exc}") from None

    compile_one.flags = flags  # type: ignore[attr-defined]  # read by profile/docs.py
    return compile_one


def _selectors(value: Any) -> tuple[str, ...]:
    # One selector may be written as a string: the same as a list of one.
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list | tuple):
        raise ValueError(f"expected a CSS selector or a list of them, got {value!r}")
    for selector in values:
        if not isinstance(selector, str):
            raise ValueError(f"expected a CSS selector string, got {selector!r}")
        try:
            css(selector)  # compiled once here; every later use gets the cached one
        except (SelectorError, ExpressionError, etree.XPathError) as exc:
            raise ValueError(f"bad CSS selector {selector!r}: {exc}") from None
    return tuple(values)


def _pattern_text(pattern: re.Pattern[str]) -> str:
    return pattern.pattern


_AS_TEXT = PlainSerializer(_pattern_text, return_type=str)
_REGEX_SCHEMA = WithJsonSchema({"type": "string", "format": "regex"})

# A Python regex, matched case-sensitively.
Regex = Annotated[re.Pattern[str], BeforeValidator(_regex(0)), _AS_TEXT, _REGEX_SCHEMA]
# A Python regex, matched case-insensitively.
IRegex = Annotated[re.Pattern[str], BeforeValidator(_regex(re.IGNORECASE)), _AS_TEXT, _REGEX_SCHEMA]
# CSS selectors tried in order, the first that matches wins; a string is a list of one.
Selectors = Annotated[tuple[str, ...], BeforeValidator(_selectors)]
Words = tuple[StrictStr, ...]
Text = StrictStr
Int = StrictInt
