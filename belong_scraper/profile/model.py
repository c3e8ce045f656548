"""The typed site profile: every key of a profile TOML file, typed and described.

pydantic (v2) rather than our own checks: unknown keys, missing keys and wrong types
come out as located errors (``errors.one_line`` turns the first into one line), the
field descriptions are the documentation (``docs/profiles.md`` is generated from them),
and regexes and selectors are compiled once, by the field's own validator, at load.
"""

from __future__ import annotations

import difflib
import re
from functools import cached_property
from typing import Annotated, Any

from pydantic import AfterValidator, Field, PrivateAttr, model_validator

from belong_scraper.profile.body import BodyRules
from belong_scraper.profile.fields import NEVER, Int, IRegex, Regex, Selectors, Text, Words
from belong_scraper.profile.partner import OnePartnerRules, PartnerCards
from belong_scraper.profile.section import Section
from belong_scraper.profile.target import Target, placeholders
from belong_scraper.schemas import PARTNER_ROLES


def _lower(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.lower() for v in values)


LowerWords = Annotated[Words, AfterValidator(_lower)]


def _never() -> re.Pattern[str]:
    return re.compile(NEVER)


class Urls(Section):
    """How a link is folded to its one canonical spelling, and what is no page."""

    index_files: Words = Field(
        default=(),
        description="Directory index file names: `/index.php` is `/`.",
        examples=[["index.php", "index.html"]],
    )
    drop_params: Words = Field(
        default=(),
        description="Parameters that never change the content (tracking, "
        "sessions, view variants), dropped; case-insensitive, a trailing `*` matches a prefix.",
        examples=[["utm_*", "phpsessid", "print"]],
    )
    session_params: Words = Field(
        default=(),
        description="Of those, the ones whose value changes on every visit: "
        "`legacy_urls` keeps one spelling per page and session parameter.",
        examples=[["phpsessid"]],
    )
    upper_params: Words = Field(
        default=(),
        description="Parameters whose value is upper-cased (its case does not "
        "matter to the server).",
        examples=[["country"]],
    )
    lower_params: Words = Field(
        default=(), description="Parameters whose value is lower-cased.", examples=[["tag", "p"]]
    )
    media_extensions: LowerWords = Field(
        default=(),
        description="Extensions of links that are documents and images, not "
        "pages: recorded, never crawled as pages.",
        examples=[["jpg", "pdf", "css"]],
    )
    media_path_prefixes: Words = Field(
        default=(), description="Path prefixes of media files.", examples=[["/uploads/"]]
    )
    seed_paths: Words = Field(
        default=(),
        description="Paths requested beside the start URL even when no page "
        "links them (the feed, a listing).",
        examples=[["/rss.php", "/news.php"]],
    )
    families: tuple[Regex, ...] = Field(
        default=(),
        description="Patterns (matched from the start against the canonical path and "
        "query) whose URLs are ONE family, the same template whatever the path: a calendar "
        "whose months are paths. The trap guard counts a chain across them, and `survey` "
        "samples them as one. Default: a family is a path and its parameter names.",
        examples=[[r"^/events/month/\d{4}-\d{2}/"]],
    )


class PageType(Section):
    """One page type: a name the page objects know, and the URLs of that type."""

    name: Text = Field(
        description="The page type: `article`, `listing`, `tag`, `partners`, "
        "`partner` (one partner a page: `[partner]`), `partner_index`, `cluster`, `static`, "
        "`home` or `feed` are read as such; any "
        "other name is crawled for links only.",
        examples=["article"],
    )
    url: Regex = Field(
        description="Matched (from the start) against the canonical URL's path and query, "
        "parameters sorted by name; named groups (`id`, `page`, `tag`, `country`, `key`, `slug`) "
        "become the page's keys.",
        examples=[r"^/news\.php\?id=(?P<id>\d+)$"],
    )


class Chrome(Section):
    """What is removed from every page before any field is read."""

    remove: Selectors = Field(
        default=(),
        description="Elements removed (menus, footers, share widgets).",
        examples=[["#menu", "footer#footer", "script"]],
    )
    phrases: tuple[IRegex, ...] = Field(
        description="Boilerplate blocks: a phrase must match a block's WHOLE text "
        "(case-insensitive), so a paragraph that merely starts the same way stays.",
        examples=[[r"read more\W*"]],
    )


