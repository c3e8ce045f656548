"""Write the export folder: what Scrapy's FEEDS cannot do.

FEEDS writes items as they arrive (order depends on the network), cannot sort, cannot
compute fields that need every record, and does not replace files atomically. The
contract needs all three, so records are written here, once the crawl is over: each file
to a temporary name in the same folder, fsync'd, then renamed over the old one. Inside a
staged export (``deferred_sync``) the fsync per file is left out: the staged folder is
synced once before it is swapped in (``staging.StagedFolder.commit``), since a sync per
file cost 4-5 ms, about 90 s of a 20,000-article export's Hugo tree.
"""

from __future__ import annotations

import contextvars
import csv
import hashlib
import io
import itertools
import json
import os
import re
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from belong_scraper.cleaning import remove_unsafe_chars
from belong_scraper.items import RECORD_TYPES, REGISTRY, Record, record_type, to_export_dict
from belong_scraper.profile import SiteProfile
from belong_scraper.schemas import HANDOFF_SCHEMAS, record_schemas, validation_errors

CONTRACT_VERSION = "1.2"


_SYNC_EACH_FILE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "sync_each_file", default=True
)


@contextmanager
def deferred_sync() -> Iterator[None]:
    """Within: files are not fsync'd one by one; whoever swaps them in syncs once."""
    token = _SYNC_EACH_FILE.set(False)
    try:
        yield
    finally:
        _SYNC_EACH_FILE.reset(token)


def sync_file(handle: Any) -> None:
    """Flush a file to the disk before it is renamed into place, unless deferred."""
    handle.flush()
    if _SYNC_EACH_FILE.get():
        os.fsync(handle.fileno())


