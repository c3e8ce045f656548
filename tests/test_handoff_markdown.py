"""The handoff's Markdown: made again only from a body the link rewrite changed, and
always the Markdown of the body as exported."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from belong_scraper.export.assemble import assemble_stage
from belong_scraper.export.graph import LinkGraph
from belong_scraper.export.handoff import handoff_stage
from belong_scraper.export.run import Collected, ExportRun
from belong_scraper.export.sample import ORIGIN, sample_items
from belong_scraper.handoff import LinkRewriter
from belong_scraper.items import Article, Page, PageReport
from belong_scraper.profile import load_profile
from belong_scraper.sanitize import clean_body, html_to_markdown, html_to_text, retarget_markdown
from belong_scraper.urls import Origin

PROFILE = load_profile("legacy")


def test_markdown_is_the_exported_bodys_and_reused_when_the_body_is_unchanged(
    tmp_path: Path,
) -> None:
    items = sample_items()
    collected = Collected()
    for item in items:
        collected.add(item)
    run = ExportRun(
        out_dir=tmp_path, profile=PROFILE, origin=Origin.from_url(ORIGIN + "/", PROFILE),
        run_id="run-1", start_url=ORIGIN + "/", started_at=datetime.now(UTC),
        db_url="sqlite://", reason="finished", collected=collected,
        fetched={r.url: 1 for r in items if isinstance(r, PageReport)},
    )  # fmt: skip
    assembled = assemble_stage(run)
    bodies = [r for r in assembled.records if isinstance(r, Article | Page)]
    # One body the rewrite leaves alone, with a Markdown of its own: kept as it was.
    plain = next(r for r in bodies if isinstance(r, Article) and "<a " not in r.body_html)
    plain.body_html = "<p>Nothing here links anywhere.</p>"
    plain.body_markdown = marker = "kept, not made again"
    # One the rewrite changes (a link to another record): made again from the new body.
    linked = next(r for r in bodies if r is not plain and isinstance(r, Article))
    target = next(r for r in bodies if r is not linked and isinstance(r, Article))
    linked.body_html = f'<p>See <a href="{target.source_url}">this</a>.</p>'
    linked.body_markdown = html_to_markdown(linked.body_html)  # as the crawl made it
    handed = handoff_stage(run, assembled)
    collected.close()
    assert plain.body_markdown is marker
    assert target.path in linked.body_html
    assert linked.body_markdown == f"See [this]({target.path})."
    for record in handed.records:
        if isinstance(record, Article | Page) and record is not plain:
            assert record.body_markdown == html_to_markdown(record.body_html), record.id
        if isinstance(record, Page):
            assert record.body_text == html_to_text(record.body_html), record.id


# --- The Markdown moved with the links (sanitize.retarget_markdown), for any body ---

ORIGIN_URL = Origin.from_url(ORIGIN + "/", PROFILE)
RECORD_URLS = [f"{ORIGIN}/news.php?id={n}" for n in (1, 2, 3)]
ASSET_URL = f"{ORIGIN}/media/2023/05/photo-one.jpg"
FAILED_URL = f"{ORIGIN}/media/2023/05/gone.pdf"
URLS = [
    *RECORD_URLS,
    "/news.php?id=2",  # relative, resolved against the body's page
    "news.php?id=3&utm_source=x",
    ASSET_URL,
    FAILED_URL,
    f"{ORIGIN}/about.php",  # a page of the old site no record has
    f"{ORIGIN}/news.php?id=999",
    f"{ORIGIN}/a(b)/c d.html",
    "https://elsewhere.example/page",
    "https://elsewhere.example/a_b*c",
    "mailto:someone@example.org",
    "ftp://files.example/x",
    "#top",
]
# No backtick: a code span is converted again (tested below), so the moved Markdown is
# checked on bodies without one.
TEXTS = st.text(alphabet="ab _*[]()<>\\#-1.!|&;", max_size=12)


def _rewriter() -> LinkRewriter:
    records = [
        Article(id=f"article-{n}", legacy_id=n, source_url=url, title=f"T{n}", path=f"/news/t{n}/")
        for n, url in enumerate(RECORD_URLS, 1)
    ]
    asset = {"id": "asset-1", "local_path": "media/uploads/2023/05/photo-one.jpg"}
    return LinkRewriter(
        records, LinkGraph(), {ASSET_URL: asset}, ORIGIN_URL, PROFILE,
        [{"url": FAILED_URL, "status": 404}],
    )  # fmt: skip


@st.composite
def inline(draw: st.DrawFn) -> str:
    url = html.escape(draw(st.sampled_from(URLS)))
    title = draw(st.sampled_from(["", ' title="A (b) \\"c\\""']))
    kind = draw(st.sampled_from(["text", "a", "autolink", "img", "a-img"]))
    text = html.escape(draw(TEXTS))
    if kind == "text":
        return text
    if kind == "a":
        return f'<a href="{url}"{title}>{text}</a>'
    if kind == "autolink":
        return f'<a href="{url}">{url}</a>'
    image = f'<img src="{url}" alt="{text}"{title}>'
    return image if kind == "img" else f'<a href="{url}">{image} {text}</a>'


@st.composite
def bodies(draw: st.DrawFn) -> str:
    blocks = []
    for tag in draw(st.lists(st.sampled_from(["p", "h2", "li", "blockquote", "td", "p", "pre"]),
                             min_size=1, max_size=4)):  # fmt: skip
        inner = " ".join(draw(st.lists(inline(), min_size=1, max_size=4)))
        if draw(st.integers(0, 5)) == 0:  # a code span or a <pre>: converted again
            inner = f"<code>{inner}</code>" if tag != "pre" else inner
        blocks.append({"li": f"<ul><li>{inner}</li></ul>",
                       "td": f"<table><tr><td>{inner}</td></tr></table>"}.get(
                           tag, f"<{tag}>{inner}</{tag}>"))  # fmt: skip
    return "\n".join(blocks)


@settings(max_examples=300, deadline=None)
@given(bodies())
def test_moved_markdown_is_the_markdown_of_the_rewritten_body(raw: str) -> None:
    body = clean_body(raw, RECORD_URLS[0], ORIGIN_URL, PROFILE)
    rewritten, moved = _rewriter().rewrite_moving(body.html, "article-1")
    moved_markdown = retarget_markdown(body.markdown, moved)
    if moved_markdown is not None:  # None: the caller converts again
        assert moved_markdown == html_to_markdown(rewritten)


def test_a_body_of_links_and_images_is_moved_without_converting_again() -> None:
    raw = (
        f'<p>See <a href="{RECORD_URLS[1]}" title="more">the news</a>, '
        f'<a href="{RECORD_URLS[2]}">{RECORD_URLS[2]}</a> and '
        f'<a href="https://elsewhere.example/page">elsewhere</a>.</p>'
        f'<p><img src="{html.escape(ASSET_URL)}" alt="A [photo]"></p>'
        f'<p><a href="{FAILED_URL}">the programme</a></p>'
    )
    body = clean_body(raw, RECORD_URLS[0], ORIGIN_URL, PROFILE)
    rewritten, moved = _rewriter().rewrite_moving(body.html, "article-1")
    moved_markdown = retarget_markdown(body.markdown, moved)
    assert moved_markdown == html_to_markdown(rewritten)
    assert '[the news](/news/t2/ "more")' in moved_markdown
    assert "[http://fixture.test/news.php?id=3](/news/t3/)" in moved_markdown  # was <...>
    assert "(/media/uploads/2023/05/photo-one.jpg)" in moved_markdown
    assert "(https://elsewhere.example/page)" in moved_markdown


def test_a_code_span_is_converted_again() -> None:
    body = clean_body(f'<p><code>[x]({RECORD_URLS[1]})</code> <a href="{RECORD_URLS[1]}">y</a></p>',
                      RECORD_URLS[0], ORIGIN_URL, PROFILE)  # fmt: skip
    _, moved = _rewriter().rewrite_moving(body.html, "article-1")
    assert retarget_markdown(body.markdown, moved) is None