class Teaser(Section):
    """Teasers of listing, tag, home and cluster pages."""

    item: Selectors = Field(default=(), description="One teaser.", examples=[["div.news-item"]])
    link: Selectors = Field(default=(), description="Its link to the article, in the teaser.",
                            examples=[["h3 a", "a"]])  # fmt: skip
    excerpt: Selectors = Field(default=(), description="Its excerpt.", examples=[["p.excerpt"]])
    thumb: Selectors = Field(default=(), description="Its thumbnail image.", examples=[["img"]])
    cut_markers: tuple[Regex, ...] = Field(
        description="Cut markers removed from the end of an excerpt.",
        examples=[[r"\s*(?:\.\.\.|…)\s*$"]],
    )


class Tag(Section):
    """Tag pages."""

    heading: IRegex = Field(
        description="The tag's display name in a tag page's first heading, group `tag`.",
        examples=[r"^[^:]*:\s*(?P<tag>.+)$"],
    )


class IdSource(Section):
    """Where a page states its record's id when its URL does not carry it."""

    selector: Selectors = Field(
        description="The element (searched in the whole page, chrome included).",
        examples=[["body"]],
    )
    attribute: Text = Field(
        default="",
        description="The attribute read; empty: the element's text.",
        examples=["class"],
    )
    pattern: Regex = Field(
        description="Searched in the value; its group `id` (digits) is the id.",
        examples=[r"\bpostid-(?P<id>\d+)\b"],
    )

    @model_validator(mode="after")
    def _has_id_group(self) -> IdSource:
        if "id" not in self.pattern.groupindex:
            raise ValueError(f"pattern '{self.pattern.pattern}' has no group (?P<id>...)")
        return self


class ArticleRules(Section):
    """Article pages."""

    id_from: tuple[IdSource, ...] = Field(
        default=(),
        description="Where the page states the article's id, tried in order, when the "
        "article page type's URL has no `id` group (a permalink by date and slug).",
        examples=[
            [{"selector": "body", "attribute": "class", "pattern": r"\bpostid-(?P<id>\d+)\b"}]
        ],
    )

    title: Selectors = Field(
        default=(), description="The title.", examples=[["div.news-detail h1"]]
    )
    date: Selectors = Field(default=(), description="The element holding the date.",
                            examples=[["div.news-info .date"]])  # fmt: skip
    meta_date: Selectors = Field(
        default=(),
        description="`<meta>` elements whose `content` is the date, when the page shows none.",
        examples=[['meta[property="article:published_time"]']],
    )
    author: Selectors = Field(default=(), description="Elements that may hold the author.",
                              examples=[[".author"]])  # fmt: skip
    byline: Selectors = Field(
        default=(),
        description="Of those, the elements whose whole text is the author "
        "(after `author_prefix`).",
        examples=[[".author"]],
    )
    tags: Selectors = Field(default=(), description="Tag links.", examples=[["div.news-tags a"]])
    continued: Selectors = Field(
        default=(),
        description="Links, on an article's first page, to the further pages of the same "
        "article (a post split over pages): fetched in page order, their bodies joined to "
        "the first page's into one record. Default: none.",
        examples=[["p.entry-pagination a.post-page-numbers"]],
    )
    categories: Selectors = Field(
        default=(),
        description="Category links (their text, in page order). Default: none.",
        examples=[[".entry-categories a"]],
    )
    lead_image: Selectors = Field(
        default=(),
        description="Boxes of lead images (their `img`, caption and credit).",
        examples=[["div.news-image"]],
    )
    body: Selectors = Field(default=(), description="The body.", examples=[["div.news-text"]])
    attachments: Selectors = Field(
        default=(), description="Attachment links.", examples=[["div.attachments a"]]
    )
    author_after: IRegex = Field(
        default_factory=_never,
        description="The author after a date in one element "
        '("Posted on 23.02.2022 by NAME"), group `author`. Default: never matches.',
        examples=[r"\bby\s+(?P<author>[^|,]+?)\s*$"],
    )
    author_prefix: IRegex = Field(
        default_factory=_never,
        description='A prefix removed from an author ("by "). Default: never matches.',
        examples=[r"^\s*(?:by|par|por)\s+"],
    )


