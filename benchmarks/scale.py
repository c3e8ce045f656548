"""Benchmark: a full migrate against a bare Scrapy crawl of the same synthetic site.

For each N, one synthetic site of N articles (``FixtureServer(articles=N)``, the
survey's templates with a windowed archive) serves, in this process, first the bare
crawl (benchmarks/bare_spider.py) and then ``belong-scraper migrate`` with WARC, state,
media and every rendering on (the default), both as child processes with the same
concurrency, timeout and retry settings, DOWNLOAD_DELAY=0 and AutoThrottle off. Each
child reports its own peak RSS (VmHWM) at exit: the kernel's ru_maxrss of a child also
counts this process as it was before exec.

    .venv/bin/python benchmarks/scale.py --articles 1000 4000 20000
        [--code DIR]    # migrate with the belong-scraper of another checkout
        [--json FILE]   # the results as JSON
        [-s NAME=VALUE] # an extra Scrapy setting for the migrate (repeatable)
        [--rounds K]    # K bare/migrate pairs per N, the median pair reported

With ``--rounds K`` each N runs K times (bare, then migrate, each round); the row shown is
the round whose tool memory (migrate peak RSS - bare peak RSS) is the median, so its
ratio, memory and stages are one run's, and the JSON keeps every round (``rounds``).
Peak RSS of the same code varies by one to three MB from run to run (the bare crawl's
too): a growth near a target is only read from the median of three.

Prints per N: wall time, requests the server answered and pages/s of each crawl, the
wall ratio, peak RSS of each, the tool's own memory (migrate RSS - bare RSS) and its
growth from the smallest N, the post-crawl stages' time and peak RSS when the run's stats
carry them (``export/seconds``, ``export/peak_rss_mb``; "n/a" otherwise), synthetic
articles exported of those served, and the run's status.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from belong_scraper.fixture_server import FixtureServer  # noqa: E402

SITE = ROOT / "fixtures" / "site"
BARE_SPIDER = ROOT / "benchmarks" / "bare_spider.py"
FAST = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False"]
# The tool's settings the bare crawl copies, read from the checkout that migrates.
SHARED_SETTINGS = ("CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_TIMEOUT",
                   "RETRY_ENABLED", "RETRY_TIMES", "RETRY_HTTP_CODES", "USER_AGENT",
                   "ROBOTSTXT_OBEY", "DOWNLOAD_MAXSIZE")  # fmt: skip

STAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"  # Scrapy's log line timestamp
# Runs a module as __main__ and writes its own peak RSS (kB) to a file at exit.
MEASURED = """
import atexit, os, runpy, sys
def report():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM"))
    with open(os.environ["BENCH_PEAK_RSS_FILE"], "w") as out:
        out.write(peak)
atexit.register(report)
module = sys.argv[1]
sys.argv = [module, *sys.argv[2:]]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


@dataclass
class Run:
    """One child process against the server: what it cost and what the server saw."""

    exit: int
    seconds: float
    peak_rss_mb: float
    requests: int  # requests the server answered during the run
    pages_per_s: float
    articles_reached: int  # distinct synthetic articles the server answered 200
    cpu_seconds: float = 0.0  # the child's user + system time: how busy it kept its core
    server_cpu_seconds: float = 0.0  # this process's meanwhile (the server answering)
    stats: dict[str, float] = field(default_factory=dict)


def measured(module: str, args: list[str], env: dict[str, str], cwd: Path, log: Path,
             server: FixtureServer) -> Run:  # fmt: skip
    """Run ``python -m module args`` as a child and measure it."""
    before = len(server.log)
    with tempfile.NamedTemporaryFile(delete=False) as peak, open(log, "wb") as err:
        env = {**env, "BENCH_PEAK_RSS_FILE": peak.name}
        began, own = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
        proc = subprocess.Popen([sys.executable, "-c", MEASURED, module, *args], cwd=cwd,
                                env=env, stdout=err, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - began
        after = resource.getrusage(resource.RUSAGE_SELF)
    try:
        kilobytes = int(Path(peak.name).read_text() or usage.ru_maxrss)
    except ValueError:
        kilobytes = usage.ru_maxrss  # killed before it could say: the kernel's figure
    Path(peak.name).unlink(missing_ok=True)
    seen = server.log[before:]
    reached = {
        dict(parse_qsl(urlsplit(r.target).query)).get("id")
        for r in seen
        if r.status == 200 and urlsplit(r.target).path == "/news.php"
    }
    reached.discard(None)
    return Run(
        exit=os.waitstatus_to_exitcode(status),
        seconds=round(seconds, 2),
        peak_rss_mb=round(kilobytes / 1024, 1),
        requests=len(seen),
        pages_per_s=round(len(seen) / seconds, 1),
        articles_reached=len(reached),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2),
        server_cpu_seconds=round(after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime, 2),
        stats=read_stats(log.read_text(encoding="utf-8", errors="replace")),
    )


