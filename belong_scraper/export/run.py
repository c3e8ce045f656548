"""What every export stage gets (the run's inputs) and what each hands the next."""

from __future__ import annotations

import contextlib
import copy
import ctypes
import dataclasses
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from belong_scraper.archive.written import WrittenFile
from belong_scraper.assemble import RunFacts
from belong_scraper.export.graph import LinkGraph, LinkGraphBuilder
from belong_scraper.export.parked import PARKED_KEY, ParkedTexts
from belong_scraper.export.shelf import CrawlShelf, ParkedListings, ParkedReports
from belong_scraper.handoff import Handoff
from belong_scraper.items import RECORD_CLASSES, Listing, PageReport, Record, Rejected
from belong_scraper.profile import SiteProfile
from belong_scraper.urls import Origin

RECORDS = tuple(RECORD_CLASSES.values())


def detached(item: Any) -> Any:
    """A record's shallow copy to collect (and park) while the item itself is handed on
    with its texts (item_scraped listeners, a feed export); other items as they are."""
    if not isinstance(item, RECORDS):
        return item
    kept = copy.copy(item)
    kept.evidence = dict(item.evidence)
    return kept


@dataclass
class Collected:
    """The items of the crawl, as the pipeline collected them: a slim index in memory
    (records without their texts, page reports without their links, the link graph being
    folded), the rest put aside as it arrives (export/parked.py, export/shelf.py)."""

    records: list[Record] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    # Where the records' texts wait (export/parked.py); None: the records hold them.
    texts: ParkedTexts | None = None
    # Where the listings and the pages' links wait; a private temp file when not given.
    shelf: CrawlShelf = field(default_factory=lambda: CrawlShelf(None))
    graph: LinkGraphBuilder = field(default_factory=LinkGraphBuilder)
    strings: StringPool = field(default_factory=lambda: StringPool())

    @property
    def listings(self) -> ParkedListings:
        return self.shelf.listings

    @property
    def reports(self) -> ParkedReports:
        """Reports without their links and spellings (folded into the link index and the
        graph as each arrived)."""
        return self.shelf.reports

    def add(self, item: Any) -> None:
        """Sort one item of the crawl in. A record's texts wait on disk until its row is
        written (parked, when there is somewhere to park them), so the collected records
        stay small; a page's links and spellings are folded, and it is kept without them."""
        if isinstance(item, RECORDS):
            if self.texts is not None:
                self.texts.park(item)
            self.strings.share(item)
            self.records.append(item)
        elif isinstance(item, Listing):
            self.shelf.listings.append(item)
        elif isinstance(item, PageReport):
            self.graph.add(item)
            self.shelf.links.add(item.canonical, item.links)
            self.shelf.reports.append(dataclasses.replace(item, links=[], spellings={}))
        elif isinstance(item, Rejected):
            self.rejected.append(item)

    def linked_from(self, targets: Iterable[str]) -> dict[str, set[str]]:
        return self.shelf.links.linked_from(targets)

    def close(self) -> None:
        if self.texts is not None:
            self.texts.close()
        self.shelf.close()


# The record fields whose values repeat from record to record (a site's tags, its
# languages and authors, the images shared by many articles): their strings are shared.
REPEATED_FIELDS = ("tags", "clusters", "language", "date_source", "author", "review_flags", "role",
                   "country", "country_code", "images", "attachments", "embeds")  # fmt: skip


# The evidence the export's stages read of a collected record: each download's outcome
# (handoff, state), a prose date (assembly's year inference), the caps' original lengths
# (handoff) and where its texts are parked. The rest served the crawl's own pipelines
# (html_lang, heading, cleaned_on_page) or nothing after the page (description, body_chars),
# and a collected record would keep it until the export ends.
EXPORT_EVIDENCE = frozenset({"media", "prose_date", "truncated_fields", PARKED_KEY})


