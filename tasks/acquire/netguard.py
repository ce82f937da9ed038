"""Refuse URLs that point inside: private, loopback, link-local, multicast, reserved or cloud-metadata
addresses, and schemes other than http(s). Names are resolved first and every address they resolve to
is checked, before any connection. A source's `allow_private` names hosts or addresses let through."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Awaitable, Callable
from urllib.parse import urlsplit

Resolver = Callable[[str, int], Awaitable[list[str]]]

# Cloud metadata services, whatever range they sit in.
METADATA = {ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")}


class Blocked(Exception):
    """A URL the guard refuses: `reason` is a stable reject code."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


def is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and is_internal(str(embedded)):
            return True
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
    return (
        ip in METADATA or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
        or ip.is_reserved or ip.is_unspecified or not ip.is_global
    )


class AddressGuard:
    def __init__(self, resolver: Resolver = system_resolver):
        self.resolver = resolver
        self._cache: dict[tuple[str, int], list[str]] = {}

    async def check(self, url: str, allow_private: tuple[str, ...] | list[str] = ()) -> None:
        """Return when `url` may be fetched; raise Blocked otherwise."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise Blocked("bad_scheme", f"only http and https are fetched, not {parts.scheme or 'no scheme'!r}")
        try:
            host, port = parts.hostname, parts.port
        except ValueError as exc:  # a port out of range or not a number, a broken IPv6 literal
            raise Blocked("bad_url", f"{url!r}: {exc}") from exc
        if not host:
            raise Blocked("bad_url", f"no host in {url!r}")
        port = port or (443 if parts.scheme == "https" else 80)
        allowed = {a.lower() for a in allow_private}
        if host.lower() in allowed or f"{host.lower()}:{port}" in allowed:
            return
        key = (host, port)
        if key not in self._cache:
            try:
                self._cache[key] = await self.resolver(host, port)
            except (OSError, UnicodeError) as exc:
                raise Blocked("dns_error", f"cannot resolve {host}: {exc}") from exc
        addresses = self._cache[key]
        if not addresses:
            raise Blocked("dns_error", f"{host} resolves to no address")
        for address in addresses:
            if is_internal(address) and address not in allowed:
                raise Blocked("blocked_address", f"{host} resolves to {address}, a private/loopback/link-local or metadata address")
