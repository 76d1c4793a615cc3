"""`/docs` and `/redoc` work offline: every asset they reference is on this service, and served.

Over real HTTP on loopback: the pages are fetched, every `src`/`href`/`url` they name is checked
to be same-origin, then fetched (200, the right type, a real file, not an error page).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from service.settings import Settings
from tests.conftest import running_service

REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|\burl\s*:\s*['"]([^'"]+)['"]""")
TYPES = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data: Path = tmp_path_factory.mktemp("docs")
    settings = Settings(engine="extractive", data_dir=data, grounding_workers=0, api_keys=("sk-docs-key",))
    with running_service(settings) as url:
        yield url


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_page_references_only_same_origin_assets_and_they_are_served(base: str, page: str) -> None:
    with httpx2.Client(base_url=base, timeout=30) as client:
        answer = client.get(page)  # public even with API keys configured
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/html")
        html = answer.text
        assert "cdn." not in html
        assert "https://" not in html
        assert "http://" not in html
        references = {a or b for a, b in REFERENCE.findall(html)}
        assets = {r for r in references if not r.startswith("#")}
        assert any(r.endswith(".js") for r in assets), assets  # the UI's script is among them
        for ref in sorted(assets):
            assert ref.startswith("/"), ref  # same origin: a path, not a URL
            assert not ref.startswith("//"), ref  # a scheme-relative URL is another origin
            asset = client.get(ref)
            assert asset.status_code == 200, ref
            suffix = Path(ref).suffix
            if suffix in TYPES:
                assert TYPES[suffix] in asset.headers["content-type"], (ref, asset.headers["content-type"])
            assert len(asset.content) > 100, ref


def test_swagger_ui_asks_no_outside_validator(base: str) -> None:
    html = httpx2.get(f"{base}/docs", timeout=30).text
    assert '"validatorUrl": null' in html
