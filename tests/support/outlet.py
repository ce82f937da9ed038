"""Outlet: a real HTTP/1.1 news site on loopback for fetcher tests (stdlib only).

    with Outlet(retry_after_times=2, hang_seconds=5) as outlet:
        outlet.url("/feed.xml")          # "http://127.0.0.1:PORT/feed.xml"; outlet.host = "127.0.0.1:PORT"
        outlet.article_url("amman-solar-plant")
        outlet.count("/robots.txt")      # requests for a route (a path with "?" matches the exact target)
        outlet.count("/feed.xml", status=304)
        outlet.hits                      # [Hit(method, path, route, headers, peer, status), ...]
        outlet.counts                    # Counter({("GET", "/feed.xml"): 2, ...})
        outlet.reset_hits()              # also resets the per-path "first N times" counters

Article texts: fixtures/outlet/articles.json, page template: fixtures/outlet/article.html. Every article
is at /articles/<slug>.html (except /private/secret.html). Articles, feeds and sitemaps carry ETag + Last-Modified and answer
304 to a matching If-None-Match (which wins) or If-Modified-Since. Unknown paths: 404.

  Path                            Answer
  /                               home page linking the main articles
  /robots.txt                     User-agent: * / Disallow: /private/ / Sitemap: /sitemap_index.xml
  /articles/<slug>.html           article (charset per article: utf-8 | cp1256-header | -meta | -none)
  /private/secret.html            an article, disallowed by robots.txt, listed in /feed.xml
  /feed.xml                       RSS 2.0  (see RSS_ITEMS)
  /atom.xml                       Atom     (see ATOM_ENTRIES)
  /sitemap_index.xml              index -> /sitemap-news.xml (NEWS_SITEMAP), /sitemap-pages.xml (PAGES_SITEMAP)
  /hostile-feed.xml               RSS listing HOSTILE_FEED
  /hostile/429                    429 + Retry-After the first `retry_after_times` requests, then basra-date-palms
  /hostile/flaky                  500 the first `flaky_times` requests, then sfax-olive-oil
  /hostile/always-500             500 forever
  /hostile/hang                   waits `hang_seconds` before answering (?after=headers: sends headers and half
                                  the body first); gives up at once when the outlet stops
  /hostile/loop, /hostile/loop-b  302 to each other forever
  /hostile/redirect-ok            301 -> /articles/doha-library-digitization.html
  /hostile/redirect-private       302 -> http://169.254.169.254/latest/meta-data/
  /hostile/big                    `big_bytes` (60 MiB) of HTML; chunked unless big_chunked=False (?chunked=0|1)
  /hostile/bomb                   Content-Encoding: gzip; ~1 MB that inflates to `bomb_bytes` (1025 MiB) of zeros
  /hostile/bomb-nested            Content-Encoding: gzip, gzip; a few KB, same 1025 MiB inside
  /hostile/doc.pdf                a small valid PDF (application/pdf)
  /hostile/billion-laughs.xml     RSS with nested internal entities (&lol9; = 10**9 "lol")
  /hostile/external-entity.xml    RSS with <!ENTITY xxe SYSTEM "file:///etc/passwd">
  /hostile/not-xml-feed.xml       binary garbage served as application/rss+xml
  /hostile/empty.html             200, text/html, Content-Length: 0

(Deflate cannot beat ~1032:1, so a single gzip layer that inflates past 1 GB is ~1 MB, not 100 KB.)
"""
from __future__ import annotations

import hashlib
import json
import socket
import socketserver
import struct
import sys
import threading
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

MiB = 1 << 20
FIXTURES = Path(__file__).resolve().parent / "outlet_pages"
ARTICLES: dict[str, dict] = {a["slug"]: a for a in json.loads((FIXTURES / "articles.json").read_text("utf-8"))}
TEMPLATE = (FIXTURES / "article.html").read_text("utf-8")  # str.format fields: see render_article()


def article_path(slug: str) -> str:
    return ARTICLES[slug].get("path", f"/articles/{slug}.html")


def published(slug: str) -> datetime:
    return datetime.fromisoformat(ARTICLES[slug]["published"])


