-- 005: what is read out of each article: entities and their mentions, dates, quotes, cited agencies,
-- events. Rows of an article are replaced whole when the article is extracted again; each row carries the
-- run that wrote it and the version of the enricher that made it.

-- The enricher version that made an article's rows: a new version enriches stored articles again.
ALTER TABLE articles ADD COLUMN enricher_version VARCHAR;

CREATE TABLE entities (
    entity_id     VARCHAR PRIMARY KEY,      -- stable: hash of type and name key (tasks/entities.py)
    name          VARCHAR NOT NULL,         -- canonical name, as first written in full
    type          VARCHAR NOT NULL,         -- PER | ORG | LOC | MISC
    name_key      VARCHAR NOT NULL,         -- normalized name: letters folded, no marks or punctuation
    first_run_id  VARCHAR NOT NULL
);

-- Names an entity goes by (its own key too): how a short form in one article finds the full name
-- another article gave.
CREATE TABLE entity_aliases (
    type          VARCHAR NOT NULL,
    alias_key     VARCHAR NOT NULL,
    entity_id     VARCHAR NOT NULL,
    first_run_id  VARCHAR NOT NULL,
    PRIMARY KEY (type, alias_key, entity_id)
);

CREATE TABLE mentions (
    article_id    VARCHAR NOT NULL,
    entity_id     VARCHAR NOT NULL,
    surface       VARCHAR NOT NULL,
    start         INTEGER NOT NULL,         -- character offsets into articles.text: text[start:end] = surface
    "end"         INTEGER NOT NULL,
    type          VARCHAR NOT NULL,
    role          VARCHAR,                  -- title or office given in the text (persons), else NULL
    model_version VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (article_id, start)
);

CREATE TABLE temporal_expressions (
    article_id    VARCHAR NOT NULL,
    surface       VARCHAR NOT NULL,
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    value         DATE,                     -- NULL when there is nothing to resolve it against
    granularity   VARCHAR NOT NULL,         -- day | month | year
    weekday_mismatch BOOLEAN NOT NULL DEFAULT false,  -- a written weekday that the date does not fall on
    model_version VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (article_id, start)
);

CREATE TABLE quotes (
    article_id        VARCHAR NOT NULL,
    speaker_entity_id VARCHAR,              -- NULL when the speaker is not known
    speaker_surface   VARCHAR,
    text              VARCHAR NOT NULL,
    start             INTEGER NOT NULL,     -- offsets of the quoted text
    "end"             INTEGER NOT NULL,
    cue               VARCHAR,              -- the reporting verb as written
    via_entity_id     VARCHAR,              -- the agency it came through, when the text says so
    model_version     VARCHAR NOT NULL,
    run_id            VARCHAR NOT NULL,
    PRIMARY KEY (article_id, start)
);

CREATE TABLE attributions (
    article_id    VARCHAR NOT NULL,
    entity_id     VARCHAR NOT NULL,         -- the agency or outlet, an ORG entity
    surface       VARCHAR NOT NULL,         -- the name without nationality adjectives: "تسنيم", "وزارة الدفاع"
    full_surface  VARCHAR NOT NULL,         -- as written: "تسنيم الإيرانية", "وزارة الدفاع السورية"
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    cue           VARCHAR,                  -- وكالة, بحسب, نقلت, ...
    model_version VARCHAR NOT NULL,
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (article_id, start)
);

CREATE TABLE events (
    event_id           VARCHAR PRIMARY KEY, -- stable: article, sentence offset, type, actor, target
    article_id         VARCHAR NOT NULL,
    event_type         VARCHAR NOT NULL,    -- PLOVER: CONSULT, AGREE, SUPPORT, ACCUSE, THREATEN, ASSAULT, ...
    mode               VARCHAR,             -- visit, host, meet, sign, ...
    cameo              VARCHAR,             -- the nearest CAMEO code
    actor_entity_id    VARCHAR,
    target_entity_id   VARCHAR,
    location_entity_id VARCHAR,
    event_date         DATE,
    granularity        VARCHAR,
    modality           VARCHAR NOT NULL,    -- reported | planned
    sentence           VARCHAR NOT NULL,
    sentence_start     INTEGER NOT NULL,
    confidence         DOUBLE NOT NULL,
    happening_id       VARCHAR,             -- one happening reported by several articles of a story
    model_version      VARCHAR NOT NULL,
    run_id             VARCHAR NOT NULL
);

-- One happening reported by several articles: the events of one story with the same type, mode, actor
-- and target share a happening_id. How many sources report it, and where they disagree on the date.
CREATE VIEW happenings AS
SELECT e.happening_id,
       any_value(e.event_type)                                   AS event_type,
       any_value(e.mode)                                         AS mode,
       any_value(e.actor_entity_id)                              AS actor_entity_id,
       any_value(e.target_entity_id)                             AS target_entity_id,
       any_value(a.story_id)                                     AS story_id,
       count(DISTINCT e.article_id)                              AS reports,
       count(DISTINCT coalesce(a.outlet, a.source))              AS outlets,
       list(DISTINCT e.event_date ORDER BY e.event_date) FILTER (WHERE e.event_date IS NOT NULL) AS dates,
       count(DISTINCT e.event_date) > 1                          AS dates_disagree
FROM events e JOIN articles a USING (article_id)
WHERE e.happening_id IS NOT NULL
GROUP BY e.happening_id;
