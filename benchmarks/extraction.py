"""Benchmark: the generic extractor (``belong-scraper extract --generic``) on the 181 real
article pages with ground truth in ../shared/datasets/article-extraction-benchmark, against
trafilatura's three settings and whole-page text, all measured in the same run.

Scoring is the dataset's (its README; the upstream evaluate.py): ``\\w+`` tokens, 4-token
shingles with counts, TP/FP/FN per page normalised by their sum so every page weighs the
same, precision averaged over the pages that predicted something, recall over the pages
that expect something, F1 = 2PR/(P+R). CPU time per page is ``time.process_time`` around
each extractor's call alone; the extractors take turns page by page, so load from other
work falls on all of them alike.

    .venv/bin/python benchmarks/extraction.py [--json FILE] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from belong_scraper.extract import generic_fields  # noqa: E402
from belong_scraper.profile import load_profile  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "article-extraction-benchmark"
TOKEN = re.compile(r"\w+")
Counts = tuple[float, float, float]


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    # A text shorter than n tokens is one shorter shingle, as upstream counts it.
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def page_counts(expected: str, got: str) -> Counts:
    """TP, FP, FN over shingles, normalised by their sum (a long page weighs no more)."""
    want, have = shingles(expected), shingles(got)
    tp = sum((want & have).values())
    fp = sum((have - want).values())
    fn = sum((want - have).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def scores(pages: list[Counts]) -> tuple[float, float, float]:
    """(F1, precision, recall) over pages, as the dataset's scoring averages them."""
    precisions = [_precision(*c) for c in pages if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in pages if c[0] + c[2] > 0]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


def whole_page_text(html: str) -> str:
    root = lxml_html.document_fromstring(html)
    for element in root.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    return root.text_content()


def extractors(profile) -> dict[str, Callable[[str, bytes, str], str]]:
    """name → (url, raw bytes, the page as UTF-8 text) → body text. trafilatura gets the
    decoded text, as the dataset's own runner gives it; ours gets the bytes, as a crawl or
    a saved page gives them."""

    def ours(url: str, body: bytes, _text: str) -> str:
        return generic_fields(url, body, None, profile)["body_text"]

    def traf(**options: bool) -> Callable[[str, bytes, str], str]:
        def run(_url: str, _body: bytes, text: str) -> str:
            return trafilatura.extract(text, include_comments=False, **options) or ""

        return run

    return {
        "belong-scraper extract --generic": ours,
        "trafilatura (default)": traf(),
        "trafilatura favor_precision": traf(favor_precision=True),
        "trafilatura favor_recall": traf(favor_recall=True),
        "whole-page text": lambda _u, _b, text: whole_page_text(text),
    }


def run(limit: int = 0) -> dict[str, dict]:
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[: limit or None]
    named = extractors(load_profile())
    counts: dict[str, dict[str, Counts]] = {name: {} for name in named}
    seconds = dict.fromkeys(named, 0.0)
    first = True
    for key in keys:
        body = gzip.decompress((DATA / "html" / f"{key}.html.gz").read_bytes())
        text = body.decode("utf-8", errors="replace")
        url = truth[key]["url"]
        for name, extract in named.items():
            if first:  # imports and caches warm up outside the timing
                extract(url, body, text)
            began = time.process_time()
            got = extract(url, body, text)
            seconds[name] += time.process_time() - began
            counts[name][key] = page_counts(truth[key]["articleBody"], got)
        first = False
    results = {}
    for name in named:
        f1, p, r = scores(list(counts[name].values()))
        results[name] = {
            "f1": f1,
            "precision": p,
            "recall": r,
            "ms_cpu_per_page": 1000 * seconds[name] / len(keys),
            "pages": {k: list(c) for k, c in counts[name].items()},
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the figures (and per-page counts)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    args = parser.parse_args()
    results = run(args.limit)
    pages = len(next(iter(results.values()))["pages"])
    print(f"{pages} pages, trafilatura {trafilatura.__version__}")
    print(f"| {'extractor':34} | {'F1':>5} | {'P':>5} | {'R':>5} | {'ms CPU/page':>11} |")
    print(f"| {'-' * 34} | ----: | ----: | ----: | {'-' * 10}: |")
    for name, row in results.items():
        print(f"| {name:34} | {row['f1']:.3f} | {row['precision']:.3f} | "
              f"{row['recall']:.3f} | {row['ms_cpu_per_page']:11.1f} |")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
