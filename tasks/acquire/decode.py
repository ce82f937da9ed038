"""Bytes to text: sniff binary formats, then decode with the declared charset, UTF-8, windows-1256
(common on Arabic sites) or a detected charset, in that order. Shared by the loader and the fetcher."""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes


class DecodeFailure(Exception):
    """Raised with a stable reject reason (`binary`, `decode_error`, `empty`) and a readable detail."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "PNG image",
    b"GIF8": "GIF image",
    b"\xff\xd8\xff": "JPEG image",
    b"PK\x03\x04": "ZIP archive",
    b"\x1f\x8b": "gzip data",
    b"\x7fELF": "ELF executable",
    b"RIFF": "RIFF media",
    b"OggS": "Ogg media",
    b"ID3": "MP3 audio",
    b"\x00\x00\x01\x00": "icon",
    b"wOFF": "web font",
    b"SQLite format 3": "SQLite database",
}
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff]")
_LETTER = re.compile(r"[^\W\d_]")
SAMPLE_CHARS = 65536
# C0/C1 controls (but tab, newlines, form feed), private use, and the unassigned noncharacters.
_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff]")
_CONTENT = re.compile("[^\\s\ufeff]")  # a character other than white space and byte order marks
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))  # what binary data has, text has not
_PUNCT = set(".,;:!?'\"()[]-–—/%&«»“”‘’…،؛؟")


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format of `data`, or None when it may be text."""
    for magic, name in _MAGIC.items():
        if data.startswith(magic):
            return name
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    head = data[:8192]
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if head and controls / len(head) > 0.05:
        return "binary data (control bytes)"
    return None


def declared_charset(data: bytes, header: str | None = None) -> str | None:
    """The charset named by an HTTP Content-Type header or else by an HTML meta tag, if Python knows it."""
    candidates = []
    if header:
        m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", header, re.I)
        if m:
            candidates.append(m.group(1))
    m = _META_CHARSET.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    for name in candidates:
        try:
            return codecs.lookup(name).name
        except LookupError:
            continue
    return None


def _looks_like_text(text: str) -> bool:
    """Reject decodings full of control or private-use characters (a wrong charset or binary).
    Judged on a sample: a whole 20 MB page tells no more than its first 64 KB."""
    sample = text[:SAMPLE_CHARS]
    if not sample:
        return True
    return len(_BAD_CHAR.findall(sample)) / len(sample) < 0.01


def _plausible(text: str) -> bool:
    """Mostly letters, digits, spaces and ordinary punctuation: what a wrong single-byte charset is not."""
    if "\ufffd" in text or not _looks_like_text(text):
        return False
    sample = text[:SAMPLE_CHARS]
    ordinary = sum(1 for ch in sample if ch.isalnum() or ch.isspace() or ch in _PUNCT)
    return ordinary / len(sample) >= 0.9


def _mixed_script_share(text: str) -> float:
    """Share of words gluing Arabic and Latin letters together: garbage, in real text."""
    words = text.split()
    mixed = sum(1 for w in words if _ARABIC_LETTER.search(w) and re.search("[A-Za-z]", w))
    return mixed / len(words) if words else 0.0


def _arabic_share(text: str) -> float:
    letters = len(_LETTER.findall(text))
    return len(_ARABIC_LETTER.findall(text)) / letters if letters else 0.0


def _detect(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's guess, where it can be trusted: never UTF-16/32 without a byte order mark
    (Latin-1 words read as CJK that way), and cp1252 among encodings that fit equally well (Western text
    is far more common than Central European)."""
    matches = [m for m in from_bytes(data) if m.encoding and not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        return None
    least_chaos = min(m.percent_chaos for m in matches)
    fitting = [m for m in matches if m.percent_chaos == least_chaos]
    best = next((m for m in fitting if m.encoding == "cp1252"), fitting[0])
    text = str(best)
    if best.percent_chaos >= 20 or not _looks_like_text(text):
        return None
    return text, best.encoding


def decode_bytes(data: bytes, header: str | None = None) -> tuple[str, str]:
    """Decode `data` to text; return (text, encoding). Raise DecodeFailure when it is not text."""
    text, encoding = _decode(data, header)
    if not _CONTENT.search(text):
        raise DecodeFailure("empty", "no bytes" if not data else "only white space")
    return text, encoding


def _decode(data: bytes, header: str | None) -> tuple[str, str]:
    if not data.strip():
        raise DecodeFailure("empty", "no bytes" if not data else "only white space")
    kind = sniff_binary(data)
    if kind:
        raise DecodeFailure("binary", kind)
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                raise DecodeFailure("decode_error", f"byte order mark says {name}: {exc}") from exc
    tried = []
    declared = declared_charset(data, header)
    for name in [declared, "utf-8"]:
        if name is None or name in tried:
            continue
        tried.append(name)
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_text(text):
            return text, name
    # Arabic sites still serve windows-1256 without saying so: take it when it reads as Arabic words.
    text = data.decode("cp1256", errors="replace")
    if _plausible(text) and _arabic_share(text) > 0.5 and _mixed_script_share(text) < 0.1:
        return text, "cp1256"
    if len(data) < 64:  # too short for detection to be more than a guess: Western text or nothing
        text = data.decode("cp1252", errors="replace")
        if _plausible(text) and _arabic_share(text) == 0:
            return text, "cp1252"
        raise DecodeFailure("decode_error", f"{len(data)} bytes, not valid in {', '.join(tried + ['cp1256', 'cp1252'])}")
    detected = _detect(data)
    if detected is not None:
        return detected
    raise DecodeFailure("decode_error", f"not valid in {', '.join(tried + ['cp1256'])} and no charset detected")
