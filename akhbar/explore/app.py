"""The explorer's web app (FastAPI, Jinja2 templates, pygal charts): stories, a story, an entity, events and
search, over short read-only connections to the warehouse (a request opens one and closes it: nothing is
held while idle, and a writer waits for a page at most, never fails)."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from akhbar.explore import charts, labels, queries
from tasks.dedup.search_index import forms_of, key_of
from tasks.enrich.facts import ENRICHER_VERSION
from tasks.warehouse.database import Warehouse

HERE = Path(__file__).resolve().parent
ID = re.compile(r"[0-9a-f]{8,64}")  # story, entity and article ids are hex digests


class Missing(Exception):
    """What a page asked for is not there (or is no id at all): a 404 page that says `what`."""

    def __init__(self, what: str):
        super().__init__(what)
        self.what = what


def _one(con, find, key: str, what: str) -> dict:
    """The row `find` gives for an id, or Missing when the id is malformed or names nothing."""
    found = find(con, key) if ID.fullmatch(key) else None
    if found is None:
        raise Missing(what)
    return found


def create_app(warehouse: Warehouse | str | Path) -> FastAPI:
    """The app over a warehouse: a DuckDB file's path, or any Warehouse (a DuckLake: tasks.warehouse.setting)."""
    wh = warehouse if isinstance(warehouse, Warehouse) else Warehouse(warehouse)
    app = FastAPI(title="akhbar explorer", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    env = templates.env
    env.globals.update(day=lambda v: v.date().isoformat() if isinstance(v, datetime) else (v.isoformat() if v else "–"),
                       when=lambda v: v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else "–",
                       entity_type=lambda c: labels.ENTITY_TYPES.get(c, c), event_type=labels.event_type, mode=labels.mode)

    def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        params = dict(request.query_params)
        context["query"] = lambda **changes: urlencode({**params, **{k: str(v) for k, v in changes.items()}})
        return templates.TemplateResponse(request, name, context, status_code=status)

    @app.exception_handler(Missing)
    def missing(request: Request, exc: Missing) -> HTMLResponse:
        return page(request, "missing.html", 404, what=exc.what, q="")

    def paged(rows: list[dict]) -> tuple[list[dict], bool]:
        return rows[: queries.PAGE], len(rows) > queries.PAGE

    @app.get("/", response_class=HTMLResponse)
    def stories(request: Request, page_no: int = Query(1, alias="page", ge=1, le=100_000)):
        with wh.reading() as con:
            rows, more = paged(queries.latest_stories(con, page_no))
        return page(request, "stories.html", rows=rows, more=more, page=page_no)

    @app.get("/story/{story_id}", response_class=HTMLResponse)
    def story(request: Request, story_id: str, page_no: int = Query(1, alias="page", ge=1, le=100_000)):
        with wh.reading() as con:
            found = _one(con, queries.story, story_id, "لا قصة بهذا المعرف.")
            context = together(con, articles=(queries.story_articles, story_id), happenings=(queries.story_happenings, story_id),
                               quotes=(queries.story_quotes, story_id), entities=(queries.story_entities, story_id))
        timeline = charts.reports_by_outlet(context["articles"])  # every report; the table and the quotes are paged
        window = slice((page_no - 1) * queries.PAGE, page_no * queries.PAGE)
        more = max(len(context["articles"]), len(context["quotes"])) > window.stop
        context.update(articles=context["articles"][window], quotes=context["quotes"][window])
        return page(request, "story.html", story=found, timeline=timeline, page=page_no, more=more, **context)

    @app.get("/entity/{entity_id}", response_class=HTMLResponse)
    def entity(request: Request, entity_id: str, page_no: int = Query(1, alias="page", ge=1, le=100_000)):
        with wh.reading() as con:
            found = _one(con, queries.entity, entity_id, "لا كيان بهذا المعرف.")
            context = together(con, timeline=(queries.entity_timeline, entity_id),
                               companions=(queries.entity_companions, entity_id),
                               events=(queries.events, None, None, None, entity_id),
                               quotes=(queries.entity_quotes, entity_id, page_no))
        quotes, more = paged(context.pop("quotes"))
        return page(request, "entity.html", entity=found, chart=charts.mentions_over_time(context.pop("timeline"), found["name"]),
                    page=page_no, quotes=quotes, more=more, events=context.pop("events")[:10], **context)

    @app.get("/events", response_class=HTMLResponse)
    def events(request: Request, type: str | None = Query(None, max_length=40), since: str | None = Query(None, max_length=10),
               until: str | None = Query(None, max_length=10), entity: str | None = Query(None, max_length=64),
               page_no: int = Query(1, alias="page", ge=1, le=100_000)):
        since, until = _day(since), _day(until)
        with wh.reading() as con:
            known = queries.event_types(con)
            chosen = type if type in known else None
            who = queries.entity(con, entity) if entity and ID.fullmatch(entity) else None
            rows, more = paged(queries.events(con, chosen, since, until, who["entity_id"] if who else None, page_no))
        return page(request, "events.html", events=rows, more=more, page=page_no, types=known, type=chosen,
                    since=since, until=until, entity=who)

    @app.get("/search", response_class=HTMLResponse)
    def search(request: Request, q: str = Query("", max_length=200), page_no: int = Query(1, alias="page", ge=1, le=100_000)):
        text = q.strip()
        forms = forms_of(text)
        rows, more, pending = [], False, 0
        if forms:
            with wh.reading() as con:
                rows, more = paged(queries.search(con, [key_of(f) for f in forms], page_no))
                pending = queries.not_indexed(con, ENRICHER_VERSION)
        return page(request, "search.html", rows=rows, more=more, page=page_no, q=text, forms=forms, pending=pending)

    @app.get("/article/{article_id}", response_class=HTMLResponse)
    def article(request: Request, article_id: str):
        with wh.reading() as con:
            found = _one(con, queries.article, article_id, "لا مقال بهذا المعرف.")
        return page(request, "article.html", article=found)

    return app


_QUERIES = ThreadPoolExecutor(2, thread_name_prefix="explore-query")  # DuckDB runs a query without the GIL


def together(con, **calls) -> dict:
    """`{name: (query, *arguments)}` -> `{name: rows}`, the queries run two at a time, each on a cursor of its
    own over the database `con` reads (a page's queries are independent: an entity's took 280 ms one after
    the other at 100,000 articles, 230 two at a time)."""
    database = con.execute("SELECT current_database()").fetchone()[0]
    cursors = {name: con.cursor() for name in calls}

    def run(name: str):
        query, *arguments = calls[name]
        cursors[name].execute(f'USE "{database}"')
        return query(cursors[name], *arguments)

    futures = {name: _QUERIES.submit(run, name) for name in calls}
    wait(futures.values())  # all of them, a failed one too, before any cursor is closed
    for cursor in cursors.values():
        cursor.close()
    return {name: future.result() for name, future in futures.items()}  # a query's error is raised here


def _day(value: str | None) -> date | None:
    """A day from a form field; anything else is no filter."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