class StringPool:
    """One copy of each repeated string of the collected records: at 2,000 articles 17% of
    the records' memory was copies of the same tags, language codes and image URLs (each
    page parsed makes its own). Only the fields that repeat are pooled: a pool entry for a
    title or an id, which never repeat, would cost more than it saves."""

    def __init__(self) -> None:
        self._pool: dict[str, str] = {}

    def one(self, text: str) -> str:
        return self._pool.setdefault(text, text)

    def share(self, record: Record) -> None:
        for name in REPEATED_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, self.one(value))
            elif isinstance(value, list):  # a new list: the item handed on keeps its own
                setattr(record, name, [self._shared(entry) for entry in value])
        record.evidence = {
            self.one(key): self._evidence(key, v)
            for key, v in record.evidence.items()
            if key in EXPORT_EVIDENCE
        }

    def _evidence(self, key: str, value: Any) -> Any:
        if key == "media" and isinstance(value, dict):  # URL → its download's outcome
            return {self.one(url): outcome for url, outcome in value.items()}
        return self.one(value) if isinstance(value, str) else value

    def _shared(self, entry: Any) -> Any:
        if isinstance(entry, str):
            return self.one(entry)
        if isinstance(entry, dict):
            return {self.one(k): self.one(v) if isinstance(v, str) else v for k, v in entry.items()}
        return entry


@dataclass
class ExportRun:
    """The run's inputs, computed once before the first stage: one origin (the spider's),
    one link graph, what the state knew, the previous export's assets (read before any
    stage writes)."""

    out_dir: Path  # the staging folder the stages write into
    profile: SiteProfile
    origin: Origin
    run_id: str
    start_url: str
    started_at: datetime
    db_url: str
    reason: str  # the crawl's finish reason
    collected: Collected
    known: dict[str, Any] = field(default_factory=dict)  # record id → its state, no data
    # record ids → their exported data in the state (only carried records need it)
    state_data: Callable[[Iterable[str]], dict[str, dict[str, Any]]] = lambda ids: {}
    previous_assets: list[dict[str, Any]] = field(default_factory=list)
    fetched: dict[str, int] = field(default_factory=dict)  # URL → attempts the server saw
    requested: list[str] = field(default_factory=list)
    field_caps: dict[str, int] = field(default_factory=dict)
    incoming: Path | None = None  # the job folder's downloads
    job_dir: Path | None = None  # the run's job folder (<out>.job/): its scratch files
    previous_run: str | None = None
    warcs_this_run: dict[str, int] = field(default_factory=dict)
    # What the run's WARC writers noted of each file they wrote, by file name: the archive
    # stage indexes those files from here (None: from this process's writers on out_dir).
    warcs_written: dict[str, WrittenFile] | None = None
    clock: StageClock = field(default_factory=lambda: StageClock())
    graph: LinkGraph = field(init=False)  # the one link graph, folded from the reports

    def __post_init__(self) -> None:
        self.graph = self.collected.graph.graph()


@dataclass
class Assembled:
    records: list[Record]
    facts: RunFacts


@dataclass
class HandedOff:
    """Records pointing at the new site, their assets and redirects, and what is carried."""

    # every assembled record, handoff failures included; RecordRefs after `records`
    assembled: list[Any]
    records: list[Record]  # the ones the handoff did not reject (emptied after `records`)
    carried: list[Record]  # known records this run cannot prove gone
    handoff: Handoff
    rejected: list[Rejected]  # every rejection so far; later stages add theirs


@dataclass(slots=True)  # one per record until the export ends: no instance dict
class RecordRef:
    """What the stages after `records` need of a record (the ledger, the renderings'
    rejections, the state's fetched pages): the record itself is let go once written."""

    id: str
    source_url: str
    # Each download's outcome by URL: the record's own evidence["media"], not a copy (a
    # new one-key dict per record was a third of a RecordRef's memory).
    media: Mapping[str, Any]

    @property
    def evidence(self) -> dict[str, Any]:
        """As a record's evidence reads, for the code that takes either (the ledger)."""
        return {"media": self.media}


