"""`belong-scraper extract`: saved pages, WARC captures of a real crawl and folders of
them, offline, one JSON line per record, as the crawl's page objects and pipelines give
them; a broken file is a line with an error, and the run goes on."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from belong_scraper.cli import main
from tests.conftest import FIXTURES, run_cli

CASES = sorted(p.parent for p in (FIXTURES / "pages").glob("*/*/meta.json"))


def profile_args(case: Path) -> list[str]:
    """The case's own profile (``meta.json`` ``profile``), as a user would pass it."""
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    return ["--profile", meta["profile"]] if meta.get("profile") else []


def extract_lines(capsys, *args: str) -> tuple[int, list[dict]]:
    status = main(["extract", *args])
    out = capsys.readouterr().out
    return status, [json.loads(line) for line in out.splitlines()]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_a_saved_golden_page_gives_its_expected_records(case: Path, capsys) -> None:
    status, lines = extract_lines(capsys, *profile_args(case), str(case / "input.html"))
    expected = json.loads((case / "output.json").read_text(encoding="utf-8"))
    assert status == 0
    assert [line["_type"] for line in lines] == [item["_type"] for item in expected]
    for line, item in zip(lines, expected, strict=True):
        assert line["file"] == str(case / "input.html")
        assert line["page_type"] == case.parent.name
        for field, value in item.items():
            assert line[field] == value, f"{case.name}: {field}"


def test_a_folder_is_read_recursively_one_line_per_record(capsys) -> None:
    folder = FIXTURES / "pages" / "article"
    status, lines = extract_lines(capsys, str(folder))
    cases = sorted(p.parent for p in folder.glob("*/meta.json"))
    assert status == 0
    assert [line["file"] for line in lines] == [str(c / "input.html") for c in cases]
    # Read with the default profile, the legacy site's: its cases are articles.
    legacy = {str(c / "input.html") for c in cases if not profile_args(c)}
    assert legacy and all(
        line["page_type"] == "article" and line["body_text"]
        for line in lines
        if line["file"] in legacy
    )


def test_a_broken_file_is_a_line_with_an_error_and_the_run_goes_on(tmp_path, capsys) -> None:
    case = FIXTURES / "pages" / "article" / "cp1252-meta"
    shutil.copytree(case, tmp_path / "good")
    (tmp_path / "good" / "input.html").rename(tmp_path / "good" / "page.html")
    (tmp_path / "broken.html.gz").write_bytes(b"not gzip at all")
    (tmp_path / "broken.warc.gz").write_bytes(gzip.compress(b"WARC/1.1\r\nnonsense\r\n\r\n"))
    status, lines = extract_lines(capsys, str(tmp_path))
    assert status == 1
    by_file = {line.get("file") or line.get("warc"): line for line in lines}
    assert "error" in by_file[str(tmp_path / "broken.html.gz")]
    assert "error" in by_file[str(tmp_path / "broken.warc.gz")]
    good = by_file[str(tmp_path / "good" / "page.html")]
    assert good["id"] == "article-11" and "error" not in good


def test_a_page_without_a_url_needs_one_for_its_page_type(tmp_path, capsys) -> None:
    page = tmp_path / "news.html"
    shutil.copy(FIXTURES / "pages" / "article" / "cp1252-meta" / "input.html", page)
    status, lines = extract_lines(capsys, str(page))
    assert status == 1 and "--url" in lines[0]["error"]
    status, lines = extract_lines(
        capsys, str(page), "--url", "http://127.0.0.1:8000/news.php?id=11"
    )
    assert status == 0 and lines[0]["id"] == "article-11" and lines[0]["page_type"] == "article"


def test_a_saved_page_declaring_its_canonical_url_needs_no_url(tmp_path, capsys) -> None:
    html = (FIXTURES / "pages" / "article" / "cp1252-meta" / "input.html").read_bytes()
    canonical = b'<link rel="canonical" href="http://127.0.0.1:8000/news.php?id=11">'
    page = tmp_path / "saved.html.gz"
    page.write_bytes(gzip.compress(html.replace(b"</head>", canonical + b"</head>", 1)))
    status, lines = extract_lines(capsys, str(page))
    assert status == 0 and lines[0]["id"] == "article-11"


def test_generic_gives_the_generic_extractor_fields_only(capsys) -> None:
    case = FIXTURES / "pages" / "article" / "new-template"
    status, lines = extract_lines(capsys, str(case / "input.html"), "--generic")
    expected = json.loads((case / "output.json").read_text(encoding="utf-8"))[0]
    assert status == 0
    (line,) = lines
    assert set(line) == {"file", "page_type", "title", "body_html", "body_text", "date", "author"}
    assert line["page_type"] == "article"
    # The generic extractor finds the article the profile does, first paragraph onwards.
    first = expected["body_text"].split("\n\n")[0]
    assert first in line["body_text"]


def test_usage_errors_exit_2(tmp_path, capsys) -> None:
    assert main(["extract", str(tmp_path / "missing.html")]) == 2
    assert main(["extract", str(FIXTURES / "pages"), "--url", "http://x.org/"]) == 2
    with pytest.raises(SystemExit) as exit_:
        main(["extract", str(FIXTURES / "pages"), "--generic", "--profile", "legacy"])
    assert exit_.value.code == 2


def test_the_warcs_of_a_real_crawl_give_the_exported_records(migrated_export: Path) -> None:
    """Every article the crawl exported comes out of its archive offline, with the same
    title, body text, author and language; each line names its capture."""
    warcs = sorted((migrated_export / "archive").glob("*.warc.gz"))
    assert warcs
    result = run_cli("extract", *map(str, warcs), timeout=300)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(line["uri"].startswith("http://127.0.0.1:") for line in lines)
    assert all(line["record_id"].startswith("<urn:uuid:") for line in lines)
    assert len({line["record_id"] for line in lines if line.get("_type") == "Article"}) == len(
        [line for line in lines if line.get("_type") == "Article"]
    )
    got = {line["id"]: line for line in lines if line.get("_type") == "Article"}
    exported = json.loads((migrated_export / "articles.json").read_text(encoding="utf-8"))
    assert exported and {a["id"] for a in exported} <= set(got)
    for article in exported:
        line = got[article["id"]]
        for field in ("title", "body_text", "author", "language", "source_url"):
            assert line[field] == article[field], f"{article['id']}: {field}"
    assert "WARC records skipped" in result.stderr
