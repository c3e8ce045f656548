"""The schema checks: the compiled validator never passes what the reference one rejects.

`schemas.Checker` answers "valid?" with a validator fastjsonschema compiles and asks
jsonschema for the messages only when it says no; a record it wrongly passed would reach
the export unchecked, so the two must agree on every value, not only on the fixture's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from belong_scraper.profile import load_profile
from belong_scraper.schemas import VALIDATORS, _record_validators, validation_errors

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = {
    "legacy": ROOT / "fixtures" / "expected-export",
    "wordpress-sister": ROOT / "fixtures" / "sister-expected-export",
}
FILES = {"article": "articles.json", "partner": "partners.json",
         "cluster": "clusters.json", "page": "pages.json"}  # fmt: skip


def records(profile: str, kind: str) -> list[dict[str, Any]]:
    path = EXPORTS[profile] / FILES[kind]
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def reference_errors(checker: Any, data: Any) -> list[str]:
    errors = sorted(checker.reference.iter_errors(data), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, e.path)) or '(record)'}: {e.message}" for e in errors]


@pytest.mark.parametrize("profile", sorted(EXPORTS))
@pytest.mark.parametrize("kind", sorted(FILES))
def test_expected_records_pass_both_validators(profile: str, kind: str) -> None:
    checker = _record_validators(load_profile(profile))[kind]
    rows = records(profile, kind)
    for row in rows:
        assert validation_errors(kind, row, load_profile(profile)) == []
        assert reference_errors(checker, row) == []
    if profile == "legacy":
        assert rows, f"the fixture export has {kind} records"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False)
    | st.sampled_from(["", "x", "/news/", "https://a.example/", "article-1", "EL", "a" * 64,
                       "asset-0123456789ab", "2023-03-28", "lead_partner", "media/a.png"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=3),
    max_leaves=6,
)  # fmt: skip


def mutated(row: dict[str, Any], data: st.DataObject) -> dict[str, Any]:
    """The record with some fields replaced, deleted or added, or an element of a list
    field replaced: what a bug upstream could hand the export."""
    row = json.loads(json.dumps(row))
    for _ in range(data.draw(st.integers(1, 3))):
        key = data.draw(st.sampled_from([*sorted(row), "unknown_field"]))
        action = data.draw(st.sampled_from(["replace", "delete", "element"]))
        if action == "delete":
            row.pop(key, None)
        elif action == "element" and isinstance(row.get(key), list) and row[key]:
            index = data.draw(st.integers(0, len(row[key]) - 1))
            row[key][index] = data.draw(JSON_VALUES)
        else:
            row[key] = data.draw(JSON_VALUES)
    return row


@settings(max_examples=120, deadline=None)
@given(kind=st.sampled_from(sorted(FILES)), data=st.data())
def test_compiled_validator_agrees_with_the_reference(kind: str, data: st.DataObject) -> None:
    profile = load_profile("legacy")
    checker = _record_validators(profile)[kind]
    row = mutated(data.draw(st.sampled_from(records("legacy", kind))), data)
    assert checker.errors(row) == reference_errors(checker, row)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(VALIDATORS)), value=JSON_VALUES)
def test_documents_and_rows_agree_with_the_reference(name: str, value: Any) -> None:
    checker = VALIDATORS[name]
    assert checker.errors(value) == reference_errors(checker, value)


def test_a_rejected_record_gets_every_error_named() -> None:
    row = dict(records("legacy", "partner")[0], country_code="el", name="")
    del row["id"]
    assert validation_errors("partner", row, load_profile("legacy")) == [
        "(record): 'id' is a required property",
        "country_code: 'el' does not match '^[A-Z]{2}$'",
        "name: '' should be non-empty",
    ]
