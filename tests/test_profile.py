"""The typed profile: each kind of mistake stops the load with one exact line, and the
bundled profiles, the model and docs/profiles.md agree."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from belong_scraper.profile import ProfileError, load_profile, profile_from_toml
from belong_scraper.profile.docs import EXAMPLES, render
from belong_scraper.profile.target import RecordPaths

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ROOT / "belong_scraper" / "profiles"
LEGACY = (PROFILES / "legacy.toml").read_text(encoding="utf-8")


def load_with(old: str, new: str) -> None:
    """Load the legacy profile with one line changed."""
    assert old in LEGACY
    profile_from_toml(LEGACY.replace(old, new, 1), "site.toml")


def refused(old: str, new: str) -> str:
    with pytest.raises(ProfileError) as caught:
        load_with(old, new)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_an_unknown_key_is_refused_with_the_closest_known_one() -> None:
    message = refused('title = ["div.news-detail h1"', 'titel = ["div.news-detail h1"')
    assert message == "profile site.toml: unknown key article.titel (did you mean article.title?)"


def test_an_unknown_key_in_target_is_refused_with_its_suggestion() -> None:
    message = refused('cluster = "/clusters/{slug}/"', 'clusters = "/clusters/{slug}/"')
    assert message.startswith("profile site.toml: unknown key target.paths.clusters ")
    assert "(did you mean target.paths.cluster?)" in message


def test_a_bad_regex_is_refused_with_its_key_and_the_regex_error() -> None:
    message = refused("upload_path = '/uploads/(?P<year>", "upload_path = '/uploads/((?P<year>")
    assert message == (
        "profile site.toml: dates.upload_path: bad regex "
        "'/uploads/((?P<year>20\\d{2})/(?P<month>\\d{2})/': "
        "missing ), unterminated subpattern at position 9"
    )


def test_a_bad_regex_in_a_list_names_its_place() -> None:
    message = refused("phrases = ['read more\\W*'", "phrases = ['read (more\\W*'")
    assert message.startswith("profile site.toml: chrome.phrases[0]: bad regex 'read (more")


def test_a_bad_css_selector_is_refused_with_its_key() -> None:
    message = refused('body = ["div.news-detail div.news-text"', 'body = ["div..news-text"')
    assert message == (
        "profile site.toml: article.body: bad CSS selector 'div..news-text': "
        "Expected ident, got <DELIM '.' at 4>"
    )


def test_a_missing_required_key_is_refused() -> None:
    message = refused('feed = "/rss.php"\n', "")
    assert message == "profile site.toml: missing required key watch.feed"


def test_a_missing_required_target_label_is_refused() -> None:
    message = refused('downloads = "Downloads"\n', "")
    assert message == "profile site.toml: missing required key target.labels.downloads"


def test_a_wrong_type_is_refused_with_the_value_given() -> None:
    message = refused("max_listing_pages = 5", 'max_listing_pages = "five"')
    assert message == (
        "profile site.toml: watch.max_listing_pages: wrong type: "
        "input should be a valid integer, got 'five'"
    )


def test_a_list_where_a_string_is_due_is_a_wrong_type() -> None:
    message = refused('name = "eu-belong"', 'name = ["eu-belong"]')
    assert message == (
        "profile site.toml: name: wrong type: input should be a valid string, got ['eu-belong']"
    )


def test_invalid_toml_is_refused_in_one_line() -> None:
    message = refused('name = "eu-belong"', 'name = "eu-belong')
    assert message.startswith("profile site.toml is not valid TOML: ")


def test_a_path_template_with_an_unknown_placeholder_is_refused() -> None:
    message = refused(
        'article = "/news/{year}/{month}/{slug}/"', 'article = "/news/{yr}/{month}/{slug}/"'
    )
    assert message == (
        "profile site.toml: target.paths.article: unknown placeholder {yr} in "
        "'/news/{yr}/{month}/{slug}/' (known: {year}, {month}, {slug})"
    )


def test_a_legacy_page_of_no_page_type_is_refused() -> None:
    message = refused('feed = { path = "/index.xml" }', 'feeds = { path = "/index.xml" }')
    assert message == (
        "profile site.toml: target.legacy_pages.feeds: no page type named 'feeds' in [[page_types]]"
    )


def test_a_legacy_page_placeholder_must_be_a_group_of_its_url() -> None:
    message = refused('partners = { path = "/partners/{country}/" }',
                      'partners = { path = "/partners/{cc}/" }')  # fmt: skip
    assert message == (
        "profile site.toml: target.legacy_pages.partners.path: {cc} is no named group of "
        "the url of page type 'partners'"
    )


def test_several_mistakes_say_how_many_more() -> None:
    text = LEGACY.replace("max_listing_pages = 5", 'max_listing_pages = "five"')
    text = text.replace('feed = "/rss.php"\n', "")
    with pytest.raises(ProfileError, match=r"\(and 1 more\)$"):
        profile_from_toml(text, "site.toml")


def test_a_missing_profile_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"^no site profile .*nothing\.toml$"):
        load_profile(tmp_path / "nothing.toml")


@pytest.mark.parametrize("path", sorted(PROFILES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_bundled_profile_loads_and_defines_every_key_it_holds(path: Path) -> None:
    """Every key of the file reaches the model: none is read by string and ignored."""
    profile = load_profile(path.stem)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    dumped = profile.model_dump()

    def keys(value: object, prefix: str = "") -> set[str]:
        if isinstance(value, dict):
            return {k for key, v in value.items() for k in keys(v, f"{prefix}{key}.")} | {
                prefix.rstrip(".")
            }
        return {prefix.rstrip(".")}

    assert keys(data) <= keys(dumped)


def test_the_regexes_keep_their_case_rules() -> None:
    profile = load_profile()
    assert profile.dates.label.flags & re.IGNORECASE
    assert profile.chrome.phrases[0].flags & re.IGNORECASE
    assert not profile.page_types[0].url.flags & re.IGNORECASE
    assert not profile.teaser.cut_markers[0].flags & re.IGNORECASE


def test_string_keyed_views_raise_for_a_key_the_model_lacks() -> None:
    profile = load_profile()
    assert profile.selectors("article", "title") == profile.article.title
    assert profile.pattern("dates", "label") is profile.dates.label
    with pytest.raises(KeyError, match=r"article\.titel"):
        profile.selectors("article", "titel")
    with pytest.raises(KeyError, match=r"\[artcle\]"):
        profile.section("artcle")


def test_a_profile_may_not_be_changed_after_load() -> None:
    profile = load_profile()
    with pytest.raises(ValueError, match="frozen"):
        profile.article.title = ("h1",)  # type: ignore[misc]


def test_record_paths_come_from_the_target_templates() -> None:
    paths = load_profile().target.paths
    assert paths.article_path("a-b", "2023-03-09") == "/news/2023/03/a-b/"
    assert paths.article_path("a-b", None) == "/news/a-b/"
    assert re.match(paths.article_pattern(), "/news/2023/03/a-b/")
    assert re.match(paths.article_pattern(), "/news/a-b/")
    assert not re.match(paths.article_pattern(), "/news/2023/a-b/")


def test_the_article_path_pattern_joins_any_two_templates() -> None:
    def pattern(article: str, undated: str) -> str:
        paths = {"cluster": "/c/{slug}/", "partner": "/p/{slug}/", "page": "/{key}/", "home": "/"}
        return RecordPaths(article=article, article_undated=undated, **paths).article_pattern()

    dated = pattern("/{year}/{month}/{slug}/", "/posts/{slug}/")
    assert re.match(dated, "/2024/05/x/") and re.match(dated, "/posts/x/")
    assert not re.match(dated, "/posts/2024/05/x/")
    same = pattern("/blog/{slug}/", "/blog/{slug}/")
    assert same == "^/blog/[a-z0-9-]+/$"


def test_legacy_pages_map_by_page_type_with_slugged_keys() -> None:
    target = load_profile().target
    slug = str.lower
    assert target.legacy_page_path("listing", {}, slug) == "/news/"
    assert target.legacy_page_path("listing", {"page": "3"}, slug) == "/news/page/3/"
    assert target.legacy_page_path("partners", {"country": "ES"}, slug) == "/partners/es/"
    assert target.legacy_page_path("partner_index", {"page": "2"}, slug) == "/partners/"
    assert target.legacy_page_path("article", {"id": "1"}, slug) is None


def test_docs_profiles_md_is_generated_from_the_model() -> None:
    """Regenerate with: python -m belong_scraper.profile.docs > docs/profiles.md"""
    assert (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8") == render()


def test_the_docs_document_every_key_of_the_bundled_profile() -> None:
    doc = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")
    free = {"embeds", "roles", "target.legacy_pages"}  # keys there are names the file picks

    def check(table: str, value: object) -> None:
        rows = value if isinstance(value, list) else [value]
        for row in rows:
            if not isinstance(row, dict) or table in free:
                assert f"**`{table.rsplit('.', 1)[-1]}`**" in doc, table
                continue
            assert not table or f"[{table}]" in doc, table
            for key, inner in row.items():
                check(f"{table}.{key}" if table else key, inner)

    check("", tomllib.loads(LEGACY))


DOC_MISTAKES = [
    ('titel = ["div.news-detail h1"', 'title = ["div.news-detail h1"'),
    (
        "upload_path = '/uploads/((?P<year>20\\d{2})/'\n",
        "upload_path = '/uploads/(?P<year>20\\d{2})/(?P<month>\\d{2})/'\n",
    ),
    ('body = ["div..news-text"', 'body = ["div.news-detail div.news-text"'),
    ("", 'feed = "/rss.php"\n'),
    ('max_listing_pages = "five"', "max_listing_pages = 5"),
    ('article = "/news/{yr}/{month}/{slug}/"', 'article = "/news/{year}/{month}/{slug}/"'),
    ('feeds = { path = "/index.xml" }', 'feed = { path = "/index.xml" }'),
]


@pytest.mark.parametrize(("mistake", "example"), list(zip(DOC_MISTAKES, EXAMPLES, strict=True)))
def test_the_error_lines_in_the_docs_are_what_a_load_prints(
    mistake: tuple[str, str], example: str
) -> None:
    wrong, right = mistake
    if not wrong:  # a key left out
        assert refused(right, "") == example
    else:
        assert refused(right, wrong) == example


# A new site laid out differently, in French: the same records, by the profile alone.
FRENCH_TARGET = """
[target]
default_language = "en"
site_description = "EU-Belong : contenus migrés de l'ancien site"

