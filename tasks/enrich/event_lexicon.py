"""The words events are read by: trigger verbs and verbal nouns with their PLOVER type, mode and CAMEO
code, and the small closed classes the rules look at (prepositions, titles, passive auxiliaries, relative
pronouns, place cues, words of intention). Forms are normalized (tasks.text.normalize: أ/إ/آ → ا, ة → ه,
ى → ي, ئ → ي)."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from tasks.text.normalize import normalize_arabic


@dataclass(frozen=True)
class Trigger:
    event_type: str  # PLOVER
    mode: str
    cameo: str
    planned_cameo: str | None = None  # the CAMEO code of the intent, when the event is only planned
    has_target: bool = True
    # without a named target, no event (an accusation of nobody, a meeting with no one); an attack, an arrest,
    # a demand, a threat or a sanction may have none ("وطالبت الوزيرة الناس بأن ...", "وهددت بوقف المرتبات")
    needs_target: bool = True


VISIT = Trigger("CONSULT", "visit", "042", "032", has_target=False)
HOST = Trigger("CONSULT", "host", "043", "033")
MEET = Trigger("CONSULT", "meet", "040", "036")
SIGN = Trigger("AGREE", "sign", "057", "030")
AGREE = Trigger("AGREE", "agree", "057", "030")
PRAISE = Trigger("SUPPORT", "praise", "051")
SUPPORT = Trigger("SUPPORT", "support", "050")
ACCUSE = Trigger("ACCUSE", "accuse", "112")
CRITICIZE = Trigger("ACCUSE", "criticize", "111")
THREATEN = Trigger("THREATEN", "threaten", "130", needs_target=False)
ATTACK = Trigger("ASSAULT", "attack", "190", needs_target=False)
KILL = Trigger("ASSAULT", "kill", "180", needs_target=False)
PHONE = Trigger("CONSULT", "phone", "040")
CONGRATULATE = Trigger("SUPPORT", "congratulate", "051")
THANK = Trigger("SUPPORT", "thank", "051")
WELCOME = Trigger("SUPPORT", "welcome", "051")
CONDOLE = Trigger("SUPPORT", "condole", "051")
APPEAL = Trigger("REQUEST", "appeal", "020", needs_target=False)
DEMAND = Trigger("REQUEST", "demand", "021", needs_target=False)
REJECT = Trigger("REJECT", "reject", "120")
WARN = Trigger("THREATEN", "warn", "130", needs_target=False)
EXPEL = Trigger("SANCTION", "expel", "160")
SANCTION = Trigger("SANCTION", "sanction", "163", needs_target=False)
ARREST = Trigger("COERCE", "arrest", "173", needs_target=False)
AID = Trigger("AID", "aid", "070")
COOPERATE = Trigger("COOPERATE", "cooperate", "060")
DESCRIBE = Trigger("ACCUSE", "describe", "112")  # "وصف X بأنه «خائن»": in news, mostly a charge
PROTEST = Trigger("PROTEST", "protest", "140", needs_target=False)
CHARGE = Trigger("ACCUSE", "charge", "112")  # only with its object (COMPOUNDS below)
SENTENCE = Trigger("COERCE", "sentence", "173", needs_target=False)  # likewise

SYMMETRIC = {"meet", "agree"}

# Normalized word forms (tasks.text.normalize: أ/إ/آ → ا, ة → ه, ى → ي), after an optional و or ف.
VERBS: dict[Trigger, str] = {
    VISIT: r"زار|زارت|زارا|يزور|تزور|سيزور|ستزور|وصل|وصلت|يصل|سيصل|يتفقد|تفقد",
    HOST: r"استقبل|استقبلت|يستقبل|تستقبل|سيستقبل|ستستقبل|استضاف|يستضيف",
    MEET: r"التقي|التقت|التقيا|يلتقي|تلتقي|سيلتقي|ستلتقي|اجتمع|اجتمعت|يجتمع|سيجتمع|بحث|بحثا|يبحث|سيبحث",
    SIGN: r"وقع|وقعت|وقعا|يوقع|سيوقع|ستوقع|وقعها",
    AGREE: r"اتفق|اتفقت|اتفقا|يتفق",
    PRAISE: r"اشاد|اشادت|يشيد|تشيد|اثني|اثنت|يثني",
    SUPPORT: r"ايد|ايدت|يؤيد|يويد|تؤيد|يدعم|تدعم|سيدعم|دعمت",
    ACCUSE: r"اتهم|اتهمت|يتهم|تتهم",
    CRITICIZE: r"انتقد|انتقدت|ينتقد|تنتقد|ندد|نددت|يندد|ادان|ادانت|يدين|تدين",
    THREATEN: r"هدد|هددت|يهدد|تهدد|توعد|توعدت|يتوعد",
    ATTACK: r"هاجم|هاجمت|يهاجم|قصف|قصفت|يقصف|تقصف|استهدف|استهدفت|يستهدف|شن|شنت|يشن|تشن|اغار|اغارت",
    KILL: r"قتلت|طعن|طعنت|اغتال|اغتالت|اعدم|اعدمت",
    PHONE: r"هاتفت|يهاتف|اتصل|اتصلت|يتصل|تتصل",  # not هاتف: as often the telephone
    CONGRATULATE: r"هنات|يهني|تهني|هنئ",
    THANK: r"شكر|شكرت|يشكر|تشكر",
    WELCOME: r"رحب|رحبت|يرحب|ترحب",
    CONDOLE: r"عزي|عزت|يعزي|تعزي",
    APPEAL: r"دعا|دعت|دعوا|يدعو|تدعو|حث|حثت|يحث|تحث|ناشد|ناشدت|يناشد|تناشد",
    DEMAND: r"طالبت|طالبوا|يطالب|تطالب|يطالبون|طلبت|يطلب|تطلب",  # طالب (a student), طلب (a request): nouns too
    DESCRIBE: r"وصف|وصفت|يصف|تصف",
    PROTEST: r"تظاهر|تظاهرت|يتظاهر|احتج|احتجت|يحتج|تحتج|قاطع|قاطعت|يقاطع",
    REJECT: r"رفض|رفضت|رفضوا|يرفض|ترفض|الغي|الغت|يلغي",
    WARN: r"حذر|حذرت|يحذر|تحذر",
    EXPEL: r"طرد|طردت|يطرد|تطرد",
    SANCTION: r"عاقب|عاقبت|يعاقب",
    ARREST: r"اعتقلت|احتجزت|تحتجز|يحتجز|اوقفت",
    AID: r"تبرع|تبرعت|يتبرع",
    COOPERATE: r"تعاون|تعاونت|يتعاون",
}
NOUNS: dict[Trigger, str] = {
    VISIT: r"زياره|زيارته|زيارتها|بزياره",
    MEET: r"لقاء|اللقاء|لقائه|لقاءات|اجتماع|الاجتماع|اجتماعات|مباحثات|المباحثات|محادثات|المحادثات|قمه|القمه",
    SIGN: r"توقيع|بتوقيع|وتوقيع|توقيعها|توقيعه",
    PHONE: r"اتصالا|اتصال|الاتصال|مكالمه|المكالمه",
    AGREE: r"اتفاقا|اتفاقيه|الاتفاقيه",
    ACCUSE: r"اتهامات|اتهام|الاتهامات",
    SANCTION: r"عقوبات|العقوبات",
    ATTACK: r"غارات|غاره|هجوما|هجمات",
    ARREST: r"اعتقال|باعتقال|احتجاز|باحتجاز",
    AID: r"مساعدات|مساعده|المساعدات",
}


def _trigger_table() -> dict[str, tuple[Trigger, str]]:
    """Every written form (the word, and behind و or ف) -> (trigger, 'verb' | 'noun'); the first listed wins."""
    table: dict[str, tuple[Trigger, str]] = {}
    for kind, words in (("verb", VERBS), ("noun", NOUNS)):
        for trig, forms in words.items():
            for form in forms.split("|"):
                for written in (form, "و" + form, "ف" + form):
                    table.setdefault(written, (trig, kind))
    return table


_TRIGGER_WORDS = _trigger_table()
# "قمة جمعته بنظيره", "اللقاء الذي جمعه بالسفير": a meeting that brought him (the one named before it) together
# with the one after ب; the pronoun's past or future verb a few words after a meeting noun (the present, "تجمعه
# علاقة", is a bond, not a meeting)
BROUGHT_TOGETHER = re.compile(r"^(?:س[يت])?(?:جمعت|جمع)(?:ه|ها|هما|هم)$")
PLANNED_WORD = re.compile(r"^[وف]?(?:سوف|يعتزم|تعتزم|يعتزمان|المقرر|المنتظر|المرتقب|المرتقبه|يرتقب)$")
PREPOSITIONS = {normalize_arabic(w) for w in ("مع", "إلى", "في", "على", "عن", "من", "ضد", "لدى", "نحو", "قرب", "خلال", "بين")}
# Words that open a title or office before a name ("وصل رئيس هيئة الأركان في ... محمد باقري"): the subject.
TITLE_HEADS = {normalize_arabic(w) for w in (
    "رئيس", "الرئيس", "وزير", "الوزير", "اللواء", "العماد", "الجنرال", "العميد", "أمين", "الأمين", "قائد", "القائد", "مدير",
    "المدير", "السفير", "المبعوث", "الشيخ", "الملك", "الأمير", "ولي", "نائب", "المتحدث", "زعيم")}
PASSIVE = {normalize_arabic(w) for w in ("تم", "جرى", "يتم", "جرت")}  # "تم توقيع ...": the agents are the sentence's persons
NEGATIONS = {normalize_arabic(w) for w in ("لم", "لن", "لا", "ولم", "ولن", "ولا", "فلم", "فلا", "ألا", "بألا")}
RELATIVES = {normalize_arabic(w) for w in ("الذي", "التي", "اللذان", "اللتان", "الذين")}
PLACE_CUES = {normalize_arabic(w) for w in ("إلى", "في", "قرب", "بمدينة", "مدينة", "العاصمة")}


# Verbs that are a trigger only with their object a few words on: "فرضت ... عقوبات" (sanction), "وجهت ...
# التهمة" (a charge), "قضت ... بسجن" (a court's sentence).
COMPOUNDS: list[tuple[re.Pattern, re.Pattern, Trigger]] = [
    (re.compile(r"^[وف]?(?:فرض|فرضت|يفرض|تفرض|سيفرض|ستفرض)$"),
     re.compile(r"^(?:عقوبات|العقوبات|رسوما|رسوم|تعرفات|تعريفات|حظرا)$"), SANCTION),
    (re.compile(r"^[وف]?(?:وجه|وجهت|يوجه|توجه)$"), re.compile(r"^(?:التهمه|تهمه|تهما|التهم|اتهاما|اتهامات)$"), CHARGE),
    (re.compile(r"^[وف]?(?:قضت|حكمت|اصدرت)$"), re.compile(r"^(?:بسجن|بالسجن|بحبس|بالحبس|بالاعدام|احكاما|حكما)$"), SENTENCE),
]
_COMPOUND_REACH = 4  # words between the verb and its object


def trigger_of(word: str, following: Sequence[str] | Callable[[], Sequence[str]] = ()) -> tuple[Trigger, str] | None:
    """(trigger, 'verb' | 'noun') for a normalized word (`following`: the normalized words after it, or a
    function that gives them: only a compound's verb needs them), or None."""
    if word in _TRIGGER_WORDS:
        return _TRIGGER_WORDS[word]
    compounds = _compounds_of(word)
    if compounds:
        after = (following() if callable(following) else following)[:_COMPOUND_REACH]
        for obj, trig in compounds:
            if any(obj.match(w) for w in after):
                return trig, "verb"
    return None


@lru_cache(maxsize=1 << 16)
def _compounds_of(word: str) -> tuple[tuple[re.Pattern, Trigger], ...]:
    """The (object, trigger) of each compound whose verb the word is (most words are none: asked once each)."""
    return tuple((obj, trig) for verb, obj, trig in COMPOUNDS if verb.match(word))
