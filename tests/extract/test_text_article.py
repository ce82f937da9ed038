"""The plain-text path: titles and page furniture, on the seeds' gold and on pages the rules were not
written from (tests/fixtures/text_pages)."""
from __future__ import annotations

import json

import pytest

from tasks.extract.clean import drop_repeated_paragraphs
from tasks.extract.text_article import extract_text_article
from tests.support.paths import FIXTURES, SEEDS

FIXTURES = FIXTURES / "text_pages"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
PAGES = sorted(k for k in EXPECTED if k.endswith(".txt"))


def _seed_text(article_id: str) -> str:
    return (SEEDS / f"{article_id}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("article_id", ["000_7c5f736efb29cb56", "001_ce906912f90f5956", "002_8ffdce1b73291cfb",
                                        "003_abe0edcc387d59e3", "004_e2e31be185229538"])
def test_seed_cleaning_matches_gold(gold, article_id):
    want = gold["articles"][article_id]
    art = extract_text_article(_seed_text(article_id))
    assert art.title == want["title"]
    for phrase in want["cleaning"].get("must_appear_once", []):
        assert art.text.count(phrase) == 1, phrase
    for phrase in want["cleaning"].get("must_not_appear", []):
        assert phrase not in art.text, phrase
    if art.title:
        assert art.title not in art.text, "the title is not repeated inside the text"


def test_seed_lines_are_kept_once_not_lost(gold):
    """Every body paragraph of the doubled seed survives exactly once (nothing lost to the repeat rule)."""
    raw = _seed_text("000_7c5f736efb29cb56")
    art = extract_text_article(raw)
    body = {line for line in raw.splitlines() if len(line.split()) > 12}
    for line in body:
        assert art.text.count(line) == 1, line


@pytest.mark.parametrize("name", PAGES)
def test_unseen_pages(name):
    want = EXPECTED[name]
    art = extract_text_article((FIXTURES / name).read_text(encoding="utf-8"))
    assert art.title == want["title"]
    if "dateline" in want:
        assert str(art.dateline) == want["dateline"]
    if "author" in want:
        assert art.author == want["author"]
    for phrase in want["once"]:
        assert art.text.count(phrase) == 1, phrase
    for phrase in want["absent"]:
        assert phrase not in art.text, phrase
    for phrase in want.get("summary_has", []):
        assert art.summary and phrase in art.summary


def test_text_without_furniture_passes_through_unchanged():
    raw = (FIXTURES / "plain_report.txt").read_text(encoding="utf-8")
    art = extract_text_article(raw)
    assert art.text == raw.strip()
    assert art.removed == []


def test_subheadings_between_paragraphs_are_kept():
    para = "وقال المتحدث باسم الوزارة في مؤتمر صحافي عقده اليوم إن المفاوضات ستستأنف الأسبوع المقبل في العاصمة."
    raw = f"{para}\nتفاصيل الاتفاق الجديد\n{para.replace('المفاوضات', 'المحادثات')}"
    art = extract_text_article(raw)
    assert "تفاصيل الاتفاق الجديد" in art.text
    assert art.title is None


def test_cut_short_lead_then_whole_is_kept_once():
    whole = "أعلن رئيس الوزراء اليوم عن حزمة إجراءات اقتصادية جديدة لدعم الأسر محدودة الدخل ومواجهة ارتفاع الأسعار."
    cut = whole[:60].rstrip() + "..."
    kept, dropped = drop_repeated_paragraphs([cut, "عنوان فرعي للصورة", whole])
    assert kept == ["عنوان فرعي للصورة", whole]
    assert dropped == [cut]


def test_short_ellipsis_fragment_is_not_taken_for_a_cut_lead():
    kept, _ = drop_repeated_paragraphs(["انتظروا...", "انتظروا المزيد من التفاصيل في الساعات المقبلة حول هذا الحدث"])
    assert len(kept) == 2


def test_repeats_compare_normalized_letters():
    a = "وصل الوفد الإيراني إلى دمشق مساء أمس في زيارة رسمية تستمر ثلاثة أيام."
    b = a.replace("ي", "ی").replace("الإيراني", "الايراني")  # Persian yeh, bare alef
    kept, dropped = drop_repeated_paragraphs([a, b])
    assert kept == [a] and dropped == [b]


def test_empty_and_furniture_only_text_gives_no_text():
    assert extract_text_article("").text == ""
    assert extract_text_article("الرئيسية\nشارك\n1034\nمشاهدة\n").text == ""
