"""Fixity: SHA256SUMS over the export folder, a BagIt bag of it, and verification.

``SHA256SUMS`` is in ``sha256sum`` format (``<hex>  <relative path>``, sorted bytewise by
path) and covers every file of the folder except itself and transient files: any path
with a component starting with ``.`` (``media/.incoming/``, atomic-write temporaries).
``sha256sum -c SHA256SUMS`` run inside the folder checks it too.

The bag is made in a *sibling* folder (``<DIR>.bag`` by default), not in place: bagging in
place (what ``bagit.make_bag`` does) moves every file under ``data/`` and would break the
export folder's layout, which is a public contract that the CMS import and re-crawls
rely on. The copy is a snapshot for deposit; the export folder stays as it is.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from belong_scraper import __version__
from belong_scraper.exporters import StreamedFile, atomic_write

SUMS_NAME = "SHA256SUMS"
CHUNK = 1 << 20


class FixityError(Exception):
    """A folder that cannot be checked or bagged (one line for the user)."""


@dataclass
class Report:
    """What changed since the checksums were written."""

    checked: int = 0
    modified: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    source: str = SUMS_NAME

    @property
    def ok(self) -> bool:
        return not (self.modified or self.missing or self.extra or self.problems)

    def lines(self) -> list[str]:
        out = [f"modified: {p}" for p in self.modified]
        out += [f"missing: {p}" for p in self.missing]
        out += [f"extra: {p}" for p in self.extra]
        out += [f"invalid: {p}" for p in self.problems]
        return out


def file_sha256(path: Path) -> str:
    return _file_hash(path, "sha256")


def is_transient(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split("/"))


def export_files(out_dir: Path) -> Iterator[str]:
    """Relative POSIX paths of every export file (not SHA256SUMS, not transient)."""
    root = os.fspath(out_dir)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        # The folder's path relative to the root, as text: a Path per file was most of
        # the time of a walk over a 20,000-article export's 45,000 files.
        folder = Path(os.path.relpath(dirpath, root)).as_posix()
        prefix = "" if folder == "." else folder + "/"
        for name in filenames:
            relative = prefix + name
            if relative != SUMS_NAME and not is_transient(relative):
                yield relative


def _escape(relative: str) -> tuple[str, str]:
    """GNU sha256sum's escaping of names with a backslash or newline."""
    if "\\" in relative or "\n" in relative:
        return "\\", relative.replace("\\", "\\\\").replace("\n", "\\n")
    return "", relative


def _unescape(name: str) -> str:
    out, chars = [], iter(name)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append("\n" if nxt == "n" else nxt)
        else:
            out.append(char)
    return "".join(out)


def sums_bytes(out_dir: Path, known: Mapping[str, str] | None = None) -> bytes:
    known = known or {}
    names = sorted(export_files(out_dir), key=lambda p: p.encode("utf-8"))
    return b"".join(sums_lines(Path(out_dir), ((name, known.get(name)) for name in names)))


def sums_lines(out_dir: Path, digests: Iterable[tuple[str, str | None]]) -> Iterator[bytes]:
    """SHA256SUMS a line at a time, for (relative path, SHA-256) in the file's order; a
    path without its SHA-256 is hashed from the folder."""
    for relative, known in digests:
        prefix, name = _escape(relative)
        digest = known or file_sha256(Path(out_dir) / relative)
        yield f"{prefix}{digest}  {name}\n".encode()


def write_checksums(out_dir: Path, known: Mapping[str, str] | None = None) -> Path:
    """Write ``DIR/SHA256SUMS`` over every export file; returns its path. ``known``
    (relative path → SHA-256 just computed for the manifest) spares hashing WARCs and
    media a second time."""
    path = Path(out_dir) / SUMS_NAME
    atomic_write(path, sums_bytes(Path(out_dir), known))
    return path


def write_checksums_from(out_dir: Path, digests: Iterable[tuple[str, str | None]]) -> Path:
    """``write_checksums`` from (relative path, SHA-256 or None) of every export file,
    already sorted by the paths' UTF-8 bytes, a line at a time (at 20,000 articles the
    folder holds about 45,000 files)."""
    path = Path(out_dir) / SUMS_NAME
    with StreamedFile(path) as out:
        for line in sums_lines(Path(out_dir), digests):
            out.write(line)
    return path


