"""Files written a piece at a time are the bytes the whole-value encoder would write."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from belong_scraper.exporters import json_bytes, pretty_json, write_json_array, write_json_object

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=6)
# Any JSON value but NaN and the infinities (which JSON has not: pretty_json writes null).
# Floats of every magnitude, those orjson spells otherwise (1e-07) among them, and texts
# that look like them.
FLOATS = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [1e-07, 1.5e-05, 3e-09, 1e-10, 0.0001, 1e16, -2.5e-06, 5e-324]
)
TEXTS = TEXT | st.sampled_from(["1e-7", "0.00001", "x 2e-5 y"])
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | FLOATS | TEXTS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
ITEMS = st.lists(st.dictionaries(TEXT, VALUES, max_size=4), max_size=4)


@settings(max_examples=300, deadline=None)
@given(value=VALUES | st.dictionaries(st.integers(), VALUES, max_size=2))
def test_pretty_json_is_the_standard_encoders_text(value: Any) -> None:
    import json

    assert pretty_json(value) == json.dumps(value, ensure_ascii=False, indent=2).encode()


@settings(max_examples=80, deadline=None)
@given(head=st.dictionaries(TEXT.filter(lambda k: k != "entries"), VALUES, max_size=4),
       items=ITEMS)  # fmt: skip
def test_an_object_with_its_list_streamed_is_json_bytes(
    head: dict[str, Any], items: list[dict[str, Any]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.json"
        entry = write_json_object(path, head, "entries", iter(items))
        expected = json_bytes({**head, "entries": items})
        assert path.read_bytes() == expected
        assert (entry["bytes"], entry["records"]) == (len(expected), len(items))


@settings(max_examples=50, deadline=None)
@given(items=ITEMS)
def test_an_array_streamed_is_json_bytes(items: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.json"
        write_json_array(path, iter(items))
        assert path.read_bytes() == json_bytes(items)


@settings(max_examples=150, deadline=None)
@given(value=VALUES | st.dictionaries(TEXT, VALUES, max_size=4))
def test_value_pieces_are_json_bytes(value: Any) -> None:
    from belong_scraper.exporters import json_value_pieces

    assert b"".join(json_value_pieces(value)) + b"\n" == json_bytes(value)


@settings(max_examples=200, deadline=None)
@given(value=VALUES | st.text() | st.integers(min_value=2**64) | st.just("\ud800 lone"))
def test_a_kept_row_comes_back_as_the_standard_decoder_gives_it(value: Any) -> None:
    import json
    import sqlite3

    from belong_scraper.export.spill import decode_row, encode_row

    db = sqlite3.connect(":memory:")  # kept where the rows are: SQLite gives back its type
    db.execute("CREATE TABLE rows (data TEXT)")
    db.execute("INSERT INTO rows VALUES (?)", (encode_row(value),))
    (kept,) = db.execute("SELECT data FROM rows").fetchone()
    assert decode_row(kept) == json.loads(json.dumps(value))
