"""sources.toml: where articles come from. Parsed strictly: a typo is an error that names the source
and the field, never a silently ignored setting."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

KINDS = ("rss", "atom", "sitemap", "urls", "folder", "warc")
LISTING_KINDS = ("rss", "atom", "sitemap")
_FIELDS = {"name", "kind", "url", "path", "outlet", "language", "rate", "allow_private", "enabled", "concurrency",
           "health", "urls", "hosts"}


class SourcesError(ValueError):
    """sources.toml is malformed; the message says where."""


@dataclass(frozen=True)
class HealthSettings:
    """Thresholds; each settable per source (`[source.health]` in sources.toml) or for all (`[health]`)."""

    min_history: int = 3         # healthy runs before yield, length and staleness are judged at all
    baseline_runs: int = 10      # the baseline: the source's last this many healthy runs, pooled
    min_sample: int = 8          # yield and length are judged over the last this many pages and articles
    yield_drop: float = 0.5      # yield_drop below this share of the baseline's articles per page
    text_shrunk: float = 0.3     # text_shrunk below this share of the baseline's median words an article
    error_share: float = 0.5     # share of requests failing one way that gives that way's reason
    min_failures: int = 2        # ... and at least this many of them (or no listing at all)
    stale_runs: int = 3          # feed_stale after at least this many runs in a row with nothing new listed
    stale_factor: float = 4.0    # ... and this many times the source's usual runs between new pages

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"health setting `{f.name}` must be a number >= 0, not {value!r}")
            if f.type == "int" and not isinstance(value, int):
                raise ValueError(f"health setting `{f.name}` must be a whole number, not {value!r}")

    @classmethod
    def names(cls) -> set[str]:
        return {f.name for f in fields(cls)}


def health_settings(table, where: str, base: HealthSettings = HealthSettings()) -> HealthSettings:
    """`base` with the thresholds of a `[health]` table set; a typo or a bad value names the field."""
    if table is None:
        return base
    if not isinstance(table, dict):
        raise SourcesError(f"{where}: `health` must be a table of thresholds")
    unknown = set(table) - HealthSettings.names()
    if unknown:
        raise SourcesError(f"{where}: unknown health settings {sorted(unknown)} (known: {sorted(HealthSettings.names())})")
    try:
        return replace(base, **table)
    except ValueError as exc:
        raise SourcesError(f"{where}: {exc}") from None


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    url: str | None = None  # rss / atom / sitemap: the listing; urls: a URL list served over HTTP
    path: str | None = None  # folder, or urls: a local file of URLs
    outlet: str | None = None
    language: str | None = None
    rate: float = 1.0  # requests per second per host; 0 means no limit
    concurrency: int = 2  # requests at once per host
    allow_private: tuple[str, ...] = field(default_factory=tuple)  # hosts / addresses allowed though private
    enabled: bool = True
    health: HealthSettings = HealthSettings()  # thresholds of source health (tasks.run.health)
    urls: tuple[str, ...] = ()  # warc: http(s) URLs of archive files (with `url`, one more)
    hosts: tuple[str, ...] = ()  # warc: the hosts whose pages are kept (empty: every host)

    @property
    def location(self) -> str:
        return self.url or self.path or ""


def parse_sources(text: str, base_dir: Path | str = ".") -> list[Source]:
    """Parse sources.toml text; relative paths are taken from `base_dir` (the file's folder)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"sources.toml is not valid TOML: {exc}") from exc
    unknown_top = set(data) - {"source", "fetch", "health"}
    if unknown_top:
        raise SourcesError(f"unknown top-level keys {sorted(unknown_top)}; sources are [[source]] tables, settings"
                           " [fetch] and [health]")
    defaults = health_settings(data.get("health"), "[health]")
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourcesError("`source` must be an array of tables: [[source]]")
    sources, names = [], set()
    for i, entry in enumerate(entries, start=1):
        where = f"source #{i}" + (f" ({entry.get('name')!r})" if isinstance(entry, dict) and entry.get("name") else "")
        if not isinstance(entry, dict):
            raise SourcesError(f"{where}: expected a table")
        unknown = set(entry) - _FIELDS
        if unknown:
            raise SourcesError(f"{where}: unknown fields {sorted(unknown)} (known: {sorted(_FIELDS)})")
        source = _source(entry, where, Path(base_dir), defaults)
        if source.name in names:
            raise SourcesError(f"{where}: the name {source.name!r} is used twice")
        names.add(source.name)
        sources.append(source)
    return sources


def _source(entry: dict, where: str, base_dir: Path, defaults: HealthSettings = HealthSettings()) -> Source:
    name, kind = entry.get("name"), entry.get("kind")
    if not isinstance(name, str) or not name.strip():
        raise SourcesError(f"{where}: `name` is required")
    if kind not in KINDS:
        raise SourcesError(f"{where}: `kind` must be one of {', '.join(KINDS)}, not {kind!r}")
    url, path = entry.get("url"), entry.get("path")
    if kind in LISTING_KINDS and not url:
        raise SourcesError(f"{where}: a {kind} source needs `url`")
    if kind == "folder" and not path:
        raise SourcesError(f"{where}: a folder source needs `path`")
    if kind == "urls" and not (url or path):
        raise SourcesError(f"{where}: a urls source needs `url` or `path`")
    archives, hosts = entry.get("urls", []), entry.get("hosts", [])
    for key, value in (("urls", archives), ("hosts", hosts)):
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise SourcesError(f"{where}: `{key}` must be a list of strings")
        if value and kind != "warc":
            raise SourcesError(f"{where}: `{key}` is for warc sources")
    if kind == "warc" and not (url or path or archives):
        raise SourcesError(f"{where}: a warc source needs `path` (a file or a glob), `url` or `urls`")
    for archive in archives:
        if urlsplit(archive).scheme not in ("http", "https") or not urlsplit(archive).hostname:
            raise SourcesError(f"{where}: `urls` must hold http(s) URLs, not {archive!r}")
    if url is not None:
        try:
            parts = urlsplit(url) if isinstance(url, str) else None
            valid = parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)
            parts and parts.port  # raises on a port out of range
        except ValueError:
            valid = False
        if not valid:
            raise SourcesError(f"{where}: `url` must be an http(s) URL, not {url!r}")
    if path is not None:
        if not isinstance(path, str):
            raise SourcesError(f"{where}: `path` must be a string")
        path = str((base_dir / path).resolve()) if not Path(path).is_absolute() else path
    rate = entry.get("rate", 1.0)
    if not isinstance(rate, (int, float)) or isinstance(rate, bool) or rate < 0:
        raise SourcesError(f"{where}: `rate` must be a number >= 0 (requests per second per host; 0 = no limit)")
    concurrency = entry.get("concurrency", 2)
    if not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1:
        raise SourcesError(f"{where}: `concurrency` must be a whole number >= 1")
    allow = entry.get("allow_private", [])
    if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
        raise SourcesError(f"{where}: `allow_private` must be a list of host names or addresses")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise SourcesError(f"{where}: `enabled` must be true or false")
    for key in ("outlet", "language"):
        if entry.get(key) is not None and not isinstance(entry[key], str):
            raise SourcesError(f"{where}: `{key}` must be a string")
    return Source(
        name=name.strip(), kind=kind, url=url, path=path, outlet=entry.get("outlet"), language=entry.get("language"),
        rate=float(rate), concurrency=concurrency, allow_private=tuple(allow), enabled=enabled,
        health=health_settings(entry.get("health"), where, defaults),
        urls=tuple(([url] if kind == "warc" and url else []) + archives), hosts=tuple(h.strip().lower() for h in hosts),
    )


