-- 009: `minhash` without its primary key. Its writer replaces an article's signature whole (the stored
-- ones looked up, deleted, then the batch's inserted, one per article: tasks/dedup.py), so the key
-- enforced nothing; but DuckDB cannot write new rows of an indexed table ahead of the checkpoint, so every
-- batch's checkpoint rewrote the table's last row group (up to 122,880 signatures of 512 bytes) and its
-- index: 0.06-0.10 s for a batch's 400 signatures at 28,000 articles, and 0.01 s without the key, growing
-- with every batch. Looking up 400 ids scans one column instead of the index: 0.03-0.04 s either way.

CREATE TABLE minhash_009 (
    article_id    VARCHAR NOT NULL,
    signature     BLOB NOT NULL,        -- NUM_PERM uint32 minimums (tasks/neardup.py)
    shingles      INTEGER NOT NULL,     -- number of distinct shingles: to turn Jaccard into containment
    run_id        VARCHAR NOT NULL
);
INSERT INTO minhash_009 SELECT article_id, signature, shingles, run_id FROM minhash;
DROP TABLE minhash;
ALTER TABLE minhash_009 RENAME TO minhash;
