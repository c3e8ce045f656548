"""The setup objects are frozen out of the cycle collector while a crawl runs, and
collectable again once it ends: a process that runs a second crawl (a test, a fleet
worker) keeps nothing of the first frozen."""

from __future__ import annotations

import gc
from types import SimpleNamespace

from scrapy import Spider, signals
from scrapy.signalmanager import SignalManager

from belong_scraper.frozen import SetupObjectsFrozen


def test_frozen_from_spider_opened_until_spider_closed() -> None:
    crawler = SimpleNamespace(signals=SignalManager())
    extension = SetupObjectsFrozen.from_crawler(crawler)  # signals hold it weakly
    spider = Spider(name="probe")
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    crawler.signals.send_catch_log(signals.spider_opened, spider=spider)
    frozen = gc.get_freeze_count()
    assert frozen > 0
    # What the crawl makes is not frozen (the count can only fall: a frozen object freed)
    made_during_the_crawl = [[] for _ in range(100)]
    assert gc.get_freeze_count() <= frozen
    crawler.signals.send_catch_log(signals.spider_closed, spider=spider, reason="finished")
    assert gc.get_freeze_count() == 0
    del made_during_the_crawl, extension


def test_the_extension_is_on_and_no_console_listens() -> None:
    from belong_scraper import settings

    assert settings.EXTENSIONS["belong_scraper.frozen.SetupObjectsFrozen"] == 0
    assert settings.EXTENSIONS["scrapy.extensions.telnet.TelnetConsole"] is None
    assert settings.EXTENSIONS["scrapy.extensions.remote_control.RemoteControl"] is None
    assert settings.TELNETCONSOLE_ENABLED is False