def load_sources(path: str | Path) -> list[Source]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"cannot read {path}: {exc}") from exc
    except UnicodeDecodeError:
        raise SourcesError(f"{path} is not a sources.toml (not UTF-8 text); a sources.toml, a folder, or a .warc/.warc.gz"
                           " file is what ingests") from None
    return parse_sources(text, path.resolve().parent)


def select_sources(sources: list[Source], names: list[str] | None) -> list[Source]:
    """The enabled sources, or exactly the named ones (named disabled sources run too: the operator asked)."""
    if not names:
        return [s for s in sources if s.enabled]
    by_name = {s.name: s for s in sources}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise SourcesError(f"no source named {', '.join(map(repr, missing))} (known: {', '.join(sorted(by_name))})")
    return [by_name[n] for n in names]


_FETCH_FIELDS = {
    "user_agent": str, "connect_timeout": float, "read_timeout": float, "total_timeout": float,
    "retries": int, "max_redirects": int, "backoff_base": float, "backoff_max": float, "retry_after_max": float,
}


def parse_fetch_settings(text: str) -> dict:
    """The optional [fetch] table: FetchPolicy fields (User-Agent, timeouts, retries...), validated."""
    try:
        table = tomllib.loads(text).get("fetch", {})
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"sources.toml is not valid TOML: {exc}") from exc
    if not isinstance(table, dict):
        raise SourcesError("[fetch] must be a table")
    unknown = set(table) - set(_FETCH_FIELDS)
    if unknown:
        raise SourcesError(f"[fetch]: unknown fields {sorted(unknown)} (known: {sorted(_FETCH_FIELDS)})")
    settings = {}
    for key, value in table.items():
        kind = _FETCH_FIELDS[key]
        if kind is str and (not isinstance(value, str) or not value.strip()):
            raise SourcesError(f"[fetch]: `{key}` must be a non-empty string")
        if kind in (int, float) and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0
                                     or (kind is int and not isinstance(value, int))):
            raise SourcesError(f"[fetch]: `{key}` must be a {'whole ' if kind is int else ''}number >= 0")
        settings[key] = kind(value)
    return settings


def load_fetch_settings(path: str | Path) -> dict:
    path = Path(path)
    if path.is_dir():
        return {}
    try:
        return parse_fetch_settings(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourcesError(f"cannot read {path}: {exc}") from exc
