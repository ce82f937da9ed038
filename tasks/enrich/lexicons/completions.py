"""Completions of names the recogniser cuts short, mined from the unlabelled news corpus: the recogniser
(tasks.enrich.ner.tagger, trained on ANERcorp's 2003 text) finds "هارفي" and stops before "واينستين", finds
"كيم جونغ" without "أون", "منظمة الصحة" without "العالمية". Over the 41,661 articles of ../shared/data/news,
every mention it finds, and every start of one, is counted with the words the text writes right after it.

A start S is completed by the words E when
- S was found (as a mention or the start of one) at least MIN_COUNT times, and E followed it at least
  MIN_COUNT times and in at least MIN_SHARE of them: "سارة" is followed by many surnames, "هارفي" by
  "واينستين" 85 times in 110;
- the recogniser found S + E whole, as one mention, at least MIN_WHOLE times: the completed name is a name, not
  a name and the words after it ("السوق بمحافظة ...", "نادي هامبورغ الألماني");
- E is one to three words, on the line of S with only spaces between, no function word, no digit.
The longest such E wins; the completed name takes the type the recogniser gave it most often whole.

`make lexicons` rebuilds tasks/enrich/lexicons/completions.txt (committed; about 4 minutes on two cores): S,
E, the type, S's count and E's count after S, tab-separated, one a line.
"""
from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from multiprocessing import Pool
from pathlib import Path

from tasks.enrich.lexicons.corpus import NEWS, news_files, read_articles
from tasks.enrich.lexicons.names_after import FUNCTION_WORDS

COMPLETIONS = Path(__file__).resolve().parent / "completions.txt"
MIN_COUNT = 5
MIN_SHARE = 0.6
MIN_WHOLE = 2
MAX_WORDS = 3
_NAME_WORD = re.compile(r"^[\u0621-\u064aA-Za-z]{2,}$")
_NOT_NAME_WORDS = frozenset(FUNCTION_WORDS | {"و", "انه", "انها", "بان"})
_GAP = re.compile(r"[ \t\u00a0]+")

Found = tuple[tuple[str, ...], str, tuple[str, ...]]  # a mention's words, its type, the name words after it


def _found_in(texts: list[str]) -> list[Found]:
    """Each mention of the texts: its normalized words, its type and the up to MAX_WORDS name words that follow
    it on its line, separated by spaces only."""
    from tasks.enrich.ner.features import tokenize
    from tasks.enrich.ner.tagger import recognise
    from tasks.text.normalize import normalize_arabic

    out = []
    for text in texts:
        tokens = tokenize(text)
        after = {t.end: k for k, t in enumerate(tokens)}
        for m in recognise(text):
            last = after.get(m.end)
            if last is None:
                continue
            follow = []
            for k in range(last + 1, min(last + 1 + MAX_WORDS, len(tokens))):
                word = normalize_arabic(tokens[k].text)
                if not _GAP.fullmatch(text[tokens[k - 1].end:tokens[k].start]) or not _NAME_WORD.match(word) \
                        or word in _NOT_NAME_WORDS:
                    break
                follow.append(word)
            out.append((tuple(normalize_arabic(m.name).split()), m.type, tuple(follow)))
    return out


def corpus_mentions(files: list[Path], workers: int = 2, chunk: int = 200) -> Iterator[Found]:
    """`_found_in` over every article of the corpus (title and text), in `workers` processes."""
    texts = [f"{a.get('title') or ''}\n{a.get('text') or ''}" for a in read_articles(files)]
    with Pool(workers) as pool:
        for part in pool.imap(_found_in, [texts[i:i + chunk] for i in range(0, len(texts), chunk)]):
            yield from part


Row = tuple[str, str, str, int, int]  # start, completion, type, start's count, completion's count after it


def mine(found: Iterable[Found]) -> list[Row]:
    """The completions (module docstring) of the mentions found."""
    starts: Counter[tuple[str, ...]] = Counter()
    after: dict[tuple[str, ...], Counter[tuple[str, ...]]] = defaultdict(Counter)
    whole: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for words, kind, follow in found:
        whole[words][kind] += 1
        written = words + follow
        for j in range(1, len(words) + 1):
            start = words[:j]
            starts[start] += 1
            rest = written[j:j + MAX_WORDS]
            for e in range(1, len(rest) + 1):
                after[start][rest[:e]] += 1
    rows = []
    for start, counts in after.items():
        if starts[start] < MIN_COUNT:
            continue
        best = None
        for rest, n in counts.items():
            if n >= MIN_COUNT and n / starts[start] >= MIN_SHARE and sum(whole[start + rest].values()) >= MIN_WHOLE \
                    and (best is None or len(rest) > len(best) or len(rest) == len(best) and rest < best):
                best = rest
        if best:
            kind = min(whole[start + best].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            rows.append((" ".join(start), " ".join(best), kind, starts[start], counts[best]))
    return sorted(rows)


def write_completions(rows: list[Row], path: Path = COMPLETIONS) -> None:
    path.write_text("".join("\t".join(map(str, row)) + "\n" for row in rows), encoding="utf-8")


def read_completions(path: Path = COMPLETIONS) -> dict[tuple[str, ...], tuple[tuple[str, ...], str]]:
    """Start words -> (completion words, type)."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        start, rest, kind, _, _ = line.split("\t")
        table[tuple(start.split(" "))] = (tuple(rest.split(" ")), kind)
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mine name completions from the news corpus.")
    parser.add_argument("--news", type=Path, default=NEWS)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    rows = mine(corpus_mentions(news_files(args.news), args.workers))
    write_completions(rows)
    print(f"{len(rows)} completions -> {COMPLETIONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
