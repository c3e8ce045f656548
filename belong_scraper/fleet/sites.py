"""SITES.toml: the sites a fleet migrates (a public format: README "Many sites").

```toml
[[site]]
name = "eu-belong"                      # unique; keys the site in the state
start_url = "https://eu-belong.aer.eu/"
profile = "legacy"                      # bundled name or a path every node can read
out = "/srv/exports/eu-belong"          # on storage every node can reach
settings = { DOWNLOAD_DELAY = 1 }       # optional Scrapy settings
```

Checked with pydantic as a profile is: a mistake is one line naming its key
(``sites.toml: site[2].start_url: ...``).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from belong_scraper.profile.errors import one_line

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
SettingValue = str | int | float | bool | list | dict


class SitesError(ValueError):
    """SITES.toml is missing, unreadable or wrong (one line, with the key)."""


class Site(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(description="Unique; keys the site in the state database.")]
    start_url: Annotated[str, Field(description="The site's home page, where the crawl starts.")]
    profile: Annotated[
        str, Field(description="Site profile: a bundled name or a path every node can read.")
    ] = "legacy"
    out: Annotated[
        str, Field(description="Export folder, on storage every node reaches (absolute).")
    ]
    settings: Annotated[
        dict[str, SettingValue], Field(description="Scrapy settings for this site's job.")
    ] = {}

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError("letters, digits, '.', '_' and '-' only (at most 100)")
        return value

    @field_validator("start_url")
    @classmethod
    def _start_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value

    @field_validator("out")
    @classmethod
    def _out(cls, value: str) -> str:
        if not Path(value).is_absolute():
            raise ValueError(f"must be an absolute path every node reaches, got {value!r}")
        return value

    @field_validator("settings")
    @classmethod
    def _settings(cls, value: dict[str, SettingValue]) -> dict[str, SettingValue]:
        for name in value:
            if not re.match(r"^[A-Z][A-Z0-9_]*$", name):
                raise ValueError(f"{name!r} is not a Scrapy setting name (UPPER_CASE)")
        return value


class SitesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site: Annotated[list[Site], Field(min_length=1, description="One table per site.")]

    @model_validator(mode="after")
    def _unique(self) -> SitesFile:
        for key in ("name", "out"):
            seen: set[str] = set()
            for site in self.site:
                value = getattr(site, key)
                if value in seen:
                    raise ValueError(f"two sites have the {key} {value!r}")
                seen.add(value)
        return self


def load_sites(path: Path) -> list[Site]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SitesError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SitesError(f"{path}: not TOML: {exc}") from exc
    try:
        sites = SitesFile.model_validate(data).site
    except ValidationError as exc:
        # the profile's one-line form of a pydantic error: "profile SOURCE: KEY: ..."
        raise SitesError(str(one_line(exc, str(path), SitesFile)).removeprefix("profile ")) from exc
    from belong_scraper.profile import ProfileError, load_profile

    for index, site in enumerate(sites):
        try:
            load_profile(site.profile)
        except ProfileError as exc:
            raise SitesError(f"{path}: site[{index}].profile ({site.name}): {exc}") from exc
    return sites