def atomic_write(path: Path, data: bytes) -> None:
    """Replace path with data in one step: readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            sync_file(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class BackgroundWrites:
    """``atomic_write`` on threads of their own, for a writer of many small files (the Hugo
    tree: a folder, a file and a rename for each of 20,000 pages). Those system calls
    release the GIL, so the disk's work overlaps the making of the next file instead of
    waiting its turn. With ``writers`` threads, writes to the same path go to the same one,
    in the order given. At most ``ahead`` files wait in memory; a failed write is raised by
    a later ``write`` or on leaving the block, which waits for them all. Each write runs in
    the caller's context (``deferred_sync`` holds there too).

    Two writers by default: the kernel's work of making a folder and a file (ext4's inode
    allocation) is most of a Hugo tree's time and one thread of it could not keep up with
    the page making (at 20,000 the main thread waited on it for most of the stage); a
    second thread does it on the other core."""

    def __init__(self, ahead: int = 64, writers: int = 2) -> None:
        self._pools = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"atomic-write-{n}")
            for n in range(max(1, writers))
        ]
        self._pending: deque[Future[None]] = deque()
        self._ahead = ahead

    def write(self, path: Path, data: bytes) -> None:
        context = contextvars.copy_context()
        pool = self._pools[hash(path) % len(self._pools)]  # one path, one thread: in order
        self._pending.append(pool.submit(context.run, atomic_write, path, data))
        while len(self._pending) > self._ahead:
            self._pending.popleft().result()

    def __enter__(self) -> BackgroundWrites:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            while self._pending:
                future = self._pending.popleft()
                if kind is None:
                    future.result()
                else:  # already failing: let the rest finish, keep the first error
                    future.cancel() or future.exception()
        finally:
            for pool in self._pools:
                pool.shutdown(wait=True)


# json.dumps(value, ensure_ascii=False), compact, and sorted compact, with their encoders
# made once: json.dumps makes a new encoder for every call that passes an option, most of
# its cost for the short values written a cell, a front-matter line or a hash at a time.
json_text = json.JSONEncoder(ensure_ascii=False).encode
compact_json_text = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
sorted_json_text = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":")
).encode


# Where orjson spells a float otherwise than Python (1e-07 as 1e-7, 1e-05 as 0.00001): in
# the magnitudes 1e-9 to 1e-4 only. Seen anywhere in its output (a text may hold it too),
# the value goes the standard way.
_FLOAT_SPELLED_OTHERWISE = re.compile(rb"[0-9]e-[1-9](?![0-9])|0\.0000[0-9]")
# The same two searches, each starting at a literal the regex engine finds by a fast scan
# ("e-", "0.0000"), the digit before "e-" checked on each hit: the pattern above starts with
# a class, so its search tried a match at every digit of the text (ten times orjson's own
# time on a record, about 1 s of the records stage at 20,000 articles).
_SMALL_EXPONENT = re.compile(rb"e-[1-9](?![0-9])")
_FOUR_ZEROS = re.compile(rb"0\.0000[0-9]")
_DIGITS = frozenset(b"0123456789")


def float_spelled_otherwise(data: bytes) -> bool:
    """Whether ``_FLOAT_SPELLED_OTHERWISE`` matches anywhere in ``data``."""
    for found in _SMALL_EXPONENT.finditer(data):
        # Hits cannot overlap ("e" is no digit nor "-"), so finditer sees every "e-".
        start = found.start()
        if start and data[start - 1] in _DIGITS:
            return True
    return _FOUR_ZEROS.search(data) is not None


# What the standard encoder refuses, orjson must refuse too, not write.
_ORJSON_OPTIONS = (
    orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
)


def pretty_json(data: Any) -> bytes:
    """``json.dumps(data, ensure_ascii=False, indent=2)`` in UTF-8, byte for byte, made by
    orjson: the standard encoder runs in pure Python once it indents, and the export's
    records, ledger, manifest and provenance are all indented JSON (about 80 times faster).
    What orjson refuses (a key that is not text, a lone surrogate, an integer past 64
    bits, a dataclass) or may spell otherwise (a small float) goes the standard way; a NaN
    is written as null, which JSON has, not NaN, which it has not."""
    try:
        data_bytes = orjson.dumps(data, option=_ORJSON_OPTIONS)
    except TypeError:
        pass
    else:
        if not float_spelled_otherwise(data_bytes):
            return data_bytes
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def json_bytes(data: Any) -> bytes:
    return pretty_json(data) + b"\n"


class StreamedFile:
    """A file written piece by piece, replaced atomically on close like atomic_write, its
    SHA-256 and size computed on the way: no whole file in memory."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        self.handle = os.fdopen(fd, "wb")
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)
        self.size += len(data)

    def __enter__(self) -> StreamedFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        try:
            if kind is None:
                sync_file(self.handle)
            self.handle.close()
            if kind is None:
                os.replace(self.tmp, self.path)
        finally:
            Path(self.tmp).unlink(missing_ok=True)

    def entry(self, records: int | None = None) -> dict[str, Any]:
        entry: dict[str, Any] = {"sha256": self.digest.hexdigest(), "bytes": self.size}
        if records is not None:
            entry["records"] = records
        return entry


def write_json_array(path: Path, rows: Iterable[Any]) -> dict[str, Any]:
    """The JSON array of rows, one row at a time: the same bytes as json_bytes(list(rows))
    (a nested value is indented one level deeper; the encoder escapes every newline inside
    a string, so indenting each line of a row's own dump is that). Returns its entry."""
    count = 0
    with StreamedFile(path) as out:
        for row in rows:
            out.write(_json_item(row, count))
            count += 1
        out.write(b"\n]\n" if count else b"[]\n")
    return out.entry(count)


def write_json_object(
    path: Path, head: dict[str, Any], key: str, items: Iterable[dict[str, Any]]
) -> dict[str, Any]:
    """``json_bytes({**head, key: list(items)})``, the same bytes, with the list written a
    batch of items at a time (the ledger's thirty thousand entries are never one string).
    Returns the file's entry, counting the items."""
    listed = StreamedItems(items)
    entry = write_json_document(path, {**head, key: listed})
    return {**entry, "records": listed.count}


def _json_item(row: Any, index: int) -> bytes:
    return (b",\n  " if index else b"[\n  ") + pretty_json(row).replace(b"\n", b"\n  ")


