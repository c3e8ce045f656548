"""Media URLs → files one-to-one: names a file system cannot hold as they are get a
deterministic alternate that keeps the extension, placing never aborts the export, and
nothing is written outside DIR/media/."""

from __future__ import annotations

import csv
import hashlib
import json
import mimetypes
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from belong_scraper.faults import build_faults
from belong_scraper.faults.media import NAMES_ARTICLES
from belong_scraper.fixture_server import FixtureServer
from belong_scraper.handoff import place_assets
from belong_scraper.media import (
    MAX_PATH_BYTES,
    MAX_SEGMENT_BYTES,
    media_layout,
    media_name,
    media_type_of,
    split_extension,
)
from tests.conftest import HOLDOUT, SITE, migrate

LOCAL_PATH = re.compile(r"^(?!.*\.\.)[A-Za-z0-9._/-]+$")  # assets.json's schema, minus "media/"


def layout_of(urls: list[str], media_type: str = "image/png") -> dict[str, str]:
    """One asset per URL (distinct bytes), keyed by the URL itself."""
    return media_layout({url: ([url], media_type) for url in urls})


def folded_clashes(paths: list[str]) -> list[tuple[str, str]]:
    """Pairs that one case-insensitive file system cannot hold: equal, or one inside the
    other."""
    folded = {p.casefold(): p for p in paths}
    clashes = []
    if len(folded) != len(paths):
        clashes.append(("duplicate", "ignoring case"))
    for path in paths:
        for parent in list(PurePosixPath(path.casefold()).parents)[:-1]:
            if parent.as_posix() in folded:
                clashes.append((folded[parent.as_posix()], path))
    return clashes


def url_extension(url: str) -> str:
    name = unquote(urlsplit(url).path).rstrip("/").rsplit("/", 1)[-1]
    return split_extension(name.rstrip(" ."))[1].lower()


def test_a_file_and_a_folder_of_the_same_name() -> None:
    base = "http://x/uploads/2024/03"
    layout = layout_of([f"{base}/a.jpg", f"{base}/a.jpg/b.jpg"])
    assert layout[f"{base}/a.jpg"] == "uploads/2024/03/a.jpg"
    renamed = layout[f"{base}/a.jpg/b.jpg"]
    assert renamed.endswith(".jpg") and not renamed.startswith("uploads/2024/03/a.jpg/")
    assert not folded_clashes(list(layout.values()))


def test_a_folder_url_never_displaces_the_files_in_it() -> None:
    base = "http://x/uploads/2024/03"
    urls = [f"{base}/a.jpg", f"{base}/b.pdf", "http://x/uploads/2024/03", "http://x/uploads/"]
    layout = layout_of(urls, "image/jpeg")
    assert layout[f"{base}/a.jpg"] == "uploads/2024/03/a.jpg"
    assert layout[f"{base}/b.pdf"] == "uploads/2024/03/b.pdf"
    for folder in urls[2:]:
        assert layout[folder].endswith(".jpg"), layout[folder]  # from the media type
    assert not folded_clashes(list(layout.values()))


def test_names_differing_only_by_case_are_two_files() -> None:
    urls = [
        "http://x/uploads/Photo.JPG",
        "http://x/uploads/photo.jpg",
        "http://x/uploads/PHOTO.jpg",
    ]
    paths = list(layout_of(urls).values())
    assert len({p.casefold() for p in paths}) == 3
    assert all(p.lower().endswith(".jpg") for p in paths)


@pytest.mark.parametrize(
    "url",
    [
        "http://x/uploads/2024/03/" + "n" * 300 + ".jpg",
        "http://x/uploads/" + "/".join(["d" * 200] * 22) + "/deep.png",
        "http://x/uploads/2024/03/" + "%C3%BC" * 140 + ".pdf",
        "http://x/uploads/2024/03/" + "%E5%9B%BE" * 90 + ".png",
        "http://x/uploads/2024/%2E%2E/x.png",
        "http://x/uploads/2024/03/%2e",
        "http://x/uploads/2024/03/CON.jpg",
        "http://x/uploads/2024/03/lpt1.pdf",
        "http://x/uploads/2024/03/%00.png",
    ],
)
def test_unusable_names_get_an_alternate_that_keeps_the_extension(url: str) -> None:
    assert not media_name(url).clean
    path = layout_of([url])[url]
    assert LOCAL_PATH.match(path), path
    assert len(path.encode()) <= MAX_PATH_BYTES
    assert all(len(part.encode()) <= MAX_SEGMENT_BYTES for part in path.split("/"))
    assert re.search(r"-[0-9a-f]{12}\.[a-z0-9]+$", path), path
    assert path.endswith(url_extension(url) or ".png")


