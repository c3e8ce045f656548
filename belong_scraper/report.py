"""The migration report: one page that tells the engineer what needs their attention.

The export folder is written for machines (a CMS importer, a scheduled job). The person
who signs off a migration needs the same facts ranked by what to do next: which records to
check by hand and why, which PHP pages spewed errors, which links were already broken,
which files could not be downloaded, how many legacy URLs the redirect map covers. This
module takes what the export computed (its records, the manifest before it is written, the
redirect rows: ``report_facts``), or reads an export folder (``collect_facts``, so it works
on any past run, without the crawl or the state database), and writes three views of
those facts beside it:

- ``report.json``: the facts, for scripts and CI (deterministic apart from the run facts
  copied from the manifest);
- ``review.csv``: the records a human should look at, one row each, for a spreadsheet;
- ``report.html``: one self-contained page (inline CSS and SVG, no script, no network: a
  Content-Security-Policy forbids any fetch), readable on screen and on paper, rendered
  by a Jinja2 template with autoescape, so no value can add markup.

Missing files and keys count as empty: the folder of an older or interrupted run still
gets a report. A file that exists but is not the JSON it should be is an error.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.ext
from markupsafe import Markup

from belong_scraper.export.spill import decoded_rows, encode_row
from belong_scraper.exporters import (
    StreamedValue,
    csv_lines,
    json_items_pieces,
    json_value_pieces,
    read_csv_rows,
    write_json_document,
    write_text,
)
from belong_scraper.review import (
    article_flags,
    partner_flags,
    title_date_key,
)
from belong_scraper.scratch import scratch_table
from belong_scraper.targets import ExportSource, FolderSource, origin_of

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
    ("svg-", "content"),
    ("media-not-placed", "content"),
    ("field-truncated:", "extract"),
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


def _review_reasons(
    kind: str, record: Mapping[str, Any], collisions: set[str], default_language: str
) -> list[str]:
    """The record's own flags plus what its fields imply (``belong_scraper.review``, the
    rules the pipeline applied), so the list stays honest for folders written by older
    versions or edited by hand."""
    reasons = {str(flag) for flag in _list(record.get("review_flags")) if flag}
    if kind == "article":
        reasons |= article_flags(record, default_language)
        if record.get("id") in collisions:
            reasons.add("title-date-collision")
    elif kind == "partner":
        reasons |= partner_flags(record)
    return sorted(reasons)


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _articles_per_month(articles: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    months = _Months()
    for article in articles:
        months.add(article)
    return months.facts()


class _Months:
    """Articles per month of publication, counted as the records go by."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.undated: list[str] = []

    def add(self, article: Mapping[str, Any]) -> None:
        match = MONTH.match(str(article.get("published") or ""))
        if match:
            self.counts[f"{match[1]}-{match[2]}"] += 1
        else:
            self.undated.append(str(article.get("id")))

    def facts(self) -> dict[str, Any]:
        counts = self.counts
        # Every month between the first and the last, so gaps in publishing show as gaps.
        months = _month_range(min(counts), max(counts)) if counts else []
        return {
            "months": {month: counts.get(month, 0) for month in months},
            "dated": sum(counts.values()),
            "undated": len(self.undated),
            "undated_ids": sorted(self.undated),
        }


def _own_urls(owners: dict[str, str], record: Mapping[str, Any], wanted: Mapping[str, Any]) -> None:
    """Legacy URL (canonical or any spelling seen) → the id of the record it became; the
    first record to claim a URL keeps it. Only the ``wanted`` URLs (the pages with PHP
    errors, the one fact that names an owner) are kept."""
    for url in [record.get("source_url"), *_list(record.get("legacy_urls"))]:
        if isinstance(url, str) and url in wanted:
            owners.setdefault(url, str(record.get("id")))


class PageErrors(StreamedValue):
    """The report's PHP errors per page, most first (``{url, count, record_id}`` each),
    made from the manifest's counts and the owners as they are read: at 20,000 pages a
    list of dicts would be the largest fact of the report."""

    def __init__(self, by_page: Mapping[str, int], owners: Mapping[str, str]):
        self._counts, self._owners = by_page, owners
        self._urls = sorted(by_page, key=lambda url: (-by_page[url], url))

    def _row(self, url: str) -> dict[str, Any]:
        return {"url": url, "count": self._counts[url], "record_id": self._owners.get(url)}

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self._row, self._urls)

    def __len__(self) -> int:
        return len(self._urls)

    def __getitem__(self, index: int) -> dict[str, Any]:
        return self._row(self._urls[index])

    def json_pieces(self, depth: int) -> Iterator[bytes]:
        return json_items_pieces(self, depth)

    def __json__(self) -> list[dict[str, Any]]:
        return list(self)


