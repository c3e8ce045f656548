"""The post-crawl export stages alone: time and peak RSS against N articles.

Builds N synthetic articles in-process (the fixture export's articles cloned with new ids,
URLs and titles, each with its page report and a place in a windowed listing), hands them
to a real ExportPipeline through `process_item`, as the crawl would, then times
`spider_closed` (every post-crawl stage). Each N runs in its own process, so one N's peak
does not hide the next's. Peak RSS is the kernel's high-water mark (VmHWM), reset just
before the export starts, so it is the export's own peak on top of the collected items
(the larger of that and the pipeline's own export/peak_rss_mb is shown). Per stage: its
seconds and peak RSS (export/stage_*); a checkout whose export is not staged prints none.

    python benchmarks/export_stages.py                # N = 1000 4000 20000
    python benchmarks/export_stages.py 1000 4000      # chosen sizes
    python benchmarks/export_stages.py --code DIR     # another checkout's code
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _vm(field: str) -> float:
    """A /proc/self/status figure in MB (0 where the platform has none)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def measure(n: int) -> dict:
    """One N in this process: collect, then the export, timed and its peak measured."""
    from scrapy.utils.test import get_crawler

    from belong_scraper import settings
    from belong_scraper.export.sample import iter_sample_items
    from pipelines.export import ExportPipeline

    work = Path(tempfile.mkdtemp(prefix="export-stages-"))
    out = work / "out"
    project = {name: value for name, value in vars(settings).items() if name.isupper()}
    crawler = get_crawler(settings_dict={**project,
        "EXPORT_DIR": str(out), "STATE_DB_URL": f"sqlite:///{work / 'state.sqlite'}",
        "MEDIA_INCOMING_DIR": str(work / "out.job" / "incoming"),
        "WARC_DIR": str(work / "out.job" / "archive")})  # fmt: skip
    pipeline = ExportPipeline.from_crawler(crawler)
    pipeline.open_spider()
    for item in iter_sample_items(n):  # one at a time, as a crawl hands them over
        pipeline.process_item(item)
    collected = _vm("VmRSS")
    _reset_peak()
    started, cpu = time.perf_counter(), time.process_time()
    pipeline.spider_closed("finished")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _vm("VmHWM")  # before the count below: loading articles.json is no export's
    stats = crawler.stats.get_stats()
    exported = len(json.loads((out / "articles.json").read_text(encoding="utf-8")))
    return {"n": n, "seconds": round(seconds, 2), "cpu": round(cpu, 2),
            "rss_collected_mb": round(collected, 1), "peak_rss_mb": max(round(peak, 1),
                                    stats.get("export/peak_rss_mb") or 0.0),
            "articles_exported": exported, "status": stats.get("export/status"),
            "failed": stats.get("export/failed"),
            "export_peak_rss_mb": stats.get("export/peak_rss_mb"),
            "stages": {name.rsplit("/", 1)[1]: (value, stats.get(
                "export/stage_peak_rss_mb/" + name.rsplit("/", 1)[1]))
                for name, value in stats.items() if name.startswith("export/stage_seconds/")},
            }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 4000, 20000])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose code runs")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    env = dict(os.environ, PYTHONPATH=str(args.code.resolve()))
    rows = []
    print(f"{'N':>7} {'wall s':>8} {'cpu s':>7} {'RSS before MB':>14} {'peak MB':>8} exported")
    for n in args.sizes:
        result = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--one", str(n)],
            env=env, cwd=args.code, capture_output=True, text=True, check=True,
        )  # fmt: skip
        row = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"{row['n']:>7} {row['seconds']:>8} {row['cpu']:>7} {row['rss_collected_mb']:>14}"
              f" {row['peak_rss_mb']:>8} {row['articles_exported']} {row['status']}"
              f"{' ' + row['failed'] if row['failed'] else ''}")  # fmt: skip
        rows.append(row)
    for row in rows:  # where the time and the memory go (stats of a run with the stages)
        if row.get("stages"):
            print(f"N={row['n']}: " + ", ".join(f"{name} {s:.2f} s / {mb} MB"
                  for name, (s, mb) in row["stages"].items()))  # fmt: skip


if __name__ == "__main__":
    main()
