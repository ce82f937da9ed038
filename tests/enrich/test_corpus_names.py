"""Places mined from the news corpus, and added to an article where the recogniser found nothing."""
from __future__ import annotations

import gzip
import json

import pytest

from tasks.enrich.corpus_names import with_corpus_names
from tasks.enrich.lexicons.corpus import news_files
from tasks.enrich.lexicons.names_after import mine
from tasks.enrich.lexicons.places import PLACES, place_names
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
    rows = mine(news_files(_corpus(tmp_path, texts)), PLACES)
    names = {name for name, _, _ in rows}
    assert {"عفرين", "دير الزور"} <= names
    assert "دير" not in names  # only ever the start of دير الزور
    assert not names & {"عازله", "معزوله", "الجزاء", "كبيره"}  # adjectives, a zone of the pitch, a common word
    with pytest.raises(FileNotFoundError, match="no \\*.jsonl.gz news files"):
        news_files(tmp_path / "missing")


def test_the_shipped_lexicon_has_the_towns_of_the_news():
    names = place_names()
    assert {"عفرين", "الحديده", "دير الزور", "سيدي بوزيد"} <= names
    assert not names & {"الجزاء", "اليورو", "عازله"}


def _places(text, mentions=()):
    return [(m.surface, m.type) for m in with_corpus_names(text, list(mentions)) if m.type == "LOC"]


def test_places_are_added_where_no_mention_is():
    text = "وقصفت الطائرات بلدات في ريف عفرين، وقالت مصادر في دير الزور إن"
    assert _places(text) == [("عفرين", "LOC"), ("دير الزور", "LOC")]
    start = text.index("عفرين")
    kept = Mention(start - 4, start + 5, "ريف عفرين", "ORG", "ريف عفرين")
    assert [(m.surface, m.type) for m in with_corpus_names(text, [kept])][0] == ("ريف عفرين", "ORG")


def test_a_name_that_is_a_common_word_needs_a_place_noun_in_the_article():
    assert _places("وقال إنه كان دوما يدافع عن الفقراء") == []
    assert [s for s, _ in _places("وقصفت الطائرات مدينة دوما. وقال سكان دوما إن")] == ["دوما", "دوما"]


def test_groups_keep_their_noun_and_brands_are_written_alone(tmp_path):
    from tasks.enrich.lexicons.organisations import BRANDS, GROUPS
    texts = (["تبنى تنظيم الدولة الإسلامية الهجوم.", "وأعلن تنظيم الدولة الإسلامية أن."] * 3
             + ["وقال حزب العمال إن.", "وفاز حزب العمال."] * 3
             + ["ونشر على موقع تويتر.", "قالت شركة تويتر.", "كتب على تويتر أن."] * 3
             + ["وقالت شركة طيران الخليج.", "شركة طيران جديدة."] * 3 + ["يقترب الطيران من المطار."] * 10)
    files = news_files(_corpus(tmp_path, texts))
    assert {"الدوله الاسلاميه", "العمال"} <= {n for n, _, _ in mine(files, GROUPS)}  # a nisba may name a group
    brands = {n for n, _, _ in mine(files, BRANDS)}
    assert "تويتر" in brands and "طيران" not in brands  # الطيران is a common noun


def _orgs(text):
    return [(m.surface, m.type) for m in with_corpus_names(text, []) if m.type == "ORG"]


def test_a_group_is_its_noun_and_name_unless_the_name_is_quoted():
    assert _orgs("تبنى تنظيم داعش الهجوم، وقال مسلحون من داعش إن") == [("تنظيم داعش", "ORG"), ("داعش", "ORG")]
    assert _orgs('وأعلن تنظيم "الدولة الإسلامية" مسؤوليته') == [("الدولة الإسلامية", "ORG")]
    assert _orgs("وقال إن القاعدة العسكرية قصفت") == []  # a definite group name alone is a common word
    assert _orgs("ونشر صورة على موقع تويتر") == [("تويتر", "ORG")]


def test_a_direction_and_a_place_are_one_name_when_the_corpus_writes_them_together(tmp_path):
    from tasks.enrich.lexicons.places import mine_compounds
    texts = (["فاز منتخب جنوب أفريقيا.", "وزار رئيس جنوب أفريقيا كينيا."] * 6 + ["وفي أفريقيا جوع."] * 20
             + ["وقصفت الطائرات شمال سوريا."] * 10 + ["وقالت سوريا إن."] * 200)
    names = {n for n, _, _ in mine_compounds(news_files(_corpus(tmp_path, texts)), {"افريقيا", "سوريا"})}
    assert names == {"جنوب افريقيا"}  # شمال سوريا is a twentieth of Syria's mentions: a direction, no name


def test_a_compound_place_replaces_the_place_the_recogniser_found_inside_it():
    text = "وفاز منتخب جنوب أفريقيا على مصر"
    start = text.index("أفريقيا")
    inside = Mention(start, start + len("أفريقيا"), "أفريقيا", "LOC", "أفريقيا")
    assert [m.surface for m in with_corpus_names(text, [inside]) if m.type == "LOC"] == ["جنوب أفريقيا"]


def test_a_latin_outlet_is_an_organisation_even_where_the_recogniser_read_a_person():
    text = "دبي (CNN) -- قال المقدم لـCNN إن القوات انسحبت"
    start = text.index("لـCNN")
    person = Mention(start, start + len("لـCNN"), "لـCNN", "PER", "لـCNN")
    assert [(m.surface, m.type) for m in with_corpus_names(text, [person])] == [("CNN", "ORG"), ("CNN", "ORG")]
