"""Line-level rules that tell page furniture from article text. Shape rules (length, punctuation,
neighbouring lines) do most of the work; the cue lists are generic Arabic/English UI vocabulary of news
sites, not lines of any particular page."""
from __future__ import annotations

import re

from tasks.text.normalize import normalize_arabic, word_count

_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_BULLET = re.compile(r"^\s*(?:[-–•*▪●◦·]|\d{1,2}[.)])\s+")
_TRAILING_CREDIT = re.compile(r"\(([^()]{2,40})\)\s*$")
_SENTENCE_END = ".!?؟…"
_CLOSERS = "\"'”»’)]}»ـ "

# Related-content teasers and share/UI prompts: "قد يهمك: ...", "اقرأ أيضا: ...", "Read more: ...".
TEASER_CUES = [
    "قد يهمك", "قد يهمك ايضا", "يهمك ايضا", "اقرا ايضا", "اقرا ايضآ", "اقرا المزيد", "اقرا كذلك", "طالع ايضا",
    "شاهد ايضا", "شاهد", "شاهد ايضا", "شاهد الفيديو", "شاهد بالفيديو", "ذات صله", "اخبار ذات صله", "مواضيع ذات صله",
    "مقالات ذات صله", "اخبار متعلقه", "مواضيع متعلقه", "للمزيد", "المزيد من الاخبار", "تابعونا", "تابعنا",
    "اضغط هنا", "انقر هنا", "اشترك", "المزيد", "read also", "read more", "see also", "related", "also read", "watch",
]
# Labels of credits; "بقلم"/"كتب"/"by" name the author.
AUTHOR_CUES = ["بقلم", "كتب", "كتبت", "by"]
CREDIT_CUES = ["المصدر", "مصدر", "تحرير", "اعداد", "تصوير", "ترجمه", "تنسيق", "مراجعه", "source", "photo", "credit", "editing by", "reporting by"]

_TEASER = re.compile(r"^(?:%s)\s*[:：|\-–»›>]" % "|".join(re.escape(c) for c in sorted(TEASER_CUES, key=len, reverse=True)))
_AUTHOR = re.compile(r"^(?:%s)\s*[:：\-–]?\s*(.{2,60})$" % "|".join(AUTHOR_CUES))
_CREDIT = re.compile(r"^(?:%s)\s*[:：\-–]\s*.{1,60}$" % "|".join(re.escape(c) for c in CREDIT_CUES))


def ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def is_body_paragraph(line: str) -> bool:
    """A line that reads as running prose: long, or a complete sentence of some length."""
    words = word_count(line)
    return words >= 25 or (words >= 10 and ends_sentence(line))


def is_headline_shaped(line: str) -> bool:
    """Short, with no full stop at the end: a title, a subheading, or a link in a list of headlines."""
    words = word_count(line)
    stripped = line.rstrip(_CLOSERS)
    return 3 <= words <= 25 and not stripped.endswith(".") and not is_bullet(line)


def is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def is_ui_string(line: str) -> bool:
    """Buttons, labels, counters, times: at most two words and no sentence; or no words at all."""
    words = word_count(line)
    if words == 0:
        return True
    if _URL_LINE.match(line.strip()):
        return True
    return words <= 2 and not ends_sentence(line)


def is_teaser(line: str) -> bool:
    return bool(_TEASER.match(normalize_arabic(line).strip()))


def author_of(line: str) -> str | None:
    """The author named by a by-line ("بقلم: فلان", "By Jane Doe"), else None."""
    text = line.strip()
    m = _AUTHOR.match(normalize_arabic(text))
    if not m or word_count(text) > 6 or ends_sentence(text):
        return None
    # Take the name from the original letters, not the normalized ones.
    name = text[len(text) - len(m.group(1)):].strip(" :：-–")
    return name or None


def is_credit(line: str) -> bool:
    """A credit line ("المصدر: وكالات", "تصوير: ..."), or a caption ending with a parenthesized credit."""
    text = line.strip()
    if _CREDIT.match(normalize_arabic(text)) and word_count(text) <= 8:
        return True
    m = _TRAILING_CREDIT.search(text)
    return bool(m) and word_count(m.group(1)) <= 4 and word_count(text) < 20 and not ends_sentence(text[: m.start()])
