"""`wordpress`: a WordPress post object, bare or wrapped as `{"post": {...}}`.

Reads `ID`, `post_title`, `post_content` (HTML, Gutenberg block comments included),
`post_status` and `permalink` (or `guid`). `publish` summarizes the post; `trash`,
`draft`, `private`, `pending` and `auto-draft` cancel pending work for it; `future`
(scheduled) and `inherit` (revisions, attachments) are ignored until they publish.
"""

from __future__ import annotations

from typing import Any

from service.errors import InvalidHookPayload
from service.hooks.base import HookEvent, job_request, need_dict, need_id, opt_str

REMOVED = frozenset({"trash", "draft", "private", "pending", "auto-draft"})
IGNORED = frozenset({"future", "inherit"})


def parse(payload: Any) -> HookEvent | None:
    body = need_dict(payload, "the payload")
    post = need_dict(body["post"], "post") if "post" in body else body
    external_id = need_id(post.get("ID"), "ID")
    status = post.get("post_status")
    action = body.get("action")
    if not isinstance(status, str | None) or not isinstance(action, str | None):
        raise InvalidHookPayload("post_status and action must be strings")
    if status in REMOVED or action in {"trash", "delete", "unpublish"}:
        return HookEvent("remove", external_id)
    if status in IGNORED:
        return None
    if status != "publish":
        raise InvalidHookPayload(f"post_status {status!r} is not one this adapter reads")
    html = opt_str(post.get("post_content"), "post_content")
    if not html:
        raise InvalidHookPayload("post_content is empty")
    url = opt_str(post.get("permalink"), "permalink") or opt_str(post.get("guid"), "guid")
    fields = {"html": html, "title": opt_str(post.get("post_title"), "post_title"), "url": url}
    return HookEvent("upsert", external_id, job_request({**fields, "external_id": external_id}, "post"))
