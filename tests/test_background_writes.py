"""exporters.BackgroundWrites: atomic writes on a thread of their own, in order, failures
raised, the caller's deferred_sync honoured; hugo._remove_stale on a walk of names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from belong_scraper import exporters
from belong_scraper.exporters import BackgroundWrites, deferred_sync
from belong_scraper.targets.hugo import _remove_stale


def test_every_file_is_written_whole_and_in_order(tmp_path: Path) -> None:
    with BackgroundWrites(ahead=3) as files:
        for n in range(50):
            files.write(tmp_path / f"d{n % 7}" / f"page-{n}" / "index.md", f"page {n}".encode())
        files.write(tmp_path / "same.txt", b"first")
        files.write(tmp_path / "same.txt", b"second")  # the later write wins
    assert (tmp_path / "same.txt").read_bytes() == b"second"
    for n in range(50):
        assert (tmp_path / f"d{n % 7}" / f"page-{n}" / "index.md").read_text() == f"page {n}"
    assert not [p for p in tmp_path.rglob(".*")], "no temporary file is left"


def test_a_failed_write_is_raised_and_the_rest_are_waited_for(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file where a folder must go")
    with pytest.raises(OSError), BackgroundWrites() as files:
        files.write(tmp_path / "ok.txt", b"ok")
        files.write(tmp_path / "blocker" / "x.txt", b"cannot")
    assert (tmp_path / "ok.txt").read_bytes() == b"ok"


def test_the_callers_deferred_sync_holds_on_the_writing_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    monkeypatch.setattr(exporters.os, "fsync", synced.append)
    with deferred_sync(), BackgroundWrites() as files:
        files.write(tmp_path / "a.txt", b"a")
    assert synced == []
    with BackgroundWrites() as files:
        files.write(tmp_path / "b.txt", b"b")
    assert len(synced) == 1


def test_stale_pages_and_their_empty_folders_go_the_rest_stays(tmp_path: Path) -> None:
    site = tmp_path / "hugo"
    for rel in ("content/news/a/index.md", "content/news/b/index.md", "layouts/x.html",
                "themes/mine/theme.toml", "content/_index.md"):  # fmt: skip
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(rel)
    (site / "content" / "empty").mkdir()
    _remove_stale(site, {"content/news/a/index.md", "content/_index.md"})
    left = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
    assert left == ["content", "content/_index.md", "content/news", "content/news/a",
                    "content/news/a/index.md", "layouts", "themes", "themes/mine",
                    "themes/mine/theme.toml"]  # fmt: skip
    assert os.path.isdir(site / "layouts")  # a folder Hugo needs stays, emptied
