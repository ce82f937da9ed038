-- 016: the enrichment tables and `stories` without primary-key constraints. Their writers keep one row per
-- key: an article's mentions, dates, quotes, attributions and events are deleted and written again whole
-- (tasks/enrich/store.py), a story's row is deleted and written again (tasks/dedup/stories.py), and entities
-- and their aliases are merged by their keys (MERGE INTO: tasks/warehouse/database.py, UNKEYED), as on a
-- DuckLake. Why: DuckDB writes a table's whole key index at each checkpoint, and the pipeline checkpoints
-- after every batch. At 90,000 articles the eight indexes cost 1.1 s of each batch's checkpoint (events 0.30,
-- mentions 0.20, quotes 0.17, entity_aliases 0.13, temporal_expressions 0.11, entities 0.10, attributions 0.09,
-- stories 0.07; the tables without a key 0.02-0.05 each): the writer's cost per article grew with the
-- warehouse (docs/benchmarks.md). Lookups by article id scan one column instead of the index.

CREATE TABLE mentions_016 (
    article_id     VARCHAR NOT NULL,
    entity_id      VARCHAR NOT NULL,
    surface        VARCHAR NOT NULL,
    "start"        INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    "type"         VARCHAR NOT NULL,
    "role"         VARCHAR,
    model_version  VARCHAR NOT NULL,
    run_id         VARCHAR NOT NULL
);
INSERT INTO mentions_016 BY NAME SELECT * FROM mentions;
DROP TABLE mentions;
ALTER TABLE mentions_016 RENAME TO mentions;

CREATE TABLE temporal_expressions_016 (
    article_id        VARCHAR NOT NULL,
    surface           VARCHAR NOT NULL,
    "start"           INTEGER NOT NULL,
    "end"             INTEGER NOT NULL,
    "value"           DATE,
    granularity       VARCHAR NOT NULL,
    weekday_mismatch  BOOLEAN NOT NULL DEFAULT false,
    model_version     VARCHAR NOT NULL,
    run_id            VARCHAR NOT NULL
);
INSERT INTO temporal_expressions_016 BY NAME SELECT * FROM temporal_expressions;
DROP TABLE temporal_expressions;
ALTER TABLE temporal_expressions_016 RENAME TO temporal_expressions;

CREATE TABLE quotes_016 (
    article_id         VARCHAR NOT NULL,
    speaker_entity_id  VARCHAR,
    speaker_surface    VARCHAR,
    "text"             VARCHAR NOT NULL,
    "start"            INTEGER NOT NULL,
    "end"              INTEGER NOT NULL,
    cue                VARCHAR,
    via_entity_id      VARCHAR,
    model_version      VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL
);
INSERT INTO quotes_016 BY NAME SELECT * FROM quotes;
DROP TABLE quotes;
ALTER TABLE quotes_016 RENAME TO quotes;

CREATE TABLE attributions_016 (
    article_id     VARCHAR NOT NULL,
    entity_id      VARCHAR NOT NULL,
    surface        VARCHAR NOT NULL,
    full_surface   VARCHAR NOT NULL,
    "start"        INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    cue            VARCHAR,
    model_version  VARCHAR NOT NULL,
    run_id         VARCHAR NOT NULL
);
INSERT INTO attributions_016 BY NAME SELECT * FROM attributions;
DROP TABLE attributions;
ALTER TABLE attributions_016 RENAME TO attributions;

CREATE TABLE events_016 (
    event_id            VARCHAR NOT NULL,
    article_id          VARCHAR NOT NULL,
    event_type          VARCHAR NOT NULL,
    "mode"              VARCHAR,
    cameo               VARCHAR,
    actor_entity_id     VARCHAR,
    target_entity_id    VARCHAR,
    location_entity_id  VARCHAR,
    event_date          DATE,
    granularity         VARCHAR,
    modality            VARCHAR NOT NULL,
    sentence            VARCHAR NOT NULL,
    sentence_start      INTEGER NOT NULL,
    confidence          DOUBLE NOT NULL,
    happening_id        VARCHAR,
    model_version       VARCHAR NOT NULL,
    run_id              VARCHAR NOT NULL
);
INSERT INTO events_016 BY NAME SELECT * FROM events;
DROP TABLE events;
ALTER TABLE events_016 RENAME TO events;

CREATE TABLE entities_016 (
    entity_id     VARCHAR NOT NULL,
    "name"        VARCHAR NOT NULL,
    "type"        VARCHAR NOT NULL,
    name_key      VARCHAR NOT NULL,
    first_run_id  VARCHAR NOT NULL
);
INSERT INTO entities_016 BY NAME SELECT * FROM entities;
DROP TABLE entities;
ALTER TABLE entities_016 RENAME TO entities;

CREATE TABLE entity_aliases_016 (
    "type"        VARCHAR NOT NULL,
    alias_key     VARCHAR NOT NULL,
    entity_id     VARCHAR NOT NULL,
    first_run_id  VARCHAR NOT NULL
);
INSERT INTO entity_aliases_016 BY NAME SELECT * FROM entity_aliases;
DROP TABLE entity_aliases;
ALTER TABLE entity_aliases_016 RENAME TO entity_aliases;

CREATE TABLE stories_016 (
    story_id            VARCHAR NOT NULL,
    title               VARCHAR,
    first_published_at  TIMESTAMPTZ,
    last_published_at   TIMESTAMPTZ,
    article_count       INTEGER NOT NULL,
    outlet_count        INTEGER NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
INSERT INTO stories_016 BY NAME SELECT * FROM stories;
DROP TABLE stories;
ALTER TABLE stories_016 RENAME TO stories;