class Image(Section):
    """Images: lead image boxes and credits in bodies."""

    credit: Selectors = Field(default=(), description="A lead image's credit, in its box.",
                              examples=[[".credit"]])  # fmt: skip
    caption: Selectors = Field(default=(), description="A lead image's caption, in its box.",
                               examples=[["figcaption"]])  # fmt: skip
    credit_words: Words = Field(
        default=(),
        description="A bracketed note opening with one of these words is an "
        "image credit; so is an unbracketed line right after an image opening with one, "
        "then a colon or a joiner. Matched case-insensitively.",
        examples=[["photo", "foto", "©"]],
    )
    credit_joiners: Words = Field(
        default=(),
        description='Words joining a credit word to the name ("Photo by X").',
        examples=[["by", "di", "de"]],
    )
    credit_openers: Words = Field(
        default=(),
        description="Where a body image's caption holds its credit too (\"CAPTION. Photo: "
        'X"), the credit starts at the first of these (at the start or after a space); '
        "the caption is what comes before. Matched case-insensitively.",
        examples=[["Photo:", "Photo :", "Foto:", "©"]],
    )
    src_attributes: Words = Field(
        default=("src",),
        description="Attributes an image's address is read from, in order (a lazy "
        "loader's real address before the placeholder in `src`); a `data:` value is none.",
        examples=[["data-lazy-src", "src"]],
    )
    srcset_attributes: Words = Field(
        default=(),
        description="Attributes listing an image's sizes (`srcset`): the widest is its "
        "full-size file. Default: none read.",
        examples=[["data-lazy-srcset", "srcset"]],
    )
    size_suffix: IRegex = Field(
        default_factory=_never,
        description="The part of a resized copy's file name that the full-size file lacks "
        '("-300x200" before the extension): removed when no list of sizes names the '
        "full-size file, and to tell two files are one upload. Default: never matches.",
        examples=[r"-\d+x\d+(?=\.[a-z0-9]+$)"],
    )
    variant_suffix: IRegex = Field(
        default_factory=_never,
        description="Another part of a file name that differs between files of one upload "
        '("-scaled"): removed only to tell two files are one upload. Default: never matches.',
        examples=[r"-scaled(?=\.[a-z0-9]+$)"],
    )
    id_class: Regex = Field(
        default_factory=_never,
        description="An image's upload id in its `class` (group `id`): two images with the "
        "same id are one image of the record. Default: never matches.",
        examples=[r"\bwp-image-(?P<id>\d+)\b"],
    )


class Attachments(Section):
    """Documents linked from bodies."""

    size_note: IRegex = Field(
        default_factory=_never,
        description="The type and size note after an attachment's "
        'name, removed from its title ("(PDF, 2 MB)"). Default: never matches.',
        examples=[r"\s*\((?:[A-Za-z0-9]{2,5})\s*,\s*[\d.,]+\s*(?:[KMG]i?)?[BO]\)\s*$"],
    )
    document_extensions: LowerWords = Field(
        default=(),
        description="Links in a body to files of these types become attachments.",
        examples=[["pdf", "docx"]],
    )


class PartnerRules(Section):
    """Partner (country) pages: one box per partner."""

    item: Selectors = Field(
        default=(), description="One partner's box.", examples=[["div.partner"]]
    )
    name: Selectors = Field(default=(), description="Its name.", examples=[["h3"]])
    region: Selectors = Field(default=(), description="Its region.", examples=[["p.region"]])
    role: Selectors = Field(default=(), description="Its role, as written.", examples=[["p.role"]])
    description: Selectors = Field(default=(), description="Its description.",
                                   examples=[["div.partner-desc"]])  # fmt: skip
    website: Selectors = Field(default=(), description="Its website link.",
                               examples=[["a.website"]])  # fmt: skip
    logo: Selectors = Field(
        default=(), description="Its logo image.", examples=[["img.partner-logo"]]
    )
    region_label: IRegex = Field(
        default_factory=_never,
        description='A label removed from the region ("Region: "). Default: never matches.',
        examples=[r"^\s*(?:region|región)\s*:\s*"],
    )
    heading_prefix: IRegex = Field(
        default_factory=_never,
        description="Before the country name in the page's heading "
        '("Partners in "). Default: never matches.',
        examples=[r"^\s*partners\s+in\s+"],
    )


