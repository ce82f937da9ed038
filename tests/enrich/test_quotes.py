"""Quotes: marks, reporting verbs, speakers with and without mentions, pronouns, agencies in between."""
from __future__ import annotations

from dataclasses import dataclass

from tasks.enrich.quotes import find_quotes


@dataclass
class Mention:
    start: int
    end: int
    type: str
    surface: str


def mentions(text: str, **names: str) -> list[Mention]:
    """Mentions of each name (keyword: surface, value: type) wherever it occurs."""
    found = []
    for surface, kind in names.items():
        i = text.find(surface)
        while i != -1:
            found.append(Mention(i, i + len(surface), kind, surface))
            i = text.find(surface, i + 1)
    return found


def check_offsets(text, quotes):
    for q in quotes:
        assert text[q.start:q.end] == q.text
        if q.speaker_surface:
            assert text[q.speaker_start:q.speaker_end] == q.speaker_surface


def test_speaker_after_the_verb_and_continuations():
    text = "وقال وزير الإعلام، زياد مكاري، إن “الحكومة لن تستقيل”. وأضاف: «لا بديل عن الحوار»."
    quotes = find_quotes(text)
    check_offsets(text, quotes)
    assert [(q.text, q.speaker_surface, q.cue) for q in quotes] == [
        ("الحكومة لن تستقيل", "زياد مكاري", "وقال"), ("لا بديل عن الحوار", "زياد مكاري", "وأضاف")]


def test_cue_after_the_quote():
    text = "«لن نتراجع عن مطالبنا»، قال النقيب جورج خوري في مؤتمر صحفي."
    (q,) = find_quotes(text)
    assert (q.text, q.speaker_surface, q.cue) == ("لن نتراجع عن مطالبنا", "جورج خوري", "قال")


def test_quote_through_an_agency():
    text = "ونقلت وكالة مهر عن قاليباف قوله إن \"الرد سيكون حاسما\"."
    (q,) = find_quotes(text)
    check_offsets(text, [q])
    assert (q.speaker_surface, q.cue, q.via_agency) == ("قاليباف", "ونقلت", "مهر")


def test_in_turn_and_pronoun_subjects_take_the_last_speaker():
    text = ("وأكدت الوزيرة نجلاء المنقوش أن «الانتخابات قائمة في موعدها». من جهته، قال إن «الموعد ثابت لا يتغير». "
            "ونقلت عنه قوله: «لا تأجيل بعد اليوم».")
    quotes = find_quotes(text)
    assert [q.speaker_surface for q in quotes] == ["نجلاء المنقوش"] * 3


def test_outlet_as_speaker_and_as_anaphor():
    text = "وقالت صحيفة «الشروق» إن «المفاوضات متعثرة منذ أسابيع». وأضافت الصحيفة أن «الوسطاء غادروا العاصمة أمس»."
    quotes = find_quotes(text)
    assert [(q.text, q.speaker_surface) for q in quotes] == [
        ("المفاوضات متعثرة منذ أسابيع", "الشروق"), ("الوسطاء غادروا العاصمة أمس", "الشروق")]


def test_mentions_pick_the_person_nearest_the_cue():
    text = "وقال المتحدث باسم الخارجية الإيرانية ناصر كنعاني إن «طهران لا تسعى للتصعيد»."
    ms = mentions(text, **{"ناصر كنعاني": "PER", "الخارجية الإيرانية": "ORG", "طهران": "LOC"})
    (q,) = find_quotes(text, ms)
    check_offsets(text, [q])
    assert (q.speaker_surface, q.speaker_start) == ("ناصر كنعاني", text.index("ناصر"))


def test_bin_of_a_name_is_no_complementizer():
    text = "وقال وزير الخارجية القطري الشيخ محمد بن عبد الرحمن آل ثاني في بيان إن «الإجراءات غير القانونية مستمرة»."
    ms = mentions(text, **{"محمد بن عبد الرحمن آل ثاني": "PER"})
    (q,) = find_quotes(text, ms)
    assert q.speaker_surface == "محمد بن عبد الرحمن آل ثاني"


