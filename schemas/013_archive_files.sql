-- 013: how far each web archive (WARC file) of a warc source has been read, per publication window
-- (tasks/run/archive.py): a rerun skips a file read to its end, and a killed run resumes at `next_offset`.
CREATE TABLE archive_files (
    source       VARCHAR NOT NULL,
    location     VARCHAR NOT NULL,   -- the file's path or URL
    window_key   VARCHAR NOT NULL,   -- the run's [since, until) ('..' for none): another window reads it again
    identity     VARCHAR,            -- a local file's size:mtime_ns when read (NULL for a URL)
    next_offset  BIGINT NOT NULL,    -- where reading resumes: the last record written, which it skips
    records      BIGINT NOT NULL,    -- records read so far
    pages        BIGINT NOT NULL,    -- pages kept so far
    done         BOOLEAN NOT NULL,   -- read to its end
    run_id       VARCHAR NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, location, window_key)
);
