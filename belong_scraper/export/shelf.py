"""The crawl's listings and its pages' links, put aside as they arrive (issue 10: memory
that stays flat as the site grows).

At 4,000 articles the collected page reports held 40 MB, mostly each page's own copy of
every link it carries (the menu, the sidebar, the tag cloud: the same URLs on every page),
and the listings 10 MB of teasers. Neither is needed in memory during the crawl:

- a page's link *spellings* are folded into the run's one link graph as the page arrives
  (export/graph.LinkGraphBuilder: one entry per distinct URL);
- its links go here, as (target, source) rows, so the broken links' "linked from" is a
  query at the end (`LinkIndex.linked_from`);
- a listing goes here whole, and the passes that need the listings read them back in
  arrival order (`ParkedListings`), one at a time;
- so does the page report itself, once folded (`ParkedReports`): the ledger, the run's
  facts, the redirect map and the state read the reports one at a time, in arrival order
  or by canonical URL (an index of the file, not a sort in memory).

One run-local SQLite file in the job folder (``export-crawl.sqlite``, see
export/spill.ScratchDB); without a folder (a stage run in a test) a private temp one.
"""

from __future__ import annotations

import pickle
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from belong_scraper.export.spill import ScratchDB
from belong_scraper.items import Listing, PageReport

# Rows per query when looking up sources (SQLite's default limit on bound parameters is 999+).
BATCH = 500


class CrawlShelf:
    """The scratch file they live in."""

    def __init__(self, folder: Path | None):
        self.scratch = ScratchDB(folder, "export-crawl.sqlite")
        self.listings = ParkedListings(self.scratch)
        self.reports = ParkedReports(self.scratch)
        self.links = LinkIndex(self.scratch)

    def close(self) -> None:
        self.scratch.close()


class ParkedListings:
    """Listings in arrival order; iterating reads them back one at a time (and can be done
    as often as a pass needs)."""

    def __init__(self, scratch: ScratchDB):
        self.db = scratch.db
        self.db.execute("CREATE TABLE listings (seq INTEGER PRIMARY KEY, data BLOB)")
        self._count = 0

    def append(self, listing: Listing) -> None:
        # pickle: a scratch file this process writes and reads back, never a shared one
        data = pickle.dumps(listing, protocol=pickle.HIGHEST_PROTOCOL)
        self.db.execute("INSERT INTO listings (data) VALUES (?)", (data,))
        self._count += 1

    def __iter__(self) -> Iterator[Listing]:
        for (data,) in self.db.execute("SELECT data FROM listings ORDER BY seq"):
            yield pickle.loads(data)

    def __len__(self) -> int:
        return self._count


class ParkedReports:
    """Page reports in arrival order, with their canonical URL and URL as sort keys."""

    def __init__(self, scratch: ScratchDB):
        self.db = scratch.db
        self.db.execute(
            "CREATE TABLE reports (seq INTEGER PRIMARY KEY, canonical BLOB, url BLOB, data BLOB)"
        )
        self._count = 0
        self._indexed = False

    def append(self, report: PageReport) -> None:
        data = pickle.dumps(report, protocol=pickle.HIGHEST_PROTOCOL)
        self.db.execute(
            "INSERT INTO reports (canonical, url, data) VALUES (?, ?, ?)",
            (_key(report.canonical), _key(report.url), data),
        )
        self._count += 1

    def __iter__(self) -> Iterator[PageReport]:
        return self._read("seq")

    def __len__(self) -> int:
        return self._count

    def by_canonical(self, *, then_url: bool = False) -> Iterator[PageReport]:
        """By canonical URL (then URL), ties in arrival order: what ``sorted`` with that
        key gives (UTF-8 bytes sort as their code points)."""
        if not self._indexed:
            self.db.execute("CREATE INDEX reports_by_url ON reports (canonical, url, seq)")
            self._indexed = True
        return self._read("canonical, url, seq" if then_url else "canonical, seq")

    def by_url(self) -> Iterator[PageReport]:
        """By URL, ties in arrival order (a sort of the file's rows, no index kept)."""
        return self._read("url, seq")

    def _read(self, order: str) -> Iterator[PageReport]:
        for (data,) in self.db.execute(f"SELECT data FROM reports ORDER BY {order}"):
            yield pickle.loads(data)


def by_canonical(reports: Iterable[PageReport], *, then_url: bool = False) -> Iterable[PageReport]:
    """Reports by canonical URL (then URL), ties in arrival order: parked ones from the
    shelf's index, a list (a unit test's) sorted in memory."""
    if isinstance(reports, ParkedReports):
        return reports.by_canonical(then_url=then_url)
    if then_url:
        return sorted(reports, key=lambda r: (r.canonical, r.url))
    return sorted(reports, key=lambda r: r.canonical)


def _key(url: str) -> bytes:
    # Bytes, not TEXT: a URL is stored whatever it holds (a lone surrogate included).
    return url.encode("utf-8", "surrogatepass")


class LinkIndex:
    """Which pages link to which URL: the inverse of every page's links."""

    def __init__(self, scratch: ScratchDB):
        self.db = scratch.db
        self.db.execute("CREATE TABLE links (target BLOB, source BLOB)")
        self._indexed = False

    def add(self, source: str, targets: Iterable[str]) -> None:
        self.db.executemany(
            "INSERT INTO links (target, source) VALUES (?, ?)",
            ((_key(t), _key(source)) for t in targets),
        )

    def linked_from(self, targets: Iterable[str]) -> dict[str, set[str]]:
        """Each target → the pages linking to it (a target no page links to is left out)."""
        if not self._indexed:  # built once, after the crawl: cheaper than per insert
            self.db.execute("CREATE INDEX links_by_target ON links (target)")
            self._indexed = True
        found: dict[str, set[str]] = defaultdict(set)
        wanted = sorted({_key(t) for t in targets})
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            marks = ",".join("?" * len(batch))
            query = f"SELECT target, source FROM links WHERE target IN ({marks})"
            for target, source in self.db.execute(query, batch):
                found[_url(target)].add(_url(source))
        return dict(found)


def _url(key: bytes) -> str:
    return key.decode("utf-8", "surrogatepass")
