"""The explorer over a warehouse of the seeds, served by uvicorn on loopback: the pages show what the
warehouse holds, their links lead from a story to its entities and events, lists page, hostile input in
search and ids is inert, and no connection is held between requests."""
from __future__ import annotations

import re

from akhbar.explore import queries
from tasks.text.normalize import normalize_arabic
from tasks.warehouse.database import Warehouse
from tests.support.paths import read_rows


def links(html: str, kind: str) -> list[str]:
    return re.findall(rf'href="(/{kind}/[0-9a-f]+)"', html)


def test_the_latest_stories_lead_to_a_story_with_its_reports_happenings_quotes_and_entities(client, seeded):
    home = client.get("/")
    assert home.status_code == 200 and 'dir="rtl"' in home.text
    (story_id, title, count, outlets), = read_rows(
        seeded, "SELECT story_id, title, article_count, outlet_count FROM (SELECT * FROM stories"
                " ORDER BY last_published_at DESC NULLS LAST, story_id LIMIT ?) ORDER BY article_count DESC LIMIT 1",
        [queries.PAGE])  # the biggest of the first page's stories
    assert f'href="/story/{story_id}"' in home.text and title in home.text
    page = client.get(f"/story/{story_id}")
    assert page.status_code == 200 and "<svg" in page.text  # the reports on a timeline
    reports = read_rows(seeded, "SELECT article_id FROM articles WHERE story_id = ?", [story_id])
    assert len(reports) == count and sorted(links(page.text, "article")) == sorted(f"/article/{a}" for (a,) in reports)
    happenings = read_rows(seeded, "SELECT count(*) FROM happenings WHERE story_id = ?", [story_id])[0][0]
    assert page.text.count("<tr", page.text.index('class="happenings"')) >= happenings > 0
    speakers = read_rows(seeded, "SELECT DISTINCT s.name FROM quotes q JOIN articles a USING (article_id)"
                                 " JOIN entities s ON s.entity_id = q.speaker_entity_id WHERE a.story_id = ?", [story_id])
    assert speakers and all(name in page.text for (name,) in speakers)


def test_a_story_across_outlets_shows_each_outlet_and_where_their_dates_disagree(client, seeded):
    (story_id, outlets), = read_rows(seeded, "SELECT story_id, outlet_count FROM stories ORDER BY outlet_count DESC,"
                                             " article_count DESC, story_id LIMIT 1")
    assert outlets >= 2
    page = client.get(f"/story/{story_id}").text
    names = read_rows(seeded, "SELECT DISTINCT coalesce(outlet, source) FROM articles WHERE story_id = ?", [story_id])
    assert len(names) == outlets and all(page.count(name) >= 2 for (name,) in names)  # on the timeline and in the table
    disagree = read_rows(seeded, "SELECT count(*) FROM happenings WHERE story_id = ? AND dates_disagree", [story_id])[0][0]
    assert page.count('class="disagree"') == disagree


def test_a_story_leads_to_an_entity_and_the_entity_to_its_events(client, seeded):
    story_id = read_rows(seeded, "SELECT story_id FROM stories ORDER BY article_count DESC LIMIT 1")[0][0]
    story = client.get(f"/story/{story_id}").text
    actors = read_rows(seeded, "SELECT DISTINCT actor_entity_id FROM happenings WHERE story_id = ? AND actor_entity_id IS NOT NULL",
                       [story_id])
    actor = actors[0][0]
    assert f"/entity/{actor}" in links(story, "entity")
    entity = client.get(f"/entity/{actor}")
    name = read_rows(seeded, "SELECT name FROM entities WHERE entity_id = ?", [actor])[0][0]
    assert entity.status_code == 200 and f"<h1>{name}" in entity.text and "<svg" in entity.text
    event_type = read_rows(seeded, "SELECT any_value(event_type) FROM events WHERE actor_entity_id = ?", [actor])[0][0]
    assert f'/events?type={event_type}' in entity.text
    listed = client.get(f"/events?entity={actor}").text
    own = read_rows(seeded, "SELECT count(*) FROM events WHERE ? IN (actor_entity_id, target_entity_id)", [actor])[0][0]
    assert listed.count("<tr><td>") == own


def test_events_filter_by_type_and_period_and_ignore_what_is_not_a_filter(client, seeded):
    by_type = dict(read_rows(seeded, "SELECT event_type, count(*) FROM events GROUP BY 1"))
    for event_type, count in by_type.items():
        page = client.get("/events", params={"type": event_type}).text
        assert page.count("<tr><td>") == min(count, queries.PAGE)
    everything = client.get("/events").text.count("<tr><td>")
    assert client.get("/events", params={"type": "NOT_A_TYPE", "since": "tomorrow"}).text.count("<tr><td>") == everything
    assert 'class="events"' in client.get("/events", params={"since": "2030-01-01"}).text
    assert "لا أحداث بهذه الشروط" in client.get("/events", params={"since": "2030-01-01"}).text


