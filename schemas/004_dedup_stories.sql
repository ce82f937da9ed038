-- 004: near-duplicates (MinHash signatures and LSH buckets, kept across runs), paragraphs per outlet
-- (learned boilerplate), and stories.

ALTER TABLE articles ADD COLUMN dup_similarity DOUBLE;   -- estimated similarity to the copy it was linked to
ALTER TABLE articles ADD COLUMN dup_method VARCHAR;      -- exact | near

CREATE TABLE minhash (
    article_id    VARCHAR PRIMARY KEY,
    signature     BLOB NOT NULL,        -- NUM_PERM uint32 minimums (tasks/neardup.py)
    shingles      INTEGER NOT NULL,     -- number of distinct shingles: to turn Jaccard into containment
    run_id        VARCHAR NOT NULL
);

CREATE TABLE lsh_buckets (
    bucket        UBIGINT NOT NULL,     -- hash of (band number, the band's minimums)
    article_id    VARCHAR NOT NULL
);

-- One row per (outlet, paragraph, article): a paragraph that many articles of one outlet share is
-- boilerplate of that outlet. Rows, not counters, so that re-running an input counts nothing twice.
CREATE TABLE outlet_paragraphs (
    outlet        VARCHAR NOT NULL,
    para_hash     VARCHAR NOT NULL,
    article_id    VARCHAR NOT NULL,
    PRIMARY KEY (outlet, para_hash, article_id)
);

CREATE TABLE article_terms (
    article_id    VARCHAR NOT NULL,
    term          VARCHAR NOT NULL,
    weight        DOUBLE NOT NULL,
    PRIMARY KEY (article_id, term)
);

CREATE TABLE stories (
    story_id            VARCHAR PRIMARY KEY,   -- the article_id of the article that started it
    title               VARCHAR,
    first_published_at  TIMESTAMPTZ,
    last_published_at   TIMESTAMPTZ,
    article_count       INTEGER NOT NULL,
    outlet_count        INTEGER NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
