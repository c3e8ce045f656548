"""Load a site profile: the TOML file that holds every site-specific fact."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

DEFAULT_PROFILE = "legacy"


class ProfileError(ValueError):
    """The profile file is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class PageType:
    name: str
    url: re.Pattern[str]


class SiteProfile:
    """Read-only view over a profile's TOML data with compiled patterns."""

    def __init__(self, data: dict[str, Any], source: str):
        self.data = data
        self.source = source
        self._selectors: dict[tuple[str, str], tuple[str, ...]] = {}
        try:
            self.name: str = data["name"]
            self.hosts: tuple[str, ...] = tuple(h.lower() for h in data["hosts"])
            first, last = data["project_years"]
            self.project_years = range(int(first), int(last) + 1)
            self.languages: tuple[str, ...] = tuple(data["languages"])
            self.default_language: str = data.get("default_language", "en")
            self.site_title: str = data.get("site_title", data["name"])
            self.document_extensions = frozenset(
                e.lower() for e in data.get("attachments", {}).get("document_extensions", [])
            )
            self.title_prefix = re.compile(data.get("title_prefix", r"^$"))
            self.page_types = tuple(
                PageType(p["name"], re.compile(p["url"])) for p in data["page_types"]
            )
            self.cut_markers = tuple(re.compile(p) for p in data["teaser"]["cut_markers"])
            self.boilerplate_phrases = tuple(
                re.compile(p, re.IGNORECASE) for p in data["chrome"]["phrases"]
            )
            self.role_vocab = {
                label.casefold(): role for role, labels in data["roles"].items() for label in labels
            }
            # Keys read only on some pages or by `watch`: a sister profile missing one
            # fails here, in one line, not halfway through a crawl or with EU-Belong paths.
            for section, key in (("watch", "feed"), ("watch", "listing"),
                                 ("watch", "listing_page"), ("tag", "heading"),
                                 ("dates", "upload_path"), ("dates", "label")):  # fmt: skip
                value = data[section][key]
                if key in ("heading", "upload_path", "label"):
                    re.compile(value)
        except (KeyError, TypeError, ValueError, re.error) as exc:
            raise ProfileError(f"profile {source}: {exc!r}") from exc

    def section(self, name: str) -> dict[str, Any]:
        return self.data.get(name, {})

    def selectors(self, section: str, field: str) -> tuple[str, ...]:
        """The CSS selectors of section.field, in order (read once per profile)."""
        key = (section, field)
        found = self._selectors.get(key)
        if found is None:
            value = self.data.get(section, {}).get(field, [])
            found = self._selectors[key] = (value,) if isinstance(value, str) else tuple(value)
        return found

    def pattern(self, section: str, field: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
        return _compile(self.data[section][field], flags)


@cache
def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE) -> SiteProfile:
    """A bundled profile by name (``legacy``) or a TOML file by path."""
    path = Path(name_or_path)
    try:
        if path.suffix == ".toml" or path.exists():
            text = path.read_text(encoding="utf-8")
            source = str(path)
        else:
            ref = resources.files("belong_scraper") / "profiles" / f"{name_or_path}.toml"
            text = ref.read_text(encoding="utf-8")
            source = f"bundled:{name_or_path}"
        return SiteProfile(tomllib.loads(text), source)
    except FileNotFoundError as exc:
        raise ProfileError(f"no site profile {name_or_path!s}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profile {name_or_path!s} is not valid TOML: {exc}") from exc
