"""Arabic normalization for keys: letter folds, marks, digits; text_key and stable_id."""
from __future__ import annotations

import random

import pytest

from tasks.text.normalize import (
    Recent,
    full_key,
    normalize_arabic,
    paragraph_keys,
    plain_hashtags,
    remember_paragraph_keys,
    sha256_hex,
    stable_id,
    text_key,
    words,
)

TATWEEL = "\u0640"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("أحمد", "احمد"),  # alef with hamza above
        ("إسلام", "اسلام"),  # alef with hamza below
        ("آمال", "امال"),  # alef with madda
        ("ٱلله", "الله"),  # alef wasla
        ("مدرسة", "مدرسه"),  # ta marbuta
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("ایران", "ايران"),  # Persian yeh
        ("کتاب", "كتاب"),  # Persian keheh
        ("مؤتمر", "موتمر"),  # waw with hamza
        ("رئيس", "رييس"),  # yeh with hamza
    ],
)
def test_letter_folds(given, expected):
    assert normalize_arabic(given) == expected


def test_persian_letters_fold_to_arabic_code_points():
    out = normalize_arabic("ی ک")
    assert out == "\u064a \u0643"
    assert "\u06cc" not in out and "\u06a9" not in out


def test_tatweel_removed():
    assert normalize_arabic(f"سور{TATWEEL}{TATWEEL}يا") == "سوريا"


def test_diacritics_removed():
    # fatha, damma, kasra, sukun, shadda, tanwin, superscript alef
    assert normalize_arabic("مُحَمَّدٌ") == "محمد"
    assert normalize_arabic("كِتَابًا") == "كتابا"
    assert normalize_arabic("هٰذا") == "هذا"
    assert normalize_arabic("قُرْآن") == "قران"


def test_decomposed_hamza_and_madda_fold_like_composed():
    """alef + combining hamza/madda (NFD spelling) folds like the precomposed letter."""
    assert normalize_arabic("\u0627\u0654حمد") == normalize_arabic("أحمد") == "احمد"
    assert normalize_arabic("\u0627\u0653مال") == normalize_arabic("آمال") == "امال"


def test_presentation_forms_fold():
    # isolated lam-alef-with-hamza ligature and the final form of teh marbuta
    assert normalize_arabic("\ufef7") == "لا"
    assert normalize_arabic("مدرس\ufe94") == "مدرسه"


@pytest.mark.parametrize(
    "given, expected",
    [("٠١٢٣٤٥٦٧٨٩", "0123456789"), ("۰۱۲۳۴۵۶۷۸۹", "0123456789"), ("عام ٢٠٢٤ و۱۴۰۳", "عام 2024 و1403")],
    ids=["arabic-indic", "persian", "mixed"],
)
def test_digits_to_ascii(given, expected):
    assert normalize_arabic(given) == expected


def test_latin_is_lowercased():
    assert normalize_arabic("BBC News عربي") == "bbc news عربي"


def test_zero_width_characters():
    assert normalize_arabic("می\u200cخواهم") == "مي خواهم"  # ZWNJ separates
    assert normalize_arabic("\ufeffسلام\u200f") == "سلام"  # BOM and RLM vanish


SENTENCE = "أعلنت وزارة الصحة السورية يوم الأحد عن افتتاح مستشفى جديد في مدينة حلب."
SPELLINGS = [
    "أعلنت وزارة الصحة السورية يوم الأحد عن افتتاح مستشفى جديد في مدينة حلب.",
    # tatweel, no hamza, ه for ة, ي for ى
    "اعلنت وزارـــة الصحه السوريه يوم الاحد عن افتتاح مستشفي جديد في مدينه حلب",
    # diacritics and different punctuation / spacing
    "أَعْلَنَتْ   وِزَارَةُ الصِّحَّةِ السُّورِيَّةُ، يَوْمَ الأَحَدِ عَنْ افْتِتَاحِ مُسْتَشْفًى جَدِيدٍ فِي مَدِينَةِ حَلَب!",
    # Persian yeh and keheh where Arabic letters belong, hamza below on alef
    "أعلنت وزارة الصحة السوریة یوم الأحد عن افتتاح مستشفی جدید فی مدینة حلب.",
]


@pytest.mark.parametrize("spelling", SPELLINGS[1:], ids=["tatweel-hamza", "diacritics-punct", "persian"])
def test_text_key_equal_for_spellings_of_one_sentence(spelling):
    assert spelling != SENTENCE
    assert text_key(spelling) == text_key(SENTENCE)


def test_text_key_syria_with_tatweel():
    assert text_key("سوريا") == text_key("سوريـا") == text_key("سوريـــا") == "سوريا"


