"""Benchmark: a re-run of `migrate` over an unchanged site against the first run.

Serves the fixture snapshot on loopback, migrates it twice into the same folder and state
(the second run is the incremental one), and prints bytes the server sent, requests and
wall time of each run, and their ratios. One run of the script measures both, so the
figures are comparable on any machine. Optionally adds a per-request latency to model a
slow live server (--latency 0.05).

    .venv/bin/python benchmarks/rerun_unchanged.py [--latency SECONDS]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from belong_scraper.fixture_server import FixtureServer  # noqa: E402


def run(server: FixtureServer, out: Path) -> dict[str, float]:
    start = len(server.log)
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "belong_scraper.cli", "migrate", "--start-url",
         server.origin + "/", "--out", str(out), "-s", "DOWNLOAD_DELAY=0",
         "-s", "AUTOTHROTTLE_ENABLED=False"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    seconds = time.perf_counter() - began
    log = server.log[start:]
    return {
        "seconds": seconds,
        "requests": len(log),
        "bytes": sum(r.bytes for r in log),
        "not_modified": sum(r.status == 304 for r in log),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FixtureServer(ROOT / "fixtures" / "site") as server:
        if args.latency:
            for route in server.site.routes:
                route.delay = max(route.delay, args.latency)
        out = Path(tmp) / "out"
        first = run(server, out)
        second = run(server, out)
    print(f"{'':18}{'first run':>12}{'re-run':>12}{'ratio':>8}")
    for key in ("bytes", "requests", "not_modified", "seconds"):
        a, b = first[key], second[key]
        ratio = f"{b / a:.2f}" if a else "-"
        fmt = "{:>12.2f}" if key == "seconds" else "{:>12.0f}"
        print(f"{key:18}" + fmt.format(a) + fmt.format(b) + f"{ratio:>8}")


if __name__ == "__main__":
    main()
