"""A staged export: the new folder is built beside the old one and swapped in whole.

The staging folder starts as a hard-link copy of the export folder (WARCs and media are
shared, not copied; every export writer replaces files, never writes into them), so a
failure anywhere in the export leaves the previous folder exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

INSIDE = ".staging"  # when the folder's parent is not writable


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed: copy instead
        shutil.copy2(source, target)


class StagedFolder:
    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        sibling = self.out_dir.parent / f".{self.out_dir.name}.staging"
        self.inside = False
        try:
            self._fresh(sibling)
            self.path = sibling
        except OSError:
            self.inside = True
            self.path = self.out_dir / INSIDE
            self._fresh(self.path)
        self.path.rmdir()
        shutil.copytree(
            self.out_dir,
            self.path,
            copy_function=_link_or_copy,
            ignore=shutil.ignore_patterns(INSIDE) if self.inside else None,
        )

    @staticmethod
    def _fresh(path: Path) -> None:
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)

    def link_in(self, files: list[Path], folder: str) -> None:
        """Files written elsewhere (the run's WARCs in its job folder) into the stage."""
        target = self.path / folder
        target.mkdir(parents=True, exist_ok=True)
        for source in files:
            destination = target / source.name
            if not destination.exists():
                _link_or_copy(str(source), str(destination))

    def commit(self) -> None:
        """Swap the staged folder in: two renames, or one per entry inside the folder.
        Its files reach the disk first, in one sync (they were written without one each)."""
        os.sync()
        if not self.inside:
            previous = self.out_dir.parent / f".{self.out_dir.name}.previous"
            if previous.exists():
                shutil.rmtree(previous)
            try:
                os.rename(self.out_dir, previous)
            except OSError:  # a mount point or a busy folder: entry by entry instead
                self._commit_entries()
                return
            os.rename(self.path, self.out_dir)
            shutil.rmtree(previous, ignore_errors=True)
            return
        self._commit_entries()

    def _commit_entries(self) -> None:
        trash = self.out_dir / ".previous"
        if trash.exists():
            shutil.rmtree(trash)
        trash.mkdir()
        staged = {entry.name for entry in self.path.iterdir()}
        for entry in list(self.out_dir.iterdir()):
            if entry.name not in (INSIDE, ".previous") and entry.resolve() != self.path.resolve():
                os.rename(entry, trash / entry.name)
        for name in sorted(staged):
            os.rename(self.path / name, self.out_dir / name)
        shutil.rmtree(self.path, ignore_errors=True)
        shutil.rmtree(trash, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
