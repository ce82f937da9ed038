"""Organisation names mined from the unlabelled news corpus (tasks.enrich.lexicons.names_after): the armed
groups, movements and parties the corpus writes after "تنظيم", "جماعة", "حركة", "جبهة", "حزب", "ميليشيات"
(داعش, بوكو حرام, طالبان, النهضة), whose name the guide writes with that noun ("تنظيم داعش", "جماعة بوكو
حرام"); and the companies, sites and apps it writes after "شركة", "موقع", "تطبيق", "منصة" (تويتر, واتساب,
أرامكو, سامسونغ), whose name is the word alone. `make lexicons` rebuilds groups.txt and brands.txt beside
this file (committed): one normalized name a line, with its count after a noun and its count everywhere."""
from __future__ import annotations

import argparse
from functools import cache
from pathlib import Path

from tasks.enrich.lexicons.corpus import NEWS, news_files
from tasks.enrich.lexicons.names_after import NounClass, mine, read_names, write
from tasks.enrich.lexicons.places import place_names

HERE = Path(__file__).resolve().parent
GROUPS_PATH, BRANDS_PATH = HERE / "groups.txt", HERE / "brands.txt"
# a group's name is mostly written after its noun ("حركة المرور", traffic, is not); a front is a place
GROUPS = NounClass(nouns=("تنظيم", "جماعه", "حركه", "حركتي", "جبهه", "حزب", "ميليشيا", "ميليشيات", "مليشيا",
                          "مليشيات"), nisba_second=True, min_share=0.3, not_in=place_names())
# a brand is written bare most of the time ("فيسبوك"), and is no definite word ("شركة الاستشارات")
BRANDS = NounClass(nouns=("شركه", "شركتي", "موقع", "تطبيق", "منصه"), min_share=0.1, definite=False)


@cache
def group_names(path: Path = GROUPS_PATH) -> frozenset[str]:
    return read_names(path)


@cache
def brand_names(path: Path = BRANDS_PATH) -> frozenset[str]:
    return read_names(path)


def main() -> None:
    parser = argparse.ArgumentParser(description="mine organisation names from the news corpus")
    parser.add_argument("--news", type=Path, default=NEWS)
    args = parser.parse_args()
    files = news_files(args.news)
    for kind, path in ((GROUPS, GROUPS_PATH), (BRANDS, BRANDS_PATH)):
        rows = mine(files, kind)
        write(rows, path)
        print(f"{len(rows)} names -> {path}")


if __name__ == "__main__":
    main()
