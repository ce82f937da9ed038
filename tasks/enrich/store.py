"""Write a batch's enrichment inside its write transaction: entities resolved across articles through
`entity_aliases`, then mentions, temporal expressions, quotes (speaker as an entity), cited agencies and
events. An article's rows are replaced whole, so re-running an input changes nothing."""
from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from tasks.enrich.entities import ResolvedMention, entity_id, name_key, resolve
from tasks.enrich.events import extract_events
from tasks.enrich.facts import ENRICHER_VERSION, ArticleFacts
from tasks.enrich.offices import EntitySpan
from tasks.text.normalize import text_key
from tasks.warehouse.database import arrow_table, id_list, stored_among, upsert

_S, _I, _B, _F, _D = pa.string(), pa.int32(), pa.bool_(), pa.float64(), pa.date32()
ENTITIES = pa.schema([("entity_id", _S), ("name", _S), ("type", _S), ("name_key", _S), ("first_run_id", _S)])
ALIASES = pa.schema([("type", _S), ("alias_key", _S), ("entity_id", _S), ("first_run_id", _S)])
MENTIONS = pa.schema([("article_id", _S), ("entity_id", _S), ("surface", _S), ("start", _I), ("end", _I), ("type", _S),
                      ("role", _S), ("model_version", _S), ("run_id", _S)])
TEMPORALS = pa.schema([("article_id", _S), ("surface", _S), ("start", _I), ("end", _I), ("value", _D), ("granularity", _S),
                       ("weekday_mismatch", _B), ("model_version", _S), ("run_id", _S)])
QUOTES = pa.schema([("article_id", _S), ("speaker_entity_id", _S), ("speaker_surface", _S), ("text", _S), ("start", _I),
                    ("end", _I), ("cue", _S), ("via_entity_id", _S), ("model_version", _S), ("run_id", _S)])
ATTRIBUTIONS = pa.schema([("article_id", _S), ("entity_id", _S), ("surface", _S), ("full_surface", _S), ("start", _I),
                          ("end", _I), ("cue", _S),
                          ("model_version", _S), ("run_id", _S)])
EVENTS = pa.schema([("event_id", _S), ("article_id", _S), ("event_type", _S), ("mode", _S), ("cameo", _S),
                    ("actor_entity_id", _S), ("target_entity_id", _S), ("location_entity_id", _S), ("event_date", _D),
                    ("granularity", _S), ("modality", _S), ("sentence", _S), ("sentence_start", _I), ("confidence", _F),
                    ("model_version", _S), ("run_id", _S)])
_TABLES = ("mentions", "temporal_expressions", "quotes", "attributions", "events")


@dataclass
class _Batch:
    """Rows gathered for one batch, and the aliases known so far (the warehouse's, then the batch's)."""

    run_id: str
    known: dict[tuple[str, str], set[str]]
    entities: dict[str, dict] = field(default_factory=dict)
    aliases: dict[tuple[str, str, str], dict] = field(default_factory=dict)
    rows: dict[str, list[dict]] = field(default_factory=lambda: {t: [] for t in _TABLES})

    def learn(self, entities: dict[str, tuple[str, str]], aliases) -> None:
        for eid, (name, type_) in entities.items():
            self.entities.setdefault(eid, {"entity_id": eid, "name": name, "type": type_,
                                           "name_key": name_key(name, type_), "first_run_id": self.run_id})
        for type_, key, eid in aliases:
            self.aliases.setdefault((type_, key, eid), {"type": type_, "alias_key": key, "entity_id": eid,
                                                        "first_run_id": self.run_id})
            self.known.setdefault((type_, key), set()).add(eid)

    def organisation(self, name: str | None) -> str | None:
        """The ORG entity of an agency or outlet named in the text."""
        key = name_key(name or "", "ORG")
        if not key:
            return None
        own = entity_id("ORG", key)
        seen = self.known.get(("ORG", key), set())
        eid = next(iter(seen)) if len(seen) == 1 else own
        self.learn({own: (name, "ORG")} if eid == own else {}, {("ORG", key, eid)})
        return eid


