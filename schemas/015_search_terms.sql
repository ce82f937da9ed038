-- 015: the words each article is found by (tasks.dedup.search_index): a 64-bit key of each content word of
-- its title and text, written with the article and replaced whole when it is extracted again. The explorer's
-- search reads these keys instead of scanning every text. Articles stored before are indexed when they are
-- enriched again (the enricher's version changed with it: a backfill with `reextract` does it at once).
CREATE TABLE search_terms (
    article_id VARCHAR NOT NULL,
    term_key   BIGINT NOT NULL
);