def modified(slug: str) -> datetime:
    return datetime.fromisoformat(ARTICLES[slug].get("modified", ARTICLES[slug]["published"]))


# ---- what each listing lists ------------------------------------------------------------------
RSS_ITEMS = [  # (slug, query appended to the link, has <pubDate>)
    ("amman-solar-plant", "", True),                                     # also in /sitemap-news.xml
    ("cairo-book-fair-2024", "?utm_source=rss&utm_medium=feed", True),   # tracking params
    ("beirut-port-reconstruction", "", True),
    ("oman-fisheries-season", "", False),                                # no date: the page decides
    ("private-secret", "", True),                                        # robots.txt forbids it
]
ATOM_ENTRIES = ["morocco-wheat-drought", "algeria-football-league", "tehran-air-pollution"]
NEWS_SITEMAP = ["amman-solar-plant", "riyadh-metro-opening"]
PAGES_SITEMAP = ["tunis-startup-fund", "kuwait-heatwave-power"]         # <lastmod> = modified date
HOSTILE_FEED = ["/hostile/429", "/hostile/flaky", "/hostile/always-500", "/hostile/hang", "/hostile/loop",
                "/hostile/redirect-ok", "/hostile/redirect-private", "/hostile/big", "/hostile/bomb",
                "/hostile/doc.pdf", "/hostile/empty.html"]
FAILS_FIRST = {"/hostile/429": "basra-date-palms", "/hostile/flaky": "sfax-olive-oil"}  # then this article
REDIRECTS = {"/hostile/loop": (302, "/hostile/loop-b"), "/hostile/loop-b": (302, "/hostile/loop"),
             "/hostile/redirect-ok": (301, article_path("doha-library-digitization")),
             "/hostile/redirect-private": (302, "http://169.254.169.254/latest/meta-data/")}

HTML, XML = "text/html; charset=utf-8", "application/xml; charset=utf-8"
RSS, ATOM = "application/rss+xml; charset=utf-8", "application/atom+xml; charset=utf-8"
CHARSETS = {  # mode -> (codec, Content-Type, <meta> tag)
    "utf-8": ("utf-8", HTML, '<meta charset="utf-8">'),
    "cp1256-header": ("cp1256", "text/html; charset=windows-1256", ""),
    "cp1256-meta": ("cp1256", "text/html", '<meta charset="windows-1256">'),
    "cp1256-none": ("cp1256", "text/html", ""),
}
CHROME = {  # per-language site chrome
    "ar": dict(site="أخبار المدار", nav=["الرئيسية", "سياسة", "اقتصاد", "ثقافة", "رياضة", "منوعات"],
               related="اقرأ أيضاً", foot="© 2024 أخبار المدار. جميع الحقوق محفوظة.",
               links=["من نحن", "اتصل بنا", "سياسة الخصوصية"]),
    "fa": dict(site="مدار فارسی", nav=["خانه", "سیاست", "اقتصاد", "فرهنگ", "ورزش"], related="بیشتر بخوانید",
               foot="© ۱۴۰۳ مدار فارسی. همه حقوق محفوظ است.", links=["درباره ما", "تماس با ما"]),
}
MONTHS = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split()
SELECTED_HEADERS = ("host", "user-agent", "accept", "accept-encoding", "accept-language", "connection",
                    "if-none-match", "if-modified-since", "range")
XML_DECL = '<?xml version="1.0" encoding="utf-8"?>\n'


def attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def render_article(slug: str, base: str) -> tuple[bytes, str]:
    """The page's bytes (in its own charset) and its Content-Type."""
    a = ARTICLES[slug]
    codec, ctype, meta = CHARSETS[a["charset"]]
    c, url, title, when = CHROME[a["lang"]], base + article_path(slug), escape(a["title"]), published(slug)
    shown = a.get("date_text") or f"{when.day} {MONTHS[when.month - 1]} {when.year}"
    nav = "".join(f'<li><a href="/section/{i}.html">{n}</a></li>' for i, n in enumerate(c["nav"]))
    rel = "".join(f'<li><a href="{article_path(r)}">{escape(ARTICLES[r]["title"])}</a></li>' for r in a["related"])
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in a["paragraphs"])
    links = " | ".join(f'<a href="/page/{i}.html">{n}</a>' for i, n in enumerate(c["links"]))
    html = TEMPLATE.format(
        lang=a["lang"], meta=meta, title=title, site=c["site"], summary=attr(a["summary"]), og_title=attr(a["title"]),
        url=url, published=a["published"], modified=a.get("modified", a["published"]), section=a["section"],
        nav=nav, author=a["author"], shown=shown, paras=paras, related=c["related"], rel=rel, foot=c["foot"],
        links=links)
    return html.encode(codec), ctype  # strict: a character missing from windows-1256 is a fixture bug


