"""Place names mined from the unlabelled news corpus (tasks.enrich.lexicons.corpus): the towns, provinces and
regions of ordinary news that ANERcorp's 2003 text never named (عفرين, الحديدة, دير الزور, سيدي بوزيد).

A name is a place when the corpus writes it after a place noun ("مدينة X", "محافظة X", "بلدة X", "ولاية X",
"العاصمة X") often enough, and a fair share of all its uses are there: a word that follows a place noun
only now and then ("مدينة كبيرة", "منطقة آمنة") is an adjective or a common word. Two-word names count when
their words mostly occur together ("دير الزور", "خان شيخون"), not a place and its adjective ("صعدة
اليمنية"). `make lexicons` rebuilds tasks/enrich/lexicons/places.txt (committed): one normalized name a line,
with its count after a place noun and its count everywhere."""
from __future__ import annotations

import argparse
import re
from collections import Counter
from functools import cache
from pathlib import Path

from tasks.enrich.lexicons.corpus import NEWS, news_files, normalized_texts

PLACES_PATH = Path(__file__).resolve().parent / "places.txt"

PLACE_NOUNS = ("مدينه", "بلده", "محافظه", "قريه", "ولايه", "اقليم", "مخيم", "العاصمه", "ضاحيه", "ريف", "جزيره",
               "مقاطعه", "قضاء", "ناحيه", "منطقه", "مدن", "بلدات", "قري")
_WORD = r"[^\s\"«»“”،,.:;()\[\]!؟?]+"
_AFTER_NOUN = re.compile(rf"(?<!\w)[وفبل]?(?P<noun>{'|'.join(PLACE_NOUNS)})\s+[\"«“]?#?(?P<n1>{_WORD})(?:\s+(?P<n2>{_WORD}))?")
_FUNCTION = {"في", "من", "الي", "علي", "عن", "مع", "التي", "الذي", "ان", "او", "ما", "لا", "قد", "كما", "وهي", "هي",
             "بعد", "قبل", "حيث", "خلال", "عند", "منذ", "ضد", "نحو", "بين", "لم", "لن", "كان", "كانت", "اي", "كل",
             "هذه", "هذا", "تلك", "ذلك", "ثم", "حتي", "الا", "اذ", "ذات", "غير", "وفي", "ومن", "وقد"}
