"""Every URL spelling of the survey folds into one canonical URL."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from belong_scraper.profile import load_profile
from belong_scraper.urls import (
    _canonical_spelling,
    canonical_url,
    is_media,
    one_spelling_per_session,
    page_type,
    url_family,
)

ORIGIN = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    "spelling",
    [
        f"{ORIGIN}/news.php?id=17",
        f"{ORIGIN}/news.php?ID=17",
        f"{ORIGIN}/news.php?id=17&utm_source=newsletter&utm_medium=email",
        f"{ORIGIN}/news.php?id=17&PHPSESSID=0123456789abcdef",
        f"{ORIGIN}/news.php?id=17&",
        f"{ORIGIN}/news.php?id=17#comments",
        f"{ORIGIN}/news.php?id=17&print=1",
        "http://eu-belong.aer.eu/news.php?id=17",
        "https://eu-belong.aer.eu/news.php?id=17",
        "https://www.eu-belong.aer.eu/news.php?ID=17&utm_campaign=x",
        "http://127.0.0.1:8000/./news.php?id=17",
    ],
)
def test_spellings_of_an_article_fold(spelling: str, origin, profile) -> None:
    assert canonical_url(spelling, origin, profile) == f"{ORIGIN}/news.php?id=17"


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        (f"{ORIGIN}/index.php", f"{ORIGIN}/"),
        ("https://www.eu-belong.aer.eu/", f"{ORIGIN}/"),
        (f"{ORIGIN}/partners.php?country=es", f"{ORIGIN}/partners.php?country=ES"),
        (f"{ORIGIN}/partners.php?country=Se", f"{ORIGIN}/partners.php?country=SE"),
        (f"{ORIGIN}/news.php?tag=Inclusion&page=2", f"{ORIGIN}/news.php?page=2&tag=inclusion"),
        (f"{ORIGIN}/news.php?page=2&page=3", f"{ORIGIN}/news.php?page=2"),
    ],
)
def test_canonical_forms(spelling: str, canonical: str, origin, profile) -> None:
    assert canonical_url(spelling, origin, profile) == canonical


def test_other_sites_are_not_canonicalised(origin, profile) -> None:
    assert canonical_url("https://www.navarra.es/es/home", origin, profile) is None
    assert canonical_url("mailto:info@aer.org", origin, profile) is None


@pytest.mark.parametrize(
    ("path", "kind", "keys"),
    [
        ("/news.php?id=17", "article", {"id": "17"}),
        ("/news.php", "listing", {}),
        ("/news.php?page=4", "listing", {"page": "4"}),
        ("/news.php?tag=inclusion", "tag", {"tag": "inclusion"}),
        ("/news.php?page=2&tag=inclusion", "tag", {"page": "2", "tag": "inclusion"}),
        ("/partners.php", "partner_index", {}),
        ("/partners.php?country=ES", "partners", {"country": "ES"}),
        ("/cluster.php?id=2", "cluster", {"id": "2"}),
        ("/page.php?p=about", "static", {"key": "about"}),
        ("/", "home", {}),
        ("/rss.php", "feed", {}),
        ("/events.php?month=2024-05", "other", {}),
    ],
)
def test_page_type(path: str, kind: str, keys: dict, profile) -> None:
    assert page_type(ORIGIN + path, profile) == (kind, keys)


def test_media_and_families(profile) -> None:
    assert is_media(f"{ORIGIN}/uploads/2023/03/report.pdf", profile)
    assert is_media(f"{ORIGIN}/img/logo.png", profile)
    assert not is_media(f"{ORIGIN}/news.php?id=3", profile)
    assert url_family(f"{ORIGIN}/events.php?month=2024-05") == url_family(
        f"{ORIGIN}/events.php?month=1999-01"
    )
    assert url_family(f"{ORIGIN}/news.php?page=2") != url_family(f"{ORIGIN}/news.php?id=2")


query = st.lists(
    st.tuples(st.sampled_from(["id", "ID", "page", "utm_source", "PHPSESSID", "tag", "print"]),
              st.text(alphabet="abcXYZ019-_ ", max_size=6)),
    max_size=5,
)  # fmt: skip


@given(
    path=st.sampled_from(["/", "/index.php", "/news.php", "/partners.php", "/x/../news.php"]),
    params=query,
    host=st.sampled_from(
        ["http://127.0.0.1:8000", "https://eu-belong.aer.eu", "http://www.eu-belong.aer.eu"]
    ),
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_canonical_url_is_idempotent(path, params, host, origin, profile) -> None:
    url = host + path + ("?" + "&".join(f"{k}={v}" for k, v in params) if params else "")
    once = canonical_url(url, origin, profile)
    assert once is not None and once.startswith(ORIGIN)
    assert canonical_url(once, origin, profile) == once
    assert "utm_" not in once and "phpsessid" not in once.lower() and "#" not in once


# Pieces a link's path and query are made of, the awkward ones included: escapes (of a
# slash too), dot segments, doubled slashes, "+", spaces, non-ASCII, separators.
URL_PIECES = ["a", "Z", "0", "-", "_", ".", "..", "~", "/", "//", "%2F", "%41", "%e9", "+", " ",
              "é", "=", "&", ";", "!", "*", "'", "@", ":", "index.php", "INDEX.PHP"]  # fmt: skip


@given(
    path=st.lists(st.sampled_from(URL_PIECES), max_size=8).map("".join),
    params=st.lists(
        st.tuples(
            st.sampled_from(["id", "ID", "page", "tag", "utm_source", "PHPSESSID", "q", "x y", ""]),
            st.lists(st.sampled_from(URL_PIECES), max_size=4).map("".join),
        ),
        max_size=4,
    ),
    fragment=st.sampled_from(["", "#top"]),
)
@settings(max_examples=500, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_plain_spellings_fold_as_the_general_rules_fold_them(
    path, params, fragment, origin, profile
) -> None:
    """canonical_url's shortcut for plain spellings gives what its general rules give."""
    url = ORIGIN + "/" + path.lstrip("/") + ("?" + "&".join(f"{k}={v}" for k, v in params)
                                             if params else "") + fragment  # fmt: skip
    general = _canonical_spelling(urlsplit(url), origin, profile)
    assert canonical_url.__wrapped__(url, origin, profile) == general


