"""/docs and /redoc work with no internet: every script and stylesheet comes from the service."""

from __future__ import annotations

import re

import pytest

from tests.service.conftest import Env


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_load_only_local_assets(env: Env, page: str) -> None:
    resp = env.client.get(page)
    assert resp.status_code == 200
    assert "text/html" in resp.headers["content-type"]
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", resp.text)
    urls += re.findall(r"""url:\s*['"]([^'"]+)['"]""", resp.text)
    assert urls, resp.text
    for url in urls:
        assert not url.startswith(("http:", "https:", "//")), f"{page} loads {url} from outside"
        if url.startswith("/docs-assets/"):
            asset = env.client.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 1000, url
    assert "/openapi.json" in resp.text


def test_openapi_document_still_served(env: Env) -> None:
    resp = env.client.get("/openapi.json")
    assert resp.status_code == 200
    assert resp.json()["info"]["title"] == "docscreen"
