"""Place names mined from the unlabelled news corpus: the towns, provinces and regions of ordinary news that
ANERcorp's 2003 text never named (عفرين, الحديدة, دير الزور, سيدي بوزيد), by the names the corpus writes after a
place noun ("مدينة X", "محافظة X", "بلدة X", "ولاية X", "العاصمة X"; tasks.enrich.lexicons.names_after). What
the corpus writes after منطقة alone is a zone, not a place ("منطقة الجزاء", "منطقة اليورو"). `make lexicons`
rebuilds tasks/enrich/lexicons/places.txt (committed): one normalized name a line, with its count after a
place noun and its count everywhere."""
from __future__ import annotations

import argparse
from functools import cache
from pathlib import Path

from tasks.enrich.lexicons.corpus import NEWS, news_files
from tasks.enrich.lexicons.names_after import NounClass, mine, read_names, write

PLACES_PATH = Path(__file__).resolve().parent / "places.txt"
PLACES = NounClass(
    nouns=("مدينه", "بلده", "محافظه", "قريه", "ولايه", "اقليم", "مخيم", "العاصمه", "ضاحيه", "ريف", "جزيره",
           "مقاطعه", "قضاء", "ناحيه", "منطقه", "مدن", "بلدات", "قري"),
    zone="منطقه")


@cache
def place_names(path: Path = PLACES_PATH) -> frozenset[str]:
    """The mined place names, normalized."""
    return read_names(path)


def main() -> None:
    parser = argparse.ArgumentParser(description="mine place names from the news corpus")
    parser.add_argument("--news", type=Path, default=NEWS)
    parser.add_argument("--out", type=Path, default=PLACES_PATH)
    args = parser.parse_args()
    rows = mine(news_files(args.news), PLACES)
    write(rows, args.out)
    print(f"{len(rows)} place names -> {args.out}")


if __name__ == "__main__":
    main()
