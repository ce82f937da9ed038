-- 002: fetching from the web. Per-URL fetch state for politeness and incremental runs, and the HTTP
-- facts of each stored document.

CREATE TABLE fetch_state (
    url              VARCHAR PRIMARY KEY,   -- normalized (courlan) URL as requested
    source           VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,      -- page | listing (feed, sitemap, URL list)
    etag             VARCHAR,
    last_modified    VARCHAR,               -- the Last-Modified header as sent, for If-Modified-Since
    last_status      INTEGER,               -- HTTP status of the last attempt (NULL: no response)
    last_reason      VARCHAR,               -- reject reason of the last attempt, NULL when it worked
    last_fetched_at  TIMESTAMPTZ NOT NULL,
    next_allowed_at  TIMESTAMPTZ,           -- not before this (Retry-After, backoff after failures)
    failures         INTEGER NOT NULL,      -- consecutive failed attempts
    doc_id           VARCHAR,               -- the document this URL's body is stored as
    run_id           VARCHAR NOT NULL
);

ALTER TABLE documents ADD COLUMN final_url VARCHAR;     -- after redirects
ALTER TABLE documents ADD COLUMN headers JSON;          -- response headers kept (content-type, etag, ...)
ALTER TABLE documents ADD COLUMN elapsed_ms INTEGER;    -- time to fetch the whole body