def test_an_encoded_slash_stays_in_its_name() -> None:
    encoded, real = "http://x/uploads/a%2Fb.jpg", "http://x/uploads/a/b.jpg"
    layout = layout_of([encoded, real])
    assert layout[real] == "uploads/a/b.jpg"
    assert layout[encoded] != layout[real] and layout[encoded].endswith(".jpg")


def test_trailing_dots_and_spaces_do_not_merge_files() -> None:
    urls = ["http://x/u/b.png", "http://x/u/b.png.", "http://x/u/b.png%20", "http://x/u/b.png%20."]
    paths = list(layout_of(urls).values())
    assert len({p.casefold() for p in paths}) == 4
    assert all(p.endswith(".png") for p in paths)


def test_one_file_per_sha256_whatever_the_number_of_urls() -> None:
    layout = media_layout(
        {"s1": (["http://x/u/a.png", "http://x/u/copy.png"], "image/png"),
         "s2": (["http://x/u/B.png", "http://x/u/copy.png/x.png"], "image/png")}
    )  # fmt: skip
    assert layout == {"s1": "u/a.png", "s2": "u/B.png"}  # the smallest clean name of its URLs


PIECES = st.sampled_from(
    ["a.jpg", "A.JPG", "b", "..", ".", "%2E%2E", "%2e", "%2F", "x%2Fy.png", "%00", "CON.jpg",
     "aux", "t.png.", "t.png%20", "03", "uploads", "%C3%BC" * 100 + ".pdf", "n" * 260 + ".gif",
     "", "a..b.pdf", ".htaccess", "doc.PDF", "file.pdf", "q.jpg?v=1", "r" * 95 + ".jpg?v=1"]
)  # fmt: skip
URL_SETS = st.lists(
    st.lists(PIECES, min_size=1, max_size=6).map(lambda p: "http://x/uploads/" + "/".join(p)),
    min_size=1,
    max_size=25,
    unique=True,
)


@settings(max_examples=200, deadline=None)
@given(URL_SETS, st.randoms(use_true_random=False))
def test_layout_is_one_to_one_safe_and_independent_of_order(urls: list[str], rnd) -> None:
    layout = layout_of(urls)
    paths = list(layout.values())
    assert not folded_clashes(paths), folded_clashes(paths)
    for url, path in layout.items():
        assert LOCAL_PATH.match(path) and ".." not in path.split("/"), path
        assert len(path.encode()) <= MAX_PATH_BYTES + 8
        assert all(len(part.encode()) <= MAX_SEGMENT_BYTES for part in path.split("/"))
        if url_extension(url):
            assert path.lower().endswith(url_extension(url)), (url, path)
    shuffled = urls[:]
    rnd.shuffle(shuffled)
    assert layout_of(shuffled) == layout


# ---------------------------------------------------------------------------- placing


def asset(local_path: str, data: bytes, incoming: Path) -> dict:
    sha = hashlib.sha256(data).hexdigest()
    incoming.mkdir(parents=True, exist_ok=True)
    (incoming / sha).write_bytes(data)
    return {"id": f"asset-{sha[:12]}", "local_path": local_path, "sha256": sha}


def test_an_asset_that_cannot_be_placed_is_reported_not_raised(tmp_path: Path) -> None:
    out = tmp_path / "out"
    incoming = out / "media" / ".incoming"
    good = asset("media/uploads/ok.png", b"good", incoming)
    blocked = asset("media/uploads/blocked.png", b"blocked", incoming)
    (out / "media" / "uploads" / "blocked.png").mkdir(parents=True)  # a folder in the way
    unplaced = place_assets(out, [good, blocked])
    assert set(unplaced) == {blocked["id"]} and unplaced[blocked["id"]].startswith("not placed")
    assert (out / "media" / "uploads" / "ok.png").read_bytes() == b"good"
    assert not incoming.exists()