def test_search_finds_each_word_under_any_prefix_and_keeps_hostile_input_inert(client, seeded):
    texts = {a: normalize_arabic(t) for a, t in read_rows(
        seeded, "SELECT article_id, coalesce(title, '') || ' ' || text FROM articles WHERE dup_of IS NULL")}
    for query in ["طهران", "وزير الخارجية", "دمشق طهران"]:
        terms = [w[2:] if w.startswith("ال") else w for w in normalize_arabic(query).split()]
        # each word standing alone or after ال، و، ب، ل (and و before ال) is found; a found article has each word
        alone = lambda w, t: re.search(rf"(?<!\w)(?:وال|بال|ال|و|ب|ل)?{w}(?!\w)", t)  # noqa: E731
        must = {a for a, t in texts.items() if all(alone(w, t) for w in terms)}
        may = {a for a, t in texts.items() if all(w in t for w in terms)}
        found = {link.removeprefix("/article/") for link in links(client.get("/search", params={"q": query}).text, "article")}
        assert must and (must <= found <= may if len(may) <= queries.PAGE else found <= may)
    for hostile in ["' OR 1=1 --", "%", "_", "\\", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>"]:
        page = client.get("/search", params={"q": hostile})
        assert page.status_code == 200 and "<script>alert" not in page.text and "<img src=x" not in page.text
        assert links(page.text, "article") == [] or hostile.startswith("<script")  # "script" and "alert" are words
    for path in ["/story/1' OR '1'='1", "/entity/<b>x</b>", "/article/..%2f..%2fetc", "/story/ffffffffffffffff"]:
        assert client.get(path).status_code == 404
    assert client.get("/?page=0").status_code == 422 and client.get("/search", params={"q": "x" * 300}).status_code == 422


def test_lists_are_paged_with_links_both_ways(client, seeded, monkeypatch):
    monkeypatch.setattr(queries, "PAGE", 1)
    first, second = client.get("/").text, client.get("/?page=2").text
    assert 'rel="next" href="?page=2"' in first and 'rel="prev" href="?page=1"' in second
    assert links(first, "story") != links(second, "story")
    assert len(links(first, "story")) == len(links(second, "story")) == 1
    story_id, count = read_rows(seeded, "SELECT story_id, article_count FROM stories ORDER BY article_count DESC LIMIT 1")[0]
    pages = [client.get(f"/story/{story_id}", params={"page": n}).text for n in range(1, count + 1)]
    assert [len(links(p, "article")) for p in pages] == [1] * count and len({links(p, "article")[0] for p in pages}) == count
    quotes = read_rows(seeded, "SELECT count(*) FROM quotes JOIN articles USING (article_id) WHERE story_id = ?", [story_id])[0][0]
    last = client.get(f"/story/{story_id}", params={"page": max(count, quotes)}).text
    assert 'rel="next"' in pages[0] and 'rel="next"' not in last and 'rel="prev"' in last


def test_no_connection_outlives_a_request(client, seeded):
    client.get("/")
    writer = Warehouse(seeded, lock_timeout=1.0)
    assert writer.write(lambda con: con.execute("SELECT count(*) FROM stories").fetchone()[0]) > 0


def test_a_quote_without_a_known_speaker_is_shown_as_such(client, seeded):
    story_id, article_id = read_rows(seeded, "SELECT story_id, article_id FROM articles WHERE story_id IS NOT NULL LIMIT 1")[0]
    Warehouse(seeded).write(lambda con: con.execute(
        'INSERT INTO quotes (article_id, speaker_entity_id, speaker_surface, text, start, "end", cue, model_version, run_id)'
        " VALUES (?, NULL, NULL, 'قول بلا قائل معروف', 0, 5, NULL, 'test', 'test')", [article_id]))
    page = client.get(f"/story/{story_id}")
    assert page.status_code == 200 and "(متحدث غير معروف)" in page.text and "قول بلا قائل معروف" in page.text


def test_explore_refuses_a_missing_warehouse_and_a_lake_without_its_data_folder(tmp_path, monkeypatch, capsys):
    from akhbar.cli import main as cli

    monkeypatch.delenv("AKHBAR_LAKE_DATA", raising=False)
    assert cli(["explore", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "no warehouse at" in capsys.readouterr().err
    assert cli(["explore", "--warehouse", "ducklake:postgres:host=127.0.0.1 dbname=x"]) == 2
    assert "data folder" in capsys.readouterr().err
