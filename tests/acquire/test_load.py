"""Loading a folder: every file becomes a Document or a Reject with a stable reason, never an exception."""
from __future__ import annotations

import gzip
import json
import random
import tracemalloc
from pathlib import Path

import pytest
from courlan import normalize_url

from schemas.records import Document, Reject
from tasks.acquire.load import document_id, input_kind, list_folder, load_input
from tasks.text.normalize import sha256_hex, stable_id

ARABIC = "أعلنت الحكومة اليوم عن خطة جديدة لإعادة الإعمار في مدينة حلب، وقال الوزير إن العمل سيبدأ قريبا."
FRENCH = "Élève, où es-tu ? Ça va très bien, merci. Les enfants jouent près de la fenêtre ; l'été approche."
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
CAP = 64 * 1024


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def write_gzip_bomb(path: Path, size: int, chunk: int = 1024 * 1024) -> None:
    """A small gzip file that expands to `size` zero bytes, written without holding them in memory."""
    zeros = bytes(chunk)
    with gzip.open(path, "wb", compresslevel=9) as fh:
        for _ in range(size // chunk):
            fh.write(zeros)


def load_all(folder: Path, source: str | None = None, max_bytes: int = CAP):
    """relpath -> (document, reject) for every listed input, plus the listing."""
    listing = list_folder(folder, source)
    return {ref.relpath: load_input(ref, listing.manifest, max_bytes) for ref in listing.inputs}, listing


@pytest.fixture()
def bad_folder(tmp_path) -> Path:
    root = tmp_path / "badsrc"
    write(root / "good.txt", ARABIC)
    write(root / "empty.txt", b"")
    write(root / "binary.txt", PDF)
    write(root / "arabic1256.txt", ARABIC.encode("cp1256"))
    write(root / "latin.txt", FRENCH.encode("latin-1"))
    write(root / "big.txt", ("خبر " * (CAP // 4)).encode("utf-8"))  # ~1.75 x CAP
    write_gzip_bomb(root / "bomb.html.gz", 32 * 1024 * 1024)
    good_gz = gzip.compress(f"<html><body><p>{ARABIC}</p></body></html>".encode("utf-8"))
    corrupt = bytearray(good_gz)
    corrupt[20:40] = b"\xff" * 20
    write(root / "corrupt.html.gz", bytes(corrupt))
    write(root / "page.html.gz", good_gz)
    write(root / "notes.pdf", PDF)
    write(root / "image.png", PNG)
    write(root / "sub" / "deeper" / "nested.html", f"<html><body><p>{ARABIC}</p></body></html>")
    return root


# --- the bad folder, file by file -----------------------------------------------------------------------


def test_bad_folder_every_file_is_a_document_or_a_reject(bad_folder):
    results, listing = load_all(bad_folder)
    assert set(results) == {
        "good.txt", "empty.txt", "binary.txt", "arabic1256.txt", "latin.txt", "big.txt", "bomb.html.gz",
        "corrupt.html.gz", "page.html.gz", "notes.pdf", "image.png", "sub/deeper/nested.html",
    }
    assert listing.rejects == []
    for relpath, (doc, reject) in results.items():
        assert doc is not None or reject is not None, relpath
        if reject is not None:
            assert isinstance(reject, Reject)
            assert reject.input_ref == f"badsrc/{relpath}"
            assert reject.stage == "load"
            assert reject.detail
        if doc is not None:
            assert isinstance(doc, Document)
            assert (doc.text is None) == (reject is not None), relpath


def test_listing_is_sorted_and_stable(bad_folder):
    first = [r.relpath for r in list_folder(bad_folder).inputs]
    assert first == [r.relpath for r in list_folder(bad_folder).inputs]
    assert first.index("sub/deeper/nested.html") == len(first) - 1  # files of the root first, then subfolders
    assert first[:-1] == sorted(first[:-1])


def test_good_utf8_file(bad_folder):
    results, _ = load_all(bad_folder)
    doc, reject = results["good.txt"]
    assert reject is None
    assert doc.text == ARABIC and doc.encoding == "utf-8"
    assert doc.kind == "text" and doc.content_type == "text/plain"
    assert doc.source == "badsrc" and doc.input_ref == "badsrc/good.txt"
    assert doc.raw == ARABIC.encode("utf-8") and doc.raw_sha256 == sha256_hex(doc.raw)
    assert doc.url == (bad_folder / "good.txt").resolve().as_uri()
    assert doc.meta == {}


def test_empty_file(bad_folder):
    doc, reject = load_all(bad_folder)[0]["empty.txt"]
    assert reject.reason == "empty"
    assert doc is not None and doc.text is None and doc.raw == b""


def test_binary_file_named_txt(bad_folder):
    doc, reject = load_all(bad_folder)[0]["binary.txt"]
    assert reject.reason == "binary" and "PDF" in reject.detail
    assert doc.raw == PDF and doc.text is None  # raw bytes kept for a later reprocess


def test_windows_1256_arabic(bad_folder):
    doc, reject = load_all(bad_folder)[0]["arabic1256.txt"]
    assert reject is None
    assert doc.encoding == "cp1256"
    assert doc.text == ARABIC


def test_latin_text_is_a_document_or_a_reject(bad_folder):
    doc, reject = load_all(bad_folder)[0]["latin.txt"]
    assert doc is not None
    if reject is None:
        assert doc.text and doc.encoding
    else:
        assert reject.reason == "decode_error" and doc.text is None


def test_big_file_over_the_cap(bad_folder):
    doc, reject = load_all(bad_folder, max_bytes=CAP)[0]["big.txt"]
    assert doc is None
    assert reject.reason == "too_large"
    assert str(CAP) in reject.detail


def test_big_file_under_a_larger_cap_loads(bad_folder):
    doc, reject = load_all(bad_folder, max_bytes=1024 * 1024)[0]["big.txt"]
    assert reject is None and doc.text.startswith("خبر ")


def test_file_exactly_at_the_cap_loads(tmp_path):
    write(tmp_path / "src" / "exact.txt", b"a" * 1000)
    doc, reject = load_all(tmp_path / "src", max_bytes=1000)[0]["exact.txt"]
    assert reject is None and len(doc.text) == 1000
    doc, reject = load_all(tmp_path / "src", max_bytes=999)[0]["exact.txt"]
    assert doc is None and reject.reason == "too_large"


def test_gzip_bomb_is_refused_within_the_cap(bad_folder):
    assert (bad_folder / "bomb.html.gz").stat().st_size < CAP  # small on disk: only the expansion is big
    listing = list_folder(bad_folder)
    ref = next(r for r in listing.inputs if r.relpath == "bomb.html.gz")
    tracemalloc.start()
    try:
        doc, reject = load_input(ref, listing.manifest, max_bytes=CAP)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert doc is None
    assert reject.reason == "too_large" and "decompresses" in reject.detail
    # 32 MiB of zeros behind it; decompression must stop at the cap, not expand the whole bomb
    assert peak < 8 * CAP, f"peak {peak} bytes while loading a bomb under a cap of {CAP}"


def test_gzip_under_the_cap_is_decompressed(bad_folder):
    doc, reject = load_all(bad_folder)[0]["page.html.gz"]
    assert reject is None
    assert doc.kind == "html" and doc.content_type == "text/html"
    assert ARABIC in doc.text
    assert doc.raw.startswith(b"<html>")  # raw holds the decompressed bytes


def test_corrupt_gzip(bad_folder):
    doc, reject = load_all(bad_folder)[0]["corrupt.html.gz"]
    assert doc is None
    assert reject.reason == "decode_error" and "gzip" in reject.detail


@pytest.mark.parametrize(
    "data",
    [b"this is not gzip at all, just text", gzip.compress(b"<html>" + random.Random(1).randbytes(4000).hex().encode())[:1000]],
    ids=["not-gzip", "truncated"],
)
def test_other_broken_gzips(tmp_path, data):
    write(tmp_path / "src" / "x.html.gz", data)
    doc, reject = load_all(tmp_path / "src")[0]["x.html.gz"]
    assert doc is None and reject.reason == "decode_error"


def test_multi_member_gzip_is_not_truncated_silently(tmp_path):
    write(tmp_path / "src" / "two.txt.gz", gzip.compress("الجزء الأول. ".encode()) + gzip.compress("الجزء الثاني.".encode()))
    doc, reject = load_all(tmp_path / "src")[0]["two.txt.gz"]
    assert reject is not None or doc.text == "الجزء الأول. الجزء الثاني."


@pytest.mark.parametrize("relpath", ["notes.pdf", "image.png"])
def test_unsupported_types(bad_folder, relpath):
    doc, reject = load_all(bad_folder)[0][relpath]
    assert doc is None
    assert reject.reason == "unsupported_type"


@pytest.mark.parametrize(
    "relpath, kind",
    [("a.txt", "text"), ("a.TXT", "text"), ("a.htm", "html"), ("d/a.xhtml", "html"), ("a.html.gz", "html"),
     ("a.txt.GZ", "text"), ("a.pdf", None), ("a.gz", None), ("a", None), ("a.json", None)],
)
def test_input_kind(relpath, kind):
    assert input_kind(relpath) == kind


def test_nested_file_has_slash_relpath(bad_folder):
    listing = list_folder(bad_folder)
    ref = next(r for r in listing.inputs if r.relpath.endswith("nested.html"))
    assert ref.relpath == "sub/deeper/nested.html"
    assert ref.ref == "badsrc/sub/deeper/nested.html"
    assert Path(ref.path) == (bad_folder / "sub" / "deeper" / "nested.html").resolve()
    doc, reject = load_input(ref, listing.manifest)
    assert reject is None and doc.kind == "html" and ARABIC in doc.text


def test_hidden_folders_are_not_listed(tmp_path):
    write(tmp_path / "src" / "a.txt", ARABIC)
    write(tmp_path / "src" / ".git" / "HEAD", "ref: refs/heads/main")
    assert [r.relpath for r in list_folder(tmp_path / "src").inputs] == ["a.txt"]


def test_source_name_override(tmp_path):
    write(tmp_path / "folder" / "a.txt", ARABIC)
    listing = list_folder(tmp_path / "folder", source="agency")
    assert [r.ref for r in listing.inputs] == ["agency/a.txt"]


def test_missing_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        list_folder(tmp_path / "nope")


def test_file_deleted_after_listing_is_a_read_error(tmp_path):
    path = write(tmp_path / "src" / "gone.txt", ARABIC)
    listing = list_folder(tmp_path / "src")
    path.unlink()
    doc, reject = load_input(listing.inputs[0], listing.manifest)
    assert doc is None and reject.reason == "read_error"


# --- manifest.json ---------------------------------------------------------------------------------


def make_manifest_folder(tmp_path: Path, manifest) -> Path:
    root = tmp_path / "agency"
    write(root / "one.txt", ARABIC)
    write(root / "two.html", f"<html><body><p>{ARABIC}</p></body></html>")
    write(root / "sub" / "three.txt", ARABIC)
    write(root / "manifest.json", manifest if isinstance(manifest, (str, bytes)) else json.dumps(manifest, ensure_ascii=False))
    return root


def test_manifest_entries_applied_to_the_right_files(tmp_path):
    root = make_manifest_folder(tmp_path, {
        "one.txt": {"published": "2024-03-01T10:00:00+03:00", "outlet": "سانا", "url": "https://sana.sy/?p=1", "language": "ar"},
        "sub/three.txt": {"outlet": "عنب بلدي", "title": "عنوان", "ignored_key": "x", "author": ""},
    })
    results, listing = load_all(root)
    assert listing.rejects == []
    assert set(results) == {"one.txt", "two.html", "sub/three.txt"}  # manifest.json itself is not an input
    one, _ = results["one.txt"]
    assert one.meta == {"published": "2024-03-01T10:00:00+03:00", "outlet": "سانا", "url": "https://sana.sy/?p=1", "language": "ar"}
    assert one.url == "https://sana.sy/?p=1"
    assert results["two.html"][0].meta == {}
    three, _ = results["sub/three.txt"]
    assert three.meta == {"outlet": "عنب بلدي", "title": "عنوان"}  # unknown keys and empty values dropped


@pytest.mark.parametrize(
    "manifest",
    [
        {"articles": {"one.txt": {"outlet": "A"}, "two.html": {"outlet": "B"}}},
        [{"file": "one.txt", "outlet": "A"}, {"file": "two.html", "outlet": "B"}],
        {"about": "a test corpus", "one.txt": {"outlet": "A"}, "two.html": {"outlet": "B"}},
    ],
    ids=["articles-object", "list", "flat-with-about"],
)
def test_manifest_shapes(tmp_path, manifest):
    results, listing = load_all(make_manifest_folder(tmp_path, manifest))
    assert listing.rejects == []
    assert results["one.txt"][0].meta == {"outlet": "A"}
    assert results["two.html"][0].meta == {"outlet": "B"}


def test_manifest_with_utf8_bom(tmp_path):
    root = make_manifest_folder(tmp_path, b"\xef\xbb\xbf" + json.dumps({"one.txt": {"outlet": "سانا"}}).encode())
    results, listing = load_all(root)
    assert listing.rejects == []
    assert results["one.txt"][0].meta == {"outlet": "سانا"}


@pytest.mark.parametrize(
    "text", ['{"one.txt": {"outlet": "A"', "not json at all", b"\xff\xfe\x00garbage", '"just a string"', "42", "null"],
    ids=["truncated", "text", "bad-bytes", "string", "number", "null"],
)
def test_malformed_manifest_is_rejected_and_listing_continues(tmp_path, text):
    results, listing = load_all(make_manifest_folder(tmp_path, text))
    assert [(r.input_ref, r.stage, r.reason) for r in listing.rejects] == [("agency/manifest.json", "load", "bad_manifest")]
    assert listing.manifest == {}
    assert set(results) == {"one.txt", "two.html", "sub/three.txt"}
    assert all(reject is None and ARABIC in doc.text for doc, reject in results.values())


def test_manifest_entry_not_an_object(tmp_path):
    _, listing = load_all(make_manifest_folder(tmp_path, {"one.txt": "sana", "two.html": {"outlet": "B"}}))
    assert [r.reason for r in listing.rejects] == ["bad_manifest"]
    assert "one.txt" in listing.rejects[0].detail
    assert listing.manifest == {"two.html": {"outlet": "B"}}


def test_list_manifest_bad_entries_are_rejected(tmp_path):
    _, listing = load_all(make_manifest_folder(tmp_path, [{"file": "one.txt", "outlet": "A"}, {"url": "https://x.sy/2"}, "two.html"]))
    assert listing.manifest == {"one.txt": {"outlet": "A"}}
    assert [r.reason for r in listing.rejects] == ["bad_manifest", "bad_manifest"]


def test_manifest_field_that_is_not_text_is_rejected_and_the_rest_of_its_entry_kept(tmp_path):
    results, listing = load_all(make_manifest_folder(tmp_path, {"one.txt": {"published": 20180601, "outlet": "A"},
                                                                "two.html": {"title": ["x"], "url": "https://x.sy/2"}}))
    assert [r.reason for r in listing.rejects] == ["bad_manifest", "bad_manifest"]
    assert "'one.txt': published is int" in listing.rejects[0].detail and "title is list" in listing.rejects[1].detail
    assert listing.manifest == {"one.txt": {"outlet": "A"}, "two.html": {"url": "https://x.sy/2"}}
    assert results["one.txt"][0].meta == {"outlet": "A"} and results["one.txt"][1] is None


def test_manifest_naming_a_missing_file(tmp_path):
    results, listing = load_all(make_manifest_folder(tmp_path, {"one.txt": {"outlet": "A"}, "gone.txt": {"outlet": "B"}}))
    assert [(r.input_ref, r.stage, r.reason) for r in listing.rejects] == [("agency/gone.txt", "load", "missing_file")]
    assert "gone.txt" not in results
    assert results["one.txt"][0].meta == {"outlet": "A"}


# --- stable ids ------------------------------------------------------------------------------------


def test_same_folder_twice_gives_same_ids(bad_folder):
    first, _ = load_all(bad_folder)
    second, _ = load_all(bad_folder)
    ids = {k: d.doc_id for k, (d, _) in first.items() if d is not None}
    assert ids == {k: d.doc_id for k, (d, _) in second.items() if d is not None}
    assert len(set(ids.values())) == len(ids)
    assert ids["good.txt"] == stable_id("file", "badsrc", "good.txt")
    assert ids["sub/deeper/nested.html"] == stable_id("file", "badsrc", "sub/deeper/nested.html")


def test_ids_do_not_depend_on_where_the_folder_lives(tmp_path):
    write(tmp_path / "a" / "src" / "x.txt", ARABIC)
    write(tmp_path / "b" / "src" / "x.txt", ARABIC)
    (da, _), = load_all(tmp_path / "a" / "src")[0].values()
    (db, _), = load_all(tmp_path / "b" / "src")[0].values()
    assert da.doc_id == db.doc_id


def test_manifest_url_gives_url_derived_id(tmp_path):
    url = "https://www.enabbaladi.net/archives/123456"
    results, _ = load_all(make_manifest_folder(tmp_path, {"one.txt": {"url": url}}))
    one, _ = results["one.txt"]
    assert one.doc_id == stable_id("url", normalize_url(url)) == document_id("agency", "one.txt", url)
    assert one.doc_id != stable_id("file", "agency", "one.txt")
    assert results["two.html"][0].doc_id == stable_id("file", "agency", "two.html")


@pytest.mark.parametrize(
    "spelling",
    [
        "https://WWW.Example.com/news/1?b=2&a=1",  # host case, parameter order
        "https://www.example.com:443/news/1?a=1&b=2&utm_source=twitter&utm_medium=social",  # default port, trackers
        "HTTPS://www.example.com/news/1?a=1&fbclid=IwAR0xyz&b=2",  # scheme case, facebook tracker
    ],
)
def test_two_spellings_of_one_url_give_one_id(tmp_path, spelling):
    canonical = "https://www.example.com/news/1?a=1&b=2"
    root = tmp_path / "src"
    write(root / "a.txt", ARABIC)
    write(root / "b.txt", ARABIC)
    write(root / "manifest.json", json.dumps({"a.txt": {"url": canonical}, "b.txt": {"url": spelling}}))
    results, _ = load_all(root)
    assert results["a.txt"][0].doc_id == results["b.txt"][0].doc_id
    assert results["b.txt"][0].url == spelling  # the URL as given is kept; only the key is normalized


def test_different_urls_give_different_ids():
    assert document_id("s", "a.txt", "https://example.com/news/1") != document_id("s", "a.txt", "https://example.com/news/2")
    assert document_id("s", "a.txt", "https://example.com/news/1?id=1") != document_id("s", "a.txt", "https://example.com/news/1?id=2")


def test_symlink_loop_does_not_multiply_inputs(tmp_path):
    root = tmp_path / "src"
    write(root / "a.txt", ARABIC)
    (root / "loop").symlink_to("..")
    assert [r.relpath for r in list_folder(root).inputs] == ["a.txt"]