def test_a_stale_file_where_a_folder_is_needed_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "media" / "uploads").mkdir(parents=True)
    (out / "media" / "uploads" / "2024").write_bytes(b"left by an older layout")
    placed = asset("media/uploads/2024/a.png", b"new", out / "media" / ".incoming")
    assert place_assets(out, [placed]) == {}
    assert (out / "media" / "uploads" / "2024" / "a.png").read_bytes() == b"new"


def test_never_writes_through_a_symlink(tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    (out / "media").mkdir(parents=True)
    (out / "media" / "uploads").symlink_to(outside)
    placed = asset("media/uploads/a.png", b"x", out / "media" / ".incoming")
    assert set(place_assets(out, [placed])) == {placed["id"]}
    assert list(outside.iterdir()) == []


def test_never_writes_through_a_symlinked_media_folder(tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    (outside / ".incoming").mkdir(parents=True)
    out.mkdir()
    (out / "media").symlink_to(outside)
    placed = asset("media/a.png", b"x", outside / ".incoming")
    assert set(place_assets(out, [placed])) == {placed["id"]}
    assert not (outside / "a.png").exists()


# ---------------------------------------------------------------------------- end to end


def served_files(server: FixtureServer) -> dict[str, bytes]:
    """Every upload the server answered with a file, by request target."""
    return {
        entry.target: server.site.reply(entry.target).body
        for entry in server.log
        if entry.target.startswith("/uploads/") and entry.status == 200
    }


def fault_paths(site: Path, variant: int) -> set[str]:
    (fault,) = build_faults(site, ["media-names"], variant)
    return {r.path for r in fault.routes if r.path.startswith("/uploads/")}


def expected_articles(site: Path) -> set[str]:
    facts = json.loads((site / "expected-facts.json").read_text(encoding="utf-8"))
    return {
        key for key, fact in facts.items() if key.startswith("article-") and not fact["removed"]
    }


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir()}


def check_media_export(
    out: Path, tmp: Path, site: Path, variant: int, result, server: FixtureServer
) -> None:
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.seconds < 180 and result.max_rss_mb < 400, (result.seconds, result.max_rss_mb)
    assert "Traceback" not in result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    articles = {a["id"]: a for a in json.loads((out / "articles.json").read_text("utf-8"))}
    assert expected_articles(site) <= set(articles)
    assert {f"article-{n}" for n in NAMES_ARTICLES} <= set(articles)

    assets = json.loads((out / "assets.json").read_text(encoding="utf-8"))
    by_id = {a["id"]: a for a in assets}
    media = (out / "media").resolve()
    on_disk = files_under(out / "media")
    # One file per asset, nothing else in media/, every file the bytes it claims.
    assert on_disk == {a["local_path"].removeprefix("media/") for a in assets}
    assert len({a["local_path"].casefold() for a in assets}) == len(assets)
    for entry in assets:
        path = (out / entry["local_path"]).resolve()
        assert media in path.parents
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
        if url_extension(entry["url"]):
            assert entry["local_path"].lower().endswith(url_extension(entry["url"]))
        else:
            assert Path(entry["local_path"]).suffix in mimetypes.guess_all_extensions(
                entry["media_type"], strict=False
            )
    # Everything the fault served is published, distinct bytes as distinct files.
    published = {a["sha256"] for a in assets}
    served = served_files(server)
    assert {urlsplit(t).path for t in served} & fault_paths(site, variant)
    assert {hashlib.sha256(body).hexdigest() for body in served.values()} <= published
    assert not manifest["failed_downloads"], manifest["failed_downloads"]
    # Each media URL fetched is an asset in the ledger.
    ledger = json.loads((out / "ledger.json").read_text(encoding="utf-8"))
    outcomes = {e["url"]: e["outcome"] for e in ledger["entries"]}
    assert all(outcomes[a["url"]] == "asset" for a in assets), assets
    # Bodies point at the placed files, each reference resolved.
    for number in NAMES_ARTICLES:
        body = articles[f"article-{number}"]["body_html"]
        refs = re.findall(r'(?:src|href)="(/media/[^"]+)"[^>]*data-asset="(asset-[0-9a-f]+)"', body)
        assert len(refs) == body.count("<img") + body.count("<a "), body
        for href, asset_ref in refs:
            assert href == "/" + by_id[asset_ref]["local_path"]
            assert (out / href.lstrip("/")).is_file()
        assert "data-missing" not in body
    # The redirect map sends each legacy media URL to its file.
    with (out / "redirects.csv").open(encoding="utf-8", newline="") as handle:
        media_rows = [r for r in csv.DictReader(handle) if r["target"].startswith("/media/")]
    assert {r["legacy_url"] for r in media_rows} >= {a["url"] for a in assets}
    for row in media_rows:
        assert (out / row["target"].lstrip("/")).is_file(), row
    # The renderings read the same names.
    wxr = (out / "wordpress.xml").read_text(encoding="utf-8")
    for entry in assets:
        assert "/" + entry["local_path"] in wxr
    # Nothing written beside the export folder but its state (and resume job) files.
    beside = {p.name for p in tmp.iterdir()} - {out.name, f"{out.name}.job"}
    assert all(name.startswith(f"{out.name}.state.sqlite") for name in beside), beside


def test_media_name_clashes_end_to_end_deterministic_and_rerun(tmp_path: Path) -> None:
    """Two runs of one site into two folders place the same files under the same names;
    a third over the second's folder answers 304s from the files it placed, whatever
    their names, and still keeps one file per asset."""
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir(), second.mkdir()
    with FixtureServer(SITE, faults=["media-names"]) as server:
        result = migrate(server, first / "out")
        check_media_export(first / "out", first, SITE, 0, result, server)
        again = migrate(server, second / "out", fresh=True)  # compared with the first
        assert again.returncode == 0, again.stderr[-2000:]
        assert (first / "out" / "assets.json").read_bytes() == (
            second / "out" / "assets.json"
        ).read_bytes()
        assert files_under(first / "out" / "media") == files_under(second / "out" / "media")
        rerun = migrate(server, second / "out")
        check_media_export(second / "out", second, SITE, 0, rerun, server)
    if shutil.which("hugo"):  # the built site serves every file where the bodies point
        public = tmp_path / "public"
        built = subprocess.run(
            ["hugo", "--source", str(first / "out" / "hugo"), "--destination", str(public)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert built.returncode == 0, built.stderr
        for entry in json.loads((first / "out" / "assets.json").read_text(encoding="utf-8")):
            assert (public / entry["local_path"]).is_file(), entry["local_path"]


@pytest.mark.parametrize("variant", [1, 2])
def test_media_name_clashes_on_a_site_never_seen(tmp_path: Path, variant: int) -> None:
    with FixtureServer(HOLDOUT, faults=["media-names"], variant=variant) as server:
        result = migrate(server, tmp_path / "out")
        check_media_export(tmp_path / "out", tmp_path, HOLDOUT, variant, result, server)


@pytest.mark.parametrize("declared", ["jpeg", "image/", "image/jpeg x", "<script>/x", "ÿ/ÿ"])
def test_a_malformed_content_type_is_not_believed(declared: str) -> None:
    assert media_type_of(b"GIF89a...", declared, "http://x/a.gif") == "image/gif"
    assert media_type_of(b"plain", declared, "http://x/a.txt") == "text/plain"
    assert media_type_of(b"plain", declared, "http://x/a") == "application/octet-stream"


def test_canonical_spelling_keeps_an_encoded_slash(profile, origin) -> None:
    """Decoding %2F would request another file (a/b.jpg) than the one linked."""
    from belong_scraper.urls import canonical_url

    for spelling in ("a%2Fb.jpg", "a%2fb.jpg"):
        url = f"{origin.url}/uploads/{spelling}"
        assert canonical_url(url, origin, profile) == f"{origin.url}/uploads/a%2Fb.jpg"
    assert canonical_url(f"{origin.url}/uploads/a/b.jpg", origin, profile).endswith("/a/b.jpg")