def _php_errors(manifest: Mapping[str, Any], owners: Mapping[str, str]) -> dict[str, Any]:
    php = _dict(manifest.get("php_errors_removed"))
    return {
        "total": _int(php.get("total")),
        "by_level": {str(k): _int(v) for k, v in sorted(_dict(php.get("by_level")).items())},
        "by_page": PageErrors(_page_counts(manifest), owners),
    }


def _page_counts(manifest: Mapping[str, Any]) -> dict[str, int]:
    by_page = _dict(_dict(manifest.get("php_errors_removed")).get("by_page"))
    if all(isinstance(url, str) and type(n) is int for url, n in by_page.items()):
        return by_page  # the export's own: used as it is, not copied
    return {str(url): _int(n) for url, n in by_page.items()}


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


def _redirects(
    redirect_rows: Iterable[Mapping[str, Any]], manifest: Mapping[str, Any]
) -> dict[str, Any]:
    """The redirect map's figures (``redirect_rows`` read twice: a list, or rows on disk)."""
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
    source = FolderSource(out_dir, strict=True)
    manifest = _load_json(out_dir / "manifest.json", {})
    return report_facts(source, manifest, _load_csv(out_dir / "redirects.csv"))


def report_facts(
    source: ExportSource, manifest: Mapping[str, Any], redirect_rows: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The report facts from what the export computed: its records, its manifest (before
    it is written: it holds every run fact the report shows) and its redirect rows."""
    return plain(streamed_facts(source, manifest, redirect_rows))


def streamed_facts(
    source: ExportSource,
    manifest: Mapping[str, Any],
    redirect_rows: Iterable[Mapping[str, Any]],
    db: sqlite3.Connection | None = None,
) -> dict[str, Any]:
    """``report_facts`` with its two long lists (the PHP errors per page, the records to
    review) as StreamedValues, made as they are written: the review rows wait in ``db``
    (the export's scratch SQLite file; a private in-memory one when not given)."""
    manifest = _dict(manifest)
    # The profile's language, as the run recorded it (folders of older versions: English).
    default_language = str(manifest.get("default_language") or "en")

    collisions = _collisions(source.records("articles"))
    counts: dict[str, int] = {}
    owners: dict[str, str] = {}
    wanted = _page_counts(manifest)
    months = _Months()
    review = ReviewRows(db)
    for kind, stem in RECORD_FILES.items():
        counts[stem] = 0
        for record in source.records(stem):
            counts[stem] += 1
            if kind == "article":
                months.add(record)
            if kind != "partner":  # a country page holds several partners: no one owns it
                _own_urls(owners, record, wanted)
            reasons = _review_reasons(kind, record, collisions, default_language)
            if reasons:
                review.add(
                    {
                        "id": str(record.get("id")),
                        "type": kind,
                        "title": str(record.get("title") or record.get("name") or ""),
                        "path": str(record.get("path") or ""),
                        "source_url": str(record.get("source_url") or ""),
                        "reasons": reasons,
                    }
                )
    counts["assets"] = len(source.assets())
    manifest_counts = _dict(manifest.get("counts"))
    counts_differ = {
        name: {"manifest": _int(manifest_counts[name]), "files": n}
        for name, n in counts.items()
        if name in manifest_counts and _int(manifest_counts[name]) != n
    }
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
        "articles_per_month": months.facts(),
        "php_errors_removed": _php_errors(manifest, owners),
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
            "by_reason": dict(sorted(review.by_reason.items())),
            "records": review,
        },
    }


