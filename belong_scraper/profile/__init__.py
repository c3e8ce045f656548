"""Site profiles: the TOML file that holds every site-specific fact, as a typed model.

``load_profile("legacy")`` (bundled) or ``load_profile("path/to/site.toml")``; keys are
documented in ``docs/profiles.md`` (generated from the model: ``profile/docs.py``).
"""

from belong_scraper.profile.errors import ProfileError
from belong_scraper.profile.load import DEFAULT_PROFILE, load_profile, profile_from_toml
from belong_scraper.profile.model import PageType, SiteProfile
from belong_scraper.profile.target import Target

__all__ = [
    "DEFAULT_PROFILE",
    "PageType",
    "ProfileError",
    "SiteProfile",
    "Target",
    "load_profile",
    "profile_from_toml",
]
