"""decode_bytes: bytes to (text, encoding), or a DecodeFailure with a stable reason code."""
from __future__ import annotations

import codecs
import gzip
import random

import pytest

from tasks.acquire.decode import DecodeFailure, decode_bytes

ARABIC = (
    "أعلنت الحكومة السورية اليوم عن خطة جديدة لإعادة الإعمار في مدينة حلب، "
    "وقال الوزير إن العمل سيبدأ الشهر المقبل بتمويل قدره 300 مليون دولار."
)
FRENCH_NEWS = (
    "Le gouvernement français a annoncé mercredi une réforme des retraites. Les syndicats ont appelé "
    "à la grève générale dès la semaine prochaine, à Paris comme en région."
)


def reason_of(data: bytes, header: str | None = None) -> str:
    with pytest.raises(DecodeFailure) as info:
        decode_bytes(data, header)
    return info.value.reason


# --- text that must decode -------------------------------------------------------------------------


def test_utf8_arabic():
    assert decode_bytes(ARABIC.encode("utf-8")) == (ARABIC, "utf-8")


def test_utf8_with_bom_drops_the_bom():
    text, encoding = decode_bytes(codecs.BOM_UTF8 + ARABIC.encode("utf-8"))
    assert text == ARABIC
    assert not text.startswith("\ufeff")
    assert encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    data = ARABIC.encode(codec)
    if codec != "utf-16":  # the explicit-endian codecs write no BOM: add the matching one
        data = (codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE) + data
    text, encoding = decode_bytes(data)
    assert text == ARABIC
    assert encoding == "utf-16"


def test_utf16_without_bom_is_not_decoded_to_garbage():
    """No BOM: the NUL bytes of UTF-16 make it look binary; it must not come out as some 8-bit text."""
    assert reason_of(ARABIC.encode("utf-16-le")) == "binary"


def test_windows_1256_arabic_without_declaration():
    data = ARABIC.encode("cp1256")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test input really is not UTF-8
    assert decode_bytes(data) == (ARABIC, "cp1256")


def test_windows_1256_short_word():
    assert decode_bytes("سوريا".encode("cp1256")) == ("سوريا", "cp1256")


def test_html_meta_charset_windows_1256():
    html = f'<html><head><meta charset="windows-1256"><title>خبر</title></head><body><p>{ARABIC}</p></body></html>'
    text, encoding = decode_bytes(html.encode("cp1256"))
    assert text == html
    assert encoding == "cp1256"


def test_html_http_equiv_content_type_meta():
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
        f"</head><body><p>{ARABIC}</p></body></html>"
    )
    assert decode_bytes(html.encode("cp1256")) == (html, "cp1256")


def test_content_type_header_charset_is_used():
    """Latin-1 bytes with the header saying so decode exactly (without it the guess may differ)."""
    text = "Élève, où es-tu ? Ça va très bien ; l'été approche et la forêt est belle."
    assert decode_bytes(text.encode("latin-1"), header="text/plain; charset=ISO-8859-1") == (text, "iso8859-1")


def test_content_type_header_wins_over_meta():
    html = f'<html><head><meta charset="koi8-r"></head><body><p>{ARABIC}</p></body></html>'
    text, encoding = decode_bytes(html.encode("cp1256"), header='text/html; charset="windows-1256"')
    assert (text, encoding) == (html, "cp1256")


def test_unknown_declared_charset_falls_back():
    data = ARABIC.encode("utf-8")
    assert decode_bytes(data, header="text/html; charset=x-no-such-charset") == (ARABIC, "utf-8")


def test_wrong_declared_charset_falls_back_to_utf8():
    """A declaration the bytes do not fit (ASCII over UTF-8 Arabic) is dropped, UTF-8 is tried next."""
    data = ARABIC.encode("utf-8")
    assert decode_bytes(data, header="text/html; charset=us-ascii") == (ARABIC, "utf-8")


def test_latin1_french_news_paragraph():
    text, _ = decode_bytes(FRENCH_NEWS.encode("latin-1"))
    assert text == FRENCH_NEWS


@pytest.mark.parametrize(
    "text",
    [
        "Le café était très bon à la française.",
        "Élève, où es-tu ? Ça va très bien, merci. Les enfants jouent près de la fenêtre ; l'été approche.",
    ],
)
def test_latin1_french_with_grave_accents(text):
    decoded, _ = decode_bytes(text.encode("latin-1"))
    assert decoded == text


@pytest.mark.parametrize("text", ["Noël", "café"])
def test_short_latin1_word_not_decoded_to_garbage(text):
    try:
        decoded, _ = decode_bytes(text.encode("latin-1"))
    except DecodeFailure as exc:
        assert exc.reason == "decode_error"
    else:
        assert decoded == text


# --- empty -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b" ", b"\n", b" \t\r\n \x0c  \n"], ids=["no-bytes", "space", "newline", "mixed"])
def test_empty_and_whitespace(data):
    with pytest.raises(DecodeFailure) as info:
        decode_bytes(data)
    assert info.value.reason == "empty"
    assert info.value.detail == ("no bytes" if not data else "only white space")


@pytest.mark.parametrize(
    "data", [codecs.BOM_UTF8, codecs.BOM_UTF8 + b"  \n", " \n".encode("utf-16")], ids=["utf8-bom", "utf8-bom-ws", "utf16-ws"]
)
def test_bom_only_is_empty(data):
    assert reason_of(data) == "empty"


# --- binary ----------------------------------------------------------------------------------------

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.mark.parametrize(
    "data, kind",
    [
        (PDF, "PDF"),
        (PNG, "PNG image"),
        (gzip.compress(ARABIC.encode("utf-8")), "gzip data"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG image"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP archive"),
    ],
    ids=["pdf", "png", "gzip", "jpeg", "zip"],
)
def test_binary_formats_by_magic(data, kind):
    with pytest.raises(DecodeFailure) as info:
        decode_bytes(data)
    assert info.value.reason == "binary"
    assert info.value.detail == kind


@pytest.mark.parametrize(
    "data",
    [b"hello\x00world, this is text with a NUL", ARABIC.encode("utf-8") + b"\x00" + ARABIC.encode("utf-8")],
    ids=["ascii", "arabic"],
)
def test_nul_bytes_are_binary(data):
    with pytest.raises(DecodeFailure) as info:
        decode_bytes(data)
    assert info.value.reason == "binary"
    assert "NUL" in info.value.detail


def test_control_bytes_are_binary():
    data = bytes(range(1, 9)) * 20 + b"some words"
    assert reason_of(data) == "binary"


@pytest.mark.parametrize("size", [64, 256, 4096, 65536])
@pytest.mark.parametrize("seed", range(20))
def test_random_bytes_never_decode(size, seed):
    data = random.Random(seed * 1000 + size).randbytes(size)
    try:
        text, encoding = decode_bytes(data)
    except DecodeFailure as exc:
        assert exc.reason in ("binary", "decode_error")
    else:  # pragma: no cover - reached only on failure
        pytest.fail(f"random bytes decoded as {encoding}: {text[:40]!r}")


def test_short_random_bytes_never_decode():
    decoded = []
    for seed in range(50):
        data = random.Random(seed).randbytes(16)
        try:
            decoded.append(decode_bytes(data))
        except DecodeFailure as exc:
            assert exc.reason in ("binary", "decode_error")
    assert decoded == []
