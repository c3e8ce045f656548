"""A collected record keeps only the evidence the export reads (export/run.py,
EXPORT_EVIDENCE): every key an export module reads is kept or made by the export itself,
and what the crawl's pipelines alone read is let go."""

from __future__ import annotations

import re
from pathlib import Path

from belong_scraper.export.run import EXPORT_EVIDENCE, Collected, detached
from belong_scraper.items import Article, Partner

ROOT = Path(__file__).resolve().parent.parent / "belong_scraper"
# The code that runs on collected records, after the crawl's pipelines: assembly, the
# stages, the handoff, the renderings and report, the state, the archive.
EXPORT_CODE = [
    ROOT / "assemble.py",
    ROOT / "handoff.py",
    ROOT / "report.py",
    ROOT / "review.py",
    *sorted((ROOT / "export").glob("*.py")),
    *sorted((ROOT / "targets").glob("*.py")),
    *sorted((ROOT / "state").glob("*.py")),
    *sorted((ROOT / "archive").glob("*.py")),
    ROOT.parent / "pipelines" / "limits.py",  # its caps run again in assembly
]
READ = re.compile(r"evidence(?:\.get\(|\.pop\(|\[)\s*[\"']([a-z_]+)[\"']")
MADE = re.compile(
    r"evidence(?:\.setdefault\(\s*[\"']([a-z_]+)[\"']|\[\s*[\"']([a-z_]+)[\"']\]\s*=)"
)


def _keys(pattern: re.Pattern[str]) -> set[str]:
    found: set[str] = set()
    for path in EXPORT_CODE:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            found.update(group for group in match.groups() if group)
    return found


def test_every_key_the_export_reads_is_kept_or_made_by_it() -> None:
    read, made = _keys(READ), _keys(MADE)
    assert read, "the scan found no evidence read: its pattern no longer matches the code"
    assert read <= EXPORT_EVIDENCE | made, sorted(read - EXPORT_EVIDENCE - made)


def test_a_collected_article_keeps_the_export_evidence_only() -> None:
    media = {"http://127.0.0.1/uploads/a.jpg": {"status": "downloaded", "path": "a.jpg"}}
    item = Article(
        id="article-1",
        legacy_id=1,
        source_url="http://127.0.0.1/news.php?id=1",
        title="A title",
        evidence={
            "cleaned_on_page": True,
            "html_lang": "en",
            "description": "The page's meta description, read by nothing after the page.",
            "body_chars": 1234,
            "media": media,
            "prose_date": "On 10 July",
            "truncated_fields": {"title": 10_000},
        },
    )
    collected = Collected()
    try:
        collected.add(detached(item))
        (kept,) = collected.records
        assert kept.evidence == {
            "media": media,
            "prose_date": "On 10 July",
            "truncated_fields": {"title": 10_000},
        }
        # the item handed on (feeds, item_scraped listeners) keeps all it had
        assert item.evidence["description"].startswith("The page's")
        assert item.evidence["cleaned_on_page"] is True
    finally:
        collected.close()


def test_a_partner_keeps_what_assembly_reads() -> None:
    partner = Partner(id="partner-x", name="X", country_code="BE", evidence={"heading": "Belgium"})
    collected = Collected()
    try:
        collected.add(detached(partner))
        assert collected.records[0].evidence == {}
        assert partner.evidence == {"heading": "Belgium"}
    finally:
        collected.close()


def test_a_record_ref_shares_the_records_media_outcomes() -> None:
    from belong_scraper.export.records import NO_MEDIA
    from belong_scraper.export.run import RecordRef

    media = {"http://127.0.0.1/uploads/a.jpg": {"ok": True, "status": 200}}
    ref = RecordRef("article-1", "http://127.0.0.1/news.php?id=1", media)
    assert ref.media is media  # not a copy: the record's own
    assert ref.evidence == {"media": media}  # read as a record's evidence reads
    bare = RecordRef("page-about", "http://127.0.0.1/about.php", NO_MEDIA)
    assert dict(bare.evidence["media"]) == {}
