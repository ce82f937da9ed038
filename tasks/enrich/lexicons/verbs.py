"""Verb forms mined from the unlabelled news corpus: the words the corpus writes right after a particle that
only a verb follows (قد، لقد، لم، لن، سوف, with و or ف before them): "قد نشأ", "لم يتول", "لن يحقق". A
word is a verb form when it follows one at least MIN_AFTER times and in at least MIN_SHARE of its uses;
names seldom do ("يوسف" never in 1,055 uses; "انتهك" in 6 of 31). Read by tasks.enrich.titled_names, which
must not take a verb after a name for the name's last word ("الرقيب هاريل انتهك").

`make lexicons` rebuilds tasks/enrich/lexicons/verbs.txt (committed; about 10 seconds): one normalized word a
line, with its count after a particle and its count everywhere."""
from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

from tasks.enrich.lexicons.corpus import Rows, mine_main, news_files, normalized_texts, read_names

VERBS_PATH = Path(__file__).resolve().parent / "verbs.txt"
MIN_AFTER = 3
MIN_SHARE = 0.02
_AFTER_PARTICLE = re.compile(r"(?<!\w)[وف]?(?:قد|لقد|لم|لن|سوف)\s+(\w+)")
_WORD = re.compile(r"\w+")


def mine_verbs(texts) -> Rows:
    """(word, times after a verb particle, times in all) for the words that are verb forms, most used first."""
    after, total = Counter(), Counter()
    for text in texts:
        after.update(_AFTER_PARTICLE.findall(text))
        total.update(_WORD.findall(text))
    rows = [(w, n, total[w]) for w, n in after.items() if n >= MIN_AFTER and n >= MIN_SHARE * total[w]]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


@cache
def verb_forms(path: Path = VERBS_PATH) -> frozenset[str]:
    """The mined verb forms, normalized."""
    return read_names(path)


def is_verb_form(norm: str) -> bool:
    """A normalized word that is a mined verb form, or one with a conjunction (و، ف) or the future's س
    before it ("سيلتقي")."""
    verbs = verb_forms()
    return norm in verbs or (norm[:1] in "وفس" and norm[1:] in verbs)


def _build(news: Path) -> list[tuple[Path, Rows]]:
    return [(VERBS_PATH, mine_verbs(normalized_texts(news_files(news))))]


if __name__ == "__main__":
    mine_main(__doc__.split("\n\n")[0], _build)
