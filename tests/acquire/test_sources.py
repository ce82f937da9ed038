"""sources.toml parsing: every field, the defaults, the repo's own file, and one error per mistake that
names the source and the field."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tasks.acquire.sources import Source, SourcesError, load_sources, parse_sources, select_sources
from tests.support.paths import ROOT

FULL = """
[[source]]
name = "bbc"
kind = "rss"
url = "https://feeds.example.com/arabic/rss.xml"
outlet = "BBC Arabic"
language = "ar"
rate = 0.5
concurrency = 4
allow_private = ["intranet.local", "10.0.0.5"]
enabled = false

[[source]]
name = "local"
kind = "folder"
path = "pages/ar"

[[source]]
name = "list"
kind = "urls"
path = "/srv/lists/urls.txt"
rate = 0
"""


def one(body: str) -> str:
    return "[[source]]\n" + body.strip() + "\n"


def test_full_file_parses_every_field(tmp_path):
    bbc, local, listed = parse_sources(FULL, base_dir=tmp_path)
    assert bbc == Source(
        name="bbc", kind="rss", url="https://feeds.example.com/arabic/rss.xml", path=None, outlet="BBC Arabic",
        language="ar", rate=0.5, concurrency=4, allow_private=("intranet.local", "10.0.0.5"), enabled=False,
    )
    assert bbc.location == bbc.url
    # A relative path is taken from base_dir (the file's folder), made absolute.
    assert local.path == str((tmp_path / "pages" / "ar").resolve())
    assert Path(local.path).is_absolute()
    assert local.location == local.path
    # An absolute path is kept as written; rate 0 (no limit) is allowed and is a float.
    assert listed.path == "/srv/lists/urls.txt"
    assert listed.rate == 0.0 and isinstance(listed.rate, float)


def test_defaults(tmp_path):
    (local,) = parse_sources(one('name = "local"\nkind = "folder"\npath = "x"'), base_dir=tmp_path)
    assert local.rate == 1.0
    assert local.concurrency == 2
    assert local.enabled is True
    assert local.allow_private == ()
    assert local.url is None and local.outlet is None and local.language is None


def test_integer_rate_becomes_float():
    (s,) = parse_sources(one('name = "a"\nkind = "rss"\nurl = "http://example.com/feed"\nrate = 2'))
    assert s.rate == 2.0 and isinstance(s.rate, float)


def test_empty_file_has_no_sources():
    assert parse_sources("") == []


def test_repo_sources_toml():
    sources = load_sources(ROOT / "sources.toml")
    enabled = [s for s in sources if s.enabled]
    assert [s.name for s in enabled] == ["seeds"]
    (seeds,) = enabled
    assert seeds.kind == "folder"
    assert Path(seeds.path).is_absolute() and Path(seeds.path).is_dir()
    assert Path(seeds.path) == (ROOT / "seeds").resolve()
    disabled = [s for s in sources if not s.enabled]
    assert disabled, "the repo lists real outlets, disabled"
    for s in disabled:
        parts = urlsplit(s.url)
        assert parts.scheme in ("http", "https") and parts.hostname, s
    assert len({s.name for s in sources}) == len(sources)


# Each mistake: (toml text, words the message must contain: the source and the field).
ERRORS = {
    "invalid_toml": ('[[source]]\nname = "a"\nkind = rss\n', ["not valid TOML"]),
    "unknown_top_level": ('[[sources]]\nname = "a"\n', ["unknown top-level", "sources"]),
    "unknown_field": (one('name = "bbc"\nkind = "rss"\nurl = "https://example.com/rss"\nrat = 1'), ["'bbc'", "rat"]),
    "missing_name": (one('kind = "rss"\nurl = "https://example.com/rss"'), ["source #1", "`name`"]),
    "blank_name": (one('name = "  "\nkind = "rss"\nurl = "https://example.com/rss"'), ["source #1", "`name`"]),
    "bad_kind": (one('name = "bbc"\nkind = "json"\nurl = "https://example.com/rss"'), ["'bbc'", "`kind`", "json"]),
    "missing_kind": (one('name = "bbc"\nurl = "https://example.com/rss"'), ["'bbc'", "`kind`"]),
    "rss_without_url": (one('name = "bbc"\nkind = "rss"'), ["'bbc'", "`url`"]),
    "sitemap_without_url": (one('name = "bbc"\nkind = "sitemap"\npath = "x.xml"'), ["'bbc'", "`url`"]),
    "folder_without_path": (one('name = "seeds"\nkind = "folder"'), ["'seeds'", "`path`"]),
    "urls_without_either": (one('name = "list"\nkind = "urls"'), ["'list'", "`url`", "`path`"]),
    "file_scheme": (one('name = "bbc"\nkind = "rss"\nurl = "file:///etc/passwd"'), ["'bbc'", "`url`", "file:///etc/passwd"]),
    "ftp_scheme": (one('name = "bbc"\nkind = "rss"\nurl = "ftp://example.com/rss.xml"'), ["'bbc'", "`url`", "ftp://"]),
    "url_without_host": (one('name = "bbc"\nkind = "rss"\nurl = "https:///rss.xml"'), ["'bbc'", "`url`"]),
    "url_not_string": (one('name = "bbc"\nkind = "rss"\nurl = 42'), ["'bbc'", "`url`"]),
    "path_not_string": (one('name = "seeds"\nkind = "folder"\npath = 3'), ["'seeds'", "`path`"]),
    "negative_rate": (one('name = "bbc"\nkind = "rss"\nurl = "https://example.com/rss"\nrate = -1'), ["'bbc'", "`rate`"]),
    "string_rate": (one('name = "bbc"\nkind = "rss"\nurl = "https://example.com/rss"\nrate = "1"'), ["'bbc'", "`rate`"]),
    "bool_rate": (one('name = "bbc"\nkind = "rss"\nurl = "https://example.com/rss"\nrate = true'), ["'bbc'", "`rate`"]),
    "zero_concurrency": (one('name = "bbc"\nkind = "rss"\nurl = "https://example.com/rss"\nconcurrency = 0'), ["'bbc'", "`concurrency`"]),
    "float_concurrency": (one('name = "bbc"\nkind = "rss"\nurl = "https://example.com/rss"\nconcurrency = 1.5'), ["'bbc'", "`concurrency`"]),
    "allow_private_string": (one('name = "bbc"\nkind = "rss"\nurl = "https://example.com/rss"\nallow_private = "localhost"'),
                             ["'bbc'", "`allow_private`"]),
    "allow_private_numbers": (one('name = "bbc"\nkind = "rss"\nurl = "https://example.com/rss"\nallow_private = [1]'),
                              ["'bbc'", "`allow_private`"]),
    "enabled_string": (one('name = "bbc"\nkind = "rss"\nurl = "https://example.com/rss"\nenabled = "false"'), ["'bbc'", "`enabled`"]),
    "language_not_string": (one('name = "bbc"\nkind = "rss"\nurl = "https://example.com/rss"\nlanguage = 1'), ["'bbc'", "`language`"]),
    "duplicate_names": (one('name = "bbc"\nkind = "folder"\npath = "a"') + one('name = "bbc"\nkind = "folder"\npath = "b"'),
                        ["source #2", "'bbc'", "twice"]),
    "duplicate_after_strip": (one('name = "bbc"\nkind = "folder"\npath = "a"') + one('name = " bbc "\nkind = "folder"\npath = "b"'),
                              ["source #2", "twice"]),
    "source_not_array": ('source = "bbc"\n', ["[[source]]"]),
}


@pytest.mark.parametrize("text, words", ERRORS.values(), ids=ERRORS.keys())
def test_errors_name_the_source_and_field(text, words, tmp_path):
    with pytest.raises(SourcesError) as info:
        parse_sources(text, base_dir=tmp_path)
    message = str(info.value)
    for word in words:
        assert word in message, (word, message)


def test_unknown_field_message_lists_the_known_fields():
    with pytest.raises(SourcesError, match=r"unknown fields \['rat'\]") as info:
        parse_sources(one('name = "bbc"\nkind = "rss"\nurl = "https://example.com/rss"\nrat = 1'))
    assert "'rate'" in str(info.value)


def test_error_in_second_source_names_it():
    text = one('name = "ok"\nkind = "folder"\npath = "a"') + one('name = "bad"\nkind = "rss"\nurl = "https://example.com"\nrate = -2')
    with pytest.raises(SourcesError, match=r"^source #2 \('bad'\): `rate`"):
        parse_sources(text)


def test_unparsable_url_is_a_sources_error():
    with pytest.raises(SourcesError, match="'bbc'"):
        parse_sources(one('name = "bbc"\nkind = "rss"\nurl = "https://[feeds.example.com/rss.xml"'))


SELECTABLE = one('name = "a"\nkind = "folder"\npath = "a"') + one('name = "b"\nkind = "folder"\npath = "b"\nenabled = false') + \
    one('name = "c"\nkind = "folder"\npath = "c"')


def test_select_default_is_enabled_only():
    sources = parse_sources(SELECTABLE)
    assert [s.name for s in select_sources(sources, None)] == ["a", "c"]
    assert [s.name for s in select_sources(sources, [])] == ["a", "c"]


def test_select_by_name_includes_disabled_and_keeps_order_asked():
    sources = parse_sources(SELECTABLE)
    picked = select_sources(sources, ["c", "b"])
    assert [s.name for s in picked] == ["c", "b"]
    assert picked[1].enabled is False


def test_select_unknown_name_lists_known():
    sources = parse_sources(SELECTABLE)
    with pytest.raises(SourcesError) as info:
        select_sources(sources, ["a", "nope"])
    message = str(info.value)
    assert "'nope'" in message
    assert "known: a, b, c" in message


def test_load_missing_file(tmp_path):
    missing = tmp_path / "absent.toml"
    with pytest.raises(SourcesError, match="cannot read") as info:
        load_sources(missing)
    assert str(missing) in str(info.value)


def test_load_resolves_paths_against_the_files_folder(tmp_path):
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "sources.toml").write_text(one('name = "s"\nkind = "folder"\npath = "../pages"'), encoding="utf-8")
    (s,) = load_sources(conf / "sources.toml")
    assert s.path == str((tmp_path / "pages").resolve())