def _known_aliases(con: duckdb.DuckDBPyConnection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    names = sorted({k for _, k in keys})
    known: dict[tuple[str, str], set[str]] = {}
    if names:
        among, params = id_list(names)
        for type_, key, eid in con.execute(
                f"SELECT type, alias_key, entity_id FROM entity_aliases WHERE alias_key IN {among}", params).fetchall():
            known.setdefault((type_, key), set()).add(eid)
    return known


def _speaker(quote, mentions: list[ResolvedMention], offices: list[tuple[int, int, str]], batch: _Batch) -> str | None:
    """The entity of a quote's speaker: the mention or office its speaker span falls on, else a known name."""
    if quote.speaker_start is not None:
        exact = [o for o in offices if (o[0], o[1]) == (quote.speaker_start, quote.speaker_end)]  # an office, not a body in it
        for start, end, eid in exact + [(m.start, m.end, m.entity_id) for m in mentions] + offices:
            if start < quote.speaker_end and quote.speaker_start < end:
                return eid
    if quote.speaker_surface:
        for type_ in ("PER", "ORG"):
            seen = batch.known.get((type_, name_key(quote.speaker_surface, type_)), set())
            if len(seen) == 1:
                return next(iter(seen))
    return None


def _distinct_dates(temporals) -> list:
    """One row per date expression an article gives, at its first occurrence: "اليوم" written three times is
    one date of the article (as the annotation guide lists them), "اليوم" and "اليوم الثلاثاء" are two."""
    seen: dict[tuple, object] = {}
    for t in sorted(temporals, key=lambda t: t.start):
        seen.setdefault((text_key(t.surface), t.value, t.granularity), t)
    return list(seen.values())


@dataclass
class EnrichmentWritten:
    counts: Counter = field(default_factory=Counter)  # rows per table
    person_aliases: set[str] = field(default_factory=set)  # alias keys of persons in the batch (tasks.enrich.known_names)


def write_enrichment(con: duckdb.DuckDBPyConnection, run_id: str, facts: dict[str, ArticleFacts], texts: dict[str, str],
                     stored: Collection[str] | None = None) -> EnrichmentWritten:
    """Replace the enrichment rows of these articles; return counts per table and the person aliases
    written. `stored`: the articles that can have rows already (`stored_among`)."""
    ids = sorted(facts)
    if not ids:
        return EnrichmentWritten()
    keys = {(m.type, name_key(m.canonical, m.type)) for f in facts.values() for m in f.mentions}
    keys |= {("ORG", name_key(a.surface, "ORG")) for f in facts.values() for a in f.attributions}
    keys |= {("ORG", name_key(q.via_agency, "ORG")) for f in facts.values() for q in f.quotes if q.via_agency}
    batch = _Batch(run_id, _known_aliases(con, keys))
    # Full names teach their short forms first, longest first, so that an article naming only "علي أيوب"
    # meets "علي عبد الله أيوب" from another article of the batch, whatever the order of the two.
    full = [m for f in facts.values() for m in f.mentions if len(name_key(m.canonical, m.type).split(" ")) >= 2]
    for m in sorted(full, key=lambda m: (-len(name_key(m.canonical, m.type).split(" ")), m.canonical)):
        _, _, aliases = resolve([m], batch.known)
        for type_, key, eid in aliases:
            batch.known.setdefault((type_, key), set()).add(eid)
    for article_id in ids:
        _article_rows(batch, article_id, facts[article_id], texts[article_id])
    replaced = stored_among(ids, stored)
    if replaced:
        among, params = id_list(replaced)
        for table in _TABLES:
            con.execute(f"DELETE FROM {table} WHERE article_id IN {among}", params)
    _insert(con, "entities", list(batch.entities.values()), ENTITIES, ("entity_id",))
    _insert(con, "entity_aliases", list(batch.aliases.values()), ALIASES, ("type", "alias_key", "entity_id"))
    schemas = {"mentions": MENTIONS, "temporal_expressions": TEMPORALS, "quotes": QUOTES, "attributions": ATTRIBUTIONS, "events": EVENTS}
    for table in _TABLES:
        _insert(con, table, batch.rows[table], schemas[table])
    return EnrichmentWritten(Counter({table: len(batch.rows[table]) for table in _TABLES}),
                             {key for type_, key, _ in batch.aliases if type_ == "PER"})


def _article_rows(batch: _Batch, article_id: str, f: ArticleFacts, text: str) -> None:
    common = {"article_id": article_id, "model_version": ENRICHER_VERSION, "run_id": batch.run_id}
    mentions, entities, aliases = resolve(f.mentions, batch.known)
    batch.learn(entities, aliases)
    canonical_at = {lm.start: lm.canonical for lm in f.mentions}
    entity_of = {canonical_at[m.start]: m.entity_id for m in mentions}
    offices = [(o.start, o.end, entity_of[o.entity_id]) for o in f.offices if o.entity_id in entity_of]
    # One row per start offset (the primary key): a recogniser never overlaps itself, but keep the longer.
    by_start: dict[int, ResolvedMention] = {}
    for m in mentions:
        if m.start not in by_start or m.end > by_start[m.start].end:
            by_start[m.start] = m
    batch.rows["mentions"] += [{**common, "entity_id": m.entity_id, "surface": m.surface, "start": m.start, "end": m.end,
                                "type": m.type, "role": m.role} for m in by_start.values()]
    batch.rows["temporal_expressions"] += [
        {**common, "surface": t.surface, "start": t.start, "end": t.end, "value": t.value, "granularity": t.granularity,
         "weekday_mismatch": t.weekday_mismatch} for t in _distinct_dates(f.temporals)]
    batch.rows["attributions"] += [
        {**common, "entity_id": batch.organisation(a.surface), "surface": a.surface, "full_surface": a.full_surface,
         "start": a.start, "end": a.end, "cue": a.cue}
        for a in {a.start: a for a in f.attributions}.values() if name_key(a.surface, "ORG")]
    batch.rows["quotes"] += [
        {**common, "speaker_entity_id": _speaker(q, mentions, offices, batch), "speaker_surface": q.speaker_surface, "text": q.text,
         "start": q.start, "end": q.end, "cue": q.cue, "via_entity_id": batch.organisation(q.via_agency)}
        for q in {q.start: q for q in f.quotes}.values()]
    batch.rows["events"] += [
        {**e.__dict__, "article_id": article_id, "model_version": ENRICHER_VERSION, "run_id": batch.run_id}
        for e in extract_events(article_id, text, mentions, f.temporals, f.attributions,
                                [EntitySpan(start, end, eid, "PER") for start, end, eid in offices])]


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict], schema: pa.Schema,
            key: tuple[str, ...] | None = None) -> None:
    """Insert rows; with a `key`, rows whose key is stored already are left as stored."""
    if rows:
        con.register("batch_enrichment", arrow_table(rows, schema))
        if key:
            upsert(con, table, "batch_enrichment", key, None)
        else:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM batch_enrichment")
        con.unregister("batch_enrichment")


def link_happenings(con: duckdb.DuckDBPyConnection, article_ids: list[str]) -> None:
    """Events of one story with the same type, mode, actor and target are one happening; re-link the
    stories these articles belong to (a story may have gained or lost articles)."""
    if not article_ids:
        return
    among, params = id_list(article_ids)
    con.execute(
        "UPDATE events SET happening_id = md5(concat_ws('|', a.story_id, events.event_type, events.mode,"
        " coalesce(events.actor_entity_id, ''), coalesce(events.target_entity_id, '')))"
        " FROM articles a WHERE events.article_id = a.article_id AND a.story_id IN"
        f" (SELECT story_id FROM articles WHERE article_id IN {among})", params)
