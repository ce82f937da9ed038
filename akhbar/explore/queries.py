"""What the explorer shows, as plain queries over a read-only warehouse connection: each returns rows as dicts.
Every list is paged (`PAGE` rows, `page` from 1); every value from a request is a bound parameter."""
from __future__ import annotations

from datetime import date

PAGE = 25


def _rows(con, sql: str, params: list) -> list[dict]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _offset(page: int) -> int:
    return (max(1, page) - 1) * PAGE


def latest_stories(con, page: int = 1) -> list[dict]:
    """Stories by their latest report: title, first and last publication, articles and outlets."""
    return _rows(con, "SELECT story_id, title, first_published_at, last_published_at, article_count, outlet_count"
                      " FROM stories ORDER BY last_published_at DESC NULLS LAST, story_id LIMIT ? OFFSET ?",
                 [PAGE + 1, _offset(page)])


def story(con, story_id: str) -> dict | None:
    found = _rows(con, "SELECT * FROM stories WHERE story_id = ?", [story_id])
    return found[0] if found else None


def story_articles(con, story_id: str) -> list[dict]:
    """The story's reports by outlet and time; a copy names the article it copies. `shown_outlet`: the outlet, or
    the source it came from when its outlet is not known."""
    return _rows(con, "SELECT article_id, title, outlet, source, coalesce(outlet, source || ' (المنفذ غير معروف)') AS shown_outlet,"
                      " published_at, url, word_count, dup_of, dup_method"
                      " FROM articles WHERE story_id = ? ORDER BY outlet NULLS LAST, published_at NULLS LAST, article_id",
                 [story_id])


def story_happenings(con, story_id: str) -> list[dict]:
    """Who did what to whom in the story, how many reports and outlets said so, and the dates they give."""
    return _rows(con, """
        SELECT h.happening_id, h.event_type, h.mode, h.reports, h.outlets, h.dates, h.dates_disagree,
               h.actor_entity_id, a.name AS actor, h.target_entity_id, t.name AS target, l.name AS place
        FROM happenings h LEFT JOIN entities a ON a.entity_id = h.actor_entity_id
        LEFT JOIN entities t ON t.entity_id = h.target_entity_id LEFT JOIN entities l ON l.entity_id = h.location_entity_id
        WHERE h.story_id = ? ORDER BY h.reports DESC, h.event_type, h.happening_id""", [story_id])


def story_quotes(con, story_id: str) -> list[dict]:
    return _rows(con, """
        SELECT q.speaker_entity_id, coalesce(s.name, q.speaker_surface, '') AS speaker, q.text, a.outlet, a.article_id
        FROM quotes q JOIN articles a USING (article_id) LEFT JOIN entities s ON s.entity_id = q.speaker_entity_id
        WHERE a.story_id = ? ORDER BY speaker NULLS LAST, a.published_at, q.start""", [story_id])


def story_entities(con, story_id: str) -> list[dict]:
    return _rows(con, """
        SELECT e.entity_id, e.name, e.type, count(*) AS mentions, count(DISTINCT m.article_id) AS articles
        FROM mentions m JOIN articles a USING (article_id) JOIN entities e ON e.entity_id = m.entity_id
        WHERE a.story_id = ? GROUP BY ALL ORDER BY mentions DESC, e.name LIMIT 60""", [story_id])


def entity(con, entity_id: str) -> dict | None:
    found = _rows(con, "SELECT entity_id, name, type FROM entities WHERE entity_id = ?", [entity_id])
    return found[0] if found else None


def entity_timeline(con, entity_id: str) -> list[dict]:
    """Mentions and articles per day of publication (its mentions counted per article before the join)."""
    return _rows(con, """
        WITH own AS (SELECT article_id, count(*) AS n FROM mentions WHERE entity_id = ? GROUP BY article_id)
        SELECT a.published_at::DATE AS day, sum(own.n)::BIGINT AS mentions, count(*) AS articles
        FROM own JOIN articles a USING (article_id) WHERE a.published_at IS NOT NULL GROUP BY day ORDER BY day""",
                 [entity_id])


