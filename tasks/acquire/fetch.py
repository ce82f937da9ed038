"""Polite, safe HTTP fetching with one shared httpx.AsyncClient.

Per host: a concurrency limit and a request rate (with robots.txt Crawl-delay when longer); robots.txt
fetched once per host and honoured; every URL, redirects included, checked by the address guard before
any connection; redirects followed by hand (capped, loops detected); retries with exponential backoff
and jitter on connect errors, 5xx and 429 (Retry-After honoured up to a cap); conditional GET; bodies
streamed with caps on both the compressed and the decompressed size (a gzip bomb is refused early).
"""
from __future__ import annotations

import asyncio
import random
import time
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from tasks.acquire.netguard import AddressGuard, Blocked

DEFAULT_USER_AGENT = "akhbar/0.1 (news research crawler; +https://github.com/akhbar/akhbar)"
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
LISTING_TYPES = ("xml", "rss", "atom", "text/plain", "text/html")  # feeds are often served as text/html or plain
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class FetchPolicy:
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0  # the whole fetch of one URL, retries and waits included
    max_bytes: int = 20 * 1024 * 1024  # decompressed body
    max_compressed_bytes: int = 20 * 1024 * 1024  # bytes on the wire
    max_redirects: int = 5
    retries: int = 3  # after the first attempt
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 30.0  # wait at most this for a Retry-After; longer means give up for this run
    respect_robots: bool = True


@dataclass(frozen=True)
class HostRules:
    """How one source's hosts are treated."""

    rate: float = 1.0  # requests per second; 0 = no limit
    concurrency: int = 2
    allow_private: tuple[str, ...] = ()


@dataclass
class Conditional:
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    url: str
    final_url: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    elapsed_ms: int = 0
    attempts: int = 0
    not_modified: bool = False
    reason: str | None = None  # a stable reject code when the fetch failed
    detail: str = ""
    retry_after: float | None = None  # seconds the server asked us to wait (429/503)

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


