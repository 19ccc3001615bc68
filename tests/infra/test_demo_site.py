"""The demo landing page of `make dev`: the snippet pointed at the local API, under a strict CSP, nothing else."""

from __future__ import annotations

import pytest

from infra.local.site import DemoSite

API = "http://127.0.0.1:3000"


def test_the_page_carries_the_snippet_pointed_at_the_api_and_a_strict_content_security_policy():
    response = DemoSite(api_url=API).handle("GET", "/")
    assert response.status == 200
    page = response.body.decode()
    assert f'data-api="{API}"' in page
    assert "{{API_URL}}" in page, "the comment for the coach keeps its placeholder"
    headers = dict(response.headers)
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert f"connect-src {API}" in policy
    assert "unsafe-inline" not in policy


def test_the_api_address_is_escaped_into_the_attribute():
    page = DemoSite(api_url='http://x"><script>').handle("GET", "/").body.decode()
    assert 'data-api="http://x&quot;&gt;&lt;script&gt;"' in page


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/pijntest/pijntest.js", "text/javascript"), ("/pijntest/pijntest.css", "text/css")],
)
def test_the_form_s_files_are_served(path, content_type):
    response = DemoSite(api_url=API).handle("GET", path)
    assert response.status == 200
    assert dict(response.headers)["Content-Type"].startswith(content_type)


@pytest.mark.parametrize(
    "path",
    ["/pijntest/voorbeeldpagina.html", "/pijntest/../template.yaml", "/pijntest/%2e%2e/template.yaml", "/favicon.ico"],
)
def test_nothing_else_is_served(path):
    assert DemoSite(api_url=API).handle("GET", path).status == 404


def test_the_page_only_answers_reads():
    response = DemoSite(api_url=API).handle("POST", "/")
    assert response.status == 405
