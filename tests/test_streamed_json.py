"""Files written a piece at a time are the bytes the whole-value encoder would write."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from belong_scraper.exporters import json_bytes, write_json_array, write_json_object

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=6)
# Items hold no floats (record_json); a head may hold anything JSON has.
ITEM_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
HEAD_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
ITEMS = st.lists(st.dictionaries(TEXT, ITEM_VALUES, max_size=4), max_size=4)


@settings(max_examples=80, deadline=None)
@given(head=st.dictionaries(TEXT.filter(lambda k: k != "entries"), HEAD_VALUES, max_size=4),
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