def test_mentions_subject_before_the_verb_and_pronoun_to_last_person():
    text = "وكان هوكشتاين قد أكد أن «الاتفاق قريب جدا الآن». وأضاف أن «العقبات تذللت في الجولة الأخيرة»."
    ms = mentions(text, **{"هوكشتاين": "PER"})
    assert [q.speaker_surface for q in find_quotes(text, ms)] == ["هوكشتاين", "هوكشتاين"]


def test_slogans_short_fragments_and_names_in_quotes_are_not_quotes():
    # no one says a slogan on a placard; under three words is a quoted term (the annotation guide)
    text = "ورفع المحتجون لافتات عليها «لا للغلاء ولا للفساد» أمام مقر وكالة “بترا”. وقال الوزير إن «غير لائق»."
    assert find_quotes(text) == []


def test_quote_without_cue_is_the_last_speakers_next_passage_in_the_paragraph():
    text = "وقال الوزير سامي حداد إن «الحكومة لن تستقيل اليوم». «ولا بديل عن الحوار مع الجميع».\n«شعار المرحلة المقبلة هنا»."
    quotes = find_quotes(text)
    assert [(q.text, q.speaker_surface) for q in quotes] == [
        ("الحكومة لن تستقيل اليوم", "سامي حداد"), ("ولا بديل عن الحوار مع الجميع", "سامي حداد")]


def test_curly_marks_typed_either_way_pair_in_order():
    text = "وقال السفير إن ”العلاقات متينة بين البلدين“ وإن “التعاون مستمر في كل المجالات”."
    assert [q.text for q in find_quotes(text)] == ["العلاقات متينة بين البلدين", "التعاون مستمر في كل المجالات"]


def test_outlet_anaphor_with_mentions_and_names_inside_quotes_never_speak():
    text = ("وذكرت وكالة الأنباء الأردنية (بترا) أن الوزير أيمن الصفدي وصل إلى القاهرة. "
            "وأشارت الوكالة إلى أن \"الزيارة تبحث ملف المياه والحدود\". "
            "وتحدث الصفدي عن \"دعم الرئيس عبد الفتاح السيسي للمبادرة\"، قائلا إن \"الحوار هو الطريق الوحيد\".")
    found = mentions(text, **{"أيمن الصفدي": "PER", "الصفدي": "PER", "عبد الفتاح السيسي": "PER"})
    found = [m for m in found if not (m.surface == "الصفدي" and text[m.start - 5:m.start] == "أيمن ")]
    quotes = find_quotes(text, found)
    check_offsets(text, quotes)
    speakers = {q.text: q.speaker_surface for q in quotes}
    assert speakers["الزيارة تبحث ملف المياه والحدود"] == "بترا"
    # the last person named before "قائلا" is inside the previous quote: the speaker stays the subject
    assert speakers["الحوار هو الطريق الوحيد"] == "الصفدي"


def test_scare_quotes_and_quoted_names_are_not_quotes():
    text = "وانتقد النائب سمير الخطيب ما سماه \"الترهل\" في أداء \"الهيئة العامة للاستثمار\" خلال العام."
    found = mentions(text, **{"سمير الخطيب": "PER", "الهيئة العامة للاستثمار": "ORG"})
    assert find_quotes(text, found) == []


def test_an_outlet_spoken_to_is_not_the_speaker_and_a_body_anaphor_is_the_body_named_last():
    text = ("وقالت المصممة أنيسة حسيبوان لبي بي سي إن «تصاميمها مستوحاة من الأميرات». "
            "وذكرت منظمة العفو الدولية أن السجون مكتظة. وقالت المنظمة إن «الأوضاع تزداد سوءا كل يوم».")
    ms = mentions(text, **{"أنيسة حسيبوان": "PER", "بي بي سي": "ORG", "منظمة العفو الدولية": "ORG"})
    speakers = {q.text: q.speaker_surface for q in find_quotes(text, ms)}
    assert speakers == {"تصاميمها مستوحاة من الأميرات": "أنيسة حسيبوان",
                        "الأوضاع تزداد سوءا كل يوم": "منظمة العفو الدولية"}


