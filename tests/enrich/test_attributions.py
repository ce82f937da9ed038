"""Attributions: agencies and outlets after their cues, canonical name without adjectives, offsets."""
from __future__ import annotations

import pytest

from tasks.enrich.attributions import find_attributions


@pytest.mark.parametrize("text, surface, cue, full", [
    ("ونقلت وكالة مهر الإيرانية عن مسؤول قوله إن", "مهر", "ونقلت وكالة", "مهر الإيرانية"),
    ("بحسب وكالة أنباء الإمارات الرسمية، فإن", "الإمارات", "بحسب وكالة أنباء", "الإمارات الرسمية"),
    ("وذكرت وكالة الأنباء العراقية (واع) أن", "واع", "وذكرت وكالة الأنباء", "وكالة الأنباء العراقية"),
    ("وفقا لـرويترز فإن الصفقة", "رويترز", "وفقا لـ", "رويترز"),
    ("وفقاً لوكالة الأناضول التركية", "الأناضول", "وفقاً لوكالة", "الأناضول التركية"),
    ("وقالت قناة الميادين اللبنانية إن", "الميادين", "وقالت قناة", "الميادين اللبنانية"),
    ("وأوردت صحيفة الأخبار اللبنانية أن", "الأخبار", "وأوردت صحيفة", "الأخبار اللبنانية"),
    ("وقالت صحيفة «يديعوت أحرونوت» العبرية إن", "يديعوت أحرونوت", "وقالت صحيفة", "يديعوت أحرونوت العبرية"),
    ("ذكر موقع أكسيوس الأميركي أن", "أكسيوس", "ذكر موقع", "أكسيوس الأميركي"),
    ("وقالت سانا الرسمية إن", "سانا", "وقالت", "سانا الرسمية"),
    ("حسب ما أفادت وكالة فرانس برس مساء", "فرانس برس", "حسب ما أفادت وكالة", "فرانس برس"),
    ("وفق ما نقلته وكالة الأنباء القطرية الرسمية.", "وكالة الأنباء القطرية", "وفق ما نقلته وكالة الأنباء",
     "وكالة الأنباء القطرية الرسمية"),
    ("حسب ما نقلته وكالة الإعلام الروسية الرسمية.", "وكالة الإعلام الروسية", "حسب ما نقلته وكالة",
     "وكالة الإعلام الروسية الرسمية"),
    ("ونقلت وكالة الأنباء الإماراتية \"وام\"، عن ولي العهد", "وام", "ونقلت وكالة الأنباء",
     "وكالة الأنباء الإماراتية"),
    ("وقالت متظاهرة لوكالة رويترز للأنباء إن", "رويترز", "لوكالة", "وكالة رويترز للأنباء"),  # للأنباء: وكالة is named
    ("وذكرت وكالة المغرب العربي للأنباء أن", "المغرب العربي", "وذكرت وكالة", "وكالة المغرب العربي للأنباء"),
    ("واستطاع مصور لوكالة أسوشيتد برس يفيد بأن", "أسوشيتد برس", "لوكالة", "أسوشيتد برس"),
    ("وأكد مصدر لـ\"فرانس برس\" أن", "فرانس برس", "لـ", "فرانس برس"),
    ("بحسب ما قاله موقع تايمز لايف في جنوب إفريقيا", "تايمز لايف", "بحسب ما قاله موقع", "تايمز لايف"),
    ("وأفادت وکالة إیسنا بأن", "إیسنا", "وأفادت وکالة", "إیسنا"),
])
def test_names_after_cues(text, surface, cue, full):
    found = find_attributions(text)
    assert len(found) == 1, found
    a = found[0]
    assert (a.surface, a.cue, a.full_surface) == (surface, cue, full)
    assert text[a.start:a.end] == a.surface


def test_not_outlets():
    assert find_attributions("وقالت الوزارة إن الحادث وقع في موقع الانفجار") == []  # no name; موقع: a place
    assert find_attributions("وأفادت مصادر محلية بأن الطريق قطع") == []  # unnamed sources are not outlets
    assert find_attributions("وقالت فاطمة إن ابنها اعتقل") == []  # قالت + a name: an outlet only if well known
    # bodies that inform are entities and speakers, not outlets (the annotation guide)
    assert find_attributions("وفق بيان وزارة الخارجية القطرية. وذكرت الشرطة أن") == []
    assert find_attributions("بحسب المرصد السوري لحقوق الإنسان") == []
    # an outlet left unnamed, an agency that is not a news agency, a byline
    assert find_attributions("بثت قناة تلفزيونية الأربعاء مشاهد") == []
    assert find_attributions("وذكرت وكالة الاستخبارات المركزية أن") == []
    assert find_attributions("وذكرت وكالة الحماية المدنية أن") == []  # a nisba's shape, no country's
    assert find_attributions("وأوقفت وكالة مكافحة الفساد موظفين") == []  # a common word, no name
    # the name ends where the clause goes on: a verb, a demonstrative, a ل on a definite word
    assert [a.surface for a in find_attributions("وكشفت صحيفة لوموند هذه القضية")] == ["لوموند"]
    assert find_attributions("وكانت الإذاعة كانت تضم مذيعين") == []
    assert [a.surface for a in find_attributions("بحسب وكالة الأنباء الإيرانية أن")] == ["وكالة الأنباء الإيرانية"]
    for dash in ("--", "—", "–", " -- "):  # CNN Arabic writes its dateline with any of them
        assert find_attributions(f"دبي، الإمارات العربية المتحدة (CNN){dash} أعلنت الرئاسة") == []
    assert [a.surface for a in find_attributions("وقال في تصريحات خاصة لـCNN إن")] == ["CNN"]


