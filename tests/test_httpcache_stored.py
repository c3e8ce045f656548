"""httpcache.stored_form: what the resume cache keeps of a response is what
Response.to_dict() keeps, without working the text encoding out of the body."""

from __future__ import annotations

import pytest
from scrapy.extensions.httpcache import response_from_dict
from scrapy.http import HtmlResponse, Response, TextResponse

from belong_scraper.httpcache import stored_form

PAGE = "<html><head><title>Café</title></head><body><p>Ελληνικά €</p></body></html>"


@pytest.mark.parametrize(
    "response",
    [
        HtmlResponse("http://site.test/a", body=PAGE.encode("utf-8"), status=200),
        HtmlResponse(
            "http://site.test/b",
            body=PAGE.encode("cp1252", "replace"),
            headers={"Content-Type": "text/html; charset=windows-1252"},
        ),
        HtmlResponse("http://site.test/c", body=PAGE.encode("utf-8"), encoding="utf-8"),
        TextResponse("http://site.test/d.txt", body=b"plain", headers={"X-A": "1"}),
        Response("http://site.test/e.jpg", body=b"\xff\xd8\xff", status=404, flags=["cached"]),
    ],
)
def test_the_stored_form_rebuilds_the_same_response(response: Response) -> None:
    rebuilt = response_from_dict(stored_form(response))
    expected = response_from_dict(response.to_dict())
    assert type(rebuilt) is type(expected)  # a plain Response's class is guessed, as Scrapy does
    for name in ("url", "status", "body", "flags", "ip_address", "protocol"):
        assert getattr(rebuilt, name) == getattr(expected, name)
    assert rebuilt.headers == expected.headers
    if isinstance(response, TextResponse):
        assert rebuilt.encoding == expected.encoding == response.encoding
        assert rebuilt.text == response.text


def test_no_encoding_is_guessed_from_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    response = HtmlResponse("http://site.test/a", body=PAGE.encode("utf-8"))

    def guessed(self: TextResponse) -> str:
        raise AssertionError("the body was decoded to guess an encoding")

    monkeypatch.setattr(TextResponse, "_body_inferred_encoding", guessed)
    assert "encoding" not in stored_form(response)