def _collisions(articles: Iterable[Mapping[str, Any]]) -> set[str]:
    """``review.title_date_collisions`` (keys by ``review.title_date_key``, its rule)
    holding a 16-byte digest of each key and the first id that had it, not a dict of
    every article's title and date: the ids that collide only."""
    first: dict[bytes, str] = {}
    colliding: set[str] = set()
    for article in articles:
        key = title_date_key(article.get("title"), article.get("published"), "post")
        if key is None:
            continue
        encoded = encode_row(key)
        data = encoded if isinstance(encoded, bytes) else encoded.encode("ascii")
        digest = hashlib.blake2b(data, digest_size=16).digest()
        record_id = str(article.get("id"))
        if digest in first:
            colliding.update((first[digest], record_id))
        else:
            first[digest] = record_id
    return colliding


class ReviewRows(StreamedValue):
    """The records to review, sorted by id then type, kept in a SQLite table as they are
    found and read back a batch at a time (each time the report's files need them)."""

    def __init__(self, db: sqlite3.Connection | None = None):
        self._db = sqlite3.connect(":memory:") if db is None else db
        # Bytes compared bytewise: UTF-8 sorts as its code points, as Python sorts text.
        self._table = scratch_table(
            self._db, "review_rows", "seq INTEGER PRIMARY KEY, id BLOB, type BLOB, data BLOB"
        )
        self._count = 0
        self.by_reason: Counter[str] = Counter()

    def add(self, row: dict[str, Any]) -> None:
        self._db.execute(
            f"INSERT INTO {self._table} (id, type, data) VALUES (?, ?, ?)",
            (_key(row["id"]), _key(row["type"]), encode_row(row)),
        )
        self._count += 1
        self.by_reason.update(row["reasons"])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return decoded_rows(
            self._db.execute(f"SELECT data FROM {self._table} ORDER BY id, type, seq")
        )

    def __len__(self) -> int:
        return self._count

    def json_pieces(self, depth: int) -> Iterator[bytes]:
        return json_items_pieces(self, depth)

    def __json__(self) -> list[dict[str, Any]]:
        return list(self)