@pytest.mark.parametrize(
    "other",
    [
        "أعلنت وزارة الصحة السورية يوم الاثنين عن افتتاح مستشفى جديد في مدينة حلب.",  # another day
        "أعلنت وزارة الصحة السورية يوم الأحد عن افتتاح مستشفى جديد في مدينة حمص.",  # another city
        "أعلنت وزارة الصحة السورية يوم الأحد عن افتتاح مستشفى جديد.",  # shorter
        "أعلنت وزارة الصحة السورية يوم الأحد عن افتتاح مستشفى جديد في مدينة حلب 2.",  # an added token
    ],
)
def test_text_key_differs_for_different_sentences(other):
    assert text_key(other) != text_key(SENTENCE)


def test_text_key_digits_fold():
    assert text_key("قتل ١٢ شخصا") == text_key("قتل 12 شخصا") == text_key("قتل ۱۲ شخصا")
    assert text_key("قتل ١٢ شخصا") != text_key("قتل ١٣ شخصا")


def test_words_are_normalized_tokens():
    assert words("قالَ الرئيسُ: «السلام» ممكن!") == ("قال", "الرييس", "السلام", "ممكن")


def test_stable_id_deterministic():
    a = stable_id("file", "seeds", "news/1.txt")
    assert a == stable_id("file", "seeds", "news/1.txt")
    assert len(a) == 16 and int(a, 16) >= 0
    assert a == sha256_hex("file\x1fseeds\x1fnews/1.txt")[:16]


def test_stable_id_depends_on_every_part_and_order():
    base = stable_id("file", "seeds", "a.txt")
    assert stable_id("file", "seeds", "b.txt") != base
    assert stable_id("file", "other", "a.txt") != base
    assert stable_id("url", "seeds", "a.txt") != base
    assert stable_id("seeds", "file", "a.txt") != base
    assert stable_id("file", "seedsa.txt") != base  # the separator keeps parts apart


def test_stable_id_length():
    assert len(stable_id("x", length=32)) == 32
    assert stable_id("x", length=32).startswith(stable_id("x"))


def test_sha256_hex_str_and_bytes_agree():
    assert sha256_hex("سوريا") == sha256_hex("سوريا".encode("utf-8"))
    assert sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


TEXTS = [
    "",
    "\n\n",
    "سطر أول\nسطر ثانٍ بالتشكيل",
    "نهاية السطر\n\u064bحركة في أول السطر الثاني",  # a mark opening a line: never joined to the line before
    "ﻻ شكل عرض\nﷺ\n",  # presentation forms that NFKC expands
    "ΟΔΟΣ\nΣΟΦΙΑ",  # a final sigma before a line break
    "a\u200cb\nc\u200dd\n  \n٣٤ ۵۶",
]


@pytest.mark.parametrize("text", TEXTS)
def test_keys_from_lines_equal_keys_of_the_whole_text(text):
    """words, full_key and paragraph_keys work line by line: the results must be the whole text's."""
    whole = tuple(__import__("re").findall(r"\w+", normalize_arabic(text)))
    assert words(text) == whole
    assert full_key(text) == text_key(text) == " ".join(whole)
    assert paragraph_keys(text) == tuple(text_key(line) for line in text.split("\n"))


def test_remembered_keys_are_the_ones_given_and_the_oldest_are_forgotten():
    remember_paragraph_keys("x\ny", ("given", "keys"))
    assert paragraph_keys("x\ny") == ("given", "keys")
    recent = Recent(2)
    recent.put("a", 1), recent.put("b", 2), recent.put("a", 3), recent.put("c", 4)
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (3, None, 4)


def test_replacing_translates_as_str_translate_does():
    from tasks.text.normalize import _FOLD, _FOLD_SAME_LENGTH, replacing

    rng = random.Random(3)
    alphabet = [chr(k) for k in _FOLD] + list("ابتثجحخد هو،.:1 aZ") + ["\u064b", "\u0640"]
    for table in (_FOLD, _FOLD_SAME_LENGTH):
        translate = replacing(table)
        for _ in range(300):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
            assert translate(text) == text.translate(table)
    with pytest.raises(ValueError):
        replacing(str.maketrans({"أ": "ا", "ا": "ب"}))  # one by one, أ would become ب


def test_a_hashtag_reads_as_its_words_at_the_same_offsets():
    text = "وصلت #إيفانكا_ترمب إلى سيول، و#2018 عام"
    read = plain_hashtags(text)
    assert read == "وصلت  إيفانكا ترمب إلى سيول، و#2018 عام"  # a number after # is no hashtag
    assert len(read) == len(text)
    assert plain_hashtags("نص بلا وسم") == "نص بلا وسم"
