-- 017: the openings of each article's first paragraph (tasks.dedup.teasers): a 64-bit key of OPENING_WORDS
-- normalized words starting at each of its first words (after a dateline), by outlet, with the article's
-- publication time. A later paragraph of another article of the outlet that opens with one of them is a teaser
-- to it; two or more make a list of teasers, stripped like boilerplate. Written with the article and replaced
-- whole when it is extracted again; articles stored before are recorded when they are extracted again.
CREATE TABLE outlet_openings (
    outlet       VARCHAR NOT NULL,
    opening_key  BIGINT NOT NULL,
    article_id   VARCHAR NOT NULL,
    published_at TIMESTAMPTZ
);
