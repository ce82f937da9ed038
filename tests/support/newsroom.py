"""Newsroom: a news site on loopback that keeps publishing, for source-health tests (stdlib only).

    with Newsroom(seed=1) as site:
        site.publish()                  # a few new articles (0 to 5, some of them video pages with no text)
        site.url("/feed.xml")           # RSS of the latest 12 articles, ETag + Last-Modified (304 when unchanged)
        site.fault = "layout"           # what breaks: see FAULTS

Articles are /news/<n>.html: a title, a date and 3 to 9 paragraphs of Arabic words drawn from the outlet's
fixture texts (tests/support/outlet_pages/articles.json), so that no two are alike. About one page in eight
is a video page (a title and a one-line caption): the ordinary misses of a real outlet.

FAULTS:
  "layout"     pages come in a new layout whose text is drawn by script: what is left is menus and footer
  "forbidden"  every path answers 403 (a CDN that turned on the crawler)
  "robots"     robots.txt disallows /news/
  "stale"      publish() adds nothing: the feed stops changing

By hand (docs/operating.md, "Source health"): `python -m tests.support.newsroom --port 8600 --every 60` serves a
site that publishes every minute; `curl http://127.0.0.1:8600/_fault/forbidden` breaks it, `/_fault/none` mends it.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import threading
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from tests.support.outlet import FIXTURES

FAULTS = (None, "layout", "forbidden", "robots", "stale")
WORDS = sorted({w for a in json.loads((FIXTURES / "articles.json").read_text("utf-8")) if a["lang"] == "ar"
                for p in a["paragraphs"] for w in re.findall(r"[\u0600-\u06FF]+", p)})
NAV = "".join(f'<li><a href="/section/{i}.html">{n}</a></li>' for i, n in
              enumerate(["الرئيسية", "سياسة", "اقتصاد", "ثقافة", "رياضة", "منوعات", "فيديو", "رأي"]))
FOOT = ('<footer><p>© 2026 أخبار الغد. جميع الحقوق محفوظة.</p><p><a href="/about.html">من نحن</a> | '
        '<a href="/contact.html">اتصل بنا</a> | <a href="/privacy.html">سياسة الخصوصية</a></p></footer>')
START = datetime(2026, 3, 1, 6, tzinfo=timezone.utc)


class Newsroom:
    def __init__(self, seed: int = 0, latest: int = 12, most: int = 5):
        self.rng = random.Random(seed)
        self.latest, self.most = latest, most
        self.fault: str | None = None
        self.articles: list[dict] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # ---- publishing ----
    def publish(self, count: int | None = None) -> int:
        """Publish `count` articles (default: 0 to `most`, mostly 2 to 4); nothing while the feed is stale."""
        if self.fault == "stale":
            return 0
        n = count if count is not None else self.rng.choice([0, 1, 2, 2, 3, 3, 3, 4, 4, 5][: self.most * 2])
        with self._lock:
            for _ in range(n):
                number = len(self.articles) + 1
                video = self.rng.random() < 0.125
                paragraphs = [self._sentences(self.rng.randint(2, 5)) for _ in range(1 if video else self.rng.randint(3, 9))]
                self.articles.append({"n": number, "title": self._sentence(self.rng.randint(5, 9)),
                                      "published": START + timedelta(minutes=37 * number),
                                      "paragraphs": [paragraphs[0][:60]] if video else paragraphs, "video": video})
        return n

    def _sentence(self, words: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(words))

    def _sentences(self, count: int) -> str:
        return " ".join(self._sentence(self.rng.randint(8, 20)) + "." for _ in range(count))

    # ---- pages ----
    def page(self, number: int) -> bytes:
        a = self.articles[number - 1]
        head = (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(a["title"])}</title>'
                f'<meta property="og:title" content="{escape(a["title"])}">'
                f'<meta property="article:published_time" content="{a["published"].isoformat()}"></head><body>'
                f'<header><a href="/">أخبار الغد</a><nav><ul>{NAV}</ul></nav></header>')
        others = "".join(f'<li><a href="/news/{o["n"]}.html">{escape(o["title"])}</a></li>'
                         for o in self.articles[max(0, number - 6):number - 1])
        if self.fault == "layout":
            body = (f'<main><div id="app" data-article="{number}"></div><script src="/static/app.js"></script>'
                    f'<aside><h2>الأكثر قراءة</h2><ul>{others}</ul></aside></main>')
        else:
            video = '<div class="player"><video src="/media/clip.mp4"></video></div>' if a["video"] else ""
            paras = "".join(f"<p>{escape(p)}</p>" for p in a["paragraphs"])
            body = (f'<main><article><h1>{escape(a["title"])}</h1><time datetime="{a["published"].isoformat()}">'
                    f'{a["published"]:%Y-%m-%d}</time>{video}{paras}</article>'
                    f'<aside><h2>اقرأ أيضاً</h2><ul>{others}</ul></aside></main>')
        return (head + body + FOOT + "</body></html>").encode()

    def feed(self) -> tuple[bytes, datetime]:
        shown = self.articles[-self.latest:]
        items = "".join(f'<item><title>{escape(a["title"])}</title><link>{self.base}/news/{a["n"]}.html</link>'
                        f'<pubDate>{format_datetime(a["published"])}</pubDate></item>' for a in reversed(shown))
        updated = shown[-1]["published"] if shown else START
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>أخبار الغد</title>'
                f'<link>{self.base}/</link><description>أخبار</description>{items}</channel></rss>').encode(), updated

    def robots(self) -> bytes:
        return b"User-agent: *\n" + (b"Disallow: /news/\n" if self.fault == "robots" else b"Allow: /\n")

    # ---- lifecycle ----
    def __enter__(self) -> "Newsroom":
        return self.start()

    def start(self, port: int = 0) -> "Newsroom":
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.daemon_threads = True
        self._server.newsroom = self
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        site: Newsroom = self.server.newsroom
        path = self.path.split("?", 1)[0]
        if path.startswith("/_fault/") and path.removeprefix("/_fault/") in ("none", *filter(None, FAULTS)):
            site.fault = None if path == "/_fault/none" else path.removeprefix("/_fault/")
            return self.reply(200, f"fault: {site.fault}\n".encode(), "text/plain")
        with site._lock:
            if site.fault == "forbidden":
                return self.reply(403, b"<h1>403 Forbidden</h1>", "text/html")
            if path == "/robots.txt":
                return self.reply(200, site.robots(), "text/plain")
            if path == "/feed.xml":
                body, updated = site.feed()
                return self.conditional(body, "application/rss+xml; charset=utf-8", updated)
            match = re.fullmatch(r"/news/(\d+)\.html", path)
            if match and 1 <= int(match[1]) <= len(site.articles):
                article = site.articles[int(match[1]) - 1]
                return self.conditional(site.page(int(match[1])), "text/html; charset=utf-8", article["published"])
        self.reply(404, b"<h1>404</h1>", "text/html")

    def conditional(self, body: bytes, ctype: str, modified: datetime) -> None:
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        headers = [("ETag", etag), ("Last-Modified", format_datetime(modified, usegmt=True))]
        if self.headers.get("If-None-Match") == etag:
            return self.reply(304, None, None, headers)
        since = self.headers.get("If-Modified-Since")
        if since and self.headers.get("If-None-Match") is None and parsedate_to_datetime(since) >= modified.replace(microsecond=0):
            return self.reply(304, None, None, headers)
        self.reply(200, body, ctype, headers)

    def reply(self, status: int, body: bytes | None, ctype: str | None, headers=()) -> None:
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if body is not None:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        if body:
            self.wfile.write(body)


if __name__ == "__main__":
    import argparse
    import time

    ap = argparse.ArgumentParser(description="A loopback news site that keeps publishing, for trying source health.")
    ap.add_argument("--port", type=int, default=8600)
    ap.add_argument("--every", type=float, default=60.0, help="seconds between publications (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    site = Newsroom(seed=args.seed).start(args.port)
    print(f"newsroom at {site.url('/feed.xml')}; faults: {site.base}/_fault/<{'|'.join(filter(None, FAULTS))}|none>",
          flush=True)
    try:
        while True:
            site.publish()
            time.sleep(args.every)
    except KeyboardInterrupt:
        pass
