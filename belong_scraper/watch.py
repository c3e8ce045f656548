"""The scheduled new-post job: what `belong-scraper watch` does around its small crawl.

Cheap (feed and first listing pages, then only new or changed articles), quiet (no output
when nothing is new: cron mails only output) and exact (judged on cleaned text). The
state is saved only after the notification went out, so a failed POST is retried by the
next run instead of being lost.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from belong_scraper import __version__
from belong_scraper.exporters import atomic_write
from belong_scraper.state import StateStore
from pipelines.watch import text_hash


class WatchError(RuntimeError):
    """The watch run could not complete (feed unreachable, notification refused...)."""


def known_articles(store: StateStore) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """Article id → teaser hash, and → text hash, from earlier migrations and watch runs."""
    teasers: dict[str, str | None] = {}
    texts: dict[str, str | None] = {}
    for record_id, state in store.known_records().items():
        if state.type == "article" and state.removed_in_run is None:
            teasers[record_id] = None
            data = state.data or {}
            texts[record_id] = text_hash(data.get("title", ""), data.get("body_text", ""))
    for article_id, item in store.watch_items().items():
        teasers[article_id] = item.teaser_sha256 or teasers.get(article_id)
        texts[article_id] = item.text_sha256 or texts.get(article_id)
    return teasers, texts


def known_article_urls(store: StateStore) -> dict[str, str]:
    """Canonical URL → article id, for sites whose article URLs carry no id: every
    spelling a migration recorded, and the URLs watch runs saw."""
    urls: dict[str, str] = {}
    for record_id, state in store.known_records(with_data=False).items():
        if state.type == "article" and state.removed_in_run is None:
            for url in [state.source_url, *(state.legacy_urls or [])]:
                if url:
                    urls.setdefault(url, record_id)
    for article_id, item in store.watch_items().items():
        if item.url:
            urls.setdefault(item.url, article_id)
    return urls


def notify(url: str, payload: dict[str, Any], user_agent: str, timeout: float = 20) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": user_agent},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except (urllib.error.URLError, OSError) as exc:
        raise WatchError(f"notification to {url} failed: {getattr(exc, 'reason', exc)}") from exc


def atom_feed(posts: list[dict[str, Any]], feed_id: str, updated: datetime) -> bytes:
    """An Atom 1.0 feed of the new and updated posts of one run."""
    ns = "http://www.w3.org/2005/Atom"
    stamp = updated.strftime("%Y-%m-%dT%H:%M:%SZ")
    feed = ElementTree.Element(f"{{{ns}}}feed")

    def add(parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str):
        element = ElementTree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        element.text = text
        return element

    add(feed, "id", feed_id)
    add(feed, "title", f"New posts: {feed_id.split('#', 1)[0]}")
    add(feed, "updated", stamp)
    add(feed, "generator", "belong-scraper", version=__version__)
    for post in posts:
        entry = add(feed, "entry")
        add(entry, "id", post["url"])
        add(entry, "title", post["title"])
        add(entry, "link", rel="alternate", href=post["url"])
        add(
            entry, "published", f"{post['published']}T00:00:00Z" if post.get("published") else stamp
        )
        add(entry, "updated", stamp)
        add(entry, "category", term=post["change"])
        if post.get("author"):
            add(add(entry, "author"), "name", post["author"])
        if post.get("summary"):
            add(entry, "summary", post["summary"])
    ElementTree.register_namespace("", ns)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def format_lines(posts: list[dict[str, Any]], as_json: bool) -> list[str]:
    if as_json:
        return [json.dumps(post, ensure_ascii=False, sort_keys=True) for post in posts]
    return [f"{p['change']} {p['id']} {p['title']} {p['url']}" for p in posts]


def new_run_id() -> str:
    return "watch-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + "-" + uuid.uuid4().hex[:8]


def finish(
    store: StateStore,
    run_id: str,
    result: dict[str, Any],
    notify_url: str | None,
    atom_path: Path | None,
    start_url: str,
    user_agent: str,
) -> list[dict[str, Any]]:
    """Notify, write the Atom feed, then record what was seen; returns the posts."""
    posts = result["posts"]
    now = datetime.now(UTC)
    if posts and notify_url:
        notify(notify_url, {"run": run_id, "site": start_url, "posts": posts}, user_agent)
    if posts and atom_path:
        atom_write = atom_feed(posts, f"{start_url}#belong-scraper-watch", now)
        atom_path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(atom_path, atom_write)
    reported = {p["id"] for p in posts}
    items = []
    for item in result["items"]:
        if item["article_id"] in reported:
            item = {**item, "first_reported_run": run_id}
        items.append(item)
    store.save_watch_items(run_id, items)
    counts = {change: sum(p["change"] == change for p in posts) for change in ("new", "updated")}
    store.close_run(run_id, "complete", counts)
    return posts
