"""WordPress files an attachment kept at its legacy upload path by year and month,
whatever folder held the site's uploads."""

from __future__ import annotations

import pytest

from belong_scraper.targets.wxr import UPLOADS


@pytest.mark.parametrize(
    ("local_path", "attached"),
    [
        ("media/uploads/2023/03/report.pdf", "2023/03/report.pdf"),  # the legacy PHP site
        ("media/wp-content/uploads/2021/11/logo-scaled.jpg", "2021/11/logo-scaled.jpg"),
        ("media/files/uploads/2020/01/a/b.png", "2020/01/a/b.png"),
    ],
)
def test_the_path_from_the_year_on_is_the_attached_file(local_path: str, attached: str) -> None:
    found = UPLOADS.match(local_path)
    assert found is not None and found.group(1) == attached


@pytest.mark.parametrize(
    "local_path", ["media/img/logo.png", "media/uploads/report.pdf", "hugo/uploads/2023/03/x.jpg"]
)
def test_other_paths_get_no_attached_file(local_path: str) -> None:
    assert UPLOADS.match(local_path) is None
