"""The survey's findings, from the facts of every fetched page: one JSON-ready dict
(its schema is in ``belong_scraper/survey/__init__.py``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from belong_scraper.profile import SiteProfile
from belong_scraper.survey.families import families, family_regex
from belong_scraper.survey.observe import SECTION_PAGE_TYPES, PageFacts

SCHEMA = "belong-survey/1"
EXAMPLES = 3


def build_report(
    facts: list[PageFacts],
    start_url: str,
    pages: int,
    profile: SiteProfile | None,
    hosts: list[str],
    seen: set[str] | None = None,
) -> dict[str, Any]:
    """Every finding of the survey, in the documented schema. ``seen``: URLs met but
    not fetched too (the bound or a family's cap), counted per family as ``unfetched``."""
    unfetched = sorted((seen or set()) - {f.canonical for f in facts})
    family_of = families([*(f.canonical for f in facts), *unfetched])
    left = Counter(family_of[url] for url in unfetched)
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "start_url": start_url,
        "profile": profile.source if profile else None,
        "pages_limit": pages,
        # What reached the server (the --pages bound); robots.txt refusals did not.
        "fetched": sum(1 for f in facts if not (f.error or "").startswith("skipped (robots)")),
        "robots_refused": sum(1 for f in facts if (f.error or "").startswith("skipped (robots)")),
        "hosts": hosts,
        "statuses": _counts(str(f.status) for f in facts),
        "families": _families(facts, family_of, profile, left),
        "same_page_params": same_page_params(facts),
        "php_errors": _php_errors(facts),
        "encodings": _encodings(facts),
        "pages": [
            {
                "url": f.canonical,
                "status": f.status,
                "family": family_of[f.canonical],
                "page_type": f.kind,
                "encoding": f.detected,
            }
            for f in facts
        ],
        "fetch_errors": [
            {"url": f.url, "error": f.error}
            for f in facts
            if f.error and not f.error.startswith("HTTP 404")
        ],
    }
    if profile is not None:
        report["unmatched_families"] = [
            fam["family"]
            for fam in report["families"]
            if fam["html_pages"] and not fam["page_types"]
        ]
        report["page_types"] = _page_types(facts, report["families"], profile)
        report["selectors"] = _selectors(facts, profile)
        report["chrome"] = _chrome(facts, profile)
    return report


def _counts(values: Any) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def _families(
    facts: list[PageFacts],
    family_of: dict[str, str],
    profile: SiteProfile | None,
    left: Counter[str],
) -> list[dict[str, Any]]:
    grouped: dict[str, list[PageFacts]] = defaultdict(list)
    for fact in facts:
        grouped[family_of[fact.canonical]].append(fact)
    out = []
    for family, members in sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        html = [m for m in members if m.html and not m.feed]
        entry: dict[str, Any] = {
            "family": family,
            "count": len(members),
            "html_pages": len(html),
            "feeds": sum(1 for m in members if m.feed),
            "unfetched": left.get(family, 0),
            "statuses": _counts(str(m.status) for m in members),
            "examples": sorted({m.canonical for m in members})[:EXAMPLES],
            "regex": family_regex(family),
            "page_types": _counts(m.kind for m in members if m.kind and m.kind != "other")
            if profile
            else {},
        }
        if profile is None:
            entry["clues"] = family_clues(members)
        out.append(entry)
    return out


def family_clues(members: list[PageFacts]) -> dict[str, Any]:
    """Shares of the clues a page type is guessed from, over the family's HTML pages."""
    html = [m for m in members if m.html]
    if not html:
        return {"redirects": sum(1 for m in members if m.redirect_to)}
    n = len(html)

    def share(test: Any) -> float:
        return round(sum(1 for m in html if test(m)) / n, 3)

    return {
        "feed": share(lambda m: m.feed),
        "h1": share(lambda m: "h1" in m.clues),
        "og_article": share(lambda m: m.clues.get("og_type") == "article"),
        "dated": share(lambda m: "time" in m.clues or "meta_date" in m.clues),
        "teasers": share(lambda m: bool(m.clues.get("teaser"))),
        "text_chars": round(sum(m.clues.get("text_chars", 0) for m in html) / n),
    }