def entity_companions(con, entity_id: str) -> list[dict]:
    """The entities named in the same articles, by how many articles (counted before the names are joined:
    a busy entity shares articles with thousands)."""
    return _rows(con, """
        WITH own AS (SELECT DISTINCT article_id FROM mentions WHERE entity_id = ?),
             top AS (SELECT m.entity_id, count(DISTINCT m.article_id) AS articles
                     FROM mentions m SEMI JOIN own USING (article_id) WHERE m.entity_id <> ?
                     GROUP BY 1 ORDER BY articles DESC LIMIT 30)
        SELECT e.entity_id, e.name, e.type, top.articles FROM top JOIN entities e USING (entity_id)
        ORDER BY top.articles DESC, e.name""", [entity_id, entity_id])


def entity_quotes(con, entity_id: str, page: int = 1) -> list[dict]:
    return _rows(con, """
        SELECT q.text, a.article_id, a.title, a.outlet, a.published_at, a.story_id
        FROM quotes q JOIN articles a USING (article_id) WHERE q.speaker_entity_id = ?
        ORDER BY a.published_at DESC NULLS LAST, q.start LIMIT ? OFFSET ?""", [entity_id, PAGE + 1, _offset(page)])


def events(con, event_type: str | None = None, since: date | None = None, until: date | None = None,
           entity_id: str | None = None, page: int = 1) -> list[dict]:
    """Who did what to whom, newest first, filtered by type, period (the event's date, else its article's) and
    an entity on either side. The page's events are picked on their keys first, and only they are read whole
    (their sentences, names and articles)."""
    return _rows(con, """
        WITH picked AS (
            SELECT e.event_id, coalesce(e.event_date, a.published_at::DATE) AS day, e.article_id, e.sentence_start
            FROM events e JOIN articles a USING (article_id)
            WHERE (?::VARCHAR IS NULL OR e.event_type = ?)
              AND (?::DATE IS NULL OR coalesce(e.event_date, a.published_at::DATE) >= ?)
              AND (?::DATE IS NULL OR coalesce(e.event_date, a.published_at::DATE) < ?)
              AND (?::VARCHAR IS NULL OR ? IN (e.actor_entity_id, e.target_entity_id))
            ORDER BY day DESC NULLS LAST, e.article_id, e.sentence_start LIMIT ? OFFSET ?)
        SELECT e.event_type, e.mode, e.modality, p.day, e.actor_entity_id, ac.name AS actor, e.target_entity_id,
               tg.name AS target, pl.name AS place, e.sentence, a.article_id, a.title, a.outlet, a.story_id
        FROM picked p JOIN events e USING (event_id) JOIN articles a ON a.article_id = p.article_id
        LEFT JOIN entities ac ON ac.entity_id = e.actor_entity_id
        LEFT JOIN entities tg ON tg.entity_id = e.target_entity_id
        LEFT JOIN entities pl ON pl.entity_id = e.location_entity_id
        ORDER BY p.day DESC NULLS LAST, p.article_id, p.sentence_start""",
                 [event_type, event_type, since, since, until, until, entity_id, entity_id, PAGE + 1, _offset(page)])


def event_types(con) -> list[str]:
    return [r["event_type"] for r in _rows(con, "SELECT DISTINCT event_type FROM events ORDER BY 1", [])]


def search(con, keys: list[int], page: int = 1) -> list[dict]:
    """Articles (not copies) found by every one of `keys` (tasks.dedup.search_index), newest first."""
    if not keys:
        return []
    marks = ", ".join("?" * len(keys))
    return _rows(con, f"""
        WITH found AS (SELECT article_id FROM search_terms WHERE term_key IN ({marks})
                       GROUP BY article_id HAVING count(DISTINCT term_key) = ?)
        SELECT article_id, title, outlet, published_at, story_id FROM articles SEMI JOIN found USING (article_id)
        WHERE dup_of IS NULL ORDER BY published_at DESC NULLS LAST, article_id LIMIT ? OFFSET ?""",
                 [*keys, len(keys), PAGE + 1, _offset(page)])


def not_indexed(con, enricher_version: str) -> int:
    """Articles enriched by another version of the enricher (or by none): not all of them have search keys."""
    return _rows(con, "SELECT count(*) AS n FROM articles WHERE enricher_version IS DISTINCT FROM ?",
                 [enricher_version])[0]["n"]


def article(con, article_id: str) -> dict | None:
    found = _rows(con, "SELECT article_id, title, outlet, published_at, url, text, story_id FROM articles"
                       " WHERE article_id = ?", [article_id])
    return found[0] if found else None