def read_stats(log: str) -> dict[str, float]:
    """The figures of Scrapy's final stats dump that this benchmark reports."""
    dump = log[log.rfind("Dumping Scrapy stats:") :] if "Dumping Scrapy stats:" in log else ""
    found = {}
    for key in ("export/seconds", "export/peak_rss_mb", "downloader/request_count",
                "item_scraped_count", "elapsed_time_seconds"):  # fmt: skip
        match = re.search(rf"'{re.escape(key)}': ([0-9.]+)", dump)
        if match:
            found[key] = float(match.group(1))
    # Each stage's time and peak (export/stage_seconds/<stage>, export/stage_peak_rss_mb/...)
    for match in re.finditer(r"'(export/stage_(?:seconds|peak_rss_mb)/\w+)': ([0-9.]+)", dump):
        found[match.group(1)] = float(match.group(2))
    # Without export/seconds, the log still dates the post-crawl work: the export runs on
    # spider_closed, between Scrapy's "Closing spider" and "Spider closed" (1 s resolution).
    closing = re.search(rf"^({STAMP}) \[scrapy.core.engine\] INFO: Closing spider", log, re.M)
    closed = re.search(rf"^({STAMP}) \[scrapy.core.engine\] INFO: Spider closed", log, re.M)
    if closing and closed:
        span = dt.datetime.fromisoformat(closed[1]) - dt.datetime.fromisoformat(closing[1])
        found["log/close_seconds"] = span.total_seconds()
    return found


def tool_settings(code: Path) -> list[str]:
    """The migrating checkout's own concurrency, timeout and retry settings, as -s pairs."""
    script = (
        "import json, belong_scraper.settings as s; "
        f"print(json.dumps({{k: getattr(s, k) for k in {SHARED_SETTINGS!r} if hasattr(s, k)}}))"
    )
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run([sys.executable, "-c", script], cwd=code, capture_output=True,
                         text=True, check=True, env=env)  # fmt: skip
    values = json.loads(out.stdout)
    return [
        # A list as Scrapy reads one from the command line: comma-separated.
        f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in sorted(values.items())
    ]


def bench(n: int, code: Path, work: Path, extra: list[str], round_no: int = 1) -> dict:
    """One bare crawl and one migrate of a new N-article site. Each round migrates into a
    folder of its own: into the last round's, it would be an incremental re-run (the
    state's known records, the previous export's assets), not the first run measured."""
    settings = tool_settings(code)
    with FixtureServer(SITE, articles=n) as server:
        served = server.site.synthetic.count
        clean = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
        # Outside any Scrapy project (no scrapy.cfg above it): the bare crawl must not
        # pick up the tool's settings module.
        bare_dir = Path(tempfile.mkdtemp(dir=work))
        bare_args = ["runspider", str(BARE_SPIDER), "-a", f"start_url={server.origin}/",
                     "-s", "LOG_LEVEL=INFO", "-s", "TELNETCONSOLE_ENABLED=False"]  # fmt: skip
        for pair in [*settings, *FAST]:
            bare_args += ["-s", pair]
        suffix = f"{n}" if round_no == 1 else f"{n}-round{round_no}"
        bare = measured("scrapy", bare_args, clean, bare_dir, work / f"bare-{suffix}.log",
                        server)  # fmt: skip
        out = work / f"out-{suffix}"
        migrate_args = ["migrate", "--start-url", f"{server.origin}/", "--out", str(out), "-v"]
        for pair in [*FAST, *extra]:
            migrate_args += ["-s", pair]
        env = {**clean, "PYTHONPATH": str(code)}
        log = work / f"migrate-{suffix}.log"
        tool = measured("belong_scraper.cli", migrate_args, env, code, log, server)
    exported, status = 0, None
    if (out / "manifest.json").exists():
        status = json.loads((out / "manifest.json").read_text(encoding="utf-8")).get("status")
        articles = json.loads((out / "articles.json").read_text(encoding="utf-8"))
        exported = sum(1 for a in articles if 1 <= a["legacy_id"] <= served)
    return {
        "articles": n,
        "bare": asdict(bare),
        "migrate": {
            **asdict(tool),
            "articles_served": served,
            "articles_exported": exported,
            "status": status,
        },
        "wall_ratio": round(tool.seconds / bare.seconds, 2),
        "tool_memory_mb": round(tool.peak_rss_mb - bare.peak_rss_mb, 1),
    }