def rss(base: str, title: str, items) -> bytes:
    """items: (title, link, description, pubDate or None)."""
    out = [f'{XML_DECL}<rss version="2.0"><channel><title>{escape(title)}</title><link>{base}/</link>'
           f"<description>{escape(title)}</description><language>ar</language>"]
    for t, link, desc, when in items:
        date = f"<pubDate>{format_datetime(when)}</pubDate>" if when else ""
        out.append(f"\n<item><title>{escape(t)}</title><link>{escape(link)}</link>"
                   f"<description>{escape(desc)}</description>{date}</item>")
    return ("".join(out) + "\n</channel></rss>\n").encode()


def urlset(base: str, slugs: list[str], news: bool) -> bytes:
    rows = []
    for s in slugs:
        a = ARTICLES[s]
        extra = (f"<news:news><news:publication><news:name>أخبار المدار</news:name><news:language>{a['lang']}"
                 f"</news:language></news:publication><news:publication_date>{a['published']}"
                 f"</news:publication_date><news:title>{escape(a['title'])}</news:title></news:news>"
                 if news else f"<lastmod>{a.get('modified', a['published'])}</lastmod>")
        rows.append(f"\n<url><loc>{base}{article_path(s)}</loc>{extra}</url>")
    ns = ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"' if news else ""
    return (f'{XML_DECL}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>'
            f'{"".join(rows)}\n</urlset>\n').encode()


