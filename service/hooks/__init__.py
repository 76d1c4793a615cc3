"""CMS webhook adapters, one small module each: `generic`, `wordpress`, `arc`.

`ADAPTERS` maps the `{source}` of `POST /v1/hooks/{source}` to the adapter's parse
function (see `service.hooks.base`). To add a CMS, add a module and a row here.
"""

from __future__ import annotations

from collections.abc import Mapping

from service.errors import UnknownHookSource, WebhooksNotConfigured
from service.hooks import arc, generic, wordpress
from service.hooks.base import Adapter, HookEvent, check_headers, verify

ADAPTERS: dict[str, Adapter] = {"generic": generic.parse, "wordpress": wordpress.parse, "arc": arc.parse}


def check_before_body(secret: str | None, source: str, headers: Mapping[str, str]) -> None:
    """Everything a webhook can fail on before its body is read, in the route's order."""
    if not secret:
        raise WebhooksNotConfigured("this server has no NEWSBRIEF_WEBHOOK_SECRET, so it takes no webhooks")
    if source not in ADAPTERS:
        raise UnknownHookSource(
            f"no webhook adapter for {source[:64]!r}; known: {', '.join(sorted(ADAPTERS))}"
        )
    check_headers(headers)


__all__ = ["ADAPTERS", "HookEvent", "check_before_body", "verify"]
