"""Turn a request into the article text that spans index: plain text as sent, HTML via trafilatura."""

from __future__ import annotations

from dataclasses import dataclass

import anyio.to_thread
import trafilatura

from service.errors import ArticleTooLong, InvalidArticle
from service.schema import SummarizeRequest, VerifyRequest


@dataclass(frozen=True)
class Article:
    text: str
    title: str | None
    url: str | None
    from_html: bool


def html_to_text(html: str) -> tuple[str, str | None]:
    """Main text and title of a news page; raises `InvalidArticle` when no article text is found."""
    if "<body" not in html.lower():
        html = f"<html><body>{html}</body></html>"  # trafilatura ignores bare fragments
    doc = trafilatura.bare_extraction(
        html, include_comments=False, include_tables=False, favor_precision=True, with_metadata=True
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        # Short fragments are below trafilatura's thresholds; fall back to a plain text dump.
        text = trafilatura.html2txt(html) or ""
    if not text.strip():
        raise InvalidArticle("the HTML contains no article text")
    title = getattr(doc, "title", None) if doc is not None else None
    return text.strip(), title or None


async def prepare(request: SummarizeRequest | VerifyRequest, max_chars: int) -> Article:
    """Validate size and reduce HTML (off the event loop: parsing is CPU work)."""
    title = request.title if isinstance(request, SummarizeRequest) else None
    url = request.url if isinstance(request, SummarizeRequest) else None
    raw = request.text if request.text is not None else (request.html or "")
    if request.text is not None:
        if len(raw) > max_chars:
            raise ArticleTooLong(f"the article has {len(raw)} characters; the limit is {max_chars}")
        return Article(raw, title, url, from_html=False)
    if len(raw) > max_chars * 4:
        raise ArticleTooLong(f"the HTML has {len(raw)} characters; the limit is {max_chars * 4}")
    text, html_title = await anyio.to_thread.run_sync(html_to_text, raw)
    if len(text) > max_chars:
        raise ArticleTooLong(f"the article has {len(text)} characters; the limit is {max_chars}")
    return Article(text, title or html_title, url, from_html=True)