class TitleIntro(Section):
    """Cluster pages."""

    title: Selectors = Field(default=(), description="The title.", examples=[["div.cluster h1"]])
    intro: Selectors = Field(default=(), description="The intro.", examples=[["div.cluster-intro"]])


class TitleBody(Section):
    """Static pages and the home page."""

    title: Selectors = Field(default=(), description="The title.", examples=[["#main h1"]])
    body: Selectors = Field(
        default=(),
        description="The body (static pages: the first that matches; the home "
        "page: every element each selector matches, in order).",
        examples=[["div.page-content"]],
    )


class Dates(Section):
    """Dates."""

    label: IRegex = Field(
        description='A label before a date that is not part of it ("Posted on").',
        examples=[r"^\s*(?:posted|published)(?:\s+on)?\s*:?\s*"],
    )
    upload_path: IRegex = Field(
        description="Where uploads are kept by month (groups `year`, `month`): a file's "
        "path dates the article it belongs to.",
        examples=[r"/uploads/(?P<year>20\d{2})/(?P<month>\d{2})/"],
    )


class Watch(Section):
    """Where the scheduled `watch` job looks for new posts."""

    feed: Text = Field(description="The feed's path.", examples=["/rss.php"])
    listing: Text = Field(description="The first listing page's path.", examples=["/news.php"])
    listing_page: Text = Field(
        description="Listing page N's path, `{page}` the number.",
        examples=["/news.php?page={page}"],
    )
    max_listing_pages: Int = Field(
        default=5, ge=1, description="Listing pages read at most.", examples=[5]
    )


def _year_range(years: tuple[Int, Int]) -> tuple[int, int]:
    if years[0] > years[1]:
        raise ValueError(f"the first year comes first: {list(years)}")
    return years