def documents(base: str) -> dict[str, tuple[bytes, str, datetime | None]]:
    """Every fixed answer: route -> (body, Content-Type, Last-Modified; None = no ETag/Last-Modified)."""
    docs = {article_path(s): (*render_article(s, base), modified(s)) for s in ARTICLES}
    art = lambda s: (ARTICLES[s]["title"], base + article_path(s), ARTICLES[s]["summary"])  # noqa: E731
    home = "".join(f'<li><a href="{article_path(s)}">{escape(a["title"])}</a></li>'
                   for s, a in ARTICLES.items() if a["lang"] == "ar" and s != "private-secret")
    atom = "".join(f'\n<entry><id>{base}{article_path(s)}</id><title>{escape(ARTICLES[s]["title"])}</title>'
                   f'<link rel="alternate" href="{base}{article_path(s)}"/><updated>{ARTICLES[s]["published"]}'
                   f'</updated><summary>{escape(ARTICLES[s]["summary"])}</summary></entry>' for s in ATOM_ENTRIES)
    atom_updated = max(published(s) for s in ATOM_ENTRIES)
    maps = "".join(f"\n<sitemap><loc>{base}/{m}</loc></sitemap>" for m in ("sitemap-news.xml", "sitemap-pages.xml"))
    lol = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 or "")) * 10}">' for i in range(1, 10)]
    docs.update({
        "/": (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>أخبار المدار</title>'
              f"</head><body><h1>أخبار المدار</h1><ul>{home}</ul></body></html>".encode(), HTML, None),
        "/robots.txt": (f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap_index.xml\n".encode(),
                        "text/plain; charset=utf-8", None),
        "/feed.xml": (rss(base, "أخبار المدار", [(*art(s)[:1], art(s)[1] + q, art(s)[2], published(s) if d else None)
                                                 for s, q, d in RSS_ITEMS]),
                      RSS, max(published(s) for s, _, _ in RSS_ITEMS)),
        "/atom.xml": (f'{XML_DECL}<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar"><id>{base}/atom.xml</id>'
                      f"<title>أخبار المدار</title><updated>{atom_updated.isoformat()}</updated>"
                      f'<link rel="self" href="{base}/atom.xml"/>{atom}\n</feed>\n'.encode(), ATOM, atom_updated),
        "/sitemap_index.xml": (f'{XML_DECL}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                               f"{maps}\n</sitemapindex>\n".encode(),
                               XML, max(modified(s) for s in NEWS_SITEMAP + PAGES_SITEMAP)),
        "/sitemap-news.xml": (urlset(base, NEWS_SITEMAP, True), XML, max(modified(s) for s in NEWS_SITEMAP)),
        "/sitemap-pages.xml": (urlset(base, PAGES_SITEMAP, False), XML, max(modified(s) for s in PAGES_SITEMAP)),
        "/hostile-feed.xml": (rss(base, "hostile", [(f"hostile {p}", base + p, f"endpoint {p}",
                                                     datetime(2024, 12, 15, i, tzinfo=timezone.utc))
                                                    for i, p in enumerate(HOSTILE_FEED)]), RSS, None),
        "/hostile/doc.pdf": (tiny_pdf(), "application/pdf", None),
        "/hostile/billion-laughs.xml": (
            f'{XML_DECL}<!DOCTYPE rss [\n {chr(10).join(lol)}\n]>\n<rss version="2.0"><channel><title>&lol9;</title>'
            f"<link>{base}/</link><description>&lol9;</description><item><title>&lol9;</title>"
            f"<link>{base}{article_path('amman-solar-plant')}</link></item></channel></rss>\n".encode(), RSS, None),
        "/hostile/external-entity.xml": (
            f'{XML_DECL}<!DOCTYPE rss [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<rss version="2.0">'
            f"<channel><title>xxe</title><link>{base}/</link><description>&xxe;</description><item><title>&xxe;"
            f"</title><link>{base}{article_path('morocco-wheat-drought')}</link><description>&xxe;</description>"
            "</item></channel></rss>\n".encode(), RSS, None),
        "/hostile/not-xml-feed.xml": (b"\x89\x00\xfe\xff" + bytes((i * 167 + 13) % 256 for i in range(4096)),
                                      RSS, None),
        "/hostile/empty.html": (b"", HTML, None),
    })
    return docs


def tiny_pdf() -> bytes:
    stream = b"BT /F1 18 Tf 36 72 Td (Outlet test PDF) Tj ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


_BOMBS: dict[tuple[int, int], bytes] = {}
_BOMB_LOCK = threading.Lock()


