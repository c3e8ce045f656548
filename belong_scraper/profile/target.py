"""The ``[target]`` section: where the records land on the new site, and its words."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from belong_scraper.profile.fields import Int, Text
from belong_scraper.profile.section import Section

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# What each placeholder of a record path matches: the article path's schema pattern.
PLACEHOLDER_PATTERNS = {"year": r"\d{4}", "month": r"\d{2}", "slug": r"[a-z0-9-]+"}


def placeholders(template: str) -> list[str]:
    return PLACEHOLDER.findall(template)


def fill(template: str, values: dict[str, str]) -> str:
    """The template with each ``{name}`` replaced by its value."""
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def _path_template(*allowed: str) -> Any:
    def check(template: str) -> str:
        if not template.startswith("/"):
            raise ValueError(f"a path template starts with '/': {template!r}")
        unknown = sorted(set(placeholders(template)) - set(allowed))
        if unknown:
            known = ", ".join("{" + a + "}" for a in allowed) or "none"
            raise ValueError(
                f"unknown placeholder {{{unknown[0]}}} in {template!r} (known: {known})"
            )
        return template

    return AfterValidator(check)


def _starts_with_slash(template: str) -> str:
    if not template.startswith("/"):
        raise ValueError(f"a path template starts with '/': {template!r}")
    return template


class RecordPaths(Section):
    """New paths of the records, by record type. A template's ``{placeholders}`` are
    filled from the record; the first path a record is given is kept by later runs."""

    article: Annotated[Text, _path_template("year", "month", "slug")] = Field(
        description="An article with a date: `{year}`, `{month}` (two digits) of its date "
        "and `{slug}` (from its title; a taken slug gets `-<legacy id>`).",
        examples=["/news/{year}/{month}/{slug}/"],
    )
    article_undated: Annotated[Text, _path_template("slug")] = Field(
        description="An article whose date is unknown: `{slug}` as for dated ones.",
        examples=["/news/{slug}/"],
    )
    cluster: Annotated[Text, _path_template("slug")] = Field(
        description="A cluster: `{slug}` from its title (at most 60 characters); when the "
        "path is taken, the slug gets `-<legacy id>`.",
        examples=["/clusters/{slug}/"],
    )
    partner: Annotated[Text, _path_template("country", "slug")] = Field(
        description="A partner: `{country}`, its ISO country code in lower case, and "
        "`{slug}`, the slug of its id. The folder above a partner, when it holds "
        "`{country}`, is a section of the Hugo site titled with the country's name.",
        examples=["/partners/{country}/{slug}/"],
    )
    page: Annotated[Text, _path_template("key")] = Field(
        description="A static page: `{key}`, the page's key (from its URL) as a slug.",
        examples=["/{key}/"],
    )
    home: Annotated[Text, _path_template()] = Field(
        description="The home page record (key `home`).", examples=["/"]
    )

    def article_path(self, slug: str, published: str | None) -> str:
        if published:
            year, month = published[:4], published[5:7]
            return fill(self.article, {"year": year, "month": month, "slug": slug})
        return fill(self.article_undated, {"slug": slug})

    def article_pattern(self) -> str:
        """The regex every article path matches, dated or not (the record schema's)."""
        return _either_regex(self.article, self.article_undated)

    def partner_group(self) -> re.Pattern[str] | None:
        """The content folder above a partner, when it names a country: partners/(?P<country>…)."""
        parent = self.partner.rstrip("/").rsplit("/", 1)[0]
        if "country" not in placeholders(parent):
            return None
        body = _regex_of(parent.strip("/"), {"country": "(?P<country>[^/]+)"})
        return re.compile(f"^{body}$")


class LegacyPage(Section):
    """The new path of one legacy page type that is no record (a listing, a feed)."""

    path: Annotated[Text, AfterValidator(_starts_with_slash)] = Field(
        description="The new path; `{name}` placeholders are the named groups of the page "
        "type's `url` regex, each value made a slug.",
        examples=["/tags/{tag}/"],
    )
    paged: Annotated[Text, AfterValidator(_starts_with_slash)] | None = Field(
        default=None,
        description="The path of pages 2 and later (`{page}` and the same placeholders); "
        "without it, every page of the type maps to `path`.",
        examples=["/tags/{tag}/page/{page}/"],
    )

    def path_for(self, keys: dict[str, str], slug: Any) -> str:
        page = int(keys.get("page", 1))
        values = {k: slug(v) for k, v in keys.items()}
        if page > 1 and self.paged:
            return fill(self.paged, {**values, "page": str(page)})
        return fill(self.path, values)


class HugoSection(Section):
    """A section of the Hugo site written even when no record claims its folder."""

    dir: Text = Field(description="Its content folder (a path's first segment).", examples=["news"])
    title: Text = Field(description="Its title, as menus show it.", examples=["News"])
    weight: Int = Field(description="Its place in the menu (lower first).", examples=[10])


class Labels(Section):
    """The words the Hugo layouts print around the records (HTML-escaped)."""

    downloads: Text = Field(
        description="Heading of an article's attachments.", examples=["Downloads"]
    )
    related_articles: Text = Field(
        description="Heading of a cluster's articles.", examples=["Related articles"]
    )
    image_credits: Text = Field(
        description="Heading of the credits of images shown in a body.", examples=["Image credits"]
    )
    latest_news: Text = Field(
        description="Heading of the home page's latest articles.", examples=["Latest news"]
    )
    tags: Text = Field(description="Before an article's tags.", examples=["Tags:"])
    page_not_found: Text = Field(description="The 404 page's heading.", examples=["Page not found"])
    home: Text = Field(description="The 404 page's link to the home page.", examples=["Home"])
    logo: Text = Field(description="A partner's logo.", examples=["Logo"])
    country: Text = Field(description="A partner's country.", examples=["Country"])
    region: Text = Field(description="A partner's region.", examples=["Region"])
    role: Text = Field(description="A partner's role.", examples=["Role"])
    website: Text = Field(description="A partner's website.", examples=["Website"])
    video: Text = Field(
        description="After the provider's name in an embedded video's title.", examples=["video"]
    )


class Target(Section):
    """The new site: record paths, the paths of legacy pages that are no records, the
    Hugo site's sections and words, and its language."""

    default_language: Text = Field(
        description="ISO 639-1 code of the new site's language: Hugo and WXR declare it, "
        "a record whose language cannot be told gets it, and an article in another one "
        "is flagged `language-not-<code>`.",
        examples=["en"],
    )
    paths: RecordPaths = Field(description="New paths of the records, by record type.")
    legacy_pages: dict[str, LegacyPage] = Field(
        default_factory=dict,
        description="New paths of legacy pages that are no records, by page type name (a "
        "name of `[[page_types]]`): links to them in bodies are rewritten there. A page "
        'type not listed keeps its legacy path, marked `data-legacy="unmapped"`.',
        examples=[{"listing": {"path": "/news/", "paged": "/news/page/{page}/"}}],
    )
    sections: tuple[HugoSection, ...] = Field(
        default=(), description="Sections of the Hugo site (`[[target.sections]]`), in menu order."
    )
    labels: Labels = Field(description="The words of the Hugo layouts.")
    site_description: Text = Field(
        description="What the new site says it is: the WordPress export's channel "
        "description (`wordpress.xml`).",
        examples=["EU-Belong: content migrated from the legacy site"],
    )

    def legacy_page_path(self, kind: str, keys: dict[str, str], slug: Any) -> str | None:
        """The new path of a legacy page that is no record; None when the profile has none."""
        rule = self.legacy_pages.get(kind)
        return rule.path_for(keys, slug) if rule is not None else None


def _regex_of(template: str, patterns: dict[str, str]) -> str:
    out, last = [], 0
    for match in PLACEHOLDER.finditer(template):
        out.append(re.escape(template[last : match.start()]))
        out.append(patterns[match.group(1)])
        last = match.end()
    out.append(re.escape(template[last:]))
    return "".join(out)


def _common_start(first: str, second: str) -> str:
    size = 0
    while size < min(len(first), len(second)) and first[size] == second[size]:
        size += 1
    return first[:size]


def _either_regex(first: str, second: str) -> str:
    """One regex for two templates, their common start and end written once:
    "/news/{year}/{month}/{slug}/" and "/news/{slug}/" → ^/news/(?:\\d{4}/\\d{2}/)?[a-z0-9-]+/$."""
    prefix = _common_start(first, second)
    if prefix.rfind("{") > prefix.rfind("}"):  # never cut a placeholder in two
        prefix = prefix[: prefix.rfind("{")]
    rest = first[len(prefix) :], second[len(prefix) :]
    suffix = _common_start(rest[0][::-1], rest[1][::-1])[::-1]
    if suffix.find("}") != -1 and (suffix.find("{") == -1 or suffix.find("}") < suffix.find("{")):
        suffix = suffix[suffix.find("}") + 1 :]
    middles = [_regex_of(r[: len(r) - len(suffix)], PLACEHOLDER_PATTERNS) for r in rest]
    if middles[0] == middles[1]:
        middle = middles[0]
    elif not middles[0] or not middles[1]:
        middle = f"(?:{middles[0] or middles[1]})?"
    else:
        middle = f"(?:{middles[0]}|{middles[1]})"
    patterns = PLACEHOLDER_PATTERNS
    return f"^{_regex_of(prefix, patterns)}{middle}{_regex_of(suffix, patterns)}$"
