"""API keys: a short id per key, and the constant-time match of an `Authorization: Bearer` value."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence


def key_id(key: str) -> str:
    """A short, stable, non-reversible name for an API key (logs, quotas, job ownership)."""
    return "key_" + hashlib.sha256(key.encode()).hexdigest()[:12]


def key_table(keys: Sequence[str]) -> list[tuple[bytes, str]]:
    return [(k.encode(), key_id(k)) for k in keys]


def authenticate(authorization: bytes, keys: Sequence[tuple[bytes, str]]) -> str | None:
    """The id of the key in an `Authorization: Bearer <key>` value, or None.

    Every key is compared, in constant time, so the time taken does not tell which matched.
    """
    scheme, _, token = authorization.partition(b" ")
    token = token.strip()
    matched = None
    for key, kid in keys:
        if hmac.compare_digest(token, key):
            matched = kid
    return matched if scheme.lower() == b"bearer" else None
