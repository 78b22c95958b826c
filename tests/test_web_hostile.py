"""Documents are hostile: nothing in them runs, loads or submits in the workspace.

The document view renders the clean text escaped, never the original HTML; the
original is only ever sent as an attachment; the Content-Security-Policy forbids
inline script even if something slipped through."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from sillok.store.archive import Archive
from test_web_support import app, client_as, doc_id, web_archive

__all__ = ["app", "client_as", "web_archive"]

HOSTILE = ("hostile-report.html", "hostile-notes.txt")


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


def assert_inert(html: str) -> None:
    """No handler attributes, no script but ours, nothing remote, no foreign forms."""
    for tag, attrs in elements(html):
        handlers = [a for a in attrs if a.lower().startswith("on")]
        assert not handlers, (tag, attrs)
        for name in ("src", "href", "action", "data", "formaction", "poster", "srcset"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "javascript:", "data:text")), \
                (tag, attrs)
        assert tag not in ("iframe", "object", "embed", "base", "frame", "img"), (tag, attrs)
        if tag == "script":
            assert attrs == {"src": "/static/app.js", "defer": None}, attrs
        if tag == "meta":
            assert "http-equiv" not in attrs, attrs
        if tag == "form":
            assert (attrs.get("action") or "/").startswith("/"), attrs


@pytest.mark.parametrize("name", HOSTILE)
def test_document_view_shows_hostile_markup_as_text(client_as: Any, web_archive: Archive,
                                                     name: str) -> None:
    target = doc_id(web_archive, name)
    for role in ("viewer", "investigator"):
        page = client_as(role).get(f"/documents/{target}")
        assert page.status_code == 200
        assert_inert(page.text)
        assert "<script>alert" not in page.text and 'onerror="' not in page.text


def test_hostile_text_is_escaped_not_dropped(client_as: Any, web_archive: Archive) -> None:
    page = client_as("analyst").get(f"/documents/{doc_id(web_archive, 'hostile-notes.txt')}")
    assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text


@pytest.mark.parametrize("path", ["/search?q=Yodok", "/search?q=Hwasong",
                                  "/facilities/kwanliso-15", "/review", "/estimates"])
def test_other_pages_that_quote_documents_are_inert(client_as: Any, path: str) -> None:
    page = client_as("admin").get(path)
    assert page.status_code == 200
    assert_inert(page.text)


def test_review_page_is_inert(client_as: Any, web_archive: Archive) -> None:
    for name in HOSTILE:
        page = client_as("analyst").get(f"/documents/{doc_id(web_archive, name)}/review")
        assert page.status_code == 200
        assert_inert(page.text)


def test_every_response_carries_the_security_headers(client_as: Any,
                                                     web_archive: Archive) -> None:
    client = client_as("admin")
    target = doc_id(web_archive, "hostile-report.html")
    for path in ("/", f"/documents/{target}", f"/api/documents/{target}", "/login",
                 "/static/app.css", "/nowhere"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
    assert client.get("/").headers["cache-control"] == "no-store"


def test_the_original_is_only_ever_an_attachment(client_as: Any, web_archive: Archive) -> None:
    target = doc_id(web_archive, "hostile-report.html")
    response = client_as("viewer").get(f"/documents/{target}/original")
    assert response.status_code == 200
    assert response.content.startswith(b"<!doctype html>")
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "hostile-report.html" in response.headers["content-disposition"]
    assert response.headers["content-security-policy"].startswith("sandbox")
