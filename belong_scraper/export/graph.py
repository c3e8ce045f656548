"""The run's one link graph, built once from the page reports: every spelling seen for a
URL, redirect chains folded to their final target, the pages that are gone. Assembly
(legacy URLs), link rewriting and the redirect map all read it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from belong_scraper.items import PageReport

GONE = (404, 410)
# A URL's other spellings: a tuple while few (most URLs have one or two; a set of one is
# 216 bytes, a tuple 48: 0.75 MB at 4,000 articles), a set once a page is spelled many
# ways (utm_ variants), so adding one stays cheap.
Spellings = tuple[str, ...] | set[str]
FEW_SPELLINGS = 8
MAX_CHAIN = 10  # hops followed when folding a chain (a loop stops there)


@dataclass
class LinkGraph:
    # canonical URL → every other spelling seen for it (as fetched, or folded to it by the
    # spider). The canonical URL itself is no entry: most pages are spelled one way only,
    # and a set for each of them was most of the graph (a 20,000-article crawl has 30,000).
    spellings: dict[str, Spellings] = field(default_factory=dict)
    # the same with each redirect's source and spellings folded into its final target
    aliases: dict[str, Spellings] = field(default_factory=dict)
    # canonical URL of a legacy redirect → its final target (never another legacy URL)
    redirects: dict[str, str] = field(default_factory=dict)
    gone: dict[str, int] = field(default_factory=dict)  # canonical URL → 404 or 410

    @classmethod
    def from_reports(cls, reports: Iterable[PageReport]) -> LinkGraph:
        builder = LinkGraphBuilder()
        for report in reports:
            builder.add(report)
        return builder.graph()

    def spellings_of(self, canonical: str) -> set[str]:
        """Every spelling of the URL, itself included."""
        return {*self.spellings.get(canonical, ()), canonical}


class LinkGraphBuilder:
    """The link graph folded a page report at a time, as the crawl yields them: the
    reports need not keep their spellings (export/shelf.py)."""

    def __init__(self) -> None:
        self.spellings: dict[str, Spellings] = {}
        self.direct: dict[str, str] = {}
        self.gone: dict[str, int] = {}

    def add(self, report: PageReport) -> None:
        self._spelled(report.canonical, (report.url,))
        for target, seen in report.spellings.items():
            self._spelled(target, seen)
        if report.redirect_to and report.redirect_to != report.canonical:
            self.direct[report.canonical] = report.redirect_to
        if report.status in GONE:
            self.gone[report.canonical] = report.status

    def _spelled(self, target: str, seen: Iterable[str]) -> None:
        spellings = self.spellings
        for url in seen:
            if url != target:
                known = spellings.get(target)
                if known is None:
                    spellings[target] = (url,)
                elif isinstance(known, set):
                    known.add(url)
                elif url not in known:
                    grown = (*known, url)
                    spellings[target] = grown if len(grown) < FEW_SPELLINGS else set(grown)

    def graph(self) -> LinkGraph:
        direct = self.direct
        redirects = {}
        for source, target in direct.items():
            hops = 0
            while target in direct and hops < MAX_CHAIN:  # chains fold into their end
                target, hops = direct[target], hops + 1
            redirects[source] = target
        # The spellings' own collections are shared, and a redirect target gets a new one
        # (never one changed in place): a 20,000-page run does not hold every one twice.
        aliases: dict[str, Spellings] = defaultdict(tuple, self.spellings)
        for source, target in redirects.items():
            aliases[target] = {*aliases[target], *aliases[source], source}
        return LinkGraph(dict(self.spellings), dict(aliases), redirects, dict(self.gone))
