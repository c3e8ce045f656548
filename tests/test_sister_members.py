"""The sister site's members, static pages and calendar, by profile keys alone.

Golden cases of the one-partner page, the directory cards and a child static page
(fixtures/pages/<type>/wp-<case>/, run by test_pages_golden.py; checked here against the
site's facts), the country
rule, the trap family, the card join at assembly, and one migration of each sister
snapshot whose partners and pages must be those of its expected-facts.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from belong_scraper.assemble import _fill_from_cards
from belong_scraper.fixture_server import FixtureServer
from belong_scraper.golden import run_case
from belong_scraper.image_files import full_size_url
from belong_scraper.items import Partner, PartnerCard, PartnerCards
from belong_scraper.normalise import country_code, country_name
from belong_scraper.profile import load_profile
from belong_scraper.survey.spider import DECLARED_FAMILY_CAP
from belong_scraper.urls import url_family
from tests.conftest import FAST, FIXTURES, run_cli

# The golden cases saved under this profile (meta.json "profile"), among every page type's.
CASES = sorted(
    p.parent
    for p in (FIXTURES / "pages").glob("*/*/meta.json")
    if json.loads(p.read_text(encoding="utf-8")).get("profile") == "wordpress-sister"
)
PARTNER_FIELDS = ("name", "country_code", "country", "region", "role", "role_raw", "website",
                  "logo_url")  # fmt: skip


@pytest.fixture(scope="module")
def sister():
    return load_profile("wordpress-sister")


def test_golden_partners_agree_with_the_sites_facts(sister) -> None:
    """The saved outputs are no mere snapshot: each partner is the one expected-facts.json
    describes (the facts were written from the survey, not from our output)."""
    facts = json.loads((FIXTURES / "sister-site" / "expected-facts.json").read_text())
    partners = [c for c in CASES if c.parent.name == "partner"]
    assert len(partners) >= 5
    for case in partners:
        (item,) = run_case(case, sister)
        expected = facts["partners"][item["id"]]
        for field in PARTNER_FIELDS:
            value = item[field]
            if field == "logo_url":
                value = urlsplit(value).path
            if field == "region" and "_region_from" in expected:
                assert value is None  # the page has no region row: the card gives it
                continue
            assert value == expected[field], f"{case.name}: {field}"
        assert "Share this" not in item["description_text"]
        assert item["description_text"]


@pytest.mark.parametrize(
    ("written", "code", "name"),
    [
        ("Greece", "GR", "Greece"),
        ("EL", "GR", "Greece"),
        ("el", "GR", "Greece"),
        ("UK", "GB", "United Kingdom"),
        ("Hellenic Republic", "GR", "Greece"),
        ("United Kingdom of Great Britain and Northern Ireland", "GB", "United Kingdom"),
        ("Swiss Confederation", "CH", "Switzerland"),
        ("Republic of Moldova", "MD", "Moldova"),
        ("Moldova, Republic of", "MD", "Moldova"),
        ("Republic of Türkiye", "TR", "Türkiye"),
        ("Turkiye", "TR", "Türkiye"),  # the diacritic left out
        ("  republic of  CROATIA ", "HR", "Croatia"),
        ("The Netherlands", "NL", "Netherlands"),
        ("Czech Republic", "CZ", "Czechia"),
    ],
)
def test_country_code_from_a_country_name(written: str, code: str, name: str) -> None:
    assert country_code(written) == code
    assert country_name(code) == name


def test_country_aliases_name_what_iso_does_not() -> None:
    assert country_code("Turkey") is None
    assert country_code("Turkey", {"turkey": "TR"}) == "TR"
    assert country_code("Atlantis", {"Turkey": "TR"}) is None


def test_a_logo_is_its_full_size_file_lazy_or_not(sister) -> None:
    from lxml import html

    def largest_candidate(img) -> str | None:
        return full_size_url(img, "http://127.0.0.1/", sister).removeprefix("http://127.0.0.1")

    plain = html.fromstring(
        '<img src="/u/logo-300x200.png" srcset="/u/logo-300x200.png 300w, /u/logo.png 600w,'
        ' /u/logo-150x150.png 150w">'
    )
    assert largest_candidate(plain) == "/u/logo.png"
    lazy = html.fromstring(
        '<img src="data:image/svg+xml,%3Csvg%3E" data-lazy-src="/u/l-300x200.png"'
        ' data-lazy-srcset="/u/l-300x200.png 1x, /u/l.png 2x">'
    )
    assert largest_candidate(lazy) == "/u/l.png"
    bare = html.fromstring('<img src="data:image/gif;base64,R0" data-lazy-src="/u/l.png">')
    assert largest_candidate(bare) == "/u/l.png"


def test_a_calendar_of_month_paths_is_one_family(sister) -> None:
    families = sister.urls.families
    months = ["/events/month/2024-05/", "/events/month/1990-01/", "/events/?ical=1"]
    assert len({url_family(f"https://aer.eu{m}", families) for m in months}) == 1
    # Without the key each month is a family of its own: the guard never sees a chain.
    assert len({url_family(f"https://aer.eu{m}") for m in months}) == 3
    # Other templates keep their own families.
    assert url_family("https://aer.eu/news/page/2/", families) == "/news/page/2/"
    assert DECLARED_FAMILY_CAP <= 10


def test_cards_fill_what_the_page_lacks_at_assembly(sister) -> None:
    page_url = "https://aer.eu/member/harghita-county-council/"
    lacking = Partner(id="partner-ro-x", name="X", country_code="RO", region=None,
                      role="partner", role_raw="Full member", source_url=page_url,
                      review_flags=["missing-region"])  # fmt: skip
    known = Partner(id="partner-ro-y", name="Y", country_code="RO", region="Own",
                    source_url="https://aer.eu/member/y/")  # fmt: skip
    cards = PartnerCards(url="https://aer.eu/members/", kind="partner_index", cards=[
        PartnerCard(url=page_url, fields={"region": "Harghita"}),
        PartnerCard(url="https://aer.eu/member/y/", fields={"region": "Card"}),
    ])  # fmt: skip
    again = PartnerCards(url="https://aer.eu/member-country/ro/", kind="partner_index",
                         cards=[PartnerCard(url=page_url, fields={"region": "Later"})])  # fmt: skip
    _fill_from_cards([lacking, known], [cards, again], sister.role_vocab)
    assert lacking.region == "Harghita"  # the first card seen
    assert "missing-region" not in lacking.review_flags
    assert known.region == "Own"  # the page's own row wins


def test_a_card_field_must_be_a_partner_field() -> None:
    from pydantic import ValidationError

    from belong_scraper.profile.partner import PartnerCards as CardRules

    with pytest.raises(ValidationError, match="no partner field a card may give"):
        CardRules(fields={"regoin": [".member-region"]})


def _path(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def test_survey_samples_a_declared_family_as_one(tmp_path: Path) -> None:
    """A survey of the sister site spent 184 of 200 requests on calendar months; with
    ``urls.families`` the calendar is one family of at most DECLARED_FAMILY_CAP requests."""
    with FixtureServer(FIXTURES / "sister-site") as server:
        result = run_cli(
            "survey", "--start-url", server.origin + "/", "--profile", "wordpress-sister",
            "--pages", "200", "--json", *FAST,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    calendar = [p for p in report["pages"] if urlsplit(p["url"]).path.startswith("/events/")]
    assert 0 < len(calendar) <= DECLARED_FAMILY_CAP
    kinds = {p["page_type"] for p in report["pages"]}
    assert {"partner", "partner_index", "static", "calendar"} <= kinds


def test_starting_profile_proposes_unfinished_date_paths_as_families() -> None:
    from belong_scraper.survey.starter import _families

    report = {
        "families": [
            {"family": "/events/month/<yyyy-mm>/", "count": 33, "unfetched": 2},
            {"family": "/<year>/<month>/<day>/<slug>/", "count": 33, "unfetched": 9},
            {"family": "/fr/<year>/", "count": 1, "unfetched": 1},  # the budget, no chain
            {"family": "/<year>/<month>/", "count": 12, "unfetched": 0},  # finished
        ]
    }
    lines = _families(report)
    assert lines[-1] == "families = ['^/events/month/\\d{4}-\\d{2}/$']"
    assert _families({"families": report["families"][1:]}) == []


def test_a_country_iso_does_not_know_is_flagged(sister) -> None:
    from belong_scraper.pages import Document, extract
    from belong_scraper.urls import Origin

    url = "https://aer.eu/member/atlantis-region/"
    page = (
        '<html><body><main class="content"><article class="member entry">'
        '<h1 class="entry-title">Atlantis Region</h1><div class="entry-content">'
        '<dl class="member-facts"><dd class="member-country">Atlantis</dd>'
        '<dd class="member-website">atlantis.example</dd></dl><p>Under the sea.</p>'
        "</div></article></main></body></html>"
    )
    origin = Origin.from_url(url, sister)
    doc = Document.from_bytes(url, page.encode(), "text/html; charset=utf-8", sister, origin)
    (partner,) = extract(doc)
    assert partner.id == "partner-xx-atlantis-region"
    assert "unknown-country-code" in partner.review_flags
    assert partner.website == "https://atlantis.example"
    assert partner.logo_url is None and partner.region is None