def _key(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def plain(value: Any) -> Any:
    """``value`` with every StreamedValue in it made whole: JSON's own types."""
    if isinstance(value, StreamedValue):
        return value.__json__()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def skeleton(value: Any) -> Any:
    """``value`` with every StreamedValue in it an empty list (what the report's schema
    checks of them is that they are lists; each of their rows is made of JSON's types)."""
    if isinstance(value, StreamedValue):
        return []
    if isinstance(value, dict):
        return {k: skeleton(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------- review.csv


def review_csv_bytes(review: Sequence[Mapping[str, Any]]) -> bytes:
    return "".join(review_csv_lines(review)).encode("utf-8")


def review_csv_lines(review: Sequence[Mapping[str, Any]]) -> Iterator[str]:
    """review.csv a line at a time."""
    rows = (
        [*(row[column] for column in REVIEW_COLUMNS[:-1]), ";".join(sorted(row["reasons"]))]
        for row in review
    )
    return csv_lines(REVIEW_COLUMNS, rows)


# ---------------------------------------------------------------------------- report.html
# The page is a Jinja2 template with autoescape on (templates/report.html.j2): this part
# only turns the facts into plain values (text, numbers, links as href and text), never
# into markup, so no value can reach the page unescaped.


class _CompactLines(jinja2.ext.Extension):
    """Drops each line break and the indentation after it from a .j2 template's source:
    the template is written readable, the page compact (spaces between inline elements
    show, so the page keeps only the ones the template writes within a line)."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return re.sub(r"\n[ \t]*", "", source) if (name or "").endswith(".j2") else source


@cache
def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("belong_scraper", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=lambda value: "" if value is None else value,
        extensions=[_CompactLines],
    )


@cache
def _css() -> Markup:
    # The package's own style sheet, not data: trusted as it is (quotes in font names).
    return Markup(resources.files("belong_scraper").joinpath("templates/report.css").read_text())


def _link(url: Any, origin: str, text: Any = None) -> dict[str, Any]:
    """A link to a legacy page (http/https only: never javascript: or data:), shortened to
    its path when it is on the crawled origin; any other URL is shown as text."""
    url = "" if url is None else str(url)
    if text is None:
        text = (url[len(origin) :] or "/") if origin and url.startswith(origin + "/") else url
    href = url if re.match(r"^https?://", url, re.I) else None
    return {"kind": "link", "href": href, "text": text}


def _text(value: Any) -> dict[str, Any]:
    return {"kind": "text", "text": value}


def _links(urls: Iterable[Any], origin: str) -> dict[str, Any]:
    return {"kind": "links", "entries": [_link(url, origin) for url in urls]}


def _group(reason: str) -> str:
    return next((g for prefix, g in REASON_GROUPS if reason.startswith(prefix)), "other")


def _tag(reason: str) -> dict[str, str]:
    return {"group": _group(reason), "text": reason}


def _table(head: Sequence[str], rows: Iterable[Sequence[dict]], cls: str, kinds: str = "") -> dict:
    """kinds has one letter per column: u = URL (may wrap anywhere), n = number
    (right-aligned), i = id, s = short text kept on one line, t = text."""
    names = {"u": "url", "n": "num", "i": "id", "s": "short"}
    return {
        "cls": cls,
        "head": list(head),
        "kinds": [names.get(kinds[i : i + 1], "") for i in range(len(head))],
        "rows": rows if isinstance(rows, _Rows) else [list(row) for row in rows],
        "halves": None,
    }


class _Rows:
    """A table's rows made as the page is written, each from its fact when the template
    reaches it: a table with a row per page (the PHP errors of 20,000 pages) is never
    held as cells."""

    def __init__(
        self,
        cells: Callable[[Mapping[str, Any]], Sequence[dict[str, Any]]],
        facts: Collection[Mapping[str, Any]],
        start: int = 0,
        stop: int | None = None,
    ):
        self.cells, self.facts = cells, facts
        self.start, self.stop = start, len(facts) if stop is None else stop

    def __iter__(self) -> Iterator[Sequence[dict[str, Any]]]:
        # Read in order, not by index: the facts may be rows read back from a table.
        for fact in itertools.islice(self.facts, self.start, self.stop):
            yield self.cells(fact)

    def __len__(self) -> int:
        return self.stop - self.start


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _chart(per_month: Mapping[str, Any]) -> dict[str, Any]:
    """Bar chart of articles per month, as numbers for inline SVG (no script, no fonts)."""
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
    base = top + plot_h
    chart: dict[str, Any] = {
        "label": label,
        "width": f"{width:.0f}",
        "height": height,
        "empty_x": f"{width / 2:.0f}",
        "empty_y": f"{top + plot_h / 2:.0f}",
        "left": left,
        "right": f"{width - 10:.0f}",
        "tick_x": left - 6,
        "base": base,
        "year_top": top - 6,
        "year_bottom": base + 36,
        "year_label_y": base + 34,
        "initial_y": base + 14,
        "ticks": [],
        "months": [],
    }
    if not months:
        return chart
    peak = max(months.values())
    step = 1 if peak <= 6 else 2 if peak <= 12 else 5 if peak <= 30 else 10
    axis_max = max(4, -(-peak // step) * step)  # a lone article is not a full-height bar
    for tick in range(0, axis_max + 1, step):
        y = base - plot_h * tick / axis_max
        chart["ticks"].append({"tick": tick, "y": f"{y:.1f}", "label_y": f"{y + 3.5:.1f}"})
    for i, (month, n) in enumerate(months.items()):
        x = left + i * slot
        year, mon = month.split("-")
        first_of_year = i == 0 or mon == "01"
        centre = x + slot / 2
        bar = None
        if n:
            h = plot_h * n / axis_max
            bar_w = slot * 0.7
            bar = {
                "x": f"{centre - bar_w / 2:.1f}",
                "y": f"{base - h:.1f}",
                "width": f"{bar_w:.1f}",
                "height": f"{h:.1f}",
                "tip": f"{MONTH_NAMES[int(mon) - 1]} {year}: {_plural(n, 'article')}",
                "value_y": f"{base - h - 4:.1f}",
            }
        chart["months"].append(
            {
                "year": year,
                "year_line": f"{x:.1f}" if first_of_year and i else None,
                "year_label": f"{x + 2:.1f}" if first_of_year else None,
                "centre": f"{centre:.1f}",
                "initial": MONTH_INITIALS[int(mon) - 1],
                "n": n,
                "bar": bar,
            }
        )
    return chart


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


def _summary(facts: Mapping[str, Any]) -> dict[str, Any]:
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
    differ = "; ".join(
        f"{name}: manifest {d['manifest']}, files {d['files']}"
        for name, d in facts["manifest_counts_differ"].items()
    )
    return {
        "cards": [{"n": n, "label": label, "attn": bool(flag and n)} for n, label, flag in cards],
        "differ": differ,
    }


def _per_month(facts: Mapping[str, Any]) -> dict[str, Any]:
    per_month = facts["articles_per_month"]
    note = f"{_plural(per_month['dated'], 'dated article')} by month of publication"
    if per_month["months"]:
        first, last = next(iter(per_month["months"])), next(reversed(per_month["months"]))
        note += f", {first} to {last}"
    note += f". {_plural(per_month['undated'], 'undated article')}"
    if per_month["undated_ids"]:
        note += " (not in the chart): " + ", ".join(per_month["undated_ids"])
    return {"chart": _chart(per_month), "note": note}


def _php_section(facts: Mapping[str, Any], origin: str) -> dict[str, Any]:
    php = facts["php_errors_removed"]
    if not php["total"] and not php["by_page"]:
        return {"none": "No PHP error output was found on any page."}
    levels = ", ".join(f"{level.replace('_', ' ')} {n}" for level, n in php["by_level"].items())
    peak = max((row["count"] for row in php["by_page"]), default=1) or 1

    def cells(row: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
        return (
            _link(row["url"], origin),
            _text(row["record_id"] or "—"),
            {"kind": "meter", "n": row["count"], "width": f"{48 * row['count'] / peak:.0f}"},
        )

    by_page = php["by_page"]
    head = ("Legacy page", "Record", "Errors")
    table = _table(head, _Rows(cells, by_page), "php", "uin")
    if len(by_page) > 12:
        # A long list reads down the left column, then the right: half the scrolling.
        half = -(-len(by_page) // 2)
        table["halves"] = [
            _table(head, _Rows(cells, by_page, start, stop), "php", "uin")
            for start, stop in ((0, half), (half, len(by_page)))
        ]
    return {
        "none": None,
        "total": php["total"],
        "pages": _plural(len(php["by_page"]), "page"),
        "levels": levels or "none",
        "table": table,
    }


def _broken_section(facts: Mapping[str, Any], origin: str) -> dict[str, Any]:
    links = facts["broken_links"]
    if not links:
        return {"none": "No broken links: every linked legacy page answered."}
    rows = [
        (
            _link(link["url"], origin),
            _text(link["status"]),
            _links(link["linked_from"], origin),
            _text(", ".join(link["in_record_bodies"]) or "—"),
        )
        for link in links
    ]
    head = ("Broken URL", "Status", "Linked from", "In bodies of")
    return {"none": None, "table": _table(head, rows, "broken", "unut")}


def _redirect_section(facts: Mapping[str, Any], origin: str) -> dict[str, Any]:
    redirects = facts["redirects"]
    gone = [
        (_link(r["legacy_url"], origin), _text(r["record_id"] or "—"))
        for r in redirects["map_gone"]
    ]
    legacy = [
        (_link(r["from"], origin), _text(r["status"]), _link(r["to"], origin))
        for r in redirects["legacy"]
    ]
    return {
        "moved": redirects["map_by_status"]["301"],
        "gone": redirects["map_by_status"]["410"],
        "gone_table": _table(("Legacy URL", "Removed record"), gone, "gone", "ui")
        if gone
        else None,
        "legacy_table": _table(("From", "Status", "To"), legacy, "legacy", "unu")
        if legacy
        else None,
    }


def _failed_downloads(facts: Mapping[str, Any], origin: str) -> dict[str, Any]:
    failed = facts["failed_downloads"]
    if not failed:
        return {"none": "Every referenced image and document was downloaded."}
    rows = [
        (
            _link(f.get("url"), origin),
            _text(f.get("status") if f.get("status") is not None else "—"),
            _text(f.get("reason") or ""),
            _text(", ".join(f.get("used_by") or []) or "—"),
        )
        for f in failed
    ]
    head = ("File", "Status", "Reason", "Used by")
    return {"none": None, "table": _table(head, rows, "downloads", "untt")}


def _other_section(facts: Mapping[str, Any], origin: str) -> dict[str, Any]:
    failed = [
        (_link(p.get("url"), origin), _text(p.get("status")), _text(p.get("error") or ""))
        for p in facts["failed_pages"]
    ]
    unmapped = [
        (_link(u.get("url"), origin), _text(", ".join(map(str, u.get("linked_from") or []))))
        for u in facts["unmapped_links"]
    ]
    wxr = [
        (
            _text(c.get("title")),
            _text(c.get("date")),
            _text(c.get("post_type")),
            _text(", ".join(map(str, c.get("ids") or []))),
        )
        for c in facts["wxr_collisions"]
    ]
    return {
        "failed": _table(("Page", "Status", "Error"), failed, "failed", "unt") if failed else None,
        "unmapped": _table(("Legacy URL", "Linked from"), unmapped, "unmapped", "ut")
        if unmapped
        else None,
        "wxr": _table(("Title", "Date", "Post type", "Records"), wxr, "wxr") if wxr else None,
        "rejected": ", ".join(facts["rejected_records"]),
        "robots": [_link(s.get("url"), origin) for s in facts["skipped_by_robots"]],
        "warnings": facts["warnings"],
    }


def _review_section(facts: Mapping[str, Any], origin: str) -> dict[str, Any]:
    review = facts["review"]
    if not len(review["records"]):
        return {"none": "No record needs a human look."}

    def cells(r: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
        return (
            _text(r["id"]),
            _text(r["title"]),
            _text(r["path"]),
            {"kind": "tags", "entries": [_tag(reason) for reason in r["reasons"]]},
            _link(r["source_url"], origin),
        )

    head = ("Record", "Title", "New path", "Reasons", "Legacy page")
    return {
        "none": None,
        "count": _plural(review["count"], "record"),
        "reasons": [{**_tag(r), "n": n} for r, n in review["by_reason"].items()],
        "table": _table(head, _Rows(cells, review["records"]), "review", "ituts"),
    }


def render_html(facts: Mapping[str, Any]) -> str:
    """The report page; every value escaped by the template engine, nothing fetched."""
    return "".join(html_pieces(facts))


def html_pieces(facts: Mapping[str, Any]) -> Iterator[str]:
    """``render_html`` as the template engine makes it, a piece at a time."""
    run = facts["run"]
    origin = origin_of(str(run.get("start_url") or ""))  # the crawled origin, as the run had it
    meta: list[dict[str, Any]] = [
        {
            "key": "Site",
            "status": None,
            "value": _link(run.get("start_url"), "", run.get("start_url") or "—"),
        },
        {"key": "Run", "status": None, "value": _text(run.get("run_id") or "—")},
        {"key": "Started", "status": None, "value": _text(run.get("started_at") or "—")},
        {"key": "Finished", "status": None, "value": _text(run.get("finished_at") or "—")},
        {"key": "Status", "status": str(run.get("status") or "unknown"), "value": None},
    ]
    if facts.get("contract_version"):
        meta.append({"key": "Contract", "status": None, "value": _text(facts["contract_version"])})
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
    yield from (
        _templates()
        .get_template("report.html.j2")
        .generate(run_id=run.get("run_id"), css=_css(), meta=meta, sections=SECTIONS, bodies=bodies)
    )
    yield "\n"


# ---------------------------------------------------------------------------- entry point


def write_report(
    out_dir: Path,
    facts: dict[str, Any] | None = None,
    *,
    described: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Write report.json, review.csv and report.html into out_dir; return the facts.

    ``facts`` default to those of the folder (``collect_facts``); the returned dict equals
    the content of report.json. ``described`` gets the three files' manifest entries."""
    out_dir = Path(out_dir)
    facts = collect_facts(out_dir) if facts is None else facts
    # Each file written as it is made: at 20,000 pages each is megabytes (the PHP errors
    # of every page), and none need be in memory whole.
    review = facts["review"]["records"]
    pieces = {
        "review.csv": review_csv_lines(review),
        "report.html": html_pieces(facts),
    }
    for name, text in pieces.items():
        entry = write_text(out_dir / name, text)
        if described is not None:
            described[name] = entry
    entry = write_json_document(out_dir / "report.json", facts)
    if described is not None:
        described["report.json"] = entry
    return facts


def json_pieces(data: Any) -> Iterator[str]:
    """``json_bytes(data)`` as text, a top-level value at a time (a StreamedValue in it a
    batch of its rows at a time)."""
    for piece in json_value_pieces(data):
        yield piece.decode("utf-8")
    yield "\n"


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
