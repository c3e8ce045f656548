"""Web archiving end to end: a real `migrate` of the fixture site, its WARCs, index,
provenance, WACZ and fixity, and a re-crawl into the same folder (revisits).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import bagit
import pytest
from warcio.archiveiterator import ArchiveIterator

from belong_scraper.archive import finish_archive
from belong_scraper.archive.index import read_index, warc_files
from belong_scraper.archive.wacz import validate_wacz
from belong_scraper.fixture_server import FixtureSite
from tests.conftest import HOLDOUT, SITE, CliResult, SiteRun, load_export, run_cli

VENV_BIN = Path(sys.executable).parent
FAIL_ONCE = {
    "/news.php?id=21": 500,
    "/news.php?page=3": 503,
    "/partners.php?country=IT": 503,
}


def archive_cli(*args: str) -> CliResult:
    """`belong-scraper package|verify …`, as a user runs it: the command in a process of
    its own (conftest's run_cli, forked from the worker's preloaded one)."""
    return run_cli(*args, timeout=300)


def records_of(directory: Path) -> list[tuple[Path, object]]:
    """(file, record) for every record of every WARC, with the payload read."""
    out = []
    for path in warc_files(directory):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                record.payload = record.raw_stream.read()  # type: ignore[attr-defined]
                out.append((path, record))
    return out


def served(url: str, status: int, site_dir: Path = SITE) -> bytes:
    """What the fixture server sends for url when it answers with status."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    site = FixtureSite(site_dir)
    for _ in range(4):
        reply = site.reply(target)
        if reply.status == status:
            return reply.body
    raise AssertionError(f"the fixture site never answers {target} with {status}")


@pytest.fixture(scope="module")
def archived(crawled_twice) -> dict[str, Path]:
    """One crawl (small WARC_MAX_SIZE: several files), a frozen copy of it, then a second
    crawl of the unchanged site into the same folder (conftest, shared with the replay
    tests; read only)."""
    return crawled_twice


@pytest.fixture(scope="module")
def first_records(archived) -> list[tuple[Path, object]]:
    return records_of(archived["first"] / "archive")


# -- WARC capture ------------------------------------------------------------------------


