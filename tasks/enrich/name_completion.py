"""Names the recogniser cut short, completed as the news corpus writes them (tasks.enrich.lexicons.completions):
"هارفي" before "واينستين", "كيم جونغ" before "أون", "منظمة الصحة" before "العالمية". A mention whose words
are the start of a completion, followed in the text by the rest (on the same line, nothing but spaces
between the words), is widened over it and takes the completed name's type; mentions inside the widened
span are dropped into it, and a mention that crosses its end keeps it from being widened."""
from __future__ import annotations

import re
from functools import cache

from tasks.enrich.lexicons.completions import COMPLETIONS, read_completions
from tasks.enrich.name_propagation import PropagatedMention
from tasks.text.normalize import normalize_arabic

_NEXT_WORD = re.compile(r"[ \t\u00a0]+(\w+)")


@cache
def _table() -> dict[tuple[str, ...], tuple[tuple[str, ...], str]]:
    return read_completions(COMPLETIONS)


def complete_names(text: str, mentions: list) -> list:
    """The mentions (objects with start, end, surface, type, name) with their names completed."""
    table = _table()
    out = list(mentions)
    for m in mentions:
        if m not in out:
            continue  # taken into a completed name already
        found = table.get(tuple(normalize_arabic(m.name).split()))
        if found is None:
            continue
        rest, kind = found
        end = m.end
        for word in rest:
            nxt = _NEXT_WORD.match(text, end)
            if nxt is None or normalize_arabic(nxt.group(1)) != word:
                break
            end = nxt.end(1)
        else:
            if any(m.end < x.end and x.start < end and end < x.end for x in out if x is not m):
                continue  # a mention crosses the completed name's end
            out = [x for x in out if x is m or not (m.start <= x.start and x.end <= end)]
            out[out.index(m)] = PropagatedMention(m.start, end, text[m.start:end], kind, m.name + text[m.end:end])
    return out
