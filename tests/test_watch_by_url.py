"""The scheduled job on a site whose article URLs carry no id (permalinks by date and
slug): the state's URLs say which article a teaser or feed entry is, and only unknown ones
are fetched."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from belong_scraper.spiders.watch import TeaserSeen, WatchSpider

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "sister-site"
ORIGIN = "http://127.0.0.1:8999"
KNOWN = "/2024/11/05/webinar-regions-and-the-social-climate-plans/"


def spider(known_urls: dict[str, str]) -> WatchSpider:
    crawler = get_crawler(WatchSpider, {"SITE_PROFILE": "wordpress-sister"})
    watch = WatchSpider.from_crawler(
        crawler, start_url=ORIGIN + "/", known={"article-2160": None}, known_urls=known_urls
    )
    crawler.spider = watch
    return watch


def test_a_listing_asks_only_for_the_articles_the_state_does_not_know() -> None:
    watch = spider({ORIGIN + KNOWN: "article-2160"})
    body = (SITE / "news" / "index.html").read_bytes()
    response = HtmlResponse(ORIGIN + "/news/", body=body, request=Request(ORIGIN + "/news/"))
    outputs = list(watch.parse_listing(response, page=1))

    asked = [o.url for o in outputs if isinstance(o, Request)]
    seen = [o for o in outputs if isinstance(o, TeaserSeen)]
    assert ORIGIN + KNOWN not in asked
    assert [s.article_id for s in seen] == ["article-2160"]  # known by its URL
    assert asked and all(u.startswith(ORIGIN + "/20") for u in asked)  # the others: new


def test_the_feed_asks_only_for_unknown_articles() -> None:
    watch = spider({ORIGIN + KNOWN: "article-2160"})
    body = (SITE / "feed" / "index.xml").read_bytes()
    response = XmlResponse(ORIGIN + "/feed/", body=body, request=Request(ORIGIN + "/feed/"))
    asked = [o.url for o in watch.parse_feed(response) if isinstance(o, Request)]
    assert asked and ORIGIN + KNOWN not in asked


def test_without_the_state_s_urls_every_entry_is_new() -> None:
    watch = spider({})
    body = (SITE / "feed" / "index.xml").read_bytes()
    response = XmlResponse(ORIGIN + "/feed/", body=body, request=Request(ORIGIN + "/feed/"))
    assert ORIGIN + KNOWN in [o.url for o in watch.parse_feed(response)]
