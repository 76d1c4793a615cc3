"""The editor's review page: `GET /review` and its assets, static files shipped in the package.

The page holds no data and no key. It is plain HTML, CSS and one script from
`service/static/review/`; everything it shows comes from the same `/v1` routes any client
calls, with the key the editor types (kept in the tab's `sessionStorage`) as
`Authorization: Bearer`, so the gate (`service/http/gate.py`) checks the page's calls like any
other: the page is no way around auth.

Caching: assets are served under names that carry their content hash
(`/review/assets/review.<hash>.js`), so a browser keeps them for a year and a new release is
fetched at once; the page itself is revalidated on every load (`no-cache` + `ETag`, 304 when
unchanged). Every answer carries a strict Content-Security-Policy: nothing from another
origin, no inline script or style, and DOM sinks closed by Trusted Types (the script builds
the article view with `textContent` only: article text is untrusted).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from importlib import resources

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException
from starlette.responses import Response

ASSETS_PATH = "/review/assets"
# (file in service/static/review/, placeholder in index.html, media type)
ASSET_FILES = (
    ("review.css", "@REVIEW_CSS@", "text/css; charset=utf-8"),
    ("review.js", "@REVIEW_JS@", "text/javascript; charset=utf-8"),
    ("icon.svg", "@REVIEW_ICON@", "image/svg+xml"),
)
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
        "trusted-types 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
PAGE_CACHE = "no-cache"  # revalidate each load: the page names the current asset hashes
ASSET_CACHE = "public, max-age=31536000, immutable"  # the name changes when the content does


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    etag: str


@dataclass(frozen=True)
class Bundle:
    page: Asset
    assets: dict[str, Asset]  # by hashed name


def _asset(body: bytes, media_type: str) -> Asset:
    return Asset(body, media_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


@functools.cache
def bundle() -> Bundle:
    """The page and its assets, read from the package once (at the first request, not at import)."""
    folder = resources.files("service") / "static" / "review"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assets: dict[str, Asset] = {}
    for filename, placeholder, media_type in ASSET_FILES:
        body = (folder / filename).read_bytes()
        stem, _, suffix = filename.rpartition(".")
        hashed = f"{stem}.{hashlib.sha256(body).hexdigest()[:12]}.{suffix}"
        assets[hashed] = _asset(body, media_type)
        page = page.replace(placeholder, f"{ASSETS_PATH}/{hashed}")
    return Bundle(_asset(page.encode("utf-8"), "text/html; charset=utf-8"), assets)


def _send(request: Request, asset: Asset, cache_control: str) -> Response:
    headers = {**SECURITY_HEADERS, "Cache-Control": cache_control, "ETag": asset.etag}
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


router = APIRouter(include_in_schema=False)  # pages for people, not API operations


@router.api_route("/review", methods=["GET", "HEAD"])  # HEAD: what link checkers and monitors send
async def review_page(request: Request) -> Response:
    """The review page; `?job=<id>` is read by the page's script, not here."""
    return _send(request, bundle().page, PAGE_CACHE)


@router.api_route(ASSETS_PATH + "/{name}", methods=["GET", "HEAD"])
async def review_asset(name: str, request: Request) -> Response:
    """A page asset by its hashed name; an old or unknown name is a 404 problem."""
    asset = bundle().assets.get(name)
    if asset is None:
        raise HTTPException(404, "no such review page asset (the page names the current ones)")
    return _send(request, asset, ASSET_CACHE)
