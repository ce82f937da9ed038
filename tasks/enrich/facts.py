"""What is read out of an article's text before it is written: entity mentions linked inside the article,
with roles; temporal expressions resolved against the publication date; quotes; cited agencies. Plain
CPU work per article. Entity ids across articles, events and their links are settled at write time
(tasks.enrich.store), where the warehouse's aliases are at hand."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from schemas.records import Article
from tasks.enrich.attributions import Attribution, find_attributions, is_platform
from tasks.enrich.corpus_names import with_corpus_names
from tasks.enrich.entities import LinkedMention, link_in_article
from tasks.enrich.event_lexicon import TITLE_HEADS
from tasks.enrich.events import MODEL_VERSION as EVENTS_VERSION
from tasks.enrich.institutions import with_institutions, without_generic_forces
from tasks.enrich.mention_spans import tidy
from tasks.enrich.name_completion import complete_names
from tasks.enrich.name_propagation import extend_first_names, extend_last_names, propagate
from tasks.enrich.ner.lexicon import LEXICON_PATH, lexicon
from tasks.enrich.ner.tagger import MODEL_PATH, recognise
from tasks.enrich.offices import EntitySpan, office_spans
from tasks.enrich.quotes import Quote, find_quotes
from tasks.enrich.roles import roles
from tasks.enrich.temporal.expressions import TemporalExpression, find_temporal
from tasks.enrich.titled_names import titled_names
from tasks.text.normalize import normalize_arabic, plain_hashtags, sha256_hex

# Recorded on every derived row and on the article; a document whose article was enriched by another
# version is enriched again on the next run. Bump RULES_VERSION when a rule changes what it finds; the
# recogniser's model and lexicon count by their bytes. (11: a landform's place is the landform, buildings take
# the person they are named for, a spokesperson's body is named, tasks.enrich.institutions; a person cut short
# after a reporting verb or a rank takes the rest of the name, tasks.enrich.titled_names; the official agency
# unnamed is the one the article names, tasks.enrich.attributions; 12: a name after مع is no quote's speaker,
# tasks.enrich.quotes.)
RULES_VERSION = "12"
ENRICHER_VERSION = (f"enrich-{RULES_VERSION}+{EVENTS_VERSION}"
                    f"+ner-{sha256_hex(MODEL_PATH.read_bytes() + LEXICON_PATH.read_bytes())[:10]}")


@dataclass(frozen=True)
class _Named:
    """A recognised mention as entity linking reads it: the name standing alone, its role."""

    start: int
    end: int
    surface: str
    type: str
    name: str
    role: str | None


@dataclass
class ArticleFacts:
    mentions: list[LinkedMention] = field(default_factory=list)
    offices: list[EntitySpan] = field(default_factory=list)  # offices standing for a person (entity_id: canonical name)
    temporals: list[TemporalExpression] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)


@lru_cache(maxsize=1)
def _first_names() -> frozenset[str]:
    """Persons' first names of the gazetteer: one word, three letters or more, no title, and not definite
    (a first name has no article; "المصري" before a name is the nisba of "الرئيس المصري")."""
    return frozenset(w for w, kind in lexicon().gazetteer.items()
                     if kind == "PERS" and " " not in w and len(w) >= 3 and w not in TITLE_HEADS and not w.startswith("ال"))


def facts_of(text: str, anchor: date | None, known_persons: set[str] = frozenset(), found: list | None = None) -> ArticleFacts:
    """Mentions (recognised, spread to the name's other occurrences and to persons known from earlier
    articles, cited agencies, linked inside the text, with roles), dates, quotes and cited agencies of one
    text. A hashtag is read as the words it joins ("#سعود_بن_فهد": the person سعود بن فهد; `found`, when
    given, recognised so: `recognise(plain_hashtags(text))`); every surface is as the text writes it."""
    read = plain_hashtags(text)
    facts = _facts_of(read, anchor, known_persons, found)
    return facts if read is text else _as_written(facts, text)


def _as_written(facts: ArticleFacts, text: str) -> ArticleFacts:
    """The facts with their surfaces taken from the text as written (offsets are the same in the text read
    with its hashtags as words); names stay as read."""
    def written(item):
        return replace(item, surface=text[item.start:item.end])
    quotes = [replace(q, text=text[q.start:q.end], speaker_surface=None if q.speaker_start is None
                      else text[q.speaker_start:q.speaker_end]) for q in facts.quotes]
    return ArticleFacts(mentions=[written(m) for m in facts.mentions], offices=facts.offices,
                        temporals=[written(t) for t in facts.temporals], quotes=quotes,
                        attributions=[written(a) for a in facts.attributions])


def _facts_of(text: str, anchor: date | None, known_persons: set[str], found: list | None) -> ArticleFacts:
    found = with_institutions(text, tidy(text, recognise(text) if found is None else found))
    found = complete_names(text, with_corpus_names(text, found))
    found = extend_first_names(text, found, _first_names())
    found = extend_last_names(text, found, _first_names(), TITLE_HEADS)
    found = without_generic_forces(titled_names(text, found))
    found = found + propagate(text, found, known_persons, lexicon().zipf)
    cited = find_attributions(text)
    # An agency cited is an organisation mentioned: "وذكرت وكالة (تسنيم)" mentions تسنيم, and a name the
    # recogniser typed otherwise where it is cited ("الأناضول" a region, "ريا نوفوستي" a person) is that agency.
    agencies = {normalize_arabic(a.surface) for a in cited}
    found = [replace(m, type="ORG") if m.type != "ORG" and normalize_arabic(m.name) in agencies else m for m in found]
    found += [_Named(a.start, a.end, a.surface, "ORG", a.surface, None) for a in cited
              if not any(m.start < a.end and a.start < m.end for m in found)]
    found.sort(key=lambda m: m.start)
    role_of = {(r.person.start, r.person.end): r.role or r.rank for r in roles(text, found)}
    named = [_Named(m.start, m.end, m.surface, m.type, m.name, role_of.get((m.start, m.end))) for m in found]
    linked = link_in_article(named)
    # An office written in place of a name ("وأكد رئيس الأركان ...") can be a quote's speaker.
    offices = office_spans(text, linked, identity=lambda m: m.canonical)
    speakers = [m for m in found if not any(o.start <= m.start and m.end <= o.end for o in offices)
                and not is_platform(m.name)]  # "كتب أدرعي على فيسبوك: «...»": أدرعي wrote it
    speakers += [_Named(o.start, o.end, text[o.start:o.end], "PER", o.entity_id, None) for o in offices]
    return ArticleFacts(
        mentions=linked,
        offices=offices,
        temporals=find_temporal(text, anchor),
        quotes=find_quotes(text, sorted(speakers, key=lambda m: m.start), cited),
        attributions=cited,
    )


def is_arabic(article: Article) -> bool:
    """Arabic by its language tag, or, untagged, by its letters."""
    if article.language:
        return article.language.lower().startswith("ar")
    letters = [c for c in article.text[:2000] if c.isalpha()]
    return bool(letters) and sum("\u0600" <= c <= "\u06ff" for c in letters) > len(letters) / 2
