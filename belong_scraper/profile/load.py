"""Load a site profile: a bundled one by name, or a TOML file by path."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from belong_scraper.profile.errors import ProfileError, one_line
from belong_scraper.profile.model import SiteProfile

DEFAULT_PROFILE = "legacy"


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE) -> SiteProfile:
    """A bundled profile by name (``legacy``) or a TOML file by path; every key checked,
    every regex and selector compiled, or one ProfileError line saying what is wrong."""
    path = Path(name_or_path)
    try:
        if path.suffix == ".toml" or path.exists():
            text = path.read_text(encoding="utf-8")
            source = str(path)
        else:
            ref = resources.files("belong_scraper") / "profiles" / f"{name_or_path}.toml"
            text = ref.read_text(encoding="utf-8")
            source = f"bundled:{name_or_path}"
    except FileNotFoundError as exc:
        raise ProfileError(f"no site profile {name_or_path!s}") from exc
    return profile_from_toml(text, source)


def profile_from_toml(text: str, source: str) -> SiteProfile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profile {source} is not valid TOML: {exc}") from exc
    try:
        profile = SiteProfile.model_validate(data)
    except ValidationError as exc:
        raise one_line(exc, source, SiteProfile) from exc
    profile._source = source
    return profile
