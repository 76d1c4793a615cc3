"""`arc`: an Arc XP ANS story, bare or in an event envelope.

Bare story (a publish): `{"_id": "...", "type": "story", "headlines": {"basic": "..."},
"content_elements": [{"type": "text", "content": "<p>inline HTML</p>"}, ...],
"canonical_url": "https://..."}`. Envelope: `{"event": "story:published" |
"story:updated" | "story:unpublished" | "story:deleted", "story": {ANS}}` (`body` is
read as a synonym of `story`); an unpublish or delete needs only the story's `_id`
(or a top-level `id`). Text and header elements become the article, in order; other
element types (images, embeds, lists of links) are left out.
"""

from __future__ import annotations

import html as htmlmod
from typing import Any

from service.errors import InvalidHookPayload
from service.hooks.base import HookEvent, job_request, need_dict, need_id, opt_str

PUBLISH = frozenset({"story:published", "story:updated", "story:create", "story:update", "publish"})
REMOVE = frozenset({"story:unpublished", "story:deleted", "story:delete", "unpublish", "delete"})


def _article_html(elements: object) -> str:
    if not isinstance(elements, list):
        raise InvalidHookPayload("content_elements must be a list")
    parts = []
    for element in elements:
        if not isinstance(element, dict):
            continue
        content = element.get("content")
        if not isinstance(content, str) or not content.strip():
            continue
        if element.get("type") == "text":
            parts.append(f"<p>{content}</p>")
        elif element.get("type") == "header":
            parts.append(f"<h2>{content}</h2>")
    if not parts:
        raise InvalidHookPayload("the story has no text content_elements")
    return "<article>" + "\n".join(parts) + "</article>"


def parse(payload: Any) -> HookEvent:
    body = need_dict(payload, "the payload")
    event = body.get("event")
    if event is None:
        story, event = body, "publish"
    else:
        if not isinstance(event, str) or event not in PUBLISH | REMOVE:
            raise InvalidHookPayload(f"event {event!r} is not one this adapter reads")
        wrapped = body.get("story", body.get("body"))
        story = need_dict(wrapped, "story") if wrapped is not None else {}
    external_id = need_id(story.get("_id", body.get("id")), "_id")
    if event in REMOVE:
        return HookEvent("remove", external_id)
    headlines = story.get("headlines") or {}
    title = opt_str(need_dict(headlines, "headlines").get("basic"), "headlines.basic")
    url = opt_str(story.get("canonical_url"), "canonical_url")
    if url is None or not url.startswith(("http://", "https://")):
        url = opt_str(story.get("website_url"), "website_url")
    if url is not None and not url.startswith(("http://", "https://")):
        url = None  # a site-relative path says nothing without the site's domain
    fields = {
        "html": _article_html(story.get("content_elements")),
        "title": htmlmod.unescape(title) if title else None,
        "url": url,
        "external_id": external_id,
    }
    return HookEvent("upsert", external_id, job_request(fields, "story"))
