"""The callback guard refuses every special-purpose address, and what 6to4/Teredo/NAT64 embed.

Literal addresses only: no DNS is asked. Public ones pass, so the guard is not simply shut.
"""

from __future__ import annotations

import asyncio

import pytest

from service.errors import CallbackRefused
from service.jobs.ssrf import AllowList, check_target


def verdict(url: str) -> str:
    async def check() -> str:
        try:
            return str((await check_target(url, AllowList.parse(""))).ip)
        except CallbackRefused:
            return "refused"

    return asyncio.run(check())


@pytest.mark.parametrize(
    "host",
    [
        "[2002:7f00:1::1]",  # 6to4 of 127.0.0.1
        "[2002:c0a8:101::1]",  # 6to4 of 192.168.1.1
        "[2002:a00:1::]",  # 6to4 of 10.0.0.1
        "[2002:a9fe:a9fe::1]",  # 6to4 of the metadata address 169.254.169.254
        "[64:ff9b::7f00:1]",  # NAT64 of 127.0.0.1
        "[64:ff9b::a9fe:a9fe]",  # NAT64 of 169.254.169.254
        "[64:ff9b:1::1]",  # local-use NAT64
        "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",  # Teredo
        "192.0.0.192",
        "192.0.0.8",
        "192.0.0.170",
        "192.88.99.1",  # the old 6to4 relay anycast
        "198.18.0.1",
        "100.64.0.1",
        "[::7f00:1]",  # IPv4-compatible ::127.0.0.1
        "[100::1]",  # discard-only
        "[3fff::1]",  # documentation
        "[5f00::1]",  # SRv6 SIDs
        "[fec0::1]",  # deprecated site-local
    ],
)
def test_special_purpose_addresses_are_refused(host: str) -> None:
    assert verdict(f"http://{host}/cb") == "refused"


@pytest.mark.parametrize(
    ("host", "ip"),
    [
        ("[2002:808:808::1]", "2002:808:808::1"),  # 6to4 of a public address
        ("[64:ff9b::808:808]", "64:ff9b::808:808"),  # NAT64 of a public address
        ("8.8.4.4", "8.8.4.4"),
    ],
)
def test_public_addresses_still_pass(host: str, ip: str) -> None:
    assert verdict(f"https://{host}/cb") == ip
