"""What every CMS adapter produces, and the Standard Webhooks check that runs before any adapter.

An adapter is a function from the verified JSON payload to a `HookEvent`: either
`upsert` (publish or update: summarize this article) or `remove` (unpublish, trash,
delete: cancel pending work for this item), or None for events it ignores. It raises
`InvalidHookPayload` for anything it cannot read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from service.errors import InvalidHookPayload, WebhookUnauthorized
from service.jobs.model import JobRequest

MAX_WEBHOOK_ID_CHARS = 256
TIMESTAMP_TOLERANCE_S = 300.0  # the standardwebhooks library's own tolerance (5 minutes)


@dataclass(frozen=True)
class HookEvent:
    action: Literal["upsert", "remove"]
    external_id: str
    request: JobRequest | None = None  # for `upsert`

    def content_hash(self) -> str:
        """Hash of what shapes the digest: normalized article (whitespace, NFC), title, prompt, options."""
        assert self.request is not None
        r = self.request
        source = r.text if r.text is not None else (r.html or "")
        normalized = " ".join(unicodedata.normalize("NFC", source).split())
        h = hashlib.sha256()
        for part in ("text" if r.text is not None else "html", normalized, r.title or "", r.language or "",
                     r.prompt, r.options.model_dump_json()):  # fmt: skip
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.hexdigest()


Adapter = Callable[[Any], "HookEvent | None"]


def verify(secret: str, body: bytes, headers: Mapping[str, str]) -> str:
    """Check the Standard Webhooks signature; returns the `webhook-id`. Never raises anything else."""
    wanted = {k: headers[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature") if k in headers}
    try:
        Webhook(secret).verify(body, wanted, json_parse=False)
    # The library lets malformed input escape as ValueError (bad base64, a signature without a
    # comma, a body that is not UTF-8) or OverflowError (absurd timestamps): all mean "not signed".
    except (WebhookVerificationError, ValueError, TypeError, OverflowError) as exc:
        raise WebhookUnauthorized("the webhook signature is missing, stale or does not match") from exc
    webhook_id = wanted["webhook-id"]
    if len(webhook_id) > MAX_WEBHOOK_ID_CHARS:
        raise WebhookUnauthorized(f"webhook-id is longer than {MAX_WEBHOOK_ID_CHARS} characters")
    return webhook_id


def check_headers(headers: Mapping[str, str], now_s: float | None = None) -> None:
    """What the signature headers say before the body is in: present, well-formed, timely.

    Raises `WebhookUnauthorized` for what `verify` would refuse whatever the body, so a
    caller without the secret cannot make us read (and wait for) a body at all.
    """
    webhook_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    signature = headers.get("webhook-signature", "")
    refused = WebhookUnauthorized("the webhook signature is missing, stale or does not match")
    if not webhook_id or not stamp or not signature or len(webhook_id) > MAX_WEBHOOK_ID_CHARS:
        raise refused
    try:
        sent_s = float(stamp)
    except ValueError:
        raise refused from None
    now_s = time.time() if now_s is None else now_s
    if not math.isfinite(sent_s) or abs(now_s - sent_s) > TIMESTAMP_TOLERANCE_S:
        raise refused
    usable = False
    for entry in signature.split(" "):
        version, comma, value = entry.partition(",")
        if not comma or "," in value:
            raise refused  # the library cannot read it either
        if version == "v1":
            try:
                usable |= len(base64.b64decode(value, validate=True)) == hashlib.sha256().digest_size
            except (binascii.Error, ValueError):
                raise refused from None
    if not usable:
        raise refused


def job_request(fields: dict[str, Any], where: str) -> JobRequest:
    """A `JobRequest` from adapter-built fields, with validation errors as `InvalidHookPayload`."""
    try:
        return JobRequest.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ())) or where
        raise InvalidHookPayload(f"{where}: {loc}: {first.get('msg', 'invalid')}") from None


def need_dict(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidHookPayload(f"{what} must be a JSON object")
    return value


def need_id(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise InvalidHookPayload(f"{what} must be a non-empty string or number")
    text = str(value).strip()
    if len(text) > 200:
        raise InvalidHookPayload(f"{what} is longer than 200 characters")
    return text


def opt_str(value: object, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidHookPayload(f"{what} must be a string")
    return value
