"""Each record type's id is made by one function of items.py, and every id it makes is one
the schema's pattern (items.REGISTRY) takes."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from slugify import slugify

from belong_scraper.items import REGISTRY, article_id, cluster_id, page_id, partner_id

legacy_ids = st.integers(min_value=0, max_value=10**12)


def _takes(kind: str, record_id: str) -> bool:
    return re.match(REGISTRY[kind].id_pattern, record_id) is not None


@given(legacy_ids)
def test_article_and_cluster_ids(legacy_id: int) -> None:
    assert article_id(legacy_id) == article_id(str(legacy_id)) == f"article-{legacy_id}"
    assert _takes("article", article_id(legacy_id))
    assert _takes("cluster", cluster_id(legacy_id))


def test_a_zero_padded_legacy_id_is_the_same_article() -> None:
    assert article_id("016") == article_id(16) == "article-16"


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2), st.text())
def test_partner_ids(code: str, name: str) -> None:
    record_id = partner_id(code, slugify(name, max_length=60, word_boundary=True) or "partner")
    assert _takes("partner", record_id)
    assert len(record_id) <= 64 and not record_id.endswith("-")


@given(st.text())
def test_page_ids(name: str) -> None:
    assert _takes("page", page_id(slugify(name) or "page"))
