"""Every date format of the survey, year-less prose dates and the evidence for their year."""

from __future__ import annotations

from datetime import date

import pytest

from belong_scraper.dates import find_date, find_prose_date, infer_year, upload_months
from belong_scraper.profile import load_profile

LANGS = ("en", "es", "fr", "it", "el", "ro", "sv", "de", "pt", "nl")


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("28/03/2023", "28/03/2023"),
        ("Posted on 28.03.2023 by Communications Team", "28.03.2023"),
        ("March 28, 2023", "March 28, 2023"),
        ("28 March 2023", "28 March 2023"),
        ("2023-03-28 09:30:00", "2023-03-28 09:30:00"),
        ("28 de marzo de 2023", "28 de marzo de 2023"),
        ("28 mars 2023", "28 mars 2023"),
        ("28 marzo 2023", "28 marzo 2023"),
        ("28 Μαρτίου 2023", "28 Μαρτίου 2023"),
        ("Tuesday, 28th March 2023", "28th March 2023"),
    ],
)
def test_every_format_reads_the_same_day(text: str, raw: str) -> None:
    found = find_date(text, LANGS)
    assert found is not None
    assert (found.value, found.raw) == (date(2023, 3, 28), raw)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("28 Μάρτιος 2023", date(2023, 3, 28)),  # Greek nominative, not only the genitive
        ("1 février 2023", date(2023, 2, 1)),
        ("1 fevrier 2023", date(2023, 2, 1)),  # written without its accent
        ("3 Sept. 2023", date(2023, 9, 3)),
    ],
)
def test_month_names_in_every_form_the_languages_write(text: str, expected: date) -> None:
    found = find_date(text, LANGS)
    assert found is not None and found.value == expected


@pytest.mark.parametrize(
    "text",
    [
        "No date here",
        "Room 12 of 2023 plan",
        "31/02/2023",
        "Day 2 four 2023 teams",  # a number word is no month (dateparser read it as April)
        "Tuesday 3 une 2023",
    ],
)
def test_no_date(text: str) -> None:
    assert find_date(text, LANGS) is None


@pytest.mark.parametrize(
    ("text", "day", "month", "weekday", "raw"),
    [
        ("On Tuesday 28th March, the EU Committee", 28, 3, 1, "Tuesday 28th March"),
        ("On 23-24 February, the Assembly", 23, 2, None, "23-24 February"),
        ("On 10 July, the AER President", 10, 7, None, "10 July"),
        ("El martes 5 de marzo se celebró", 5, 3, 1, "martes 5 de marzo"),
        ("On Wednesday, May 15th the partners met", 15, 5, 2, "Wednesday, May 15th"),
    ],
)
def test_prose_dates(text, day, month, weekday, raw) -> None:
    found = find_prose_date(text, LANGS)
    assert found is not None
    assert (found.day, found.month, found.weekday, found.raw) == (day, month, weekday, raw)


def test_weekday_picks_the_year() -> None:
    prose = find_prose_date("On Tuesday 28th March", LANGS)
    result = infer_year(prose, range(2022, 2026))
    assert result.value == date(2023, 3, 28) and not result.ambiguous
    assert "weekday" in result.evidence


def test_upload_path_picks_the_year() -> None:
    prose = find_prose_date("On 23-24 February", LANGS)
    upload_path = load_profile().dates.upload_path
    uploads = upload_months(["http://x/uploads/2022/02/kickoff.jpg"], upload_path)
    result = infer_year(prose, range(2022, 2026), uploads)
    assert result.value == date(2022, 2, 23) and "upload-path" in result.evidence


def test_listing_neighbours_bound_the_year() -> None:
    prose = find_prose_date("On 10 July", LANGS)
    result = infer_year(prose, range(2022, 2026), (), date(2024, 5, 1), date(2024, 9, 30))
    assert result.value == date(2024, 7, 10) and "listing" in result.evidence


def test_without_evidence_the_year_is_ambiguous() -> None:
    result = infer_year(find_prose_date("On 10 July", LANGS), range(2022, 2026))
    assert result.ambiguous
