"""The migration report: one page that tells the engineer what needs their attention.

The export folder is written for machines (a CMS importer, a scheduled job). The person
who signs off a migration needs the same facts ranked by what to do next: which records to
check by hand and why, which PHP pages spewed errors, which links were already broken,
which files could not be downloaded, how many legacy URLs the redirect map covers. This
module reads only the export folder (so it works on any past run, without the crawl or the
state database) and writes three views of those facts beside it:

- ``report.json``: the facts, for scripts and CI (deterministic apart from the run facts
  copied from the manifest);
- ``review.csv``: the records a human should look at, one row each, for a spreadsheet;
- ``report.html``: one self-contained page (inline CSS and SVG, no script, no network: a
  Content-Security-Policy forbids any fetch), readable on screen and on paper.

Missing files and keys count as empty: the folder of an older or interrupted run still
gets a report. A file that exists but is not the JSON it should be is an error.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from belong_scraper.assemble import SHORT_BODY_CHARS
from belong_scraper.exporters import atomic_write, csv_table, json_bytes, read_csv_rows

REPORT_VERSION = 1
REPORT_FILES = ("report.json", "review.csv", "report.html")
# Record type → export file stem, in the order the report lists them.
RECORD_FILES = {
    "article": "articles",
    "partner": "partners",
    "cluster": "clusters",
    "page": "pages",
}
REVIEW_COLUMNS = ("id", "type", "title", "path", "source_url", "reasons")
MONTH = re.compile(r"^(\d{4})-(\d{2})-\d{2}$")
MONTH_INITIALS = "JFMAMJJASOND"
MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()

# Every review flag means "a human should look at this" (exports/README.md); these
# prefixes only choose the colour of its tag in the HTML.
REASON_GROUPS = (
    ("date-", "date"),
    ("no-date", "date"),
    ("title-date-collision", "date"),
    ("language-not-", "lang"),
    ("missing-alt-text", "content"),
    ("short-body", "content"),
    ("empty-body", "content"),
    ("truncated-by-fatal-error", "extract"),
    ("unmapped-link", "content"),
    ("generic-extractor:", "extract"),
)


# ---------------------------------------------------------------------------- reading


def _load_json(path: Path, default: Any) -> Any:
    if not path.is_file():
        return default
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(data, type(default)):
        raise ValueError(f"{path}: expected a JSON {type(default).__name__}")
    return data


def _load_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    return read_csv_rows(path.read_text(encoding="utf-8"))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# ---------------------------------------------------------------------------- facts


def _review_reasons(kind: str, record: Mapping[str, Any], collisions: set[str]) -> list[str]:
    """The record's own flags plus what the report can see for itself in its fields.

    The pipeline sets these flags already; re-deriving them keeps the review list honest
    for folders written by older versions or edited by hand.
    """
    reasons = {str(flag) for flag in _list(record.get("review_flags")) if flag}
    if kind == "article":
        if record.get("date_inferred"):
            reasons.add("date-inferred")
        if not record.get("published"):
            reasons.add("no-date")
        body = record.get("body_text") or ""
        if not body.strip():
            reasons.add("empty-body")
        elif len(body) < SHORT_BODY_CHARS:
            reasons.add("short-body")
        images = [i for i in _list(record.get("images")) if isinstance(i, dict)]
        if any(not (image.get("alt") or "").strip() for image in images):
            reasons.add("missing-alt-text")
        language = record.get("language")
        if isinstance(language, str) and language and language != "en":
            reasons.add("language-not-en")
        if record.get("id") in collisions:
            reasons.add("title-date-collision")
    elif kind == "partner":
        if record.get("region") is None and record.get("role") == "partner":
            reasons.add("missing-region")
    return sorted(reasons)


def _title_date_collisions(articles: Iterable[Mapping[str, Any]]) -> set[str]:
    """Ids of articles sharing a casefolded title and a published date with another."""
    groups: dict[tuple[str, Any], list[str]] = defaultdict(list)
    for article in articles:
        title = (article.get("title") or "").strip().casefold()
        if title:
            groups[(title, article.get("published"))].append(str(article.get("id")))
    return {i for ids in groups.values() if len(ids) > 1 for i in ids}


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _articles_per_month(articles: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    undated: list[str] = []
    for article in articles:
        match = MONTH.match(str(article.get("published") or ""))
        if match:
            counts[f"{match[1]}-{match[2]}"] += 1
        else:
            undated.append(str(article.get("id")))
    # Every month between the first and the last, so gaps in publishing show as gaps.
    months = _month_range(min(counts), max(counts)) if counts else []
    return {
        "months": {month: counts.get(month, 0) for month in months},
        "dated": sum(counts.values()),
        "undated": len(undated),
        "undated_ids": sorted(undated),
    }


def _url_owners(records: Mapping[str, list[dict[str, Any]]]) -> dict[str, str]:
    """Legacy URL (canonical or any spelling seen) → the id of the record it became."""
    owners: dict[str, str] = {}
    for kind in RECORD_FILES:
        if kind == "partner":
            continue  # a country page holds several partners: no one record owns it
        for record in records[kind]:
            for url in [record.get("source_url"), *_list(record.get("legacy_urls"))]:
                if isinstance(url, str) and url:
                    owners.setdefault(url, str(record.get("id")))
    return owners


def _php_errors(manifest: Mapping[str, Any], owners: Mapping[str, str]) -> dict[str, Any]:
    php = _dict(manifest.get("php_errors_removed"))
    by_page = {str(url): _int(n) for url, n in _dict(php.get("by_page")).items()}
    return {
        "total": _int(php.get("total")),
        "by_level": {str(k): _int(v) for k, v in sorted(_dict(php.get("by_level")).items())},
        "by_page": [
            {"url": url, "count": n, "record_id": owners.get(url)}
            for url, n in sorted(by_page.items(), key=lambda item: (-item[1], item[0]))
        ],
    }


def _broken_links(manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    in_bodies: dict[str, set[str]] = defaultdict(set)
    for entry in _list(manifest.get("broken_body_links")):
        if isinstance(entry, dict) and entry.get("url"):
            in_bodies[str(entry["url"])].update(map(str, _list(entry.get("linked_from"))))
    links = []
    for entry in _list(manifest.get("broken_links")):
        if not isinstance(entry, dict) or not entry.get("url"):
            continue
        url = str(entry["url"])
        links.append(
            {
                "url": url,
                "status": entry.get("status"),
                "linked_from": sorted(map(str, _list(entry.get("linked_from")))),
                "in_record_bodies": sorted(in_bodies.get(url, ())),
            }
        )
    return sorted(links, key=lambda link: link["url"])


def _redirects(redirect_rows: list[dict[str, str]], manifest: Mapping[str, Any]) -> dict[str, Any]:
    by_status = Counter(str(row.get("status") or "").strip() for row in redirect_rows)
    gone = [
        {"legacy_url": row.get("legacy_url", ""), "record_id": row.get("record_id") or None}
        for row in redirect_rows
        if str(row.get("status")).strip() == "410"
    ]
    legacy = [
        {"from": str(r.get("from", "")), "status": r.get("status"), "to": str(r.get("to", ""))}
        for r in _list(manifest.get("redirects"))
        if isinstance(r, dict)
    ]
    return {
        "map_total": by_status["301"] + by_status["410"],
        "map_by_status": {"301": by_status["301"], "410": by_status["410"]},
        "map_gone": sorted(gone, key=lambda row: row["legacy_url"]),
        "legacy_seen": len(legacy),
        "legacy": sorted(legacy, key=lambda r: (r["from"], r["to"])),
        "total": by_status["301"] + by_status["410"] + len(legacy),
    }


def _sorted_entries(value: Any, *keys: str) -> list[dict[str, Any]]:
    entries = [dict(e) for e in _list(value) if isinstance(e, dict)]
    return sorted(entries, key=lambda e: tuple(json.dumps(e.get(k), sort_keys=True) for k in keys))


def collect_facts(out_dir: Path) -> dict[str, Any]:
    """Read the export folder and return the report facts (what report.json holds)."""
    out_dir = Path(out_dir)
    records = {
        kind: _load_json(out_dir / f"{stem}.json", []) for kind, stem in RECORD_FILES.items()
    }
    records = {kind: [r for r in rows if isinstance(r, dict)] for kind, rows in records.items()}
    assets = [a for a in _load_json(out_dir / "assets.json", []) if isinstance(a, dict)]
    manifest = _load_json(out_dir / "manifest.json", {})
    redirect_rows = _load_csv(out_dir / "redirects.csv")

    counts = {RECORD_FILES[kind]: len(rows) for kind, rows in records.items()}
    counts["assets"] = len(assets)
    manifest_counts = _dict(manifest.get("counts"))
    counts_differ = {
        name: {"manifest": _int(manifest_counts[name]), "files": n}
        for name, n in counts.items()
        if name in manifest_counts and _int(manifest_counts[name]) != n
    }

    collisions = _title_date_collisions(records["article"])
    review = []
    for kind, rows in records.items():
        for record in rows:
            reasons = _review_reasons(kind, record, collisions)
            if reasons:
                review.append(
                    {
                        "id": str(record.get("id")),
                        "type": kind,
                        "title": str(record.get("title") or record.get("name") or ""),
                        "path": str(record.get("path") or ""),
                        "source_url": str(record.get("source_url") or ""),
                        "reasons": reasons,
                    }
                )
    review.sort(key=lambda row: (row["id"], row["type"]))
    by_reason = Counter(reason for row in review for reason in row["reasons"])

    failed_downloads = _sorted_entries(manifest.get("failed_downloads"), "url")
    for entry in failed_downloads:
        entry["used_by"] = sorted(map(str, _list(entry.get("used_by"))))
    return {
        "report_version": REPORT_VERSION,
        "run": {
            key: manifest.get(key)
            for key in ("run_id", "status", "start_url", "started_at", "finished_at")
        },
        "contract_version": manifest.get("contract_version"),
        "counts": counts,
        "manifest_counts_differ": counts_differ,
        "articles_per_month": _articles_per_month(records["article"]),
        "php_errors_removed": _php_errors(manifest, _url_owners(records)),
        "broken_links": _broken_links(manifest),
        "redirects": _redirects(redirect_rows, manifest),
        "failed_downloads": failed_downloads,
        "failed_pages": _sorted_entries(manifest.get("failed_pages"), "url"),
        "unmapped_links": _sorted_entries(manifest.get("unmapped_links"), "url"),
        "wxr_collisions": _sorted_entries(
            manifest.get("wxr_collisions"), "post_type", "date", "title", "ids"
        ),
        "skipped_by_robots": _sorted_entries(manifest.get("skipped_by_robots"), "url"),
        "rejected_records": sorted(
            str(r.get("id")) for r in _list(manifest.get("rejected_records")) if isinstance(r, dict)
        ),
        "warnings": sorted(str(w) for w in _list(manifest.get("warnings"))),
        "review": {
            "count": len(review),
            "by_reason": dict(sorted(by_reason.items())),
            "records": review,
        },
    }


# ---------------------------------------------------------------------------- review.csv


def review_csv_bytes(review: Sequence[Mapping[str, Any]]) -> bytes:
    rows = (
        [*(row[column] for column in REVIEW_COLUMNS[:-1]), ";".join(sorted(row["reasons"]))]
        for row in review
    )
    return csv_table(REVIEW_COLUMNS, rows)


# ---------------------------------------------------------------------------- report.html


def _e(value: Any) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def _origin(url: Any) -> str:
    parts = urlsplit(str(url or ""))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _link(url: Any, origin: str, text: Any = None) -> str:
    """An <a> to a legacy page (http/https only: never javascript: or data:), shortened to
    its path when it is on the crawled origin."""
    url = "" if url is None else str(url)
    if text is None:
        text = (url[len(origin) :] or "/") if origin and url.startswith(origin + "/") else url
    if re.match(r"^https?://", url, re.I):
        return f'<a href="{_e(url)}">{_e(text)}</a>'
    return _e(text)


def _group(reason: str) -> str:
    return next((g for prefix, g in REASON_GROUPS if reason.startswith(prefix)), "other")


def _tag(reason: str) -> str:
    return f'<span class="tag tag-{_group(reason)}">{_e(reason)}</span>'


def _none(text: str) -> str:
    return f'<p class="ok">{_e(text)}</p>'


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], cls: str, kinds: str = "") -> str:
    """Rows hold HTML that is already escaped; head is plain text. kinds has one letter per
    column: u = URL (may wrap anywhere), n = number (right-aligned), i = id, s = short text
    kept on one line, t = text."""

    def attr(i: int) -> str:
        kind = {"u": "url", "n": "num", "i": "id", "s": "short"}.get(kinds[i : i + 1], "")
        return f' class="{kind}"' if kind else ""

    out = [f'<table class="{_e(cls)}"><thead><tr>']
    out += [f"<th{attr(i)}>{_e(h)}</th>" for i, h in enumerate(head)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{attr(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _chart_svg(per_month: Mapping[str, Any]) -> str:
    """Bar chart of articles per month as inline SVG (no script, no fonts to fetch)."""
    months: dict[str, int] = per_month["months"]
    left, top, plot_h, bottom = 34, 22, 150, 44
    slot = max(12.0, min(48.0, 970 / max(len(months), 1)))
    width = left + slot * max(len(months), 1) + 10
    height = top + plot_h + bottom
    label = (
        "Articles per month: "
        + ", ".join(f"{m}: {n}" for m, n in months.items() if n)
        + f"; undated: {per_month['undated']}"
    )
    out = [
        f'<svg id="articles-chart" class="chart" role="img" aria-label="{_e(label)}" '
        f'viewBox="0 0 {width:.0f} {height}" '
        f'width="{width:.0f}" height="{height}">'
    ]
    out.append(f"<title>{_e(label)}</title>")
    if not months:
        out.append(
            f'<text x="{width / 2:.0f}" y="{top + plot_h / 2:.0f}" text-anchor="middle" '
            'class="axis">No dated articles</text></svg>'
        )
        return "".join(out)
    peak = max(months.values())
    step = 1 if peak <= 6 else 2 if peak <= 12 else 5 if peak <= 30 else 10
    axis_max = max(4, -(-peak // step) * step)  # a lone article is not a full-height bar
    base = top + plot_h
    for tick in range(0, axis_max + 1, step):
        y = base - plot_h * tick / axis_max
        out.append(
            f'<line class="grid" x1="{left}" x2="{width - 10:.0f}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{left - 6}" y="{y + 3.5:.1f}" text-anchor="end">{tick}</text>'
        )
    for i, (month, n) in enumerate(months.items()):
        x = left + i * slot
        year, mon = month.split("-")
        if i == 0 or mon == "01":
            if i:
                out.append(
                    f'<line class="year" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 6}" '
                    f'y2="{base + 36}"/>'
                )
            out.append(f'<text class="year-label" x="{x + 2:.1f}" y="{base + 34}">{year}</text>')
        centre = x + slot / 2
        out.append(
            f'<text class="axis" x="{centre:.1f}" y="{base + 14}" '
            f'text-anchor="middle">{MONTH_INITIALS[int(mon) - 1]}</text>'
        )
        if n:
            h = plot_h * n / axis_max
            bar_w = slot * 0.7
            tip = f"{MONTH_NAMES[int(mon) - 1]} {year}: {_plural(n, 'article')}"
            out.append(
                f'<rect class="bar" x="{centre - bar_w / 2:.1f}" y="{base - h:.1f}" '
                f'width="{bar_w:.1f}" height="{h:.1f}"><title>{_e(tip)}</title></rect>'
                f'<text class="value" x="{centre:.1f}" y="{base - h - 4:.1f}" '
                f'text-anchor="middle">{n}</text>'
            )
    out.append(
        f'<line class="baseline" x1="{left}" x2="{width - 10:.0f}" y1="{base}" y2="{base}"/>'
    )
    out.append("</svg>")
    return "".join(out)


CSS = """
:root { --ink: #1d2430; --muted: #5b6676; --line: #d9dee5; --soft: #f4f6f9;
  --accent: #2457a6; --warn: #a5560b; --warn-bg: #fff4e5; --bad: #a61b1b; --good: #1c6b3a; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Noto Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 28px 32px 48px; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 18px; }
h1 { font-size: 26px; margin: 0 0 6px; letter-spacing: -0.01em; }
h2 { font-size: 18px; margin: 0 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 16px 0 6px; color: var(--muted); text-transform: uppercase;
  letter-spacing: 0.04em; }
section { margin: 26px 0 0; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0; color: var(--muted); }
.meta dt { display: inline; font-weight: 600; color: var(--ink); }
.meta dd { display: inline; margin: 0 0 0 4px; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px;
  font-weight: 600; background: #e3f1e8; color: var(--good); }
.status.incomplete, .status.failed { background: #fde8e8; color: var(--bad); }
nav { margin: 10px 0 0; font-size: 13px; }
nav a { margin-right: 14px; white-space: nowrap; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px;
  margin: 0; padding: 0; list-style: none; }
.cards li { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px;
  background: var(--soft); }
.cards .n { display: block; font-size: 24px; font-weight: 700; line-height: 1.1;
  font-variant-numeric: tabular-nums; }
.cards .label { color: var(--muted); font-size: 12px; }
.cards li.attn { background: var(--warn-bg); border-color: #f0c88f; }
.cards li.attn .n { color: var(--warn); }
.note { color: var(--muted); margin: 6px 0 0; font-size: 13px; }
.ok { color: var(--good); margin: 4px 0; }
.ok::before { content: "\\2713  "; font-weight: 700; }
.warn { color: var(--warn); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px;
  border-bottom: 2px solid var(--line); padding: 5px 8px; white-space: nowrap; }
td { border-bottom: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.url { overflow-wrap: anywhere; }
table.php { table-layout: fixed; }
table.php th:nth-child(1) { width: 56%; }
table.php th:nth-child(3) { width: 84px; }
table.php td.id { white-space: normal; overflow-wrap: anywhere; }
td.short { white-space: nowrap; }
td.id { white-space: nowrap; font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas,
  "DejaVu Sans Mono", monospace; font-size: 12px; }
td ul { margin: 0; padding: 0; list-style: none; }
.meter { display: inline-block; height: 8px; background: #e0733a; border-radius: 2px;
  vertical-align: middle; margin-left: 6px; }
.tag { display: inline-block; padding: 0 6px; margin: 1px 3px 1px 0; border-radius: 3px;
  font-size: 11.5px; white-space: nowrap; border: 1px solid transparent; }
.tag-date { background: #e6effb; color: #1d4b8f; border-color: #c5d8f2; }
.tag-lang { background: #efeafa; color: #55368f; border-color: #dcd0f3; }
.tag-content { background: var(--warn-bg); color: #8a4a09; border-color: #f2d3a6; }
.tag-extract { background: #fde8e8; color: #8f1d1d; border-color: #f4c4c4; }
.tag-other { background: #eef0f3; color: #3c4654; border-color: #d9dee5; }
.tag .n { font-weight: 700; margin-left: 4px; }
.chart { display: block; max-width: 100%; height: auto; margin: 4px 0; }
.chart .bar { fill: var(--accent); }
.chart .grid { stroke: #e7eaef; stroke-width: 1; }
.chart .baseline { stroke: #8a94a3; stroke-width: 1; }
.chart .year { stroke: #c3c9d2; stroke-width: 1; stroke-dasharray: 3 3; }
.chart text { font: 10.5px system-ui, "DejaVu Sans", sans-serif; fill: var(--muted); }
.chart .value { fill: var(--ink); font-weight: 600; }
.chart .year-label { fill: var(--ink); font-weight: 600; font-size: 11px; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 0 28px; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px;
  border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 720px) { main { padding: 16px; } .cols { grid-template-columns: 1fr; } }
@media print {
  @page { margin: 14mm 12mm; }
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  a { color: inherit; }
  section { break-inside: auto; }
  h2, h3 { break-after: avoid; }
  tr, .cards li, .chart { break-inside: avoid; }
  thead { display: table-header-group; }
  tbody tr:nth-child(even) td { background: none; }
  .cards li { background: none; }
  .cards li.attn { border-width: 2px; }
  .meter, .tag, .status { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""

SECTIONS = (
    ("summary", "Summary"),
    ("per-month", "Articles per month"),
    ("php-errors", "PHP errors removed"),
    ("broken-links", "Broken links"),
    ("redirects", "Redirects"),
    ("failed-downloads", "Failed downloads"),
    ("other", "Other run facts"),
    ("review", "Review list"),
)


def _summary(facts: Mapping[str, Any]) -> str:
    counts = facts["counts"]
    php = facts["php_errors_removed"]
    cards = [(counts[name], name.capitalize(), False) for name in (*RECORD_FILES.values(),)]
    cards += [
        (counts["assets"], "Assets", False),
        (php["total"], "PHP errors removed", False),
        (facts["redirects"]["map_total"], "Redirect map rows", False),
        (len(facts["broken_links"]), "Broken links", True),
        (len(facts["failed_downloads"]), "Failed downloads", True),
        (len(facts["failed_pages"]), "Failed pages", True),
        (facts["review"]["count"], "Records to review", True),
    ]
    items = "".join(
        f'<li class="{"attn" if flag and n else ""}"><span class="n">{_e(n)}</span>'
        f'<span class="label">{_e(label)}</span></li>'
        for n, label, flag in cards
    )
    out = [f'<ul class="cards">{items}</ul>']
    differ = facts["manifest_counts_differ"]
    if differ:
        text = "; ".join(
            f"{name}: manifest {d['manifest']}, files {d['files']}" for name, d in differ.items()
        )
        out.append(f'<p class="note warn">Counts differ from manifest.json: {_e(text)}</p>')
    return "".join(out)


def _per_month(facts: Mapping[str, Any]) -> str:
    per_month = facts["articles_per_month"]
    out = [_chart_svg(per_month)]
    note = f"{_plural(per_month['dated'], 'dated article')} by month of publication"
    if per_month["months"]:
        first, last = next(iter(per_month["months"])), next(reversed(per_month["months"]))
        note += f", {first} to {last}"
    note += f". {_plural(per_month['undated'], 'undated article')}"
    if per_month["undated_ids"]:
        note += " (not in the chart): " + ", ".join(per_month["undated_ids"])
    return "".join(out) + f'<p class="note">{_e(note)}.</p>'


def _php_section(facts: Mapping[str, Any], origin: str) -> str:
    php = facts["php_errors_removed"]
    if not php["total"] and not php["by_page"]:
        return _none("No PHP error output was found on any page.")
    levels = ", ".join(f"{level.replace('_', ' ')} {n}" for level, n in php["by_level"].items())
    out = [
        f'<p class="note">{_e(php["total"])} error messages removed from '
        f"{_e(_plural(len(php['by_page']), 'page'))} (by level: {_e(levels or 'none')}). "
        "Most affected pages first.</p>"
    ]
    peak = max((row["count"] for row in php["by_page"]), default=1) or 1
    rows = [
        (
            _link(row["url"], origin),
            _e(row["record_id"] or "—"),
            f"{_e(row['count'])}"
            f'<span class="meter" style="width:{48 * row["count"] / peak:.0f}px"></span>',
        )
        for row in php["by_page"]
    ]
    head = ("Legacy page", "Record", "Errors")
    if len(rows) <= 12:
        return "".join(out) + _table(head, rows, "php", "uin")
    # A long list reads down the left column, then the right: half the scrolling.
    half = -(-len(rows) // 2)
    halves = (_table(head, part, "php", "uin") for part in (rows[:half], rows[half:]))
    return "".join(out) + '<div class="cols">' + "".join(halves) + "</div>"


def _links_list(urls: Iterable[str], origin: str) -> str:
    return "<ul>" + "".join(f"<li>{_link(url, origin)}</li>" for url in urls) + "</ul>"


def _broken_section(facts: Mapping[str, Any], origin: str) -> str:
    links = facts["broken_links"]
    if not links:
        return _none("No broken links: every linked legacy page answered.")
    rows = [
        (
            _link(link["url"], origin),
            _e(link["status"]),
            _links_list(link["linked_from"], origin),
            _e(", ".join(link["in_record_bodies"]) or "—"),
        )
        for link in links
    ]
    note = (
        '<p class="note">Legacy links that answered 404 or 410, with the pages that link to '
        "them; migrated bodies keep them marked as broken.</p>"
    )
    return note + _table(
        ("Broken URL", "Status", "Linked from", "In bodies of"), rows, "broken", "unut"
    )


def _redirect_section(facts: Mapping[str, Any], origin: str) -> str:
    redirects = facts["redirects"]
    by_status = redirects["map_by_status"]
    out = [
        '<p class="note">Generated map (<code>redirects.csv</code>, also as nginx and Apache '
        f"rules): <strong>{_e(by_status['301'])}</strong> legacy URLs answer 301 with their new "
        f"path, <strong>{_e(by_status['410'])}</strong> answer 410 Gone (removed articles).</p>"
    ]
    if redirects["map_gone"]:
        rows = [
            (_link(r["legacy_url"], origin), _e(r["record_id"] or "—"))
            for r in redirects["map_gone"]
        ]
        out.append(
            "<h3>410 Gone</h3>" + _table(("Legacy URL", "Removed record"), rows, "gone", "ui")
        )
    out.append("<h3>Legacy redirects seen during the crawl</h3>")
    if redirects["legacy"]:
        rows = [
            (_link(r["from"], origin), _e(r["status"]), _link(r["to"], origin))
            for r in redirects["legacy"]
        ]
        out.append(_table(("From", "Status", "To"), rows, "legacy", "unu"))
    else:
        out.append(_none("The legacy site answered no request with a redirect."))
    return "".join(out)


def _failed_downloads(facts: Mapping[str, Any], origin: str) -> str:
    failed = facts["failed_downloads"]
    if not failed:
        return _none("Every referenced image and document was downloaded.")
    rows = [
        (
            _link(f.get("url"), origin),
            _e(f.get("status") if f.get("status") is not None else "—"),
            _e(f.get("reason") or ""),
            _e(", ".join(f.get("used_by") or []) or "—"),
        )
        for f in failed
    ]
    return _table(("File", "Status", "Reason", "Used by"), rows, "downloads", "untt")


def _other_section(facts: Mapping[str, Any], origin: str) -> str:
    out = []
    failed = facts["failed_pages"]
    out.append("<h3>Failed pages</h3>")
    if failed:
        rows = [
            (_link(p.get("url"), origin), _e(p.get("status")), _e(p.get("error") or ""))
            for p in failed
        ]
        out.append(_table(("Page", "Status", "Error"), rows, "failed", "unt"))
    else:
        out.append(_none("Every page was fetched."))
    out.append("<h3>Links not mapped to the new site</h3>")
    if facts["unmapped_links"]:
        rows = [
            (_link(u.get("url"), origin), _e(", ".join(map(str, u.get("linked_from") or []))))
            for u in facts["unmapped_links"]
        ]
        out.append(_table(("Legacy URL", "Linked from"), rows, "unmapped", "ut"))
    else:
        out.append(_none("Every internal link in the bodies points at the new site."))
    if facts["wxr_collisions"]:
        out.append("<h3>WordPress title and date collisions</h3>")
        rows = [
            (
                _e(c.get("title")),
                _e(c.get("date")),
                _e(c.get("post_type")),
                _e(", ".join(map(str, c.get("ids") or []))),
            )
            for c in facts["wxr_collisions"]
        ]
        out.append(_table(("Title", "Date", "Post type", "Records"), rows, "wxr"))
    if facts["rejected_records"]:
        out.append("<h3>Rejected records (failed their schema)</h3>")
        out.append(f"<p>{_e(', '.join(facts['rejected_records']))}</p>")
    if facts["skipped_by_robots"]:
        out.append("<h3>Skipped by robots.txt</h3>")
        out.append(_links_list((s.get("url") for s in facts["skipped_by_robots"]), origin))
    if facts["warnings"]:
        out.append("<h3>Warnings</h3>")
        out.append("<ul>" + "".join(f"<li>{_e(w)}</li>" for w in facts["warnings"]) + "</ul>")
    return "".join(out)


def _review_section(facts: Mapping[str, Any], origin: str) -> str:
    review = facts["review"]
    if not review["records"]:
        return _none("No record needs a human look.")
    tags = "".join(
        f'<span class="tag tag-{_group(r)}">{_e(r)}<span class="n">{_e(n)}</span></span>'
        for r, n in review["by_reason"].items()
    )
    out = [
        f'<p class="note">{_e(_plural(review["count"], "record"))} to check by hand '
        "(also in <code>review.csv</code>), sorted by id. "
        f"Reasons: {tags}</p>"
    ]
    rows = [
        (
            _e(r["id"]),
            _e(r["title"]),
            _e(r["path"]),
            "".join(_tag(reason) for reason in r["reasons"]),
            _link(r["source_url"], origin),
        )
        for r in review["records"]
    ]
    table = _table(
        ("Record", "Title", "New path", "Reasons", "Legacy page"), rows, "review", "ituts"
    )
    return "".join(out) + table


def render_html(facts: Mapping[str, Any]) -> str:
    """The report page; every value escaped, nothing fetched."""
    run = facts["run"]
    origin = _origin(run.get("start_url"))
    status = str(run.get("status") or "unknown")
    meta = [
        ("Site", _link(run.get("start_url"), "", run.get("start_url") or "—")),
        ("Run", _e(run.get("run_id") or "—")),
        ("Started", _e(run.get("started_at") or "—")),
        ("Finished", _e(run.get("finished_at") or "—")),
        ("Status", f'<span class="status {_e(status)}">{_e(status)}</span>'),
    ]
    if facts.get("contract_version"):
        meta.append(("Contract", _e(facts["contract_version"])))
    bodies = {
        "summary": _summary(facts),
        "per-month": _per_month(facts),
        "php-errors": _php_section(facts, origin),
        "broken-links": _broken_section(facts, origin),
        "redirects": _redirect_section(facts, origin),
        "failed-downloads": _failed_downloads(facts, origin),
        "other": _other_section(facts, origin),
        "review": _review_section(facts, origin),
    }
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # No fetch of any kind: styles and images are inline, there is no script.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Migration report — {_e(run.get('run_id') or 'export')}</title>",
        f"<style>{CSS}</style></head><body><main>",
        '<header><h1>Migration report</h1><dl class="meta">',
        "".join(f"<div><dt>{_e(k)}</dt><dd>{v}</dd></div>" for k, v in meta),
        "</dl><nav>",
        "".join(f'<a href="#{sid}">{_e(title)}</a>' for sid, title in SECTIONS),
        "</nav></header>",
    ]
    for sid, title in SECTIONS:
        out.append(f'<section id="{sid}"><h2>{_e(title)}</h2>{bodies[sid]}</section>')
    out.append(
        "<footer>Written by belong-scraper from the export folder: report.json holds the same "
        "facts, review.csv the review list.</footer></main></body></html>\n"
    )
    return "".join(out)


# ---------------------------------------------------------------------------- entry point


def write_report(out_dir: Path) -> dict[str, Any]:
    """Write report.json, review.csv and report.html into out_dir; return the facts.

    The returned dict equals the content of report.json.
    """
    out_dir = Path(out_dir)
    facts = collect_facts(out_dir)
    atomic_write(out_dir / "review.csv", review_csv_bytes(facts["review"]["records"]))
    atomic_write(out_dir / "report.html", render_html(facts).encode("utf-8"))
    atomic_write(out_dir / "report.json", json_bytes(facts))
    return facts


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m belong_scraper.report DIR``: (re)write the report of an export folder."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m belong_scraper.report EXPORT_DIR", file=sys.stderr)
        return 2
    out_dir = Path(args[0])
    if not out_dir.is_dir():
        print(f"not a folder: {out_dir}", file=sys.stderr)
        return 2
    facts = write_report(out_dir)
    print(
        f"report written to {out_dir / 'report.html'}: {facts['review']['count']} records to review"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