_DIRECTIONS = {"شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "وسط", "قرب", "شمالا", "جنوبا"}
_NISBA = re.compile(r"^ال\w{2,}(?:ي|يه|يين|يون)$")  # "اليمنيه", "الشمالي": an adjective of the place before it
_PARTICIPLE = re.compile(r"^(?:م\w\wو\wه|\wا\w\wه)$")  # "منكوبه", "معزوله", "عازله", "نائيه": adjectives
_SUFFIXED = re.compile(r"\w{3,}(?:ته|ها|هم|ون)$")  # "اجازته", "عليها", "يريدون": a pronoun or a verb's ending
_ZONE = "منطقه"  # "منطقة الجزاء", "منطقة اليورو": a name the corpus puts after منطقة alone is a zone, not a place
MAX_ZONE_SHARE = 0.8
MIN_AFTER_NOUN = 5
MIN_SHARE = 0.2  # of all the name's uses, after a place noun
MIN_TOGETHER = 0.5  # a two-word name: its words occur together at least this share of the rarer word's uses


def _plain(word: str) -> bool:
    """A word that can be (part of) a place name: no function word, place noun, direction, number, Latin,
    pronoun suffix, and no conjunction و on it ("ومينائها")."""
    return (len(word) >= 3 and word not in _FUNCTION and word not in PLACE_NOUNS and word not in _DIRECTIONS
            and word[:1] != "و" and not _SUFFIXED.fullmatch(word)
            and not any(c.isdigit() or c.isascii() for c in word))


def _candidates(m: re.Match) -> list[str]:
    one = m["n1"]
    if not _plain(one):
        return []
    out = [one]
    two = m["n2"]
    if two and _plain(two) and not _NISBA.match(two) and not _NISBA.match(one):
        out.append(f"{one} {two}")
    return out


def _adjective(word: str, counts: Counter) -> bool:
    """A feminine adjective: its masculine form is a word the corpus uses ("جبليه": جبلي), or it has the
    shape of a participle ("منزوعه", "عازله")."""
    if _PARTICIPLE.match(word):
        return True
    return word.endswith("يه") and counts[word[:-1]] >= 0.3 * counts[word]


def _behind_clitic(word: str, counts: Counter) -> bool:
    """ب or ل on a word the corpus uses more often alone ("بولايه": ولايه, "بملاعب": ملاعب)."""
    return word[:1] in ("ب", "ل") and counts[word[1:]] >= counts[word]


def mine(folder: Path = NEWS) -> list[tuple[str, int, int]]:
    """(name, times after a place noun, times anywhere) for the names that pass the tests."""
    files = news_files(folder)
    after, in_zone = Counter(), Counter()
    for text in normalized_texts(files):
        for m in _AFTER_NOUN.finditer(text):
            names = _candidates(m)
            after.update(names)
            if m["noun"] == _ZONE:
                in_zone.update(names)
    kept = {n for n, c in after.items() if c >= MIN_AFTER_NOUN}
    words, pairs = _occurrences(files, {n for n in kept if " " not in n}, {n for n in kept if " " in n})
    rows = {}
    for name in kept:
        parts = name.split()
        everywhere = pairs[name] if len(parts) == 2 else words[name]
        if not everywhere or after[name] < MIN_SHARE * everywhere or in_zone[name] > MAX_ZONE_SHARE * after[name]:
            continue
        if any(_behind_clitic(p, words) for p in parts):
            continue
        if len(parts) == 1 and (_adjective(name, words) or _NISBA.match(name) and _adjective(name + "ه", words)):
            continue
        if len(parts) == 2 and (everywhere < MIN_TOGETHER * min(words[parts[0]], words[parts[1]])
                                or _adjective(parts[1], words)):
            continue
        rows[name] = (after[name], everywhere)
    # a word kept mostly as the start of a longer name ("دير" of "دير الزور") is not a name of its own
    rows = {n: v for n, v in rows.items()
            if " " in n or not any(t.startswith(n + " ") and 2 * rows[t][0] >= v[0] for t in rows)}
    return sorted(((n, a, e) for n, (a, e) in rows.items()), key=lambda r: (-r[1], r[0]))


def _occurrences(files: list[Path], singles: set[str], doubles: set[str]) -> tuple[Counter, Counter]:
    """How often each word occurs (a candidate also behind a one-letter clitic or #), and each two-word name."""
    words, pairs = Counter(), Counter()
    token = re.compile(_WORD)
    for text in normalized_texts(files):
        tokens = [t.lstrip("#") for t in token.findall(text)]
        tokens = [t[1:] if t not in singles and t[:1] in "وفبل" and t[1:] in singles else t for t in tokens]
        words.update(tokens)
        pairs.update(p for p in map(" ".join, zip(tokens, tokens[1:])) if p in doubles)
    return words, pairs


def write(rows: list[tuple[str, int, int]], path: Path = PLACES_PATH) -> None:
    path.write_text("".join(f"{n}\t{a}\t{e}\n" for n, a, e in rows), encoding="utf-8")


@cache
def place_names(path: Path = PLACES_PATH) -> frozenset[str]:
    """The mined place names, normalized."""
    return frozenset(line.split("\t", 1)[0] for line in path.read_text(encoding="utf-8").splitlines() if line)


def main() -> None:
    parser = argparse.ArgumentParser(description="mine place names from the news corpus")
    parser.add_argument("--news", type=Path, default=NEWS)
    parser.add_argument("--out", type=Path, default=PLACES_PATH)
    args = parser.parse_args()
    rows = mine(args.news)
    write(rows, args.out)
    print(f"{len(rows)} place names -> {args.out}")


if __name__ == "__main__":
    main()
