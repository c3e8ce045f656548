"""Documents with a long member written a batch at a time (the manifest's file list, the
report's rows) are the bytes of the whole-value encoder, and SHA256SUMS made from the
file list is the one the folder walk makes."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_streamed_json import TEXT, VALUES

from belong_scraper.archive.fixity import export_files, is_transient, sums_bytes
from belong_scraper.export.filelist import FileList
from belong_scraper.export.finish import checksums_stage
from belong_scraper.exporters import (
    BATCH,
    StreamedValue,
    json_bytes,
    json_items_pieces,
    write_json_document,
)
from belong_scraper.report import plain


class Listed(StreamedValue):
    """A list written as a StreamedValue (what PageErrors and ReviewRows are)."""

    def __init__(self, items: list[Any]):
        self.items = items

    def json_pieces(self, depth: int) -> Iterator[bytes]:
        return json_items_pieces(iter(self.items), depth)

    def __json__(self) -> list[Any]:
        return self.items


ENTRY = st.fixed_dictionaries(
    {"sha256": st.text("0123456789abcdef", min_size=64, max_size=64), "bytes": st.integers(0)},
    optional={"records": st.integers(0, 10**6)},
)
NAMES = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)
STREAMED = st.builds(Listed, st.lists(VALUES, max_size=6))
DOCUMENTS = st.dictionaries(
    TEXT, VALUES | STREAMED | st.dictionaries(TEXT, VALUES | STREAMED, max_size=3), max_size=5
)


@settings(max_examples=200, deadline=None)
@given(document=DOCUMENTS)
def test_a_document_with_streamed_members_is_json_bytes(document: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.json"
        entry = write_json_document(path, document)
        expected = json_bytes(plain(document))
        assert path.read_bytes() == expected
        assert entry == {"sha256": hashlib.sha256(expected).hexdigest(), "bytes": len(expected)}


def test_a_streamed_list_longer_than_a_batch_is_json_bytes(tmp_path: Path) -> None:
    rows = [{"url": f"http://x.test/{i}", "count": i % 7, "n": [i, 1e-07]} for i in range(700)]
    assert len(rows) > 2 * BATCH
    document = {"a": 1, "php": {"total": 3, "by_page": Listed(rows)}, "z": Listed([])}
    write_json_document(tmp_path / "doc.json", document)
    assert (tmp_path / "doc.json").read_bytes() == json_bytes(plain(document))


@settings(max_examples=100, deadline=None)
@given(steps=st.lists(st.tuples(NAMES, ENTRY), max_size=12), head=st.dictionaries(TEXT, VALUES))
def test_a_file_list_is_a_dict_in_writing_order(
    steps: list[tuple[str, dict[str, Any]]], head: dict[str, Any]
) -> None:
    model: dict[str, dict[str, Any]] = {}
    files = FileList()
    for name, entry in steps:
        model[name] = entry
        files[name] = entry
    assert list(files) == list(model) and len(files) == len(model)
    assert dict(files.items()) == model and all(files[n] == e for n, e in model.items())
    assert all(name in files for name in model) and "\x00absent" not in files
    again = FileList(None, model)
    assert list(again.items()) == list(model.items())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "manifest.json"
        document = {**head, "files": files, "after": 1}
        write_json_document(path, document)
        assert path.read_bytes() == json_bytes({**head, "files": model, "after": 1})


def test_checksums_from_the_file_list_are_the_folder_walks(tmp_path: Path) -> None:
    """Listed files keep their listed digests, unlisted ones are hashed and listed by name
    (never in the directory's own order, which differs run to run), and SHA256SUMS covers
    the folder (the manifest written last too)."""
    out = tmp_path / "out"
    names = ["b.json", "a.csv", "hugo/content/é.md", "hugo/content/z.md", "media/x y.jpg",
             "archive/one.warc.gz", "media/.incoming/part", "Z.txt"]  # fmt: skip
    for i, name in enumerate(names):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(f"file {i}\n".encode() * (i + 1))
    listed = {name: _entry(out / name) for name in names[:4]}
    manifest: dict[str, Any] = {"run_id": "r", "files": FileList(None, listed), "warnings": []}

    class Run:
        out_dir = out

    checksums_stage(Run(), manifest)  # type: ignore[arg-type]
    files = manifest["files"]
    walked = [n for n in names[4:] if not n.startswith("media/.")]
    assert list(files)[:4] == names[:4]
    assert list(files)[4:] == sorted(walked, key=lambda n: n.encode())
    assert files["media/x y.jpg"] == _entry(out / "media/x y.jpg")
    expected = {**manifest, "files": dict(files.items())}
    assert (out / "manifest.json").read_bytes() == json_bytes(expected)
    assert (out / "SHA256SUMS").read_bytes() == sums_bytes(out)
    assert b"manifest.json" in (out / "SHA256SUMS").read_bytes()
    # The walk's names as paths relative to the folder would spell them.
    every = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    expected_names = {n for n in every if n != "SHA256SUMS" and not is_transient(n)}
    assert set(export_files(out)) == expected_names == set(files) | {"manifest.json"}
    assert set(export_files(str(out) + "/")) == expected_names


def _entry(path: Path) -> dict[str, Any]:
    data = path.read_bytes()
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