def gzip_bomb(size: int, layers: int = 1) -> bytes:
    """A gzip member inflating to `size` zero bytes (rounded up to MiB), built without compressing them all:
    one MiB of zeros deflated and ended with a full flush is byte-aligned and state-free, so it repeats.
    layers=2 gzips that again (served as Content-Encoding: gzip, gzip). Cached per process."""
    with _BOMB_LOCK:
        if (size, 1) not in _BOMBS:
            zeros, n = bytes(MiB), -(-size // MiB)
            co = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
            segment = co.compress(zeros) + co.flush(zlib.Z_FULL_FLUSH)
            crc = 0
            for _ in range(n):
                crc = zlib.crc32(zeros, crc)
            _BOMBS[size, 1] = (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + segment * n + b"\x03\x00"
                               + struct.pack("<II", crc, (n * MiB) & 0xFFFFFFFF))
        if layers == 2 and (size, 2) not in _BOMBS:
            co = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            _BOMBS[size, 2] = co.compress(_BOMBS[size, 1]) + co.flush()
        return _BOMBS[size, layers]


@dataclass
class Hit:
    method: str
    path: str      # the request target as sent, query included
    route: str     # the path without query
    headers: dict  # SELECTED_HEADERS that were present, lower-case names
    peer: int      # client port: equal ports on two hits = one kept-alive connection
    status: int | None = None  # None until the status line is sent (e.g. while hanging)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Outlet/1.0"
    disable_nagle_algorithm = True
    hit: Hit | None = None

    def log_message(self, *args) -> None:  # silence
        pass

    def parse_request(self) -> bool:
        self.hit = None
        return super().parse_request()

    def send_response(self, code, message=None) -> None:
        if self.hit is not None:
            self.hit.status = code
        super().send_response(code, message)

    def do_GET(self) -> None:
        o, url = self.server.outlet, urlsplit(self.path)
        self.route, self.query = url.path, {k: v[-1] for k, v in parse_qs(url.query).items()}
        self.hit = o._record(self)
        if self.route in FAILS_FIRST:
            limit = o.retry_after_times if self.route == "/hostile/429" else o.flaky_times
            if o._bump(self.route) > limit:
                self.document(*o.docs[article_path(FAILS_FIRST[self.route])])
            elif self.route == "/hostile/429":
                self.reply(429, b"Too Many Requests\n", "text/plain", [("Retry-After", o.retry_after)])
            else:
                self.reply(500, b"Internal Server Error\n", "text/plain")
        elif self.route == "/hostile/always-500":
            self.reply(500, b"Internal Server Error\n", "text/plain")
        elif self.route in REDIRECTS:
            status, location = REDIRECTS[self.route]
            self.reply(status, b"", None, [("Location", location)])
        elif self.route in ("/hostile/bomb", "/hostile/bomb-nested"):
            layers = 2 if self.route.endswith("nested") else 1
            self.reply(200, gzip_bomb(o.bomb_bytes, layers), HTML, [("Content-Encoding", ", ".join(["gzip"] * layers))])
        elif self.route == "/hostile/hang":
            self.hang(o)
        elif self.route == "/hostile/big":
            self.big(o)
        elif self.route in o.docs:
            self.document(*o.docs[self.route])
        else:
            self.reply(404, b"<!DOCTYPE html><title>404</title><h1>404 Not Found</h1>")

    do_HEAD = do_GET

    def reply(self, status: int, body: bytes | None, ctype: str | None = HTML, headers=()) -> None:
        """body=None: no body at all (304). Always a Content-Length otherwise, so keep-alive holds."""
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if body is not None:
            if ctype:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def document(self, body: bytes, ctype: str, last_modified: datetime | None) -> None:
        if last_modified is None:
            return self.reply(200, body, ctype)
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:20]
        headers = [("ETag", etag), ("Last-Modified", format_datetime(last_modified.astimezone(timezone.utc), True))]
        if self.not_modified(etag, last_modified):
            self.reply(304, None, None, headers)
        else:
            self.reply(200, body, ctype, headers)

    def not_modified(self, etag: str, last_modified: datetime) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:  # takes precedence over If-Modified-Since (RFC 9110 13.1.3)
            tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
            return "*" in tags or etag in tags
        try:
            since = parsedate_to_datetime(self.headers.get("If-Modified-Since", ""))
        except (TypeError, ValueError):
            return False
        return last_modified <= (since if since.tzinfo else since.replace(tzinfo=timezone.utc))

    def hang(self, o: "Outlet") -> None:
        body = ('<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>انتظار</title></head>'
                "<body><p>انتهى الانتظار الطويل.</p></body></html>").encode()
        early, half = self.query.get("after") == "headers", len(body) // 2
        if early:
            self.send_response(200)
            self.send_header("Content-Type", HTML)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:half])
        if o.stopping.wait(o.hang_seconds):
            self.close_connection = True  # outlet shutting down: drop the connection
        elif early:
            self.wfile.write(body[half:])
        else:
            self.reply(200, body)

    def big(self, o: "Outlet") -> None:
        chunked = {"1": True, "0": False}.get(self.query.get("chunked", ""), o.big_chunked)
        head = ('<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>صفحة ضخمة</title></head>'
                "<body>\n").encode()
        para = "<p>هذه فقرة مكررة في صفحة ضخمة جداً لاختبار حد الحجم في الجالب.</p>\n".encode()
        block, tail = para * (64 * 1024 // len(para)), b"</body></html>\n"
        n, rest = divmod(max(0, o.big_bytes - len(head) - len(tail)), len(block))
        self.send_response(200)
        self.send_header("Content-Type", HTML)
        self.send_header(*(("Transfer-Encoding", "chunked") if chunked else ("Content-Length", str(o.big_bytes))))
        self.end_headers()
        if self.command == "HEAD":
            return
        for piece in [head] + [block] * n + [b" " * rest + tail]:
            if o.stopping.is_set():
                self.close_connection = True
                return
            self.wfile.write(b"%X\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


class _Server(ThreadingHTTPServer):
    """Tracks its connections and handler threads, so stop() can wake and join them (bounded)."""

    def __init__(self, address, outlet: "Outlet"):
        self.outlet, self.lock, self.open_sockets, self.threads = outlet, threading.Lock(), set(), set()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:  # skip HTTPServer's getfqdn(): a reverse DNS lookup can stall
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request, client_address) -> None:
        t = threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True)
        with self.lock:
            self.open_sockets.add(request)
            self.threads.add(t)
        t.start()

    def shutdown_request(self, request) -> None:
        with self.lock:
            self.open_sockets.discard(request)
            self.threads.discard(threading.current_thread())
        super().shutdown_request(request)

    def drop_connections(self, timeout: float = 5.0) -> None:
        """Wake handler threads blocked on keep-alive reads or on writes, then join them."""
        with self.lock:
            sockets, threads = list(self.open_sockets), list(self.threads)
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], OSError):  # client went away, or we are closing: not news
            return
        super().handle_error(request, client_address)


