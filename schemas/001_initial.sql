-- 001: the foundation tables of the warehouse contract (docs/warehouse.md).
-- All timestamps are TIMESTAMPTZ in UTC; keys are content-derived and stable.

CREATE TABLE runs (
    run_id       VARCHAR PRIMARY KEY,        -- the Prefect flow run id
    flow         VARCHAR NOT NULL,           -- ingest | backfill | reprocess
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL,           -- running | completed | failed
    params       JSON,
    counts       JSON,
    error        VARCHAR
);

CREATE TABLE documents (
    doc_id           VARCHAR PRIMARY KEY,    -- sha256 of the normalized URL or of source + relative path, 16 hex
    url              VARCHAR NOT NULL,       -- the page URL, or file:// path of a loaded file
    source           VARCHAR NOT NULL,       -- the source name (sources.toml, or the folder's name)
    input_ref        VARCHAR NOT NULL,       -- what the operator would recognise: the URL or source/relative path
    fetched_at       TIMESTAMPTZ NOT NULL,
    http_status      INTEGER,                -- NULL for files
    content_type     VARCHAR,                -- text/html or text/plain
    encoding         VARCHAR,                -- the charset the raw bytes were decoded with
    raw              BLOB NOT NULL,          -- the input bytes, gzip-compressed
    raw_compression  VARCHAR NOT NULL,       -- gzip
    raw_sha256       VARCHAR NOT NULL,       -- of the uncompressed bytes
    raw_bytes        BIGINT NOT NULL,        -- uncompressed size
    meta             JSON,                   -- metadata given beside the input (manifest, feed)
    run_id           VARCHAR NOT NULL
);

CREATE TABLE articles (
    article_id         VARCHAR PRIMARY KEY,  -- derived from doc_id: one article per document
    doc_id             VARCHAR NOT NULL,
    url                VARCHAR,
    source             VARCHAR NOT NULL,
    outlet             VARCHAR,
    title              VARCHAR,
    author             VARCHAR,
    published_at       TIMESTAMPTZ,
    published_from     VARCHAR,              -- where published_at came from: manifest | metadata | dateline
    language           VARCHAR,
    text               VARCHAR NOT NULL,     -- clean text, as published (letters untouched)
    summary            VARCHAR,              -- a page's summary / key-points box, kept apart from the text
    text_sha256        VARCHAR NOT NULL,     -- of text as stored
    norm_sha256        VARCHAR NOT NULL,     -- of the normalized text: the exact-duplicate key
    word_count         INTEGER NOT NULL,
    dup_of             VARCHAR,              -- NULL, or the article_id this one duplicates
    story_id           VARCHAR,
    extractor_version  VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL,     -- the run that last wrote the row
    first_run_id       VARCHAR NOT NULL,     -- the run that first wrote it
    updated_at         TIMESTAMPTZ NOT NULL
);

-- One row per input and stage that failed: the current state, not a log (a bad file polled every
-- 30 minutes stays one row, with attempts counting up). A later success sets resolved_run_id.
CREATE TABLE rejects (
    input_ref        VARCHAR NOT NULL,
    stage            VARCHAR NOT NULL,       -- load | extract | fetch | discover ...
    reason           VARCHAR NOT NULL,       -- stable code: empty, binary, decode_error, too_large, no_text ...
    detail           VARCHAR,
    run_id           VARCHAR NOT NULL,       -- the run that last hit it
    "at"             TIMESTAMPTZ NOT NULL,   -- quoted: AT is a keyword in DuckDB
    first_run_id     VARCHAR NOT NULL,
    first_at         TIMESTAMPTZ NOT NULL,
    attempts         INTEGER NOT NULL,
    resolved_run_id  VARCHAR,
    PRIMARY KEY (input_ref, stage)
);
