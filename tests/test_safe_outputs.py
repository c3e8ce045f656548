"""End to end: the unsafe-markup and control-chars faults over the fixture sites.

Each run checks that the fault's articles are exported (not lost), the run is complete,
time and memory stay bounded, every good record of the site is there, and no output a
browser, CMS or spreadsheet renders holds anything live: JSON fields rendered, Markdown
rendered by a CommonMark renderer, the Hugo site built by hugo, the WXR file, the report,
every CSV opened as a spreadsheet would. JSON keeps the exact text.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from lxml import html as lxml_html

from belong_scraper.cleaning import UNSAFE_CHARS
from belong_scraper.exporters import restore_csv_cell
from belong_scraper.faults.markup import (
    CP1252_CONTROL_ARTICLE,
    MARKUP_ARTICLE,
    UTF8_CONTROL_ARTICLE,
)
from belong_scraper.fixture_server import FixtureServer, FixtureSite
from tests.checks import strings
from tests.conftest import HOLDOUT, SITE, CliResult, load_export, migrate
from tests.safety_checks import (
    csv_rows,
    formula_cells,
    live_in_markdown,
    live_markup,
    rendered_markdown,
)

HUGO = shutil.which("hugo")
SITES = {"site": SITE, "holdout": HOLDOUT}
HTML_FIELDS = ("body_html", "intro_html", "description_html")
MARKDOWN_FIELDS = ("body_markdown",)
# WXR elements WordPress prints as HTML.
WXR_HTML = {"title", "description", "encoded", "category", "meta_value", "author_display_name",
            "tag_name"}  # fmt: skip
SECONDS = 150
RSS_MB = 400


def good_article_ids(site: Path) -> set[str]:
    """The articles a clean run of the site exports (the site's own documented facts)."""
    facts = json.loads((site / "expected-facts.json").read_text(encoding="utf-8"))
    return {
        key
        for key, fact in facts.items()
        if key.startswith("article-") and isinstance(fact, dict) and not fact.get("removed")
    }


# The crawls: a site, its variant, and the faults it carries. On the fixture site both
# faults share variant 0, so one crawl carries both and each test reads its own articles
# (and every output must be safe with both on); the holdout site's variants differ.
CRAWLS = {
    ("site", 0): ("control-chars", "unsafe-markup"),
    ("holdout", 2): ("unsafe-markup",),
    ("holdout", 3): ("control-chars",),
}


def crawl_params() -> dict[str, list]:
    """Each test's (site, variant) parameters, on the worker that runs their crawl."""
    by_fault: dict[str, list] = {}
    for (site, variant), faults in CRAWLS.items():
        mark = pytest.mark.xdist_group(f"safe-outputs-{site}-{variant}")
        for fault in faults:
            by_fault.setdefault(fault, []).append(pytest.param(site, variant, marks=mark))
    return by_fault


@pytest.fixture(scope="session")
def crawls(tmp_path_factory) -> dict:
    """Each crawl of CRAWLS, run when a test first asks for it."""
    return {"base": tmp_path_factory.mktemp("safe-outputs")}


def run(crawls: dict, site: str, fault: str, variant: int) -> tuple[Path, CliResult]:
    faults = CRAWLS[(site, variant)]
    assert fault in faults
    if (site, variant) not in crawls:
        out = crawls["base"] / f"{site}-{variant}" / "out"
        with FixtureServer(SITES[site], faults=list(faults), variant=variant) as server:
            crawls[(site, variant)] = out, migrate(server, out)
    return crawls[(site, variant)]


def served(site: str, fault: str, variant: int, target: str) -> bytes:
    return FixtureSite(SITES[site], [fault], variant).reply(target).body


def text_of(markup: str) -> str:
    root = lxml_html.fragment_fromstring(markup, create_parent="div")
    return re.sub(r"\s+", " ", root.text_content()).strip()


def assert_bounded_and_complete(out: Path, result: CliResult, site: str) -> dict[str, list]:
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert result.seconds < SECONDS, result.seconds
    assert result.max_rss_mb < RSS_MB, result.max_rss_mb
    export = load_export(out)
    ids = {a["id"] for a in export["articles"]}
    missing = good_article_ids(SITES[site]) - ids
    assert not missing, sorted(missing)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert not manifest.get("rejected_records")
    # The fault's articles are records in the ledger, like any other.
    ledger = json.loads((out / "ledger.json").read_text(encoding="utf-8"))
    gave = {i for e in ledger["entries"] if e["outcome"] == "record" for i in e["records"]}
    assert {a["id"] for a in export["articles"] if a["legacy_id"] >= 9200} <= gave
    return export


def assert_nothing_live(out: Path) -> None:
    """No output a browser, CMS or spreadsheet renders holds script, on*= or javascript:."""
    for name in ("articles", "partners", "clusters", "pages"):
        for record in json.loads((out / f"{name}.json").read_text(encoding="utf-8")):
            for field in HTML_FIELDS:
                assert not live_markup(record.get(field) or ""), (record["id"], field)
            for field in MARKDOWN_FIELDS:
                assert not live_in_markdown(record.get(field) or ""), (record["id"], field)
    report = (out / "report.html").read_text(encoding="utf-8")
    assert not live_markup(report)
    wxr = etree.parse(str(out / "wordpress.xml"))
    for element in wxr.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname in WXR_HTML:
            assert not live_markup(element.text or ""), (element.tag, element.text)
    for path in sorted(out.rglob("*.csv")):
        assert formula_cells(path.read_text(encoding="utf-8")) == [], path.name
    for path in sorted((out / "hugo" / "content").rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        assert not live_in_markdown(body), path


def built_site(out: Path, tmp_path: Path) -> Path:
    public = tmp_path / "public"
    done = subprocess.run(
        [HUGO, "--source", str(out / "hugo"), "--destination", str(public), "--quiet"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return public


def assert_built_site_safe(public: Path) -> None:
    pages = 0
    for path in sorted(public.rglob("*")):
        if path.suffix == ".html":
            page = path.read_text(encoding="utf-8")
            assert not live_markup(page), (path, live_markup(page))
            # Bodies hold no raw HTML: goldmark (unsafe off) had nothing to leave out.
            assert "raw HTML omitted" not in page, path
            pages += 1
        elif path.suffix == ".xml":
            # Feed readers render <title> and <description> text as HTML.
            for element in etree.parse(str(path)).iter():
                if isinstance(element.tag, str):
                    assert not live_markup(element.text or ""), (path, element.tag)
    assert pages > 10


def article_by_legacy_id(export: dict[str, list], legacy_id: int) -> dict[str, Any]:
    found = [a for a in export["articles"] if a["legacy_id"] == legacy_id]
    assert len(found) == 1, f"article {legacy_id} lost"
    return found[0]


# ---------------------------------------------------------------------------- unsafe-markup


@pytest.mark.parametrize(("site", "variant"), crawl_params()["unsafe-markup"])
def test_unsafe_markup_is_exported_as_text_and_nothing_runs(
    tmp_path: Path, crawls: dict, site: str, variant: int
) -> None:
    out, result = run(crawls, site, "unsafe-markup", variant)
    export = assert_bounded_and_complete(out, result, site)
    article = article_by_legacy_id(export, MARKUP_ARTICLE)

    page = lxml_html.document_fromstring(
        served(site, "unsafe-markup", variant, f"/news.php?id={MARKUP_ARTICLE}")
    )
    # JSON keeps the exact text the page shows, markup and formulas included.
    shown_title = page.xpath("string(//h1)").strip()
    assert article["title"] == shown_title and "<" in shown_title
    shown_author = page.xpath("string(//span[@class='author'])").strip().removeprefix("by ")
    assert article["author"] == shown_author
    assert article["tags"] == [page.xpath("string(//div[@class='news-tags']/a)").strip()]
    credit = page.xpath("string(//span[@class='credit'])").strip().strip("[]")
    assert article["images"][0]["credit"] == credit
    assert article["images"][0]["alt"] == page.xpath("string(//div[@class='news-image']/img/@alt)")
    teaser = lxml_html.document_fromstring(
        served(site, "unsafe-markup", variant, f"/news.php?tag=markup-{variant}")
    )
    assert article["summary"] == teaser.xpath("string(//p[@class='excerpt'])").removesuffix("[...]")
    shown_paragraphs = [
        re.sub(r"\s+", " ", p.text_content()).strip()
        for p in page.xpath("//div[@class='news-text']/p")
        if "the text shows" in p.text_content()
    ]
    assert shown_paragraphs
    for paragraph in shown_paragraphs:
        assert paragraph in article["body_text"]
        # The HTML shows it as text, and so does the rendered Markdown.
        assert paragraph in text_of(article["body_html"])
        assert paragraph in text_of(rendered_markdown(article["body_markdown"]))

    assert_nothing_live(out)

    # CSV: the formula-looking title is neutralised; undoing the rule gives the JSON text.
    rows = csv_rows((out / "articles.csv").read_text(encoding="utf-8"))
    header, body = rows[0], rows[1:]
    row = dict(zip(header, next(r for r in body if r[0] == article["id"]), strict=True))
    assert row["title"].startswith("'") and restore_csv_cell(row["title"]) == article["title"]
    assert restore_csv_cell(row["summary"]) == article["summary"]

    wxr = etree.parse(str(out / "wordpress.xml"))
    item = next(i for i in wxr.iter("item") if i.findtext("guid") == article["id"])
    assert html.unescape(item.findtext("title")) == article["title"]

    facts = json.loads((out / "report.json").read_text(encoding="utf-8"))
    if article["id"] in {r["id"] for r in facts["review"]["records"]}:
        report = lxml_html.document_fromstring((out / "report.html").read_text(encoding="utf-8"))
        assert article["title"] in report.text_content()  # shown, as text

    if HUGO:
        public = built_site(out, tmp_path)
        assert_built_site_safe(public)
        built = (public / article["path"].strip("/") / "index.html").read_text(encoding="utf-8")
        shown = lxml_html.document_fromstring(built)
        assert shown.xpath("string(//h1)").strip() == article["title"]
        for paragraph in shown_paragraphs:
            assert paragraph in re.sub(r"\s+", " ", shown.text_content())


# ---------------------------------------------------------------------------- control-chars


def _squeezed(text: str) -> str:
    """The ASCII letters, digits and brackets of a text, in order: the words a title keeps
    whatever became of its controls (removed, a space, or a C1 control ftfy read as the
    windows-1252 character it stood for)."""
    return re.sub(r"[^A-Za-z0-9\[\]]+", "", text)


def _source_title(body: bytes, encoding: str) -> str:
    match = re.search(rb"<h1>(.*?)</h1>", body, re.S)
    assert match
    return html.unescape(match.group(1).decode(encoding, "replace"))


@pytest.mark.parametrize(("site", "variant"), crawl_params()["control-chars"])
def test_control_characters_never_lose_an_article(
    tmp_path: Path, crawls: dict, site: str, variant: int
) -> None:
    out, result = run(crawls, site, "control-chars", variant)
    export = assert_bounded_and_complete(out, result, site)
    pages = {
        UTF8_CONTROL_ARTICLE: ("utf-8", "still exported"),
        CP1252_CONTROL_ARTICLE: ("cp1252", "de control"),
    }
    for legacy_id, (encoding, phrase) in pages.items():
        article = article_by_legacy_id(export, legacy_id)
        source = served(site, "control-chars", variant, f"/news.php?id={legacy_id}")
        assert _squeezed(article["title"]) == _squeezed(_source_title(source, encoding))
        paragraphs = source.count(phrase.encode(encoding))
        assert article["body_text"].count(phrase) == paragraphs
        assert article["body_html"].count("<p>") == paragraphs
        for text in strings(article):
            assert not UNSAFE_CHARS.search(text), (legacy_id, text[:80])

    # No output file holds a character XML or HTML cannot (JSON strings decoded first).
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.suffix not in (".json", ".csv", ".xml", ".html", ".md"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            assert not any(UNSAFE_CHARS.search(s) for s in strings(json.loads(text))), path
        else:
            assert not UNSAFE_CHARS.search(text), path
    etree.parse(str(out / "wordpress.xml"))  # well-formed XML
    assert_nothing_live(out)
    if HUGO:
        public = built_site(out, tmp_path)
        article = article_by_legacy_id(export, UTF8_CONTROL_ARTICLE)
        assert (public / article["path"].strip("/") / "index.html").is_file()
