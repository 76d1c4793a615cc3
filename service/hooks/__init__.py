"""CMS webhook adapters, one small module each: `generic`, `wordpress`, `arc`.

`ADAPTERS` maps the `{source}` of `POST /v1/hooks/{source}` to the adapter's parse
function (see `service.hooks.base`). To add a CMS, add a module and a row here.
"""

from __future__ import annotations

from service.hooks import arc, generic, wordpress
from service.hooks.base import Adapter, HookEvent, verify

ADAPTERS: dict[str, Adapter] = {"generic": generic.parse, "wordpress": wordpress.parse, "arc": arc.parse}

__all__ = ["ADAPTERS", "HookEvent", "verify"]