def write_json_and_csv(
    json_path: Path, csv_path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """write_json_array and write_csv of the same rows in one pass over them (a record
    file's rows come decoded from the export's row file: once, not once per file)."""
    count = 0
    with StreamedFile(json_path) as out:

        def written_to_json() -> Iterator[list[Any]]:
            nonlocal count
            for row in rows:
                out.write(_json_item(row, count))
                count += 1
                yield [row.get(c) for c in columns]

        csv_entry = write_csv(csv_path, columns, written_to_json())
        out.write(b"\n]\n" if count else b"[]\n")
    return out.entry(count), csv_entry


# What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection"): a first
# character = + - @, also after spaces (Excel and LibreOffice trim them), their full-width
# forms, or a leading tab or carriage return.
FORMULA_START = re.compile(r"^(?:[\t\r]|\s*[=+\-@\uff1d\uff0b\uff0d\uff20])")


def _formula_like(text: str) -> bool:
    # A text that opens with the quote the rule adds is quoted again when what follows it
    # would be, so restore_csv_cell can always tell an added quote from one in the data.
    while text.startswith("'"):
        text = text[1:]
    return bool(FORMULA_START.match(text))


def neutralise_csv_cell(text: str) -> str:
    """The cell as written to every CSV: a text a spreadsheet would run as a formula gets a
    leading single quote (exports/README.md, "CSV cells"); any other text is unchanged."""
    return "'" + text if _formula_like(text) else text


def restore_csv_cell(text: str) -> str:
    """The exact text of a CSV cell: undoes neutralise_csv_cell."""
    return text[1:] if text.startswith("'") and _formula_like(text[1:]) else text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return remove_unsafe_chars(compact_json_text(value))
    # The characters no output carries (cleaning removed them from records already) would
    # also make the UTF-8 encoding of the file fail.
    return neutralise_csv_cell(remove_unsafe_chars(str(value)))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The header and each row as csv_table writes them, a line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # Python's writer leaves a field holding a lone "\r" unquoted (only the line
    # terminator's characters count): every reader and spreadsheet then starts a new row
    # there, and what follows, "=1+1", is a formula again. Such a row is quoted whole.
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in itertools.chain([header], rows):
        cells = [_cell(value) for value in row]
        (quoted if any("\r" in cell for cell in cells) else writer).writerow(cells)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The one CSV writer of the export: UTF-8, "\\n" line ends, every cell through _cell."""
    return "".join(csv_lines(header, rows)).encode("utf-8")


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """csv_table's bytes, written a row at a time; returns the file's entry."""
    count = -1  # the header is no record
    with StreamedFile(path) as out:
        for line in csv_lines(header, rows):
            out.write(line.encode("utf-8"))
            count += 1
    return out.entry(count)


def csv_bytes(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> bytes:
    return csv_table(columns, ([row.get(c) for c in columns] for row in rows))


def read_csv_rows(data: str) -> list[dict[str, str]]:
    """Rows of a CSV this module wrote, each cell's exact text restored."""
    reader = csv.DictReader(io.StringIO(data, newline=""))
    return [{k: restore_csv_cell(v or "") for k, v in row.items()} for row in reader]


def columns_of(kind: str) -> list[str]:
    return REGISTRY[kind].columns


def split_valid(
    records: Sequence[Record], profile: SiteProfile
) -> tuple[dict[str, list[dict]], list[dict]]:
    """Records by type as export dicts; the ones that break their schema set aside."""
    by_type: dict[str, list[dict]] = {kind: [] for kind in RECORD_TYPES}
    rejected: list[dict] = []
    for record in records:
        kind = record_type(record)
        data = to_export_dict(record)
        errors = validation_errors(kind, data, profile)
        if errors:
            rejected.append({"id": record.id, "type": kind, "errors": errors, "record": data})
        else:
            by_type[kind].append(data)
    return by_type, rejected


def write_records(
    out_dir: Path, by_type: dict[str, list[dict]], profile: SiteProfile
) -> dict[str, dict[str, Any]]:
    """JSON and CSV per record type plus the schemas; returns the files' manifest entries."""
    rows = {kind: sorted(by_type.get(kind, []), key=lambda r: r["id"]) for kind in REGISTRY}
    return write_records_from(out_dir, lambda kind: rows[kind], profile)


def write_records_from(
    out_dir: Path, sorted_rows: Callable[[str], Iterable[dict[str, Any]]], profile: SiteProfile
) -> dict[str, dict[str, Any]]:
    """``write_records`` from rows already in id order, read once for both files
    (``sorted_rows(kind)`` is called once per type): each row is written as it comes, so
    a 20,000-article export never holds a type's rows, nor a file's bytes, in memory."""
    files: dict[str, dict[str, Any]] = {}
    for kind, registered in REGISTRY.items():
        stem, columns = registered.stem, registered.columns
        json_entry, csv_entry = write_json_and_csv(
            out_dir / f"{stem}.json", out_dir / f"{stem}.csv", columns, sorted_rows(kind)
        )
        files[f"{stem}.json"], files[f"{stem}.csv"] = json_entry, csv_entry
        data = json_bytes(record_schemas(profile)[kind])
        atomic_write(out_dir / f"schema/{kind}.schema.json", data)
        files[f"schema/{kind}.schema.json"] = describe(data)
    return dict(sorted(files.items()))


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """manifest.json, a member at a time (its file list, a StreamedValue, a batch of
    entries at a time); returns the file's entry."""
    return write_json_document(out_dir / "manifest.json", manifest)


class StreamedValue:
    """A JSON value written a piece at a time where it stands in a document (the
    manifest's file list, the report's rows), never made whole: ``json_value_pieces``
    asks it for its pieces at its depth."""

    def json_pieces(self, depth: int) -> Iterator[bytes]:
        """``pretty_json`` of the value, its lines after the first indented ``depth``
        levels, in pieces."""
        raise NotImplementedError

    def __json__(self) -> Any:
        """The value as JSON's own types, whole (for tests and small documents)."""
        raise NotImplementedError


class StreamedItems(StreamedValue):
    """A list of items written as they come, counted on the way (read once)."""

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = items
        self.count = 0

    def _counted(self) -> Iterator[Any]:
        for item in self._items:
            self.count += 1
            yield item

    def json_pieces(self, depth: int) -> Iterator[bytes]:
        return json_items_pieces(self._counted(), depth)

    def __json__(self) -> list[Any]:
        return list(self._counted())


BATCH = 256  # items encoded in one pretty_json call: one C call, not one per item


def json_items_pieces(items: Iterable[Any], depth: int) -> Iterator[bytes]:
    """``pretty_json(list(items))`` at ``depth``, a batch of items at a time."""
    return _container_pieces(iter(items), depth, list, b"[]")


def json_members_pieces(members: Iterable[tuple[str, Any]], depth: int) -> Iterator[bytes]:
    """``pretty_json(dict(members))`` at ``depth`` (text keys, each once), a batch of
    members at a time."""
    return _container_pieces(iter(members), depth, dict, b"{}")


def _container_pieces(
    items: Iterator[Any], depth: int, make: Callable[[list[Any]], Any], empty: bytes
) -> Iterator[bytes]:
    indent = b"  " * depth
    first = True
    while chunk := list(itertools.islice(items, BATCH)):
        # "[\n  a,\n  b\n]" without its brackets: the members at depth 1, moved down.
        inner = pretty_json(make(chunk))[2:-2]
        yield (b"[\n" if make is list else b"{\n") if first else b",\n"
        yield indent + inner.replace(b"\n", b"\n" + indent) if depth else inner
        first = False
    if first:
        yield empty
    else:
        yield b"\n" + indent + (b"]" if make is list else b"}")


def json_value_pieces(value: Any, depth: int = 0) -> Iterator[bytes]:
    """``pretty_json(value)`` at ``depth`` in pieces, the same bytes: a StreamedValue
    inside it (a member of its objects, at any depth) writes itself, the rest is encoded
    a member at a time where it holds one, else whole."""
    if isinstance(value, StreamedValue):
        yield from value.json_pieces(depth)
        return
    if isinstance(value, dict) and _holds_streamed(value):
        indent = b"  " * (depth + 1)
        for index, (name, member) in enumerate(value.items()):
            if not isinstance(name, str):
                raise TypeError(f"a key of a streamed object must be text, not {name!r}")
            key = json_text(name).encode("utf-8")
            yield (b"{\n" if index == 0 else b",\n") + indent + key + b": "
            yield from json_value_pieces(member, depth + 1)
        yield b"\n" + b"  " * depth + b"}"
        return
    data = pretty_json(value)
    yield data.replace(b"\n", b"\n" + b"  " * depth) if depth else data


def _holds_streamed(value: dict[Any, Any]) -> bool:
    return any(
        isinstance(v, StreamedValue) or (isinstance(v, dict) and _holds_streamed(v))
        for v in value.values()
    )


def write_json_document(path: Path, document: Any) -> dict[str, Any]:
    """``json_bytes(document)``, the same bytes, written as ``json_value_pieces`` makes
    them; returns the file's entry."""
    with StreamedFile(path) as out:
        for piece in json_value_pieces(document):
            out.write(piece)
        out.write(b"\n")
    return out.entry()


ASSET_COLUMNS = list(HANDOFF_SCHEMAS["asset"]["properties"])
REDIRECT_COLUMNS = list(HANDOFF_SCHEMAS["redirect"]["properties"])


def write_handoff(
    out_dir: Path,
    assets: list[dict[str, Any]],
    redirects: list[dict[str, Any]],
    nginx: str | Iterable[str],
    apache: str | Iterable[str],
) -> dict[str, dict[str, Any]]:
    """assets.json/csv, the redirect map in three forms, and their schemas. The server
    maps may come a line at a time (handoff.nginx_lines, apache_lines): every file is
    written as it is made, none held whole (at 20,000 articles they are megabytes each)."""
    files: dict[str, dict[str, Any]] = {}
    for kind, rows in (("asset", assets), ("redirect", redirects)):
        for row in rows:
            errors = validation_errors(kind, row)
            if errors:
                raise ValueError(f"{kind} {row}: {errors}")
    files["assets.json"] = write_json_array(out_dir / "assets.json", assets)
    files["assets.csv"] = write_csv(
        out_dir / "assets.csv", ASSET_COLUMNS, ([a.get(c) for c in ASSET_COLUMNS] for a in assets)
    )
    files["redirects.csv"] = write_csv(
        out_dir / "redirects.csv",
        REDIRECT_COLUMNS,
        ([r.get(c) for c in REDIRECT_COLUMNS] for r in redirects),
    )
    for name, text in (("redirects.nginx.conf", nginx), ("redirects.apache.conf", apache)):
        files[name] = write_text(out_dir / name, [text] if isinstance(text, str) else text)
    for kind in ("asset", "redirect"):
        data = json_bytes(HANDOFF_SCHEMAS[kind])
        atomic_write(out_dir / f"schema/{kind}.schema.json", data)
        files[f"schema/{kind}.schema.json"] = describe(data)
    return files


def write_text(path: Path, pieces: Iterable[str]) -> dict[str, Any]:
    """A UTF-8 text file written a piece at a time (gathered into writes of about 64 KB:
    a template engine's pieces are a few characters each); returns its entry."""
    with StreamedFile(path) as out:
        buffered: list[str] = []
        size = 0
        for piece in pieces:
            buffered.append(piece)
            size += len(piece)
            if size >= 65536:
                out.write("".join(buffered).encode("utf-8"))
                buffered, size = [], 0
        out.write("".join(buffered).encode("utf-8"))
    return out.entry()


def describe(data: bytes, records: int | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if records is not None:
        entry["records"] = records
    return entry
