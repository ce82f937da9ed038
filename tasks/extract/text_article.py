"""The plain-text path: find the title and strip page furniture from text pasted or saved from a page.

Order of rules: (1) line-level furniture (UI strings, counters, URLs, teasers, credits, by-lines,
timestamps standing alone); (2) lists of three or more headline-shaped lines in a row (navigation,
"most read"); (3) a key-points box of bullets before the lead goes to `summary`; (4) the title: a
headline-shaped line that the page repeats, or that opens it; (5) short lines after the last paragraph
(section links, tags); (6) repeated and cut-short paragraphs (tasks.extract.clean).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tasks.enrich.temporal.dateline import parse_dateline
from tasks.extract import furniture as f
from tasks.extract.clean import drop_repeated_paragraphs
from tasks.text.normalize import text_key, word_count

MIN_NAV_RUN = 3


@dataclass
class TextArticle:
    title: str | None
    text: str
    summary: str | None = None
    author: str | None = None
    dateline: date | None = None
    removed: list[tuple[str, str]] = field(default_factory=list)  # (rule, line), for audits and tests


def _split_lines(raw: str) -> list[str]:
    raw = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return [" ".join(line.replace("\xa0", " ").split()) for line in raw.split("\n")]


def extract_text_article(raw: str) -> TextArticle:
    lines = _split_lines(raw)
    removed: list[tuple[str, str]] = []
    keep = [bool(line) for line in lines]
    author, dateline = None, None

    def drop(i: int, rule: str) -> None:
        keep[i] = False
        removed.append((rule, lines[i]))

    # (1) furniture line by line
    for i, line in enumerate(lines):
        if not keep[i]:
            continue
        day = parse_dateline(line)
        if day is not None:
            dateline = dateline or day
            drop(i, "timestamp")
        elif f.is_teaser(line):
            drop(i, "teaser")
        elif (name := f.author_of(line)) is not None:
            author = author or name
            drop(i, "byline")
        elif f.is_credit(line):
            drop(i, "credit")
        elif f.is_ui_string(line):
            drop(i, "ui_string")

    # (2) runs of headline-shaped lines with nothing between them
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and keep[j] and f.is_headline_shaped(lines[j]) and not f.is_body_paragraph(lines[j]):
            j += 1
        if j - i >= MIN_NAV_RUN:
            for k in range(i, j):
                drop(k, "headline_list")
        i = max(j, i + 1)

    live = [i for i in range(len(lines)) if keep[i]]
    first_body = next((i for i in live if f.is_body_paragraph(lines[i]) and not f.is_bullet(lines[i])), None)
    head = [i for i in live if first_body is None or i < first_body]

    # (3) bullets before the lead: a summary box
    bullets = [i for i in head if f.is_bullet(lines[i])]
    summary = None
    if len(bullets) >= 2:
        summary = "\n".join(lines[i] for i in bullets)
        for i in bullets:
            drop(i, "summary_box")

    # (4) the title
    title = _find_title(lines, [i for i in head if keep[i]], [i for i in live if keep[i]])
    if title is not None:
        title_key = text_key(title)
        for i in live:
            if keep[i] and text_key(lines[i]) == title_key:
                drop(i, "title")

    # (5) after the last paragraph, only furniture
    live = [i for i in live if keep[i]]
    last_body = max((i for i in live if f.is_body_paragraph(lines[i])), default=None)
    if last_body is not None:
        for i in live:
            if i > last_body and word_count(lines[i]) < 8 and not f.ends_sentence(lines[i]):
                drop(i, "tail")

    # (6) repeats
    paragraphs = [lines[i] for i in range(len(lines)) if keep[i]]
    paragraphs, repeated = drop_repeated_paragraphs(paragraphs)
    removed.extend(("repeat", p) for p in repeated)
    return TextArticle(title, "\n".join(paragraphs), summary, author, dateline, removed)


def _find_title(lines: list[str], head: list[int], live: list[int]) -> str | None:
    """A headline-shaped line before the first paragraph that the page repeats; else the opening line
    when it is headline-shaped."""
    candidates = [i for i in head if f.is_headline_shaped(lines[i]) and not f.is_body_paragraph(lines[i])]
    keys = [text_key(lines[i]) for i in live]
    for i in candidates:
        if keys.count(text_key(lines[i])) >= 2:
            return lines[i]
    if candidates and live and candidates[0] == live[0]:
        return lines[candidates[0]]
    return None
