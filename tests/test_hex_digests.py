"""export/run.HexDigests: digests kept as bytes read back as the hex text they were given."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from belong_scraper.export.run import HexDigests


@given(st.dictionaries(st.text(min_size=1, max_size=30), st.binary(max_size=64), max_size=40))
def test_every_digest_reads_back_as_it_was_given(contents: dict[str, bytes]) -> None:
    given_hex = {key: hashlib.sha256(data).hexdigest() for key, data in contents.items()}
    digests = HexDigests()
    for key, hex_digest in given_hex.items():
        digests[key] = hex_digest
    assert dict(digests) == given_hex
    assert list(digests) == list(given_hex)  # in the order added
    assert len(digests) == len(given_hex)


def test_a_missing_id_is_a_key_error() -> None:
    digests = HexDigests()
    digests["article-1"] = "ab" * 32
    assert digests["article-1"] == "ab" * 32
    assert "article-2" not in digests
    assert digests.get("article-2") is None
