"""Places mined from the news corpus, and added to an article where the recogniser found nothing."""
from __future__ import annotations

import gzip
import json

import pytest

from tasks.enrich.corpus_places import with_corpus_places
from tasks.enrich.lexicons.places import mine, place_names
from tasks.enrich.ner.tagger import Mention


def _corpus(tmp_path, texts):
    with gzip.open(tmp_path / "news.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    return tmp_path


def test_mining_keeps_names_written_after_place_nouns_and_drops_adjectives_and_zones(tmp_path):
    texts = (["قصفت الطائرات مدينة عفرين أمس.", "وفي بلدة عفرين قتل خمسة.", "وصل الوفد إلى عفرين."] * 3
             + ["سيطرت القوات على محافظة دير الزور.", "وتقع دير الزور شرقا."] * 6
             + ["وأقيمت منطقة عازلة على الحدود.", "تعد منطقة عازلة ضرورية.", "أعلنت منطقة معزولة."] * 3
             + ["وسدد من داخل منطقة الجزاء.", "ودخل منطقة الجزاء وسجل."] * 3
             + ["زار الوزير مدينة كبيرة.", "هذه مدينة كبيرة."] * 3 + ["إنها كبيرة جدا وأخرى كبيرة."] * 20)
    rows = mine(_corpus(tmp_path, texts))
    names = {name for name, _, _ in rows}
    assert {"عفرين", "دير الزور"} <= names
    assert "دير" not in names  # only ever the start of دير الزور
    assert not names & {"عازله", "معزوله", "الجزاء", "كبيره"}  # adjectives, a zone of the pitch, a common word
    with pytest.raises(FileNotFoundError, match="no \\*.jsonl.gz news files"):
        mine(tmp_path / "missing")


def test_the_shipped_lexicon_has_the_towns_of_the_news():
    names = place_names()
    assert {"عفرين", "الحديده", "دير الزور", "سيدي بوزيد"} <= names
    assert not names & {"الجزاء", "اليورو", "عازله"}


def _places(text, mentions=()):
    return [(m.surface, m.type) for m in with_corpus_places(text, list(mentions)) if m.type == "LOC"]


def test_places_are_added_where_no_mention_is():
    text = "وقصفت الطائرات بلدات في ريف عفرين، وقالت مصادر في دير الزور إن"
    assert _places(text) == [("عفرين", "LOC"), ("دير الزور", "LOC")]
    start = text.index("عفرين")
    kept = Mention(start - 4, start + 5, "ريف عفرين", "ORG", "ريف عفرين")
    assert [(m.surface, m.type) for m in with_corpus_places(text, [kept])][0] == ("ريف عفرين", "ORG")


def test_a_name_that_is_a_common_word_needs_a_place_noun_in_the_article():
    assert _places("وقال إنه كان دوما يدافع عن الفقراء") == []
    assert [s for s, _ in _places("وقصفت الطائرات مدينة دوما. وقال سكان دوما إن")] == ["دوما", "دوما"]