def test_the_papers_own_name_when_the_text_cites_it_and_a_correspondent_of_a_named_outlet():
    assert [a.surface for a in find_attributions("وقال مصدر مطلع لـ«الرياض» إن")] == ["الرياض"]
    assert [a.surface for a in find_attributions("وأفاد مراسل «العربية» بأن")] == ["العربية"]
    assert find_attributions("وقال مراسل الوكالة في دمشق إن") == []
    assert [a.surface for a in find_attributions("وقال لموقع إيلاف إن")] == ["إيلاف"]  # ل makes موقع a cue
    assert find_attributions("ونشر على حسابه لموقع التواصل الاجتماعي") == []
    assert find_attributions("ونقلت \"تويتر\" عن مصدر أن الحساب أغلق") == []  # a site, not a news outlet


def test_two_outlets_after_a_dual():
    found = find_attributions("وأشار مصدر عسكري لقناتي \"العربية\" و\"الحدث\" إلى أن")
    assert [a.surface for a in found] == ["العربية", "الحدث"]


def test_outlet_lexicon_is_mined_not_remembered():
    from tasks.enrich.lexicons.outlets import outlet_names
    names = outlet_names()
    assert {"رويترز", "فرانس برس", "يونهاب"} <= names  # cited bare and after an outlet word
    assert not names & {"تونس", "روسيا", "الشرطه", "وزاره", "تويتر"}  # a place, a body, a site: not outlets


def test_several_in_order():
    text = "ونقلت وكالة تسنيم عن قائد عسكري قوله، بينما ذكرت صحيفة الوطن السورية أن الوفد وصل، بحسب رويترز."
    assert [a.surface for a in find_attributions(text)] == ["تسنيم", "الوطن", "رويترز"]


def test_every_surface_is_the_text_at_its_offsets():
    text = ("وكانت وكالة الأنباء الفلسطينية (وفا) ذكرت أن الرضيعة توفيت. وأفادت وكالة الأنباء الفلسطينية بأن عدد "
            "القتلى ارتفع، كما قال التلفزيون المصري الرسمي، ونقلت «CNN بالعربية» عن مصدر.")
    found = find_attributions(text)
    assert [a.surface for a in found][:2] == ["وفا", "وكالة الأنباء الفلسطينية"]
    assert all(text[a.start:a.end] == a.surface for a in found)


def test_mining_keeps_names_used_as_outlets_and_says_when_there_is_no_corpus(tmp_path):
    import gzip
    import json

    import pytest

    from tasks.enrich.lexicons.outlets import mine
    texts = (["ونقلت وكالة رويترز عن مصدر.", "بحسب رويترز فإن الوفد وصل.", "وذكرت صحيفة تونس أن"] * 3
             + ["زار الوفد تونس أمس. وتقع تونس شمال أفريقيا. وقالت تونس إن"] * 5)
    with gzip.open(tmp_path / "news.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    names = {name for name, _, _ in mine(tmp_path)}
    assert "رويترز" in names  # after an outlet word and cited bare, and nothing else
    assert "تونس" not in names  # after an outlet word too, but mostly a place
    with pytest.raises(FileNotFoundError, match="no \\*.jsonl.gz news files"):
        mine(tmp_path / "missing")


def test_a_quoted_name_after_lam_is_cited_only_when_told_to():
    cited = find_attributions('وذكر محامي ورثة الطفل لـ"الصباح" أن هذا لا يعدو أن يكون شائعة')
    assert [a.surface for a in cited] == ["الصباح"]
    assert find_attributions('أكدت قوات التحالف العربي لـ"دعم الشرعية" في اليمن أن الغارة') == []
    assert find_attributions('والرئيس السابق لـ"فيفا" لأعوام طويلة') == []


def test_a_news_agency_named_by_its_nationality_ends_with_it():
    (a,) = find_attributions("ورفضت الشركة تقديم أي تعليق على سؤال لوكالة الأنباء الفرنسية بشأن هذه الاتهامات.")
    assert a.surface == "وكالة الأنباء الفرنسية"
    assert find_attributions('والمقصود أن أبل أضافت "S" على هاتفها') == []


def test_a_quoted_name_after_a_verb_is_cited_only_when_it_is_an_outlet():
    assert [a.surface for a in find_attributions('وأشارت "رويترز" إلى أنها لم تتلق ردا')] == ["رويترز"]
    assert find_attributions('وقالت "فيتش" في بيان أن التصنيف مستقر') == []  # a rating agency speaking


def test_a_station_or_a_magazine_needs_a_cue_and_a_name_ends_before_a_clause():
    assert find_attributions("انتظر ساعات في محطة الوقود أمس") == []
    assert find_attributions("وفق الفصل السادس من مجلة الأحوال الشخصية") == []
    cited = find_attributions('وقال بيسكوف لبرنامج على محطة "إن تي في": "نعلم ذلك"')
    assert [a.surface for a in cited] == ["إن تي في"]
    (a,) = find_attributions("عن خطط لموقع ويكيليكس لنشر بعض هذه المعلومات")
    assert a.surface == "ويكيليكس"


def test_the_official_agency_unnamed_is_the_one_the_article_names_else_itself():
    unnamed = "وأفادت وكالة الأنباء الرسمية بأن المعبر فتح صباحا."
    assert [a.surface for a in find_attributions(unnamed)] == ["وكالة الأنباء الرسمية"]
    named = "وذكرت وكالة الأنباء اليمنية (سبأ) أن المعبر فتح. " + unnamed
    assert [a.surface for a in find_attributions(named)] == ["سبأ"]
