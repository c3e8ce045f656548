"""Benchmark: what extracting one page costs, in-process, without a crawl.

Each fetched page goes through what the spider and the per-record pipelines do to it:
``Document.from_bytes`` (decode, PHP errors, repair, chrome), the page object
(``pages.extract``), then CleanBody, Normalise and FieldLimits. Two workloads: every HTML
page of the fixture site (fixtures/site, by its routes) and of the golden cases
(fixtures/pages), and one large article (~170 KB: a fixture article padded with
paragraphs). Printed as milliseconds per page.

``--code DIR`` measures another checkout (e.g. the main branch) in the same run, rounds
interleaved, each in its own process, and prints this checkout's time as a ratio of
DIR's. ``--profile`` profiles this checkout's run of both workloads (pyinstrument when it
is installed, else cProfile) and prints the top of it.

    .venv/bin/python benchmarks/page_cost.py [--code /work/main] [--rounds 3] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
ORIGIN = "https://eu-belong.aer.eu"
LARGE_BYTES = 170_000
# The padded article: UTF-8, body in div.news-text.
LARGE_BASE = ROOT / "fixtures" / "site" / "news" / "58.html"
PARAGRAPH = (
    "<p>Regional officers from Skåne, Timișoara and Île-de-France compared how "
    "newcomers reach language courses, housing and work; the café-débat in Málaga "
    'collected <a href="/news.php?id={n}">notes from {n} participants</a> and a '
    "short “lessons learnt” paper for the partners.</p>\n"
)


def fixture_pages() -> list[tuple[str, bytes, str | None]]:
    """(url, body, content type) of every HTML page of the fixture site and the golden cases."""
    pages = []
    site = ROOT / "fixtures" / "site"
    routes = json.loads((site / "routes.json").read_text(encoding="utf-8"))["routes"]
    for route in routes:
        file = route.get("file") or ""
        if not file.endswith(".html") or route.get("status", 200) != 200:
            continue
        query = urlencode(sorted(route.get("query", {}).items()))
        url = ORIGIN + route["path"] + (f"?{query}" if query else "")
        headers = route.get("headers", {})
        pages.append((url, (site / file).read_bytes(), headers.get("Content-Type")))
    for meta_file in sorted((ROOT / "fixtures" / "pages").glob("*/*/meta.json")):
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        body = (meta_file.parent / "input.html").read_bytes()
        pages.append((meta["url"], body, meta.get("content_type")))
    return pages


def large_page() -> tuple[str, bytes, str | None]:
    """A fixture article padded with paragraphs to about LARGE_BYTES."""
    html = LARGE_BASE.read_text(encoding="utf-8")
    marker = '<div class="news-text">'
    at = html.index(marker) + len(marker)
    padding, n = [], 0
    while len(html) + sum(len(p.encode()) for p in padding) < LARGE_BYTES:
        n += 1
        padding.append(PARAGRAPH.format(n=n))
    html = html[:at] + "".join(padding) + html[at:]
    return f"{ORIGIN}/news.php?id=58", html.encode("utf-8"), "text/html; charset=utf-8"


def make_runner(code: Path):
    """A function running one page through the checkout at ``code``, imported from there."""
    sys.path.insert(0, str(code))
    from scrapy.settings import Settings

    from belong_scraper.pages import Document, extract
    from belong_scraper.profile import load_profile
    from belong_scraper.urls import Origin
    from pipelines.clean_body import CleanBodyPipeline
    from pipelines.limits import FieldLimitsPipeline, field_caps
    from pipelines.normalise import NormalisePipeline

    profile = load_profile()
    origin = Origin.from_url(ORIGIN + "/", profile)
    stages = (
        CleanBodyPipeline(profile),
        NormalisePipeline(profile),
        FieldLimitsPipeline(field_caps(Settings())),
    )

    def run(url: str, body: bytes, content_type: str | None) -> list[Any]:
        doc = Document.from_bytes(url, body, content_type, profile, origin)
        items = []
        for item in extract(doc):
            for stage in stages:
                item = stage.process_item(item)
            items.append(item)
        return items

    return run


def measure(run, pages, repeat: int) -> float:
    """Milliseconds per page: the best of ``repeat`` passes over the pages (the least noise)."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for page in pages:
            run(*page)
        best = min(best, time.perf_counter() - began)
    return best * 1000 / len(pages)


def worker(code: Path, repeat: int) -> dict[str, float]:
    run = make_runner(code)
    pages, large = fixture_pages(), [large_page()]
    for page in pages + large:  # warm caches and imports (trafilatura, dateparser, langid)
        run(*page)
    return {
        "fixture_ms": measure(run, pages, repeat),
        "large_ms": measure(run, large, repeat * 4),
        "pages": len(pages),
        "large_kb": len(large[0][1]) / 1000,
        "imported_from": str(Path(sys.modules["belong_scraper"].__file__).parents[1]),
    }


def spawn(code: Path, repeat: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(code), "--repeat", str(repeat)],
        env=env,
        cwd=code,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def profile_run(repeat: int, limit: int, workload: str) -> None:
    run = make_runner(ROOT)
    pages = {"fixture": fixture_pages(), "large": [large_page()]}[workload]
    for page in pages:
        run(*page)
    try:
        from pyinstrument import Profiler
    except ImportError:
        Profiler = None
    if Profiler is not None:
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(repeat):
            for page in pages:
                run(*page)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        return
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        for page in pages:
            run(*page)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(limit)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, help="another checkout to measure as the baseline")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per checkout")
    parser.add_argument("--repeat", type=int, default=3, help="passes per round (best kept)")
    parser.add_argument("--profile", action="store_true", help="profile this checkout's run")
    parser.add_argument("--limit", type=int, default=30, help="cProfile rows")
    parser.add_argument("--workload", choices=("fixture", "large"), default="fixture",
                        help="what --profile runs")  # fmt: skip
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.repeat)))
        return
    if args.profile:
        profile_run(args.repeat, args.limit, args.workload)
        return
    checkouts = {"this": ROOT} | ({"baseline": args.code.resolve()} if args.code else {})
    results: dict[str, list[dict[str, float]]] = {name: [] for name in checkouts}
    for _ in range(args.rounds):
        for name, code in checkouts.items():
            results[name].append(spawn(code, args.repeat))
    first = results["this"][0]
    print(f"{first['pages']} fixture pages; large page {first['large_kb']:.0f} KB; "
          f"median of {args.rounds} rounds, best of {args.repeat} passes each")  # fmt: skip
    medians = {
        name: {key: statistics.median(r[key] for r in runs) for key in ("fixture_ms", "large_ms")}
        for name, runs in results.items()
    }
    print(f"{'':10}{'fixture ms/page':>17}{'large ms/page':>15}")
    for name, figures in medians.items():
        print(f"{name:10}{figures['fixture_ms']:>17.2f}{figures['large_ms']:>15.2f}")
    if "baseline" in medians:
        this, base = medians["this"], medians["baseline"]
        print(f"ratio this/baseline: fixture {this['fixture_ms'] / base['fixture_ms']:.2f}, "
              f"large {this['large_ms'] / base['large_ms']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