def read_sums(path: Path) -> dict[str, str]:
    sums: dict[str, str] = {}
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        escaped = raw.startswith("\\")
        line = raw[1:] if escaped else raw
        digest, sep, name = line.partition(" ")
        if not sep or len(digest) != 64 or not name:
            raise FixityError(f"{path}: line {number} is not in sha256sum format")
        name = name[1:] if name[:1] in (" ", "*") else name
        sums[_unescape(name) if escaped else name] = digest.lower()
    return sums


def verify_sums(out_dir: Path) -> Report:
    root = Path(out_dir)
    sums_path = root / SUMS_NAME
    if not sums_path.is_file():
        raise FixityError(f"{root} has no {SUMS_NAME} and is not a BagIt bag")
    expected = read_sums(sums_path)
    report = Report(source=SUMS_NAME)
    present = set(export_files(root))
    for relative, digest in sorted(expected.items()):
        path = root / relative
        if not path.is_file():
            report.missing.append(relative)
            continue
        report.checked += 1
        if file_sha256(path) != digest:
            report.modified.append(relative)
    report.extra = sorted(present - set(expected))
    return report


def is_bag(path: Path) -> bool:
    return (Path(path) / "bagit.txt").is_file()


def verify_bag(bag_dir: Path) -> Report:
    """Every payload and tag manifest entry of a bag (all its algorithms), plus bagit's own
    structure checks; changes are paths relative to the bag (``data/...``)."""
    import bagit

    report = Report(source="BagIt manifests")
    quiet = logging.getLogger("bagit")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        bag = bagit.Bag(str(bag_dir))
        only_in_manifests, only_on_fs = bag.compare_manifests_with_fs()
        report.missing = sorted(only_in_manifests)
        report.extra = sorted(only_on_fs)
        for relative, hashes in sorted(bag.entries.items()):
            path = Path(bag_dir) / relative
            if relative in only_in_manifests or not path.is_file():
                if relative not in report.missing:
                    report.missing.append(relative)
                continue
            report.checked += 1
            if any(_file_hash(path, alg) != value.lower() for alg, value in hashes.items()):
                report.modified.append(relative)
        try:
            bag.validate(processes=1, completeness_only=True)  # structure, bagit.txt, oxum
        except bagit.BagValidationError as exc:
            if report.ok:
                report.problems.append(str(exc))
    except bagit.BagError as exc:
        raise FixityError(f"{bag_dir} is not a valid bag: {exc}") from exc
    finally:
        quiet.setLevel(level)
    report.missing.sort()
    return report


def _file_hash(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify(path: Path) -> Report:
    """Re-check a bag's manifests, or an export folder's SHA256SUMS."""
    path = Path(path)
    if not path.is_dir():
        raise FixityError(f"{path} is not a folder")
    return verify_bag(path) if is_bag(path) else verify_sums(path)


def default_bag_dir(out_dir: Path) -> Path:
    out_dir = Path(out_dir).resolve()
    return out_dir.with_name(out_dir.name + ".bag")


def make_bag(
    out_dir: Path, bag_dir: Path | None = None, info: dict[str, str] | None = None
) -> Path:
    """Copy the export folder (transient files left out) into a new BagIt bag."""
    import bagit

    source = Path(out_dir).resolve()
    target = Path(bag_dir).resolve() if bag_dir else default_bag_dir(source)
    if target.exists():
        raise FixityError(f"{target} already exists; remove it or choose another --bag-dir")
    if target == source or source in target.parents:
        raise FixityError(f"the bag {target} cannot be inside the folder it bags")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for relative in sorted(export_files(source)):
            destination = staging / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / relative, destination)
        sums = source / SUMS_NAME
        if sums.is_file():
            shutil.copy2(sums, staging / SUMS_NAME)
        bag_info = {
            "Bag-Software-Agent": f"belong-scraper {__version__} (bagit-python {bagit.VERSION})",
            "External-Description": f"belong-scraper export folder {source.name}",
            **(info or {}),
        }
        quiet = logging.getLogger("bagit")
        level = quiet.level
        quiet.setLevel(logging.WARNING)
        try:
            bagit.make_bag(str(staging), bag_info, processes=1, checksums=["sha256", "sha512"])
        finally:
            quiet.setLevel(level)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target
