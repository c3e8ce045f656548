"""Benchmark: the generic extractor (the fallback when profile selectors find nothing)
on 181 real-world article pages with ground truth (../shared/datasets/article-extraction-
benchmark), against whole-page text as the baseline, measured in the same run.

Scoring as the dataset's README describes: 4-token shingles, per-page normalised TP/FP/FN,
precision and recall averaged over pages, F1 = 2PR/(P+R). Also the time per page of each
path, as a ratio. The fallback runs our whole chain: decode, PHP-error strip, mojibake
repair, chrome removal, trafilatura, sanitizer, text.

    .venv/bin/python benchmarks/generic_extractor.py [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from belong_scraper.pages import Document  # noqa: E402
from belong_scraper.pages.fallback import generic_extract  # noqa: E402
from belong_scraper.profile import load_profile  # noqa: E402
from belong_scraper.sanitize import clean_body  # noqa: E402
from belong_scraper.urls import Origin  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "article-extraction-benchmark"
TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text.lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 0)))


def score(expected: str, got: str) -> tuple[float, float]:
    want, have = shingles(expected), shingles(got)
    tp = sum((want & have).values())
    fp = sum((have - want).values())
    fn = sum((want - have).values())
    total = tp + fp + fn or 1
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def f1(scores: list[tuple[float, float]]) -> tuple[float, float, float]:
    p = sum(s[0] for s in scores) / len(scores)
    r = sum(s[1] for s in scores) / len(scores)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    args = parser.parse_args()
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[: args.limit or None]
    profile = load_profile()
    ours, baseline = [], []
    ours_time = baseline_time = 0.0
    for key in keys:
        body = gzip.decompress((DATA / "html" / f"{key}.html.gz").read_bytes())
        url = truth[key]["url"]
        origin = Origin.from_url(url, profile)
        began = time.perf_counter()
        doc = Document.from_bytes(url, body, None, profile, origin)
        text = clean_body(generic_extract(doc).body_html, url, origin, profile).text
        ours_time += time.perf_counter() - began
        ours.append(score(truth[key]["articleBody"], text))
        began = time.perf_counter()
        root = Document.from_bytes(url, body, None, profile, origin).root
        for element in root.xpath("//script|//style|//noscript|//template"):
            element.drop_tree()
        whole = root.text_content()
        baseline_time += time.perf_counter() - began
        baseline.append(score(truth[key]["articleBody"], whole))
    print(f"{len(keys)} pages")
    print(f"{'':28}{'precision':>10}{'recall':>8}{'F1':>8}{'s/page':>9}")
    for name, scores, seconds in (
        ("whole-page text (baseline)", baseline, baseline_time),
        ("generic extractor (ours)", ours, ours_time),
    ):
        p, r, f = f1(scores)
        print(f"{name:28}{p:>10.3f}{r:>8.3f}{f:>8.3f}{seconds / len(keys):>9.3f}")
    print(f"F1 ratio ours/baseline: {f1(ours)[2] / f1(baseline)[2]:.2f}; "
          f"time ratio: {ours_time / baseline_time:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