def _one_spelling_per_session_parsed(urls: list[str], profile) -> list[str]:
    """one_spelling_per_session with every URL parsed (no shortcut): the rule itself."""
    names = {n.lower() for n in profile.urls.session_params}
    kept: dict[str, str] = {}
    for url in urls:
        parts, shape = urlsplit(url), url
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if any(k.strip().lower() in names for k, _ in pairs):
            query = [(k, "" if k.strip().lower() in names else v) for k, v in pairs]
            shape = urlunsplit(parts._replace(query=urlencode(query)))
        kept.setdefault(shape, url)
    return sorted(set(kept.values()))


SESSION_SPELLINGS = ["id", "PHPSESSID", "phpsessid", " PHPSESSID", "%50HPSESSID", "PHP+SESSID",
                     "sid", "SID", "x", "\u212a"]  # fmt: skip


@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from(SESSION_SPELLINGS),
                st.sampled_from(["", "1", "abc", "%41", "+", "K"]),
            ),
            max_size=4,
        ).map(lambda pairs: f"{ORIGIN}/news.php?" + "&".join(f"{k}={v}" for k, v in pairs)),
        max_size=6,
    )
)
def test_one_spelling_per_session_parses_only_what_may_hold_a_session_id(urls) -> None:
    profile = load_profile()
    expected = _one_spelling_per_session_parsed(urls, profile)
    assert one_spelling_per_session(urls, profile) == expected


def test_one_spelling_per_session_keeps_the_first_session_value() -> None:
    profile = load_profile()
    urls = [
        "http://x.test/news.php?id=5&PHPSESSID=old",
        "http://x.test/news.php?id=5&PHPSESSID=new",
        "http://x.test/news.php?id=5&",
        "http://x.test/news.php?id=5",
        "http://x.test/news.php?id=6&PHPSESSID=new",
        "http://x.test/news.php?id=5&utm_source=a",
        "http://x.test/news.php?id=5&utm_source=b",
    ]
    assert one_spelling_per_session(urls, profile) == [
        "http://x.test/news.php?id=5",
        "http://x.test/news.php?id=5&",
        "http://x.test/news.php?id=5&PHPSESSID=old",
        "http://x.test/news.php?id=5&utm_source=a",
        "http://x.test/news.php?id=5&utm_source=b",
        "http://x.test/news.php?id=6&PHPSESSID=new",
    ]
