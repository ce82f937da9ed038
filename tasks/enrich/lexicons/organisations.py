"""Organisation names mined from the unlabelled news corpus (tasks.enrich.lexicons.names_after): the armed
groups, movements and parties the corpus writes after "تنظيم", "جماعة", "حركة", "جبهة", "حزب", "ميليشيات"
(داعش, بوكو حرام, طالبان, النهضة), whose name the guide writes with that noun ("تنظيم داعش", "جماعة بوكو
حرام"); and the companies, sites and apps it writes after "شركة", "موقع", "تطبيق", "منصة" (تويتر, واتساب,
أرامكو, سامسونغ), whose name is the word alone. `make lexicons` rebuilds groups.txt and brands.txt beside
this file (committed): one normalized name a line, with its count after a noun and its count everywhere."""
from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

from tasks.enrich.lexicons.corpus import Rows, mine_main, news_files, read_names
from tasks.enrich.lexicons.names_after import NounClass, mine
from tasks.enrich.lexicons.places import place_names

HERE = Path(__file__).resolve().parent
GROUPS_PATH, BRANDS_PATH = HERE / "groups.txt", HERE / "brands.txt"
# a group's name is mostly written after its noun ("حركة المرور", traffic, is not); a front is a place (the
# mined places are left out when mining, not read whenever the nouns are)
GROUPS = NounClass(nouns=("تنظيم", "جماعه", "حركه", "حركتي", "جبهه", "حزب", "ميليشيا", "ميليشيات", "مليشيا",
                          "مليشيات"), nisba_second=True, min_share=0.3)
# a brand is written bare most of the time ("فيسبوك"), and is no definite word ("شركة الاستشارات")
BRANDS = NounClass(nouns=("شركه", "شركتي", "موقع", "تطبيق", "منصه"), min_share=0.1, definite=False)


@cache
def group_names(path: Path = GROUPS_PATH) -> frozenset[str]:
    return read_names(path)


@cache
def brand_names(path: Path = BRANDS_PATH) -> frozenset[str]:
    return read_names(path)


def _build(news: Path) -> list[tuple[Path, Rows]]:
    files = news_files(news)
    return [(GROUPS_PATH, mine(files, replace(GROUPS, not_in=place_names()))), (BRANDS_PATH, mine(files, BRANDS))]


def main() -> None:
    mine_main("mine organisation names from the news corpus", _build)


if __name__ == "__main__":
    main()
