"""Place names mined from the unlabelled news corpus: the towns, provinces and regions of ordinary news that
ANERcorp's 2003 text never named (عفرين, الحديدة, دير الزور, سيدي بوزيد), by the names the corpus writes after a
place noun ("مدينة X", "محافظة X", "بلدة X", "ولاية X", "العاصمة X"; tasks.enrich.lexicons.names_after). What
the corpus writes after منطقة alone is a zone, not a place ("منطقة الجزاء", "منطقة اليورو"). `make lexicons`
rebuilds tasks/enrich/lexicons/places.txt (committed): one normalized name a line, with its count after a
place noun and its count everywhere; then a direction and a place that make one name ("جنوب أفريقيا"),
with the compound's count and the place's."""
from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

from tasks.enrich.lexicons.corpus import Rows, mine_main, news_files, normalized_texts, read_names
from tasks.enrich.lexicons.names_after import NounClass, mine
from tasks.enrich.ner.lexicon import lexicon

PLACES_PATH = Path(__file__).resolve().parent / "places.txt"
PLACES = NounClass(
    nouns=("مدينه", "بلده", "محافظه", "قريه", "ولايه", "اقليم", "مخيم", "العاصمه", "ضاحيه", "ريف", "جزيره",
           "مقاطعه", "قضاء", "ناحيه", "منطقه", "مدن", "بلدات", "قري"),
    zone="منطقه")


DIRECTIONS = ("شمال", "جنوب", "شرق", "غرب")
MIN_COMPOUND = 10
MIN_COMPOUND_SHARE = 0.1  # of the place's uses, with the direction before it


def mine_compounds(files: list[Path], places: set[str]) -> Rows:
    """(direction + place, times written so, times the place is written) for the places the corpus names
    with a direction often enough to make one name ("جنوب أفريقيا", "شمال سيناء", "جنوب السودان"; not
    "شمال سوريا", a tenth of a percent of Syria's mentions)."""
    after = re.compile(rf"(?<!\w)[وفبل]?({'|'.join(DIRECTIONS)})\s+(\w+)")
    word = re.compile(r"\w+")
    pairs, alone = Counter(), Counter()
    for text in normalized_texts(files):
        pairs.update(f"{m[1]} {m[2]}" for m in after.finditer(text) if m[2] in places and m[2] not in DIRECTIONS)
        for w in word.findall(text):
            if w in places or (w[:1] in "وفبل" and (w := w[1:]) in places):
                alone[w] += 1
    rows = [(name, n, alone[name.split()[1]]) for name, n in pairs.items()
            if n >= MIN_COMPOUND and n >= MIN_COMPOUND_SHARE * alone[name.split()[1]]]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


@cache
def place_names(path: Path = PLACES_PATH) -> frozenset[str]:
    """The mined place names, normalized."""
    return read_names(path)


def _build(news: Path) -> list[tuple[Path, Rows]]:
    files = news_files(news)
    rows = mine(files, PLACES)
    known = {name for name, _, _ in rows} | {w for w, kind in lexicon().gazetteer.items() if kind == "LOC"}
    return [(PLACES_PATH, rows + mine_compounds(files, known))]


def main() -> None:
    mine_main("mine place names from the news corpus", _build)


if __name__ == "__main__":
    main()