def median_round(rounds: list[dict]) -> dict:
    """The round whose tool memory is the median (the lower middle of an even count),
    with every round's figures kept under ``rounds``."""
    ranked = sorted(rounds, key=lambda r: r["tool_memory_mb"])
    chosen = dict(ranked[(len(ranked) - 1) // 2])
    if len(rounds) > 1:
        chosen["rounds"] = [
            {"bare_seconds": r["bare"]["seconds"], "migrate_seconds": r["migrate"]["seconds"],
             "wall_ratio": r["wall_ratio"], "bare_peak_rss_mb": r["bare"]["peak_rss_mb"],
             "migrate_peak_rss_mb": r["migrate"]["peak_rss_mb"],
             "tool_memory_mb": r["tool_memory_mb"],
             "export_seconds": r["migrate"]["stats"].get("export/seconds"),
             "crawl_seconds": r["migrate"]["stats"].get("elapsed_time_seconds")}
            for r in rounds
        ]  # fmt: skip
    return chosen


def machine() -> dict:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )  # fmt: skip
    import scrapy

    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem_kb / 1024**2, 1),
            "python": platform.python_version(), "scrapy": scrapy.__version__}  # fmt: skip


def na(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def table(results: list[dict]) -> str:
    head = ("N", "bare s", "migrate s", "ratio", "bare cpu", "migrate cpu", "server cpu",
            "bare p/s", "migrate p/s", "bare RSS",
            "migrate RSS", "tool MB", "growth", "export s", "export RSS", "close s", "exported",
            "status")  # fmt: skip
    rows = [head]
    for r in results:
        bare, tool = r["bare"], r["migrate"]
        rows.append((
            str(r["articles"]), na(bare["seconds"]), na(tool["seconds"]), na(r["wall_ratio"], 2),
            na(bare.get("cpu_seconds")), na(tool.get("cpu_seconds")),
            na(bare.get("server_cpu_seconds", 0) + tool.get("server_cpu_seconds", 0)),
            na(bare["pages_per_s"]), na(tool["pages_per_s"]), na(bare["peak_rss_mb"], 0),
            na(tool["peak_rss_mb"], 0), na(r["tool_memory_mb"], 0),
            na(r["tool_memory_growth_mb"], 0), na(tool["stats"].get("export/seconds")),
            na(tool["stats"].get("export/peak_rss_mb"), 0),
            na(tool["stats"].get("log/close_seconds"), 0),
            f"{tool['articles_exported']}/{tool['articles_served']}", str(tool["status"]),
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join(
        "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 4000, 20000])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose tool migrates")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--work", type=Path, help="keep the exports and logs here")
    parser.add_argument("--rounds", type=int, default=1, help="runs per N; the median shown")
    parser.add_argument("-s", dest="settings", action="append", default=[],
                        metavar="NAME=VALUE",
                        help="extra Scrapy setting for the migrate")  # fmt: skip
    args = parser.parse_args()
    code = args.code.resolve()
    results = []
    with tempfile.TemporaryDirectory(prefix="belong-scale-") as scratch:
        tmp = args.work or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        for n in sorted(args.articles):
            result = median_round([bench(n, code, Path(tmp), args.settings, k + 1)
                                   for k in range(max(1, args.rounds))])  # fmt: skip
            base = results[0]["tool_memory_mb"] if results else result["tool_memory_mb"]
            result["tool_memory_growth_mb"] = round(result["tool_memory_mb"] - base, 1)
            results.append(result)
            bare, tool = result["bare"]["seconds"], result["migrate"]["seconds"]
            print(f"N={n}: bare {bare} s, migrate {tool} s", flush=True)
            if result["migrate"]["exit"] not in (0, 1):
                tail = (Path(tmp) / f"migrate-{n}.log").read_text(errors="replace")[-2000:]
                print(tail, file=sys.stderr)
    print(table(results))
    if args.json:
        report = {"command": " ".join([Path(sys.executable).name, *sys.argv]),
                  "code": str(code), "machine": machine(), "migrate_settings": args.settings,
                  "rounds": args.rounds,
                  "results": results}  # fmt: skip
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