def test_warcio_check_passes_on_every_warc(archived) -> None:
    files = warc_files(archived["out"] / "archive")
    assert len(files) >= 3  # the first run rotated at 200 kB, the second run has its own
    result = subprocess.run(
        [str(VENV_BIN / "warcio"), "check", "-v", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "digest pass" in result.stdout and "digest fail" not in result.stdout
    indexed = subprocess.run(
        [str(VENV_BIN / "warcio"), "index", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert indexed.returncode == 0, indexed.stderr
    assert len(indexed.stdout.splitlines()) == len(records_of(archived["out"] / "archive"))


def test_every_exchange_is_captured_as_request_and_response(first_records) -> None:
    types = Counter(record.rec_type for _, record in first_records)
    assert types["warcinfo"] == len({path for path, _ in first_records})  # one per file
    assert types["response"] == types["request"] > 100
    statuses = Counter(
        (record.http_headers.get_statuscode())
        for _, record in first_records
        if record.rec_type == "response"
    )
    assert {"200", "301", "404", "500", "503"} <= set(statuses)
    urls = {r.rec_headers.get_header("WARC-Target-URI") or "" for _, r in first_records}
    assert any(u.endswith("/robots.txt") for u in urls)
    assert any(u.endswith("/rss.php") for u in urls)
    assert any("/uploads/" in u for u in urls)  # media downloads through the engine
    by_id = {
        r.rec_headers.get_header("WARC-Record-ID"): r
        for _, r in first_records
        if r.rec_type == "response"
    }
    for _, record in first_records:
        headers = record.rec_headers
        assert headers.protocol == "WARC/1.1"
        if record.rec_type == "request":
            assert headers.get_header("WARC-Concurrent-To") in by_id
            assert record.http_headers.protocol == "GET"
        if record.rec_type == "response":
            assert headers.get_header("WARC-IP-Address") == "127.0.0.1"
            digest = "sha256:" + hashlib.sha256(record.payload).hexdigest()
            assert headers.get_header("WARC-Payload-Digest") == digest
            assert record.http_headers.get_header("Content-Length") == str(len(record.payload))
            assert record.http_headers.get_header("Transfer-Encoding") is None


def test_warcinfo_declares_tool_run_settings_and_fidelity(first_records, archived) -> None:
    infos = [r for _, r in first_records if r.rec_type == "warcinfo"]
    fields = dict(
        line.split(": ", 1) for line in infos[0].payload.decode("utf-8").splitlines() if line
    )
    assert fields["software"].startswith("belong-scraper/")
    assert fields["format"] == "WARC File Format 1.1"
    assert "payload-exact" in fields["fidelity"] and "normalised" in fields["fidelity"]
    manifest = json.loads((archived["first"] / "manifest.json").read_text())
    assert fields["isPartOf"] == manifest["run_id"]
    assert json.loads(fields["belong-settings"])["ROBOTSTXT_OBEY"] is True


def test_payloads_are_the_bytes_the_server_sent(archived, first_records) -> None:
    responses: dict[tuple[str, str], list[bytes]] = {}
    for _, record in first_records:
        if record.rec_type == "response":
            key = (record.rec_headers.get_header("WARC-Target-URI"),
                   record.http_headers.get_statuscode())  # fmt: skip
            responses.setdefault(key, []).append(record.payload)
    export = load_export(archived["first"])
    records = [r for rows in export.values() for r in rows]
    assert len(records) > 50
    for record in records:
        url = record["source_url"]
        assert (url, "200") in responses, f"{record['id']}: no capture of {url}"
        assert served(url, 200) in responses[(url, "200")], record["id"]
    assets = json.loads((archived["first"] / "assets.json").read_text())
    assert assets
    for asset in assets:
        body = served(asset["url"], 200)
        assert body in responses[(asset["url"], "200")]
        assert hashlib.sha256(body).hexdigest() == asset["sha256"]
    # Original encoding and PHP warnings, not the cleaned text.
    origin = export["articles"][0]["source_url"].split("/news.php")[0]
    article_8 = responses[(f"{origin}/news.php?id=8", "200")][0]
    assert "\u2013".encode("cp1252") in article_8  # windows-1252 en dash, undecoded
    article_11 = responses[(f"{origin}/news.php?id=11", "200")][0]
    assert b"<b>Warning</b>" in article_11 and b"Undefined array key" in article_11
    # The fail-once pages: the 5xx attempt and the retried 200 are both there.
    for target, status in FAIL_ONCE.items():
        url = origin + target
        assert served(url, status) in responses[(url, str(status))]
        assert served(url, 200) in responses[(url, "200")]


@pytest.mark.parametrize(
    ("export_fixture", "site_dir"),
    [("migrated_export", SITE), ("holdout_export", HOLDOUT)],
    ids=["fixture-site", "holdout-site"],
)
def test_default_migrate_archives_each_site_exactly(request, export_fixture, site_dir) -> None:
    """The plain `migrate` of each site (the holdout one never tuned for) archives every
    record's page as served, traced by provenance.json, and passes its own fixity."""
    out: Path = request.getfixturevalue(export_fixture)
    files = warc_files(out / "archive")
    check = subprocess.run([str(VENV_BIN / "warcio"), "check", *map(str, files)],
                           capture_output=True, text=True)  # fmt: skip
    assert files and check.returncode == 0, check.stdout + check.stderr
    provenance = json.loads((out / "provenance.json").read_text())["records"]
    records = [r for rows in load_export(out).values() for r in rows]
    assert records
    for record in records:
        entry = provenance[record["id"]]
        with open(out / entry["warc_file"], "rb") as handle:
            handle.seek(entry["offset"])
            capture = next(iter(ArchiveIterator(handle)))
            payload = capture.raw_stream.read()
        assert capture.rec_headers.get_header("WARC-Target-URI") == record["source_url"]
        assert payload == served(record["source_url"], 200, site_dir), record["id"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["archive"]["captures"] == len(read_index(out / "archive" / "index.cdxj"))
    verified = archive_cli("verify", str(out))
    assert verified.returncode == 0, verified.stdout + verified.stderr


# -- index and provenance -----------------------------------------------------------------


def test_cdxj_index_lists_every_capture(archived) -> None:
    directory = archived["out"] / "archive"
    records = records_of(directory)
    captures = [r for _, r in records if r.rec_type in ("response", "revisit")]
    index = directory / "index.cdxj"
    lines = index.read_bytes().splitlines()
    assert lines == sorted(lines)
    entries = read_index(index)
    assert len(entries) == len(captures)
    for urlkey, timestamp, block in entries:
        assert {"url", "mime", "status", "digest", "length", "offset", "filename"} <= set(block)
        assert len(timestamp) == 14 and ")/" in urlkey
        with open(directory / block["filename"], "rb") as handle:
            handle.seek(int(block["offset"]))
            record = next(iter(ArchiveIterator(handle)))
            assert record.rec_headers.get_header("WARC-Target-URI") == block["url"]
            assert record.rec_headers.get_header("WARC-Payload-Digest") == block["digest"]
    facts = json.loads((archived["base"] / "facts.json").read_text())
    assert facts["second"]["captures"] == len(captures)
    assert facts["second"]["revisits"] > 0


def test_provenance_maps_every_record_to_its_capture(archived) -> None:
    out = archived["first"]
    provenance = json.loads((out / "provenance.json").read_text())["records"]
    export = load_export(out)
    ids = {r["id"] for rows in export.values() for r in rows}
    ids |= {a["id"] for a in json.loads((out / "assets.json").read_text())}
    assert set(provenance) == ids
    sources = {r["id"]: r["source_url"] for rows in export.values() for r in rows}
    for record_id, entry in provenance.items():
        assert entry is not None, record_id
        assert entry["status"] == 200
        if record_id in sources:
            assert entry["target_uri"] == sources[record_id]
        with open(out / entry["warc_file"], "rb") as handle:
            handle.seek(entry["offset"])
            record = next(iter(ArchiveIterator(handle)))
            assert record.rec_headers.get_header("WARC-Record-ID") == entry["record_id"]
            assert record.rec_headers.get_header("WARC-Date") == entry["date"]
            payload = record.raw_stream.read()
        assert entry["payload_digest"] == "sha256:" + hashlib.sha256(payload).hexdigest()
    assets = {a["id"]: a for a in json.loads((out / "assets.json").read_text())}
    for asset_id, asset in assets.items():
        assert provenance[asset_id]["payload_digest"] == f"sha256:{asset['sha256']}"


# -- re-crawl: revisits -------------------------------------------------------------------


def test_recrawl_of_unchanged_site_writes_revisits(archived) -> None:
    first_names = set(json.loads((archived["base"] / "first-files.json").read_text()))
    records = records_of(archived["out"] / "archive")
    first = [r for path, r in records if path.name in first_names]
    second = [r for path, r in records if path.name not in first_names]
    assert first and second
    first_ids = {r.rec_headers.get_header("WARC-Record-ID"): r for r in first}
    first_digests = {
        r.rec_headers.get_header("WARC-Payload-Digest") for r in first if r.rec_type == "response"
    }
    kinds = Counter(r.rec_type for r in second)
    assert kinds["revisit"] > 80  # every unchanged page, robots.txt, feed, 404s, 5xx bodies
    for record in second:
        headers = record.rec_headers
        if record.rec_type == "response" and record.payload:
            assert headers.get_header("WARC-Payload-Digest") not in first_digests
        if record.rec_type == "revisit":
            assert headers.get_header("WARC-Profile").endswith(
                "/warc/1.1/revisit/identical-payload-digest"
            )
            assert record.payload == b""  # the payload stays in the first run's WARC
            original = first_ids[headers.get_header("WARC-Refers-To")]
            oh = original.rec_headers
            assert headers.get_header("WARC-Refers-To-Target-URI") == oh.get_header(
                "WARC-Target-URI"
            )
            assert headers.get_header("WARC-Refers-To-Date") == oh.get_header("WARC-Date")
            assert headers.get_header("WARC-Payload-Digest") == oh.get_header("WARC-Payload-Digest")
    # New payload bytes in the second run: only empty bodies (redirects, 304s for media).
    assert all(not r.payload for r in second if r.rec_type == "response")
    # The second migrate's manifest counts what that run wrote.
    this_run = json.loads((archived["base"] / "facts.json").read_text())["second"]["this_run"]
    assert this_run["revisits"] == kinds["revisit"]
    assert this_run["responses"] == kinds["response"]


def test_provenance_after_recrawl_points_at_the_payload(archived) -> None:
    out = archived["out"]
    provenance = json.loads((out / "provenance.json").read_text())["records"]
    entry = provenance["article-11"]
    assert entry["record_type"] == "revisit"
    original = entry["payload_record"]
    assert original["record_type"] == "response"
    assert original["payload_digest"] == entry["payload_digest"]
    with open(out / original["warc_file"], "rb") as handle:
        handle.seek(original["offset"])
        payload = next(iter(ArchiveIterator(handle))).raw_stream.read()
    assert payload == served(entry["target_uri"], 200)


# -- WACZ ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packaged(archived, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("packaged") / "out"
    shutil.copytree(archived["out"], out)
    result = archive_cli("package", str(out), "--name", "site")
    assert result.returncode == 0, result.stderr
    wacz = out / "archive" / "site.wacz"
    assert wacz.is_file() and str(wacz) in result.stdout
    return wacz


def wacz_validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "wacz"), "validate", "-f", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_wacz_validates_with_the_wacz_package_and_our_check(packaged, archived) -> None:
    result = wacz_validate(packaged)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded" in result.stdout
    assert validate_wacz(packaged) == []
    with zipfile.ZipFile(packaged) as archive:
        names = set(archive.namelist())
        package = json.loads(archive.read("datapackage.json"))
        pages = [json.loads(line) for line in archive.read("pages/pages.jsonl").splitlines()]
        for name in names:
            if name.startswith("archive/"):
                assert archive.getinfo(name).compress_type == zipfile.ZIP_STORED
    assert package["wacz_version"] == "1.1.1"
    warcs = {f"archive/{p.name}" for p in warc_files(archived["out"] / "archive")}
    assert warcs | {"indexes/index.cdxj", "pages/pages.jsonl"} == {
        r["path"] for r in package["resources"]
    }
    assert all(r["hash"].startswith("sha256:") for r in package["resources"])
    assert pages[0]["format"] == "json-pages-1.0"
    export = load_export(archived["out"])
    expected = {r["source_url"]: r["title"] for r in export["articles"] + export["pages"]}
    assert {p["url"]: p["title"] for p in pages[1:]} == expected
    assert all(p["ts"].endswith("Z") for p in pages[1:])


def rewrite_zip(source: Path, target: Path, drop: set[str], edit=None) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in drop:
                continue
            data = old.read(info.filename)
            if edit:
                data = edit(info.filename, data)
            new.writestr(info, data)


def test_our_check_finds_what_the_wacz_validator_misses(packaged, tmp_path) -> None:
    # pages.jsonl removed, and its datapackage entry too: the wacz package still says valid.
    def unlist(name: str, data: bytes) -> bytes:
        if name == "datapackage.json":
            package = json.loads(data)
            package["resources"] = [
                r for r in package["resources"] if r["path"] != "pages/pages.jsonl"
            ]
            return json.dumps(package, indent=2).encode()
        return data

    unlisted = tmp_path / "unlisted.wacz"
    rewrite_zip(packaged, unlisted, {"pages/pages.jsonl", "datapackage-digest.json"}, unlist)
    assert wacz_validate(unlisted).returncode == 0  # the gap our check fills
    assert "pages/pages.jsonl is missing" in validate_wacz(unlisted)

    removed = tmp_path / "removed.wacz"
    rewrite_zip(packaged, removed, {"pages/pages.jsonl"})
    problems = validate_wacz(removed)
    assert "pages/pages.jsonl is missing" in problems
    assert any("listed in datapackage.json but not in the package" in p for p in problems)

    def flip(name: str, data: bytes) -> bytes:
        if name.endswith(".warc.gz"):
            return data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]
        if name == "indexes/index.cdxj":
            return data.replace(b'.warc.gz"', b'-elsewhere.warc.gz"', 1)
        return data

    tampered = tmp_path / "tampered.wacz"
    rewrite_zip(packaged, tampered, set(), flip)
    problems = validate_wacz(tampered)
    assert any("hash does not match" in p and p.startswith("archive/") for p in problems)
    assert any("refers to" in p and "not in archive/" in p for p in problems)


# -- fixity -------------------------------------------------------------------------------


@pytest.fixture
def export_copy(archived, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(archived["first"], out)
    return out


def flip_byte(path: Path, position: int = 10) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))


def test_sha256sums_covers_every_export_file(export_copy) -> None:
    lines = (export_copy / "SHA256SUMS").read_text().splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == sorted(names)
    files = {
        p.relative_to(export_copy).as_posix()
        for p in export_copy.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(export_copy).parts)
    }
    assert set(names) == files - {"SHA256SUMS"}
    assert {"articles.json", "manifest.json", "provenance.json", "archive/index.cdxj"} <= set(names)
    if shutil.which("sha256sum"):
        check = subprocess.run(
            ["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=export_copy, capture_output=True
        )
        assert check.returncode == 0, check.stdout


def test_verify_passes_untouched_and_names_every_change(export_copy) -> None:
    ok = archive_cli("verify", str(export_copy))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "match" in ok.stdout
    media = sorted((export_copy / "media").rglob("*.jpg"))[0]
    flip_byte(export_copy / "articles.json")
    flip_byte(media, 200)
    (export_copy / "pages.csv").unlink()
    (export_copy / "notes.txt").write_text("added later")
    bad = archive_cli("verify", str(export_copy))
    assert bad.returncode == 1
    assert "modified: articles.json" in bad.stdout
    assert f"modified: {media.relative_to(export_copy).as_posix()}" in bad.stdout
    assert "missing: pages.csv" in bad.stdout
    assert "extra: notes.txt" in bad.stdout
    assert "Traceback" not in bad.stderr


def test_verify_detects_one_changed_byte_in_any_file(export_copy) -> None:
    """Every file of the folder, SHA256SUMS itself included, one byte at a random place."""
    import random

    from belong_scraper.archive import verify

    pick = random.Random(5)
    listed = [
        line.split("  ", 1)[1] for line in (export_copy / "SHA256SUMS").read_text().splitlines()
    ]
    assert len(listed) > 100
    for name in [*listed, "SHA256SUMS"]:
        path = export_copy / name
        original = path.read_bytes()
        if not original:
            continue
        flip_byte(path, pick.randrange(len(original)))
        report = verify(export_copy)
        assert not report.ok, name
        if name != "SHA256SUMS":
            assert report.modified == [name] and not report.missing and not report.extra
        path.write_bytes(original)
    assert verify(export_copy).ok


def test_package_refuses_a_changed_folder(export_copy) -> None:
    flip_byte(export_copy / "clusters.json")
    result = archive_cli("package", str(export_copy))
    assert result.returncode == 1
    assert "modified: clusters.json" in result.stdout
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_bagit_bag_validates_and_verify_checks_it(export_copy) -> None:
    result = archive_cli("package", str(export_copy), "--bagit")
    assert result.returncode == 0, result.stderr
    bag_dir = export_copy.with_name("out.bag")
    bagit.Bag(str(bag_dir)).validate()  # raises on any problem
    assert (bag_dir / "data" / "articles.json").read_bytes() == (
        export_copy / "articles.json"
    ).read_bytes()
    assert (export_copy / "articles.json").is_file()  # the export folder keeps its layout
    wacz = next((export_copy / "archive").glob("*.wacz"))
    assert (bag_dir / "data" / "archive" / wacz.name).is_file()
    assert archive_cli("verify", str(export_copy)).returncode == 0  # SHA256SUMS has the wacz
    ok = archive_cli("verify", str(bag_dir))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    flip_byte(bag_dir / "data" / "articles.json")
    bad = archive_cli("verify", str(bag_dir))
    assert bad.returncode == 1
    assert "modified: data/articles.json" in bad.stdout
    again = archive_cli("package", str(export_copy), "--bagit")
    assert again.returncode != 0 and "already exists" in again.stderr


def test_cli_errors_are_one_line(tmp_path) -> None:
    for args in (["verify", str(tmp_path / "nope")], ["package", str(tmp_path)]):
        result = archive_cli(*args)
        assert result.returncode == 2
        assert result.stderr.startswith("belong-scraper: ")
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_no_warc_setting_writes_no_archive(migrated_no_warc: Path) -> None:
    out = migrated_no_warc  # the session's `migrate --no-warc` (its fixture asserts exit 0)
    assert not (out / "archive").exists() or not warc_files(out / "archive")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["archive"]["enabled"] is False
    assert finish_archive(out)["enabled"] is False
    assert not (out / "provenance.json").exists()
    assert (out / "SHA256SUMS").is_file()  # fixity does not depend on the archive


def test_main_command_has_package_and_verify() -> None:
    from belong_scraper.cli import build_parser

    choices = next(
        a.choices for a in build_parser()._actions if getattr(a, "choices", None) is not None
    )
    assert {"migrate", "watch", "package", "verify"} <= set(choices)


def test_every_request_the_server_saw_is_in_the_archive(migrated_run: SiteRun) -> None:
    """Not one HTTP exchange of a run happens outside the archive: the reachability check
    is a TCP connection, robots.txt, feed, media and retries are all captured."""
    # The session's plain migrate on a fresh server, and what that server saw during it.
    result, origin = migrated_run.result, migrated_run.origin
    seen = Counter(f"{r.method} {origin}{r.target}" for r in migrated_run.log)
    assert result.returncode == 0, result.stderr
    archived_requests: Counter[str] = Counter()
    for path in warc_files(migrated_run.out / "archive"):
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "request":
                    method = record.http_headers.protocol
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    archived_requests[f"{method} {uri}"] += 1
    assert archived_requests == seen
