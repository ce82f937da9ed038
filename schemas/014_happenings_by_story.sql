-- 014: `happenings` grouped by story and happening, so that a query for one story's happenings (the explorer's
-- story page, an analyst's `WHERE story_id = ?`) filters the story's articles before it groups, instead of
-- grouping every event in the warehouse first (330 ms at 100,000 articles, now a few). A happening is of one
-- story (tasks.enrich.store.link_happenings); the same columns as before, and where the events took place.
CREATE OR REPLACE VIEW happenings AS
SELECT e.happening_id,
       any_value(e.event_type)                                   AS event_type,
       any_value(e.mode)                                         AS mode,
       any_value(e.actor_entity_id)                              AS actor_entity_id,
       any_value(e.target_entity_id)                             AS target_entity_id,
       a.story_id,
       count(DISTINCT e.article_id)                              AS reports,
       count(DISTINCT coalesce(a.outlet, a.source))              AS outlets,
       list(DISTINCT e.event_date ORDER BY e.event_date) FILTER (WHERE e.event_date IS NOT NULL) AS dates,
       count(DISTINCT e.event_date) > 1                          AS dates_disagree,
       any_value(e.location_entity_id)                           AS location_entity_id
FROM events e JOIN articles a USING (article_id)
WHERE e.happening_id IS NOT NULL
GROUP BY a.story_id, e.happening_id;
