"""An article split over pages ([article] continued) is one record: the spider holds it
back on its first page, each further page adds its body, the last lets it go; a further
page that cannot be read lets it go flagged, never lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from belong_scraper.items import Article, PageReport
from belong_scraper.spiders.site import CONTINUATION_MISSING, SiteSpider

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "sister-site"
ORIGIN = "http://127.0.0.1:8999"
POST = "/2023/10/10/digital-regions-closing-the-connectivity-gap-in-rural-areas/"


@pytest.fixture
def spider() -> SiteSpider:
    crawler = get_crawler(SiteSpider, {"SITE_PROFILE": "wordpress-sister"})
    spider = SiteSpider.from_crawler(crawler, start_url=ORIGIN + "/")
    crawler.spider = spider
    return spider


def answer(request: Request, path: str, status: int = 200) -> HtmlResponse:
    body = (SITE / path.strip("/") / "index.html").read_bytes() if status == 200 else b""
    return HtmlResponse(request.url, status=status, body=body, request=request,
                        headers={"Content-Type": "text/html; charset=UTF-8"})  # fmt: skip


def first_page(spider: SiteSpider) -> tuple[list, Request]:
    outputs = list(spider.parse(answer(Request(ORIGIN + POST), POST)))
    assert not [o for o in outputs if isinstance(o, Article)]  # held back
    (report,) = [o for o in outputs if isinstance(o, PageReport)]
    assert report.canonical == ORIGIN + POST
    (next_page,) = [o for o in outputs if isinstance(o, Request) and o.meta.get("continues")]
    assert next_page.url == ORIGIN + POST + "2/"
    # Only the chain asks for the further page: it is not also requested as a plain link.
    assert [o.url for o in outputs if isinstance(o, Request)].count(next_page.url) == 1
    return outputs, next_page


def test_the_pages_of_a_split_article_make_one_record(spider: SiteSpider) -> None:
    _, next_page = first_page(spider)
    outputs = list(spider.parse(answer(next_page, POST + "2/")))

    (article,) = [o for o in outputs if isinstance(o, Article)]
    assert article.id == "article-1745"
    assert article.source_url == ORIGIN + POST
    first = article.body_html.index("One in five rural households")
    second = article.body_html.index("ten recommendations for the next generation")
    assert first < second  # the first page's body, then the second's
    # Both pages' PHP errors count: each page opens with the theme's notice.
    assert article.php_errors_removed >= 2
    assert CONTINUATION_MISSING not in article.review_flags
    (report,) = [o for o in outputs if isinstance(o, PageReport)]
    assert report.kind == "article_part" and report.status == 200


def test_a_further_page_that_is_gone_lets_the_record_go_flagged(spider: SiteSpider) -> None:
    _, next_page = first_page(spider)
    outputs = list(spider.parse(answer(next_page, POST + "2/", status=404)))

    (article,) = [o for o in outputs if isinstance(o, Article)]
    assert "One in five rural households" in article.body_html
    assert "ten recommendations" not in article.body_html
    assert CONTINUATION_MISSING in article.review_flags
    (report,) = [o for o in outputs if isinstance(o, PageReport)]
    assert report.status == 404


def test_a_further_page_that_fails_to_download_lets_the_record_go(spider: SiteSpider) -> None:
    _, next_page = first_page(spider)
    failure = Failure(TimeoutError("took too long"))
    failure.request = next_page
    outputs = list(spider.failed(failure))

    (article,) = [o for o in outputs if isinstance(o, Article)]
    assert CONTINUATION_MISSING in article.review_flags
    assert [o.error for o in outputs if isinstance(o, PageReport)] == [
        "TimeoutError: took too long"
    ]
