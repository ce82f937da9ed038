"""Documents, articles and batch writes made by hand for the warehouse and writer tests."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import duckdb

from schemas.records import Article, Document
from tasks.run.write import write_batch
from tasks.text.normalize import sha256_hex, stable_id, text_key
from tasks.warehouse.database import Warehouse

SOURCE = "src"
T0 = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
TEXT = "أعلنت وزارة الصحة السورية يوم الأحد عن افتتاح مستشفى جديد في مدينة حلب بحضور المحافظ."
# The same text as published elsewhere: diacritics, tatweel, Persian letters, hamza and ta marbuta variants.
TEXT_DIACRITICS = "أَعْلَنَتْ وِزَارَةُ الصِّحَّةِ السُّورِيَّةُ يَوْمَ الأَحَدِ عَنْ افْتِتَاحِ مُسْتَشْفًى جَدِيدٍ فِي مَدِينَةِ حَلَبَ بِحُضُورِ المُحَافِظِ."
TEXT_TATWEEL_PERSIAN = "اعلنت وزارـــة الصحه السوریه یوم الاحد عن افتتاح مستشفی جدید فی مدینه حلب بحضور المحافظ."
OTHER_TEXT = "قالت الأمم المتحدة إن المساعدات الإنسانية وصلت إلى مخيمات الشمال السوري صباح اليوم."


# --- factories -------------------------------------------------------------------------------------


def make_doc(name: str, text: str = TEXT, source: str = SOURCE) -> Document:
    raw = text.encode("utf-8")
    return Document(
        doc_id=stable_id("file", source, name),
        url=f"file:///data/{source}/{name}",
        source=source,
        input_ref=f"{source}/{name}",
        fetched_at=T0,
        kind="text",
        raw=raw,
        raw_sha256=sha256_hex(raw),
        content_type="text/plain",
        meta={},
        text=text,
        encoding="utf-8",
    )


def make_article(doc: Document, text: str | None = None, published: datetime | None = T0, **over) -> Article:
    text = doc.text if text is None else text
    fields = dict(
        article_id=stable_id("article", doc.doc_id),
        doc_id=doc.doc_id,
        url=doc.url,
        source=doc.source,
        input_ref=doc.input_ref,
        outlet="سانا",
        title="خبر",
        author=None,
        published_at=published,
        published_from="manifest" if published else None,
        language="ar",
        text=text,
        summary=None,
        text_sha256=sha256_hex(text),
        norm_sha256=sha256_hex(text_key(text)),
        word_count=len(text.split()),
        extractor_version="test-1",
    )
    fields.update(over)
    return Article(**fields)


def pair(name: str, text: str = TEXT, published: datetime | None = T0, **over) -> tuple[Document, Article]:
    doc = make_doc(name, text)
    return doc, make_article(doc, published=published, **over)


def write(wh: Warehouse, run_id: str, pairs=(), rejects=(), succeeded=()):
    with wh.connect() as con:
        return write_batch(con, run_id, [d for d, _ in pairs], [a for _, a in pairs], list(rejects), list(succeeded))


def counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "articles", "rejects")}
    finally:
        con.close()


def query(wh: Warehouse, sql: str, params=None) -> list[tuple]:
    with wh.connect() as con:
        return con.execute(sql, params or []).fetchall()
