"""``docs/profiles.md``, generated from the profile model's field descriptions.

Regenerate with ``python -m belong_scraper.profile.docs > docs/profiles.md``;
tests/test_profile.py fails when the file and the model differ.
"""

from __future__ import annotations

import inspect
import json
import re
import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from belong_scraper.profile.errors import model_of
from belong_scraper.profile.fields import _selectors
from belong_scraper.profile.model import SiteProfile

HEAD = r"""# Site profiles

A site profile is a TOML file holding every site-specific fact of one legacy site and
of the site it moves to: host names, URL patterns, CSS selectors, regexes, vocabularies,
and in `[target]` the new site's paths and words. The code holds none of them: a sister
site is a new profile, not new code. Bundled profiles live in
`belong_scraper/profiles/` (`--profile legacy`); any other file is given by path
(`--profile path/to/site.toml`).

The profile is checked when it is loaded, before any request: every regex and CSS
selector is compiled then, and a mistake stops the run with one line naming the key:

@EXAMPLES@

Selectors are CSS (lxml's cssselect, HTML rules), tried in order: the first that matches
wins; one selector may be written as a string. Regexes are Python `re` syntax. Path
templates fill `{name}` placeholders. This file is generated from the model
(`belong_scraper/profile/model.py`, `target.py`):
`python -m belong_scraper.profile.docs > docs/profiles.md`.
"""


# What each kind of mistake prints (tests/test_profile.py checks these very lines).
EXAMPLES = (
    "profile site.toml: unknown key article.titel (did you mean article.title?)",
    "profile site.toml: dates.upload_path: bad regex '/uploads/((?P<year>20\\d{2})/': "
    "missing ), unterminated subpattern at position 9",
    "profile site.toml: article.body: bad CSS selector 'div..news-text': "
    "Expected ident, got <DELIM '.' at 4>",
    "profile site.toml: missing required key watch.feed",
    "profile site.toml: watch.max_listing_pages: wrong type: "
    "input should be a valid integer, got 'five'",
    "profile site.toml: target.paths.article: unknown placeholder {yr} in "
    "'/news/{yr}/{month}/{slug}/' (known: {year}, {month}, {slug})",
    "profile site.toml: target.legacy_pages.feeds: no page type named 'feeds' in [[page_types]]",
)


def _type_name(annotation: Any, metadata: list[Any]) -> str:
    for item in metadata:
        func = getattr(item, "func", None)
        if func is _selectors:
            return "CSS selectors"
        if hasattr(func, "flags"):
            return "regex, case-insensitive" if func.flags & re.IGNORECASE else "regex"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0], list(annotation.__metadata__))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "table"
    if origin is tuple:
        if len(args) == 2 and args[1] is not Ellipsis:
            return f"[{_type_name(args[0], [])}, {_type_name(args[1], [])}]"
        inner = args[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "array of tables"
        name = _type_name(inner, [])
        if name.startswith("regex"):
            return "list of regexes" + name.removeprefix("regex")
        return f"list of {name}s"
    if origin is dict:
        inner = args[1]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "table of tables"
        return f"table of {_type_name(inner, [])}"
    if origin is typing.Literal:  # a closed set of words: name them
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a, []) for a in args if a is not type(None)]
        return " or ".join(names)
    return {str: "string", int: "integer", bool: "boolean"}.get(annotation, str(annotation))


def _toml(value: Any) -> str:
    if isinstance(value, str):
        if "\\" in value and "'" not in value:  # a literal string keeps a regex readable
            return f"'{value}'"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    if "Default:" in (field.description or ""):
        return "optional"
    if field.default_factory is not None:
        value = field.default_factory()
    else:
        value = field.default
    if value is PydanticUndefined or value is None:
        return "optional"
    if isinstance(value, re.Pattern):
        return "optional (never matches)"
    if isinstance(value, BaseModel):
        return "optional"
    if value in ((), {}, ""):
        return "optional (empty)"
    return f"default `{_toml(value)}`"


def _table(name: str, model: type[BaseModel], array: bool) -> Iterator[str]:
    yield f"## `[[{name}]]`" if array else f"## `[{name}]`"
    yield ""
    yield inspect.cleandoc(model.__doc__ or "")
    yield ""
    nested: list[tuple[str, type[BaseModel], bool]] = []
    for key, field in model.model_fields.items():
        if field.exclude:
            continue
        sub = model_of(field.annotation)
        origin = typing.get_origin(field.annotation)
        if sub is not None and origin is not dict:
            nested.append((f"{name}.{key}" if name else key, sub, origin is tuple))
            continue
        yield from _key(key, field, name)
        if sub is not None:  # a table of tables: each entry's keys
            for sub_key, sub_field in sub.model_fields.items():
                yield from _key(f"{key}.NAME.{sub_key}", sub_field, name, indent="  ")
    for sub_name, sub, is_array in nested:
        yield from _table(sub_name, sub, is_array)


def _key(key: str, field: FieldInfo, table: str, indent: str = "") -> Iterator[str]:
    kind = _type_name(field.annotation, list(field.metadata))
    yield f"{indent}- **`{key}`** ({kind}; {_default(field)}). {field.description or ''}"
    for example in field.examples or []:
        yield f"{indent}  Example: `{key.rsplit('.', 1)[-1]} = {_toml(example)}`"
    yield ""


def render() -> str:
    lines = [HEAD.replace("@EXAMPLES@", "```\n" + "\n".join(EXAMPLES) + "\n```")]
    top: list[str] = ["## Top-level keys", ""]
    rest: list[str] = []
    for key, field in SiteProfile.model_fields.items():
        sub = model_of(field.annotation)
        origin = typing.get_origin(field.annotation)
        if sub is not None and origin is not dict:
            rest += list(_table(key, sub, origin is tuple))
        else:
            top += list(_key(key, field, ""))
    return "\n".join([*lines, *top, *rest]).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
