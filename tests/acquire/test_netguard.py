"""The address guard: internal addresses and non-http(s) schemes are refused before any connection.
No real DNS: every check goes through a fake resolver that records its calls."""
from __future__ import annotations

import asyncio
import ipaddress

import pytest

from tasks.acquire.netguard import AddressGuard, Blocked, is_internal


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
    "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "224.0.0.1", "fe80::1%eth0", "::ffff:169.254.169.254",
])
def test_internal_addresses(address):
    assert is_internal(address) is True


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses(address):
    assert is_internal(address) is False


DNS = {
    "news.example.com": ["93.184.216.34"],
    "v6.example.com": ["2606:4700::1111"],
    "loopback.example.com": ["127.0.0.1"],
    "private.example.com": ["10.0.0.5"],
    "metadata.example.com": ["169.254.169.254"],
    "mixed.example.com": ["93.184.216.34", "192.168.1.10"],
    "intranet.example.com": ["10.0.0.7"],
}


class FakeResolver:
    """Answers from DNS; an IP literal resolves to itself, as getaddrinfo does. Records every call."""

    def __init__(self, table=DNS):
        self.table = table
        self.calls: list[tuple[str, int]] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append((host, port))
        try:
            ipaddress.ip_address(host)
            return [host]
        except ValueError:
            return list(self.table[host])


def check(guard: AddressGuard, url: str, allow_private=()) -> None:
    asyncio.run(guard.check(url, allow_private))


def blocked(guard: AddressGuard, url: str, allow_private=()) -> Blocked:
    with pytest.raises(Blocked) as info:
        check(guard, url, allow_private)
    return info.value


@pytest.mark.parametrize("url", ["https://news.example.com/ar/1", "http://v6.example.com/", "http://93.184.216.34/x"])
def test_public_host_passes(url):
    resolver = FakeResolver()
    check(AddressGuard(resolver), url)
    assert len(resolver.calls) == 1


def test_resolver_gets_host_and_default_or_explicit_port():
    resolver = FakeResolver()
    guard = AddressGuard(resolver)
    check(guard, "https://news.example.com/a")
    check(guard, "http://news.example.com/a")
    check(guard, "http://news.example.com:8080/a")
    assert resolver.calls == [("news.example.com", 443), ("news.example.com", 80), ("news.example.com", 8080)]


@pytest.mark.parametrize("host, address", [
    ("loopback.example.com", "127.0.0.1"), ("private.example.com", "10.0.0.5"), ("metadata.example.com", "169.254.169.254"),
])
def test_name_resolving_inside_is_blocked(host, address):
    error = blocked(AddressGuard(FakeResolver()), f"https://{host}/latest/meta-data/")
    assert error.reason == "blocked_address"
    assert host in error.detail and address in error.detail


def test_one_private_address_among_public_ones_blocks():
    error = blocked(AddressGuard(FakeResolver()), "https://mixed.example.com/")
    assert error.reason == "blocked_address"
    assert "192.168.1.10" in error.detail


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://10.0.0.5:8080/admin", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0:6379/",
])
def test_private_ip_literal_is_blocked(url):
    error = blocked(AddressGuard(FakeResolver(table={})), url)
    assert error.reason == "blocked_address"


def test_allow_private_by_host_name():
    resolver = FakeResolver()
    guard = AddressGuard(resolver)
    check(guard, "http://intranet.example.com/feed", ["Intranet.Example.com"])  # names compare case-insensitively
    assert blocked(guard, "http://intranet.example.com/feed").reason == "blocked_address"  # only where allowed
    assert blocked(guard, "http://private.example.com/", ["intranet.example.com"]).reason == "blocked_address"


def test_allow_private_by_host_and_port():
    guard = AddressGuard(FakeResolver())
    check(guard, "http://intranet.example.com:8080/feed", ["intranet.example.com:8080"])
    error = blocked(guard, "http://intranet.example.com:9090/feed", ["intranet.example.com:8080"])
    assert error.reason == "blocked_address"


def test_allow_private_by_resolved_address():
    guard = AddressGuard(FakeResolver())
    check(guard, "http://intranet.example.com/feed", ["10.0.0.7"])
    check(guard, "http://10.0.0.7/feed", ["10.0.0.7"])
    # Allowing one private address does not let another through.
    assert blocked(guard, "http://private.example.com/", ["10.0.0.7"]).reason == "blocked_address"
    assert blocked(guard, "http://mixed.example.com/", ["93.184.216.34"]).reason == "blocked_address"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://news.example.com/feed.xml", "gopher://news.example.com:70/1",
    "javascript:alert(1)", "news.example.com/no-scheme",
])
def test_bad_scheme_is_refused_without_resolving(url):
    resolver = FakeResolver()
    error = blocked(AddressGuard(resolver), url)
    assert error.reason == "bad_scheme"
    assert resolver.calls == []


def test_url_without_host():
    resolver = FakeResolver()
    assert blocked(AddressGuard(resolver), "http:///path").reason == "bad_url"
    assert resolver.calls == []


def test_resolver_error_is_dns_error():
    calls = []

    async def failing(host, port):
        calls.append(host)
        raise OSError(-2, "Name or service not known")

    error = blocked(AddressGuard(failing), "https://nowhere.invalid/")
    assert error.reason == "dns_error"
    assert "nowhere.invalid" in error.detail
    assert calls == ["nowhere.invalid"]


def test_no_addresses_is_dns_error():
    error = blocked(AddressGuard(FakeResolver(table={"empty.example.com": []})), "https://empty.example.com/")
    assert error.reason == "dns_error"


def test_results_are_cached_per_host_and_port():
    resolver = FakeResolver()
    guard = AddressGuard(resolver)

    async def run():
        await guard.check("https://news.example.com/a")
        await guard.check("https://news.example.com/b?x=1")
        await guard.check("https://news.example.com:8443/c")
        for _ in range(2):
            with pytest.raises(Blocked):
                await guard.check("https://loopback.example.com/")

    asyncio.run(run())
    assert resolver.calls == [("news.example.com", 443), ("news.example.com", 8443), ("loopback.example.com", 443)]


@pytest.mark.parametrize("url", ["http://news.example.com:99999/", "http://news.example.com:abc/"])
def test_bad_port_is_blocked_not_a_crash(url):
    resolver = FakeResolver()
    error = blocked(AddressGuard(resolver), url)
    assert error.reason == "bad_url"
    assert resolver.calls == []


@pytest.mark.parametrize("address", ["2002:7f00:1::1", "2002:a00:1::1", "2001:0:4136:e378:8000:63bf:80ff:fefe"])
def test_ipv6_tunnels_wrapping_internal_ipv4_are_internal(address):
    """6to4 (2002::/16) and Teredo carry an IPv4 address inside: 127.0.0.1, 10.0.0.1, 127.0.0.1."""
    assert is_internal(address)