def test_one_met_or_interviewed_is_not_the_speaker_of_a_verb_with_no_subject():
    first = "قالت الباحثة ليلى حداد إن الأسعار سترتفع. "

    def ms_of(text):
        return mentions(text, **{"ليلى حداد": "PER", "سامر نصار": "PER"})

    met = first + "جاء ذلك في حوار للباحثة مع الزميل سامر نصار حيث قالت: «الأسعار سترتفع في الربيع المقبل»."
    (quote,) = find_quotes(met, ms_of(met))
    assert quote.speaker_surface == "ليلى حداد"
    # the control: the same name as the verb's subject speaks
    said = first + "وعلق سامر نصار على ذلك حيث قال: «الأسعار سترتفع في الربيع المقبل»."
    (quote,) = find_quotes(said, ms_of(said))
    assert quote.speaker_surface == "سامر نصار"


def test_a_service_or_a_centre_named_by_its_noun_is_the_one_named_last():
    text = ("أطلق جهاز الرقابة المالية حملة تفتيش، وقال سامي فارس إن الحملة مستمرة. "
            "وذكر الجهاز في تقريره أنه راجع «ملفات مئات الشركات الصغيرة».")
    ms = mentions(text, **{"جهاز الرقابة المالية": "ORG", "سامي فارس": "PER"})
    (quote,) = find_quotes(text, ms)
    assert quote.speaker_surface == "جهاز الرقابة المالية"


def test_a_platform_written_on_is_not_the_speaker():
    from tasks.enrich.facts import facts_of
    text = 'وكتب المتحدث باسم الجيش أفيخاي أدرعي على تويتر: "رصدنا إطلاق عشرين صاروخا نحو الجولان"'
    (quote,) = facts_of(text, None).quotes
    assert quote.speaker_surface != "تويتر"


def test_a_report_speaks_for_the_organisation_named_last():
    text = ("ونشرت منظمة هيومن رايتس ووتش تقريرا جديدا عن سيناء. "
            "وذكر التقرير أن «الحملة العسكرية ضد التنظيم قطعت الإمدادات عن السكان».")
    ms = mentions(text, **{"هيومن رايتس ووتش": "ORG"})
    (q,) = find_quotes(text, ms)
    assert q.speaker_surface == "هيومن رايتس ووتش"


def test_what_a_statement_says_is_its_author_s():
    text = ("وكشف جهاز المخابرات العراقي شبكة احتيال. "
            "وجاء في بيان جهاز المخابرات العراقي أن «أفراد الشبكة قدموا دعاوى ضد المصارف». "
            "وجاء في البيان الصادر عن اتحاد الممثلين: «نرفض العودة إلى ظلام العصور الوسطى».")
    ms = mentions(text, **{"جهاز المخابرات العراقي": "ORG", "اتحاد الممثلين": "ORG"})
    speakers = [q.speaker_surface for q in find_quotes(text, ms)]
    assert speakers == ["جهاز المخابرات العراقي", "اتحاد الممثلين"]
    law = "وأنشأ الرئيس المجلس القومي. وجاء في قانون تشكيل المجلس أنه يهدف إلى «حشد الطاقات المؤسسية كلها»."
    (q,) = find_quotes(law, mentions(law, **{"المجلس القومي": "ORG"}))
    assert q.speaker_surface is None  # a law is quoted, nobody speaks


def test_a_league_or_an_army_speaks_as_the_one_named_last_and_an_outlet_spoken_with_does_not_speak():
    text = ("أعلنت رابطة الدوري الفرنسي وفاة اللاعب توماس رودريغيز. وقالت الرابطة في بيان: «قررنا تأجيل المباراة المقبلة». "
            "وأشار ماكرون في مقابلة مع التلفزيون الألماني الحكومي «أشعر بالأسف لقرار الرئيس الأمريكي».")
    ms = mentions(text, **{"رابطة الدوري الفرنسي": "ORG", "توماس رودريغيز": "PER", "ماكرون": "PER"})
    speakers = [q.speaker_surface for q in find_quotes(text, ms)]
    assert speakers == ["رابطة الدوري الفرنسي", "ماكرون"]


