"""The fetch bounds piece by piece (limits.py): bytes on the wire, bytes inflated, time
with retries, attempts; the truncated capture; the field caps pipeline."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SITE, load_export, migrate
from lxml import html as lxml_html
from scrapy.exceptions import StopDownload
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler
from twisted.internet.error import TimeoutError as TxTimeoutError
from warcio.archiveiterator import ArchiveIterator

from belong_scraper import settings as project_settings
from belong_scraper.archive.index import warc_files
from belong_scraper.archive.middleware import WarcCaptureMiddleware
from belong_scraper.fixture_server import FixtureServer
from belong_scraper.items import Article, Partner
from belong_scraper.limits import (
    InflationBoundMiddleware,
    ResponseSizeMiddleware,
    TimeBudgetRetryMiddleware,
    TooLarge,
)
from belong_scraper.spiders.site import SiteSpider
from pipelines.limits import (
    DEFAULT_FIELD_MAX_CHARS,
    FieldLimitsPipeline,
    cap_fields,
    truncate_html,
)

ORIGIN = "http://127.0.0.1:9"
LIMIT = 64 * 1024


def crawler(**settings):
    base = {name: getattr(project_settings, name) for name in dir(project_settings)
            if name.isupper()}  # fmt: skip
    return get_crawler(SiteSpider, {**base, "PAGE_MAX_BYTES": LIMIT, **settings})


def size_middleware(**settings) -> ResponseSizeMiddleware:
    return ResponseSizeMiddleware.from_crawler(crawler(**settings))


def test_settings_document_the_bounds_and_register_the_middlewares() -> None:
    assert project_settings.PAGE_MAX_BYTES < project_settings.MEDIA_MAX_BYTES
    assert project_settings.DOWNLOAD_MAXSIZE == project_settings.MEDIA_MAX_BYTES
    assert project_settings.PAGE_TIME_BUDGET > 0
    middlewares = project_settings.DOWNLOADER_MIDDLEWARES
    assert (
        middlewares["scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware"]
        is None
    )
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    # The size check sees a response after the archive and the cache, before inflation.
    assert 590 < middlewares["belong_scraper.limits.ResponseSizeMiddleware"] < 900
    pipelines = project_settings.ITEM_PIPELINES
    assert 200 < pipelines["pipelines.limits.FieldLimitsPipeline"] < 300


def test_pages_and_media_get_their_own_bound_and_attempts_are_counted() -> None:
    middleware = size_middleware(MEDIA_MAX_BYTES=LIMIT * 10)
    page = Request(ORIGIN + "/news.php?id=1")
    media = Request(ORIGIN + "/uploads/2024/03/report.pdf")
    middleware.process_request(page)
    middleware.process_request(media)
    assert page.meta["max_bytes"] == LIMIT and media.meta["max_bytes"] == LIMIT * 10
    assert page.meta["attempts"] == 1
    retry = page.replace(meta={**page.meta, "retry_times": 2})
    middleware.process_request(retry)
    assert retry.meta["attempts"] == 3


def test_the_download_stops_at_the_bound_and_the_response_is_too_large() -> None:
    middleware = size_middleware()
    request = Request(ORIGIN + "/news.php?id=2")
    middleware.process_request(request)
    middleware.bytes_received(b"x" * (LIMIT // 2), request)
    with pytest.raises(StopDownload) as stopped:
        middleware.bytes_received(b"x" * LIMIT, request)
    assert stopped.value.fail is False
    body = b"x" * (LIMIT + LIMIT // 2)
    response = Response(request.url, body=body, request=request, flags=["download_stopped"])
    with pytest.raises(TooLarge, match=rf"too large: .* > limit {LIMIT}"):
        middleware.process_response(request, response)
    assert "\n" not in request.meta["too_large"]


@pytest.mark.parametrize("declared", [None, 40 * 1024 * 1024])
def test_a_replayed_response_over_the_bound_is_too_large_without_flags(declared) -> None:
    """migrate --resume replays from the HTTP cache, which keeps no flags."""
    middleware = size_middleware()
    request = Request(ORIGIN + "/news.php?id=3")
    middleware.process_request(request)
    headers = {"Content-Length": str(declared)} if declared else {}
    response = Response(request.url, body=b"y" * (LIMIT + 1), headers=headers, request=request,
                        flags=["cached"])  # fmt: skip
    with pytest.raises(TooLarge):
        middleware.process_response(request, response)
    small = Response(request.url, body=b"<p>fine</p>", request=request)
    assert middleware.process_response(request, small) is small
    not_modified = Response(request.url, status=304, headers=headers, request=request)
    assert middleware.process_response(request, not_modified) is not_modified


@pytest.mark.parametrize("filler", [b"\0", b"<div>", b" "])
def test_a_compression_bomb_stops_inflating_at_the_bound(filler: bytes) -> None:
    test_crawler = crawler()
    sizes = ResponseSizeMiddleware.from_crawler(test_crawler)
    inflate = InflationBoundMiddleware.from_crawler(test_crawler)
    request = Request(ORIGIN + "/news.php?id=4")
    sizes.process_request(request)
    bomb = gzip.compress(filler * (LIMIT * 8 // len(filler)))
    response = Response(request.url, body=bomb, request=request,
                        headers={"Content-Encoding": "gzip"})  # fmt: skip
    assert sizes.process_response(request, response) is response  # small on the wire
    with pytest.raises(TooLarge, match=r"too large \(inflated\).*gzip > limit"):
        inflate.process_response(request, response)
    fine = Response(request.url, body=gzip.compress(b"<p>ok</p>"), request=request,
                    headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})  # fmt: skip
    assert inflate.process_response(request, fine).body == b"<p>ok</p>"


def test_retries_stop_once_the_time_budget_is_spent() -> None:
    test_crawler = crawler(PAGE_TIME_BUDGET=10, DOWNLOAD_TIMEOUT=30, RETRY_TIMES=5)
    retry = TimeBudgetRetryMiddleware.from_crawler(test_crawler)
    test_crawler.spider = test_crawler._create_spider(start_url=ORIGIN + "/")
    request = Request(ORIGIN + "/news.php?id=5")
    retry.process_request(request)
    assert request.meta["download_timeout"] <= 10  # no attempt outlives the budget
    again = retry.process_exception(request, TxTimeoutError())
    assert isinstance(again, Request) and again.meta["retry_times"] == 1
    # Later, with 4 s of the budget left: the next attempt gets only those 4 s.
    again.meta["_budget_started"] = time.monotonic() - 6
    retry.process_request(again)
    assert 3 <= again.meta["download_timeout"] <= 4
    # Spent: the last failure stands (None lets it reach the errback).
    again.meta["_budget_started"] = time.monotonic() - 11
    assert retry.process_exception(again, TxTimeoutError()) is None
    assert again.meta["time_budget_spent"] is True
    spent = HtmlResponse(again.url, status=503, request=again)
    assert retry.process_response(again, spent) is spent
    assert test_crawler.stats.get_value("limits/time_budget_spent") == 2


def test_a_stopped_download_is_archived_truncated(tmp_path: Path) -> None:
    request = Request(ORIGIN + "/news.php?id=6")
    request.meta["too_large"] = "too large: 41943040 bytes > limit 65536"
    body = b"<html>" + b"z" * LIMIT
    headers = {"Content-Type": "text/html", "Content-Length": "41943040"}
    response = Response(request.url, body=body, request=request, flags=["download_stopped"],
                        headers=headers)  # fmt: skip
    middleware = WarcCaptureMiddleware(tmp_path, "run-1")
    middleware.process_response(request, response)
    middleware.close()
    (path,) = warc_files(tmp_path / "archive")
    with open(path, "rb") as handle:
        records = {r.rec_type: (r, r.content_stream().read()) for r in ArchiveIterator(handle)}
    record, payload = records["response"]
    assert record.rec_headers.get_header("WARC-Truncated") == "length"
    assert payload == body  # the prefix that arrived, as it arrived
    assert record.http_headers.get_header("Content-Length") == str(len(body))
    info = records["warcinfo"][1]
    assert b"WARC-Truncated: length" in info


def _article(**fields) -> Article:
    return Article(id="article-1", legacy_id=1, source_url=ORIGIN + "/news.php?id=1", **fields)


def test_long_fields_are_cut_and_flagged() -> None:
    paragraphs = "".join(f"<p>Paragraph {n} <b>bold</b> &amp; text.</p>" for n in range(5000))
    tags = ["x" * 500, *map(str, range(400))]
    article = _article(title="T" * 10_000, author="A " * 1000, body_html=paragraphs,
                       body_text="word " * 300_000, tags=tags)  # fmt: skip
    caps = {**DEFAULT_FIELD_MAX_CHARS, "body_html": 10_000}
    cut = cap_fields(article, caps)
    assert set(cut) >= {"title", "author", "body_html", "body_text", "tag", "tags"}
    for name in ("title", "author", "body_html", "body_text"):
        assert len(getattr(article, name)) <= caps[name]
        assert f"field-truncated:{name}" in article.review_flags
    assert article.body_html.endswith("</p>") and article.body_html.count("<p>") > 10
    root = lxml_html.fragment_fromstring(article.body_html, create_parent="div")
    assert len(root) == article.body_html.count("<p>")  # whole blocks, none left open
    assert len(article.tags) == caps["tags"] and max(map(len, article.tags)) <= caps["tag"]
    assert article.evidence["truncated_fields"]["title"] == 10_000
    assert cap_fields(article, caps) == []  # idempotent: a second pass cuts nothing


def test_a_single_huge_block_becomes_escaped_text() -> None:
    html = "<div><p>" + "&lt;script&gt; " * 5000 + "</p></div>"
    short = truncate_html(html, 2000)
    assert len(short) <= 2000 and short.startswith("<p>") and "<script" not in short
    partner = Partner(id="p", name="N" * 1000, country_code="AT", description_html=html)
    assert cap_fields(partner, {"name": 300, "description_html": 2000}) == [
        "name",
        "description_html",
    ]
    assert (
        len(partner.name) == 300
        and "<script" not in partner.description_html
        and "field-truncated:name" in partner.review_flags
    )


def test_the_pipeline_takes_its_caps_from_settings() -> None:
    pipeline = FieldLimitsPipeline.from_crawler(crawler(FIELD_MAX_CHARS={"title": 20}))
    article = pipeline.process_item(_article(title="A title far longer than twenty", author="Ann"))
    assert article.title == "A title far longer" and article.author == "Ann"
    assert article.review_flags == ["field-truncated:title"]
    teaser = object()
    assert pipeline.process_item(teaser) is teaser


def test_media_over_their_bound_are_recorded_and_the_records_kept(
    tmp_path: Path, migrated_export: Path
) -> None:
    """Media have their own bound: with a tiny one, the larger fixture files are too
    large (listed with the reason), the smaller still downloaded, every record kept."""
    out = tmp_path / "out"
    with FixtureServer(SITE) as server:
        result = migrate(server, out, "-s", "MEDIA_MAX_BYTES=790")
    assert result.returncode in (0, 1), result.stderr[-2000:]
    clean, got = load_export(migrated_export), load_export(out)
    for kind, records in clean.items():
        assert {r["id"] for r in records} == {r["id"] for r in got[kind]}, kind
    clean_assets = json.loads((migrated_export / "assets.json").read_text(encoding="utf-8"))
    assets = json.loads((out / "assets.json").read_text(encoding="utf-8"))
    assert {a["sha256"] for a in assets} == {a["sha256"] for a in clean_assets if a["bytes"] <= 790}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    too_large = [f for f in manifest["failed_downloads"] if "too large" in json.dumps(f)]
    assert too_large and all("> limit 790" in json.dumps(f) for f in too_large)
    assert not manifest["failed_pages"]  # pages keep PAGE_MAX_BYTES


def test_a_large_record_is_streamed_to_the_file_and_stays_valid(tmp_path: Path) -> None:
    from belong_scraper.archive.warc import BUFFERED_RECORD_MAX, Exchange, RotatingWarcWriter

    body = bytes(range(256)) * (BUFFERED_RECORD_MAX // 256 + 1000)
    writer = RotatingWarcWriter(tmp_path, "run-1")
    written = writer.write_exchange(
        Exchange(ORIGIN + "/uploads/2024/01/big.jpg", 200, [("Content-Type", "image/jpeg")], body)
    )
    writer.close()
    (path,) = warc_files(tmp_path)
    with open(path, "rb") as handle:
        handle.seek(written.offset)
        record = next(iter(ArchiveIterator(handle)))
        assert record.raw_stream.read() == body
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(path)],
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stdout