class FetchError(Exception):
    def __init__(self, reason: str, detail: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.status, self.retry_after = reason, detail, status, retry_after


class _HostGate:
    """Concurrency and spacing of requests to one host."""

    def __init__(self, concurrency: int, interval: float):
        self.semaphore = asyncio.Semaphore(concurrency)
        self.interval = interval
        self.next_start = 0.0
        self.lock = asyncio.Lock()

    async def wait_turn(self) -> None:
        async with self.lock:
            now = time.monotonic()
            delay = self.next_start - now
            self.next_start = max(now, self.next_start) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


class Fetcher:
    """Fetch URLs politely. Use as `async with Fetcher(policy) as fetcher:`."""

    def __init__(self, policy: FetchPolicy = FetchPolicy(), guard: AddressGuard | None = None,
                 transport: httpx.AsyncBaseTransport | None = None):
        self.policy = policy
        self.guard = guard or AddressGuard()
        self._transport = transport
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self.client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> "Fetcher":
        timeout = httpx.Timeout(self.policy.read_timeout, connect=self.policy.connect_timeout)
        self.client = httpx.AsyncClient(
            http2=True, timeout=timeout, follow_redirects=False, transport=self._transport, trust_env=False,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
            headers={"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self.client is not None:
            await self.client.aclose()

    def _gate(self, host: str, rules: HostRules) -> _HostGate:
        if host not in self._gates:
            interval = 1.0 / rules.rate if rules.rate > 0 else 0.0
            self._gates[host] = _HostGate(rules.concurrency, interval)
        return self._gates[host]

    async def fetch(self, url: str, rules: HostRules = HostRules(), conditional: Conditional | None = None,
                    accept: tuple[str, ...] = PAGE_TYPES) -> FetchResult:
        """Fetch one URL; never raises for a bad URL or response: the result carries a reject reason."""
        result = FetchResult(url=url)
        start = time.monotonic()
        try:
            async with asyncio.timeout(self.policy.total_timeout):
                await self._fetch_with_retries(url, rules, conditional, accept, result)
        except TimeoutError:
            result.reason, result.detail = "timeout", f"no complete answer within {self.policy.total_timeout:.0f}s"
        except FetchError as exc:
            result.reason, result.detail = exc.reason, exc.detail
            result.status = exc.status if exc.status is not None else result.status
            result.retry_after = exc.retry_after
        except Blocked as exc:
            result.reason, result.detail = exc.reason, exc.detail
        except Exception as exc:  # noqa: BLE001 - one bad URL must not fail a batch: it becomes a reject
            result.reason, result.detail = "fetch_error", f"{type(exc).__name__}: {exc}"
        result.elapsed_ms = int((time.monotonic() - start) * 1000)
        if not result.ok:
            result.body = None
        return result

    async def _fetch_with_retries(self, url, rules, conditional, accept, result: FetchResult) -> None:
        for attempt in range(self.policy.retries + 1):
            result.attempts = attempt + 1
            try:
                await self._follow(url, rules, conditional, accept, result)
                return
            except FetchError as exc:
                retryable = exc.reason == "connect_error" or (exc.status in RETRY_STATUSES)
                if not retryable or attempt == self.policy.retries:
                    raise
                wait = self._backoff(attempt)
                if exc.retry_after is not None:
                    if exc.retry_after > self.policy.retry_after_max:
                        raise  # the server wants a long pause: give up for this run, fetch_state remembers
                    wait = max(wait, exc.retry_after)
                await asyncio.sleep(wait)

    def _backoff(self, attempt: int) -> float:
        return min(self.policy.backoff_max, self.policy.backoff_base * 2**attempt) * random.uniform(0.5, 1.0)

    async def _follow(self, url, rules, conditional, accept, result: FetchResult) -> None:
        seen = {url}
        current = url
        for _ in range(self.policy.max_redirects + 1):
            await self.guard.check(current, rules.allow_private)
            if self.policy.respect_robots and not await self._robots_allow(current, rules):
                raise FetchError("robots_disallowed", f"robots.txt of {urlsplit(current).netloc} disallows {urlsplit(current).path or '/'}")
            location = await self._get(current, rules, conditional if current == url else None, accept, result)
            if location is None:
                result.final_url = current
                return
            current = urljoin(current, location)
            if current in seen:
                raise FetchError("redirect_loop", f"redirects back to {current}")
            seen.add(current)
        raise FetchError("too_many_redirects", f"more than {self.policy.max_redirects} redirects")

    async def _get(self, url, rules, conditional, accept, result: FetchResult) -> str | None:
        """One request; returns a redirect target, or None when `result` is complete."""
        headers = {}
        if conditional and conditional.etag:
            headers["If-None-Match"] = conditional.etag
        if conditional and conditional.last_modified:
            headers["If-Modified-Since"] = conditional.last_modified
        host = urlsplit(url).netloc.lower()
        gate = self._gate(host, rules)
        assert self.client is not None, "use Fetcher as an async context manager"
        async with gate.semaphore:
            await gate.wait_turn()
            try:
                async with self.client.stream("GET", url, headers=headers) as response:
                    result.status = response.status_code
                    result.headers = {k.lower(): v for k, v in response.headers.items()}
                    return await self._read(response, accept, result)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
                raise FetchError("connect_error", f"{type(exc).__name__}: {exc}") from exc
            except httpx.TimeoutException as exc:
                raise FetchError("timeout", f"{type(exc).__name__} after {self.policy.read_timeout:.0f}s") from exc
            except httpx.HTTPError as exc:
                raise FetchError("http_error", f"{type(exc).__name__}: {exc}") from exc

    async def _read(self, response: httpx.Response, accept, result: FetchResult) -> str | None:
        status = response.status_code
        if status in (301, 302, 303, 307, 308):
            location = response.headers.get("location")
            if not location:
                raise FetchError("bad_redirect", f"HTTP {status} without a Location", status)
            return location
        if status == 304:
            result.not_modified = True
            return None
        if status != 200:
            retry_after = _retry_after(response.headers.get("retry-after"))
            raise FetchError(f"http_{status}", f"HTTP {status} {response.reason_phrase}", status, retry_after)
        ctype = response.headers.get("content-type", "").lower()
        if ctype and not any(t in ctype for t in accept):
            raise FetchError("not_html" if accept == PAGE_TYPES else "bad_content_type", f"content type {ctype!r}", status)
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.policy.max_compressed_bytes:
            raise FetchError("too_large", f"Content-Length {declared} over the cap of {self.policy.max_compressed_bytes}", status)
        result.body = await self._body(response)
        return None

    async def _body(self, response: httpx.Response) -> bytes:
        encoding = response.headers.get("content-encoding", "identity").lower().strip()
        if encoding in ("gzip", "x-gzip"):
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            inflater = zlib.decompressobj()
        elif encoding in ("identity", ""):
            inflater = None
        else:
            raise FetchError("bad_encoding", f"unsupported Content-Encoding {encoding!r}", response.status_code)
        wire, out = 0, bytearray()
        async for chunk in response.aiter_raw():
            wire += len(chunk)
            if wire > self.policy.max_compressed_bytes:
                raise FetchError("too_large", f"over {self.policy.max_compressed_bytes} bytes on the wire", response.status_code)
            if inflater is None:
                out += chunk
            else:
                try:
                    out += inflater.decompress(chunk, self.policy.max_bytes + 1 - len(out))
                except zlib.error as exc:
                    raise FetchError("decode_error", f"corrupt {encoding} body: {exc}", response.status_code) from exc
                if inflater.unconsumed_tail:
                    raise FetchError("too_large", f"decompresses to over {self.policy.max_bytes} bytes (a compression bomb?)", response.status_code)
            if len(out) > self.policy.max_bytes:
                raise FetchError("too_large", f"body over {self.policy.max_bytes} bytes", response.status_code)
        return bytes(out)

    async def _robots_allow(self, url: str, rules: HostRules) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin, rules)
        parser = self._robots[origin]
        if parser is None:
            return True
        delay = parser.crawl_delay(self.policy.user_agent)
        if delay:
            gate = self._gate(parts.netloc.lower(), rules)
            gate.interval = max(gate.interval, float(delay))
        return parser.can_fetch(self.policy.user_agent, url)

    async def _load_robots(self, origin: str, rules: HostRules) -> RobotFileParser | None:
        """RFC 9309: a 4xx robots.txt means no rules; 5xx or no answer means stay out for now."""
        result = FetchResult(url=origin + "/robots.txt")
        try:
            await self._get(origin + "/robots.txt", rules, None, ("text/plain", "text/html", ""), result)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                return None
            parser = RobotFileParser()
            parser.parse(["User-agent: *", "Disallow: /"])
            return parser
        parser = RobotFileParser()
        if result.body is not None:
            parser.parse(result.body.decode("utf-8", errors="replace").splitlines())
        return parser


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
