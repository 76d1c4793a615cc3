"""The SSRF guard for callback targets: which URLs we may POST to, and at which address.

A target is `http` or `https`, has no credentials, and its host is resolved once
here; every resolved address must be public (outside every block IANA's special-purpose
registries mark not globally reachable, and never a cloud metadata endpoint), and so
must the IPv4 address a 6to4, Teredo or NAT64 address carries.
The caller then connects to the returned address itself, so a second DNS answer
cannot redirect the request (no DNS rebinding), and follows no redirects.

`NEWSBRIEF_CALLBACK_ALLOW` opens the guard for internal receivers, a comma list of:
`host` (that name, any port), `host:port` (that name and port), an IP address or a
CIDR network (matched against the resolved address). Metadata addresses open only to
an entry naming them exactly, never through a wider network such as `0.0.0.0/0`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from service.errors import CallbackRefused

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})
METADATA_IPS: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200", "168.63.129.16")
)
DEFAULT_PORTS = {"http": 80, "https": 443}
RESOLVE_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class AllowList:
    names: frozenset[str]
    name_ports: frozenset[tuple[str, int]]
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, spec: str) -> AllowList:
        """Parse the comma list; raises ValueError naming a bad entry."""
        names: set[str] = set()
        name_ports: set[tuple[str, int]] = set()
        networks: list[IPNetwork] = []
        for raw in spec.split(","):
            entry = raw.strip().lower()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            host, sep, port = entry.rpartition(":")
            if sep and port.isdigit() and host and ":" not in host.strip("[]"):
                name_ports.add((host.strip("[]"), int(port)))
            elif ":" not in entry and entry.replace(".", "").replace("-", "").replace("_", "").isalnum():
                names.add(entry.rstrip("."))
            else:
                raise ValueError(f"NEWSBRIEF_CALLBACK_ALLOW: cannot read {raw.strip()!r}")
        return cls(frozenset(names), frozenset(name_ports), tuple(networks))

    def allows_name(self, host: str, port: int) -> bool:
        return host in self.names or (host, port) in self.name_ports

    def allows_address(self, ip: IPAddress) -> bool:
        if ip in METADATA_IPS:
            return any(n.num_addresses == 1 and ip in n for n in self.networks)
        return any(ip in n for n in self.networks)


@dataclass(frozen=True)
class Target:
    """A checked callback target: connect to `ip`, send `host_header`, verify TLS for `host`."""

    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent
    ip: IPAddress
    host_header: str

    @property
    def connect_url(self) -> str:
        ip = f"[{self.ip}]" if self.ip.version == 6 else str(self.ip)
        return f"{self.scheme}://{ip}:{self.port}{self.path}"


def _unmapped(ip: IPAddress) -> IPAddress:
    """`::ffff:127.0.0.1` is 127.0.0.1 to the kernel, so it is judged as that."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


# IANA's special-purpose registries (IPv4 and IPv6), every block not globally reachable, written
# out so the verdict does not depend on the Python patch release's idea of `is_global`.
NON_PUBLIC: tuple[IPNetwork, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "255.255.255.255/32",
        "::/128", "::1/128", "::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
        "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
    )
)  # fmt: skip
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address a transition address carries to: 6to4, Teredo (its client), NAT64."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_public(ip: IPAddress) -> bool:
    if any(ip in n for n in NON_PUBLIC if n.version == ip.version):
        return False
    embedded = _embedded_ipv4(ip)
    if embedded is not None and not _is_public(embedded):
        return False  # 2002:7f00:1:: reaches 127.0.0.1 through a 6to4 relay, for one
    if ip in NAT64:
        return embedded is not None  # the translator's target decides (judged just above)
    return ip.is_global and not (
        ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
    )


async def _resolve(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(RESOLVE_TIMEOUT_S):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, TimeoutError, UnicodeError) as exc:
        raise CallbackRefused(f"callback host {host!r} does not resolve") from exc
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in found:
            found.append(ip)
    if not found:
        raise CallbackRefused(f"callback host {host!r} does not resolve")
    return found


def parse_url(url: str) -> tuple[str, str, int, str, str]:
    """(scheme, host, port, path, host header) of an http(s) URL without credentials."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise CallbackRefused("callback_url is not a valid URL") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise CallbackRefused("callback_url must be an http or https URL")
    if parts.username is not None or parts.password is not None:
        raise CallbackRefused("callback_url must not carry credentials; callbacks are signed instead")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise CallbackRefused("callback_url has no host")
    port = port or DEFAULT_PORTS[scheme]
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if port == DEFAULT_PORTS[scheme] else f"{shown}:{port}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port, path, host_header


async def check_target(url: str, allow: AllowList) -> Target:
    """Resolve `url` once and return where to connect; raises `CallbackRefused` with the reason."""
    scheme, host, port, path, host_header = parse_url(url)
    named = allow.allows_name(host, port)
    if host in METADATA_HOSTS and not named:
        raise CallbackRefused(f"callback host {host!r} is a cloud metadata endpoint")
    try:
        addresses: list[IPAddress] = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = await _resolve(host, port)
    for address in addresses:
        ip = _unmapped(address)
        if named or allow.allows_address(ip):
            continue
        if ip in METADATA_IPS:
            raise CallbackRefused(f"callback host {host!r} is a cloud metadata endpoint")
        if not _is_public(ip):
            raise CallbackRefused(
                f"callback host {host!r} resolves to a non-public address ({ip}); "
                "internal receivers must be listed in NEWSBRIEF_CALLBACK_ALLOW"
            )
    first = addresses[0]
    return Target(scheme, host, port, path, first, host_header)