class Outlet:
    def __init__(self, *, port: int = 0, retry_after_times: int = 1, retry_after: str = "1",
                 flaky_times: int = 1, hang_seconds: float = 30.0, big_bytes: int = 60 * MiB,
                 big_chunked: bool = True, bomb_bytes: int = 1025 * MiB):
        self.retry_after_times, self.retry_after, self.flaky_times = retry_after_times, retry_after, flaky_times
        self.hang_seconds, self.big_bytes, self.big_chunked = hang_seconds, big_bytes, big_chunked
        self.bomb_bytes, self._port = bomb_bytes, port
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._hits: list[Hit] = []
        self._counters: Counter[str] = Counter()
        self._server: _Server | None = None
        self.docs: dict = {}

    # ---- lifecycle ----
    def start(self) -> "Outlet":
        self.stopping.clear()
        self._server = _Server(("127.0.0.1", self._port), self)
        self.docs = documents(self.base)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"outlet:{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self.stopping.set()  # releases /hostile/hang and /hostile/big
        self._server.shutdown()  # serve_forever() returns: no new connections
        self._server.drop_connections()
        self._server.server_close()
        self._thread.join(5)
        self._server = None

    def __enter__(self) -> "Outlet":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- addresses ----
    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        return f"http://{self.host}"

    def url(self, path: str = "/") -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def article_url(self, slug: str) -> str:
        return self.base + article_path(slug)

    # ---- what was requested ----
    @property
    def hits(self) -> list[Hit]:
        with self._lock:
            return list(self._hits)

    def count(self, path: str, method: str | None = None, status: int | None = None) -> int:
        key = "path" if "?" in path else "route"
        return sum(1 for h in self.hits if getattr(h, key) == path
                   and method in (None, h.method) and status in (None, h.status))

    @property
    def counts(self) -> Counter:
        """Counter of (method, route)."""
        return Counter((h.method, h.route) for h in self.hits)

    def reset_hits(self) -> None:
        with self._lock:
            self._hits.clear()
            self._counters.clear()

    def _record(self, handler: _Handler) -> Hit:
        headers = {k: handler.headers[k] for k in SELECTED_HEADERS if k in handler.headers}
        hit = Hit(handler.command, handler.path, handler.route, headers, handler.client_address[1])
        with self._lock:
            self._hits.append(hit)
        return hit

    def _bump(self, key: str) -> int:
        with self._lock:
            self._counters[key] += 1
            return self._counters[key]


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Run the test outlet for manual poking.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--hang-seconds", type=float, default=30.0)
    args = ap.parse_args()
    with Outlet(port=args.port, hang_seconds=args.hang_seconds) as outlet:
        print(f"outlet at {outlet.base}  (Ctrl-C to stop)")
        special = ["/hostile/always-500", "/hostile/hang", "/hostile/big", "/hostile/bomb", "/hostile/bomb-nested"]
        for p in sorted({*outlet.docs, *FAILS_FIRST, *REDIRECTS, *special}):
            print(" ", outlet.url(p))
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
