"""The words events are read by: trigger verbs and verbal nouns with their PLOVER type, mode and CAMEO
code, and the small closed classes the rules look at (prepositions, titles, passive auxiliaries, relative
pronouns, place cues, words of intention). Forms are normalized (tasks.text.normalize: أ/إ/آ → ا, ة → ه,
ى → ي, ئ → ي)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.text.normalize import normalize_arabic


@dataclass(frozen=True)
class Trigger:
    event_type: str  # PLOVER
    mode: str
    cameo: str
    planned_cameo: str | None = None  # the CAMEO code of the intent, when the event is only planned
    has_target: bool = True


VISIT = Trigger("CONSULT", "visit", "042", "032", has_target=False)
HOST = Trigger("CONSULT", "host", "043", "033")
MEET = Trigger("CONSULT", "meet", "040", "036")
SIGN = Trigger("AGREE", "sign", "057", "030")
AGREE = Trigger("AGREE", "agree", "057", "030")
PRAISE = Trigger("SUPPORT", "praise", "051")
SUPPORT = Trigger("SUPPORT", "support", "050")
ACCUSE = Trigger("ACCUSE", "accuse", "112")
CRITICIZE = Trigger("ACCUSE", "criticize", "111")
THREATEN = Trigger("THREATEN", "threaten", "130")
ATTACK = Trigger("ASSAULT", "attack", "190")

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
    ATTACK: r"هاجم|هاجمت|يهاجم|قصف|قصفت|يقصف|تقصف|استهدف|استهدفت|يستهدف",
}
NOUNS: dict[Trigger, str] = {
    VISIT: r"زياره|زيارته|زيارتها|بزياره",
    MEET: r"لقاء|اللقاء|لقائه|لقاءات|اجتماع|الاجتماع|اجتماعات|مباحثات|المباحثات|محادثات|المحادثات",
    SIGN: r"توقيع|بتوقيع|وتوقيع|توقيعها|توقيعه",
}
_TRIGGER_WORDS = [(re.compile(rf"^[وف]?(?:{pattern})$"), trig, "verb") for trig, pattern in VERBS.items()]
_TRIGGER_WORDS += [(re.compile(rf"^[وف]?(?:{pattern})$"), trig, "noun") for trig, pattern in NOUNS.items()]
PLANNED_WORD = re.compile(r"^[وف]?(?:سوف|يعتزم|تعتزم|يعتزمان|المقرر|المنتظر|المرتقب|المرتقبه|يرتقب)$")
PREPOSITIONS = {normalize_arabic(w) for w in ("مع", "إلى", "في", "على", "عن", "من", "ضد", "لدى", "نحو", "قرب", "خلال", "بين")}
# Words that open a title or office before a name ("وصل رئيس هيئة الأركان في ... محمد باقري"): the subject.
TITLE_HEADS = {normalize_arabic(w) for w in (
    "رئيس", "الرئيس", "وزير", "الوزير", "اللواء", "العماد", "الجنرال", "العميد", "أمين", "الأمين", "قائد", "القائد", "مدير",
    "المدير", "السفير", "المبعوث", "الشيخ", "الملك", "الأمير", "ولي", "نائب", "المتحدث", "زعيم")}
PASSIVE = {normalize_arabic(w) for w in ("تم", "جرى", "يتم", "جرت")}  # "تم توقيع ...": the agents are the sentence's persons
RELATIVES = {normalize_arabic(w) for w in ("الذي", "التي", "اللذان", "اللتان", "الذين")}
PLACE_CUES = {normalize_arabic(w) for w in ("إلى", "في", "قرب", "بمدينة", "مدينة", "العاصمة")}


def trigger_of(word: str) -> tuple[Trigger, str] | None:
    """(trigger, 'verb' | 'noun') for a normalized word, or None."""
    for pattern, trig, kind in _TRIGGER_WORDS:
        if pattern.match(word):
            return trig, kind
    return None