[target.paths]
article = "/actualites/{year}/{month}/{slug}/"
article_undated = "/actualites/sans-date/{slug}/"
cluster = "/groupes/{slug}/"
partner = "/membres/{country}/{slug}/"
page = "/pages/{key}/"
home = "/"

[target.legacy_pages]
listing = { path = "/actualites/", paged = "/actualites/p{page}/" }
partners = { path = "/membres/{country}/" }

[[target.sections]]
dir = "actualites"
title = "Actualités"
weight = 1

[[target.sections]]
dir = "membres"
title = "Membres"
weight = 2

[target.labels]
downloads = "Téléchargements"
related_articles = "Articles liés"
image_credits = "Crédits photo"
latest_news = "Dernières actualités"
tags = "Mots-clés & thèmes :"
page_not_found = "Page introuvable"
home = "Accueil"
logo = "Logo"
country = "Pays"
region = "Région"
role = "Rôle"
website = "Site web"
video = "vidéo"
"""


def test_a_new_target_section_moves_every_record_and_word(tmp_path: Path) -> None:
    """The export stages run in-process over the fixture's records with another
    [target]: record paths, the schema, redirects, Hugo's sections and layout words all
    follow the profile."""
    from datetime import UTC, datetime

    from belong_scraper.export.assemble import assemble_stage
    from belong_scraper.export.handoff import handoff_stage
    from belong_scraper.export.records import records_stage
    from belong_scraper.export.renderings import renderings_stage
    from belong_scraper.export.run import Collected, ExportRun
    from belong_scraper.export.sample import ORIGIN, sample_items
    from belong_scraper.export.spill import RowSpill
    from belong_scraper.items import PageReport
    from belong_scraper.urls import Origin

    text = LEGACY[: LEGACY.index("\n[target]\n")] + FRENCH_TARGET
    profile = profile_from_toml(text, "french.toml")
    items = sample_items()
    collected = Collected()
    for item in items:
        collected.add(item)
    out = tmp_path / "out"
    out.mkdir()
    run = ExportRun(
        out_dir=out, profile=profile, origin=Origin.from_url(ORIGIN + "/", profile),
        run_id="run-1", start_url=ORIGIN + "/", started_at=datetime.now(UTC),
        db_url="sqlite://", reason="finished", collected=collected,
        fetched={r.url: 1 for r in items if isinstance(r, PageReport)},
    )  # fmt: skip
    handed = handoff_stage(run, assemble_stage(run))
    paths = {r.id: r.path for r in handed.records}
    assert paths["article-11"].startswith("/actualites/20") and paths["page-home"] == "/"
    assert paths["page-about"] == "/pages/about/"
    assert all(p.startswith("/groupes/") for i, p in paths.items() if i.startswith("cluster-"))
    assert all(p.startswith("/membres/") for i, p in paths.items() if i.startswith("partner-"))
    listing = {r["legacy_path"]: r["target"] for r in handed.handoff.redirects}
    assert (
        listing["/news.php"] == "/actualites/" and listing["/news.php?page=2"] == "/actualites/p2/"
    )

    spill = RowSpill(tmp_path / "job")
    written = records_stage(run, handed, spill)
    assert written.counts == {"article": 37, "partner": 14, "cluster": 4, "page": 5}
    assert written.schema_rejected == []
    schema = json.loads((out / "schema" / "article.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["path"]["pattern"] == (
        r"^/actualites/(?:\d{4}/\d{2}|sans\-date)/[a-z0-9-]+/$"
    )

    renderings_stage(run, handed, spill.source(run.origin.url, handed.handoff.assets))
    hugo = out / "hugo"
    assert 'title: "Actualités"' in (hugo / "content/actualites/_index.md").read_text("utf-8")
    assert not (hugo / "content/news").exists()
    countries = sorted(p.parent.name for p in (hugo / "content/membres").glob("*/_index.md"))
    assert countries and all(len(c) == 2 for c in countries)
    single = (hugo / "layouts/_default/single.html").read_text(encoding="utf-8")
    assert "<h2>Téléchargements</h2>" in single and "Mots-clés &amp; thèmes :" in single
    assert "@{" not in single and "Downloads" not in single
    assert "<h1>Page introuvable</h1>" in (hugo / "layouts/404.html").read_text("utf-8")
    wxr = (out / "wordpress.xml").read_text(encoding="utf-8")
    assert "<description>EU-Belong : contenus migrés de l'ancien site</description>" in wxr


def test_a_role_the_contract_does_not_know_is_refused() -> None:
    message = refused("lead_partner = [", "lead_partnr = [")
    assert message == (
        "profile site.toml: roles.lead_partnr: no role of the contract (lead_partner, "
        "partner, technical_partner, associate) (did you mean roles.lead_partner?)"
    )


def test_an_id_source_without_an_id_group_is_refused() -> None:
    message = refused(
        "[article]\n", "[article]\nid_from = [{ selector = 'body', pattern = 'post-\\d+' }]\n"
    )
    assert "article.id_from" in message and "(?P<id>" in message
