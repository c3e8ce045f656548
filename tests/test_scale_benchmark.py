"""benchmarks/scale.py: with several rounds per N, the round shown is the median one."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SCALE = Path(__file__).resolve().parent.parent / "benchmarks" / "scale.py"


def _scale():
    spec = importlib.util.spec_from_file_location("scale_benchmark", SCALE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _round(bare_mb: float, migrate_mb: float, seconds: float) -> dict:
    return {
        "bare": {"seconds": seconds, "peak_rss_mb": bare_mb},
        "migrate": {"seconds": seconds * 1.2, "peak_rss_mb": migrate_mb,
                    "stats": {"export/seconds": 2.0, "elapsed_time_seconds": seconds}},
        "wall_ratio": 1.2,
        "tool_memory_mb": round(migrate_mb - bare_mb, 1),
    }  # fmt: skip


def test_the_median_round_by_tool_memory_is_shown_and_every_round_kept() -> None:
    scale = _scale()
    rounds = [_round(94.0, 175.0, 60.0), _round(92.0, 171.0, 61.0), _round(95.0, 172.0, 62.0)]
    chosen = scale.median_round(rounds)
    # tool memory 81, 79 and 77 MB: the round with 79 (the second) is shown, whole
    assert chosen["tool_memory_mb"] == 79.0
    assert chosen["bare"]["peak_rss_mb"] == 92.0
    assert [r["tool_memory_mb"] for r in chosen["rounds"]] == [81.0, 79.0, 77.0]
    assert chosen["rounds"][2]["crawl_seconds"] == 62.0


def test_one_round_is_shown_as_it_ran() -> None:
    scale = _scale()
    only = _round(94.0, 175.0, 60.0)
    assert scale.median_round([only]) == only
