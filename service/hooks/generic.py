"""`generic`: our own `POST /v1/jobs` body with a required `external_id`.

Publish or update: `{"external_id": "story-42", "text": "...", "title": "..."}` (any
`JobRequest` field, `callback_url` included). Unpublish:
`{"external_id": "story-42", "action": "delete"}`.
"""

from __future__ import annotations

from typing import Any

from service.errors import InvalidHookPayload
from service.hooks.base import HookEvent, job_request, need_dict, need_id


def parse(payload: Any) -> HookEvent:
    body = need_dict(payload, "the payload")
    external_id = need_id(body.get("external_id"), "external_id")
    action = body.get("action", "publish")
    if action == "delete":
        extra = set(body) - {"external_id", "action"}
        if extra:
            raise InvalidHookPayload(f"a delete carries only external_id and action, not {sorted(extra)}")
        return HookEvent("remove", external_id)
    if action != "publish":
        raise InvalidHookPayload("action must be `publish` (the default) or `delete`")
    fields = {k: v for k, v in body.items() if k != "action"}
    return HookEvent("upsert", external_id, job_request(fields, "the payload"))