def same_page_params(facts: list[PageFacts]) -> dict[str, dict[str, int]]:
    """Query parameters whose URLs showed the same body as the URL without them (a
    reply form, a related-posts tracker): candidates for ``urls.drop_params``."""
    digest = {f.canonical: f.clues.get("digest") for f in facts if f.html and f.clues.get("digest")}
    found: dict[str, dict[str, int]] = {}
    for url, value in digest.items():
        parts = urlsplit(url)
        if not parts.query:
            continue
        bare = digest.get(urlunsplit(parts._replace(query="")))
        if bare is None:
            continue
        for name in sorted({n for n, _ in parse_qsl(parts.query)}):
            entry = found.setdefault(name, {"compared": 0, "same": 0})
            entry["compared"] += 1
            entry["same"] += bare == value
    return {name: e for name, e in sorted(found.items()) if e["same"] == e["compared"]}


def _page_types(
    facts: list[PageFacts], fams: list[dict[str, Any]], profile: SiteProfile
) -> dict[str, Any]:
    counts = Counter(f.kind for f in facts if f.html)
    out: dict[str, Any] = {}
    for kind in dict.fromkeys(p.name for p in profile.page_types):
        out[kind] = {
            "pages": counts.get(kind, 0),
            "families": [fam["family"] for fam in fams if kind in fam["page_types"]],
        }
    return out


def _selectors(facts: list[PageFacts], profile: SiteProfile) -> dict[str, Any]:
    """Per page type, per selector key: the share of that type's pages it matched."""
    out: dict[str, dict[str, Any]] = {}
    kinds = sorted({k for ks in SECTION_PAGE_TYPES.values() for k in ks})
    for kind in kinds:
        pages = [f for f in facts if f.html and f.kind == kind and not f.feed]
        if not pages:
            continue
        keys = dict.fromkeys(k for f in pages for k in f.selectors)
        table: dict[str, Any] = {}
        for key in keys:
            hits = [(f, f.selectors[key]) for f in pages if f.selectors.get(key)]
            sample = next(((f, h) for f, h in hits if h and h[1]), hits[0] if hits else None)
            table[key] = {
                "matched": len(hits),
                "pages": len(pages),
                "share": round(len(hits) / len(pages), 3),
                "by_selector": _counts(h[0] for _, h in hits if h),
                "sample": sample[1][1] if sample and sample[1] else None,
                "sample_url": sample[0].canonical if sample else None,
                "missed": sorted(f.canonical for f in pages if not f.selectors.get(key))[:EXAMPLES],
            }
        out[kind] = table
    return out


def _php_errors(facts: list[PageFacts]) -> dict[str, Any]:
    by_level: dict[str, dict[str, Any]] = {}
    for fact in facts:
        for level, count in sorted(fact.php_errors.items()):
            entry = by_level.setdefault(level, {"count": 0, "pages": 0, "example": fact.canonical})
            entry["count"] += count
            entry["pages"] += 1
    return {
        "total": sum(e["count"] for e in by_level.values()),
        "pages": sum(1 for f in facts if f.php_errors),
        "by_level": dict(sorted(by_level.items())),
    }


def _encodings(facts: list[PageFacts]) -> dict[str, Any]:
    read = [f for f in facts if f.detected]
    return {
        "detected": _counts(f.detected for f in read),
        "declared": _counts(f.declared or "none" for f in read),
        # A label that is missing or says otherwise than the bytes: what decode_html fixed.
        "mismatches": [
            {"url": f.canonical, "declared": f.declared, "detected": f.detected}
            for f in read
            if f.declared != f.detected
        ],
        "windows_1252": sorted(f.canonical for f in read if f.detected == "cp1252"),
        "mojibake": [{"url": f.canonical, "line": f.mojibake} for f in read if f.mojibake],
    }


def _chrome(facts: list[PageFacts], profile: SiteProfile) -> dict[str, Any]:
    html = [f for f in facts if f.html and not f.feed]
    selectors = Counter(s for f in html for s in f.chrome_selectors)
    phrases = Counter(p for f in html for p in f.chrome_phrases)
    return {
        "pages": len(html),
        "selectors": {s: selectors.get(s, 0) for s in profile.chrome.remove},
        "phrases": {p.pattern: phrases.get(p.pattern, 0) for p in profile.chrome.phrases},
    }
