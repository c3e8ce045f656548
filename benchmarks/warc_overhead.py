"""Benchmark: what the web archive costs a `migrate` — time and disk against `--no-warc`.

Serves the fixture snapshot on loopback and migrates it alternately with capture on (the
default) and off, REPEAT times each, into fresh folders; prints the median wall time, the
folder sizes, the archive's share of the folder and the ratios. Both are measured in the
same run, so the ratios compare across machines. --latency models a slow live server, on
which the archive's share of the time shrinks.

    .venv/bin/python benchmarks/warc_overhead.py [--repeat 3] [--latency SECONDS]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from belong_scraper.fixture_server import FixtureServer  # noqa: E402


def folder_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run(server: FixtureServer, out: Path, *extra: str) -> float:
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "belong_scraper.cli", "migrate", "--start-url",
         server.origin + "/", "--out", str(out), "-s", "DOWNLOAD_DELAY=0",
         "-s", "AUTOTHROTTLE_ENABLED=False", *extra],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"no-warc": [], "warc": []}
    sizes: dict[str, int] = {}
    archive = 0
    with tempfile.TemporaryDirectory() as tmp, FixtureServer(ROOT / "fixtures" / "site") as server:
        if args.latency:
            for route in server.site.routes:
                route.delay = max(route.delay, args.latency)
        for i in range(args.repeat):
            for mode, extra in (("no-warc", ("--no-warc",)), ("warc", ())):
                out = Path(tmp) / f"{mode}-{i}" / "out"
                times[mode].append(run(server, out, *extra))
                sizes[mode] = folder_bytes(out)
                if mode == "warc":
                    archive = folder_bytes(out / "archive")
    base, warc = statistics.median(times["no-warc"]), statistics.median(times["warc"])
    print(f"{'':22}{'--no-warc':>12}{'with WARC':>12}{'ratio':>8}")
    print(f"{'median seconds':22}{base:>12.2f}{warc:>12.2f}{warc / base:>8.2f}")
    print(f"{'folder bytes':22}{sizes['no-warc']:>12}{sizes['warc']:>12}"
          f"{sizes['warc'] / sizes['no-warc']:>8.2f}")  # fmt: skip
    print(f"archive/ is {archive} bytes, {archive / sizes['warc']:.0%} of the folder")


if __name__ == "__main__":
    main()