class HexDigests(Mapping[str, str]):
    """SHA-256 digests by record id, kept as their 32 bytes and read back as the hex text
    the state and the watch baseline store. Two per record wait from the records stage
    to the state's: a 64-digit hex string is 113 bytes of memory, its bytes 65."""

    def __init__(self) -> None:
        self._digests: dict[str, bytes] = {}

    def __setitem__(self, key: str, hex_digest: str) -> None:
        self._digests[key] = bytes.fromhex(hex_digest)

    def __getitem__(self, key: str) -> str:
        return self._digests[key].hex()

    def __iter__(self) -> Iterator[str]:
        return iter(self._digests)

    def __len__(self) -> int:
        return len(self._digests)


@dataclass
class StateRows:
    """What the state is handed for the run, worked out while the records were here."""

    change_hashes: Mapping[str, str]  # exported record id → change hash
    # Read once, by the state (export/state.py): made as they are read
    fetched_pages: Iterator[dict[str, Any]]
    watch_items: Iterator[dict[str, Any]]
    kept_ids: set[str]  # records the handoff did not reject, exported or not


@dataclass
class RecordsWritten:
    counts: dict[str, int]  # record type → rows written, carried ones included
    schema_rejected: list[dict[str, Any]]
    carried: list[Record]
    exported: set[str]  # ids of this run's records that were written
    files: dict[str, dict[str, Any]]
    state: StateRows


class StageClock:
    """Wall seconds and peak RSS per stage, for the `export/stage_seconds/<stage>` and
    `export/stage_peak_rss_mb/<stage>` stats, and the peak of the whole export.

    The kernel's high-water mark (VmHWM) is not reset: it stays the whole run's peak,
    which the tests and benchmarks read at exit. A stage that raises it has its exact
    peak there; below the crawl's peak, a sampler thread (VmRSS every 20 ms while a
    stage runs) gives it."""

    INTERVAL = 0.02

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.peaks: dict[str, float] = {}
        self.peak: float | None = None
        self._sampled = 0.0
        self._mark = peak_rss_mb() or 0.0  # the run's peak so far (the crawl's)

    def _sample(self, done: threading.Event) -> None:
        while not done.wait(self.INTERVAL):
            self._sampled = max(self._sampled, rss_mb() or 0.0)

    def _fold(self) -> float | None:
        """The peak since the last fold: exact when the kernel's mark rose since (this
        part of the export set a new high for the run), else the sampler's figure."""
        now, hwm = rss_mb(), peak_rss_mb()
        if now is None or hwm is None:
            return None
        peak = hwm if hwm > self._mark else max(self._sampled, now)
        self._mark, self._sampled = hwm, 0.0
        self.peak = max(self.peak or 0.0, peak)
        return peak

    def finish(self) -> float | None:
        """The export's peak RSS in MB (None where the platform does not say)."""
        self._fold()  # the state's work after the last stage
        return self.peak

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self._fold()  # what ran since the last stage (the state's own work) counts too
        done = threading.Event()
        sampler = threading.Thread(target=self._sample, args=(done,), daemon=True)
        sampler.start()
        started = time.perf_counter()
        try:
            yield
        finally:
            release_freed_memory()
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
            done.set()
            sampler.join()
            peak = self._fold()
            if peak is not None:
                self.peaks[name] = max(self.peaks.get(name, 0.0), peak)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to ask
        return None


def release_freed_memory() -> None:
    """Hand the pages a stage freed back to the system (glibc's malloc_trim), so the next
    stage starts from what is still in use, not from the last stage's high water: a
    stage's objects freed in the middle of the heap otherwise stay resident."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _status_mb(field: str) -> float | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def rss_mb() -> float | None:
    """Resident memory now, in MB; None where /proc has no such figure."""
    return _status_mb("VmRSS")


def peak_rss_mb() -> float | None:
    """The process's peak resident memory (VmHWM), in MB."""
    return _status_mb("VmHWM")
