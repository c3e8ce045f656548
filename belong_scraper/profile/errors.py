"""ProfileError, and pydantic's validation errors as one line an engineer can act on."""

from __future__ import annotations

import difflib
import typing
from typing import Any

from pydantic import BaseModel, ValidationError


class ProfileError(ValueError):
    """The profile file is missing, unreadable or inconsistent (one line, with the key)."""


def key_name(loc: tuple[int | str, ...]) -> str:
    """("article", "title", 2) → "article.title[2]"; ("page_types", 0, "url") →
    "page_types[0].url": the key as the TOML file spells it."""
    name = ""
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "(profile)"


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation (Optional, tuple[...], dict[str, ...])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = model_of(arg)
        if found is not None:
            return found
    return None


def _fields_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The keys the model allows at ``loc`` (a table of the profile)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        model = model_of(field.annotation) if field is not None else None
    return list(model.model_fields) if model is not None else []


def _describe(error: dict[str, Any], root: type[BaseModel]) -> str:
    loc = tuple(error["loc"])
    key = key_name(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        known = _fields_at(root, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f" (did you mean {key_name((*loc[:-1], close[0]))}?)" if close else ""
        return f"unknown key {key}{hint}"
    if kind == "missing":
        return f"missing required key {key}"
    if kind == "value_error":
        message = error["msg"].removeprefix("Value error, ")
        return f"{key}: {message}" if loc else message  # a check across tables names its keys
    return f"{key}: wrong type: {error['msg'][0].lower()}{error['msg'][1:]}, got {error['input']!r}"


def one_line(exc: ValidationError, source: str, root: type[BaseModel]) -> ProfileError:
    """The first mistake of the profile, in one line; how many more there are."""
    # A typo'd key is also a missing one: the unknown key, with its suggestion, says more.
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return ProfileError(f"profile {source}: {_describe(errors[0], root)}{more}")
