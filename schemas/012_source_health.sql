-- 012: source health (docs/warehouse.md, docs/operating.md "Source health"): one row per run and source,
-- the run's figures for that source and how they compare with the source's own past.
CREATE TABLE source_health (
    run_id        VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,
    flow          VARCHAR NOT NULL,       -- ingest | backfill
    kind          VARCHAR NOT NULL,       -- rss | atom | sitemap | urls | folder
    checked_at    TIMESTAMPTZ NOT NULL,
    listed        INTEGER NOT NULL,       -- candidates the listings gave
    new_listed    INTEGER NOT NULL,       -- of those never stored before (a folder: files new or changed)
    requests      INTEGER NOT NULL,       -- listing and page URLs asked for
    fetched       INTEGER NOT NULL,       -- pages that answered with a body
    not_modified  INTEGER NOT NULL,       -- pages and listings that answered 304
    inputs        INTEGER NOT NULL,       -- pages to fetch, or files listed
    documents     INTEGER NOT NULL,       -- documents put through extraction
    articles      INTEGER NOT NULL,       -- articles extraction gave
    articles_new  INTEGER NOT NULL,
    rejects       JSON NOT NULL,          -- reject reason -> count
    yield         DOUBLE,                 -- articles / documents (NULL: nothing extracted)
    median_words  DOUBLE,
    article_words INTEGER[] NOT NULL,     -- the word count of each article extraction gave
    dated_share   DOUBLE,                 -- of the articles, the share with a publication date
    titled_share  DOUBLE,
    seconds       DOUBLE NOT NULL,        -- wall seconds of the source's stages
    status        VARCHAR NOT NULL,       -- ok | degraded | failing
    reasons       VARCHAR[] NOT NULL,     -- stable codes: tasks/run/health.py SEVERITY
    details       JSON NOT NULL,          -- reason -> what an operator reads
    baseline      JSON NOT NULL,          -- the figures judged against (null where history is too short)
    PRIMARY KEY (run_id, source)
);
