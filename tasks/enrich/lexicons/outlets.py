"""The names of news outlets, mined from the unlabelled news corpus (the ANT corpus in ../shared/data/news,
Apache-2.0) rather than remembered: a name is an outlet when the corpus writes it after an outlet word
("وكالة X", "صحيفة X", "قناة X") and also cites it bare, after a reporting cue ("ذكرت X", "بحسب X",
"نقلت X عن", "لـX"). The second test drops what only follows an outlet word by accident (قناة السويس,
وكالة الفضاء, موقع تويتر). `make lexicons` rebuilds tasks/enrich/lexicons/outlets.txt (committed), one
normalized name a line with its two counts."""
from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

from tasks.enrich.lexicons.corpus import NEWS, Rows, mine_main, news_files, normalized_texts, read_names

OUTLETS_PATH = Path(__file__).resolve().parent / "outlets.txt"

OUTLET_WORDS = r"وكاله(?:\s+(?:ال)?انباء)?|صحيفه|جريده|قناه|شبكه|اذاعه|تلفزيون|مجله|موقع|محطه"
_NAME = r"[\"«“]?(?P<n1>[^\s\"«»“”،,.:;()]+)(?:\s+(?P<n2>[^\s\"«»“”،,.:;()]+))?"
_AFTER_OUTLET = re.compile(rf"(?<!\w)[وفبل]?(?:{OUTLET_WORDS})\s+{_NAME}")
_AFTER_CUE = (
    re.compile(rf"(?<!\w)[وف]?(?:ذكرت|نقلت|افادت|اوردت|بحسب|حسب|وفقا\s*ل|نقلا\s+عن|قالت|اكدت|اعلنت|نشرت|بثت)\s+{_NAME}"),
    re.compile(rf"(?<!\w)[وف]?(?:قال|قالت|صرح|صرحت|اكد|اكدت|اضاف|اضافت)\s+ل\s*{_NAME}"),
)
_OUTLET_WORD = re.compile(rf"^(?:{OUTLET_WORDS})(?!\w)")
_ADJECTIVE = re.compile(r"^ال\w{3,}(?:يه|ي)$|^(?:للانباء|الرسميه|الرسمي|الحكوميه|عن|ان|انه|في|علي|من)$")
MIN_AFTER_OUTLET = 3
MIN_AFTER_CUE = 2
MIN_SHARE = 0.5  # of all its occurrences after an outlet word or a citation cue


def _names(m: re.Match) -> list[str]:
    """The one- and two-word names a match can mean (the second word dropped when it is an adjective)."""
    one = m["n1"]
    if _ADJECTIVE.match(one) or one.startswith("ال") and len(one) < 5:
        return []
    out = [one]
    if m["n2"] and not _ADJECTIVE.match(m["n2"]):
        out.append(f"{one} {m['n2']}")
    return out


def mine(folder: Path = NEWS) -> Rows:
    """(name, times after an outlet word, times after a citation cue) for the names that pass both tests."""
    files = news_files(folder)
    after_outlet, after_cue = Counter(), Counter()
    for text in normalized_texts(files):
        for m in _AFTER_OUTLET.finditer(text):
            after_outlet.update(_names(m))
        for cue in _AFTER_CUE:
            for m in cue.finditer(text):
                after_cue.update(_names(m))
    kept = {n: c for n, c in after_outlet.items() if c >= MIN_AFTER_OUTLET and after_cue[n] >= MIN_AFTER_CUE
            and not _OUTLET_WORD.match(n)}
    # a word kept mostly as the start of a longer name ("فرانس" of "فرانس برس") is not a name of its own
    kept = {n: c for n, c in kept.items()
            if " " in n or not any(t.startswith(n + " ") and 2 * kept[t] >= c for t in kept)}
    # most of a name's uses are as an outlet ("رويترز"), not a place or a body also cited now and then
    everywhere = _occurrences(files, kept)
    kept = {n: c for n, c in kept.items() if (c + after_cue[n]) >= MIN_SHARE * everywhere[n]}
    return sorted(((n, c, after_cue[n]) for n, c in kept.items()), key=lambda k: (-k[1], k[0]))


def _occurrences(files: list[Path], names) -> Counter:
    """How often each name occurs anywhere, as whole words (after an optional one-letter clitic)."""
    pattern = re.compile(r"(?<!\w)[وفبل]?(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?!\w)")
    counts = Counter()
    for text in normalized_texts(files):
        counts.update(m[1] for m in pattern.finditer(text))
    return counts


@cache
def outlet_names(path: Path = OUTLETS_PATH) -> frozenset[str]:
    """The mined outlet names, normalized."""
    return read_names(path)


def main() -> None:
    mine_main("mine outlet names from the news corpus", lambda news: [(OUTLETS_PATH, mine(news))])


if __name__ == "__main__":
    main()
