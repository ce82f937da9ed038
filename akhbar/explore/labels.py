"""Arabic labels for what the warehouse stores as codes: entity types, PLOVER event types and the modes the
event lexicon gives (tasks.enrich.event_lexicon). A code without a label is shown as it is."""
from __future__ import annotations

ENTITY_TYPES = {"PER": "شخص", "ORG": "منظمة", "LOC": "مكان", "MISC": "أخرى"}

# The 16 PLOVER event types (Halterman et al., "PLOVER and POLECAT", 2023).
EVENT_TYPES = {
    "AGREE": "اتفاق", "CONSULT": "تشاور ولقاء", "SUPPORT": "تأييد", "CONCEDE": "تنازل", "COOPERATE": "تعاون",
    "AID": "مساعدة", "RETREAT": "انسحاب", "REQUEST": "مطالبة", "ACCUSE": "اتهام وانتقاد", "REJECT": "رفض",
    "THREATEN": "تهديد", "PROTEST": "احتجاج", "SANCTION": "عقوبة", "MOBILIZE": "تعبئة", "COERCE": "إكراه",
    "ASSAULT": "هجوم",
}

MODES = {
    "visit": "زيارة", "host": "استقبال", "meet": "لقاء", "phone": "اتصال", "sign": "توقيع", "agree": "اتفاق",
    "praise": "إشادة", "support": "دعم", "congratulate": "تهنئة", "condole": "تعزية", "thank": "شكر",
    "welcome": "ترحيب", "accuse": "اتهام", "criticize": "انتقاد", "charge": "توجيه تهمة", "describe": "وصف",
    "threaten": "تهديد", "warn": "تحذير", "attack": "هجوم", "kill": "قتل", "arrest": "اعتقال",
    "sentence": "حكم", "expel": "طرد", "sanction": "عقوبات", "protest": "احتجاج", "reject": "رفض",
    "demand": "مطالبة", "appeal": "مناشدة", "aid": "مساعدة", "cooperate": "تعاون",
}


def event_type(code: str | None) -> str:
    return EVENT_TYPES.get(code or "", code or "–")


def mode(code: str | None) -> str:
    return MODES.get(code or "", code or "")
