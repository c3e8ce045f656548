"""SVG uploads: the published copy holds no script (allowlist, no entities, no network),
an SVG that cannot be parsed safely is withheld, the records using them are flagged, and
the WARC keeps the bytes as served."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from warcio.archiveiterator import ArchiveIterator

from belong_scraper.faults.media import SVG_ARTICLE, svg_payload
from belong_scraper.fixture_server import FixtureServer
from belong_scraper.svg import is_svg, sanitize_svg
from tests.conftest import HOLDOUT, SITE, migrate

ACTIVE_ELEMENTS = {"script", "foreignobject", "style", "iframe", "set", "animate", "a", "handler"}


def assert_inert(data: bytes) -> None:
    """Nothing a browser would run or fetch: no script-bearing element, no handler, no
    javascript: value, no reference outside the file, no DTD or entity."""
    assert b"<!ENTITY" not in data and b"<!DOCTYPE" not in data.upper()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(data, parser)
    assert etree.QName(root).localname == "svg"
    for element in root.iter():
        assert isinstance(element.tag, str), element  # no entity reference left
        assert etree.QName(element).localname.lower() not in ACTIVE_ELEMENTS, element.tag
        for name, value in element.attrib.items():
            local = etree.QName(name).localname.lower()
            assert not local.startswith("on"), name
            assert "javascript" not in re.sub(r"\s", "", value).lower(), (name, value)
            if local == "href":
                assert value.startswith(("#", "data:image/")), value
            assert not re.search(r"url\s*\(\s*['\"]?(?!#)", value), (name, value)


@pytest.mark.parametrize("variant", range(6))
def test_every_kind_of_active_content_is_removed(variant: int) -> None:
    clean = sanitize_svg(svg_payload(variant))
    assert clean is not None
    assert_inert(clean)
    assert b"<rect" in clean and b"region %d" % variant in clean  # the drawing stays
    assert sanitize_svg(clean) == clean  # a 304 re-run publishes the same bytes


def test_external_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    payload = (
        f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    ).encode()
    clean = sanitize_svg(payload)
    assert clean is not None and b"TOP-SECRET" not in clean
    assert_inert(clean)


def test_entity_expansion_bombs_stay_small() -> None:
    entities = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    ]
    payload = (
        f'<?xml version="1.0"?><!DOCTYPE svg [{"".join(entities)}]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&l9;</text></svg>'
    ).encode()
    started = time.monotonic()
    clean = sanitize_svg(payload)
    assert time.monotonic() - started < 2
    assert clean is None or (len(clean) < 1000 and b"lol" not in clean)


@pytest.mark.parametrize(
    "payload",
    [
        b"<svg onload=alert(1)><script>alert(2)</script",
        b"<html><body><script>alert(1)</script></body></html>",
        b'<svg xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></svg>',
        b"\x89PNG\r\n\x1a\n not an svg",
        b"",
    ],
)
def test_what_is_not_a_well_formed_svg_is_withheld(payload: bytes) -> None:
    assert sanitize_svg(payload) is None


def test_svg_is_recognised_by_type_name_or_bytes() -> None:
    drawing = b'<?xml version="1.0"?>\n<!-- made by hand -->\n<svg xmlns="x">'
    assert is_svg(b"", "image/svg+xml; charset=utf-8", "http://x/a.bin")
    assert is_svg(b"", None, "http://x/uploads/A.SVG")
    assert is_svg(drawing, "image/png", "http://x/a.png")
    assert not is_svg(b"\x89PNG\r\n\x1a\n", "image/png", "http://x/a.png")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<script>alert(1)</script>", '<rect onclick="x()" width="1"/>', "<g>", "</g>",
             '<a href="javascript:x()">', "</a>", "<foreignObject><p>x</p></foreignObject>",
             '<use xlink:href="http://e/x#a"/>', '<image href=" data:text/html,x"/>', "&x;",
             "<![CDATA[alert(1)]]>", '<style>*{x:url(http://e)}</style>', "<?php x ?>",
             '<circle r="2" style="fill:url(//e/x)"/>', "text"]
        ),
        max_size=12,
    ),
    st.binary(max_size=40),
)  # fmt: skip
def test_sanitizer_never_raises_and_never_emits_active_content(parts, noise) -> None:
    inner = "".join(parts)
    for payload in (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f"{inner}</svg>".encode(),
        noise + inner.encode(),
    ):
        clean = sanitize_svg(payload)
        if clean is not None:
            assert_inert(clean)


# ---------------------------------------------------------------------------- end to end


def warc_payloads(out: Path, needle: str) -> list[bytes]:
    payloads = []
    for warc in sorted((out / "archive").glob("*.warc.gz")):
        with warc.open("rb") as handle:
            for record in ArchiveIterator(handle):
                uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_type == "response" and uri.endswith(needle):
                    payloads.append(record.content_stream().read())
    return payloads


def check_svg_export(out: Path, result, variant: int, site: Path) -> None:
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert result.seconds < 180 and result.max_rss_mb < 400, (result.seconds, result.max_rss_mb)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    articles = {a["id"]: a for a in json.loads((out / "articles.json").read_text("utf-8"))}
    facts = json.loads((site / "expected-facts.json").read_text(encoding="utf-8"))
    expected = {k for k, f in facts.items() if k.startswith("article-") and not f["removed"]}
    assert expected | {f"article-{SVG_ARTICLE}"} <= set(articles)

    assets = json.loads((out / "assets.json").read_text(encoding="utf-8"))
    svgs = [a for a in assets if a["local_path"].endswith(".svg")]
    assert len(svgs) == 1, svgs
    (published,) = svgs
    data = (out / published["local_path"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == published["sha256"]  # the file on disk
    assert published["media_type"] == "image/svg+xml"
    assert_inert(data)
    # Every SVG file under media/ is inert, the withheld one is not there at all.
    for path in (out / "media").rglob("*.svg"):
        assert_inert(path.read_bytes())
    (withheld,) = [f for f in manifest["failed_downloads"] if f["url"].endswith(".svg")]
    assert withheld["reason"].startswith("svg withheld")
    assert withheld["used_by"] == [f"article-{SVG_ARTICLE}"]
    # In the ledger: the sanitized one an asset, the withheld one skipped as unsafe.
    ledger = {e["url"]: e for e in json.loads((out / "ledger.json").read_text())["entries"]}
    assert ledger[published["url"]]["outcome"] == "asset"
    assert ledger[withheld["url"]]["skip"] == "unsafe-withheld"
    record = articles[f"article-{SVG_ARTICLE}"]
    assert {"svg-sanitized", "svg-withheld"} <= set(record["review_flags"])
    assert f'src="/{published["local_path"]}"' in record["body_html"]
    with (out / "review.csv").open(encoding="utf-8", newline="") as handle:
        review = {row["id"]: row["reasons"] for row in csv.DictReader(handle)}
    assert "svg-sanitized" in review[record["id"]] and "svg-withheld" in review[record["id"]]
    # The archive keeps what was served, script and all.
    served = warc_payloads(out, published["url"].rsplit("/", 1)[-1])
    assert svg_payload(variant) in served
    # The renderings publish nothing else: the Hugo tree and WXR carry no SVG script.
    for rendered in [out / "wordpress.xml", *sorted((out / "hugo").rglob("*.md"))]:
        assert b"alert(" not in rendered.read_bytes(), rendered


def test_svg_with_script_end_to_end(tmp_path: Path) -> None:
    with FixtureServer(SITE, faults=["svg-script"]) as server:
        result = migrate(server, tmp_path / "out")
    check_svg_export(tmp_path / "out", result, 0, SITE)


def test_svg_with_script_on_a_site_never_seen(tmp_path: Path) -> None:
    with FixtureServer(HOLDOUT, faults=["svg-script"], variant=1) as server:
        result = migrate(server, tmp_path / "out")
    check_svg_export(tmp_path / "out", result, 1, HOLDOUT)


def test_gzip_is_not_mistaken_for_svg() -> None:
    assert not is_svg(gzip.compress(b"<svg>"), "application/gzip", "http://x/a.gz")