class SiteProfile(Section):
    """A site profile: every site-specific fact of one legacy site and its new site."""

    name: Text = Field(description="The profile's name.", examples=["eu-belong"])
    site_title: Text = Field(
        default="",
        description="The site's name, as the Hugo site, the WXR channel and "
        "reports title it. Default: `name`.",
        examples=["EU-Belong"],
    )
    hosts: LowerWords = Field(
        description="Host names of the legacy site: links to any of them (http or https, "
        "with or without www.) fold into the crawled origin.",
        examples=[["eu-belong.aer.eu", "www.eu-belong.aer.eu"]],
    )
    project_years: Annotated[tuple[Int, Int], AfterValidator(_year_range)] = Field(
        description="First and last year where a year-less date may fall.",
        examples=[[2022, 2025]],
    )
    languages: Words = Field(
        description="Languages the dates and texts of the site are written in (ISO 639-1).",
        examples=[["en", "fr"]],
    )
    title_prefix: Regex = Field(
        default_factory=_never,
        description="The part of `<title>` that is not the page's "
        "own title. Default: never matches.",
        examples=[r"^\s*EU-Belong\s*[-–|:]\s*"],
    )
    urls: Urls = Field(default_factory=Urls, description="`[urls]`")
    page_types: tuple[PageType, ...] = Field(
        description="`[[page_types]]`, matched in order; the first match is the page's type."
    )
    chrome: Chrome = Field(description="`[chrome]`")
    teaser: Teaser = Field(description="`[teaser]`")
    tag: Tag = Field(description="`[tag]`")
    article: ArticleRules = Field(default_factory=ArticleRules, description="`[article]`")
    image: Image = Field(default_factory=Image, description="`[image]`")
    attachments: Attachments = Field(default_factory=Attachments, description="`[attachments]`")
    embeds: dict[str, Words] = Field(
        default_factory=dict,
        description="iframe hosts kept as embeds, by provider name "
        "(a host matches itself and its subdomains).",
        examples=[{"youtube": ["youtube.com", "youtu.be"]}],
    )
    body: BodyRules = Field(default_factory=BodyRules, description="`[body]`")
    partners: PartnerRules = Field(default_factory=PartnerRules, description="`[partners]`")
    partner: OnePartnerRules = Field(default_factory=OnePartnerRules, description="`[partner]`")
    partner_cards: PartnerCards = Field(
        default_factory=PartnerCards, description="`[partner_cards]`"
    )
    roles: dict[str, Words] = Field(
        description="Partner roles: each role of the contract and the labels that mean it "
        "(matched case-insensitively).",
        examples=[{"lead_partner": ["lead partner", "lead"]}],
    )
    cluster: TitleIntro = Field(default_factory=TitleIntro, description="`[cluster]`")
    static: TitleBody = Field(default_factory=TitleBody, description="`[static]`")
    home: TitleBody = Field(default_factory=TitleBody, description="`[home]`")
    dates: Dates = Field(description="`[dates]`")
    watch: Watch = Field(description="`[watch]`")
    target: Target = Field(description="`[target]`")

    # Set by load_profile: the file or bundled name the profile came from.
    _source: str = PrivateAttr(default="")

    @property
    def source(self) -> str:
        return self._source

    def __hash__(self) -> int:  # cached helpers key on the profile object
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    @model_validator(mode="before")
    @classmethod
    def _site_title_defaults_to_name(cls, data: Any) -> Any:
        named = isinstance(data, dict) and isinstance(data.get("name"), str)
        if named and "site_title" not in data:
            data = {**data, "site_title": data["name"]}
        return data

    @model_validator(mode="after")
    def _roles_are_the_contracts(self) -> SiteProfile:
        for role in self.roles:
            if role not in PARTNER_ROLES:
                close = difflib.get_close_matches(role, PARTNER_ROLES, n=1)
                hint = f" (did you mean roles.{close[0]}?)" if close else ""
                known = ", ".join(PARTNER_ROLES)
                raise ValueError(f"roles.{role}: no role of the contract ({known}){hint}")
        return self

    @model_validator(mode="after")
    def _legacy_pages_name_page_types(self) -> SiteProfile:
        groups = {p.name: set(p.url.groupindex) for p in self.page_types}
        for kind, rule in self.target.legacy_pages.items():
            if kind not in groups:
                raise ValueError(
                    f"target.legacy_pages.{kind}: no page type named {kind!r} in [[page_types]]"
                )
            for key, template in (("path", rule.path), ("paged", rule.paged or "")):
                unknown = sorted(set(placeholders(template)) - groups[kind] - {"page"})
                if unknown:
                    raise ValueError(
                        f"target.legacy_pages.{kind}.{key}: {{{unknown[0]}}} is no named group "
                        f"of the url of page type {kind!r}"
                    )
        return self

    @model_validator(mode="after")
    def _cards_name_page_types(self) -> SiteProfile:
        names = {p.name for p in self.page_types}
        for kind in self.partner_cards.page_types:
            if kind not in names:
                raise ValueError(
                    f"partner_cards.page_types: no page type named {kind!r} in [[page_types]]"
                )
        return self

    # Derived views, computed once per profile.
    @property
    def default_language(self) -> str:
        return self.target.default_language

    @property
    def years(self) -> range:
        return range(self.project_years[0], self.project_years[1] + 1)

    @property
    def document_extensions(self) -> frozenset[str]:
        return frozenset(self.attachments.document_extensions)

    @property
    def cut_markers(self) -> tuple[re.Pattern[str], ...]:
        return self.teaser.cut_markers

    @property
    def boilerplate_phrases(self) -> tuple[re.Pattern[str], ...]:
        return self.chrome.phrases

    @cached_property
    def role_vocab(self) -> dict[str, str]:
        """Label (casefolded) → role."""
        return {label.casefold(): role for role, labels in self.roles.items() for label in labels}

    # String-keyed views kept for code not yet on typed attributes: a key the model
    # does not define raises, never gives [].
    def section(self, name: str) -> Section:
        value = getattr(self, name, None) if name in type(self).model_fields else None
        if not isinstance(value, Section):
            raise KeyError(f"profile has no section [{name}]")
        return value

    def selectors(self, section: str, field: str) -> tuple[str, ...]:
        return self._field(section, field)

    def pattern(self, section: str, field: str) -> re.Pattern[str]:
        value = self._field(section, field)
        if not isinstance(value, re.Pattern):
            raise KeyError(f"profile key {section}.{field} is not a regex")
        return value

    def _field(self, section: str, field: str) -> Any:
        table = self.section(section)
        if field not in type(table).model_fields:
            raise KeyError(f"profile has no key {section}.{field}")
        return getattr(table, field)
