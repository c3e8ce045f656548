"""RepeatedRequestFilter: a repeat of a request already sent on is dropped before Scrapy's
machinery sees it; what the trap guard cut is not remembered; nothing else is touched.
And the canonical URL's rules compiled once per profile say what the profile says."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st
from scrapy import Request
from scrapy.http import HtmlResponse

from belong_scraper.items import PageReport
from belong_scraper.middlewares import RepeatedRequestFilter

PAGE = HtmlResponse("http://127.0.0.1/", body=b"<html></html>")


def passed(middleware: RepeatedRequestFilter, outputs: list) -> list:
    return list(middleware.process_spider_output(PAGE, outputs))


def test_a_repeat_is_dropped_and_everything_else_passes() -> None:
    middleware = RepeatedRequestFilter()
    report = PageReport("http://127.0.0.1/", "http://127.0.0.1/", 200, "front")
    first = [report, Request("http://127.0.0.1/a"), Request("http://127.0.0.1/b")]
    assert passed(middleware, first) == first
    again = Request("http://127.0.0.1/a")
    forced = Request("http://127.0.0.1/a", dont_filter=True)  # a retry, a continuation
    posted = Request("http://127.0.0.1/a", method="POST")
    new = Request("http://127.0.0.1/c")
    assert passed(middleware, [again, forced, posted, new]) == [forced, posted, new]
    # Another spelling is another URL here: Scrapy's own filter still judges it.
    other = Request("http://127.0.0.1/c?b=1&a=2")
    same_for_scrapy = Request("http://127.0.0.1/c?a=2&b=1")
    assert passed(middleware, [other, same_for_scrapy]) == [other, same_for_scrapy]


def test_the_async_path_drops_what_the_sync_path_drops() -> None:
    middleware = RepeatedRequestFilter()

    async def outputs(requests: list) -> list:
        async def source():
            for request in requests:
                yield request

        return [o async for o in middleware.process_spider_output_async(PAGE, source())]

    a, b = Request("http://127.0.0.1/a"), Request("http://127.0.0.1/a")
    assert asyncio.run(outputs([a, b])) == [a]
    assert asyncio.run(outputs([Request("http://127.0.0.1/a")])) == []


def test_a_request_the_guard_cut_is_followed_from_a_later_page() -> None:
    from scrapy.utils.test import get_crawler

    from belong_scraper import settings
    from belong_scraper.middlewares import TrapGuardMiddleware

    project = {name: value for name, value in vars(settings).items() if name.isupper()}
    guard = TrapGuardMiddleware.from_crawler(get_crawler(settings_dict=project))
    middleware = RepeatedRequestFilter()

    def through_both(url: str, meta: dict, outputs: list) -> list:
        response = HtmlResponse(url, body=b"<html></html>", request=Request(url, meta=meta))
        return passed(middleware, list(guard.process_spider_output(response, outputs)))

    june = "http://127.0.0.1/events.php?month=2024-06"
    # A barren month of the calendar: the guard cuts its "Next", the filter never sees it.
    barren = {"trap_family": "/events.php?month", "trap_barren": guard.limit}
    assert through_both("http://127.0.0.1/events.php?month=2024-05", barren,
                        [Request(june)]) == []  # fmt: skip
    # The same month linked from a productive page: not remembered, so it is followed.
    later = Request(june)
    assert through_both("http://127.0.0.1/news.php", {}, [later]) == [later]
    assert through_both("http://127.0.0.1/news.php?page=2", {}, [Request(june)]) == []


def test_the_filter_sits_after_the_trap_guard() -> None:
    from belong_scraper import settings

    order = settings.SPIDER_MIDDLEWARES
    guard = order["belong_scraper.middlewares.TrapGuardMiddleware"]
    assert order["belong_scraper.middlewares.RepeatedRequestFilter"] < guard


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(st.sampled_from("aAuUtTmM_*.s"), max_size=8),
    patterns=st.lists(st.text(st.sampled_from("aAuUtTmM_.s"), max_size=5)
                      .map(lambda p: p + ("*" if len(p) % 2 else "")), max_size=4),
)  # fmt: skip
def test_the_compiled_dropped_parameter_rule_is_the_profiles(name, patterns) -> None:
    from belong_scraper.profile import load_profile
    from belong_scraper.urls import _query_rules

    profile = load_profile("legacy")
    profile = profile.model_copy(
        update={"urls": profile.urls.model_copy(update={"drop_params": patterns})}
    )
    lowered = name.lower()
    expected = any(
        (p.endswith("*") and lowered.startswith(p[:-1].lower())) or lowered == p.lower()
        for p in patterns
    )
    assert bool(_query_rules(profile).dropped.fullmatch(lowered)) == expected
