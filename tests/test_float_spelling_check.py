"""exporters.float_spelled_otherwise: the same answer as the one-regex search it replaced
(``_FLOAT_SPELLED_OTHERWISE``), for every input; pretty_json unchanged by it."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from belong_scraper.exporters import (
    _FLOAT_SPELLED_OTHERWISE,
    float_spelled_otherwise,
    pretty_json,
)

# Texts made of the pieces the pattern is about, so hits and near misses are common.
_PIECES = st.sampled_from(
    [b"e", b"E", b"-", b"+", b"0", b"1", b"7", b"9", b".", b"0.0000", b"e-", b"1e-0",
     b"\n", b" ", b"a", b'"', b"\xc3\xa9"]
)  # fmt: skip


@given(st.lists(_PIECES, max_size=40).map(b"".join))
def test_same_answer_on_texts_of_its_pieces(data: bytes) -> None:
    assert float_spelled_otherwise(data) == bool(_FLOAT_SPELLED_OTHERWISE.search(data))


@given(st.binary(max_size=200))
def test_same_answer_on_any_bytes(data: bytes) -> None:
    assert float_spelled_otherwise(data) == bool(_FLOAT_SPELLED_OTHERWISE.search(data))


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_pretty_json_still_spells_floats_as_python(value: float) -> None:
    data = {"value": value, "list": [value, "e-1 text"]}
    assert pretty_json(data) == json.dumps(data, ensure_ascii=False, indent=2).encode()


def test_the_cases_by_hand() -> None:
    assert float_spelled_otherwise(b"[1e-7]")  # orjson's 1e-07
    assert float_spelled_otherwise(b"0.00001")
    assert not float_spelled_otherwise(b"1e-10")  # orjson and Python agree from 1e-10
    assert not float_spelled_otherwise(b"the-1st e-mail")
    assert not float_spelled_otherwise(b"e-1")  # no digit before
    assert float_spelled_otherwise(b"e-1 and 2e-5")  # the second "e-" is a hit