def test_informed_is_a_reporting_verb_in_the_past_only():
    text = ("وقال الرئيس بشار الأسد إن «الطائرات قصفت نقاط الفصائل». وأبلغ الميجر جوش جاك رويترز أنه "
            "«لم ينفذ أي فرد في التحالف ضربات». ويبلغ عدد القتلى «عشرة أشخاص في المدينة» بحسب المرصد.")
    quotes = find_quotes(text, mentions(text, **{"بشار الأسد": "PER", "جوش جاك": "PER", "رويترز": "ORG"}))
    check_offsets(text, quotes)
    assert [(q.speaker_surface, q.cue) for q in quotes[:2]] == [("بشار الأسد", "وقال"), ("جوش جاك", "وأبلغ")]
    assert all(q.cue != "ويبلغ" for q in quotes)


def test_a_spokesperson_without_a_name_speaks_for_the_body():
    text = ("قالت وزارة الداخلية الألمانية إن الخطة قيد الدرس. ونقلت الصحيفة عن متحدثة باسم الوزارة قولها إن "
            "«استبعاد احتمال الوصول إلى الساحل قد يقنع المهاجرين». وقال المتحدث باسم الوزارة يوهانس ديمروث "
            "«لا خطط ملموسة حتى الآن».")
    quotes = find_quotes(text, mentions(text, **{"وزارة الداخلية الألمانية": "ORG", "يوهانس ديمروث": "PER"}))
    check_offsets(text, quotes)
    assert [q.speaker_surface for q in quotes] == ["وزارة الداخلية الألمانية", "يوهانس ديمروث"]


def test_a_body_named_in_quotes_after_the_verb_speaks():
    text = ("وقال الرئيس التنفيذي سامي الحربي إن الشركة نمت. "
            "وأوضحت \"هيلدنغ\" أن السعر المحقق \"قياسي في تاريخ الشركة\".")
    found = mentions(text, **{"سامي الحربي": "PER", "هيلدنغ": "ORG"})
    (quote,) = find_quotes(text, found)
    assert (quote.text, quote.speaker_surface) == ("قياسي في تاريخ الشركة", "هيلدنغ")


def test_a_subjectless_verb_goes_on_with_the_last_speaker_when_the_sentence_before_names_them():
    text = ("وكتب ماكرايفن «القليل من الأمريكيين قدموا أكثر منه». وكان ماكرايفن قائد العملية التي قتل فيها بن لادن.\n"
            "وقال في مقالته «كنت آمل أن ترتفع إلى مستوى المسؤولية».")
    ms = mentions(text, **{"ماكرايفن": "PER", "بن لادن": "PER"})
    assert [q.speaker_surface for q in find_quotes(text, ms)] == ["ماكرايفن", "ماكرايفن"]
    # the sentence before is about someone else: the person named last, as before
    other = text.replace("وكان ماكرايفن قائد", "وكان القائد")
    assert [q.speaker_surface for q in find_quotes(other, mentions(other, **{"ماكرايفن": "PER", "بن لادن": "PER"}))] \
        == ["ماكرايفن", "بن لادن"]


def test_an_outlet_spoken_to_through_its_kind_is_not_the_speaker():
    text = ("وقال مدير الشركة سامي الحداد إن «الخسائر كانت متوقعة هذا العام». "
            "وأضاف لصحيفة الغد أن «المرحلة المقبلة ستكون صعبة جدا».")
    ms = mentions(text, **{"سامي الحداد": "PER", "الغد": "ORG"})
    assert [q.speaker_surface for q in find_quotes(text, ms)] == ["سامي الحداد", "سامي الحداد"]
