"""exporters.BackgroundWrites with more than one writer thread: every write done whole,
writes to one path in the order given (the last wins), the work shared by the threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from belong_scraper import exporters
from belong_scraper.exporters import BackgroundWrites


@pytest.mark.parametrize("writers", [1, 2, 3])
def test_repeated_paths_keep_their_last_write(tmp_path: Path, writers: int) -> None:
    with BackgroundWrites(ahead=5, writers=writers) as files:
        for n in range(200):
            files.write(tmp_path / f"d{n % 5}" / f"p{n % 11}" / "index.md", f"{n}".encode())
    for slot in range(55):  # (n % 5, n % 11) takes each of 55 pairs; the last n for each
        last = max(n for n in range(200) if (n % 5, n % 11) == (slot % 5, slot % 11))
        written = tmp_path / f"d{slot % 5}" / f"p{slot % 11}" / "index.md"
        assert written.read_text() == str(last)
    assert not [p for p in tmp_path.rglob(".*")], "no temporary file is left"


def test_the_writes_are_shared_by_the_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names: set[str] = set()
    write = exporters.atomic_write

    def noted(path: Path, data: bytes) -> None:
        names.add(f"{threading.current_thread().name} {threading.get_ident()}")
        write(path, data)

    monkeypatch.setattr(exporters, "atomic_write", noted)
    with BackgroundWrites(writers=2) as files:
        for n in range(100):
            files.write(tmp_path / f"page-{n}" / "index.md", b"x")
    assert len(names) == 2
    assert all(name.startswith("atomic-write") for name in names)


def test_a_failure_on_either_thread_is_raised(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file where a folder must go")
    with pytest.raises(OSError), BackgroundWrites(writers=2) as files:
        for n in range(20):
            files.write(tmp_path / f"ok-{n}.txt", b"ok")
        files.write(tmp_path / "blocker" / "x.txt", b"cannot")
    assert all((tmp_path / f"ok-{n}.txt").read_bytes() == b"ok" for n in range(20))
