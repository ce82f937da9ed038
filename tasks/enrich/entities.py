"""Canonical entities: mentions of one person, organisation or place get one `entity_id`, inside an
article and across articles.

Inside an article, a short form links to the fuller name given in the same article: "باقري" or "اللواء
باقري" to "محمد باقري", "علي أيوب" to "علي عبد الله أيوب" (its words, in order, within the longer name's,
last word equal). When two people share a surname ("محمود عباس", "علي عباس"), a bare "عباس" goes to the
nearest full name before it. Across articles, names meet through a normalized key (letters folded,
"سورية" = "سوريا") and the `entity_aliases` table: a short form that one earlier article tied to a full
name resolves to that entity when the key names exactly one entity of its type.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tasks.enrich.institutions import landform_name
from tasks.enrich.lexicons.organisations import GROUPS
from tasks.text.normalize import normalize_arabic, stable_id

TYPES = ("PER", "ORG", "LOC", "MISC")
_TYPE_ALIASES = {"PERS": "PER", "PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}
_NON_WORD = re.compile(r"[^\w\s]")
_SPACE = re.compile(r"\s+")
# Place names written with a final -iyya or -iya ("سورية" / "سوريا", "ليبية"): one key.
_IYA = re.compile(r"يه$")


@dataclass(frozen=True)
class LinkedMention:
    """A recognised mention with the name it stands for inside its article."""

    start: int
    end: int
    surface: str
    type: str
    canonical: str  # the fullest name of this entity in the article, as written there
    role: str | None = None


def entity_type(label: str) -> str:
    """PER, ORG, LOC or MISC for a recogniser label (ANERcorp writes PERS)."""
    try:
        return _TYPE_ALIASES[label.upper()]
    except KeyError:
        raise ValueError(f"unknown entity type {label!r}") from None


@lru_cache(maxsize=1 << 16)
def name_key(name: str, type_: str) -> str:
    """The form two spellings of one name share: folded letters, no marks or punctuation. (Remembered: a
    batch's writer asks it about a hundred times an article, mostly of names it has seen.)"""
    key = _SPACE.sub(" ", _NON_WORD.sub(" ", normalize_arabic(name))).strip()
    if type_ == "LOC":
        key = " ".join(_IYA.sub("يا", w) for w in key.split(" "))
    return key


@lru_cache(maxsize=1 << 16)
def entity_id(type_: str, key: str) -> str:
    """Stable id of the entity with this type and name key."""
    return stable_id("entity", type_, key)


def is_short_form(short: list[str], full: list[str]) -> bool:
    """`short` names the same person as `full`: fewer words, in order within it, the last word the same; or
    all its words but the last, two or more ("سامي فارس" of "سامي فارس الحداد")."""
    if not short or len(short) >= len(full):
        return False
    if len(short) >= 2 and len(full) == len(short) + 1 and full[:len(short)] == short:
        return True
    if short[-1] != full[-1]:
        return False
    i = 0
    for word in full:
        if i < len(short) and word == short[i]:
            i += 1
    return i == len(short)


def link_in_article(mentions) -> list[LinkedMention]:
    """Each mention (objects with start, end, surface, type and optionally name and role), in text order,
    with the fullest name it stands for in the article: persons' names are shortened in news prose, and a
    group's name is written without its noun ("داعش" of "تنظيم داعش")."""
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    typed = [(m, entity_type(m.type)) for m in ordered]
    # "للأسد" stands alone as "الأسد"; a name read from a hashtag ("فلاديمير #بوتين") has one space between words
    names = [" ".join((getattr(m, "name", None) or m.surface).split()) for m, _ in typed]
    words = [name_key(n, t).split(" ") for n, (_, t) in zip(names, typed)]
    # "التبت" is the article's "هضبة التبت": each landform's name without its noun, the first one written
    landforms: dict[tuple[str, ...], str] = {}
    for j, (_, tj) in enumerate(typed):
        if tj == "LOC" and (bare := landform_name(words[j])):
            landforms.setdefault(tuple(bare), names[j])
    linked = []
    for i, (m, t) in enumerate(typed):
        canonical = names[i]
        if t == "ORG":  # "داعش" is the article's "تنظيم داعش"
            canonical = next((names[j] for j, (_, tj) in enumerate(typed)
                              if tj == "ORG" and len(words[j]) == len(words[i]) + 1 and words[j][0] in GROUPS.nouns
                              and words[j][1:] == words[i]), canonical)
        if t == "LOC":
            canonical = landforms.get(tuple(words[i]), canonical)
        if t == "PER":
            fuller = [j for j, (_, tj) in enumerate(typed) if tj == "PER" and is_short_form(words[i], words[j])]
            if fuller:
                before = [j for j in fuller if j < i]
                # the nearest fuller name before it; else the first one after it (a headline names a surname first)
                j = max(before, key=lambda j: (j, len(words[j]))) if before else min(fuller)
                # that name may itself be a short form of a longer one
                longest = max((k for k in fuller if is_short_form(words[j], words[k]) or k == j), key=lambda k: len(words[k]))
                canonical = names[longest]
        linked.append(LinkedMention(m.start, m.end, m.surface, t, canonical, getattr(m, "role", None)))
    return linked


def _alias_keys(m: LinkedMention, key: str) -> set[str]:
    """The keys this mention teaches for its entity: the full name, the form written, and for a person of
    three words or more the first and last names ("علي عبد الله أيوب" → "علي أيوب"), and for any person the
    last name. A key that comes to name two entities resolves to neither (`resolve`)."""
    keys = {key, name_key(m.surface, m.type)}
    words = key.split(" ")
    if m.type == "PER" and len(words) >= 2:
        keys.add(words[-1])
        if len(words) >= 3:
            keys.add(f"{words[0]} {words[-1]}")
    return {k for k in keys if k}


@dataclass(frozen=True)
class ResolvedMention:
    """A mention with its entity, ready for the `mentions` table."""

    start: int
    end: int
    surface: str
    type: str
    entity_id: str
    role: str | None


def resolve(linked: list[LinkedMention], known_aliases: dict[tuple[str, str], set[str]]) -> tuple[list[ResolvedMention], dict[str, tuple[str, str]], set[tuple[str, str, str]]]:
    """Entity ids for an article's linked mentions. `known_aliases` maps (type, alias key) to the entity ids
    earlier articles tied it to. Returns the mentions, the entities they use (id -> (name, type)) and the
    (type, alias key, entity id) rows this article teaches."""
    entities: dict[str, tuple[str, str]] = {}
    aliases: set[tuple[str, str, str]] = set()
    out = []
    for m in linked:
        key = name_key(m.canonical, m.type)
        if not key:
            continue
        own = entity_id(m.type, key)
        seen = known_aliases.get((m.type, key), set())
        # A name some earlier article tied to exactly one other entity is that entity (a short form).
        eid = next(iter(seen)) if len(seen) == 1 else own
        if eid == own:
            entities[own] = (m.canonical, m.type)
        aliases |= {(m.type, k, eid) for k in _alias_keys(m, key)}
        out.append(ResolvedMention(m.start, m.end, m.surface, m.type, eid, m.role))
    return out, entities, aliases
